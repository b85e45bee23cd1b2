package explain

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// linear is F_c(x) = Σ_j W[c][j] x_j + b_c: its gradient is W_c, so every
// gradient method has a closed form.
type linear struct {
	w    [][]float32
	b    []float32
	d, c int
}

func newLinear() linear {
	w := [][]float32{
		{0.5, -1.25, 2, 0, -0.75, 1.5},
		{-2, 0.25, 1, -0.5, 3, -1},
		{1, 1, -1, 2.5, 0, 0.125},
	}
	return linear{w: w, b: []float32{0.1, -0.2, 0.3}, d: 6, c: 3}
}

func (l linear) model() Model {
	logits := func(x []float32, n int, out []float32) {
		for i := range n {
			for c := range l.c {
				s := l.b[c]
				for j := range l.d {
					s += l.w[c][j] * x[i*l.d+j]
				}
				out[i*l.c+c] = s
			}
		}
	}
	grad := func(x []float32, n int, class []int, dx []float32) {
		for i := range n {
			copy(dx[i*l.d:(i+1)*l.d], l.w[class[i]])
		}
	}
	return Model{In: l.d, Classes: l.c, Grad: grad, Logits: logits, Scores: logits}
}

var linX = []float32{
	0.2, 0.9, -0.4, 1.5, 0.3, -1.1,
	-0.7, 0.05, 0.6, 0.8, -0.25, 0.4,
}
var linClass = []int{2, 0}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*max(1, math.Abs(b)) }

func TestGradientMethodsOnALinearModel(t *testing.T) {
	l := newLinear()
	m := l.model()
	d := l.d
	// want returns the closed form of each method for instance i, feature j.
	tests := []struct {
		name  string
		run   func() ([]float32, error)
		scale float64 // Σ w_k of the rule: the integral of a constant gradient
		want  func(w, x float32) float64
	}{
		{"saliency is |w_c|", func() ([]float32, error) { return Saliency(m, linX, linClass) }, 1,
			func(w, x float32) float64 { return math.Abs(float64(w)) }},
		{"grad×input is w_c ⊙ x", func() ([]float32, error) { return GradXInput(m, linX, linClass) }, 1,
			func(w, x float32) float64 { return float64(w * x) }},
	}
	for _, r := range []Rule{GaussLegendre, RiemannLeft, RiemannRight, RiemannMiddle} {
		tests = append(tests, struct {
			name  string
			run   func() ([]float32, error)
			scale float64
			want  func(w, x float32) float64
		}{"integrated gradients with " + string(r) + " is w_c ⊙ x", func() ([]float32, error) {
			a, _, err := IntegratedGradients(m, linX, linClass, nil, r, 50)
			return a, err
		}, 1, func(w, x float32) float64 { return float64(w * x) }})
	}
	tests = append(tests, struct {
		name  string
		run   func() ([]float32, error)
		scale float64
		want  func(w, x float32) float64
	}{"Captum's trapezoid integrates a constant to (n−1)/n of it", func() ([]float32, error) {
		a, _, err := IntegratedGradients(m, linX, linClass, nil, RiemannTrapezoid, 50)
		return a, err
	}, 49.0 / 50, func(w, x float32) float64 { return float64(w * x) }})
	tests = append(tests, struct {
		name  string
		run   func() ([]float32, error)
		scale float64
		want  func(w, x float32) float64
	}{"occlusion of single features is w_c ⊙ x", func() ([]float32, error) {
		return Occlusion(m, linX, linClass, Window{Patch: 1, Stride: 1})
	}, 1, func(w, x float32) float64 { return float64(w * x) }})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range linClass {
				for j := range d {
					want := tt.scale * tt.want(l.w[c][j], linX[i*d+j])
					if g := float64(got[i*d+j]); !near(g, want, 1e-6) {
						t.Errorf("instance %d feature %d: %g, want %g", i, j, g, want)
					}
				}
			}
		})
	}
}

func TestIntegratedGradientsDeltaOnALinearModel(t *testing.T) {
	l := newLinear()
	for _, r := range []Rule{GaussLegendre, RiemannLeft, RiemannRight, RiemannMiddle, RiemannTrapezoid} {
		t.Run(string(r), func(t *testing.T) {
			_, delta, err := IntegratedGradients(l.model(), linX, linClass, nil, r, 50)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range linClass {
				// F(x) − F(0) = w_c·x; the trapezoid misses 1/n of it.
				var wx float64
				for j := range l.d {
					wx += float64(l.w[c][j] * linX[i*l.d+j])
				}
				want := 0.0
				if r == RiemannTrapezoid {
					want = -wx / 50
				}
				if !near(delta[i], want, 1e-5) {
					t.Errorf("instance %d: delta %g, want %g", i, delta[i], want)
				}
			}
		})
	}
}

type quadratureRef struct {
	Points []struct {
		Rule     Rule
		N        int
		Alpha, W []float64
	}
	IG []struct {
		Rule  Rule
		N     int
		IG    []float64
		Delta float64
	}
}

