package explain

import (
	"fmt"
	"math"
	"math/bits"
)

// Explanation agreement (Krishna et al. 2022, "The Disagreement
// Problem"), for two attribution vectors E_a, E_b of D features at top-k.
// Importance is |E|. Every feature gets a distinct position in each
// vector's order: descending |E|, ties broken stably by feature index
// (OpenXAI's argsort is an unstable quicksort, so its ties break
// arbitrarily). top_k is the first k positions.
//
//   - feature_agreement: |top_k(a) ∩ top_k(b)| / k;
//   - rank_agreement: the positions p < k holding the same feature in
//     both, / k;
//   - sign_agreement: the features of top_k(a) ∩ top_k(b) with the same
//     sign in both (sign 0 agreeing with 0, as PEAR), / k;
//   - signed_rank_agreement: the positions p < k holding the same feature
//     with the same sign, / k;
//   - rank_correlation: Spearman's ρ of |E_a| and |E_b| over all D
//     features, with average ranks for ties (true Spearman, as scipy and
//     PEAR; OpenXAI's is Pearson on dense ranks, which differs under
//     ties); undefined (NaN) when either vector is constant;
//   - pairwise_rank_agreement: the share of the D(D−1)/2 pairs of
//     features that both orders put the same way round, over all D
//     features, on the tie-broken positions. A pair tied in a counts as
//     agreeing when b puts the lower index first; OpenXAI's strict
//     comparison of dense ranks counts it as agreeing when b puts the
//     higher index first. Neither is invariant to relabelling features.
//
// Like OpenXAI (rankcorr and pairwise_comp in openxai/metrics.py), the
// last two run over all D features, not the top k: k does not enter them.

// ResolveK turns explain.k into a count of features out of d: a value in
// (0, 1) is a fraction, rounded up as OpenXAI's convert_k_to_int (⌈k·d⌉,
// computed so that 0.1 of 30 is 3, where float rounding would give 4); a
// value ≥ 1 must be a whole count, at most d.
func ResolveK(k float64, d int) (int, error) {
	switch {
	case d < 1:
		return 0, fmt.Errorf("k of %d features", d)
	case k > 0 && k < 1:
		return max(1, int(math.Ceil(k*float64(d)-1e-9))), nil
	case k >= 1 && k == math.Trunc(k) && k <= float64(d):
		return int(k), nil
	}
	return 0, fmt.Errorf("explain.k %g: want a fraction in (0, 1) or a whole count from 1 to %d", k, d)
}

// MeasureNames are the six measures' names in metrics.json, in order.
var MeasureNames = []string{"feature_agreement", "rank_agreement", "sign_agreement",
	"signed_rank_agreement", "rank_correlation", "pairwise_rank_agreement"}

// Agreement holds the six measures for one pair of attribution vectors.
type Agreement struct {
	FeatureAgreement      float64
	RankAgreement         float64
	SignAgreement         float64
	SignedRankAgreement   float64
	RankCorrelation       float64 // NaN when either vector is constant
	PairwiseRankAgreement float64
}

// Compare returns the six measures for two attribution vectors of the
// same length at top-k.
func Compare(a, b []float32, k int) (Agreement, error) {
	d := len(a)
	if len(b) != d {
		return Agreement{}, fmt.Errorf("attribution vectors of %d and %d features", d, len(b))
	}
	if k < 1 || k > d {
		return Agreement{}, fmt.Errorf("top-%d of %d features", k, d)
	}
	ps := newProfiles(2, d, k)
	buf := make([]uint64, 2*d)
	for i, v := range [][]float32{a, b} {
		if err := ps.set(i, v, buf); err != nil {
			return Agreement{}, err
		}
	}
	s := newScratch(d)
	return ps.pair(0, ps, 1, s).agreement(d, k), nil
}

// profiles holds, for a set of attribution vectors, everything a pair
// needs, computed once per vector so that a pair costs O(k) for the top-k
// measures and O(D) word operations for the two rank measures (up to 1024
// features; see discordant):
//
//   - code: the features in order (descending |E|, ties by index), each
//     as feature<<2 | sign (0 zero, 1 positive, 2 negative);
//   - pos: each feature's position in that order;
//   - r2: each feature's average rank of |E| (1 = largest), doubled so
//     that it is an integer;
//   - ss: Σ (r2 − (D+1))², 0 for a constant vector;
//   - top, plus, minus: bitsets of the top-k features, and of those with
//     a positive and a negative attribution.
type profiles struct {
	d, k, words      int
	code             []uint32
	pos, r2          []int32
	ss               []int64
	top, plus, minus []uint64
}

