package optim

// Used returns s as its optimizer and schedule read it: the schedule ""
// written as constant, the momentum of an optimizer with a momentum term
// set to the value it uses (MomentumValue) and cleared for the others,
// and step_size and gamma cleared unless the schedule is step. Two runs
// whose Used settings are equal take the same steps.
func (s Settings) Used() Settings {
	if s.Schedule == "" {
		s.Schedule = "constant"
	}
	if registry[s.Optimizer].uses["momentum"] {
		mu := s.MomentumValue()
		s.Momentum = &mu
	} else {
		s.Momentum = nil
	}
	if s.Schedule != "step" {
		s.StepSize, s.Gamma = 0, 0
	}
	return s
}

// Resolved returns Used with the step schedule's defaults filled in for a
// run of the given number of epochs (see LRAt): gamma DefaultGamma and
// step_size max(1, epochs/3), so that a manifest can record every value a
// run was trained with.
func (s Settings) Resolved(epochs int) Settings {
	s = s.Used()
	if s.Schedule == "step" {
		if s.Gamma == 0 {
			s.Gamma = DefaultGamma
		}
		if s.StepSize == 0 {
			s.StepSize = max(1, epochs/3)
		}
	}
	return s
}
