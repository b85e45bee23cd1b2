package explain

import "fmt"

// IntegratedGradients returns integrated gradients (Sundararajan et al.
// 2017, as Captum computes them) and each instance's convergence delta:
//
//	IG_j = (x_j − x′_j) Σ_k w_k ∂F_c(x′ + α_k(x − x′))/∂x_j
//	δ    = Σ_j IG_j − (F_c(x) − F_c(x′))
//
// with the points α_k and weights w_k of rule with steps points, F_c the
// logit of the instance's class and x′ the baseline (D values, the same
// for every instance; nil is zero). The sum over k runs in ascending α in
// float64, one Gradient call of the whole batch per point. The delta
// needs m.Logits; without it the delta is nil.
func IntegratedGradients(m Model, x []float32, class []int, baseline []float32, rule Rule, steps int) ([]float32, []float64, error) {
	if err := m.check(x, class); err != nil {
		return nil, nil, err
	}
	if err := m.needGrad(MethodIntegratedGradients); err != nil {
		return nil, nil, err
	}
	alpha, w, err := rule.Points(steps)
	if err != nil {
		return nil, nil, err
	}
	d, n := m.In, len(class)
	if baseline == nil {
		baseline = make([]float32, d)
	}
	if len(baseline) != d {
		return nil, nil, fmt.Errorf("baseline of %d values for %d features", len(baseline), d)
	}
	acc := make([]float64, len(x))
	path := make([]float32, len(x))
	dx := make([]float32, len(x))
	for k, a := range alpha {
		for i := range n {
			for j := range d {
				b := baseline[j]
				path[i*d+j] = b + float32(a)*(x[i*d+j]-b)
			}
		}
		m.Grad(path, n, class, dx)
		for j, g := range dx {
			acc[j] += w[k] * float64(g)
		}
	}
	attr := make([]float32, len(x))
	sums := make([]float64, n)
	for i := range n {
		for j := range d {
			v := float64(x[i*d+j]-baseline[j]) * acc[i*d+j]
			attr[i*d+j] = float32(v)
			sums[i] += v
		}
	}
	if m.Logits == nil {
		return attr, nil, nil
	}
	c := m.Classes
	fx := make([]float32, n*c)
	m.Logits(x, n, fx)
	for i := range n {
		copy(path[i*d:(i+1)*d], baseline)
	}
	fb := make([]float32, n*c)
	m.Logits(path, n, fb)
	delta := make([]float64, n)
	for i, cl := range class {
		delta[i] = sums[i] - (float64(fx[i*c+cl]) - float64(fb[i*c+cl]))
	}
	return attr, delta, nil
}
