package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/grid"
	"github.com/study-harness/study/study/spec"
)

// blobSet returns a hand-built set of separable Gaussian blobs: classes
// clusters in dim dimensions, split into train, val and test.
func blobSet(classes, dim, perClass int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 0))
	s := &data.Set{Name: "blobs", In: dim, Classes: classes}
	for part := range 3 {
		var x []float32
		var y []int
		for i := range perClass * classes {
			c := i % classes
			for d := range dim {
				v := 0.5 * rng.NormFloat64()
				if d == c%dim {
					v += 3
				}
				x = append(x, float32(v))
			}
			y = append(y, c)
		}
		switch part {
		case 0:
			s.TrainX, s.TrainY = x, y
		case 1:
			s.ValX, s.ValY = x, y
		case 2:
			s.TestX, s.TestY = x, y
		}
	}
	return s
}

func config(arch, opt string, lr float64) spec.Config {
	return spec.Config{
		Options:  models.Options{Arch: arch, Widths: []int{8}},
		Settings: optim.Settings{Optimizer: opt, LR: lr},
		Batch:    7, Epochs: 4, Seed: 1, InitSeed: 1, OrderSeed: 1, AugSeed: 1,
	}
}

func TestRunTrainsBinaryAndMulticlassTasks(t *testing.T) {
	tests := []struct {
		name    string
		classes int
		binary  bool
		arch    string
	}{
		{"a binary task trains one sigmoid unit", 2, true, "mlp"},
		{"a two-class task without Binary trains two softmax units", 2, false, "mlp"},
		{"a three-class task trains softmax units", 3, false, "mlp"},
		{"logistic regression trains on a binary task", 2, true, "logreg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := blobSet(tt.classes, 3, 20, 1)
			cfg := config(tt.arch, "adam", 0.05)
			res, err := Run(context.Background(), Job{Config: cfg, SpecSeed: 9, Data: d, Binary: tt.binary, FeatureIdx: []int{0, 5}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Loss) != cfg.Epochs || len(res.ValAccuracy) != cfg.Epochs {
				t.Fatalf("%d losses and %d validation accuracies, want %d each", len(res.Loss), len(res.ValAccuracy), cfg.Epochs)
			}
			if !(res.Loss[len(res.Loss)-1] < res.Loss[0]) {
				t.Errorf("loss did not fall: %v", res.Loss)
			}
			if res.TestAccuracy < 0.95 {
				t.Errorf("test accuracy %v on separable blobs, want ≥ 0.95", res.TestAccuracy)
			}
			n := d.NTest()
			if len(res.TestPred) != n || len(res.TestProb) != n*tt.classes {
				t.Fatalf("%d predictions and %d probabilities, want %d and %d", len(res.TestPred), len(res.TestProb), n, n*tt.classes)
			}
			correct := 0
			for i := range n {
				row := res.TestProb[i*tt.classes : (i+1)*tt.classes]
				var sum float64
				for _, p := range row {
					sum += float64(p)
				}
				if math.Abs(sum-1) > 1e-5 {
					t.Fatalf("probabilities of row %d sum to %v", i, sum)
				}
				if int(res.TestPred[i]) != argmax(row) {
					t.Fatalf("row %d predicted %d but its most probable class is %d", i, res.TestPred[i], argmax(row))
				}
				if int(res.TestPred[i]) == d.TestY[i] {
					correct++
				}
			}
			if got := float64(correct) / float64(n); got != res.TestAccuracy {
				t.Fatalf("TestAccuracy %v, but predictions give %v", res.TestAccuracy, got)
			}
			wantDim := 8
			if tt.arch == "logreg" {
				wantDim = 0 // no hidden layer: its features would be its input
			}
			if res.FeatureDim != wantDim || len(res.Features) != 2*wantDim {
				t.Fatalf("features %d×%d (%d values), want 2×%d", 2, res.FeatureDim, len(res.Features), wantDim)
			}
			out := tt.classes
			if tt.binary {
				out = 1
			}
			if res.LogitDim != out || len(res.Logits) != 2*out {
				t.Fatalf("logits %d×%d (%d values), want 2×%d", 2, res.LogitDim, len(res.Logits), out)
			}
			// The logits are the pre-softmax outputs of the feature rows.
			prob := make([]float32, 2*tt.classes)
			models.Proba(res.Logits, 2, out, prob)
			for j, r := range []int{0, 5} {
				for c := range tt.classes {
					if got, want := prob[j*tt.classes+c], res.TestProb[r*tt.classes+c]; got != want {
						t.Fatalf("softmax of the logits of row %d, class %d = %v, want its probability %v", r, c, got, want)
					}
				}
			}
		})
	}
}

