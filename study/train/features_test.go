package train

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/spec"
)

func TestSubsetRows(t *testing.T) {
	const n = 101
	distinctSorted := func(rows []int) bool {
		for i := 1; i < len(rows); i++ {
			if rows[i] <= rows[i-1] {
				return false
			}
		}
		return true
	}
	tests := []struct {
		name   string
		subset string
		size   int
		check  func([]int) bool
	}{
		{"full is every row in order", "full", n, func(r []int) bool { return r[0] == 0 && r[n-1] == n-1 && distinctSorted(r) }},
		{"the empty value is full", "", n, distinctSorted},
		{"bootstrap draws n rows with repeats", "bootstrap", n, func(r []int) bool { return !distinctSorted(slices.Sorted(slices.Values(r))) }},
		{"half-a is the smaller half", "half-a", n / 2, distinctSorted},
		{"half-b is the rest", "half-b", n - n/2, distinctSorted},
		{"a fraction keeps that share of the rows", "0.25", 25, distinctSorted},
		{"a tiny fraction keeps at least one row", "0.001", 1, distinctSorted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := SubsetRows(tt.subset, n, 1, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.size {
				t.Fatalf("%d rows, want %d", len(rows), tt.size)
			}
			for _, r := range rows {
				if r < 0 || r >= n {
					t.Fatalf("row %d outside [0, %d)", r, n)
				}
			}
			if !tt.check(rows) {
				t.Fatalf("rows %v fail the check", rows)
			}
			again, _ := SubsetRows(tt.subset, n, 1, 2)
			if !slices.Equal(rows, again) {
				t.Fatal("the same seeds gave different rows")
			}
		})
	}
	t.Run("half-a and half-b are disjoint complements for the same data seed", func(t *testing.T) {
		a, _ := SubsetRows("half-a", n, 1, 2)
		b, _ := SubsetRows("half-b", n, 1, 2)
		all := slices.Sorted(slices.Values(append(slices.Clone(a), b...)))
		for i, r := range all {
			if r != i {
				t.Fatalf("half-a ∪ half-b is not every row once: %v", all)
			}
		}
	})
	t.Run("another data seed draws another subset", func(t *testing.T) {
		for _, s := range []string{"bootstrap", "half-a", "0.5"} {
			a, _ := SubsetRows(s, n, 1, 2)
			b, _ := SubsetRows(s, n, 1, 3)
			if slices.Equal(a, b) {
				t.Fatalf("%s: data seeds 2 and 3 gave the same rows", s)
			}
		}
	})
	t.Run("an unknown subset is an error", func(t *testing.T) {
		if _, err := SubsetRows("most", n, 1, 2); err == nil || !strings.Contains(err.Error(), "data_subset") {
			t.Fatalf("error %v, want one naming data_subset", err)
		}
	})
}

func TestEarlyStop(t *testing.T) {
	tests := []struct {
		name      string
		patience  int
		accs      []float64
		stopAt    int // epoch at which observe says stop; 0 = never
		bestEpoch int
	}{
		{"no patience never stops", 0, []float64{0.9, 0.5, 0.4, 0.3}, 0, 0},
		{"training stops patience epochs after the best", 2, []float64{0.5, 0.7, 0.6, 0.7, 0.9}, 4, 2},
		{"an improvement resets the count", 2, []float64{0.5, 0.4, 0.6, 0.5, 0.4}, 5, 3},
		{"a tie is not an improvement", 1, []float64{0.5, 0.5}, 2, 1},
		{"steady improvement never stops", 1, []float64{0.1, 0.2, 0.3}, 0, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &models.Param{W: []float32{0}}
			e := newEarlyStop(tt.patience, []*models.Param{p})
			stopped := 0
			for i, a := range tt.accs {
				p.W[0] = float32(i + 1) // the weights of epoch i+1
				if e.observe(i+1, a) {
					stopped = i + 1
					break
				}
			}
			if stopped != tt.stopAt {
				t.Fatalf("stopped at epoch %d, want %d", stopped, tt.stopAt)
			}
			best := e.restore()
			if best != tt.bestEpoch {
				t.Fatalf("best epoch %d, want %d", best, tt.bestEpoch)
			}
			if best > 0 && p.W[0] != float32(best) {
				t.Fatalf("weights of epoch %v restored, want those of epoch %d", p.W[0], best)
			}
		})
	}
}

