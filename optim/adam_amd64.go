//go:build amd64 && !purego

package optim

import "golang.org/x/sys/cpu"

// useAVX selects the assembly kernel of adamUpdate; tests switch it off to
// cover the Go fallback.
var useAVX = cpu.X86.HasAVX

// adamUpdateAVX is implemented in adam_amd64.s: adamUpdateGo over n
// elements, n a positive multiple of 8, eight lanes at a time with
// VSQRTPS and VDIVPS and no fused operations, so that it agrees with
// adamUpdateGo bit for bit.
//
//go:noescape
func adamUpdateAVX(w, grad, m, v *float32, n int, k *adamConsts)

// adamUpdate applies one Adam update to every element of w, with g, m and
// v at least as long as w (see adamUpdateGo).
func adamUpdate(w, g, m, v []float32, k *adamConsts) {
	n8 := len(w) &^ 7
	if !useAVX || n8 == 0 {
		adamUpdateGo(w, g, m, v, k)
		return
	}
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	adamUpdateAVX(&w[0], &g[0], &m[0], &v[0], n8, k)
	adamUpdateGo(w[n8:], g[n8:], m[n8:], v[n8:], k)
}
