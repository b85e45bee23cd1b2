package data

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/study-harness/study/study/seeds"
)

// raw is a dataset as read, before the validation split, the binary
// mapping and standardisation. Its slices may alias shared read-only data.
type raw struct {
	in, h, w, c   int
	classes       int
	classNames    []string
	trainX, testX []float32
	trainB        []byte // image pixels used instead of trainX, scaled by 1/255 on copy
	trainY, testY []int
	testGroups    []string // each test instance's group (dataset.group), or nil
	provenance    string
	standardise   bool // z-score features with training statistics
}

// Load reads the dataset that s describes and returns it split and
// normalised. seed is the study's seed: it drives the synthetic draws, the
// csv test split and the validation split, so every run of a study gets
// the same Set. baseDir is the folder of the spec file; a relative csv path
// is taken from there.
//
// The returned Set may share memory with other Sets loaded in the same
// process (the decoded MNIST is kept once): callers must not modify it.
func Load(s Spec, seed int64, baseDir string) (*Set, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var r *raw
	var err error
	switch s.Name {
	case "mnist":
		r, err = readMNIST(s)
	case "fashion-mnist":
		r, err = readFashion(s, baseDir)
	case "cifar10":
		r, err = readCIFAR(s, baseDir)
	case "npz":
		r, err = readNPZDataset(s, baseDir)
	case "csv":
		r, err = readCSV(s, seed, baseDir)
	default:
		r = readSynth(s, seed)
	}
	if err != nil {
		return nil, err
	}
	set := &Set{
		Name:       s.Name,
		In:         r.in,
		Height:     r.h,
		Width:      r.w,
		Chans:      r.c,
		Classes:    r.classes,
		ClassNames: r.classNames,
		TestX:      r.testX,
		TestY:      r.testY,
		TestGroups: r.testGroups,
		Provenance: r.provenance,
	}
	if err := splitVal(set, r, s.valFrac(), seed); err != nil {
		return nil, err
	}
	if s.Binary() {
		binarise(set, s.Positive)
	}
	if r.standardise {
		standardise(set)
	}
	set.Spec = s.resolve(r)
	set.Fingerprint = fingerprint(set.Spec, set)
	return set, nil
}

// resolve returns s with every default made explicit, so that the
// fingerprint does not depend on whether a default was written out.
func (s Spec) resolve(r *raw) Spec {
	out := s
	out.Train, out.Test = len(r.trainY), len(r.testY)
	out.Val = s.valFrac()
	out.NoVal = out.Val == 0
	out.Positive = slices.Sorted(slices.Values(s.Positive))
	if s.synthetic() {
		out.Dim, out.Classes = s.dim(), s.classes()
		out.Noise = s.noise()
	}
	if s.Name == "fashion-mnist" || s.Name == "cifar10" {
		// The fingerprint covers the bytes; where they were found does
		// not change the data, so it does not change run ids either.
		out.Path = ""
	}
	if s.Name == "csv" && s.Label == "" {
		out.Label = DefaultLabel
	}
	return out
}

// splitVal holds out round(frac×n) of the n training instances of r for
// validation, chosen by seeds.Stream("val", seed). Both parts keep the
// original order, so with frac = 0 the training part is r's as is.
func splitVal(set *Set, r *raw, frac float64, seed int64) error {
	n, d := len(r.trainY), r.in
	nv := int(math.Round(frac * float64(n)))
	if n-nv < 1 {
		return fieldErr("val", "fraction %v of %d training instances leaves none for training", frac, n)
	}
	if nv == 0 && r.trainB == nil {
		set.TrainX, set.TrainY = r.trainX, r.trainY
		set.ValX, set.ValY = []float32{}, []int{}
		return nil
	}
	isVal := make([]bool, n)
	if nv > 0 {
		for _, i := range seedsPerm("val", seed, n)[:nv] {
			isVal[i] = true
		}
	}
	set.TrainX, set.TrainY = make([]float32, (n-nv)*d), make([]int, 0, n-nv)
	set.ValX, set.ValY = make([]float32, nv*d), make([]int, 0, nv)
	for i := range n {
		var dst []float32
		if isVal[i] {
			dst = set.ValX[len(set.ValY)*d:]
			set.ValY = append(set.ValY, r.trainY[i])
		} else {
			dst = set.TrainX[len(set.TrainY)*d:]
			set.TrainY = append(set.TrainY, r.trainY[i])
		}
		if r.trainB != nil {
			scalePixels(dst[:d], r.trainB[i*d:(i+1)*d])
		} else {
			copy(dst[:d], r.trainX[i*d:(i+1)*d])
		}
	}
	return nil
}

// seedsPerm is a permutation of [0, n) from the named stream.
func seedsPerm(name string, seed int64, n int) []int {
	return seeds.Stream(name, seed).Perm(n)
}

// binarise maps labels in pos to 1 and the rest to 0, into new slices (the
// old ones may be shared).
func binarise(set *Set, pos []int) {
	m := make([]int, set.Classes)
	names := make([]string, 0, len(pos))
	for _, p := range slices.Sorted(slices.Values(pos)) {
		m[p] = 1
		names = append(names, set.ClassNames[p])
	}
	conv := func(y []int) []int {
		out := make([]int, len(y))
		for i, v := range y {
			out[i] = m[v]
		}
		return out
	}
	set.TrainY, set.ValY, set.TestY = conv(set.TrainY), conv(set.ValY), conv(set.TestY)
	set.Classes = 2
	set.ClassNames = []string{"rest", strings.Join(names, "|")}
}

// standardise z-scores every feature with the mean and standard deviation
// (population) of the training part, in place. A constant feature is
// centred only. The slices are owned by the Set (synthetic and csv sets
// are built fresh).
func standardise(set *Set) {
	d, n := set.In, set.NTrain()
	mean := make([]float64, d)
	sd := make([]float64, d)
	for i := range n {
		for j, v := range set.TrainX[i*d : (i+1)*d] {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range n {
		for j, v := range set.TrainX[i*d : (i+1)*d] {
			e := float64(v) - mean[j]
			sd[j] += float64(e * e) // no fused multiply-add: same bits on every GOARCH
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / float64(n))
		if sd[j] == 0 || math.IsInf(sd[j], 0) || math.IsNaN(sd[j]) {
			sd[j] = 1
		}
	}
	for _, x := range [][]float32{set.TrainX, set.ValX, set.TestX} {
		for i := range x {
			j := i % d
			x[i] = float32((float64(x[i]) - mean[j]) / sd[j])
		}
	}
}

// digitNames returns "0".."k-1".
func digitNames(k int) []string {
	out := make([]string, k)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}

// String summarises the set: name, sizes and shape.
func (s *Set) String() string {
	return fmt.Sprintf("%s: %d train, %d val, %d test, %d features, %d classes", s.Name, s.NTrain(), s.NVal(), s.NTest(), s.In, s.Classes)
}
