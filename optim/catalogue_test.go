package optim_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
)

// problem is a catalogue entry in the style of gonum/optimize/functions:
// a function with a known minimum that every method must reach.
type problem struct {
	name string
	init []float32
	// grad writes ∇f(x) into g and returns f(x).
	grad func(x, g []float32) float64
	// min is the minimiser; nil when it lies at infinity (then reached
	// means f(x) < fTol).
	min  []float32
	xTol float64
	fTol float64
}

var problems = []problem{
	{
		name: "quadratic", init: []float32{3, -2, 1},
		grad: func(x, g []float32) float64 {
			c := []float64{1, 4, 0.5}
			m := []float64{1, -1, 2}
			var f float64
			for i := range x {
				d := float64(x[i]) - m[i]
				f += c[i] * d * d
				g[i] = float32(2 * c[i] * d)
			}
			return f
		},
		min: []float32{1, -1, 2}, xTol: 1e-3,
	},
	{
		name: "rosenbrock", init: []float32{-1.2, 1},
		grad: func(x, g []float32) float64 {
			a, b := float64(x[0]), float64(x[1])
			g[0] = float32(-2*(1-a) - 400*a*(b-a*a))
			g[1] = float32(200 * (b - a*a))
			return (1-a)*(1-a) + 100*(b-a*a)*(b-a*a)
		},
		min: []float32{1, 1}, xTol: 2e-2,
	},
	{
		// Logistic regression (w1, w2, bias) on four separable points: the
		// infimum 0 is approached as the weights grow.
		name: "logistic", init: []float32{0, 0, 0},
		grad: func(x, g []float32) float64 {
			pts := [][3]float64{{1, 2, 1}, {2, 1, 1}, {-1, -1.5, 0}, {-2, -0.5, 0}}
			var f float64
			g[0], g[1], g[2] = 0, 0, 0
			for _, p := range pts {
				z := float64(x[0])*p[0] + float64(x[1])*p[1] + float64(x[2])
				f += math.Max(z, 0) - z*p[2] + math.Log1p(math.Exp(-math.Abs(z)))
				d := 1/(1+math.Exp(-z)) - p[2]
				g[0] += float32(d * p[0] / 4)
				g[1] += float32(d * p[1] / 4)
				g[2] += float32(d / 4)
			}
			return f / 4
		},
		fTol: 1e-2,
	},
}

// methods is the catalogue of optimizers: each registered optimizer joins
// with one line, giving its settings and a learning rate and step count
// per problem.
var methods = []struct {
	name     string
	settings optim.Settings
	lr       map[string]float64
	steps    map[string]int
}{
	{"sgd", optim.Settings{Optimizer: "sgd"},
		map[string]float64{"quadratic": 0.1, "rosenbrock": 2e-3, "logistic": 1},
		map[string]int{"quadratic": 200, "rosenbrock": 40000, "logistic": 2000}},
	{"sgd with momentum", optim.Settings{Optimizer: "sgd", Momentum: ptr(0.9)},
		map[string]float64{"quadratic": 0.02, "rosenbrock": 2e-4, "logistic": 0.5},
		map[string]int{"quadratic": 500, "rosenbrock": 40000, "logistic": 1000}},
	{"adam", optim.Settings{Optimizer: "adam"},
		map[string]float64{"quadratic": 0.05, "rosenbrock": 0.01, "logistic": 0.1},
		map[string]int{"quadratic": 2000, "rosenbrock": 10000, "logistic": 1000}},
	{"momentum", optim.Settings{Optimizer: "momentum"},
		map[string]float64{"quadratic": 0.02, "rosenbrock": 2e-4, "logistic": 0.5},
		map[string]int{"quadratic": 500, "rosenbrock": 40000, "logistic": 1000}},
	{"nesterov", optim.Settings{Optimizer: "nesterov"},
		map[string]float64{"quadratic": 0.02, "rosenbrock": 2e-4, "logistic": 0.5},
		map[string]int{"quadratic": 500, "rosenbrock": 40000, "logistic": 1000}},
	{"adamw", optim.Settings{Optimizer: "adamw", L2: 1e-4},
		map[string]float64{"quadratic": 0.05, "rosenbrock": 0.01, "logistic": 0.1},
		map[string]int{"quadratic": 2000, "rosenbrock": 10000, "logistic": 1000}},
	{"rmsprop", optim.Settings{Optimizer: "rmsprop"},
		map[string]float64{"quadratic": 0.01, "rosenbrock": 1e-3, "logistic": 0.05},
		map[string]int{"quadratic": 2000, "rosenbrock": 20000, "logistic": 1000}},
	{"adagrad", optim.Settings{Optimizer: "adagrad"},
		map[string]float64{"quadratic": 0.5, "rosenbrock": 0.1, "logistic": 1},
		map[string]int{"quadratic": 1000, "rosenbrock": 20000, "logistic": 1000}},
}

func TestEveryRegisteredOptimizerIsInTheCatalogue(t *testing.T) {
	have := map[string]bool{}
	for _, m := range methods {
		have[m.settings.Optimizer] = true
	}
	for _, name := range optim.Names() {
		if !have[name] {
			t.Errorf("optimizer %q is registered but not in the test catalogue", name)
		}
	}
}

