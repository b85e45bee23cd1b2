package optim

func init() { Register("momentum", newMomentum, "momentum") }

// DefaultMomentum is the momentum coefficient μ of the momentum and nesterov
// optimizers when Settings.Momentum is not given (nil).
const DefaultMomentum = 0.9

// DefaultMomentumOf returns the momentum coefficient that optimizer uses
// when Settings.Momentum is nil: DefaultMomentum for momentum and
// nesterov, 0 for every other optimizer.
func DefaultMomentumOf(optimizer string) float64 {
	switch optimizer {
	case "momentum", "nesterov":
		return DefaultMomentum
	}
	return 0
}

// MomentumValue returns the momentum coefficient μ that the optimizer of
// s uses: Settings.Momentum when given, else DefaultMomentumOf.
func (s Settings) MomentumValue() float64 {
	if s.Momentum != nil {
		return *s.Momentum
	}
	return DefaultMomentumOf(s.Optimizer)
}

// newMomentum builds SGD with heavy-ball momentum μ (Settings.Momentum, or
// DefaultMomentum when not given), exactly torch.optim.SGD(momentum=μ): see SGD.
// The sgd optimizer with a momentum setting is the same method; momentum
// differs only in its default μ.
func newMomentum(s Settings) Method {
	return &SGD{L2: float32(s.L2), Momentum: float32(s.MomentumValue())}
}
