package models_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
)

// fitters is the catalogue of architectures trained without gradients; a
// new one joins with one line. They are held to the separable-problem and
// determinism tests here instead of the gradient checks of archs.
var fitters = []struct {
	name string
	opts models.Options
}{
	{"tree", models.Options{Arch: "tree"}},
	{"tree of depth 3", models.Options{Arch: "tree", MaxDepth: 3}},
	{"knn", models.Options{Arch: "knn"}},
	{"knn with one neighbour", models.Options{Arch: "knn", K: 1}},
	{"naive_bayes", models.Options{Arch: "naive_bayes"}},
}

// buildFitter makes a catalogue architecture as a Fitter, failing the test
// otherwise.
func buildFitter(t testing.TB, opts models.Options, s models.Shape) models.Fitter {
	t.Helper()
	if err := opts.Validate(); err != nil {
		t.Fatal(err)
	}
	m, err := models.New(s, opts, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		t.Fatal(err)
	}
	f, ok := m.(models.Fitter)
	if !ok {
		t.Fatalf("%s built a %T, not a models.Fitter", opts.Arch, m)
	}
	return f
}

// argmaxRow returns the first index of the largest value of row.
func argmaxRow(row []float32) int {
	best := 0
	for j := range row {
		if row[j] > row[best] {
			best = j
		}
	}
	return best
}

// predict returns the most probable class of each row, and the
// probabilities.
func predict(f models.Fitter, x []float32, n, classes int) ([]int, []float32) {
	prob := make([]float32, n*classes)
	f.Proba(x, n, prob)
	pred := make([]int, n)
	for i := range pred {
		pred[i] = argmaxRow(prob[i*classes : (i+1)*classes])
	}
	return pred, prob
}

func TestFittersFitSeparableProblems(t *testing.T) {
	tasks := []struct {
		name  string
		shape models.Shape
	}{
		{"a binary task", models.Shape{In: 3, Classes: 2, Out: 1}},
		{"a three-class task", models.Shape{In: 3, Classes: 3, Out: 3}},
		{"a four-class task in two dimensions", models.Shape{In: 2, Classes: 4, Out: 4}},
	}
	for _, f := range fitters {
		for _, task := range tasks {
			t.Run(f.name+" fits "+task.name+" to every training row", func(t *testing.T) {
				x, y := blobs(task.shape.Classes, 20, task.shape.In, rand.New(rand.NewPCG(5, 6)))
				n := len(y)
				m := buildFitter(t, f.opts, task.shape)
				if err := m.Fit(x, y, n); err != nil {
					t.Fatal(err)
				}
				pred, prob := predict(m, x, n, task.shape.Classes)
				for i := range n {
					if pred[i] != y[i] {
						t.Fatalf("training row %d of class %d predicted as %d (probabilities %v)", i, y[i], pred[i], prob[i*task.shape.Classes:(i+1)*task.shape.Classes])
					}
				}
				for i := range n {
					var s float64
					for _, p := range prob[i*task.shape.Classes : (i+1)*task.shape.Classes] {
						if p < 0 || p > 1 {
							t.Fatalf("row %d has probability %v outside [0, 1]", i, p)
						}
						s += float64(p)
					}
					if math.Abs(s-1) > 1e-5 {
						t.Fatalf("row %d probabilities sum to %v", i, s)
					}
				}
			})
		}
	}
}

func TestFittersAreDeterministic(t *testing.T) {
	s := models.Shape{In: 5, Classes: 4, Out: 4}
	rng := rand.New(rand.NewPCG(8, 9))
	const n = 300
	x := randn(rng, n*s.In)
	y := make([]int, n)
	for i := range y {
		y[i] = rng.IntN(s.Classes) // noise labels: deep trees, many ties
	}
	test := randn(rng, 50*s.In)
	for _, f := range fitters {
		t.Run(f.name+" gives the same bits from two fits", func(t *testing.T) {
			var got [2][]float32
			for r := range got {
				m := buildFitter(t, f.opts, s)
				if err := m.Fit(x, y, n); err != nil {
					t.Fatal(err)
				}
				_, got[r] = predict(m, test, 50, s.Classes)
			}
			for i := range got[0] {
				if math.Float32bits(got[0][i]) != math.Float32bits(got[1][i]) {
					t.Fatalf("probability %d: %v, then %v", i, got[0][i], got[1][i])
				}
			}
		})
	}
}