func TestRunIsReproducibleAndDependsOnEachSeed(t *testing.T) {
	d := blobSet(3, 4, 10, 2)
	d.Height, d.Width, d.Chans = 2, 2, 1 // 2×2 images, so flip applies
	base := config("mlp", "adam", 0.01)
	base.Dropout = 0.2
	base.Augment = []string{"flip"}
	run := func(cfg spec.Config) *Result {
		t.Helper()
		res, err := Run(context.Background(), Job{Config: cfg, SpecSeed: 3, Data: d})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	same := func(a, b *Result) bool {
		return slices.Equal(a.Loss, b.Loss) && slices.Equal(a.TestProb, b.TestProb)
	}
	ref := run(base)
	t.Run("the same seeds give bit-identical results", func(t *testing.T) {
		if !same(ref, run(base)) {
			t.Fatal("two runs with the same config differ")
		}
	})
	tests := []struct {
		name   string
		change func(*spec.Config)
	}{
		{"a different init seed changes the result", func(c *spec.Config) { c.InitSeed = 2 }},
		{"a different order seed changes the result", func(c *spec.Config) { c.OrderSeed = 2 }},
		{"a different augmentation seed changes the result", func(c *spec.Config) { c.AugSeed = 2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.change(&cfg)
			if same(ref, run(cfg)) {
				t.Fatal("result did not change")
			}
		})
	}
}

func TestRunReportsDivergence(t *testing.T) {
	d := blobSet(2, 3, 10, 3)
	cfg := config("mlp", "sgd", 1e30)
	_, err := Run(context.Background(), Job{Config: cfg, Data: d})
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("error %v, want one wrapping ErrDiverged", err)
	}
	if !strings.Contains(err.Error(), "epoch 1 step") {
		t.Fatalf("error %q does not name the epoch and step", err)
	}
}

func TestRunEvaluatesExtraInputsWithTheTestLabels(t *testing.T) {
	d := blobSet(3, 3, 20, 5)
	scrambled := make([]float32, len(d.TestX))
	for i := range scrambled {
		scrambled[i] = float32(i%7) - 3
	}
	job := Job{Config: config("mlp", "adam", 0.05), Data: d, Evals: [][]float32{slices.Clone(d.TestX), scrambled}}
	res, err := Run(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Evals) != 2 {
		t.Fatalf("%d evaluations, want 2", len(res.Evals))
	}
	same := res.Evals[0]
	if !slices.Equal(same.Pred, res.TestPred) || !slices.Equal(same.Prob, res.TestProb) || same.Accuracy != res.TestAccuracy {
		t.Error("evaluating a copy of the test set differs from the test predictions")
	}
	if res.Evals[1].Accuracy >= res.TestAccuracy {
		t.Errorf("accuracy on scrambled inputs %.3f is not below the test accuracy %.3f", res.Evals[1].Accuracy, res.TestAccuracy)
	}
}

