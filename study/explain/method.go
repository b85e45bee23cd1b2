package explain

import (
	"fmt"
	"slices"
	"strings"
)

// Method names an attribution method, as written in explain.methods.
type Method string

// The attribution methods.
const (
	MethodSaliency            Method = "saliency"
	MethodGradXInput          Method = "grad_x_input"
	MethodIntegratedGradients Method = "integrated_gradients"
	MethodSmoothGrad          Method = "smoothgrad"
	MethodOcclusion           Method = "occlusion"
)

// Methods lists every method, in the order the report shows them.
var Methods = []Method{MethodSaliency, MethodGradXInput, MethodIntegratedGradients, MethodSmoothGrad, MethodOcclusion}

// ParseMethod reads one entry of explain.methods.
func ParseMethod(s string) (Method, error) {
	if slices.Contains(Methods, Method(s)) {
		return Method(s), nil
	}
	names := make([]string, len(Methods))
	for i, m := range Methods {
		names[i] = string(m)
	}
	return "", fmt.Errorf("explain method %q: want one of %s", s, strings.Join(names, ", "))
}

// NeedsGradient reports whether the method needs Model.Grad.
func (m Method) NeedsGradient() bool { return m != MethodOcclusion }

// Settings are the parameters of the methods; the zero value of a field
// means its default (DefaultSettings).
type Settings struct {
	// Integrated gradients: Steps quadrature points of Rule, from
	// Baseline (D values; nil is the zero baseline) to the input.
	Steps    int
	Rule     Rule
	Baseline []float32

	// SmoothGrad: Samples draws of Gaussian noise of standard deviation
	// Sigma (absolute, in input units, not clipped), from the stream
	// keyed by Seed and each instance's index.
	Sigma   float64
	Samples int
	Seed    int64

	// Occlusion: square windows of Patch×Patch pixels (all channels),
	// moved by Stride, set to 0. Height, Width and Channels give the
	// image geometry; Height 0 means tabular data, where each feature is
	// occluded alone.
	Patch, Stride           int
	Height, Width, Channels int
}

// DefaultSettings are the defaults: integrated gradients with 50
// Gauss–Legendre points from the zero baseline (Captum's), smoothgrad
// with σ = 0.15 (Smilkov et al.'s 10–20% of a [0, 1] input range) and 50
// samples, and occlusion of single pixels.
func DefaultSettings() Settings {
	return Settings{Steps: 50, Rule: GaussLegendre, Sigma: 0.15, Samples: 50, Patch: 1, Stride: 1}
}

// withDefaults fills the zero fields of s from DefaultSettings.
func (s Settings) withDefaults() Settings {
	d := DefaultSettings()
	if s.Steps == 0 {
		s.Steps = d.Steps
	}
	if s.Rule == "" {
		s.Rule = d.Rule
	}
	if s.Sigma == 0 {
		s.Sigma = d.Sigma
	}
	if s.Samples == 0 {
		s.Samples = d.Samples
	}
	if s.Patch == 0 {
		s.Patch = d.Patch
	}
	if s.Stride == 0 {
		s.Stride = s.Patch
	}
	return s
}

// Attribution is one method's output for a batch.
type Attribution struct {
	// Values are the n×D attributions.
	Values []float32
	// Delta is integrated gradients' convergence delta per instance,
	// Σ_j IG_j − (F_c(x) − F_c(baseline)); nil for the other methods.
	Delta []float64
}

// Attribute runs one method on the instances of x (len(class)×m.In) for
// the given classes. ids are the instances' indices in the study's
// feature subset (nil means 0..n−1); they key smoothgrad's noise so that
// an instance gets the same attribution in any batch.
func Attribute(method Method, m Model, x []float32, class, ids []int, s Settings) (Attribution, error) {
	s = s.withDefaults()
	var a Attribution
	var err error
	switch method {
	case MethodSaliency:
		a.Values, err = Saliency(m, x, class)
	case MethodGradXInput:
		a.Values, err = GradXInput(m, x, class)
	case MethodIntegratedGradients:
		a.Values, a.Delta, err = IntegratedGradients(m, x, class, s.Baseline, s.Rule, s.Steps)
	case MethodSmoothGrad:
		a.Values, err = SmoothGrad(m, x, class, ids, s.Sigma, s.Samples, s.Seed)
	case MethodOcclusion:
		a.Values, err = Occlusion(m, x, class, Window{Patch: s.Patch, Stride: s.Stride, Height: s.Height, Width: s.Width, Channels: s.Channels})
	default:
		_, err = ParseMethod(string(method))
	}
	return a, err
}
