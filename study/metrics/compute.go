package metrics

import (
	"fmt"
	"maps"

	"github.com/study-harness/study/study/predmat"
)

// Options are the settings of Compute. The zero value computes everything
// with GOMAXPROCS workers.
type Options struct {
	// Workers bounds the goroutines of the pairwise kernels; ≤ 0 means
	// GOMAXPROCS. The results do not depend on it.
	Workers int
	// SkipJSD leaves the JSD matrix out (null, with a reason). JSD costs
	// one logarithm per pair, instance and class, by far the slowest
	// measure for many models.
	SkipJSD bool
}

// Compute validates x and computes every measure of the catalogue.
func Compute(x *predmat.Matrix, opts Options) (*Result, error) {
	if err := x.Validate(); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	r := &Result{
		Models:     x.Models,
		NInstances: x.N(),
		NClasses:   x.Classes,
		Reasons:    Reasons{},
	}
	m, n := x.M(), x.N()
	acc, errs := make(Vec, m), make(Vec, m)
	for a := 0; a < m; a++ {
		k := 0
		for i, v := range x.Row(a) {
			if v == x.Labels[i] {
				k++
			}
		}
		acc[a] = float64(k) / float64(n)
		errs[a] = float64(n-k) / float64(n)
	}
	r.PerModel = PerModelStats{Accuracy: acc, Error: errs}

	pairs, why, err := Pairwise(x, opts.Workers)
	if err != nil {
		return nil, err
	}
	maps.Copy(r.Reasons, why)
	switch {
	case x.Prob == nil:
		r.Reasons["pairwise.jsd"] = "the predictions have no class probabilities"
		r.Reasons["pairwise.capa"] = "the predictions have no class probabilities"
	default:
		if opts.SkipJSD {
			r.Reasons["pairwise.jsd"] = "not computed (Options.SkipJSD)"
		} else if pairs.JSD, err = JSD(x, opts.Workers); err != nil {
			return nil, err
		}
		if pairs.CAPA, why, err = CAPA(x, opts.Workers); err != nil {
			return nil, err
		}
		maps.Copy(r.Reasons, why)
	}
	r.Pairwise = *pairs

	ens, why, err := Ensemble(x)
	if err != nil {
		return nil, err
	}
	maps.Copy(r.Reasons, why)
	r.Ensemble = *ens
	return r, nil
}