func TestOptimizersReachTheMinimumOfCatalogueProblems(t *testing.T) {
	for _, m := range methods {
		for _, p := range problems {
			t.Run(m.name+" minimises "+p.name, func(t *testing.T) {
				s := m.settings
				s.LR = m.lr[p.name]
				if err := s.Validate(); err != nil {
					t.Fatal(err)
				}
				method, err := optim.New(s)
				if err != nil {
					t.Fatal(err)
				}
				x := append([]float32(nil), p.init...)
				param := &models.Param{Name: "x", W: x, G: make([]float32, len(x)), Decay: true}
				params := []*models.Param{param}
				var f float64
				for range m.steps[p.name] {
					f = p.grad(x, param.G)
					method.Step(params, float32(s.LR))
				}
				f = p.grad(x, param.G)
				if p.min == nil {
					if !(f < p.fTol) {
						t.Fatalf("f(x) = %v at x = %v, want < %v", f, x, p.fTol)
					}
					return
				}
				for i := range x {
					if d := math.Abs(float64(x[i] - p.min[i])); !(d <= p.xTol) {
						t.Fatalf("x = %v (f = %v), want within %v of %v", x, f, p.xTol, p.min)
					}
				}
			})
		}
	}
}

// firstSteps are the PyTorch reference cases of TestFirstStepsMatchPyTorch:
// every registered optimizer has at least one (see
// TestEveryRegisteredOptimizerHasAPyTorchFirstStepsCase). key names the
// case in testdata/first_steps.json; with defaultMomentum the reference
// settings must leave momentum out, so that the optimizer's default
// (optim.DefaultMomentum) is what is compared with torch's momentum=0.9.
var firstSteps = []struct {
	name, key, optimizer string
	defaultMomentum      bool
}{
	{"sgd matches torch.optim.SGD", "sgd", "sgd", false},
	{"sgd with momentum matches torch.optim.SGD(momentum=0.9)", "sgd_momentum", "sgd", false},
	{"adam matches torch.optim.Adam", "adam", "adam", false},
	{"momentum matches torch.optim.SGD(momentum=0.9)", "momentum", "momentum", false},
	{"momentum without a momentum setting matches torch.optim.SGD(momentum=0.9)", "momentum_default", "momentum", true},
	{"nesterov matches torch.optim.SGD(nesterov=True)", "nesterov", "nesterov", false},
	{"nesterov without a momentum setting matches torch.optim.SGD(momentum=0.9, nesterov=True)", "nesterov_default", "nesterov", true},
	{"adamw matches torch.optim.AdamW", "adamw", "adamw", false},
	{"rmsprop matches torch.optim.RMSprop", "rmsprop", "rmsprop", false},
	{"rmsprop with momentum matches torch.optim.RMSprop(momentum=0.5)", "rmsprop_momentum", "rmsprop", false},
	{"adagrad matches torch.optim.Adagrad", "adagrad", "adagrad", false},
}

func TestEveryRegisteredOptimizerHasAPyTorchFirstStepsCase(t *testing.T) {
	have := map[string]bool{}
	for _, c := range firstSteps {
		have[c.optimizer] = true
	}
	for _, name := range optim.Names() {
		if !have[name] {
			t.Errorf("optimizer %q is registered but has no PyTorch first-steps case", name)
		}
	}
}

// TestFirstStepsMatchPyTorch compares the first three updates of each
// optimizer with PyTorch's (testdata/first_steps.json, produced by
// testdata/first_steps.py).
func TestFirstStepsMatchPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/first_steps.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]struct {
		Settings struct {
			LR          float64  `json:"lr"`
			WeightDecay float64  `json:"weight_decay"`
			Momentum    *float64 `json:"momentum"` // nil when left out
		} `json:"settings"`
		Steps []struct{ W, B []float32 } `json:"steps"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	for _, c := range firstSteps {
		t.Run(c.name, func(t *testing.T) {
			r, ok := ref[c.key]
			if !ok || len(r.Steps) == 0 {
				t.Fatalf("no reference for %s", c.key)
			}
			s := optim.Settings{Optimizer: c.optimizer, LR: r.Settings.LR, L2: r.Settings.WeightDecay}
			switch {
			case c.defaultMomentum && r.Settings.Momentum != nil:
				t.Fatalf("reference %s sets momentum %v; the case checks the default", c.key, *r.Settings.Momentum)
			case r.Settings.Momentum != nil:
				s.Momentum = r.Settings.Momentum
			}
			method, err := optim.New(s)
			if err != nil {
				t.Fatal(err)
			}
			w := &models.Param{Name: "w", W: []float32{1, -2, 0.5}, G: make([]float32, 3), Decay: true}
			b := &models.Param{Name: "b", W: []float32{0.25}, G: make([]float32, 1)}
			params := []*models.Param{w, b}
			for step, want := range r.Steps {
				tt := float32(step + 1)
				base := []float32{0.5, -0.25, 2}
				for i := range w.G {
					w.G[i] = base[i]*tt + w.W[i]
				}
				b.G[0] = -1.5 / tt
				method.Step(params, float32(s.LR))
				for i, got := range append(append([]float32(nil), w.W...), b.W...) {
					exp := append(append([]float32(nil), want.W...), want.B...)[i]
					if d := math.Abs(float64(got - exp)); d > 1e-6*(1+math.Abs(float64(exp))) {
						t.Fatalf("step %d: parameter %d = %v, PyTorch has %v", step+1, i, got, exp)
					}
				}
			}
		})
	}
}
