package metrics

import (
	"math/bits"

	"github.com/study-harness/study/study/predmat"
)

// packed holds the bit-packed form of a prediction matrix that the
// pairwise kernels read.
type packed struct {
	m, n int
	// corr holds model a's correctness in words [a*cw, (a+1)*cw): bit
	// i%64 of word i/64 is set when a predicts instance i correctly.
	// Padding bits are zero.
	corr []uint64
	cw   int
	// nCorrect[a] is the number of instances model a gets right.
	nCorrect []int
	// lab holds model a's predicted labels in words [a*lw, (a+1)*lw),
	// lane bits per label, instance i in lane i%(64/lane) of word
	// i/(64/lane). Padding lanes are zero in every model.
	lab  []uint64
	lw   int
	lane int
	// counts[a*c+k] is how often model a predicts class k; used[a] lists
	// the classes with counts[a*c+k] > 0.
	counts []int
	used   [][]int32
	c      int
}

// laneBits returns the label lane width in bits for c classes.
func laneBits(c int) int {
	switch {
	case c <= 16:
		return 4
	case c <= 256:
		return 8
	default:
		return 16 // predmat.MaxClasses = 1<<16
	}
}

func pack(x *predmat.Matrix) *packed {
	m, n, c := x.M(), x.N(), x.Classes
	p := &packed{m: m, n: n, c: c, cw: (n + 63) / 64, lane: laneBits(c)}
	per := 64 / p.lane
	p.lw = (n + per - 1) / per
	p.corr = make([]uint64, m*p.cw)
	p.lab = make([]uint64, m*p.lw)
	p.nCorrect = make([]int, m)
	p.counts = make([]int, m*c)
	p.used = make([][]int32, m)
	for a := 0; a < m; a++ {
		row := x.Row(a)
		cr := p.corr[a*p.cw : (a+1)*p.cw]
		lr := p.lab[a*p.lw : (a+1)*p.lw]
		cnt := p.counts[a*c : (a+1)*c]
		for i, v := range row {
			if v == x.Labels[i] {
				cr[i/64] |= 1 << (i % 64)
			}
			lr[i/per] |= uint64(v) << (uint(i%per) * uint(p.lane))
			cnt[v]++
		}
		k := 0
		for _, w := range cr {
			k += bits.OnesCount64(w)
		}
		p.nCorrect[a] = k
		for cl, v := range cnt {
			if v > 0 {
				p.used[a] = append(p.used[a], int32(cl))
			}
		}
	}
	return p
}

// andCount returns the number of bits set in both a and b.
func andCount(a, b []uint64) int {
	b = b[:len(a)]
	k := 0
	for w := range a {
		k += bits.OnesCount64(a[w] & b[w])
	}
	return k
}

// laneDiffs returns the number of lanes in which a and b differ.
func laneDiffs(a, b []uint64, lane int) int {
	switch lane {
	case 4:
		return diffs4(a, b)
	case 8:
		return diffs8(a, b)
	}
	return diffs16(a, b)
}

// diffs4 counts differing 4-bit lanes. Folding x|x>>1|x>>2|x>>3 leaves a
// lane's verdict in its lowest bit; four folded words have their verdict
// bits at different offsets and share one popcount.
func diffs4(a, b []uint64) int {
	const low = 0x1111111111111111
	b = b[:len(a)]
	k, w := 0, 0
	for ; w+4 <= len(a); w += 4 {
		t0 := a[w] ^ b[w]
		t1 := a[w+1] ^ b[w+1]
		t2 := a[w+2] ^ b[w+2]
		t3 := a[w+3] ^ b[w+3]
		t0 |= t0 >> 1
		t1 |= t1 >> 1
		t2 |= t2 >> 1
		t3 |= t3 >> 1
		t0 |= t0 >> 2
		t1 |= t1 >> 2
		t2 |= t2 >> 2
		t3 |= t3 >> 2
		k += bits.OnesCount64(t0&low | (t1&low)<<1 | (t2&low)<<2 | (t3&low)<<3)
	}
	for ; w < len(a); w++ {
		t := a[w] ^ b[w]
		t |= t >> 1
		t |= t >> 2
		k += bits.OnesCount64(t & low)
	}
	return k
}

// diffs8 counts differing bytes, eight folded words per popcount.
func diffs8(a, b []uint64) int {
	const low = 0x0101010101010101
	b = b[:len(a)]
	k, w := 0, 0
	for ; w+8 <= len(a); w += 8 {
		var acc uint64
		for j := range 8 {
			t := a[w+j] ^ b[w+j]
			t |= t >> 1
			t |= t >> 2
			t |= t >> 4
			acc |= (t & low) << j
		}
		k += bits.OnesCount64(acc)
	}
	for ; w < len(a); w++ {
		t := a[w] ^ b[w]
		t |= t >> 1
		t |= t >> 2
		t |= t >> 4
		k += bits.OnesCount64(t & low)
	}
	return k
}

// diffs16 counts differing 16-bit lanes.
func diffs16(a, b []uint64) int {
	const low = 0x0001000100010001
	b = b[:len(a)]
	k := 0
	for w := range a {
		t := a[w] ^ b[w]
		t |= t >> 1
		t |= t >> 2
		t |= t >> 4
		t |= t >> 8
		k += bits.OnesCount64(t & low)
	}
	return k
}