func TestRunRejectsBadJobsBeforeTraining(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Job)
		want   string
	}{
		{"flip on non-image data is an error", func(j *Job) { j.Config.Augment = []string{"flip"} }, "not images"},
		{"an unknown augmentation is an error", func(j *Job) { j.Config.Augment = []string{"warp"} }, "unknown augmentation"},
		{"a binary task on three classes is an error", func(j *Job) { j.Binary = true }, "binary task"},
		{"a zero batch is an error", func(j *Job) { j.Config.Batch = 0 }, "batch"},
		{"an unknown optimizer is an error", func(j *Job) { j.Config.Optimizer = "lbfgs" }, "optimizer"},
		{"a feature index past the test set is an error", func(j *Job) { j.FeatureIdx = []int{1000} }, "feature index"},
		{"a label outside the classes is an error", func(j *Job) { j.Data.TrainY[0] = 7 }, "label 7"},
		{"missing data is an error", func(j *Job) { j.Data = nil }, "no data"},
		{"an evaluation input of the wrong size is an error", func(j *Job) { j.Evals = [][]float32{{1, 2}} }, "evaluation input 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			job := Job{Config: config("mlp", "adam", 0.01), Data: blobSet(3, 3, 5, 4)}
			tt.change(&job)
			_, err := Run(context.Background(), job)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestFittedArchsRefuseTheFieldsOfTrainingByEpochs(t *testing.T) {
	tests := []struct {
		name   string
		arch   string
		change func(*spec.Config)
		field  string // "" when the job is accepted
		want   string
	}{
		{"tree refuses an augmentation", "tree", func(c *spec.Config) { c.Augment = []string{"noise"} }, "augment",
			"augment noise has no effect on arch tree: it is fitted once, not trained by epochs; leave augment out of tree's runs (when both are axes: exclude: [{arch: tree, augment: noise}])"},
		{"knn refuses a list of augmentations", "knn", func(c *spec.Config) { c.Augment = []string{"noise", "mixup"} }, "augment",
			"augment [noise, mixup] has no effect on arch knn"},
		{"naive_bayes refuses resampling", "naive_bayes", func(c *spec.Config) { c.Augment = []string{"resample"} }, "augment", "augment resample"},
		{"tree refuses label smoothing", "tree", func(c *spec.Config) { c.LabelSmoothing = 0.1 }, "label_smoothing",
			"label_smoothing 0.1 has no effect on arch tree: it is fitted once, not trained by epochs; leave label_smoothing out of tree's runs (when both are axes: exclude: [{arch: tree, label_smoothing: 0.1}])"},
		{"knn refuses early stopping", "knn", func(c *spec.Config) { c.Patience = 2 }, "patience",
			"patience 2 has no effect on arch knn: it is fitted once, not trained by epochs"},
		{"a fitter accepts augment none (the empty list)", "tree", func(c *spec.Config) { c.Augment = []string{} }, "", ""},
		{"a fitter accepts the optimizer fields", "naive_bayes", func(c *spec.Config) {
			mu := 0.9
			c.Optimizer, c.LR, c.Momentum, c.L2, c.Schedule = "sgd", 0.05, &mu, 1e-4, "cosine"
		}, "", ""},
		{"a trained arch accepts all three", "mlp", func(c *spec.Config) {
			c.Augment, c.LabelSmoothing, c.Patience = []string{"noise"}, 0.1, 2
		}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			job := Job{Config: config(tt.arch, "adam", 0.01), Data: blobSet(3, 3, 5, 4)}
			tt.change(&job.Config)
			// Check is what the engine calls before writing anything;
			// Run must refuse the job too, before fitting.
			for _, call := range []struct {
				name string
				f    func() error
			}{
				{"Check", func() error { return Check(job) }},
				{"Run", func() error { _, err := Run(context.Background(), job); return err }},
			} {
				err := call.f()
				if tt.field == "" {
					if err != nil {
						t.Fatalf("%s: %v, want the job accepted", call.name, err)
					}
					continue
				}
				var fe *models.FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.want) {
					t.Fatalf("%s: error %v, want a *models.FieldError on %s containing %q", call.name, err, tt.field, tt.want)
				}
			}
		})
	}
}

