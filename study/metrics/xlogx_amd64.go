//go:build amd64 && !purego

package metrics

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly kernel of mixXlog2x; tests switch it off
// to cover the Go fallback.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// mixXlog2xAVX2 is implemented in xlogx_amd64.s.
//
//go:noescape
func mixXlog2xAVX2(a, b *float32, n int) float64

// mixXlog2x returns Σ_k m_k·log2(m_k), m_k = (a_k + b_k)/2, over the
// elements of a (b at least as long).
func mixXlog2x(a, b []float32) float64 {
	n8 := len(a) &^ 15
	if !useAVX2 || n8 == 0 {
		return mixXlog2xGo(a, b)
	}
	b = b[:len(a)]
	return mixXlog2xAVX2(&a[0], &b[0], n8) + mixXlog2xGo(a[n8:], b[n8:])
}

// mixXlog2xEachAVX2 is implemented in xlogx_amd64.s.
//
//go:noescape
func mixXlog2xEachAVX2(a, b, out *float32, n int)

// mixXlog2xEach sets out[k] = m_k·log2(m_k), m_k = (a_k + b_k)/2, for
// the elements of a (b and out at least as long).
func mixXlog2xEach(a, b, out []float32) {
	n16 := len(a) &^ 15
	if !useAVX2 || n16 == 0 {
		mixXlog2xEachGo(a, b, out)
		return
	}
	b, out = b[:len(a)], out[:len(a)]
	mixXlog2xEachAVX2(&a[0], &b[0], &out[0], n16)
	mixXlog2xEachGo(a[n16:], b[n16:], out[n16:])
}
