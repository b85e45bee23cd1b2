package models

import (
	"fmt"
	"math/rand/v2"
)

func init() { Register("logreg", newLogReg) }

// newLogReg builds logistic regression: one Dense layer from the inputs to
// the Out logits (softmax regression when Out > 1).
func newLogReg(s Shape, _ Options, rng *rand.Rand) (any, error) {
	if err := checkShape(s); err != nil {
		return nil, fmt.Errorf("logreg: %w", err)
	}
	return NewStack(s.In, NewDense(s.In, s.Out, rng))
}

// checkShape reports a Shape that no net can be built for.
func checkShape(s Shape) error {
	if s.In <= 0 {
		return fmt.Errorf("input width %d must be > 0", s.In)
	}
	if s.Out <= 0 {
		return fmt.Errorf("output width %d must be > 0", s.Out)
	}
	return nil
}
