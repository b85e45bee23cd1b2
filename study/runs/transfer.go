package runs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sync/errgroup"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/atomic"
	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
	"github.com/study-harness/study/study/train"
)

// TransferFile names the transfer stage's stored predictions for attack
// name in the results folder (predmat.AppendTransfer).
func TransferFile(name string) string { return "transfer-" + name + ".bin" }

// transferVersion enters every transfer key: a new version makes every
// stored transfer file stale.
const transferVersion = 1

// testHookRebuild, when set by a test, is called with each target model's
// name as the transfer stage rebuilds it.
var testHookRebuild func(name string)

// Transfer is the transfer stage (docs/robustness.md): for each attack of
// the results folder dir, every model of names (the prediction matrix's
// models, runs of the folder) predicts the examples crafted on every
// model that has them. A net is rebuilt from its stored weights, a fitter
// fitted again (train.Rebuild); each target predicts on one goroutine,
// at most workers (≥ 1) at a time, and the predictions do not depend on
// workers. The result of each attack is stored as TransferFile, keyed by
// the attack, its instances and the models' run ids, and read back
// instead of recomputed while the key holds. Nil for a study without
// attacks.
func Transfer(dir string, names []string, workers int) ([]*predmat.Transfer, error) {
	attacks, idx, err := Attacks(dir)
	if err != nil || len(attacks) == 0 {
		return nil, err
	}
	entries, err := store.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	byName := map[string]store.Entry{}
	for _, e := range entries {
		byName[e.Name] = e
	}
	stored, err := store.OpenRuns(dir)
	if err != nil {
		return nil, err
	}
	defer stored.Close()
	m := len(names)
	recs := make([]*store.Run, m)
	ids := make([]string, m)
	for k, n := range names {
		e, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("transfer: model %s is not a run of %s", n, dir)
		}
		ids[k] = e.ID
		if recs[k], err = stored.Get(e.ID); err != nil {
			return nil, fmt.Errorf("transfer: run %s: %w", n, err)
		}
	}
	instances := make([]string, len(idx))
	for i, r := range idx {
		instances[i] = strconv.Itoa(r)
	}
	out := make([]*predmat.Transfer, len(attacks))
	var stale []int
	for k, a := range attacks {
		tr := &predmat.Transfer{Attack: a.Name, Models: names, Instances: instances, NoSource: make([]string, m), NoTarget: make([]string, m)}
		for s := range names {
			if _, ok := recs[s].Record.AdvAccuracy[a.Name]; !ok {
				tr.NoSource[s] = noAdvReason(byName[names[s]])
			}
		}
		tr.Key = transferKey(a, idx, names, ids, tr.NoSource)
		if b, err := os.ReadFile(filepath.Join(dir, TransferFile(a.Name))); err == nil {
			if old, err := predmat.ReadTransfer(b); err == nil && old.Key == tr.Key {
				tr = old
			}
		}
		if tr.Pred == nil {
			stale = append(stale, k)
		}
		out[k] = tr
	}
	if len(stale) > 0 {
		if err := predictTransfer(dir, out, stale, recs, byName, workers); err != nil {
			return nil, err
		}
		for _, k := range stale {
			b, err := predmat.AppendTransfer(nil, out[k])
			if err != nil {
				return nil, err
			}
			if err := atomic.WriteFile(filepath.Join(dir, TransferFile(out[k].Attack)), b, 0o644); err != nil {
				return nil, err
			}
		}
	}
	for _, tr := range out {
		if err := readGradients(tr, recs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// transferKey hashes what a transfer's predictions depend on: the attack,
// its instances and, per model in order, its name, run id (which covers
// its config, data, seeds and the attacks) and whether it is a source.
func transferKey(a attack.Attack, idx []int, names, ids, noSource []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "study-transfer v%d\n", transferVersion)
	b, _ := json.Marshal(a)
	fmt.Fprintf(h, "attack=%s\nidx=%v\n", b, idx)
	for k := range names {
		fmt.Fprintf(h, "model=%s/%s/%v\n", names[k], ids[k], noSource[k] == "")
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// predictTransfer fills the predictions of the transfers trs[k], k in
// stale: it rebuilds every model of the plan stored in dir as a target
// and predicts every source's examples.
func predictTransfer(dir string, trs []*predmat.Transfer, stale []int, recs []*store.Run, byName map[string]store.Entry, workers int) error {
	names := trs[0].Models
	m, n := len(names), trs[0].N()
	for _, k := range stale {
		trs[k].Pred = make([]int32, m*m*n)
		for i := range trs[k].Pred {
			trs[k].Pred[i] = -1
		}
	}
	p, perr := transferPlan(dir)
	// adv[k][s] holds source s's examples of attack stale[k].
	adv := make([][][]float32, len(stale))
	for j, k := range stale {
		adv[j] = make([][]float32, m)
		for s := range names {
			if trs[k].NoSource[s] != "" {
				continue
			}
			b, err := recs[s].File(store.AdvInputsFile(trs[k].Attack))
			if err != nil {
				return fmt.Errorf("transfer: %w", err)
			}
			x, rows, _, err := store.DecodeNPY(recs[s].Path(store.AdvInputsFile(trs[k].Attack)), b)
			if err != nil {
				return fmt.Errorf("transfer: %w", err)
			}
			if rows != n {
				return fmt.Errorf("transfer: %s holds %d rows, not the %d attacked", recs[s].Path(store.AdvInputsFile(trs[k].Attack)), rows, n)
			}
			adv[j][s] = x
		}
	}
	// jobs[t] rebuilds target t; why[t] says why it cannot be.
	jobs := make([]train.Job, m)
	weights := make([]map[string][]float32, m)
	why := make([]string, m)
	byID := map[string]Run{}
	if p != nil {
		for _, r := range p.Runs {
			byID[r.ID] = r
		}
	}
	for t, name := range names {
		r, ok := byID[byName[name].ID]
		switch {
		case perr != nil:
			why[t] = fmt.Sprintf("the spec's dataset could not be loaded to rebuild the targets: %v", perr)
			continue
		case !ok:
			why[t] = fmt.Sprintf("run %s is not in the grid of %s", name, filepath.Join(dir, store.SpecFile))
			continue
		case len(r.Config.Labels) > 0 || len(r.Config.Positive) > 0:
			why[t] = fmt.Sprintf("run %s trains on its own labels, not the study's classes, so it is no target", name)
			continue
		}
		jobs[t] = train.Job{Config: r.Config, SpecSeed: p.Spec.Seed, Data: p.Data, Binary: p.Spec.Task == spec.TaskBinary}
		b, err := recs[t].File(store.WeightsFile)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a fitter, fitted again; or a net without weights, refused by Rebuild
		}
		if err != nil {
			return fmt.Errorf("transfer: %w", err)
		}
		ts, _, err := models.ReadSafetensors(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("transfer: %s: %w", recs[t].Path(store.WeightsFile), err)
		}
		weights[t] = make(map[string][]float32, len(ts))
		for k, v := range ts {
			weights[t][k] = v.Data
		}
	}
	var g errgroup.Group
	g.SetLimit(max(1, workers))
	for t := range names {
		if why[t] != "" {
			continue
		}
		g.Go(func() error {
			if testHookRebuild != nil {
				testHookRebuild(names[t])
			}
			model, err := train.Rebuild(jobs[t], weights[t])
			if err != nil {
				why[t] = fmt.Sprintf("run %s could not be rebuilt: %v", names[t], err)
				return nil
			}
			for j, k := range stale {
				for s, x := range adv[j] {
					if x != nil {
						copy(trs[k].Pred[(s*m+t)*n:], model.Predict(x, n))
					}
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, k := range stale {
		copy(trs[k].NoTarget, why)
		for t, w := range why {
			if w == "" {
				continue
			}
			for s := range m {
				for i := range n {
					trs[k].Pred[(s*m+t)*n+i] = -1
				}
			}
		}
	}
	return nil
}

// transferPlan is the plan of the spec stored in results folder dir, whose
// runs the transfer stage rebuilds.
func transferPlan(dir string) (*Plan, error) {
	s, err := spec.Load(filepath.Join(dir, store.SpecFile))
	if err != nil {
		return nil, err
	}
	p, err := NewPlan(s, filepath.Dir(filepath.Clean(dir)), 0)
	if err != nil {
		return nil, err
	}
	p.Dir = dir
	return p, nil
}

// readGradients adds to tr each model's input-loss gradients on the clean
// attacked instances (store.InputGradFile), or why it has none.
func readGradients(tr *predmat.Transfer, recs []*store.Run) error {
	m := len(tr.Models)
	tr.Grad, tr.NoGrad = make([][]float32, m), make([]string, m)
	for k, rec := range recs {
		if tr.NoSource[k] != "" {
			tr.NoGrad[k] = tr.NoSource[k]
			continue
		}
		b, err := rec.File(store.InputGradFile)
		if errors.Is(err, fs.ErrNotExist) {
			tr.NoGrad[k] = fmt.Sprintf("run %s stored no input gradients (trained by an older study)", tr.Models[k])
			continue
		}
		if err != nil {
			return fmt.Errorf("transfer: %w", err)
		}
		g, rows, cols, err := store.DecodeNPY(rec.Path(store.InputGradFile), b)
		if err != nil {
			return fmt.Errorf("transfer: %w", err)
		}
		if rows != tr.N() || (tr.In != 0 && cols != tr.In) {
			return fmt.Errorf("transfer: %s is %d×%d, not %d attacked rows × %d inputs", rec.Path(store.InputGradFile), rows, cols, tr.N(), tr.In)
		}
		tr.Grad[k], tr.In = g, cols
	}
	return nil
}

// AttackData returns the dataset of the study stored in results folder
// dir, as the attacks saw it (for the report's pictures).
func AttackData(dir string) (*data.Set, error) {
	p, err := transferPlan(dir)
	if err != nil {
		return nil, err
	}
	return p.Data, nil
}

// AdvInputs returns the adversarial inputs crafted on the run named name
// by attack, attacked rows × In.
func AdvInputs(dir, name, attack string) ([]float32, error) {
	entries, err := store.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	stored, err := store.OpenRuns(dir)
	if err != nil {
		return nil, err
	}
	defer stored.Close()
	for _, e := range entries {
		if e.Name != name {
			continue
		}
		run, err := stored.Get(e.ID)
		if err != nil {
			return nil, err
		}
		b, err := run.File(store.AdvInputsFile(attack))
		if err != nil {
			return nil, err
		}
		x, _, _, err := store.DecodeNPY(run.Path(store.AdvInputsFile(attack)), b)
		return x, err
	}
	return nil, fmt.Errorf("run %s is not in %s", name, dir)
}
