package metrics

import (
	"math"
	"math/bits"
	"slices"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/seeds"
)

// DefaultBootstrap and DefaultPermutations are the numbers of bootstrap
// replicates and permutations that Options' zero values stand for: 1000
// replicates, enough for the 2.5% and 97.5% percentiles of a reported
// interval, and 999 permutations, whose floor 1/(P+1) is 0.001.
const (
	DefaultBootstrap    = 1000
	DefaultPermutations = 999
)

// BootstrapInfo is metrics.json's "bootstrap" member: what every <name>_ci
// interval of the Result is.
type BootstrapInfo struct {
	Replicates int     `json:"replicates"` // B
	Level      float64 `json:"level"`      // 0.95
	// Resampled says what each replicate draws and what it holds fixed.
	Resampled string `json:"resampled"`
}

// bootstrapResampled is BootstrapInfo.Resampled.
const bootstrapResampled = "test instances, with replacement, the same draw for every model (paired); the trained models (runs) are fixed, so an interval reflects the finite test set, not run-to-run variability"

// pairWorkBudget bounds the word operations that the per-pair bootstrap
// and permutation kernels may spend (about a second on two cores). Beyond
// it the intervals of measures that are not sums over instances, and the
// per-pair p-values, are left out with a reason.
const pairWorkBudget = 3e9

// bootstrap holds the replicates of a paired bootstrap over instances:
// replicate r draws N instances with replacement, and the same draw is
// used for every model. A replicate is kept as instance counts w[r][i]
// and as their bit planes, so that a weighted count over a packed
// correctness vector is Σ_k 2^k popcount(v & plane_k).
type bootstrap struct {
	n, cw  int
	w      [][]int32
	planes [][]uint64 // planes[r][k*cw+j]: bit k of the counts of word j
}

// newBootstrap draws b replicates of n instances from the stream
// "metrics/bootstrap" keyed by seed and the replicate's index, so a
// replicate does not depend on b or on the number of workers.
func newBootstrap(seed int64, b, n int) *bootstrap {
	w := make([][]int32, b)
	for r := range b {
		rng := seeds.Stream("metrics/bootstrap", seed, int64(r))
		w[r] = make([]int32, n)
		for range n {
			w[r][rng.IntN(n)]++
		}
	}
	return bootstrapFrom(w, n)
}

// bootstrapFrom keeps the given instance counts w[r][i] (each replicate
// summing to n) with their bit planes.
func bootstrapFrom(w [][]int32, n int) *bootstrap {
	bs := &bootstrap{n: n, cw: (n + 63) / 64, w: w, planes: make([][]uint64, len(w))}
	for r, wr := range w {
		top := int32(0)
		for _, v := range wr {
			top = max(top, v)
		}
		np := bits.Len32(uint32(top))
		pl := make([]uint64, np*bs.cw)
		for i, v := range wr {
			for k := 0; v != 0; k, v = k+1, v>>1 {
				if v&1 != 0 {
					pl[k*bs.cw+i/64] |= 1 << (i % 64)
				}
			}
		}
		bs.planes[r] = pl
	}
	return bs
}

// count returns Σ_i w_r[i]·bit_i(v) for a packed bit vector v.
func (bs *bootstrap) count(r int, v []uint64) int {
	pl, cw := bs.planes[r], bs.cw
	s := 0
	for k := 0; k*cw < len(pl); k++ {
		s += andCount(v, pl[k*cw:(k+1)*cw]) << k
	}
	return s
}

// percentile95 returns the 2.5% and 97.5% percentiles (linear
// interpolation between order statistics, numpy's default) of the finite
// values of v, or NaNs when fewer than half of the values are finite: a
// measure undefined on many replicates has no meaningful interval. It
// reorders v.
func percentile95(v []float64) Interval {
	fin := v[:0]
	total := len(v)
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			fin = append(fin, x)
		}
	}
	if len(fin) == 0 || 2*len(fin) < total {
		return Interval{math.NaN(), math.NaN()}
	}
	slices.Sort(fin)
	return Interval{quantileSorted(fin, 0.025), quantileSorted(fin, 0.975)}
}

