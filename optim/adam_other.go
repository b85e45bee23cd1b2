//go:build !amd64 || purego

package optim

// useAVX is false without the amd64 assembly.
var useAVX = false

// adamUpdate applies one Adam update to every element of w, with g, m and
// v at least as long as w (see adamUpdateGo).
func adamUpdate(w, g, m, v []float32, k *adamConsts) { adamUpdateGo(w, g, m, v, k) }