// sklearnCase is one case of testdata/fitters.json (gen_fitters.py).
type sklearnCase struct {
	Name          string    `json:"name"`
	Model         string    `json:"model"`
	Classes       int       `json:"classes"`
	Dim           int       `json:"dim"`
	TrainX        []float32 `json:"train_x"`
	TrainY        []int     `json:"train_y"`
	TestX         []float32 `json:"test_x"`
	K             int       `json:"k"`
	MaxDepth      int       `json:"max_depth"`
	MinLeaf       int       `json:"min_leaf"`
	Proba         []float64 `json:"proba"`
	Pred          []int     `json:"pred"`
	TrainAccuracy float64   `json:"train_accuracy"`
	Depth         int       `json:"depth"`
	Leaves        int       `json:"leaves"`
}

func readSklearnCases(t *testing.T) []sklearnCase {
	t.Helper()
	b, err := os.ReadFile("testdata/fitters.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ Cases []sklearnCase }
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("testdata/fitters.json has no cases")
	}
	return ref.Cases
}

func TestFittersMatchScikitLearn(t *testing.T) {
	for _, c := range readSklearnCases(t) {
		t.Run(c.Model+" matches scikit-learn on "+c.Name, func(t *testing.T) {
			s := models.Shape{In: c.Dim, Classes: c.Classes, Out: c.Classes}
			if c.Classes == 2 {
				s.Out = 1
			}
			m := buildFitter(t, models.Options{Arch: c.Model, K: c.K, MaxDepth: c.MaxDepth, MinLeaf: c.MinLeaf}, s)
			n, nt := len(c.TrainY), len(c.TestX)/c.Dim
			if err := m.Fit(c.TrainX, c.TrainY, n); err != nil {
				t.Fatal(err)
			}
			pred, prob := predict(m, c.TestX, nt, c.Classes)
			tol := 1e-7 // knn's vote fractions, up to float32 rounding
			if c.Model == "naive_bayes" {
				tol = 1e-5
			}
			for i, want := range c.Proba {
				if math.Abs(float64(prob[i])-want) > tol {
					t.Fatalf("test row %d class %d: probability %v, scikit-learn %v", i/c.Classes, i%c.Classes, prob[i], want)
				}
			}
			for i, want := range c.Pred {
				if pred[i] != want {
					t.Fatalf("test row %d predicted as %d, scikit-learn %d", i, pred[i], want)
				}
			}
			if c.Model != "tree" {
				return
			}
			trainPred, _ := predict(m, c.TrainX, n, c.Classes)
			correct := 0
			for i := range n {
				if trainPred[i] == c.TrainY[i] {
					correct++
				}
			}
			if got := float64(correct) / float64(n); math.Abs(got-c.TrainAccuracy) > 1e-12 {
				t.Errorf("training accuracy %v, scikit-learn %v", got, c.TrainAccuracy)
			}
			// An unlimited tree splits small nodes, where features tie
			// and scikit-learn picks one at random, so only the shape of
			// depth-limited trees is comparable.
			tree := m.(*models.Tree)
			if c.MaxDepth == 0 {
				return
			}
			if tree.Depth() != c.Depth {
				t.Errorf("depth %d, scikit-learn %d", tree.Depth(), c.Depth)
			}
			// Leaves number (nodes+1)/2 in a binary tree.
			if leaves := (tree.NodeCount() + 1) / 2; leaves != c.Leaves {
				t.Errorf("%d leaves, scikit-learn %d", leaves, c.Leaves)
			}
		})
	}
}

func TestTreeRespectsItsLimits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	s := models.Shape{In: 4, Classes: 3, Out: 3}
	const n = 400
	x := randn(rng, n*s.In)
	y := make([]int, n)
	for i := range y {
		y[i] = rng.IntN(s.Classes)
	}
	tests := []struct {
		name              string
		maxDepth, minLeaf int
	}{
		{"an unlimited tree fits noise labels completely", 0, 1},
		{"a tree of depth 1 is a stump", 1, 1},
		{"a tree of depth 5 stops at depth 5", 5, 1},
		{"leaves of at least 20 hold 20 instances or more", 0, 20},
		{"a minimum leaf larger than half the data leaves a single leaf", 0, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := models.NewTree(s, tt.maxDepth, tt.minLeaf)
			if err := tree.Fit(x, y, n); err != nil {
				t.Fatal(err)
			}
			if tt.maxDepth > 0 && tree.Depth() > tt.maxDepth {
				t.Fatalf("depth %d exceeds MaxDepth %d", tree.Depth(), tt.maxDepth)
			}
			pred, prob := predict(tree, x, n, s.Classes)
			// Group the training rows by leaf (equal probability rows) to
			// count leaf sizes: every leaf's fractions are multiples of
			// 1/size, so the smallest leaf shows as a coarse fraction.
			leafRows := map[[3]float32]int{}
			for i := range n {
				leafRows[[3]float32(prob[i*3:i*3+3])]++
			}
			for key, rows := range leafRows {
				if rows < max(tt.minLeaf, 1) {
					t.Fatalf("a leaf %v holds %d training rows, fewer than MinLeaf %d", key, rows, tt.minLeaf)
				}
			}
			if tt.maxDepth == 0 && tt.minLeaf <= 1 {
				for i := range n {
					if pred[i] != y[i] {
						t.Fatalf("training row %d of class %d predicted as %d", i, y[i], pred[i])
					}
				}
			}
			if tt.minLeaf > n/2 && tree.NodeCount() != 1 {
				t.Fatalf("%d nodes, want a single leaf", tree.NodeCount())
			}
		})
	}
}

