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
	Optimizer string  `json:"optimizer"`    // registry name: sgd, adam, ...
	LR        float64 `json:"lr"`           // learning rate η (> 0)
	L2        float64 `json:"l2,omitempty"` // weight decay λ (≥ 0)
	// Momentum is the momentum coefficient of sgd, momentum, nesterov and
	// rmsprop; Validate refuses a nonzero one for the other optimizers.
	// nil means the optimizer's default (DefaultMomentumOf), so that a
	// given 0 means 0: momentum with momentum 0 is plain SGD.
	Momentum *float64 `json:"momentum,omitempty"`
	// Schedule shapes the learning rate over training: constant (default),
	// step (×Gamma every StepSize epochs) or cosine (to 0 at the end).
	Schedule string  `json:"schedule,omitempty"`
	StepSize int     `json:"step_size,omitempty"` // step schedule: epochs between decays
	Gamma    float64 `json:"gamma,omitempty"`     // step schedule: decay factor in (0, 1]
	Warmup   int     `json:"warmup,omitempty"`    // linear warm-up over this many steps (minibatches)
	ClipNorm float64 `json:"clip_norm,omitempty"` // clip the global gradient norm to this; 0 = off
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
	switch s.Schedule {
	case "", "constant", "step", "cosine":
	default:
		return &models.FieldError{Field: "schedule", Msg: fmt.Sprintf("unknown schedule %q (known: constant, step, cosine)", s.Schedule)}
	}
	if s.StepSize < 0 {
		return &models.FieldError{Field: "step_size", Msg: fmt.Sprintf("step_size %d must be ≥ 0", s.StepSize)}
	}
	if !(s.Gamma >= 0 && s.Gamma <= 1) {
		return &models.FieldError{Field: "gamma", Msg: fmt.Sprintf("gamma %v must be in (0, 1] (0 = default)", s.Gamma)}
	}
	if s.Warmup < 0 {
		return &models.FieldError{Field: "warmup", Msg: fmt.Sprintf("warmup %d must be ≥ 0", s.Warmup)}
	}
	if !(s.ClipNorm >= 0) || math.IsInf(s.ClipNorm, 0) {
		return &models.FieldError{Field: "clip_norm", Msg: fmt.Sprintf("clip_norm %v must be a finite number ≥ 0", s.ClipNorm)}
	}
	if s.Momentum == nil {
		return nil
	}
	if mu := *s.Momentum; !(mu >= 0 && mu < 1) {
		return &models.FieldError{Field: "momentum", Msg: fmt.Sprintf("momentum %v must be in [0, 1)", mu)}
	}
	if mu := *s.Momentum; mu != 0 && !registry[s.Optimizer].uses["momentum"] {
		return &models.FieldError{Field: "momentum", Msg: fmt.Sprintf("momentum %v has no effect on optimizer %s, which has no momentum term; leave momentum out of (or 0 in) %s's runs (optimizers with momentum: %v)", mu, s.Optimizer, s.Optimizer, usingField("momentum"))}
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

// entry is a registered optimizer.
type entry struct {
	build Builder
	uses  map[string]bool // the method's own settings fields (perMethod) it reads
}

var registry = map[string]entry{}

// perMethod are the Settings fields that only some methods read. Validate
// refuses a nonzero value of one for a method that did not register it,
// since the field would be silently ignored: runs differing only in it
// would be the same model under different run ids.
var perMethod = map[string]bool{"momentum": true}

// Register adds an optimizer under name. Each optimizer file calls it from
// init. uses lists the per-method settings fields (by spec key; only
// "momentum" so far) that the method reads.
func Register(name string, b Builder, uses ...string) {
	if _, dup := registry[name]; dup {
		panic("optim: duplicate optimizer " + name)
	}
	e := entry{build: b, uses: map[string]bool{}}
	for _, f := range uses {
		if !perMethod[f] {
			panic(fmt.Sprintf("optim: optimizer %s registers %q, which is not a per-method settings field", name, f))
		}
		e.uses[f] = true
	}
	registry[name] = e
}

// usingField returns the registered optimizers that read the per-method
// settings field (spec key) field, sorted.
func usingField(field string) []string {
	var out []string
	for _, name := range Names() {
		if registry[name].uses[field] {
			out = append(out, name)
		}
	}
	return out
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
	e, ok := registry[s.Optimizer]
	if !ok {
		return nil, &models.FieldError{Field: "optimizer", Msg: fmt.Sprintf("unknown optimizer %q", s.Optimizer)}
	}
	return e.build(s), nil
}
