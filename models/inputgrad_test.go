package models_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/study-harness/study/models"
)

// meanCE is the training loss of a net with out outputs on the logits of
// n rows: sigmoid cross-entropy for one output, softmax otherwise.
func meanCE(logits []float32, y []int, n, out int) float64 {
	if out == 1 {
		return models.SigmoidCrossEntropy(logits, y, n, nil)
	}
	return models.SoftmaxCrossEntropy(logits, y, n, out, nil)
}

// checkInputGradients compares the input gradients of the net that opts
// builds on shape s, for n random rows, with finite differences of the
// inference-mode logits (step 1e-3, the whole-architecture tolerance of
// fd.matches): LossGrad against the mean cross-entropy, and InputGrad
// with a one-hot dL/dlogits against one logit per row.
func checkInputGradients(t *testing.T, opts models.Options, s models.Shape) {
	t.Helper()
	const n, seed = 2, 11
	rng := rand.New(rand.NewPCG(3, 5))
	x := randn(rng, n*s.In)
	y := make([]int, n)
	unit := make([]int, n) // the logit differentiated in row i
	for i := range y {
		y[i] = rng.IntN(s.Classes)
		unit[i] = rng.IntN(s.Out)
	}
	net := build(t, opts, s, seed)
	lossGrad := slices.Clone(net.(models.LossGrader).LossGrad(x, y, n))
	logitGrad := slices.Clone(net.InputGrad(x, n, func(_, grad []float32) {
		for i, u := range unit {
			grad[i*s.Out+u] = 1
		}
	}))
	if len(lossGrad) != n*s.In || len(logitGrad) != n*s.In {
		t.Fatalf("gradients of %d and %d values, want %d", len(lossGrad), len(logitGrad), n*s.In)
	}
	loss := func() float64 { return meanCE(net.Forward(x, n, false), y, n, s.Out) }
	logit := func() float64 {
		l := net.Forward(x, n, false)
		var sum float64
		for i, u := range unit {
			sum += float64(l[i*s.Out+u])
		}
		return sum
	}
	for j := range x {
		if num := diff(x, j, 1e-3, loss); !num.matches(float64(lossGrad[j])) {
			t.Fatalf("dloss/dx[%d] = %v, finite difference %v", j, lossGrad[j], num)
		}
		if num := diff(x, j, 1e-3, logit); !num.matches(float64(logitGrad[j])) {
			t.Fatalf("dlogit/dx[%d] = %v, finite difference %v", j, logitGrad[j], num)
		}
	}
}

func TestArchitectureInputGradientsMatchFiniteDifferences(t *testing.T) {
	for _, a := range archs {
		for _, s := range []models.Shape{{In: 4, Classes: 3, Out: 3}, {In: 4, Classes: 2, Out: 1}} {
			t.Run(a.name+" with "+outputs(s)+" has the input gradients of its finite differences", func(t *testing.T) {
				checkInputGradients(t, a.opts, s)
			})
		}
	}
}

func TestImageArchitectureInputGradientsMatchFiniteDifferences(t *testing.T) {
	for _, a := range imageArchs {
		for _, s := range []models.Shape{imageShape(3, false), imageShape(2, true)} {
			t.Run(a.name+" with "+outputs(s)+" has the input gradients of its finite differences", func(t *testing.T) {
				checkInputGradients(t, a.opts, s)
			})
		}
	}
}

// outputs names the output layer of shape s for a test name.
func outputs(s models.Shape) string {
	if s.Out == 1 {
		return "one sigmoid output"
	}
	return "softmax outputs"
}

