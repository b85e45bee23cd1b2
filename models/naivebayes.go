package models

import (
	"fmt"
	"math"
	"math/rand/v2"
)

func init() { Register("naive_bayes", newNaiveBayes) }

// varSmoothing is scikit-learn's GaussianNB var_smoothing default: the
// fraction of the largest feature variance added to every variance.
const varSmoothing = 1e-9

// NaiveBayes is a Gaussian naive Bayes classifier, as scikit-learn's
// GaussianNB with its defaults.
//
// Fit estimates each class's prior (its training frequency) and, per
// feature, the class mean and population variance; every variance is
// then increased by ε = 1e-9 · the largest variance of any feature over
// the whole training set (ε = 1e-9 when every feature is constant), which
// keeps constant features, such as MNIST's border pixels, finite. The
// class log-likelihood of x is
//
//	log π_c − ½ Σ_j [log(2π σ²_cj) + (x_j − μ_cj)² / σ²_cj],
//
// and probabilities are its softmax, computed in float64 with the
// log-sum-exp shift. A class absent from the training data has
// probability 0.
type NaiveBayes struct {
	classes  int
	in       int
	logPrior []float64 // log π_c, −Inf for absent classes
	mean     []float64 // classes×in
	invVar   []float64 // classes×in, 1/σ²
	logNorm  []float64 // −½ Σ_j log(2π σ²_cj), per class
	grad     []float32 // LossGrad's result
}

// newNaiveBayes builds an untrained NaiveBayes.
func newNaiveBayes(s Shape, _ Options, _ *rand.Rand) (any, error) {
	if err := checkFitterShape(s); err != nil {
		return nil, fmt.Errorf("naive_bayes: %w", err)
	}
	return NewNaiveBayes(s), nil
}

// NewNaiveBayes returns an untrained Gaussian naive Bayes classifier for s.
func NewNaiveBayes(s Shape) *NaiveBayes {
	return &NaiveBayes{classes: s.Classes, in: s.In}
}

// Fit estimates the class priors, means and variances from n×In inputs x
// with labels y, replacing any earlier fit. It returns an error, and keeps
// any earlier fit, when an input is NaN or infinite.
func (m *NaiveBayes) Fit(x []float32, y []int, n int) error {
	if err := checkFitData(x, y, n, m.in, m.classes); err != nil {
		return fmt.Errorf("naive_bayes: %w", err)
	}
	c, d := m.classes, m.in
	count := make([]float64, c)
	mean := make([]float64, c*d)
	all := make([]float64, d) // overall feature means
	for i := range n {
		row := x[i*d : (i+1)*d]
		mu := mean[y[i]*d : (y[i]+1)*d]
		for j, v := range row {
			mu[j] += float64(v)
			all[j] += float64(v)
		}
		count[y[i]]++
	}
	for k := range c {
		if count[k] > 0 {
			for j := range d {
				mean[k*d+j] /= count[k]
			}
		}
	}
	for j := range all {
		all[j] /= float64(n)
	}
	// Two-pass variances: Σ(x − μ)² is more accurate than Σx² − nμ².
	vars := make([]float64, c*d)
	allVar := make([]float64, d)
	for i := range n {
		row := x[i*d : (i+1)*d]
		mu := mean[y[i]*d : (y[i]+1)*d]
		v := vars[y[i]*d : (y[i]+1)*d]
		for j, a := range row {
			e := float64(a) - mu[j]
			v[j] += e * e
			e = float64(a) - all[j]
			allVar[j] += e * e
		}
	}
	eps := 0.0
	for _, v := range allVar {
		eps = max(eps, v/float64(n))
	}
	eps *= varSmoothing
	if eps == 0 {
		eps = varSmoothing
	}
	m.logPrior = make([]float64, c)
	m.logNorm = make([]float64, c)
	m.invVar = make([]float64, c*d)
	for k := range c {
		if count[k] == 0 {
			m.logPrior[k] = math.Inf(-1)
			for j := range d {
				m.invVar[k*d+j] = 1 / eps
			}
			continue
		}
		m.logPrior[k] = math.Log(count[k] / float64(n))
		var norm float64
		for j := range d {
			s := vars[k*d+j]/count[k] + eps
			m.invVar[k*d+j] = 1 / s
			norm += math.Log(2 * math.Pi * s)
		}
		m.logNorm[k] = -0.5 * norm
	}
	m.mean = mean
	return nil
}

// Proba writes the n×Classes posterior class probabilities of x into out.
// An unfitted model predicts the uniform distribution.
func (m *NaiveBayes) Proba(x []float32, n int, out []float32) {
	c, d := m.classes, m.in
	if m.logPrior == nil {
		for i := range out[:n*c] {
			out[i] = 1 / float32(c)
		}
		return
	}
	jll := make([]float64, c)
	for i := range n {
		row := x[i*d : (i+1)*d]
		top := math.Inf(-1)
		for k := range c {
			if math.IsInf(m.logPrior[k], -1) {
				jll[k] = math.Inf(-1)
				continue
			}
			mu := m.mean[k*d : (k+1)*d]
			iv := m.invVar[k*d : (k+1)*d]
			var q float64
			for j, v := range row {
				e := float64(v) - mu[j]
				q += e * e * iv[j]
			}
			jll[k] = m.logPrior[k] + m.logNorm[k] - 0.5*q
			top = max(top, jll[k])
		}
		var sum float64
		for k := range c {
			jll[k] = math.Exp(jll[k] - top)
			sum += jll[k]
		}
		o := out[i*c : (i+1)*c]
		for k := range c {
			o[k] = float32(jll[k] / sum)
		}
	}
}
