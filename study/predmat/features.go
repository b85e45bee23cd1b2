package predmat

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/study-harness/study/study/seeds"
)

// FeatureSubset is the largest number of instances whose features
// ReadLayerDir keeps: every instance when N ≤ FeatureSubset, else the
// FeatureSubset instances that SubsetIndex draws. CKA and mutual k-NN
// cost O(K²) per pair of models in the K instances.
const FeatureSubset = 1000

// SubsetIndex returns the instances whose features are kept for N
// instances, in increasing order: all of them when n ≤ FeatureSubset,
// else the first FeatureSubset of the permutation of the "features"
// stream of study/seeds keyed by seed, so that the same seed keeps the
// same instances.
func SubsetIndex(n int, seed int64) []int {
	idx := seeds.Stream("features", seed).Perm(n)
	if len(idx) > FeatureSubset {
		idx = idx[:FeatureSubset]
	}
	sort.Ints(idx)
	return idx
}

// LayerFileName returns the file name of model's features or logits in
// a folder given to ReadLayerDir, "<model>.npy", or an error when the
// name cannot be a file name: empty, "." or "..", with a slash, a
// backslash or a control character, or longer than 250 bytes.
func LayerFileName(model string) (string, error) {
	switch {
	case model == "" || model == "." || model == "..":
		return "", fmt.Errorf("model name %q cannot name a file", model)
	case strings.ContainsAny(model, `/\`):
		return "", fmt.Errorf("model name %q has a slash, so it cannot name a file; rename the model", model)
	case !printable(model):
		return "", fmt.Errorf("model name %q has a control character, so it cannot name a file", model)
	case len(model) > 250:
		return "", fmt.Errorf("model name %.40q… is %d bytes, too long for a file name", model, len(model))
	}
	return model + ".npy", nil
}

// ReadLayerDir reads one layer of every model from the folder dir: the
// file LayerFileName(model), a 2-D NumPy array (.npy, float32 or float64,
// C order) of N rows — one per instance, in the order of x.Instances —
// and D columns. kind is "features" (penultimate layer: x.Features and
// x.FeatureDims) or "logits" (x.Logits and x.LogitDims). Only the rows of
// x.FeatureIdx are kept; ReadLayerDir sets it to SubsetIndex(N, seed)
// when it is nil.
//
// A model without a file gets a note (x.NoFeatures or x.NoLogits)
// instead; a folder with none of the files, a .npy file that names no
// model, a file that is not such an array, of another number of rows, or
// with a value that is not finite is an error naming the file and, for a
// value, its row and column.
func ReadLayerDir(x *Matrix, dir, kind string, seed int64) error {
	if kind != "features" && kind != "logits" {
		return fmt.Errorf("predmat: layer kind %q, want features or logits", kind)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	files := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".npy") {
			files[e.Name()] = true
		}
	}
	names := make([]string, x.M())
	for m, model := range x.Models {
		if names[m], err = LayerFileName(model); err != nil {
			return &ParseError{File: dir, Err: fmt.Errorf("%w: %w", ErrName, err)}
		}
	}
	var stray []string
	for f := range files {
		if !slices.Contains(names, f) {
			stray = append(stray, f)
		}
	}
	if len(stray) > 0 {
		slices.Sort(stray)
		return &ParseError{File: filepath.Join(dir, stray[0]), Err: fmt.Errorf("%w: names no model of the predictions (%d such file(s); a model's file is \"<model name>.npy\")", ErrName, len(stray))}
	}
	if len(files) == 0 {
		return &ParseError{File: dir, Err: fmt.Errorf("%w: no .npy file; want one \"<model name>.npy\" per model, e.g. %q", ErrMissing, names[0])}
	}
	if x.FeatureIdx == nil {
		x.FeatureIdx = SubsetIndex(x.N(), seed)
	}
	vals, dims, notes := make([][]float32, x.M()), make([]int, x.M()), make([]string, x.M())
	for m, f := range names {
		if !files[f] {
			notes[m] = fmt.Sprintf("no %s in the %s folder", f, kind)
			continue
		}
		path := filepath.Join(dir, f)
		vals[m], dims[m], err = readLayer(path, x.N(), x.FeatureIdx)
		if err != nil {
			return err
		}
	}
	if kind == "features" {
		x.Features, x.FeatureDims, x.NoFeatures = vals, dims, notes
	} else {
		x.Logits, x.LogitDims, x.NoLogits = vals, dims, notes
	}
	return nil
}

// readLayer reads the .npy at path, an n×D float array, and returns the
// rows idx, row-major, and D.
func readLayer(path string, n int, idx []int) ([]float32, int, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return nil, 0, &ParseError{File: path, Err: err}
	}
	if err != nil {
		return nil, 0, err
	}
	a, err := decodeNPY(b)
	if err != nil {
		return nil, 0, &ParseError{File: path, Err: err}
	}
	if len(a.shape) != 2 || !a.isFloat() || a.shape[0] != n || a.shape[1] < 1 {
		return nil, 0, &ParseError{File: path, Err: fmt.Errorf("%w: dtype %s shape %s, want float32 or float64 (%d, D): one row per instance, in the predictions' order", ErrNPY, a.descr, a.shapeString(), n)}
	}
	d := a.shape[1]
	out := make([]float32, 0, len(idx)*d)
	for _, i := range idx {
		for j := range d {
			v := a.float(i*d + j)
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > math.MaxFloat32 {
				return nil, 0, &ParseError{File: path, Err: fmt.Errorf("row %d, column %d: %w: %v, want a finite float32", i, j, ErrNumber, v)}
			}
			out = append(out, float32(v))
		}
	}
	return out, d, nil
}