// TestSpecExcludeKeepsFittersOutOfTrainingAxes follows the advice of the
// fitted-arch error on a parsed spec: augment none reaches Check as the
// empty list and is accepted, and with the exclude that the error
// suggests added to the spec every run passes.
func TestSpecExcludeKeepsFittersOutOfTrainingAxes(t *testing.T) {
	tests := []struct {
		name, axes string
		refused    string // the run refused without the exclude
	}{
		{"one augmentation", "  augment: [none, noise]\n", "arch=tree augment=noise"},
		{"a list of augmentations", "  augment: [none, [noise, mixup]]\n", "arch=tree augment=noise+mixup"},
		{"label smoothing", "  label_smoothing: [0, 0.2]\n", "arch=tree label_smoothing=0.2"},
		{"patience", "  patience: [0, 3]\n", "arch=tree patience=3"},
	}
	suggestion := regexp.MustCompile(`exclude: \[\{.*\}\]`)
	// refusals checks every run of the spec src and returns the refused
	// runs' names and errors.
	refusals := func(t *testing.T, src string) (names []string, errs []error) {
		t.Helper()
		s, err := spec.Parse("t.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		runs, err := grid.Expand(s, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if err := Check(Job{Config: r.Config, Data: blobSet(2, 3, 5, 4), Binary: true}); err != nil {
				names, errs = append(names, r.Name), append(errs, err)
			}
		}
		return names, errs
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "name: t\ndataset: {name: moons, train: 100, test: 50}\naxes:\n  arch: [tree, mlp]\n" + tt.axes
			names, errs := refusals(t, src)
			if len(names) != 1 || names[0] != tt.refused {
				t.Fatalf("refused runs %q (%v), want only %q", names, errs, tt.refused)
			}
			ex := suggestion.FindString(errs[0].Error())
			if ex == "" {
				t.Fatalf("error %v suggests no exclude", errs[0])
			}
			if names, errs := refusals(t, src+ex+"\n"); len(names) > 0 {
				t.Fatalf("with %s, refused runs %q (%v), want none", ex, names, errs)
			}
		})
	}
}

func TestRunHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, Job{Config: config("mlp", "adam", 0.01), Data: blobSet(2, 3, 5, 5)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// fakeFitter predicts the training class frequencies for every row.
type fakeFitter struct {
	classes int
	prior   []float32
}

func (f *fakeFitter) Fit(x []float32, y []int, n int) error {
	f.prior = make([]float32, f.classes)
	for _, c := range y[:n] {
		f.prior[c] += 1 / float32(n)
	}
	return nil
}

func (f *fakeFitter) Proba(x []float32, n int, out []float32) {
	for i := range n {
		copy(out[i*f.classes:(i+1)*f.classes], f.prior)
	}
}

// panicNet panics in Forward.
type panicNet struct{}

func (panicNet) Forward([]float32, int, bool) []float32 { panic("boom") }
func (panicNet) Backward([]float32)                     {}
func (panicNet) Params() []*models.Param                { return nil }
func (panicNet) InputGrad([]float32, int, func(_, _ []float32)) []float32 {
	return nil
}

func init() {
	models.Register("test-fitter", func(s models.Shape, _ models.Options, _ *rand.Rand) (any, error) {
		return &fakeFitter{classes: s.Classes}, nil
	})
	models.Register("test-panic", func(models.Shape, models.Options, *rand.Rand) (any, error) {
		return panicNet{}, nil
	})
}

func TestRunFitsFitterModelsOnce(t *testing.T) {
	d := blobSet(3, 3, 5, 6)
	d.TrainY = append(d.TrainY[:0:0], d.TrainY...)
	for i := range d.TrainY {
		d.TrainY[i] = 1 // every training label is 1
	}
	res, err := Run(context.Background(), Job{Config: config("test-fitter", "sgd", 0.1), Data: d})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Loss) != 0 || len(res.ValAccuracy) != 1 {
		t.Fatalf("%d losses and %d validation accuracies, want 0 and 1", len(res.Loss), len(res.ValAccuracy))
	}
	for i, p := range res.TestPred {
		if p != 1 {
			t.Fatalf("test row %d predicted %d, want the prior's class 1", i, p)
		}
	}
	if want := 1.0 / 3; math.Abs(res.TestAccuracy-want) > 1e-12 {
		t.Fatalf("test accuracy %v, want %v", res.TestAccuracy, want)
	}
}

