package train

import (
	"fmt"
	"math"
	"slices"

	"github.com/study-harness/study/study/seeds"
	"github.com/study-harness/study/study/spec"
)

// SubsetRows returns the training rows, out of n, that a run with the
// given data_subset value uses, drawn from the stream
// seeds.Stream("data_subset", specSeed, dataSeed):
//
//   - full (or ""): 0, 1, ..., n−1;
//   - bootstrap: n draws with replacement, in draw order;
//   - half-a, half-b: a uniform random permutation of the rows cut in two;
//     half-a is the first ⌊n/2⌋ rows and half-b the rest, each sorted, so
//     the two are disjoint complements for the same seeds;
//   - overlap-a, overlap-b: the same permutation cut into quarters of
//     q = ⌊n/4⌋ rows Q1..Q4; overlap-a is Q1∪Q2 and overlap-b Q2∪Q3, each
//     sorted, so they share exactly q of their 2q rows (50%);
//   - a fraction f: the first max(1, round(f·n)) rows of the same
//     permutation, sorted (so "0.5" is half-a when n is even).
//
// The result depends only on its arguments.
func SubsetRows(subset string, n int, specSeed, dataSeed int64) ([]int, error) {
	kind, frac, err := spec.ParseDataSubset(subset)
	if err != nil {
		return nil, fmt.Errorf("train: data_subset: %w", err)
	}
	if n < 0 {
		return nil, fmt.Errorf("train: data_subset %s of %d rows", subset, n)
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	if kind == spec.SubsetFull {
		return all, nil
	}
	rng := seeds.Stream("data_subset", specSeed, dataSeed)
	if kind == spec.SubsetBootstrap {
		out := make([]int, n)
		for i := range out {
			out[i] = rng.IntN(n)
		}
		return out, nil
	}
	shuffle(all, rng)
	var out []int
	switch kind {
	case spec.SubsetHalfA:
		out = all[:n/2]
	case spec.SubsetHalfB:
		out = all[n/2:]
	case spec.SubsetOverlapA:
		out = all[:2*(n/4)]
	case spec.SubsetOverlapB:
		out = all[n/4 : 3*(n/4)]
	default:
		k := min(n, max(1, int(math.Round(frac*float64(n)))))
		out = all[:k]
	}
	slices.Sort(out)
	return out, nil
}
