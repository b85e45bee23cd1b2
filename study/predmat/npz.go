package predmat

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// maxNPZMember bounds the uncompressed size of one array of a .npz file
// that ReadNPZ reads into memory (a zip bomb is refused, not unpacked).
const maxNPZMember = 1 << 36

// ReadNPZ reads predictions from a NumPy .npz archive (np.savez or
// np.savez_compressed) holding
//
//	probs      [M, N, C] float32 or float64 class probabilities
//	labels     [N]       integer true labels
//	models     [M]       optional unicode ('U') model names (default model0, model1, …)
//	instances  [N]       optional unicode or integer instance ids (default 0, 1, …)
//	groups     [N]       optional unicode or integer group of each instance
//	                     (Matrix.Groups: the measures per group of people)
//	preds      [M, N]    optional integer predictions (default the argmax of probs,
//	                     the lowest class on a tie)
//
// r reads the size bytes of the archive; name is used in error messages.
// Every error is a *ParseError whose message names the array and the
// index, "probs[2, 17]: …", in place of a line: the same checks as Read
// (labels and predictions in [0, C), probabilities finite, ≥ 0 and
// summing to 1 within ProbTolerance, names non-empty, distinct and
// without control characters), plus the arrays' shapes and dtypes, an
// unknown or missing member, and C ≤ MaxClasses.
func ReadNPZ(name string, r io.ReaderAt, size int64) (*Matrix, error) {
	fail := func(format string, args ...any) error {
		return &ParseError{File: name, Err: fmt.Errorf(format, args...)}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fail("%w: not a .npz (zip) archive: %w", ErrNPY, err)
	}
	arrays := map[string]*npyArray{}
	for _, f := range zr.File {
		key := strings.TrimSuffix(f.Name, ".npy")
		switch key {
		case "probs", "labels", "models", "instances", "preds", "groups":
		default:
			return nil, fail("%w: member %q; want probs, labels and optionally models, instances, preds, groups", ErrNPY, f.Name)
		}
		if _, dup := arrays[key]; dup {
			return nil, fail("%w: member %q appears twice", ErrNPY, f.Name)
		}
		if f.UncompressedSize64 > maxNPZMember {
			return nil, fail("%w: member %q unpacks to %d bytes, more than %d", ErrNPY, f.Name, f.UncompressedSize64, int64(maxNPZMember))
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fail("%w: member %q: %w", ErrNPY, f.Name, err)
		}
		var buf bytes.Buffer
		buf.Grow(int(f.UncompressedSize64))
		_, err = io.Copy(&buf, io.LimitReader(rc, maxNPZMember+1))
		rc.Close()
		if err != nil {
			return nil, fail("%w: member %q: %w", ErrNPY, f.Name, err)
		}
		a, err := decodeNPY(buf.Bytes())
		if err != nil {
			return nil, fail("%s: %w", key, err)
		}
		arrays[key] = a
	}
	probs, labels := arrays["probs"], arrays["labels"]
	switch {
	case probs == nil:
		return nil, fail("%w: no member probs [M, N, C]", ErrMissing)
	case labels == nil:
		return nil, fail("%w: no member labels [N]", ErrMissing)
	case len(probs.shape) != 3 || !probs.isFloat():
		return nil, fail("probs: %w: dtype %s shape %s, want float32 or float64 [M, N, C]", ErrNPY, probs.descr, probs.shapeString())
	case len(labels.shape) != 1 || !labels.isInt():
		return nil, fail("labels: %w: dtype %s shape %s, want integers [N]", ErrNPY, labels.descr, labels.shapeString())
	}
	m, n, c := probs.shape[0], probs.shape[1], probs.shape[2]
	switch {
	case m == 0 || n == 0:
		return nil, fail("probs: %w: shape %s has no models or no instances", ErrEmpty, probs.shapeString())
	case c < 1 || c > MaxClasses:
		return nil, fail("probs: %w: %d classes, want 1..%d", ErrRange, c, MaxClasses)
	case labels.shape[0] != n:
		return nil, fail("labels: %w: shape %s, want (%d,) to match probs %s", ErrNPY, labels.shapeString(), n, probs.shapeString())
	}
	x := &Matrix{Classes: c, Labels: make([]int32, n), Pred: make([]int32, m*n), Prob: make([]float32, m*n*c)}
	if x.Models, err = npzNames(arrays["models"], "models", m, "model"); err != nil {
		return nil, fail("%w", err)
	}
	if x.Instances, err = npzNames(arrays["instances"], "instances", n, ""); err != nil {
		return nil, fail("%w", err)
	}
	for i := range n {
		v := labels.int(i)
		if v < 0 || v >= int64(c) {
			return nil, fail("labels[%d]: %w: label %d outside [0, %d) set by probs' %d classes", i, ErrRange, v, c, c)
		}
		x.Labels[i] = int32(v)
	}
	for k := range m * n {
		sum := 0.0
		best := 0
		for j := range c {
			v := probs.float(k*c + j)
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fail("probs[%d, %d, %d]: %w: %v (model %q, instance %q), want a finite value ≥ 0", k/n, k%n, j, ErrProb, v, x.Models[k/n], x.Instances[k%n])
			}
			x.Prob[k*c+j] = float32(v)
			sum += v
			if v > probs.float(k*c+best) {
				best = j
			}
		}
		if math.Abs(sum-1) > ProbTolerance {
			return nil, fail("probs[%d, %d]: %w: the %d probabilities of model %q on instance %q sum to %.6g, want 1 ± %v", k/n, k%n, ErrProb, c, x.Models[k/n], x.Instances[k%n], sum, ProbTolerance)
		}
		x.Pred[k] = int32(best)
	}
	if p := arrays["preds"]; p != nil {
		if len(p.shape) != 2 || !p.isInt() || p.shape[0] != m || p.shape[1] != n {
			return nil, fail("preds: %w: dtype %s shape %s, want integers (%d, %d)", ErrNPY, p.descr, p.shapeString(), m, n)
		}
		for k := range m * n {
			v := p.int(k)
			if v < 0 || v >= int64(c) {
				return nil, fail("preds[%d, %d]: %w: pred %d outside [0, %d)", k/n, k%n, ErrRange, v, c)
			}
			x.Pred[k] = int32(v)
		}
	}
	if g := arrays["groups"]; g != nil {
		if x.Groups, err = npzGroups(g, n); err != nil {
			return nil, fail("%w", err)
		}
	}
	if err := x.Validate(); err != nil { // nothing above should let one through
		return nil, fail("%w", err)
	}
	return x, nil
}

