package models

import "math"

// SoftmaxCrossEntropy returns the mean over n rows of the cross-entropy
// between softmax(logits) and the labels y, where logits is n×c
// row-major. It uses log-sum-exp, so large logits do not overflow. When
// grad is not nil it receives dL/dlogits = (softmax − onehot)/n.
func SoftmaxCrossEntropy(logits []float32, y []int, n, c int, grad []float32) float64 {
	var total float64
	for i := 0; i < n; i++ {
		row := logits[i*c : (i+1)*c]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		var sum float64
		for _, v := range row {
			sum += math.Exp(float64(v) - m)
		}
		lse := m + math.Log(sum)
		total += lse - float64(row[y[i]])
		if grad != nil {
			g := grad[i*c : (i+1)*c]
			for j, v := range row {
				p := math.Exp(float64(v) - lse)
				if j == y[i] {
					p--
				}
				g[j] = float32(p / float64(n))
			}
		}
	}
	return total / float64(n)
}

// SigmoidCrossEntropy returns the mean over n rows of the binary
// cross-entropy between sigmoid(logits) and the labels y in {0, 1}, where
// logits has one entry per row. It uses max(z,0) − z·y + log(1+e^−|z|),
// which neither overflows nor takes the log of 0. When grad is not nil it
// receives dL/dlogits = (sigmoid(z) − y)/n.
func SigmoidCrossEntropy(logits []float32, y []int, n int, grad []float32) float64 {
	var total float64
	for i := 0; i < n; i++ {
		z := float64(logits[i])
		t := float64(y[i])
		total += math.Max(z, 0) - z*t + math.Log1p(math.Exp(-math.Abs(z)))
		if grad != nil {
			grad[i] = float32((sigmoid(z) - t) / float64(n))
		}
	}
	return total / float64(n)
}

// Proba converts n rows of logits with out units into n×classes class
// probabilities in dst: a sigmoid for out == 1 (dst row [1−p, p], classes
// must be 2), a softmax otherwise (classes == out).
func Proba(logits []float32, n, out int, dst []float32) {
	if out == 1 {
		for i := 0; i < n; i++ {
			p := sigmoid(float64(logits[i]))
			dst[2*i], dst[2*i+1] = float32(1-p), float32(p)
		}
		return
	}
	for i := 0; i < n; i++ {
		row := logits[i*out : (i+1)*out]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		var sum float64
		for _, v := range row {
			sum += math.Exp(float64(v) - m)
		}
		for j, v := range row {
			dst[i*out+j] = float32(math.Exp(float64(v)-m) / sum)
		}
	}
}

// sigmoid is 1/(1+e^−z), computed without overflow for either sign of z.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