func TestRunTurnsPanicsIntoErrors(t *testing.T) {
	_, err := Run(context.Background(), Job{Config: config("test-panic", "sgd", 0.1), Data: blobSet(2, 3, 5, 7)})
	if err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Fatalf("error %v, want one reporting the panic", err)
	}
}

func TestFlipMirrorsImages(t *testing.T) {
	d := &data.Set{Name: "img", In: 6, Height: 2, Width: 3, Chans: 1}
	// Find draws that flip left–right only, up–down only, both.
	img := []float32{1, 2, 3, 4, 5, 6}
	want := map[string][]float32{
		"":     {1, 2, 3, 4, 5, 6},
		"lr":   {3, 2, 1, 6, 5, 4},
		"ud":   {4, 5, 6, 1, 2, 3},
		"lrud": {6, 5, 4, 3, 2, 1},
	}
	seen := map[string]bool{}
	for seed := uint64(0); len(seen) < 4 && seed < 100; seed++ {
		probe := rand.New(rand.NewPCG(seed, 0))
		key := ""
		if probe.Float64() < 0.5 {
			key += "lr"
		}
		if probe.Float64() < 0.5 {
			key += "ud"
		}
		x := slices.Clone(img)
		flip(&batch{X: x, N: 1}, d, rand.New(rand.NewPCG(seed, 0)))
		if !slices.Equal(x, want[key]) {
			t.Fatalf("draws %q turned %v into %v, want %v", key, img, x, want[key])
		}
		seen[key] = true
	}
	if len(seen) < 4 {
		t.Fatalf("only saw flips %v", seen)
	}
	t.Run("channels stay together when mirrored", func(t *testing.T) {
		d := &data.Set{Name: "rgb", In: 4, Height: 1, Width: 2, Chans: 2}
		for seed := uint64(0); seed < 100; seed++ {
			probe := rand.New(rand.NewPCG(seed, 0))
			if probe.Float64() < 0.5 && probe.Float64() >= 0.5 {
				x := []float32{1, 2, 3, 4}
				flip(&batch{X: x, N: 1}, d, rand.New(rand.NewPCG(seed, 0)))
				if !slices.Equal(x, []float32{3, 4, 1, 2}) {
					t.Fatalf("got %v, want [3 4 1 2]", x)
				}
				return
			}
		}
		t.Fatal("no seed flips left–right only")
	})
}

// TestFlipHalvesMirrorOneAxisEach checks flip_lr and flip_ud pixel by
// pixel on a 2×3 image: each mirrors one axis only, on exactly the
// images whose one draw is below 1/2, and never the other axis.
func TestFlipHalvesMirrorOneAxisEach(t *testing.T) {
	d := &data.Set{Name: "img", In: 6, Height: 2, Width: 3, Chans: 1}
	img := []float32{1, 2, 3, 4, 5, 6}
	tests := []struct {
		name    string
		flipped []float32
	}{
		{"flip_lr", []float32{3, 2, 1, 6, 5, 4}},
		{"flip_ud", []float32{4, 5, 6, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" mirrors one axis on half of the draws", func(t *testing.T) {
			const n = 64
			x := make([]float32, 0, n*6)
			for range n {
				x = append(x, img...)
			}
			augmentations[tt.name].Batch(&batch{X: x, N: n}, d, rand.New(rand.NewPCG(5, 0)))
			probe := rand.New(rand.NewPCG(5, 0))
			mirrored := 0
			for i := range n {
				want := img
				if probe.Float64() < 0.5 {
					want, mirrored = tt.flipped, mirrored+1
				}
				if got := x[i*6 : (i+1)*6]; !slices.Equal(got, want) {
					t.Fatalf("image %d is %v, want %v", i, got, want)
				}
			}
			if mirrored == 0 || mirrored == n {
				t.Fatalf("%d of %d images mirrored: the test needs both cases", mirrored, n)
			}
		})
	}
}
