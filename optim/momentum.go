package optim

func init() { Register("momentum", newMomentum, "momentum") }

// DefaultMomentum is the momentum coefficient μ of the momentum and nesterov
// optimizers when Settings.Momentum is 0.
const DefaultMomentum = 0.9

// newMomentum builds SGD with heavy-ball momentum μ (Settings.Momentum, or
// DefaultMomentum when 0), exactly torch.optim.SGD(momentum=μ): see SGD.
// The sgd optimizer with a momentum setting is the same method; momentum
// differs only in its default μ.
func newMomentum(s Settings) Method {
	mu := s.Momentum
	if mu == 0 {
		mu = DefaultMomentum
	}
	return &SGD{L2: float32(s.L2), Momentum: float32(mu)}
}
