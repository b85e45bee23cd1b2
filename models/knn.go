package models

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

func init() { Register("knn", newKNN, "k") }

// defaultK is scikit-learn's n_neighbors default.
const defaultK = 5

// Block sizes of the distance computation: a knnTestBlock×knnTrainBlock
// block of cross products (2 MB of float32) is formed by one Gemm and
// scanned before the next.
const (
	knnTestBlock  = 256
	knnTrainBlock = 2048
)

// KNN is a k-nearest-neighbours classifier with Euclidean distance, as
// scikit-learn's KNeighborsClassifier with weights="uniform" and
// algorithm="brute".
//
// The probability of a class is the fraction of the K nearest training
// instances that carry it, so the most probable class is the majority
// vote, ties to the lowest class. Among training instances at equal
// computed distance the one that comes first in the training data is
// nearer; float32 rounding may separate distances that are equal in exact
// arithmetic.
//
// Distances are ranked by ‖y‖² − 2x·y, the squared Euclidean distance
// ‖x − y‖² less the ‖x‖² that all candidates of a test row share. The
// cross products x·y are float32 blas32 Gemm products of blocks of test
// and training rows, so predicting n rows against N training rows of d
// features costs 2·n·N·d flops.
type KNN struct {
	// K is the number of neighbours; values below 1 mean 5.
	K int

	classes int
	in      int
	x       []float32 // training inputs, N×in, not copied
	y       []int
	norms   []float32 // ‖y‖² of each training row
	n       int
}

// newKNN builds an untrained KNN from the run's options.
func newKNN(s Shape, o Options, _ *rand.Rand) (any, error) {
	if err := checkFitterShape(s); err != nil {
		return nil, fmt.Errorf("knn: %w", err)
	}
	return NewKNN(s, o.K), nil
}

// NewKNN returns an untrained k-NN classifier for s with k neighbours
// (0 = 5).
func NewKNN(s Shape, k int) *KNN {
	return &KNN{K: k, classes: s.Classes, in: s.In}
}

// k returns the effective number of neighbours.
func (m *KNN) k() int {
	if m.K < 1 {
		return defaultK
	}
	return m.K
}

// Fit stores the n training instances. It keeps x and y without copying
// them: the caller must not modify them while the model is in use. It
// returns an error, and keeps any earlier fit, when an input is NaN or
// infinite.
func (m *KNN) Fit(x []float32, y []int, n int) error {
	if err := checkFitData(x, y, n, m.in, m.classes); err != nil {
		return fmt.Errorf("knn: %w", err)
	}
	if k := m.k(); k > n {
		return fmt.Errorf("knn: k %d exceeds the %d training instances", k, n)
	}
	m.x, m.y, m.n = x[:n*m.in], y[:n], n
	m.norms = make([]float32, n)
	for i := range n {
		m.norms[i] = sqNorm(m.x[i*m.in : (i+1)*m.in])
	}
	return nil
}

// sqNorm is ‖v‖², accumulated in float64.
func sqNorm(v []float32) float32 {
	var s float64
	for _, a := range v {
		s += float64(a) * float64(a)
	}
	return float32(s)
}

// Proba writes the n×Classes neighbour vote fractions of x into out. An
// unfitted model predicts the uniform distribution.
func (m *KNN) Proba(x []float32, n int, out []float32) {
	c := m.classes
	if m.n == 0 {
		for i := range out[:n*c] {
			out[i] = 1 / float32(c)
		}
		return
	}
	k := m.k()
	prod := make([]float32, knnTestBlock*knnTrainBlock)
	// Per test row of the block: the k best candidates so far, sorted
	// nearest first, as (score, training index).
	bestD := make([]float32, knnTestBlock*k)
	bestI := make([]int32, knnTestBlock*k)
	for t0 := 0; t0 < n; t0 += knnTestBlock {
		bt := min(knnTestBlock, n-t0)
		filled := make([]int, bt)
		xa := blas32.General{Rows: bt, Cols: m.in, Stride: m.in, Data: x[t0*m.in : (t0+bt)*m.in]}
		for s0 := 0; s0 < m.n; s0 += knnTrainBlock {
			bs := min(knnTrainBlock, m.n-s0)
			yb := blas32.General{Rows: bs, Cols: m.in, Stride: m.in, Data: m.x[s0*m.in : (s0+bs)*m.in]}
			cb := blas32.General{Rows: bt, Cols: bs, Stride: bs, Data: prod[:bt*bs]}
			blas32.Gemm(blas.NoTrans, blas.Trans, -2, xa, yb, 0, cb)
			for r := range bt {
				d := bestD[r*k : (r+1)*k]
				idx := bestI[r*k : (r+1)*k]
				row := prod[r*bs : (r+1)*bs]
				norms := m.norms[s0 : s0+bs]
				f := filled[r]
				for j, p := range row {
					score := p + norms[j]
					// Training rows come in increasing index order, so a
					// strict comparison keeps the earlier of equal scores.
					if f == k && !(score < d[k-1]) {
						continue
					}
					pos := min(f, k-1)
					for pos > 0 && score < d[pos-1] {
						d[pos], idx[pos] = d[pos-1], idx[pos-1]
						pos--
					}
					d[pos], idx[pos] = score, int32(s0+j)
					if f < k {
						f++
					}
				}
				filled[r] = f
			}
		}
		for r := range bt {
			o := out[(t0+r)*c : (t0+r+1)*c]
			clear(o)
			for _, i := range bestI[r*k : (r+1)*k] {
				o[m.y[i]]++
			}
			for j := range o {
				o[j] /= float32(k)
			}
		}
	}
}
