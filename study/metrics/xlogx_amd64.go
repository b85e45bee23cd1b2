//go:build amd64 && !purego

package metrics

import "golang.org/x/sys/cpu"

// useAVX2 and useAVX512 select the assembly kernels of mixXlog2x and
// mixXlog2xEach; AVX-512 also needs useAVX2, so that switching useAVX2
// off selects the Go fallback. Tests switch them off to cover the
// fallbacks.
var (
	useAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	useAVX512 = useAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ
)

// mixXlog2xAVX2 and mixXlog2xAVX512 are implemented in xlogx_amd64.s.
//
//go:noescape
func mixXlog2xAVX2(a, b *float32, n int) float64

//go:noescape
func mixXlog2xAVX512(a, b *float32, n int) float64

// mixXlog2x returns Σ_k m_k·log2(m_k), m_k = (a_k + b_k)/2, over the
// elements of a (b at least as long): sixteen lanes at a time with
// AVX-512, else eight with AVX2 and FMA, else mixXlog2xGo, which also
// takes the elements past the last full step.
func mixXlog2x(a, b []float32) float64 {
	switch {
	case useAVX2 && useAVX512 && len(a) >= 32:
		n := len(a) &^ 31
		b = b[:len(a)]
		return mixXlog2xAVX512(&a[0], &b[0], n) + mixXlog2xGo(a[n:], b[n:])
	case useAVX2 && len(a) >= 16:
		n := len(a) &^ 15
		b = b[:len(a)]
		return mixXlog2xAVX2(&a[0], &b[0], n) + mixXlog2xGo(a[n:], b[n:])
	}
	return mixXlog2xGo(a, b)
}

// mixXlog2xEachAVX2 and mixXlog2xEachAVX512 are implemented in
// xlogx_amd64.s.
//
//go:noescape
func mixXlog2xEachAVX2(a, b, out *float32, n int)

//go:noescape
func mixXlog2xEachAVX512(a, b, out *float32, n int)

// mixXlog2xEach sets out[k] = m_k·log2(m_k), m_k = (a_k + b_k)/2, for
// the elements of a (b and out at least as long), with the kernel that
// mixXlog2x would use.
func mixXlog2xEach(a, b, out []float32) {
	switch {
	case useAVX2 && useAVX512 && len(a) >= 32:
		n := len(a) &^ 31
		b, out = b[:len(a)], out[:len(a)]
		mixXlog2xEachAVX512(&a[0], &b[0], &out[0], n)
		mixXlog2xEachGo(a[n:], b[n:], out[n:])
	case useAVX2 && len(a) >= 16:
		n := len(a) &^ 15
		b, out = b[:len(a)], out[:len(a)]
		mixXlog2xEachAVX2(&a[0], &b[0], &out[0], n)
		mixXlog2xEachGo(a[n:], b[n:], out[n:])
	default:
		mixXlog2xEachGo(a, b, out)
	}
}
