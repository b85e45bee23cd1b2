package train

import "math"

// softTargets writes the training targets of labels y into t: one value
// per row for a binary task (k == 1), the probability of class 1, and k
// class probabilities per row otherwise. With label smoothing ε the
// targets are those of PyTorch: (1−ε)·onehot + ε/k for k classes (as
// CrossEntropyLoss(label_smoothing=ε)) and y(1−ε) + ε/2 for a binary task.
func softTargets(y []int, k int, eps float64, t []float32) {
	if k == 1 {
		for i, c := range y {
			t[i] = float32(float64(c)*(1-eps) + eps/2)
		}
		return
	}
	off := float32(eps / float64(k))
	on := float32(1-eps) + off
	for i, c := range y {
		row := t[i*k : (i+1)*k]
		for j := range row {
			row[j] = off
		}
		row[c] = on
	}
}

// softmaxSoftCrossEntropy returns the mean over n rows of the
// cross-entropy −Σⱼ tⱼ log softmax(z)ⱼ between soft targets t (n×c, rows
// summing to 1) and the softmax of logits z, which equals
// logsumexp(z) − Σⱼ tⱼzⱼ. When grad is not nil it receives
// dL/dz = (softmax(z) − t)/n.
func softmaxSoftCrossEntropy(logits, t []float32, n, c int, grad []float32) float64 {
	var total float64
	for i := range n {
		row, ti := logits[i*c:(i+1)*c], t[i*c:(i+1)*c]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		var sum, dot float64
		for j, v := range row {
			sum += math.Exp(float64(v) - m)
			dot += float64(ti[j]) * float64(v)
		}
		lse := m + math.Log(sum)
		total += lse - dot
		if grad != nil {
			g := grad[i*c : (i+1)*c]
			for j, v := range row {
				g[j] = float32((math.Exp(float64(v)-lse) - float64(ti[j])) / float64(n))
			}
		}
	}
	return total / float64(n)
}

// sigmoidSoftCrossEntropy returns the mean over n rows of the binary
// cross-entropy between sigmoid(z) and soft targets t in [0, 1], one per
// row, as max(z,0) − z·t + log(1+e^−|z|) (PyTorch's
// BCEWithLogitsLoss). When grad is not nil it receives
// dL/dz = (sigmoid(z) − t)/n.
func sigmoidSoftCrossEntropy(logits, t []float32, n int, grad []float32) float64 {
	var total float64
	for i := range n {
		z, ti := float64(logits[i]), float64(t[i])
		total += math.Max(z, 0) - z*ti + math.Log1p(math.Exp(-math.Abs(z)))
		if grad != nil {
			var s float64
			if z >= 0 {
				s = 1 / (1 + math.Exp(-z))
			} else {
				e := math.Exp(z)
				s = e / (1 + e)
			}
			grad[i] = float32((s - ti) / float64(n))
		}
	}
	return total / float64(n)
}
