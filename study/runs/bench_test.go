package runs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
)

// Benchmarks of the engine's own work per sweep and per run, on the specs
// of the root package's BenchmarkSweep1000TinyRuns: 1000 runs of an MLP
// on moons, one per seed.

// sweepSpec writes and loads the 1000-run spec with test test rows and
// hidden layers widths (the stress size of that benchmark with 100 and
// "16", its quick size, sweeps/quick.yaml's MLP runs, with 500 and
// "16, 16").
func sweepSpec(b *testing.B, test int, widths string) *spec.Spec {
	seeds := make([]string, 1000)
	for i := range seeds {
		seeds[i] = fmt.Sprint(i + 1)
	}
	path := filepath.Join(b.TempDir(), "tiny.yaml")
	src := fmt.Sprintf("name: tiny\nseed: 1\ndataset: {name: moons, train: 200, test: %d, noise: 0.2}\ntask: binary\n"+
		"fixed: {arch: mlp, widths: [%s], epochs: 3, batch: 32, optimizer: adam, lr: 0.01}\n"+
		"axes:\n  seed: [%s]\n", test, widths, strings.Join(seeds, ","))
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	s, err := spec.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkNewPlan plans 1000 runs: grid expansion, data, feature subset,
// run ids and recipe checks, the fixed cost that a sweep pays before its
// first run trains.
func BenchmarkNewPlan(b *testing.B) {
	s := sweepSpec(b, 100, "16")
	results := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewPlan(s, results, 100000); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStoreRun encodes one trained run (predictions.bin on the test
// rows, features.npy, metrics.json) and appends its record to a pack,
// each time under a new run id: what a writer goroutine spends on each
// run of a sweep.
func BenchmarkStoreRun(b *testing.B) {
	for _, size := range []struct {
		test   int
		widths string
	}{{100, "16"}, {500, "16, 16"}} {
		b.Run(fmt.Sprintf("test=%d", size.test), func(b *testing.B) {
			p, err := NewPlan(sweepSpec(b, size.test, size.widths), b.TempDir(), 100000)
			if err != nil {
				b.Fatal(err)
			}
			t, ok := p.trainOne(context.Background(), p.Runs[0], nil)
			if !ok || t.res == nil {
				b.Fatalf("training failed: %+v", t.rec)
			}
			stored, err := store.OpenRuns(p.Dir)
			if err != nil {
				b.Fatal(err)
			}
			defer stored.Close()
			pack, err := stored.Writer(store.PackName(""))
			if err != nil {
				b.Fatal(err)
			}
			defer pack.Close()
			r := p.Runs[0]
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r.ID = fmt.Sprintf("%016x", i)
				if err := p.storeRun(t, r, pack); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
