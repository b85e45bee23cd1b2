package data

import (
	"fmt"
	"math"
	"slices"

	"github.com/study-harness/study/models"
)

// Defaults applied when a Spec field is zero.
const (
	DefaultVal        = 0.1     // validation fraction of the training instances
	DefaultSynthTrain = 1000    // synthetic sets: training instances
	DefaultSynthTest  = 1000    // synthetic sets: test instances
	DefaultCSVTest    = 0.2     // csv: test fraction when `test` is not given
	DefaultLabel      = "label" // csv: name of the label column
)

// Limits on synthetic sets, so that a typo cannot ask for terabytes.
const (
	maxSynthFloats  = 1 << 27 // (train+test)×dim
	maxSynthClasses = 1 << 16
)

// Names lists the dataset names Load knows, sorted.
func Names() []string {
	return []string{"blobs", "cifar10", "csv", "fashion-mnist", "mnist", "moons", "npz", "spirals"}
}

// hasPath reports whether the named set reads files from `path:`.
func hasPath(name string) bool {
	return name == "csv" || name == "npz" || name == "fashion-mnist" || name == "cifar10"
}

// Binary reports whether the spec asks for a binary task through
// `positive:`: labels in Positive become 1 and all others 0.
func (s Spec) Binary() bool { return len(s.Positive) > 0 }

// synthetic reports whether the spec names a generated set.
func (s Spec) synthetic() bool {
	return s.Name == "moons" || s.Name == "spirals" || s.Name == "blobs"
}

// valFrac returns the validation fraction with the default filled in.
func (s Spec) valFrac() float64 {
	switch {
	case s.NoVal:
		return 0
	case s.Val == 0:
		return DefaultVal
	}
	return s.Val
}

// classes returns the number of classes the spec implies before a binary
// mapping, or 0 when only the data can tell (csv).
func (s Spec) classes() int {
	switch s.Name {
	case "mnist", "fashion-mnist", "cifar10":
		return 10
	case "moons":
		return 2
	case "spirals":
		if s.Classes == 0 {
			return 2
		}
		return s.Classes
	case "blobs":
		if s.Classes == 0 {
			return 3
		}
		return s.Classes
	}
	return 0
}

// dim returns the input dimension of a synthetic set with the default
// filled in.
func (s Spec) dim() int {
	if s.Dim == 0 {
		return 2
	}
	return s.Dim
}

func fieldErr(field, format string, args ...any) error {
	return &models.FieldError{Field: "dataset." + field, Msg: fmt.Sprintf(format, args...)}
}

