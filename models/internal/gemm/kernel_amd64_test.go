//go:build amd64 && !purego

package gemm

import "testing"

// TestGoKernelMatchesNaiveTripleLoop covers the Go kernel that amd64 CPUs
// without AVX2 and FMA run, on the same cases as the assembly kernel.
func TestGoKernelMatchesNaiveTripleLoop(t *testing.T) {
	defer func(v bool) { useAVX2 = v }(useAVX2)
	useAVX2 = false
	testAgainstNaive(t)
}
