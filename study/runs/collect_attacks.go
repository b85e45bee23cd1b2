package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/store"
)

// Attacks returns the attacks of a results folder, in spec order, and the
// test rows they ran on; nil and nil for a study without attacks.
func Attacks(dir string) ([]attack.Attack, []int, error) {
	var as []attack.Attack
	err := store.ReadJSON(filepath.Join(dir, store.AttacksFile), &as)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var idx []int
	if err := store.ReadJSON(filepath.Join(dir, store.AttackIndexFile), &idx); err != nil {
		return nil, nil, err
	}
	return as, idx, nil
}

// CollectAdvAccuracy returns, for each of the named models (runs of the
// results folder, in the prediction matrix's order), its white-box
// accuracy under attack name, read from its record; NaN where it has
// none, with the reason in why[m].
func CollectAdvAccuracy(dir, name string, names []string) (acc []float64, why []string, err error) {
	entries, err := store.ReadManifest(dir)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]store.Entry{}
	for _, e := range entries {
		byName[e.Name] = e
	}
	stored, err := store.OpenRuns(dir)
	if err != nil {
		return nil, nil, err
	}
	defer stored.Close()
	acc, why = make([]float64, len(names)), make([]string, len(names))
	for m, n := range names {
		acc[m] = math.NaN()
		e, ok := byName[n]
		if !ok {
			why[m] = fmt.Sprintf("model %s is not a run of this study", n)
			continue
		}
		run, err := stored.Get(e.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("run %s: %w", n, err)
		}
		if a, ok := run.Record.AdvAccuracy[name]; ok {
			acc[m] = a
			continue
		}
		why[m] = noAdvReason(e)
	}
	return acc, why, nil
}

// noAdvReason says why run e has no white-box accuracy.
func noAdvReason(e store.Entry) string {
	var c struct {
		Arch     string `json:"arch"`
		Labels   []int  `json:"labels"`
		Positive []int  `json:"positive"`
	}
	_ = json.Unmarshal(e.Config, &c)
	if why := models.ViewsOf(c.Arch).NoGradient; why != "" {
		return why + "; it is not attacked, only a target of examples crafted on other models"
	}
	if len(c.Labels) > 0 || len(c.Positive) > 0 {
		return fmt.Sprintf("run %s trains on its own labels, not the study's test set, so it is not attacked", e.Name)
	}
	return fmt.Sprintf("run %s has no attack results (trained before the attack was in the spec)", e.Name)
}
