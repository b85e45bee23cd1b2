package explain

import (
	"fmt"
)

// Gradient writes into dx (n×D) the gradient with respect to the input of
// F_c, the logit (pre-softmax score) of class class[i], for each of the n
// instances of x (n×D).
type Gradient func(x []float32, n int, class []int, dx []float32)

// Scores writes into out (n×C) the class scores of the n instances of x
// (n×D): logits for a net, probabilities for a model without them.
type Scores func(x []float32, n int, out []float32)

// Model is what the attribution methods need from a trained model.
type Model struct {
	In      int // D, features per instance
	Classes int // C, scores per instance

	// Grad gives input gradients of the logits; nil for a model without
	// them (tree, kNN), which then has occlusion only.
	Grad Gradient
	// Logits gives the F whose gradient Grad is; integrated_gradients
	// uses it for its convergence delta. nil when Grad is nil.
	Logits Scores
	// Scores gives the scores occlusion ablates. To compare all families
	// on one scale, pass probabilities for every model.
	Scores Scores
}

// Target says which class an attribution explains.
type Target string

// The targets of explain.target.
const (
	Pred  Target = "pred"  // the class the model predicts (default)
	Label Target = "label" // the true class
)

// ParseTarget reads explain.target; "" is the default, pred.
func ParseTarget(s string) (Target, error) {
	switch Target(s) {
	case "", Pred:
		return Pred, nil
	case Label:
		return Label, nil
	}
	return "", fmt.Errorf("explain.target %q: want pred or label", s)
}

// Classes returns the class each instance's attribution explains: for
// Pred the argmax of its n×C scores (the first on ties, as the runs stage
// predicts), for Label its label.
func Classes(t Target, scores []float32, c int, labels []int) ([]int, error) {
	n := len(labels)
	out := make([]int, n)
	switch t {
	case Label:
		for i, y := range labels {
			if y < 0 || y >= c {
				return nil, fmt.Errorf("label %d of instance %d is not in [0, %d)", y, i, c)
			}
		}
		copy(out, labels)
	case Pred:
		if len(scores) != n*c {
			return nil, fmt.Errorf("%d scores for %d instances of %d classes", len(scores), n, c)
		}
		for i := range out {
			row := scores[i*c : (i+1)*c]
			for j, v := range row {
				if v > row[out[i]] {
					out[i] = j
				}
			}
		}
	default:
		return nil, fmt.Errorf("unknown target %q", t)
	}
	return out, nil
}

// check validates a batch: x holds len(class) instances of m.In features
// and every class is in [0, m.Classes).
func (m Model) check(x []float32, class []int) error {
	if m.In <= 0 || m.Classes <= 0 {
		return fmt.Errorf("model with %d features and %d classes", m.In, m.Classes)
	}
	if len(x) != len(class)*m.In {
		return fmt.Errorf("%d inputs for %d instances of %d features", len(x), len(class), m.In)
	}
	for i, c := range class {
		if c < 0 || c >= m.Classes {
			return fmt.Errorf("class %d of instance %d is not in [0, %d)", c, i, m.Classes)
		}
	}
	return nil
}

// needGrad reports a gradient method asked of a model without gradients.
func (m Model) needGrad(method Method) error {
	if m.Grad == nil {
		return fmt.Errorf("%s needs input gradients, which this model has not", method)
	}
	return nil
}

// NoGradientReason is why a model of architecture arch, which has no
// logits to differentiate (a fitted model: tree, kNN, naive Bayes), has
// no attributions by the gradient method m.
func NoGradientReason(arch string, m Method) string {
	return fmt.Sprintf("arch=%s is fitted, not a net: it has no logits whose input gradient %s takes (occlusion covers it)", arch, m)
}