// TestInputGradLeavesTrainingAlone checks that an input gradient taken
// between training steps draws no dropout mask from the run's stream: the
// next training step computes the same bits as without it.
func TestInputGradLeavesTrainingAlone(t *testing.T) {
	s := models.Shape{In: 16, Height: 4, Width: 4, Channels: 1, Classes: 3, Out: 3}
	for _, o := range []models.Options{
		{Arch: "mlp", Widths: []int{8, 6}, Dropout: 0.4},
		{Arch: "transformer", Width: 4, Depth: 1, Heads: 1, Patch: 2, Dropout: 0.3},
	} {
		t.Run(o.Arch, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, 9))
			x, r := randn(rng, 3*s.In), randn(rng, 3*s.Out)
			y := []int{0, 1, 2}
			step := func(net models.Net) ([]float32, []float32) {
				logits := slices.Clone(net.Forward(x, 3, true))
				net.Backward(r)
				return logits, slices.Clone(net.Params()[0].G)
			}
			plain := build(t, o, s, 4)
			attacked := build(t, o, s, 4)
			attacked.(models.LossGrader).LossGrad(x, y, 3)
			l1, g1 := step(plain)
			l2, g2 := step(attacked)
			if !slices.Equal(l1, l2) || !slices.Equal(g1, g2) {
				t.Fatal("a training step after LossGrad differs from one without it")
			}
		})
	}
}

func TestNaiveBayesLossGradMatchesFiniteDifferences(t *testing.T) {
	for _, classes := range []int{2, 3} {
		t.Run(map[int]string{2: "two classes", 3: "three classes"}[classes], func(t *testing.T) {
			const in, n = 4, 60
			rng := rand.New(rand.NewPCG(2, 8))
			var x []float32
			var y []int
			for i := range n {
				c := i % classes
				for j := range in {
					x = append(x, float32(0.6*float64(c*(j%2))+rng.NormFloat64()))
				}
				y = append(y, c)
			}
			nb := models.NewNaiveBayes(models.Shape{In: in, Classes: classes, Out: classes})
			if err := nb.Fit(x, y, n); err != nil {
				t.Fatal(err)
			}
			q, qy := x[:3*in], y[:3]
			g := slices.Clone(nb.LossGrad(q, qy, 3))
			p := make([]float32, 3*classes)
			loss := func() float64 {
				nb.Proba(q, 3, p)
				var s float64
				for i, c := range qy {
					s -= math.Log(float64(p[i*classes+c]))
				}
				return s / 3
			}
			var norm float64
			for j := range q {
				c := central(q, j, 1e-3, loss)
				if !within(float64(g[j]), c, archRel, archAbs) {
					t.Fatalf("dloss/dx[%d] = %v, central difference %v", j, g[j], c)
				}
				norm += math.Abs(c)
			}
			if norm < 0.1 {
				t.Fatalf("the gradients are too small (Σ|g| = %v) for the check to mean anything", norm)
			}
		})
	}
}

// TestInputGradSkipsParamGrads checks that the input gradient of an MLP
// and of a CNN computes no weight or bias gradient (Dense and Conv2D
// inputGrad), work that attacks and explanations would throw away: the
// parameter gradients that a training step left stay as they were.
func TestInputGradSkipsParamGrads(t *testing.T) {
	for _, c := range []struct {
		opts models.Options
		s    models.Shape
	}{
		{models.Options{Arch: "mlp", Widths: []int{8, 6}}, models.Shape{In: 16, Classes: 3, Out: 3}},
		{models.Options{Arch: "cnn"}, models.Shape{In: 64, Height: 8, Width: 8, Channels: 1, Classes: 3, Out: 3}},
	} {
		t.Run(c.opts.Arch, func(t *testing.T) {
			net := build(t, c.opts, c.s, 5)
			rng := rand.New(rand.NewPCG(5, 5))
			net.Forward(randn(rng, 4*c.s.In), 4, true)
			net.Backward(randn(rng, 4*c.s.Out))
			var before [][]float32
			for _, p := range net.Params() {
				before = append(before, slices.Clone(p.G))
			}
			net.(models.LossGrader).LossGrad(randn(rng, 4*c.s.In), []int{0, 1, 2, 0}, 4)
			for i, p := range net.Params() {
				if !slices.Equal(p.G, before[i]) {
					t.Errorf("parameter %d (%s): LossGrad changed its gradient", i, p.Name)
				}
			}
		})
	}
}
