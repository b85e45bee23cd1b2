//go:build !amd64 || purego

package metrics

// useAVX2 is false without the amd64 assembly.
var useAVX2 = false

// mixXlog2x returns Σ_k m_k·log2(m_k), m_k = (a_k + b_k)/2, over the
// elements of a (b at least as long).
func mixXlog2x(a, b []float32) float64 { return mixXlog2xGo(a, b) }

// mixXlog2xEach sets out[k] = m_k·log2(m_k), m_k = (a_k + b_k)/2, for
// the elements of a (b and out at least as long).
func mixXlog2xEach(a, b, out []float32) { mixXlog2xEachGo(a, b, out) }
