package train

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/spec"
)

// TestCheckRefusesWhatCannotFit checks sizes against the data and a
// machine of 1 GiB: each refusal is a *models.FieldError on the field to
// change, before anything is built (widths: [1e8] used to end study run
// in Go's "fatal error: out of memory").
func TestCheckRefusesWhatCannotFit(t *testing.T) {
	defer func(f func() (float64, string)) { machineMemory = f }(machineMemory)
	machineMemory = func() (float64, string) { return 1 << 30, "test" }
	d := blobSet(3, 784, 400, 1) // 1200 training rows of 784 features
	tests := []struct {
		name   string
		change func(*spec.Config)
		field  string // "" when accepted
		want   string
	}{
		{"a small mlp fits", func(c *spec.Config) {}, "", ""},
		{"widths [1e8] is refused on widths", func(c *spec.Config) { c.Widths = []int{1e8} }, "widths",
			"model, gradients and optimizer state 1.15 TiB"},
		{"width 1e6 of a resmlp is refused on width", func(c *spec.Config) { c.Arch, c.Width = "resmlp", 1e6 }, "width", "more than this machine's 1 GiB (test)"},
		{"an unset width of a huge arch is refused on arch", func(c *spec.Config) { c.Widths = []int{1e5, 1e5} }, "widths", "needs about"},
		{"a batch above the training rows is clamped to them", func(c *spec.Config) { c.Batch = 1e9 }, "", ""},
		{"wide activations of a large batch are refused on batch", func(c *spec.Config) { c.Widths, c.Batch = []int{80000}, 1200 }, "batch", "for 1200 rows"},
		{"knn with k above the training rows is refused on k", func(c *spec.Config) { c.Arch, c.K = "knn", 1201 }, "k", "k 1201 is more than the 1200 training rows"},
		{"knn with k equal to the training rows is accepted", func(c *spec.Config) { c.Arch, c.K = "knn", 1200 }, "", ""},
		{"knn's k is checked against the run's data subset", func(c *spec.Config) { c.Arch, c.K, c.DataSubset = "knn", 601, "half-a" }, "k", "601 is more than the 600 training rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			job := Job{Config: config("mlp", "adam", 0.01), Data: d}
			tt.change(&job.Config)
			err := Check(job)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe *models.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.want) {
				t.Fatalf("error %v, want a *models.FieldError on %s saying %q", err, tt.field, tt.want)
			}
		})
	}
}

// TestRunClampsTheBatch trains with a batch far above the training rows:
// one full-batch step per epoch, with buffers of the rows, not of the
// batch (1<<62 rows of buffers used to panic in make).
func TestRunClampsTheBatch(t *testing.T) {
	d := blobSet(3, 3, 10, 2)
	clamped, full := config("mlp", "sgd", 0.1), config("mlp", "sgd", 0.1)
	clamped.Batch, full.Batch = 1<<62, d.NTrain()
	a, err := Run(context.Background(), Job{Config: clamped, Data: d})
	if err != nil {
		t.Fatalf("batch 1<<62: %v", err)
	}
	b, err := Run(context.Background(), Job{Config: full, Data: d})
	if err != nil {
		t.Fatal(err)
	}
	if a.TestAccuracy != b.TestAccuracy || len(a.TestProb) != len(b.TestProb) {
		t.Fatalf("batch 1<<62 and batch %d (the training rows) train differently", d.NTrain())
	}
	for i := range a.TestProb {
		if a.TestProb[i] != b.TestProb[i] {
			t.Fatalf("probability %d: %v and %v", i, a.TestProb[i], b.TestProb[i])
		}
	}
}

func TestMemTotal(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		want          float64
		ok            bool
	}{
		{"MemTotal in kB is read", "MemTotal:       24628104 kB\nMemFree: 1 kB\n", 24628104 * 1024, true},
		{"a file without MemTotal is unknown", "MemFree: 1 kB\n", 0, false},
		{"another unit is unknown", "MemTotal: 5 MB\n", 0, false},
		{"a garbled figure is unknown", "MemTotal: lots kB\n", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "meminfo")
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, ok := memTotal(path)
			if got != tc.want || ok != tc.ok {
				t.Errorf("memTotal = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := memTotal(filepath.Join(dir, "missing")); ok {
		t.Error("a missing file reads as known")
	}
}
