package optim

import (
	"fmt"
	"math"
	"sort"

	"github.com/study-harness/study/models"
)

// Settings are the optimizer settings of a run. Every field is a run field
// that a sweep spec may set or sweep; the json name is the spec key.
type Settings struct {
	Optimizer string  `json:"optimizer"`          // registry name: sgd, adam, ...
	LR        float64 `json:"lr"`                 // learning rate η (> 0)
	L2        float64 `json:"l2,omitempty"`       // weight decay λ (≥ 0)
	Momentum  float64 `json:"momentum,omitempty"` // momentum coefficient, where used
}

// Validate reports the first invalid field, naming it by its spec key.
func (s Settings) Validate() error {
	if _, ok := registry[s.Optimizer]; !ok {
		return &models.FieldError{Field: "optimizer", Msg: fmt.Sprintf("unknown optimizer %q (known: %v)", s.Optimizer, Names())}
	}
	if !(s.LR > 0) || math.IsInf(s.LR, 0) {
		return &models.FieldError{Field: "lr", Msg: fmt.Sprintf("lr %v must be a finite number > 0", s.LR)}
	}
	if !(s.L2 >= 0) || math.IsInf(s.L2, 0) {
		return &models.FieldError{Field: "l2", Msg: fmt.Sprintf("l2 %v must be a finite number ≥ 0", s.L2)}
	}
	if !(s.Momentum >= 0 && s.Momentum < 1) {
		return &models.FieldError{Field: "momentum", Msg: fmt.Sprintf("momentum %v must be in [0, 1)", s.Momentum)}
	}
	return nil
}

// Method updates parameters from their gradients. A Method keeps its own
// state (moments) per parameter, keyed by position in the params slice,
// which must be the same slice on every call.
type Method interface {
	// Step applies one update with learning rate lr (the schedule's value
	// for this step) to every parameter, using Param.G.
	Step(params []*models.Param, lr float32)
}

// Builder makes a fresh Method from settings.
type Builder func(s Settings) Method

var registry = map[string]Builder{}

// Register adds an optimizer under name. Each optimizer file calls it from init.
func Register(name string, b Builder) {
	if _, dup := registry[name]; dup {
		panic("optim: duplicate optimizer " + name)
	}
	registry[name] = b
}

// Names returns the registered optimizer names, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// New builds the optimizer named by s.Optimizer.
func New(s Settings) (Method, error) {
	b, ok := registry[s.Optimizer]
	if !ok {
		return nil, &models.FieldError{Field: "optimizer", Msg: fmt.Sprintf("unknown optimizer %q", s.Optimizer)}
	}
	return b(s), nil
}
