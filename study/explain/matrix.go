package explain

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Matrices are the M×M explanation-agreement matrices of a set of
// models: each cell is the mean, over the instances, of the pair's
// measure on that instance's two attribution vectors (see Compare).
// Matrices are row-major and symmetric; the diagonal compares a model
// with itself.
type Matrices struct {
	Models, Features, K int
	// Instances is the number of instances averaged over.
	Instances int

	FeatureAgreement      []float64
	RankAgreement         []float64
	SignAgreement         []float64
	SignedRankAgreement   []float64
	RankCorrelation       []float64
	PairwiseRankAgreement []float64
	// RankCorrelationN counts, per cell, the instances on which rank
	// correlation is defined (neither attribution constant): its mean is
	// over them, and NaN when there are none.
	RankCorrelationN []int
}

// Members returns the six matrices under their metrics.json names, each
// followed by suffix ("" for all instances, "_consensus" for the
// consensus set).
func (r *Matrices) Members(suffix string) map[string][]float64 {
	ms := [][]float64{r.FeatureAgreement, r.RankAgreement, r.SignAgreement,
		r.SignedRankAgreement, r.RankCorrelation, r.PairwiseRankAgreement}
	out := make(map[string][]float64, len(ms))
	for i, name := range MeasureNames {
		out[name+suffix] = ms[i]
	}
	return out
}

// AgreeOptions are the parameters of Agree.
type AgreeOptions struct {
	// K is the top-k count (ResolveK turns explain.k into it).
	K int
	// Include marks the instances to average over (n values; nil is all
	// of them). Consensus gives the consensus set.
	Include []bool
	// Workers bounds the goroutines; ≤ 0 means GOMAXPROCS. The result is
	// bit-identical for any value.
	Workers int
	// Pair, when set, receives every pair a < b's measures on each
	// included instance inst (its index among the n), for intervals that
	// resample instances. It is called from the workers: concurrent
	// calls have distinct pairs, and a pair's instances come in order.
	Pair func(a, b, inst int, g Agreement)
}

// Consensus returns the consensus set: the instances that every model
// classifies correctly, from correct, models × instances (m×n).
func Consensus(correct []bool, m, n int) ([]bool, error) {
	if len(correct) != m*n {
		return nil, fmt.Errorf("%d correctness values for %d models × %d instances", len(correct), m, n)
	}
	in := make([]bool, n)
	for i := range in {
		in[i] = true
		for a := range m {
			in[i] = in[i] && correct[a*n+i]
		}
	}
	return in, nil
}

// Sizes of the blocks Agree works in: at most chunkInstances instances
// have their profiles held at once, within about profileBytes, and a tile
// of model pairs has side tileModels.
const (
	chunkInstances = 32
	profileBytes   = 256 << 20
	tileModels     = 8
)

// chunkSize returns the instances per chunk for m models of d features:
// up to chunkInstances, fewer when their profiles (about 12 bytes per
// feature) would pass profileBytes, and at least one.
func chunkSize(m, d int) int {
	return max(1, min(chunkInstances, profileBytes/(12*m*d)))
}

// Agree returns the explanation-agreement matrices of m models from
// attr, their attributions on the same n instances of d features
// (models × instances × features, row-major).
//
// Each model's attribution of each instance is reduced once to its order,
// top-k sets and ranks (profiles), so a pair costs O(k) per instance for
// the top-k measures, O(D) for rank correlation and, for pairwise rank
// agreement, a few word operations per feature up to 1024 features
// (O(D·(1 + D/128)) beyond). Instances are taken in
// chunks; within a chunk, tiles of model pairs run on the workers, and
// every cell sums its instances in order (the counts as integers), so the
// result does not depend on the number of workers.
func Agree(attr []float32, m, n, d int, o AgreeOptions) (*Matrices, error) {
	return agree(attr, m, n, d, o, chunkSize(m, d))
}

