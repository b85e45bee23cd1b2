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
	// Bootstrap is the number of paired bootstrap replicates over test
	// instances behind every <name>_ci interval: 0 means
	// DefaultBootstrap (1000), < 0 turns the intervals off.
	Bootstrap int
	// Permutations is the number of permutations behind the <name>_p
	// p-values: 0 means DefaultPermutations (999), < 0 turns them off.
	Permutations int
	// Seed keys the bootstrap and permutation streams (study/seeds); the
	// same seed gives the same intervals and p-values.
	Seed int64
	// KNN is k of mutual k-NN alignment; ≤ 0 means DefaultKNN.
	KNN int
	// RBFThreshold sets the RBF CKA kernel width as a multiple of the
	// median pairwise feature distance; ≤ 0 means DefaultRBFThreshold.
	RBFThreshold float64
	// HomogenizationK is the group size k of ensemble.homogenization_k;
	// ≤ 0 means DefaultHomogenizationK (3).
	HomogenizationK int
	// Progress, when set, is called with a short description of each
	// slow stage as it starts ("bootstrap (1000 replicates)"), for a
	// progress line; it never changes the results.
	Progress func(stage string)
}

// count resolves a count option: 0 is def, < 0 is off (0).
func count(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
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

	opts.progress("pairwise measures (%d models, %d pairs)", m, m*(m-1)/2)
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
	dups := Duplicates(x)
	r.Extra = withKey(r.Extra, "duplicates", dups)
	addUncertainty(x, r, opts, replicationOf(x, dups))
	if err := AddExplanations(x, r, opts); err != nil {
		return nil, err
	}
	addGroups(x, r, opts)
	return r, nil
}

// addUncertainty adds the bootstrap intervals, permutation p-values,
// factor attribution, representation measures and the
// generalisation–disagreement relation to r; reps says which models are
// seed replicates.
func addUncertainty(x *predmat.Matrix, r *Result, opts Options, reps *replication) {
	p := pack(x)
	inst := newInstanceStats(x)
	var s *sampler
	if b := count(opts.Bootstrap, DefaultBootstrap); b > 0 {
		opts.progress("bootstrap (%d replicates)", b)
		s = newSampler(x, p, b, opts.Seed, opts.Workers)
		r.Extra = withKey(r.Extra, "bootstrap", BootstrapInfo{Replicates: b, Level: 0.95, Resampled: bootstrapResampled})
		s.addIntervals(r, inst)
	} else {
		pairwiseMeans(r)
	}
	addGroupHomogenization(x, r, p, s, count(max(opts.HomogenizationK, 0), DefaultHomogenizationK))
	if perms := count(opts.Permutations, DefaultPermutations); perms > 0 {
		opts.progress("permutation tests (%d permutations)", perms)
		addPermutation(r, p, perms, opts.Seed, opts.Workers)
	}

	if x.Configs == nil {
		r.Extra = withKey(r.Extra, "attribution", nil)
		r.Extra = withKey(r.Extra, "attribution_summary", nil)
		r.Extra = withKey(r.Extra, "generalization_disagreement", nil)
		r.Reasons["attribution"] = "the predictions carry no run configurations"
		r.Reasons["attribution_summary"] = "the predictions carry no run configurations"
		r.Reasons["generalization_disagreement"] = "the predictions carry no run configurations"
	} else {
		opts.progress("factor attribution")
		at, sum, why := attribution(x.Configs, r.PerModel.Accuracy, &r.Pairwise, s, nil, reps)
		maps.Copy(r.Reasons, why)
		r.Extra = withKey(r.Extra, "attribution", at)
		r.Extra = withKey(r.Extra, "attribution_summary", sum)
		gd, why := generalizationDisagreement(x, r.PerModel.Error, &r.Pairwise, s, reps)
		maps.Copy(r.Reasons, why)
		r.Extra = withKey(r.Extra, "generalization_disagreement", gd)
	}

	if len(x.Features) > 0 {
		opts.progress("representation similarity")
	}
	rep, why := Representations(x, opts.KNN, opts.RBFThreshold, opts.Workers)
	maps.Copy(r.Reasons, why)
	if rep == nil {
		r.Extra = withKey(r.Extra, "representation", nil)
	} else {
		r.Extra = withKey(r.Extra, "representation", rep)
	}
}
