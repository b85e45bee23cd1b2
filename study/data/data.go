package data

import "github.com/study-harness/study/models"

// Spec selects and shapes a dataset. It is the `dataset:` mapping of a sweep
// spec; the json names are the YAML keys. Zero values mean "the default".
type Spec struct {
	Name     string  `json:"name"`               // mnist | fashion-mnist | cifar10 | moons | spirals | blobs | csv
	Train    int     `json:"train,omitempty"`    // training instances (before the validation split); 0 = all / default
	Test     int     `json:"test,omitempty"`     // test instances; 0 = all / default
	Val      float64 `json:"val,omitempty"`      // fraction of training data held out for validation; default 0.1
	Positive []int   `json:"positive,omitempty"` // classes mapped to 1 for a binary task; others map to 0
	Noise    float64 `json:"noise,omitempty"`    // synthetic sets: noise level
	Dim      int     `json:"dim,omitempty"`      // synthetic sets: input dimension (extra dims are noise for moons/spirals)
	Classes  int     `json:"classes,omitempty"`  // synthetic sets: number of classes (blobs, spirals)
	Path     string  `json:"path,omitempty"`     // csv: file path; fashion-mnist, cifar10: folder; relative to the spec file
	Label    string  `json:"label,omitempty"`    // csv: name of the label column
	Image    *Image  `json:"image,omitempty"`    // csv, npz: the features are the pixels of an image
	Group    string  `json:"group,omitempty"`    // csv: the column naming each instance's group of people (not a feature)
	// NoVal disables the validation split. It exists because Val == 0
	// means "the default fraction", so a zero fraction cannot be spelled
	// with Val alone.
	NoVal bool `json:"no_val,omitempty"`
}

// Set is a loaded, normalised dataset, split into train, validation and
// test parts. Inputs are row-major float32: X[i*In+j] is feature j of
// instance i. Labels are in [0, Classes). For a binary task Classes is 2.
type Set struct {
	Name                 string
	In                   int // features per instance
	Height, Width, Chans int // image geometry, zero when not an image
	Classes              int
	TrainX, ValX, TestX  []float32
	TrainY, ValY, TestY  []int
	// TestGroups holds each test instance's group (dataset.group), for
	// the measures per group; nil when the spec names no group column.
	TestGroups []string
	// Fingerprint is a hex digest of every byte that defines the data
	// (inputs, labels, split), so that a run id changes when the data does.
	Fingerprint string
	// Provenance says where the data came from (source, licence, digests).
	Provenance string
	// ClassNames names each class, indexed by label: the digits for MNIST,
	// "0".."K-1" for synthetic sets, the label strings for CSV. For a
	// binary task it is {"rest", "<positive names joined by |>"}.
	ClassNames []string
	// Spec is the spec as resolved by Load: defaults filled in, counts as
	// loaded (before the validation split), Positive sorted. Specs that
	// differ only in spelling a default resolve to the same Spec.
	Spec Spec
}

// NTrain returns the number of training instances.
func (s *Set) NTrain() int { return len(s.TrainY) }

// NVal returns the number of validation instances.
func (s *Set) NVal() int { return len(s.ValY) }

// NTest returns the number of test instances.
func (s *Set) NTest() int { return len(s.TestY) }

// Shape returns the problem shape the models see: Out is 1 when the task
// has two classes (one sigmoid unit) and Classes otherwise.
func (s *Set) Shape() models.Shape {
	out := s.Classes
	if s.Classes == 2 {
		out = 1
	}
	return models.Shape{In: s.In, Height: s.Height, Width: s.Width, Channels: s.Chans, Classes: s.Classes, Out: out}
}