func TestTreeBinsFeaturesWithManyValues(t *testing.T) {
	// 3000 distinct values per feature exceed the 256 exact bins, so the
	// split search runs on quantile bins; well separated classes still
	// separate.
	rng := rand.New(rand.NewPCG(4, 4))
	s := models.Shape{In: 3, Classes: 3, Out: 3}
	x, y := blobs(3, 1000, 3, rng)
	n := len(y)
	tree := models.NewTree(s, 0, 1)
	if err := tree.Fit(x, y, n); err != nil {
		t.Fatal(err)
	}
	pred, _ := predict(tree, x, n, s.Classes)
	for i := range n {
		if pred[i] != y[i] {
			t.Fatalf("training row %d of class %d predicted as %d", i, y[i], pred[i])
		}
	}
}

// naiveNeighbours returns the vote fractions of the k nearest training rows
// of each test row, with float64 distances and ties to the earlier row.
func naiveNeighbours(train []float32, y []int, test []float32, d, k, classes int) []float32 {
	n, nt := len(y), len(test)/d
	out := make([]float32, nt*classes)
	for i := range nt {
		dist := make([]float64, n)
		for j := range n {
			for f := range d {
				e := float64(test[i*d+f]) - float64(train[j*d+f])
				dist[j] += e * e
			}
		}
		used := make([]bool, n)
		for range k {
			best := -1
			for j := range n {
				if !used[j] && (best < 0 || dist[j] < dist[best]) {
					best = j
				}
			}
			used[best] = true
			out[i*classes+y[best]] += 1 / float32(k)
		}
	}
	return out
}

func TestKNNMatchesBruteForceAcrossBlocks(t *testing.T) {
	// 2500 training and 300 test rows cross the 2048-row training and
	// 256-row test blocks of the Gemm.
	rng := rand.New(rand.NewPCG(6, 6))
	const n, nt, d, classes = 2500, 300, 6, 4
	train := randn(rng, n*d)
	test := randn(rng, nt*d)
	y := make([]int, n)
	for i := range y {
		y[i] = rng.IntN(classes)
	}
	for _, k := range []int{1, 7} {
		t.Run(fmt.Sprintf("%d neighbours vote as in a float64 brute force", k), func(t *testing.T) {
			m := models.NewKNN(models.Shape{In: d, Classes: classes, Out: classes}, k)
			if err := m.Fit(train, y, n); err != nil {
				t.Fatal(err)
			}
			_, got := predict(m, test, nt, classes)
			want := naiveNeighbours(train, y, test, d, k, classes)
			for i := range want {
				if math.Abs(float64(got[i]-want[i])) > 1e-6 {
					t.Fatalf("test row %d class %d: %v, brute force %v", i/classes, i%classes, got[i], want[i])
				}
			}
		})
	}
}

