// Package predmattest makes synthetic prediction matrices for the tests and
// benchmarks of the stages that read one (metrics, report, the root
// benchmarks), so that they all measure the same inputs.
package predmattest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/study-harness/study/study/predmat"
)

// Random returns m models × n instances × c classes drawn from seed: each
// prediction is the true label with probability acc, else a uniform class;
// the probabilities are the softmax of N(0, 1) logits with +3 on the
// predicted label, as scripts/peers/numpy_agreement.py draws them.
func Random(seed uint64, m, n, c int, acc float64) *predmat.Matrix {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := &predmat.Matrix{Classes: c, Labels: make([]int32, n), Pred: make([]int32, m*n), Prob: make([]float32, m*n*c)}
	for a := range m {
		x.Models = append(x.Models, fmt.Sprintf("m%d", a))
	}
	for i := range n {
		x.Instances = append(x.Instances, fmt.Sprintf("i%d", i))
		x.Labels[i] = int32(rng.IntN(c))
	}
	logit := make([]float64, c)
	for k := range x.Pred {
		v := x.Labels[k%n]
		if rng.Float64() >= acc {
			v = int32(rng.IntN(c))
		}
		x.Pred[k] = v
		mx := math.Inf(-1)
		for j := range logit {
			logit[j] = rng.NormFloat64()
			if int32(j) == v {
				logit[j] += 3
			}
			mx = max(mx, logit[j])
		}
		s := 0.0
		for j := range logit {
			logit[j] = math.Exp(logit[j] - mx)
			s += logit[j]
		}
		for j := range logit {
			x.Prob[k*c+j] = float32(logit[j] / s)
		}
	}
	return x
}