// Validate reports the first invalid field of the spec as a
// *models.FieldError whose Field is the spec key ("dataset.train"). It
// checks what can be checked without reading data; Load checks the rest
// (csv sizes and classes).
func (s Spec) Validate() error {
	if !slices.Contains(Names(), s.Name) {
		return fieldErr("name", "unknown dataset %q (known: %v)", s.Name, Names())
	}
	if s.Train < 0 {
		return fieldErr("train", "%d instances must be ≥ 0", s.Train)
	}
	if s.Test < 0 {
		return fieldErr("test", "%d instances must be ≥ 0", s.Test)
	}
	if !(s.Val >= 0 && s.Val < 1) {
		return fieldErr("val", "fraction %v must be in [0, 1)", s.Val)
	}
	if s.NoVal && s.Val != 0 {
		return fieldErr("no_val", "no_val contradicts val: %v", s.Val)
	}
	if !(s.Noise >= 0) || math.IsInf(s.Noise, 0) {
		return fieldErr("noise", "%v must be finite and ≥ 0", s.Noise)
	}
	if s.Dim < 0 {
		return fieldErr("dim", "%d must be ≥ 0", s.Dim)
	}
	if s.Classes < 0 {
		return fieldErr("classes", "%d must be ≥ 0", s.Classes)
	}
	// Options that do not apply to the named set are errors, not silently
	// ignored, so that a misplaced key is noticed.
	if !s.synthetic() {
		switch {
		case s.Noise != 0:
			return fieldErr("noise", "applies to moons, spirals and blobs, not %s", s.Name)
		case s.Dim != 0:
			return fieldErr("dim", "applies to moons, spirals and blobs, not %s", s.Name)
		case s.Classes != 0:
			return fieldErr("classes", "applies to spirals and blobs, not %s", s.Name)
		}
	}
	if s.Path != "" && !hasPath(s.Name) {
		return fieldErr("path", "applies to csv, npz, fashion-mnist and cifar10, not %s", s.Name)
	}
	if s.Image != nil {
		if s.Name != "csv" && s.Name != "npz" {
			return fieldErr("image", "applies to csv and npz, not %s", s.Name)
		}
		if err := s.Image.validate(); err != nil {
			return err
		}
	}
	if s.Group != "" && s.Name != "csv" {
		return fieldErr("group", "applies to csv, not %s", s.Name)
	}
	if s.Group != "" && s.Group == s.Label || s.Group == DefaultLabel && s.Label == "" {
		return fieldErr("group", "%q is the label column; name another column", s.Group)
	}
	if s.Name != "csv" {
		switch {
		case s.Label != "":
			return fieldErr("label", "applies to csv, not %s", s.Name)
		}
	}
	switch s.Name {
	case "mnist", "fashion-mnist":
		if s.Train > mnistTrain {
			return fieldErr("train", "%d instances requested, %s has %d", s.Train, s.Name, mnistTrain)
		}
		if s.Test > mnistTest {
			return fieldErr("test", "%d instances requested, %s has %d", s.Test, s.Name, mnistTest)
		}
	case "cifar10":
		if s.Train > cifarTrain {
			return fieldErr("train", "%d instances requested, cifar10 has %d", s.Train, cifarTrain)
		}
		if s.Test > cifarTest {
			return fieldErr("test", "%d instances requested, cifar10 has %d", s.Test, cifarTest)
		}
	case "moons":
		if s.Classes != 0 && s.Classes != 2 {
			return fieldErr("classes", "moons has 2 classes, not %d", s.Classes)
		}
	case "csv", "npz":
		if s.Path == "" {
			return fieldErr("path", "%s needs a path", s.Name)
		}
	}
	if s.synthetic() {
		if s.Dim == 1 {
			return fieldErr("dim", "%d must be ≥ 2", s.Dim)
		}
		if s.Classes == 1 {
			return fieldErr("classes", "%d must be ≥ 2", s.Classes)
		}
		if s.Classes > maxSynthClasses {
			return fieldErr("classes", "%d is more than %d", s.Classes, maxSynthClasses)
		}
		n := int64(s.Train) + int64(s.Test)
		if s.Train == 0 {
			n += DefaultSynthTrain
		}
		if s.Test == 0 {
			n += DefaultSynthTest
		}
		if s.Dim > maxSynthFloats || n*int64(s.dim()) > maxSynthFloats {
			return fieldErr("train", "%d instances × %d dims is more than %d values", n, s.dim(), maxSynthFloats)
		}
	}
	return validPositive(s.Positive, s.classes())
}

// validPositive checks the `positive:` classes: distinct, ≥ 0, and when
// the number of classes is known, in range and not all of them.
func validPositive(pos []int, classes int) error {
	for i, p := range pos {
		if p < 0 {
			return fieldErr("positive", "class %d must be ≥ 0", p)
		}
		if classes > 0 && p >= classes {
			return fieldErr("positive", "class %d does not exist (classes are 0..%d)", p, classes-1)
		}
		if slices.Contains(pos[:i], p) {
			return fieldErr("positive", "class %d is listed twice", p)
		}
	}
	if classes > 0 && len(pos) >= classes {
		return fieldErr("positive", "all %d classes are positive; the task would have one class", classes)
	}
	return nil
}
