package models_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/study-harness/study/models"
)

// sameModel reports whether a and b, built by models.New, are the same
// model: nets with equal parameters, or fitters that fit the same
// probabilities.
func sameModel(a, b any) bool {
	if fa, ok := a.(models.Fitter); ok {
		fb, ok := b.(models.Fitter)
		return ok && reflect.DeepEqual(fitted(fa), fitted(fb))
	}
	na, ok1 := a.(models.Net)
	nb, ok2 := b.(models.Net)
	if !ok1 || !ok2 {
		return false
	}
	pa, pb := na.Params(), nb.Params()
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if pa[i].Name != pb[i].Name || !reflect.DeepEqual(pa[i].W, pb[i].W) {
			return false
		}
	}
	return true
}

// fitted fits f on 40 random rows of 64 features and 3 classes and
// returns its probabilities on them.
func fitted(f models.Fitter) []float32 {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, in = 40, 64
	x, y := make([]float32, n*in), make([]int, n)
	for i := range x {
		x[i] = rng.Float32()
	}
	for i := range y {
		y[i] = i % 3
	}
	if err := f.Fit(x, y, n); err != nil {
		return nil
	}
	out := make([]float32, n*3)
	f.Proba(x, n, out)
	return out
}

// TestOptionsUsedAndResolved checks the registered option fields of each
// architecture against what it builds: a field it does not read (by
// Options.Used) leaves the model as it is, and Options.Resolved, with
// every default written out, builds the model of the unset options.
func TestOptionsUsedAndResolved(t *testing.T) {
	s := models.Shape{In: 64, Height: 8, Width: 8, Channels: 1, Classes: 3, Out: 3}
	// one valid, non-default value of each option field
	values := map[string]func(o *models.Options){
		"widths":     func(o *models.Options) { o.Widths = []int{5} },
		"activation": func(o *models.Options) { o.Activation = "tanh" },
		"dropout":    func(o *models.Options) { o.Dropout = 0.5 },
		"width":      func(o *models.Options) { o.Width = 4 },
		"depth":      func(o *models.Options) { o.Depth = 1 },
		"heads":      func(o *models.Options) { o.Heads = 1 },
		"patch":      func(o *models.Options) { o.Patch = 2 },
		"max_depth":  func(o *models.Options) { o.MaxDepth = 2 },
		"min_leaf":   func(o *models.Options) { o.MinLeaf = 3 },
		"k":          func(o *models.Options) { o.K = 2 },
	}
	build := func(t *testing.T, o models.Options) any {
		t.Helper()
		m, err := models.New(s, o, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		return m
	}
	for _, arch := range models.Names() {
		t.Run(arch, func(t *testing.T) {
			base := models.Options{Arch: arch}
			m := build(t, base)
			if r := base.Resolved(s); !sameModel(m, build(t, r)) {
				t.Errorf("Resolved %+v builds another model than the defaults", r)
			}
			for key, set := range values {
				o := base
				set(&o)
				if models.Reads(arch, key) {
					if reflect.DeepEqual(o.Used(), base) {
						t.Errorf("Used clears %s, which %s reads", key, arch)
					}
					continue
				}
				if !reflect.DeepEqual(o.Used(), base) {
					t.Errorf("Used keeps %s, which %s does not read: %+v", key, arch, o.Used())
				}
				if !sameModel(m, build(t, o)) {
					t.Errorf("%s does not register %s, but %s changes its model", arch, key, key)
				}
			}
		})
	}
}