func loadQuadrature(t *testing.T) quadratureRef {
	t.Helper()
	b, err := os.ReadFile("testdata/quadrature.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref quadratureRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestRulePointsMatchNumpy(t *testing.T) {
	for _, p := range loadQuadrature(t).Points {
		alpha, w, err := p.Rule.Points(p.N)
		if err != nil {
			t.Fatalf("%s n=%d: %v", p.Rule, p.N, err)
		}
		for k := range p.N {
			if math.Abs(alpha[k]-p.Alpha[k]) > 1e-14 || math.Abs(w[k]-p.W[k]) > 1e-14 {
				t.Errorf("%s n=%d point %d: (%.17g, %.17g), numpy (%.17g, %.17g)", p.Rule, p.N, k, alpha[k], w[k], p.Alpha[k], p.W[k])
			}
		}
	}
}

// cubic is the reference sheet's F(x) = x₁³ + 3x₂, one class.
func cubic() Model {
	return Model{In: 2, Classes: 1,
		Grad: func(x []float32, n int, _ []int, dx []float32) {
			for i := range n {
				dx[2*i], dx[2*i+1] = 3*x[2*i]*x[2*i], 3
			}
		},
		Logits: func(x []float32, n int, out []float32) {
			for i := range n {
				out[i] = x[2*i]*x[2*i]*x[2*i] + 3*x[2*i+1]
			}
		},
	}
}

func TestIntegratedGradientsQuadratureVector(t *testing.T) {
	for _, r := range loadQuadrature(t).IG {
		t.Run(string(r.Rule), func(t *testing.T) {
			ig, delta, err := IntegratedGradients(cubic(), []float32{1, 2}, []int{0}, nil, r.Rule, r.N)
			if err != nil {
				t.Fatal(err)
			}
			for j := range 2 {
				if !near(float64(ig[j]), r.IG[j], 1e-6) {
					t.Errorf("n=%d: IG_%d = %.7g, numpy %.7g", r.N, j+1, ig[j], r.IG[j])
				}
			}
			if !near(delta[0], r.Delta, 1e-5) {
				t.Errorf("n=%d: delta %.7g, numpy %.7g", r.N, delta[0], r.Delta)
			}
		})
	}
	// The sheet's headline: Gauss–Legendre with 3 points is exact here.
	ig, _, err := IntegratedGradients(cubic(), []float32{1, 2}, []int{0}, nil, GaussLegendre, 3)
	if err != nil || !near(float64(ig[0]), 1, 1e-6) || !near(float64(ig[1]), 6, 1e-6) {
		t.Errorf("Gauss–Legendre n=3: %v (%v), want (1, 6)", ig, err)
	}
}

// square is F(x) = Σ_j x_j³ for any class: a gradient 3x² that noise
// changes, so smoothgrad depends on every draw.
func square(d int) Model {
	return Model{In: d, Classes: 2, Grad: func(x []float32, n int, _ []int, dx []float32) {
		for j, v := range x[:n*d] {
			dx[j] = 3 * v * v
		}
	}}
}

func TestSmoothGradIsReproducible(t *testing.T) {
	const d = 5
	x := []float32{0.1, 0.5, -0.3, 0.9, 0, 1, -1, 0.25, 0.75, 0.4, -0.6, 0.2, 0.3, 0.8, -0.9}
	class := []int{0, 1, 0}
	ids := []int{7, 3, 12}
	m := square(d)
	ref, err := SmoothGrad(m, x, class, ids, 0.15, 20, 42)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := SmoothGrad(m, x, class, ids, 0.15, 20, 42)
	if !slices.Equal(ref, again) {
		t.Error("the same seed gave other bits")
	}
	// One instance alone, keyed by its id, gets the same bits as in the
	// batch.
	alone, _ := SmoothGrad(m, x[d:2*d], class[1:2], ids[1:2], 0.15, 20, 42)
	if !slices.Equal(alone, ref[d:2*d]) {
		t.Errorf("instance 3 alone %v, in the batch %v", alone, ref[d:2*d])
	}
	other, _ := SmoothGrad(m, x, class, ids, 0.15, 20, 43)
	if slices.Equal(ref, other) {
		t.Error("another seed gave the same bits")
	}
	// The noise is there: the mean of 3(x+ε)² is 3x² + 3σ² on average,
	// not 3x².
	var diff float64
	for j, v := range x {
		diff += float64(ref[j]) - 3*float64(v*v)
	}
	if diff <= 0 {
		t.Errorf("smoothgrad minus the clean gradient sums to %g, want > 0", diff)
	}
}

func TestStartsCoverTheAxis(t *testing.T) {
	tests := []struct {
		l, patch, stride int
		want             []int
	}{
		{4, 1, 1, []int{0, 1, 2, 3}},
		{4, 2, 2, []int{0, 2}},
		{5, 2, 2, []int{0, 2, 3}},
		{3, 2, 1, []int{0, 1}},
		{28, 4, 4, []int{0, 4, 8, 12, 16, 20, 24}},
		{28, 3, 3, []int{0, 3, 6, 9, 12, 15, 18, 21, 24, 25}},
	}
	for _, tt := range tests {
		if got := starts(tt.l, tt.patch, tt.stride); !slices.Equal(got, tt.want) {
			t.Errorf("starts(%d, %d, %d) = %v, want %v", tt.l, tt.patch, tt.stride, got, tt.want)
		}
	}
}

func TestOcclusionPatchesOnALinearImageModel(t *testing.T) {
	// A 3×3 one-channel image, one class: F = Σ w_j x_j.
	w := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	x := []float32{1, -1, 2, 0.5, 1, -2, 3, 1, 1}
	m := Model{In: 9, Classes: 1, Scores: func(x []float32, n int, out []float32) {
		for i := range n {
			var s float32
			for j := range 9 {
				s += w[j] * x[i*9+j]
			}
			out[i] = s
		}
	}}
	wx := make([]float64, 9)
	for j := range wx {
		wx[j] = float64(w[j] * x[j])
	}
	// A window's drop is the sum of w⊙x over it.
	drop := func(f ...int) float64 {
		var s float64
		for _, j := range f {
			s += wx[j]
		}
		return s
	}
	tests := []struct {
		name          string
		patch, stride int
		want          []float64
	}{
		{"single pixels give w ⊙ x", 1, 1, wx},
		{"2×2 windows at stride 2, flush with the edge, overlap in the middle row and column", 2, 2, func() []float64 {
			// starts 0 and 1 on each axis: the four 2×2 windows, each
			// pixel the mean of those covering it.
			tl, tr, bl, br := drop(0, 1, 3, 4), drop(1, 2, 4, 5), drop(3, 4, 6, 7), drop(4, 5, 7, 8)
			return []float64{tl, (tl + tr) / 2, tr, (tl + bl) / 2, (tl + tr + bl + br) / 4, (tr + br) / 2, bl, (bl + br) / 2, br}
		}()},
		{"the whole image at once", 3, 1, func() []float64 {
			all := drop(0, 1, 2, 3, 4, 5, 6, 7, 8)
			return []float64{all, all, all, all, all, all, all, all, all}
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Occlusion(m, x, []int{0}, Window{Patch: tt.patch, Stride: tt.stride, Height: 3, Width: 3, Channels: 1})
			if err != nil {
				t.Fatal(err)
			}
			for j := range 9 {
				if !near(float64(got[j]), tt.want[j], 1e-6) {
					t.Errorf("pixel %d: %g, want %g", j, got[j], tt.want[j])
				}
			}
		})
	}
}

func TestOcclusionRefusesWindowsThatLeaveGaps(t *testing.T) {
	m := Model{In: 16, Classes: 1, Scores: func(x []float32, n int, out []float32) { clear(out) }}
	x := make([]float32, 16)
	tests := []struct {
		patch, stride int
		ok            bool
	}{{2, 2, true}, {2, 1, true}, {2, 3, false}, {5, 1, false}, {0, 1, false}}
	for _, tt := range tests {
		_, err := Occlusion(m, x, []int{0}, Window{Patch: tt.patch, Stride: tt.stride, Height: 4, Width: 4, Channels: 1})
		if (err == nil) != tt.ok {
			t.Errorf("patch %d, stride %d on 4×4: error %v", tt.patch, tt.stride, err)
		}
	}
}

func TestAttributeRefusesGradientMethodsWithoutGradients(t *testing.T) {
	m := newLinear().model()
	m.Grad = nil
	for _, meth := range Methods {
		_, err := Attribute(meth, m, linX, linClass, nil, Settings{})
		if got := err != nil; got != meth.NeedsGradient() {
			t.Errorf("%s on a model without gradients: error %v", meth, err)
		}
	}
}

func TestClasses(t *testing.T) {
	scores := []float32{0.1, 0.7, 0.2, 0.4, 0.4, 0.2}
	tests := []struct {
		target Target
		want   []int
	}{
		{Pred, []int{1, 0}}, // the first of tied scores
		{Label, []int{2, 2}},
	}
	for _, tt := range tests {
		got, err := Classes(tt.target, scores, 3, []int{2, 2})
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v (%v), want %v", tt.target, got, err, tt.want)
		}
	}
	if _, err := Classes(Label, nil, 3, []int{3}); err == nil {
		t.Error("a label out of range was accepted")
	}
}

func TestParsers(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"target pred", func() error { _, err := ParseTarget("pred"); return err }()},
		{"target default", func() error { _, err := ParseTarget(""); return err }()},
		{"method occlusion", func() error { _, err := ParseMethod("occlusion"); return err }()},
		{"rule riemann_middle", func() error { _, err := ParseRule("riemann_middle"); return err }()},
	}
	for _, tt := range tests {
		if tt.err != nil {
			t.Errorf("%s: %v", tt.name, tt.err)
		}
	}
	bad := []error{
		func() error { _, err := ParseTarget("true"); return err }(),
		func() error { _, err := ParseMethod("lime"); return err }(),
		func() error { _, err := ParseRule("trapezoid"); return err }(),
		func() error { _, _, err := RiemannTrapezoid.Points(1); return err }(),
	}
	for i, err := range bad {
		if err == nil {
			t.Errorf("bad input %d accepted", i)
		}
	}
}
