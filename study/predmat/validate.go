package predmat

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxClasses bounds the number of classes C that Read infers or accepts and
// that Validate allows, so that a corrupt label such as 2147483647 cannot
// make the later stages allocate gigabytes of per-class counts.
const MaxClasses = 1 << 16

// ProbTolerance is how far from 1 the probabilities of one (model, instance)
// pair may sum before Read and Validate reject them: |Σp − 1| ≤ 1e-3,
// bound included, computed in float64 (see probSumOK).
const ProbTolerance = 1e-3

// roundingSlack absorbs the rounding of probabilities to float32 (at most
// 2⁻²⁴ of each) and of their float64 sum, so that sums on the bound are
// judged alike however they are written: 0.3335+0.333+0.3345 and
// 0.334+0.333+0.334, both 1.001, used to get opposite verdicts.
const roundingSlack = 0x1p-23

// probSumOK reports whether probabilities summing to sum (in float64) sum
// to 1 within ProbTolerance.
func probSumOK(sum float64) bool {
	return math.Abs(sum-1) <= ProbTolerance+roundingSlack
}

// Validate reports the first inconsistency in x: slice lengths that do not
// match M, N and C, empty, duplicate or non-UTF-8 model names or instance
// ids, labels or predictions outside [0, C), probabilities that are
// negative, not finite, or do not sum to 1 within ProbTolerance, and
// features whose shapes disagree (see checkFeatures). Stages call it
// before trusting a Matrix that came from elsewhere.
func (x *Matrix) Validate() error { return x.validate(true) }

// validate is Validate; without ids it leaves out the instance ids, which
// the caller vouches for (AppendBinary's implicit "0" … "N−1"), and names
// instances by index.
func (x *Matrix) validate(ids bool) error {
	if x == nil {
		return errors.New("nil matrix")
	}
	inst := func(i int) string {
		if ids {
			return x.Instances[i]
		}
		return strconv.Itoa(i)
	}
	m, n, c := len(x.Models), len(x.Labels), x.Classes
	switch {
	case m == 0:
		return errors.New("no models")
	case n == 0:
		return errors.New("no instances")
	case c < 1 || c > MaxClasses:
		return fmt.Errorf("classes = %d, want 1..%d", c, MaxClasses)
	case ids && len(x.Instances) != n:
		return fmt.Errorf("%d instance ids for %d labels", len(x.Instances), n)
	case len(x.Pred) != m*n:
		return fmt.Errorf("len(Pred) = %d, want M×N = %d×%d", len(x.Pred), m, n)
	case x.Prob != nil && len(x.Prob) != m*n*c:
		return fmt.Errorf("len(Prob) = %d, want M×N×C = %d×%d×%d", len(x.Prob), m, n, c)
	case x.Configs != nil && len(x.Configs) != m:
		return fmt.Errorf("%d configs for %d models", len(x.Configs), m)
	case x.Groups != nil && len(x.Groups) != n:
		return fmt.Errorf("%d groups for %d instances", len(x.Groups), n)
	}
	if err := checkNames("model", x.Models); err != nil {
		return err
	}
	if ids {
		if err := checkNames("instance", x.Instances); err != nil {
			return err
		}
	}
	for i, l := range x.Labels {
		if l < 0 || int(l) >= c {
			return fmt.Errorf("instance %q: label %d outside [0, %d)", inst(i), l, c)
		}
	}
	for k, p := range x.Pred {
		if p < 0 || int(p) >= c {
			return fmt.Errorf("model %q, instance %q: pred %d outside [0, %d)", x.Models[k/n], inst(k%n), p, c)
		}
	}
	if err := x.checkFeatures(); err != nil {
		return err
	}
	if x.Prob != nil {
		for k := 0; k < m*n; k++ {
			row := x.Prob[k*c : (k+1)*c]
			sum := 0.0
			for j, p := range row {
				v := float64(p)
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					return fmt.Errorf("model %q, instance %q: p%d = %v, want a finite value ≥ 0", x.Models[k/n], inst(k%n), j, p)
				}
				sum += v
			}
			if !probSumOK(sum) {
				return fmt.Errorf("model %q, instance %q: probabilities sum to %v, want 1 ± %v", x.Models[k/n], inst(k%n), sum, ProbTolerance)
			}
		}
	}
	return nil
}