func TestRunWithTrainingFeatures(t *testing.T) {
	d := blobSet(3, 4, 12, 11)
	d.TestX, d.TestY = d.ValX, d.ValY // so test accuracy shows the restored weights
	base := config("mlp", "sgd", 0.05)
	base.Epochs = 6
	run := func(t *testing.T, change func(*spec.Config)) *Result {
		t.Helper()
		cfg := base
		change(&cfg)
		res, err := Run(context.Background(), Job{Config: cfg, SpecSeed: 4, Data: d})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	ref := run(t, func(*spec.Config) {})
	changes := []struct {
		name   string
		change func(*spec.Config)
	}{
		{"a cosine schedule changes the result", func(c *spec.Config) { c.Schedule = "cosine" }},
		{"a step schedule changes the result", func(c *spec.Config) { c.Schedule = "step"; c.StepSize = 1; c.Gamma = 0.5 }},
		{"warm-up changes the result", func(c *spec.Config) { c.Warmup = 5 }},
		{"gradient clipping changes the result", func(c *spec.Config) { c.ClipNorm = 0.01 }},
		{"label smoothing changes the result", func(c *spec.Config) { c.LabelSmoothing = 0.1 }},
		{"mixup changes the result", func(c *spec.Config) { c.Augment = []string{"mixup"} }},
		{"resampling changes the result", func(c *spec.Config) { c.Augment = []string{"resample"} }},
		{"a bootstrap sample changes the result", func(c *spec.Config) { c.DataSubset = "bootstrap" }},
		{"a data seed changes a subset's result", func(c *spec.Config) { c.DataSubset = "half-a"; c.DataSeed = 99 }},
	}
	for _, tt := range changes {
		t.Run(tt.name, func(t *testing.T) {
			a := run(t, tt.change)
			if slices.Equal(a.Loss, ref.Loss) && slices.Equal(a.TestProb, ref.TestProb) {
				t.Fatal("result did not change")
			}
			if b := run(t, tt.change); !slices.Equal(a.Loss, b.Loss) || !slices.Equal(a.TestProb, b.TestProb) {
				t.Fatal("two runs with the same config differ")
			}
		})
	}
	t.Run("a data subset sets the training rows used", func(t *testing.T) {
		for _, c := range []struct {
			subset string
			want   int
		}{{"full", 36}, {"half-a", 18}, {"half-b", 18}, {"0.25", 9}, {"bootstrap", 36}} {
			res := run(t, func(cfg *spec.Config) { cfg.DataSubset = c.subset })
			if res.TrainRows != c.want {
				t.Errorf("%s: %d training rows, want %d", c.subset, res.TrainRows, c.want)
			}
		}
	})
	t.Run("early stopping stops and keeps the best epoch's weights", func(t *testing.T) {
		res := run(t, func(c *spec.Config) { c.Patience = 1; c.Epochs = 40; c.LR = 0.5 })
		if res.Epochs >= 40 || res.BestEpoch == 0 {
			t.Fatalf("ran %d epochs, best %d; want an early stop", res.Epochs, res.BestEpoch)
		}
		if res.Epochs != res.BestEpoch+1 || len(res.Loss) != res.Epochs || len(res.ValAccuracy) != res.Epochs {
			t.Fatalf("ran %d epochs (%d losses, %d accuracies), best %d, patience 1", res.Epochs, len(res.Loss), len(res.ValAccuracy), res.BestEpoch)
		}
		best := slices.Max(res.ValAccuracy)
		if res.ValAccuracy[res.BestEpoch-1] != best {
			t.Fatalf("best epoch %d has accuracy %v, but the best is %v", res.BestEpoch, res.ValAccuracy[res.BestEpoch-1], best)
		}
		if res.TestAccuracy != best {
			t.Fatalf("the final model scores %v on the validation rows, want the best epoch's %v", res.TestAccuracy, best)
		}
	})
	t.Run("without early stopping every epoch runs", func(t *testing.T) {
		if ref.Epochs != base.Epochs || ref.BestEpoch != 0 {
			t.Fatalf("ran %d epochs, best %d; want %d and 0", ref.Epochs, ref.BestEpoch, base.Epochs)
		}
	})
	t.Run("patience without validation rows is an error", func(t *testing.T) {
		nv := *d
		nv.ValX, nv.ValY = nil, nil
		cfg := base
		cfg.Patience = 2
		_, err := Run(context.Background(), Job{Config: cfg, Data: &nv})
		if err == nil || !strings.Contains(err.Error(), "validation rows") {
			t.Fatalf("error %v, want one about validation rows", err)
		}
	})
	t.Run("a fitter trains on the data subset", func(t *testing.T) {
		// fakeFitter predicts, for every row, the class shares of the rows
		// it was fitted on; every class has a third of the full data.
		shares := func(rows []int) []float32 {
			p := make([]float32, d.Classes)
			for _, r := range rows {
				p[d.TrainY[r]] += 1 / float32(len(rows))
			}
			return p
		}
		all := make([]int, d.NTrain())
		for r := range all {
			all[r] = r
		}
		full := shares(all)
		for _, c := range []struct {
			subset   string
			dataSeed int64
		}{{"0.25", 1}, {"half-a", 3}, {"bootstrap", 1}} {
			t.Run(c.subset, func(t *testing.T) {
				cfg := base
				cfg.Options = models.Options{Arch: "test-fitter"}
				cfg.DataSubset, cfg.DataSeed = c.subset, c.dataSeed
				res, err := Run(context.Background(), Job{Config: cfg, SpecSeed: 4, Data: d})
				if err != nil {
					t.Fatal(err)
				}
				rows, err := SubsetRows(c.subset, d.NTrain(), 4, c.dataSeed)
				if err != nil {
					t.Fatal(err)
				}
				want := shares(rows)
				if slices.EqualFunc(want, full, near) {
					t.Fatalf("subset rows %v have the full data's class shares %v; pick another data seed", rows, full)
				}
				if res.TrainRows != len(rows) {
					t.Errorf("%d training rows, want %d", res.TrainRows, len(rows))
				}
				if len(res.TestProb) != d.NTest()*d.Classes || d.NTest() == 0 {
					t.Fatalf("%d test probabilities, want %d×%d > 0", len(res.TestProb), d.NTest(), d.Classes)
				}
				for i := range d.NTest() {
					got := res.TestProb[i*d.Classes : (i+1)*d.Classes]
					if !slices.EqualFunc(got, want, near) {
						t.Fatalf("test row %d has probabilities %v, want the subset's class shares %v (full data: %v)", i, got, want, full)
					}
				}
			})
		}
	})
}

// near reports whether a and b agree to float32 rounding.
func near(a, b float32) bool { return math.Abs(float64(a-b)) <= 1e-6 }

func TestRunFailsAFitterOnNonFiniteInputs(t *testing.T) {
	for _, arch := range []string{"tree", "knn", "naive_bayes"} {
		t.Run(arch, func(t *testing.T) {
			d := blobSet(2, 3, 5, 8)
			d.TrainX = slices.Clone(d.TrainX)
			d.TrainX[4] = float32(math.NaN())
			_, err := Run(context.Background(), Job{Config: config(arch, "sgd", 0.1), Data: d})
			if err == nil || !strings.Contains(err.Error(), "non-finite") || strings.Contains(err.Error(), "panic") {
				t.Fatalf("error %v, want a failed fit naming the non-finite input", err)
			}
		})
	}
}