func TestKNNBreaksDistanceTiesByTrainingOrder(t *testing.T) {
	// Four training points at the same distance from the origin: the
	// first two in training order are the two nearest.
	train := []float32{1, 0, 0, 1, -1, 0, 0, -1}
	tests := []struct {
		name string
		y    []int
		want []float32
	}{
		{"the first two rows vote when all four tie", []int{2, 2, 0, 1}, []float32{0, 0, 1}},
		{"a split vote of tied rows keeps both", []int{0, 1, 2, 2}, []float32{0.5, 0.5, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := models.NewKNN(models.Shape{In: 2, Classes: 3, Out: 3}, 2)
			if err := m.Fit(train, tt.y, 4); err != nil {
				t.Fatal(err)
			}
			got := make([]float32, 3)
			m.Proba([]float32{0, 0}, 1, got)
			for j := range got {
				if got[j] != tt.want[j] {
					t.Fatalf("probabilities %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestFittersRejectBadTrainingData(t *testing.T) {
	s := models.Shape{In: 2, Classes: 3, Out: 3}
	x := []float32{0, 0, 1, 1, 2, 2}
	tests := []struct {
		name string
		opts models.Options
		y    []int
		n    int
		want string
	}{
		{"tree rejects a label above the classes", models.Options{Arch: "tree"}, []int{0, 3, 1}, 3, "label 3 of instance 1"},
		{"knn rejects a negative label", models.Options{Arch: "knn", K: 1}, []int{0, -1, 1}, 3, "label -1 of instance 1"},
		{"naive_bayes rejects empty data", models.Options{Arch: "naive_bayes"}, nil, 0, "no training instances"},
		{"tree rejects too few inputs", models.Options{Arch: "tree"}, []int{0, 1, 2, 0}, 4, "6 inputs for 4 instances"},
		{"naive_bayes rejects too few labels", models.Options{Arch: "naive_bayes"}, []int{0, 1}, 3, "2 labels for 3 instances"},
		{"knn rejects more neighbours than instances", models.Options{Arch: "knn"}, []int{0, 1, 2}, 3, "k 5 exceeds the 3 training instances"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := buildFitter(t, tt.opts, s)
			err := m.Fit(x, tt.y, tt.n)
			if err == nil {
				t.Fatal("Fit succeeded")
			}
			if !strings.HasPrefix(err.Error(), tt.opts.Arch+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want it to start with %q and mention %q", err, tt.opts.Arch+": ", tt.want)
			}
		})
	}
}

func TestFittersRejectBadShapes(t *testing.T) {
	tests := []struct {
		name  string
		arch  string
		shape models.Shape
	}{
		{"tree rejects zero inputs", "tree", models.Shape{In: 0, Classes: 2, Out: 1}},
		{"knn rejects one class", "knn", models.Shape{In: 3, Classes: 1, Out: 1}},
		{"naive_bayes rejects negative inputs", "naive_bayes", models.Shape{In: -1, Classes: 3, Out: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := models.New(tt.shape, models.Options{Arch: tt.arch}, rand.New(rand.NewPCG(1, 1))); err == nil {
				t.Fatal("New succeeded")
			}
		})
	}
}

func TestUnfittedFittersPredictUniformly(t *testing.T) {
	s := models.Shape{In: 2, Classes: 4, Out: 4}
	for _, f := range fitters {
		t.Run(f.name+" predicts 1/4 per class before Fit", func(t *testing.T) {
			m := buildFitter(t, f.opts, s)
			out := make([]float32, 2*4)
			m.Proba([]float32{1, 2, 3, 4}, 2, out)
			for _, p := range out {
				if p != 0.25 {
					t.Fatalf("probabilities %v, want all 0.25", out)
				}
			}
		})
	}
}

func TestNaiveBayesGivesAbsentClassesZeroProbability(t *testing.T) {
	m := models.NewNaiveBayes(models.Shape{In: 1, Classes: 3, Out: 3})
	if err := m.Fit([]float32{0, 0.1, 5, 5.2}, []int{0, 0, 2, 2}, 4); err != nil {
		t.Fatal(err)
	}
	out := make([]float32, 3)
	m.Proba([]float32{2.4}, 1, out)
	if out[1] != 0 || math.Abs(float64(out[0]+out[2])-1) > 1e-6 {
		t.Fatalf("probabilities %v, want class 1 at 0 and the rest summing to 1", out)
	}
}

func TestFittersRejectNonFiniteInputs(t *testing.T) {
	s := models.Shape{In: 2, Classes: 2, Out: 2}
	y := []int{0, 1, 0, 1, 0, 1}
	finite := []float32{0, 0, 1, 1, 2, 2, 3, 3, 0.5, 0.5, 1.5, 1.5}
	inputs := []struct {
		name string
		v    float32
	}{
		{"NaN", float32(math.NaN())},
		{"+Inf", float32(math.Inf(1))},
		{"-Inf", float32(math.Inf(-1))},
	}
	for _, f := range fitters {
		for _, in := range inputs {
			t.Run(f.name+" refuses to fit a "+in.name+" feature", func(t *testing.T) {
				m := buildFitter(t, models.Options{Arch: f.opts.Arch, K: 1, MaxDepth: f.opts.MaxDepth}, s)
				x := append([]float32(nil), finite...)
				x[2*2+1] = in.v // feature 1 of instance 2
				err := m.Fit(x, y, len(y))
				if err == nil {
					t.Fatal("Fit accepted a non-finite input")
				}
				for _, want := range []string{f.opts.Arch, "non-finite", "feature 1 of instance 2"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not mention %q", err, want)
					}
				}
				// The refused fit leaves the model unfitted: uniform predictions.
				out := make([]float32, len(y)*2)
				m.Proba(finite, len(y), out)
				for _, p := range out {
					if p != 0.5 {
						t.Fatalf("probabilities after the refused Fit %v, want all 0.5", out)
					}
				}
			})
		}
	}
}
