package metrics

import (
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/study-harness/study/study/seeds"
)

// The null that keeps instance difficulty. Shuffling each model's
// correctness on its own (permute) tests "independent errors, every
// instance equally hard": instance difficulty alone rejects it, so models
// that share nothing but the data (logreg against MLP) come out
// "homogeneous". The curveball null keeps, in the models × instances
// correctness matrix, both margins: every model's number of errors (its
// accuracy) and every instance's number of failing models (its
// difficulty). Under it a pair of models fails together more than
// another pair only by chance; a small p-value says that the two models
// share errors beyond what their accuracies and the difficulty of the
// instances explain.
//
// The matrices with both margins fixed are sampled by the curveball
// algorithm (Strona et al. 2014; Carstens 2015 shows its chain is
// uniform on them): a trade picks two models at random, pools the
// instances where exactly one of them is right, and deals the pool back
// at random, each model keeping its count. The chain is not started from
// independent draws, so the p-values follow Besag & Clifford's (1989)
// parallel scheme, which is exact for any chain length: from the observed
// matrix, curveballTradesPerModel·M trades reach a hub; each of the P
// null matrices is as many trades from the hub, on its own stream. The
// observed matrix and the P null matrices are then exchangeable under the
// null, and p = (1 + #{T_null ≥ t})/(1 + P). A longer chain only adds
// power.

// curveballTradesPerModel sets the chain length: trades per model, so
// that each model trades about 2·curveballTradesPerModel times.
const curveballTradesPerModel = 5

// curveballResult holds the curveball p-values: per pair (symmetric, NaN
// on the diagonal and where error consistency is undefined) and of the
// means over pairs of error consistency and pairwise homogenization.
type curveballResult struct {
	pair            Square
	ecMeanP, hMeanP float64
	trades          int
}

// trade performs one curveball trade between rows a and b of corr (cw
// words each), with buf as scratch space for the pooled instances.
func trade(corr []uint64, cw, a, b int, rng *rand.Rand, buf []int32) []int32 {
	ra, rb := corr[a*cw:(a+1)*cw], corr[b*cw:(b+1)*cw]
	buf = buf[:0]
	onlyA := 0
	for j := range ra {
		d := ra[j] ^ rb[j]
		if d == 0 {
			continue
		}
		onlyA += bits.OnesCount64(ra[j] &^ rb[j])
		for d != 0 {
			buf = append(buf, int32(j*64+bits.TrailingZeros64(d)))
			d &= d - 1
		}
		both := ra[j] & rb[j]
		ra[j], rb[j] = both, both
	}
	// ra and rb now hold only the instances both get right; deal onlyA
	// of the pool to a (a partial Fisher–Yates shuffle), the rest to b.
	for i := range onlyA {
		k := i + rng.IntN(len(buf)-i)
		buf[i], buf[k] = buf[k], buf[i]
	}
	for i, t := range buf {
		if i < onlyA {
			ra[t/64] |= 1 << (t % 64)
		} else {
			rb[t/64] |= 1 << (t % 64)
		}
	}
	return buf
}

// curveballChain runs trades trades on corr from rng.
func curveballChain(corr []uint64, m, cw, trades int, rng *rand.Rand, buf []int32) []int32 {
	for range trades {
		a := rng.IntN(m)
		b := rng.IntN(m - 1)
		if b >= a {
			b++
		}
		buf = trade(corr, cw, a, b, rng, buf)
	}
	return buf
}

// curveballCost estimates the word operations of curveballNull.
func curveballCost(m, n, perms int) float64 {
	cw := float64((n + 63) / 64)
	trades := float64(curveballTradesPerModel * m)
	return float64(perms) * (trades*(cw+float64(n)/4) + float64(m)*float64(m-1)/2*cw)
}

// curveballNull runs the curveball test of every pair's co-failure (its
// N11, which with both accuracies fixed orders error consistency and
// pairwise H alike). Permutation k draws from the stream
// "metrics/curveball" keyed by seed and k, the hub from
// "metrics/curveball/hub", so the p-values do not depend on the number
// of workers. pm holds the observed error consistency.
func curveballNull(p *packed, pm *PairMatrices, perms int, seed int64, workers int) curveballResult {
	m, cw := p.m, p.cw
	trades := curveballTradesPerModel * m
	res := curveballResult{trades: trades}
	pairs := allPairs(m)
	obs := pairN11(p.corr, cw, pairs)
	hub := append([]uint64(nil), p.corr...)
	curveballChain(hub, m, cw, trades, seeds.Stream("metrics/curveball/hub", seed), make([]int32, 0, p.n))
	pairGE := make([][]bool, perms)
	forRange(perms, workers, func(k int) {
		corr := append([]uint64(nil), hub...)
		curveballChain(corr, m, cw, trades, seeds.Stream("metrics/curveball", seed, int64(k)), make([]int32, 0, p.n))
		n11 := pairN11(corr, cw, pairs)
		ge := make([]bool, len(pairs))
		for q := range pairs {
			ge[q] = n11[q] >= obs[q]
		}
		pairGE[k] = ge
	})
	res.pair = NewSquare(m)
	for a := range m {
		res.pair[a][a] = math.NaN()
	}
	col := make([]bool, perms)
	for q, pr := range pairs {
		for k := range perms {
			col[k] = pairGE[k][q]
		}
		v := pFrom(col)
		if math.IsNaN(pm.ErrorConsistency[pr[0]][pr[1]]) {
			v = math.NaN()
		}
		res.pair[pr[0]][pr[1]], res.pair[pr[1]][pr[0]] = v, v
	}
	return res
}

// pFrom is (1 + #{ge})/(1 + P).
func pFrom(ge []bool) float64 {
	c := 0
	for _, g := range ge {
		if g {
			c++
		}
	}
	return float64(1+c) / float64(1+len(ge))
}

// pairN11 returns the number of instances both models of each pair get
// right.
func pairN11(corr []uint64, cw int, pairs [][2]int) []int {
	out := make([]int, len(pairs))
	for q, pr := range pairs {
		a, b := pr[0], pr[1]
		out[q] = andCount(corr[a*cw:(a+1)*cw], corr[b*cw:(b+1)*cw])
	}
	return out
}

// pairMeanStats returns the means over the pairs where each is defined
// of error consistency and pairwise homogenization, from the pairs' N11
// and the models' correct counts.
func pairMeanStats(n11 []int, pairs [][2]int, nCorrect []int, n int) (ec, h float64) {
	var fe, fh finiteMean
	for q, pr := range pairs {
		nA, nB := nCorrect[pr[0]], nCorrect[pr[1]]
		t := pairTable{n: n, nA: nA, nB: nB, n11: n11[q], n10: nA - n11[q], n01: nB - n11[q], n00: n - nA - nB + n11[q]}
		fe.add(t.errorConsistency())
		fh.add(t.homogenization())
	}
	ec, _ = fe.mean()
	h, _ = fh.mean()
	return ec, h
}