func newProfiles(cnt, d, k int) *profiles {
	w := (d + 63) / 64
	return &profiles{d: d, k: k, words: w,
		code: make([]uint32, cnt*d), pos: make([]int32, cnt*d), r2: make([]int32, cnt*d),
		ss:  make([]int64, cnt),
		top: make([]uint64, cnt*w), plus: make([]uint64, cnt*w), minus: make([]uint64, cnt*w),
	}
}

// set fills profile i from the attribution vector e, sorting in buf (2D
// values of scratch).
func (ps *profiles) set(i int, e []float32, buf []uint64) error {
	d, k, w := ps.d, ps.k, ps.words
	keys, tmp := buf[:d], buf[d:2*d]
	for j, v := range e {
		if v != v {
			return fmt.Errorf("attribution of feature %d is NaN", j)
		}
		// For non-negative floats the bit patterns order as the values;
		// inverted, ascending keys are descending |E|, then ascending j.
		keys[j] = uint64(^(math.Float32bits(v)&^(1<<31)))<<32 | uint64(j)
	}
	radixSort(keys, tmp)
	code, pos, r2 := ps.code[i*d:(i+1)*d], ps.pos[i*d:(i+1)*d], ps.r2[i*d:(i+1)*d]
	top, plus, minus := ps.top[i*w:(i+1)*w], ps.plus[i*w:(i+1)*w], ps.minus[i*w:(i+1)*w]
	clear(top)
	clear(plus)
	clear(minus)
	for p, key := range keys {
		j := int(uint32(key))
		var s uint32
		if e[j] > 0 {
			s = 1
			plus[j>>6] |= 1 << (j & 63)
		} else if e[j] < 0 {
			s = 2
			minus[j>>6] |= 1 << (j & 63)
		}
		code[p] = uint32(j)<<2 | s
		pos[j] = int32(p)
		if p < k {
			top[j>>6] |= 1 << (j & 63)
		}
	}
	// Average ranks: the run of tied positions p..q (0-based) has ranks
	// p+1..q+1, whose doubled mean is p+q+2.
	mean := int64(d + 1)
	var ss int64
	for p := 0; p < d; {
		q := p
		for q+1 < d && keys[q+1]>>32 == keys[p]>>32 {
			q++
		}
		for t := p; t <= q; t++ {
			r2[uint32(keys[t])] = int32(p + q + 2)
			c := int64(p+q+2) - mean
			ss += c * c
		}
		p = q + 1
	}
	ps.ss[i] = ss
	return nil
}

// counts are the integer sums behind the six measures for one pair (or,
// summed, for many instances).
type counts struct {
	fa, ra, sa, sra int64
	rcSum           float64 // Σ ρ over the instances where it is defined
	rcN             int64   // those instances
	concordant      int64   // pairs of features ordered alike
}

// scratch is a worker's buffers for discordant beyond 1024 features:
// the bitset of positions met (seen) and, per word of it, the count of
// bits in the words below, packed in 32-bit lanes (pre); inc[q] is what
// a position met in word q adds to pre (1 in the lanes above q).
type scratch struct {
	seen, pre, inc []uint64
	lanes          int
}

func newScratch(d int) *scratch {
	w := (d + 63) / 64
	lanes := (w + 1) / 2
	inc := make([]uint64, w*lanes)
	for q := range w {
		for r := q + 1; r < w; r++ {
			inc[q*lanes+r/2] |= 1 << (32 * (r % 2))
		}
	}
	return &scratch{seen: make([]uint64, w), pre: make([]uint64, lanes), inc: inc, lanes: lanes}
}

// pair returns the counts of profile a of pa against profile b of pb.
func (pa *profiles) pair(a int, pb *profiles, b int, s *scratch) counts {
	d, k, w := pa.d, pa.k, pa.words
	var c counts
	ta, tb := pa.top[a*w:(a+1)*w], pb.top[b*w:(b+1)*w]
	pla, plb := pa.plus[a*w:(a+1)*w], pb.plus[b*w:(b+1)*w]
	mia, mib := pa.minus[a*w:(a+1)*w], pb.minus[b*w:(b+1)*w]
	for q := range ta {
		both := ta[q] & tb[q]
		c.fa += int64(bits.OnesCount64(both))
		zero := ^(pla[q] | mia[q]) & ^(plb[q] | mib[q])
		c.sa += int64(bits.OnesCount64(both & (pla[q]&plb[q] | mia[q]&mib[q] | zero)))
	}
	ca, cb := pa.code[a*d:a*d+k], pb.code[b*d:b*d+k]
	for p, x := range ca {
		x ^= cb[p]
		c.sra += int64((uint64(x) - 1) >> 63)   // x == 0: same feature, same sign
		c.ra += int64((uint64(x>>2) - 1) >> 63) // same feature
	}
	if sa, sb := pa.ss[a], pb.ss[b]; sa > 0 && sb > 0 {
		ra, rb := pa.r2[a*d:(a+1)*d], pb.r2[b*d:(b+1)*d]
		rb = rb[:len(ra)]
		var dot int64
		for j, v := range ra {
			dot += int64(v) * int64(rb[j])
		}
		m := int64(d + 1)
		c.rcSum = float64(dot-int64(d)*m*m) / math.Sqrt(float64(sa)*float64(sb))
		c.rcN = 1
	}
	c.concordant = int64(d)*int64(d-1)/2 - discordant(pa.pos[a*d:(a+1)*d], pb.code[b*d:(b+1)*d], s)
	return c
}

