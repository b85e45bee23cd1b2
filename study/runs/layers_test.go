package runs

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

const layersSpec = `name: layers
seed: 5
dataset: {name: moons, train: 200, test: 80}
fixed: {epochs: 2, batch: 32, widths: [8], lr: 0.01}
axes:
  arch: [logreg, mlp]
`

// TestCollectReadsTheLayersEachArchHas checks what Collect puts in the
// matrix for the hidden-layer and logits views: an mlp has both, logreg
// only logits and a reason for its missing features. It also reads
// records of the older kind, rewritten as run folders without logits.npy
// and, for logreg, with the inputs stored as features.npy as runs did
// before: those features are not read (a CKA of exactly 1 for every
// logreg pair), and the missing logits have a reason.
func TestCollectReadsTheLayersEachArchHas(t *testing.T) {
	p := plan(t, layersSpec, t.TempDir())
	if _, err := Execute(context.Background(), p, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, old bool) {
		t.Helper()
		x, err := Collect(p.Dir)
		must(t, err)
		for m, name := range x.Models {
			logreg := strings.Contains(name, "arch=logreg")
			if got := x.Features[m] != nil; got == logreg {
				t.Errorf("%s: has features %v", name, got)
			}
			if logreg && !strings.Contains(x.NoFeatures[m], "arch=logreg has no hidden layer") {
				t.Errorf("%s: reason for no features %q", name, x.NoFeatures[m])
			}
			if !logreg && x.NoFeatures[m] != "" {
				t.Errorf("%s: reason for no features %q, want none", name, x.NoFeatures[m])
			}
			switch {
			case old && (x.Logits[m] != nil || x.NoLogits[m] != noLogitsYet):
				t.Errorf("%s: old record has logits %v, reason %q", name, x.Logits[m] != nil, x.NoLogits[m])
			case !old && (x.LogitDims[m] != 2 || len(x.Logits[m]) != 2*len(x.FeatureIdx) || x.NoLogits[m] != ""):
				t.Errorf("%s: logits %d values of dimension %d, reason %q; want %d×2", name, len(x.Logits[m]), x.LogitDims[m], x.NoLogits[m], len(x.FeatureIdx))
			}
		}
	}
	t.Run("new records", func(t *testing.T) { check(t, false) })

	stored, err := store.OpenRuns(p.Dir)
	must(t, err)
	for _, r := range p.Runs {
		run, err := stored.Get(r.ID)
		must(t, err)
		w, err := store.NewRunWriter(p.Dir, r.ID)
		must(t, err)
		for _, name := range run.Files() {
			if name == store.LogitsFile {
				continue
			}
			name, b, err := ExportFile(run, name)
			must(t, err)
			must(t, w.WriteFile(name, b))
		}
		if r.Config.Arch == "logreg" {
			b, err := store.AppendNPY(nil, p.Data.TestX[:2*len(p.FeatureIdx)], len(p.FeatureIdx), 2)
			must(t, err)
			must(t, w.WriteFile(store.FeaturesFile, b))
		}
		rec := *run.Record
		must(t, w.Commit(&rec))
	}
	must(t, stored.Close())
	must(t, os.Remove(packPath(p)))
	t.Run("old records", func(t *testing.T) { check(t, true) })
}
