package models

// inputGrader is a layer that can give the input gradient of its last
// training Forward alone, without the parameter gradients that Backward
// also computes and InputGrad has no use for. It returns what Backward
// with needInput returns, bit for bit.
type inputGrader interface {
	inputGrad(dy []float32) []float32
}

// InputGrad implements Net: a training Forward with every dropout held in
// inference mode keeps what Backward needs, and the backward pass then
// asks every layer, the first included, for its input gradient, through
// inputGrad where the layer has it. Training (Stack.Backward) still skips
// the first layer's input gradient.
func (s *Stack) InputGrad(x []float32, n int, dlogits func(logits, grad []float32)) []float32 {
	for _, d := range s.dropouts {
		d.eval = true
	}
	logits := s.Forward(x, n, true)
	for _, d := range s.dropouts {
		d.eval = false
	}
	out := s.layers[len(s.layers)-1].OutDim()
	s.dlogits = grow(s.dlogits, n*out)
	clear(s.dlogits)
	dlogits(logits[:n*out], s.dlogits)
	d := s.dlogits
	for i := len(s.layers) - 1; i >= 0; i-- {
		if l, ok := s.layers[i].(inputGrader); ok {
			d = l.inputGrad(d)
			continue
		}
		d = s.layers[i].Backward(d, true)
	}
	return d[:n*s.in]
}

// LossGrad implements LossGrader with the loss that study/train descends:
// SigmoidCrossEntropy for a net with one output, SoftmaxCrossEntropy
// otherwise.
func (s *Stack) LossGrad(x []float32, y []int, n int) []float32 {
	out := s.layers[len(s.layers)-1].OutDim()
	return s.InputGrad(x, n, func(logits, grad []float32) {
		if out == 1 {
			SigmoidCrossEntropy(logits, y, n, grad)
		} else {
			SoftmaxCrossEntropy(logits, y, n, out, grad)
		}
	})
}

// dropoutsOf returns the Dropout layers among layers and the layers they
// contain, depth first.
func dropoutsOf(layers []Layer) []*Dropout {
	var out []*Dropout
	for _, l := range layers {
		switch l := l.(type) {
		case *Dropout:
			out = append(out, l)
		case *Residual:
			out = append(out, dropoutsOf(l.Layers)...)
		case *Tokenwise:
			out = append(out, dropoutsOf([]Layer{l.Layer})...)
		}
	}
	return out
}

// LossGrad implements LossGrader in closed form. The loss of row i is
// −log p(y_i|x_i) with log p(c|x) = jll_c(x) − log Σ_k exp jll_k(x), and
// ∂jll_k/∂x_j = g_kj = −(x_j − μ_kj)/σ²_kj, so
//
//	∂/∂x (−log p(y|x)) = Σ_k p(k|x) g_k − g_y,
//
// divided by n for the mean. A class absent from the training data has
// p = 0 and adds nothing. An unfitted model predicts a constant and has a
// zero gradient.
func (m *NaiveBayes) LossGrad(x []float32, y []int, n int) []float32 {
	c, d := m.classes, m.in
	m.grad = grow(m.grad, n*d)
	g := m.grad[:n*d]
	clear(g)
	if m.logPrior == nil {
		return g
	}
	p := make([]float32, c)
	for i := range n {
		row := x[i*d : (i+1)*d]
		m.Proba(row, 1, p)
		gi := g[i*d : (i+1)*d]
		for j, v := range row {
			var s float64
			for k := range c {
				w := float64(p[k])
				if k == y[i] {
					w--
				}
				if w != 0 {
					s -= w * (float64(v) - m.mean[k*d+j]) * m.invVar[k*d+j]
				}
			}
			gi[j] = float32(s / float64(n))
		}
	}
	return g
}

var (
	_ LossGrader = (*Stack)(nil)
	_ LossGrader = (*NaiveBayes)(nil)
)
