package explain_test

import (
	"fmt"
	"math"

	"github.com/study-harness/study/study/explain"
)

// The reference sheet's pair of attributions: the same top three
// features, in another order, with other signs.
func ExampleCompare() {
	a := []float32{0.9, -0.5, 0.3, 0.1, -0.05}
	b := []float32{0.8, 0.35, -0.6, 0.02, 0.1}
	k, _ := explain.ResolveK(0.6, len(a)) // ⌈0.6·5⌉ = 3
	r, _ := explain.Compare(a, b, k)
	fmt.Printf("k=%d FA %.3f RA %.3f SA %.3f SRA %.3f RC %.3f PRA %.3f\n", k,
		r.FeatureAgreement, r.RankAgreement, r.SignAgreement, r.SignedRankAgreement,
		r.RankCorrelation, r.PairwiseRankAgreement)
	// Output: k=3 FA 1.000 RA 0.333 SA 0.333 SRA 0.333 RC 0.800 PRA 0.800
}

// Integrated gradients of F(x) = x₁³ + 3x₂ at (1, 2): three
// Gauss–Legendre points integrate the quadratic gradient exactly.
func ExampleIntegratedGradients() {
	m := explain.Model{In: 2, Classes: 1,
		Grad: func(x []float32, n int, _ []int, dx []float32) {
			for i := range n {
				dx[2*i], dx[2*i+1] = 3*x[2*i]*x[2*i], 3
			}
		},
		Logits: func(x []float32, n int, out []float32) {
			for i := range n {
				out[i] = x[2*i]*x[2*i]*x[2*i] + 3*x[2*i+1]
			}
		},
	}
	for _, r := range []explain.Rule{explain.GaussLegendre, explain.RiemannRight} {
		ig, delta, _ := explain.IntegratedGradients(m, []float32{1, 2}, []int{0}, nil, r, 3)
		// Rounded, so that a delta of −1e−7 prints as 0.
		fmt.Printf("%s: IG (%.4f, %.4f), delta %.4f\n", r, ig[0], ig[1], math.Round(delta[0]*1e4)/1e4+0)
	}
	// Output:
	// gausslegendre: IG (1.0000, 6.0000), delta 0.0000
	// riemann_right: IG (1.5556, 6.0000), delta 0.5556
}
