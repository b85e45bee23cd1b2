// Package gemm is the single-threaded float32 matrix product behind every
// layer in study's models (stage 3 of spec → grid → runs → prediction
// matrix → metrics → report: training a run).
//
// gonum's native Sgemm splits large products across goroutines, but each
// study run must be single-threaded so that runs are bit-reproducible and a
// worker pool of n workers uses n cores. Implementation embeds gonum's
// native blas.Float32 implementation and replaces Sgemm with a
// cache-blocked, packed, register-blocked kernel that never starts a
// goroutine. The models package installs it with blas32.Use.
//
// Conventions follow gonum/blas/blas32: matrices are row-major, element
// (i, j) of a matrix with leading dimension ld is at index i*ld+j.
//
// The arithmetic is deterministic: for given shapes, strides and
// transposes, the order of every floating-point addition is fixed.
//
// The micro-kernel lives alone in kernel.go so that it can be replaced by
// an assembly (SIMD) version without touching the blocking and packing.
package gemm
