package explain

// gradient returns ∂F_c/∂x for the batch, after checking it.
func gradient(method Method, m Model, x []float32, class []int) ([]float32, error) {
	if err := m.check(x, class); err != nil {
		return nil, err
	}
	if err := m.needGrad(method); err != nil {
		return nil, err
	}
	dx := make([]float32, len(x))
	m.Grad(x, len(class), class, dx)
	return dx, nil
}

// Saliency returns |∂F_c/∂x| (Simonyan et al. 2014; Captum's Saliency with
// its default abs=True), F_c being the logit of class c. The sign is lost,
// so sign agreement on saliency equals feature agreement.
func Saliency(m Model, x []float32, class []int) ([]float32, error) {
	dx, err := gradient(MethodSaliency, m, x, class)
	if err != nil {
		return nil, err
	}
	for j, g := range dx {
		if g < 0 {
			dx[j] = -g
		}
	}
	return dx, nil
}

// GradXInput returns x ⊙ ∂F_c/∂x (Captum's InputXGradient).
func GradXInput(m Model, x []float32, class []int) ([]float32, error) {
	dx, err := gradient(MethodGradXInput, m, x, class)
	if err != nil {
		return nil, err
	}
	for j := range dx {
		dx[j] *= x[j]
	}
	return dx, nil
}