// quantileSorted interpolates linearly between the order statistics of
// the sorted s.
func quantileSorted(s []float64, q float64) float64 {
	h := q * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

// replicateAccuracies returns right[r][a], model a's weighted number of
// correct instances in replicate r.
func (bs *bootstrap) replicateRight(p *packed, workers int) [][]int {
	right := make([][]int, len(bs.w))
	forRange(len(bs.w), workers, func(r int) {
		row := make([]int, p.m)
		for a := range p.m {
			row[a] = bs.count(r, p.corr[a*p.cw:(a+1)*p.cw])
		}
		right[r] = row
	})
	return right
}

// forRange calls f(k) for k in [0, n) on at most workers goroutines; each
// k is handled by one call.
func forRange(n, workers int, f func(k int)) {
	ts := make([]tile, n)
	for k := range ts {
		ts[k] = tile{a0: k}
	}
	forTiles(ts, workers, func(t tile) { f(t.a0) })
}

// pairBoot holds the weighted counts of a list of pairs in every
// replicate: n11[q][r] and agree[q][r] for pair q and replicate r, with
// the per-model counts they need.
type pairBoot struct {
	pairs [][2]int
	n11   [][]int32
	agree [][]int32
	right [][]int   // right[r][a]
	cls   [][]int64 // cls[r][a*c+k]: weighted predictions of class k by model a (models in pairs only)
}

// pairCost estimates the word operations of bootPairs.
func pairCost(npairs, nmodels, b, n int) float64 {
	cw := float64((n + 63) / 64)
	return float64(npairs)*float64(b)*8*cw + float64(nmodels)*float64(n)*float64(b)
}

// bootPairs computes the replicate counts of the given pairs.
func bootPairs(x *predmat.Matrix, p *packed, bs *bootstrap, pairs [][2]int, right [][]int, workers int) *pairBoot {
	b := len(bs.w)
	pb := &pairBoot{pairs: pairs, n11: make([][]int32, len(pairs)), agree: make([][]int32, len(pairs)), right: right}
	per := 64 / p.lane
	forRange(len(pairs), workers, func(q int) {
		a, c := pairs[q][0], pairs[q][1]
		both := make([]uint64, p.cw)
		same := make([]uint64, p.cw)
		ca, cc := p.corr[a*p.cw:(a+1)*p.cw], p.corr[c*p.cw:(c+1)*p.cw]
		for j := range both {
			both[j] = ca[j] & cc[j]
		}
		// same: one bit per instance, set where the labels agree.
		la, lc := p.lab[a*p.lw:(a+1)*p.lw], p.lab[c*p.lw:(c+1)*p.lw]
		mask := uint64(1)<<p.lane - 1
		for i := range p.n {
			sh := uint(i%per) * uint(p.lane)
			if (la[i/per]^lc[i/per])>>sh&mask == 0 {
				same[i/64] |= 1 << (i % 64)
			}
		}
		n11, ag := make([]int32, b), make([]int32, b)
		for r := range b {
			n11[r] = int32(bs.count(r, both))
			ag[r] = int32(bs.count(r, same))
		}
		pb.n11[q], pb.agree[q] = n11, ag
	})
	used := make([]bool, p.m)
	for _, pr := range pairs {
		used[pr[0]], used[pr[1]] = true, true
	}
	pb.cls = make([][]int64, b)
	forRange(b, workers, func(r int) {
		cls := make([]int64, p.m*p.c)
		w := bs.w[r]
		for a := range p.m {
			if !used[a] {
				continue
			}
			row := cls[a*p.c : (a+1)*p.c]
			for i, v := range x.Row(a) {
				row[v] += int64(w[i])
			}
		}
		pb.cls[r] = cls
	})
	return pb
}

// pairMeasureNames are the measures that the per-pair bootstrap
// recomputes on each replicate, in order.
var pairMeasureNames = []string{
	"agreement", "cohen_kappa", "error_consistency", "q_statistic", "correlation",
	"double_fault", "correctness_disagreement", "agreement_both_wrong",
}

// measures fills out[k] with pair q's measure pairMeasureNames[k] in
// replicate r.
func (pb *pairBoot) measures(q, r, n, c int, out []float64) {
	a, b := pb.pairs[q][0], pb.pairs[q][1]
	nA, nB, n11 := pb.right[r][a], pb.right[r][b], int(pb.n11[q][r])
	t := pairTable{n: n, nA: nA, nB: nB, n11: n11, n10: nA - n11, n01: nB - n11, n00: n - nA - nB + n11, agree: int(pb.agree[q][r])}
	var pe int64
	ca, cb := pb.cls[r][a*c:(a+1)*c], pb.cls[r][b*c:(b+1)*c]
	for k := range ca {
		pe += ca[k] * cb[k]
	}
	fn := float64(n)
	out[0] = t.agreement()
	out[1] = t.kappa(pe)
	out[2] = t.errorConsistency()
	out[3] = t.q()
	out[4] = t.rho()
	out[5] = float64(t.n00) / fn
	out[6] = float64(t.n10+t.n01) / fn
	out[7] = t.bothWrongAgreement()
}

// pointSquares returns the matrices of pairMeasureNames, in order.
func pointSquares(pm *PairMatrices) []Square {
	return []Square{
		pm.Agreement, pm.CohenKappa, pm.ErrorConsistency, pm.QStatistic,
		pm.Correlation, pm.DoubleFault, pm.CorrectnessDisagreement, pm.AgreementBothWrong,
	}
}

// finiteMean accumulates the mean of the finite values added to it, in
// the order added, so that a mean over all M(M−1)/2 pairs needs no slice
// of their values.
type finiteMean struct {
	s float64
	k int
}

func (f *finiteMean) add(x float64) {
	if !math.IsNaN(x) && !math.IsInf(x, 0) {
		f.s += x
		f.k++
	}
}

// mean returns the mean and how many values it is over; the mean is NaN
// when there are none.
func (f finiteMean) mean() (float64, int) {
	if f.k == 0 {
		return math.NaN(), 0
	}
	return f.s / float64(f.k), f.k
}

// nanMean returns the mean of the finite values of v and how many there
// are; the mean is NaN when there are none.
func nanMean(v []float64) (float64, int) {
	var f finiteMean
	for _, x := range v {
		f.add(x)
	}
	return f.mean()
}
