package spec

import (
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/attack"
)

// Adversarial is adversarial training (Madry et al. 2018), the run field
// `adversarial: {method: pgd, eps: 0.1, steps: 10, alpha: 0.025, ratio: 1}`:
// at every step a share Ratio of the minibatch (its first ⌈Ratio·b⌉ rows;
// the rows are in random order) is replaced by examples crafted on the
// current model with the study's attack equations (study/attack, L∞,
// random start for PGD). `adversarial: none` (the zero value) trains on
// clean data; it can be swept like any field.
type Adversarial struct {
	Method string  `json:"method,omitempty"` // pgd or fgsm
	Eps    float64 `json:"eps,omitempty"`    // radius ε
	Steps  int     `json:"steps,omitempty"`  // PGD steps; 0 means attack.DefaultSteps
	Alpha  float64 `json:"alpha,omitempty"`  // PGD step; 0 means ε/4
	Ratio  float64 `json:"ratio,omitempty"`  // share of each batch replaced; 0 means 1
}

// adversarialType is decoded specially: the word none or a mapping.
var adversarialType = reflect.TypeFor[Adversarial]()

// IsZero reports whether a is no adversarial training, so that `omitzero`
// leaves it out of the canonical config and other runs keep their ids.
func (a Adversarial) IsZero() bool { return a == Adversarial{} }

// String is the readable form used in run names: none, or
// pgd(eps=0.1 steps=10 alpha=0.025 ratio=1) with the defaults resolved.
func (a Adversarial) String() string {
	if a.IsZero() {
		return NoneValue
	}
	at := a.Attack()
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	if a.Method == attack.FGSM {
		return fmt.Sprintf("fgsm(eps=%s ratio=%s)", f(a.Eps), f(a.RatioOrDefault()))
	}
	return fmt.Sprintf("pgd(eps=%s steps=%d alpha=%s ratio=%s)", f(a.Eps), at.Steps, f(at.Alpha), f(a.RatioOrDefault()))
}

// RatioOrDefault is Ratio, 1 when unset.
func (a Adversarial) RatioOrDefault() float64 {
	if a.Ratio == 0 {
		return 1
	}
	return a.Ratio
}

// Attack is the attack that crafts the training examples, with its
// defaults resolved: L∞, and for PGD a random start (Madry et al.).
func (a Adversarial) Attack() attack.Attack {
	at := attack.Attack{Name: "adversarial-training", Method: a.Method, Eps: a.Eps, Steps: a.Steps, Alpha: a.Alpha}
	if a.Method == attack.PGD {
		at.RandomStart = true
		if at.Steps == 0 {
			at.Steps = attack.DefaultSteps
		}
		if at.Alpha == 0 {
			at.Alpha = a.Eps / 4
		}
	}
	return at
}

// validate checks the adversarial field.
func (a Adversarial) validate() error {
	if a.IsZero() {
		return nil
	}
	bad := func(format string, args ...any) error {
		return &models.FieldError{Field: "adversarial", Msg: fmt.Sprintf(format, args...)}
	}
	if a.Method != attack.PGD && a.Method != attack.FGSM {
		return bad("method %q: want pgd or fgsm", a.Method)
	}
	if !(a.Eps > 0) || math.IsInf(a.Eps, 0) {
		return bad("eps %v must be a positive number", a.Eps)
	}
	if a.Steps < 0 || !(a.Alpha >= 0) || math.IsInf(a.Alpha, 0) {
		return bad("steps %d and alpha %v must be ≥ 0 (0: the defaults, 10 steps of eps/4)", a.Steps, a.Alpha)
	}
	if a.Method == attack.FGSM && (a.Steps != 0 || a.Alpha != 0) {
		return bad("fgsm takes one step of eps: leave steps and alpha out")
	}
	if !(a.Ratio >= 0 && a.Ratio <= 1) {
		return bad("ratio %v must be in (0, 1] (the share of each batch replaced; default 1)", a.Ratio)
	}
	return nil
}
