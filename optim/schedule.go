package optim

import "math"

// Defaults of the step schedule; see Settings.LRAt.
const (
	DefaultGamma = 0.1 // step schedule: decay factor when Gamma is 0
)

// LRAt returns the learning rate of optimizer step step (0-based) of a
// training run of totalSteps steps, stepsPerEpoch to an epoch. It is a pure
// function of its arguments:
//
//   - constant (or ""): LR;
//   - step: LR·Gamma^⌊epoch/StepSize⌋, where epoch = ⌊step/stepsPerEpoch⌋,
//     Gamma defaults to DefaultGamma and StepSize to max(1, epochs/3) with
//     epochs = ⌈totalSteps/stepsPerEpoch⌉;
//   - cosine: LR·(1 + cos(π·step/totalSteps))/2, falling from LR towards 0
//     over all steps (PyTorch's CosineAnnealingLR with T_max = totalSteps,
//     η_min = 0, stepped per minibatch).
//
// With Warmup = W > 0 the scheduled value is multiplied by (step+1)/W for
// the first W steps, a linear warm-up that reaches the schedule at step
// W−1. Arguments out of range are clamped: stepsPerEpoch and totalSteps to
// at least 1, step to [0, totalSteps−1].
func (s Settings) LRAt(step, stepsPerEpoch, totalSteps int) float64 {
	stepsPerEpoch = max(stepsPerEpoch, 1)
	totalSteps = max(totalSteps, 1)
	step = min(max(step, 0), totalSteps-1)
	lr := s.LR
	switch s.Schedule {
	case "step":
		gamma := s.Gamma
		if gamma == 0 {
			gamma = DefaultGamma
		}
		size := s.StepSize
		if size == 0 {
			epochs := (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch
			size = max(1, epochs/3)
		}
		lr *= math.Pow(gamma, float64(step/stepsPerEpoch/size))
	case "cosine":
		lr *= (1 + math.Cos(math.Pi*float64(step)/float64(totalSteps))) / 2
	}
	if step < s.Warmup {
		lr *= float64(step+1) / float64(s.Warmup)
	}
	return lr
}