// npzNames returns the k names of array a (member key), or prefix0,
// prefix1, … when a is nil. Integer ids are written in decimal.
func npzNames(a *npyArray, key string, k int, prefix string) ([]string, error) {
	out := make([]string, k)
	if a == nil {
		for i := range out {
			out[i] = prefix + strconv.Itoa(i)
		}
		return out, nil
	}
	if len(a.shape) != 1 || a.shape[0] != k || !(a.isStr() || (key == "instances" && a.isInt())) {
		want := "unicode strings ('U')"
		if key == "instances" {
			want = "unicode strings or integers"
		}
		return nil, fmt.Errorf("%s: %w: dtype %s shape %s, want %s of shape (%d,)", key, ErrNPY, a.descr, a.shapeString(), want, k)
	}
	seen := make(map[string]int, k)
	for i := range out {
		var s string
		if a.isInt() {
			s = strconv.FormatInt(a.int(i), 10)
		} else {
			var ok bool
			if s, ok = a.str(i); !ok {
				return nil, fmt.Errorf("%s[%d]: %w: not a valid unicode string", key, i, ErrEncoding)
			}
		}
		switch {
		case s == "":
			return nil, fmt.Errorf("%s[%d]: %w: empty name", key, i, ErrName)
		case !printable(s):
			return nil, fmt.Errorf("%s[%d]: %w: %q has a control character", key, i, ErrName, s)
		}
		if j, dup := seen[s]; dup {
			return nil, fmt.Errorf("%s[%d]: %w: %q repeats %s[%d]", key, i, ErrDuplicate, s, key, j)
		}
		seen[s] = i
		out[i] = s
	}
	return out, nil
}

// npzGroups returns the n groups of array a: unicode strings or integers,
// non-empty and printable; unlike names they repeat.
func npzGroups(a *npyArray, n int) ([]string, error) {
	if len(a.shape) != 1 || a.shape[0] != n || !(a.isStr() || a.isInt()) {
		return nil, fmt.Errorf("groups: %w: dtype %s shape %s, want unicode strings or integers of shape (%d,)", ErrNPY, a.descr, a.shapeString(), n)
	}
	out := make([]string, n)
	for i := range out {
		if a.isInt() {
			out[i] = strconv.FormatInt(a.int(i), 10)
			continue
		}
		s, ok := a.str(i)
		switch {
		case !ok:
			return nil, fmt.Errorf("groups[%d]: %w: not a valid unicode string", i, ErrEncoding)
		case s == "":
			return nil, fmt.Errorf("groups[%d]: %w: group is empty", i, ErrName)
		case !printable(s):
			return nil, fmt.Errorf("groups[%d]: %w: a group may not hold control characters", i, ErrName)
		}
		out[i] = s
	}
	return out, nil
}