// agree is Agree with chunk instances per chunk.
func agree(attr []float32, m, n, d int, o AgreeOptions, chunk int) (*Matrices, error) {
	if m < 1 || n < 0 || d < 1 || len(attr) != m*n*d {
		return nil, fmt.Errorf("%d attributions for %d models × %d instances × %d features", len(attr), m, n, d)
	}
	if o.K < 1 || o.K > d {
		return nil, fmt.Errorf("top-%d of %d features", o.K, d)
	}
	if o.Include != nil && len(o.Include) != n {
		return nil, fmt.Errorf("%d instance flags for %d instances", len(o.Include), n)
	}
	var sel []int
	for i := range n {
		if o.Include == nil || o.Include[i] {
			sel = append(sel, i)
		}
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	tiles := upperTiles(m, tileModels)
	acc := make([]counts, m*m)
	ps := newProfiles(m*min(chunk, len(sel)), d, o.K)
	scratches := make([]*scratch, workers)
	keys := make([][]uint64, workers)
	for w := range workers {
		scratches[w], keys[w] = newScratch(d), make([]uint64, 2*d)
	}
	for c0 := 0; c0 < len(sel); c0 += chunk {
		insts := sel[c0:min(c0+chunk, len(sel))]
		l := len(insts)
		// Profile a*l+t is model a on instance insts[t].
		errs := make([]error, m*l)
		parallel(m*l, workers, func(w, item int) {
			a, t := item/l, item%l
			off := (a*n + insts[t]) * d
			if err := ps.set(item, attr[off:off+d], keys[w]); err != nil {
				errs[item] = fmt.Errorf("model %d, instance %d: %w", a, insts[t], err)
			}
		})
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		parallel(len(tiles), workers, func(w, item int) {
			tl := tiles[item]
			for t := range l {
				for a := tl.a0; a < tl.a1; a++ {
					for b := max(a, tl.b0); b < tl.b1; b++ {
						c := ps.pair(a*l+t, ps, b*l+t, scratches[w])
						acc[a*m+b].add(c)
						if o.Pair != nil && a < b {
							o.Pair(a, b, insts[t], c.agreement(d, o.K))
						}
					}
				}
			}
		})
	}
	return means(acc, m, d, o.K, len(sel)), nil
}

// add sums another instance's counts into c.
func (c *counts) add(x counts) {
	c.fa += x.fa
	c.ra += x.ra
	c.sa += x.sa
	c.sra += x.sra
	c.rcSum += x.rcSum
	c.rcN += x.rcN
	c.concordant += x.concordant
}

// means turns the per-cell sums over n instances into the matrices.
func means(acc []counts, m, d, k, n int) *Matrices {
	r := &Matrices{Models: m, Features: d, K: k, Instances: n,
		FeatureAgreement: make([]float64, m*m), RankAgreement: make([]float64, m*m),
		SignAgreement: make([]float64, m*m), SignedRankAgreement: make([]float64, m*m),
		RankCorrelation: make([]float64, m*m), PairwiseRankAgreement: make([]float64, m*m),
		RankCorrelationN: make([]int, m*m),
	}
	nk := float64(n) * float64(k)
	pairs := float64(n) * float64(d) * float64(d-1) / 2
	for a := range m {
		for b := a; b < m; b++ {
			c := acc[a*m+b]
			rc := math.NaN()
			if c.rcN > 0 {
				rc = c.rcSum / float64(c.rcN)
			}
			pra := float64(c.concordant) / pairs
			if d == 1 {
				pra = 1
			}
			if n == 0 {
				pra = math.NaN()
			}
			for _, cell := range [][2]int{{a, b}, {b, a}} {
				i := cell[0]*m + cell[1]
				r.FeatureAgreement[i] = float64(c.fa) / nk
				r.RankAgreement[i] = float64(c.ra) / nk
				r.SignAgreement[i] = float64(c.sa) / nk
				r.SignedRankAgreement[i] = float64(c.sra) / nk
				r.RankCorrelation[i] = rc
				r.PairwiseRankAgreement[i] = pra
				r.RankCorrelationN[i] = int(c.rcN)
			}
		}
	}
	return r
}

// tile is a block of rows [a0, a1) against columns [b0, b1) of an M×M
// matrix, with a0 ≤ b0.
type tile struct{ a0, a1, b0, b1 int }

// upperTiles splits the upper triangle (diagonal included) of an m×m
// matrix into size×size tiles, in a fixed order.
func upperTiles(m, size int) []tile {
	var ts []tile
	for a0 := 0; a0 < m; a0 += size {
		for b0 := a0; b0 < m; b0 += size {
			ts = append(ts, tile{a0, min(a0+size, m), b0, min(b0+size, m)})
		}
	}
	return ts
}

// parallel calls f(worker, item) for items 0..count−1 on at most workers
// goroutines; worker is in [0, workers), for per-worker scratch. Each item
// is handled by exactly one call.
func parallel(count, workers int, f func(worker, item int)) {
	workers = min(workers, count)
	if workers <= 1 {
		for i := range count {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= count {
					return
				}
				f(w, i)
			}
		})
	}
	wg.Wait()
}
