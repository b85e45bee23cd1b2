package explain

import (
	"fmt"
	"math"
)

// Rule is a quadrature rule for the path integral of integrated
// gradients, named as in Captum (captum/attr/_utils/approximation_methods.py).
type Rule string

// The quadrature rules. With n points:
const (
	// GaussLegendre: α = (1 + t)/2, w = ω/2 for the Gauss–Legendre nodes
	// t and weights ω on [−1, 1]; exact for polynomials of degree 2n−1.
	GaussLegendre Rule = "gausslegendre"
	// RiemannLeft: α = 0, 1/n, …, 1 − 1/n; w = 1/n.
	RiemannLeft Rule = "riemann_left"
	// RiemannRight: α = 1/n, 2/n, …, 1; w = 1/n (Sundararajan et al.'s
	// sum).
	RiemannRight Rule = "riemann_right"
	// RiemannMiddle: α = 1/(2n), 3/(2n), …, 1 − 1/(2n); w = 1/n.
	RiemannMiddle Rule = "riemann_middle"
	// RiemannTrapezoid is Captum's trapezoid, quirk included: α =
	// linspace(0, 1, n), spaced 1/(n−1), but w = 1/n with both ends
	// halved, so the weights sum to (n−1)/n and a constant gradient is
	// under-integrated by 1/n.
	RiemannTrapezoid Rule = "riemann_trapezoid"
)

// ParseRule reads a rule name; "" is the default, gausslegendre.
func ParseRule(s string) (Rule, error) {
	switch r := Rule(s); r {
	case "":
		return GaussLegendre, nil
	case GaussLegendre, RiemannLeft, RiemannRight, RiemannMiddle, RiemannTrapezoid:
		return r, nil
	}
	return "", fmt.Errorf("integrated gradients rule %q: want gausslegendre, riemann_left, riemann_right, riemann_middle or riemann_trapezoid", s)
}

// Points returns the n points α_k in [0, 1] and weights w_k of the rule,
// α ascending, as Captum builds them.
func (r Rule) Points(n int) (alpha, w []float64, err error) {
	if n < 1 || (r == RiemannTrapezoid && n < 2) {
		return nil, nil, fmt.Errorf("%s with %d steps", r, n)
	}
	alpha, w = make([]float64, n), make([]float64, n)
	fn := float64(n)
	switch r {
	case GaussLegendre:
		t, omega := legendre(n)
		for k := range n {
			alpha[k], w[k] = 0.5*(1+t[k]), 0.5*omega[k]
		}
	case RiemannLeft, RiemannRight, RiemannMiddle:
		off := map[Rule]float64{RiemannLeft: 0, RiemannRight: 1, RiemannMiddle: 0.5}[r]
		for k := range n {
			alpha[k], w[k] = (float64(k)+off)/fn, 1/fn
		}
	case RiemannTrapezoid:
		for k := range n {
			alpha[k], w[k] = float64(k)/float64(n-1), 1/fn
		}
		w[0], w[n-1] = 0.5/fn, 0.5/fn
	default:
		return nil, nil, fmt.Errorf("unknown rule %q", r)
	}
	return alpha, w, nil
}

// legendre returns the n Gauss–Legendre nodes on [−1, 1], ascending, and
// their weights, by Newton's method on the Legendre polynomial P_n from
// the usual Chebyshev-like initial guesses (symmetric pairs at once).
func legendre(n int) (t, w []float64) {
	t, w = make([]float64, n), make([]float64, n)
	for i := range (n + 1) / 2 {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for range 100 {
			// P_n(z) and P_{n−1}(z) by the three-term recurrence.
			p, prev := 1.0, 0.0
			for j := 1; j <= n; j++ {
				p, prev = ((2*float64(j)-1)*z*p-(float64(j)-1)*prev)/float64(j), p
			}
			dp = float64(n) * (z*p - prev) / (z*z - 1)
			dz := p / dp
			z -= dz
			if math.Abs(dz) <= 1e-16 {
				break
			}
		}
		t[i], t[n-1-i] = -z, z
		w[i] = 2 / ((1 - z*z) * dp * dp)
		w[n-1-i] = w[i]
	}
	if n%2 == 1 {
		t[n/2] = 0 // the middle node is 0 exactly
	}
	return t, w
}