// checkFeatures checks the optional penultimate-layer features and
// logits against the layout documented on Matrix (see checkLayer), the
// per-model notes (nil or one per model), and that FeatureIdx names
// distinct instances in [0, N).
func (x *Matrix) checkFeatures() error {
	m, n, k := len(x.Models), len(x.Labels), len(x.FeatureIdx)
	seen := make(map[int]int, k)
	for j, i := range x.FeatureIdx {
		if i < 0 || i >= n {
			return fmt.Errorf("feature index %d: instance %d outside [0, %d)", j, i, n)
		}
		if p, dup := seen[i]; dup {
			return fmt.Errorf("feature index %d: instance %q repeats feature index %d", j, x.Instances[i], p)
		}
		seen[i] = j
	}
	if err := x.checkLayer("feature", x.Features, x.FeatureDims); err != nil {
		return err
	}
	if err := x.checkLayer("logit", x.Logits, x.LogitDims); err != nil {
		return err
	}
	if x.NoFeatures != nil && len(x.NoFeatures) != m {
		return fmt.Errorf("%d notes on missing features for %d models", len(x.NoFeatures), m)
	}
	if x.NoLogits != nil && len(x.NoLogits) != m {
		return fmt.Errorf("%d notes on missing logits for %d models", len(x.NoLogits), m)
	}
	return x.Attributions.check(x)
}

// checkLayer checks one layer's per-model values (kind "feature" or
// "logit"): vals and dims are each nil or one entry per model, dims is
// given whenever some model has values, dimensions are non-negative (and
// positive for a model with values), and each model's values hold
// len(FeatureIdx)×dims[m] numbers.
func (x *Matrix) checkLayer(kind string, vals [][]float32, dims []int) error {
	m, k := len(x.Models), len(x.FeatureIdx)
	if vals != nil && len(vals) != m {
		return fmt.Errorf("%ss for %d models, want %d (one entry per model, nil for a model without)", kind, len(vals), m)
	}
	if dims != nil && len(dims) != m {
		return fmt.Errorf("%d %s dimensions for %d models", len(dims), kind, m)
	}
	for a, d := range dims {
		if d < 0 {
			return fmt.Errorf("model %q: %s dimension %d is negative", x.Models[a], kind, d)
		}
	}
	for a, f := range vals {
		if f == nil {
			continue
		}
		if dims == nil {
			return fmt.Errorf("model %q has %ss but the matrix has no %s dimensions", x.Models[a], kind, kind)
		}
		d := dims[a]
		if d < 1 {
			return fmt.Errorf("model %q has %ss of dimension %d, want at least 1", x.Models[a], kind, d)
		}
		if k > 0 && d > math.MaxInt/k || len(f) != k*d {
			return fmt.Errorf("model %q has %d %s values, want %d instances × %d dims", x.Models[a], len(f), kind, k, d)
		}
	}
	return nil
}

func checkNames(kind string, names []string) error {
	seen := make(map[string]int, len(names))
	for i, s := range names {
		if s == "" {
			return fmt.Errorf("%s %d has an empty name", kind, i)
		}
		if !utf8.ValidString(s) {
			return fmt.Errorf("%s %d: name %q is not valid UTF-8", kind, i, s)
		}
		if strings.ContainsRune(s, '\r') {
			// encoding/csv drops a \r before a \n even inside quotes, so
			// such a name would not read back as written.
			return fmt.Errorf("%s %d: name %q contains a carriage return, which CSV cannot carry", kind, i, s)
		}
		if j, dup := seen[s]; dup {
			return fmt.Errorf("%s %d: name %q repeats %s %d", kind, i, s, kind, j)
		}
		seen[s] = i
	}
	return nil
}
