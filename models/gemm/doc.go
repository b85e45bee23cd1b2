// Package gemm is the single-threaded float32 matrix product behind every
// layer in study's models (stage 3 of spec → grid → runs → prediction
// matrix → metrics → report: training a run) and behind the Gram matrix of
// the CAPA metric (stage 5, study/metrics, which calls it directly).
//
// gonum's native Sgemm splits large products across goroutines, but each
// study run must be single-threaded so that runs are bit-reproducible and a
// worker pool of n workers uses n cores. Implementation embeds gonum's
// native blas.Float32 implementation and replaces Sgemm with a
// cache-blocked, packed, register-blocked kernel that never starts a
// goroutine. The models package installs it with blas32.Use; study/metrics,
// which does not import models, calls Implementation.Sgemm itself.
//
// Conventions follow gonum/blas/blas32: matrices are row-major, element
// (i, j) of a matrix with leading dimension ld is at index i*ld+j.
//
// The arithmetic is deterministic: for given shapes, strides and
// transposes, the order of every floating-point addition is fixed.
//
// The micro-kernel computes one mr×nr tile of C from an mr×k panel of A
// and a k×nr panel of B. On amd64 it is a 6×32 assembly kernel
// (kernel_amd64.s; AVX-512, or two 6×16 AVX2/FMA halves without it, chosen
// at start-up with golang.org/x/sys/cpu) that reads small operands in
// place, with any strides, and packs only what it cannot read so (a
// transposed B, edge panels) or what it would read from memory more than
// once (large operands, unless n ≤ nr or m ≤ mc makes a single pass).
// Elsewhere, or with the purego build tag, a 2×3 Go kernel
// (kernel_other.go) reads packed panels. The two round
// differently (the assembly fuses multiply and add), so results agree to
// rounding across machines, and bit for bit on one machine and build.
package gemm
