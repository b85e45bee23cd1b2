package models

import (
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/study-harness/study/models/gemm"
)

// Route every blas32 product, in this package and in any other that uses
// blas32, through the single-threaded Sgemm: a run must not start
// goroutines (see Net).
func init() { blas32.Use(gemm.Implementation{}) }