// discordant counts the pairs of features that the two orders put the
// opposite way round: going down b's order (code), each feature f met
// after p others is discordant with those of them that a puts below f,
// that is p minus the count of earlier ones with a smaller position in a.
// That count comes from a bitset of a's positions met so far (seen) and,
// per 64-position word, the count of positions met in the words below
// it, kept up to date in packed lanes: a few word operations per feature
// and no branch on the data. Beyond 1024 features the lanes are 32-bit,
// one per word, in scratch.
func discordant(posA []int32, codeB []uint32, s *scratch) int64 {
	if len(codeB) <= 1024 {
		return discordant1024(posA, codeB)
	}
	clear(s.seen)
	clear(s.pre)
	lanes := s.lanes
	var disc int64
	for p, code := range codeB {
		v := uint32(posA[code>>2])
		q := v >> 6
		bit := uint64(1) << (v & 63)
		below := (s.pre[q>>1]>>(32*(q&1)))&0xffffffff + uint64(bits.OnesCount64(s.seen[q]&(bit-1)))
		disc += int64(p) - int64(below)
		s.seen[q] |= bit
		for r, x := range s.inc[int(q)*lanes : int(q+1)*lanes] {
			s.pre[r] += x
		}
	}
	return disc
}

// discordant1024 is discordant for at most 1024 features (16 words of
// positions, in 4 groups of 4 words). The count of positions met below
// word q is that in the lower words of its group, a 16-bit lane of
// group[q/4], plus that in the lower groups, a 16-bit lane of lower: a
// position met in word q adds 1 to the lanes above it in both, two
// shifts and two adds, no table and no branch.
func discordant1024(posA []int32, codeB []uint32) int64 {
	const above = 0x0001000100010000 // 1 in lanes 1, 2 and 3
	var seen [16]uint64
	var group [4]uint64
	var lower uint64
	var disc int64
	for p, code := range codeB {
		v := uint32(posA[code>>2]) & 1023
		q := v >> 6
		t, r := q>>2, q&3
		bit := uint64(1) << (v & 63)
		below := (group[t]>>(16*r))&0xffff + (lower>>(16*t))&0xffff + uint64(bits.OnesCount64(seen[q]&(bit-1)))
		disc += int64(p) - int64(below)
		seen[q] |= bit
		group[t] += above << (16 * r)
		lower += above << (16 * t)
	}
	return disc
}

// agreement turns one pair's counts into the six measures.
func (c counts) agreement(d, k int) Agreement {
	rc := math.NaN()
	if c.rcN > 0 {
		rc = c.rcSum
	}
	pra := 1.0
	if d > 1 {
		pra = float64(c.concordant) / float64(int64(d)*int64(d-1)/2)
	}
	return Agreement{
		FeatureAgreement:      float64(c.fa) / float64(k),
		RankAgreement:         float64(c.ra) / float64(k),
		SignAgreement:         float64(c.sa) / float64(k),
		SignedRankAgreement:   float64(c.sra) / float64(k),
		RankCorrelation:       rc,
		PairwiseRankAgreement: pra,
	}
}

// radixSort sorts keys by their high 32 bits, stably (a least-significant
// digit radix sort, a byte at a time, skipping the bytes all keys share),
// using tmp (as long as keys) as scratch. Keys made in feature order keep
// tied features in index order.
func radixSort(keys, tmp []uint64) {
	var count [4][256]int
	for _, k := range keys {
		count[0][byte(k>>32)]++
		count[1][byte(k>>40)]++
		count[2][byte(k>>48)]++
		count[3][byte(k>>56)]++
	}
	src, dst := keys, tmp[:len(keys)]
	for digit := range 4 {
		c := &count[digit]
		shift := 32 + 8*uint(digit)
		if c[byte(src[0]>>shift)] == len(src) {
			continue // every key has this byte
		}
		sum := 0
		for b, n := range c {
			c[b] = sum
			sum += n
		}
		for _, k := range src {
			b := byte(k >> shift)
			dst[c[b]] = k
			c[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
