package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/seeds"
	"github.com/study-harness/study/study/spec"
)

// ErrDiverged is wrapped by the error Run returns when the training loss
// becomes NaN or infinite.
var ErrDiverged = errors.New("training diverged")

// predictBatch is the number of rows predicted per Forward call.
const predictBatch = 1000

// Job is one run to train.
type Job struct {
	Config   spec.Config
	SpecSeed int64     // the spec's seed; keys every random stream with the run's own seeds
	Data     *data.Set // read only; shared between concurrent runs
	// Binary selects one sigmoid output unit and binary cross-entropy; it
	// requires Data.Classes == 2. Otherwise the net has Data.Classes
	// softmax outputs.
	Binary bool
	// FeatureIdx are the rows of Data.TestX whose penultimate features
	// and logits are returned in Result.Features and Result.Logits.
	FeatureIdx []int
	// Evals are further evaluation inputs with the test labels, each
	// NTest×In (corrupted copies of the test set, for distribution shift).
	Evals [][]float32
	// Init holds a parent run's trained weights by tensor name
	// (models.TensorNames); every parameter whose name and size match is
	// copied in after initialisation, the others keep their fresh values
	// (a head of another size is re-initialised). Nil trains from scratch.
	Init map[string][]float32
	// Freeze lists tensor-name prefixes whose parameters the optimizer
	// leaves unchanged (models.HasPrefix).
	Freeze []string
	// SaveWeights returns the trained parameters in Result.Weights.
	SaveWeights bool
	// Attacks are run on the trained model, on the test rows AttackIdx,
	// when it has an input gradient (models.LossGrader); see
	// Result.Adversarial.
	Attacks   []attack.Attack
	AttackIdx []int
	// Explain, when set, computes attributions of the trained model on
	// the test rows ExplainIdx; see Result.Attributions.
	Explain    *spec.Explain
	ExplainIdx []int
}

// Eval is a model's predictions on one evaluation input.
type Eval struct {
	Pred     []int32   // predicted class per row, lowest index on ties
	Prob     []float32 // NTest×Classes probabilities
	Accuracy float64   // against the test labels
}

// Result is what a trained run produced.
type Result struct {
	// Loss is the mean training loss of each epoch (the mean over its
	// minibatches of the batch-mean loss). Empty for a Fitter.
	Loss []float64
	// ValAccuracy is the validation accuracy after each epoch (one entry
	// for a Fitter). Empty when the data has no validation rows.
	ValAccuracy []float64
	// TestAccuracy is the fraction of test rows predicted correctly.
	TestAccuracy float64
	// TestPred is the predicted class of each test row: the most probable
	// class, the lowest index on ties.
	TestPred []int32
	// TestProb is NTest×Classes row-major class probabilities; for a
	// binary net row i is [1−p, p].
	TestProb []float32
	// Evals holds the predictions on each of Job.Evals, in order.
	Evals []Eval
	// Features are the len(FeatureIdx)×FeatureDim penultimate activations
	// of the test rows FeatureIdx, when the model is a models.Featurer
	// with a hidden layer; nil otherwise (models.ViewsOf says why).
	Features   []float32
	FeatureDim int
	// Logits are the len(FeatureIdx)×LogitDim pre-softmax outputs of the
	// test rows FeatureIdx (LogitDim is 1 for a binary net), when the
	// model is a models.Net; nil for a Fitter.
	Logits   []float32
	LogitDim int
	// Epochs is the number of epochs actually run: cfg.Epochs, or fewer
	// when early stopping (cfg.Patience) ended training. 0 for a Fitter.
	Epochs int
	// BestEpoch is, with early stopping, the 1-based epoch of the best
	// validation accuracy, whose weights the model keeps; 0 otherwise.
	BestEpoch int
	// TrainRows is the number of training rows the run used (its data
	// subset; with bootstrap, rows drawn twice count twice).
	TrainRows int
	// Weights are the trained parameters, with Job.SaveWeights on a Net.
	Weights []*models.Param
	// Transferred names the tensors copied from Job.Init, in order.
	Transferred []string
	// Adversarial holds, for each of Job.Attacks in order, the examples
	// crafted on the model and its predictions on them; nil when the
	// model has no input gradient (models.ViewsOf says why).
	Adversarial []Adversarial
	// Attributions holds, for each method of Job.Explain in order, the
	// model's attributions on the rows Job.ExplainIdx.
	Attributions []Attributions
	// InputGrad is, with Adversarial, the gradient of each attacked row's
	// own loss with respect to its clean input, len(Job.AttackIdx)×In
	// (for the gradient alignment of docs/robustness.md).
	InputGrad []float32
}

// Run trains the run described by job. It returns ctx.Err() when ctx is
// cancelled (checked between minibatches), an error wrapping ErrDiverged
// when the loss becomes NaN or infinite, and an error (with a short
// stack) instead of a panic raised by a model.
func Run(ctx context.Context, job Job) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("train: panic: %v\n%s", r, shortStack())
		}
	}()
	cfg := job.Config
	if err := check(job); err != nil {
		return nil, err
	}
	d := job.Data
	shape := shapeOf(job)
	augs, err := augmentationsOf(job)
	if err != nil {
		return nil, err
	}
	rows, err := SubsetRows(cfg.DataSubset, d.NTrain(), job.SpecSeed, cfg.DataSeed)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("train: data_subset %s of data %q leaves no training rows", cfg.DataSubset, d.Name)
	}

	initRNG := seeds.Stream("init", job.SpecSeed, cfg.InitSeed)
	model, err := models.New(shape, cfg.Options, initRNG)
	if err != nil {
		return nil, fmt.Errorf("train: build %s: %w", cfg.Arch, err)
	}
	res = &Result{TrainRows: len(rows)}
	var pred predictor
	switch m := model.(type) {
	case models.Fitter:
		if job.Init != nil || len(job.Freeze) > 0 {
			return nil, fmt.Errorf("train: init: arch %s is fitted, not trained by gradient descent, so it cannot start from a parent's weights", cfg.Arch)
		}
		if err := checkFitted(cfg); err != nil {
			return nil, err
		}
		x, y := d.TrainX, d.TrainY
		if cfg.DataSubset != "" && cfg.DataSubset != spec.SubsetFull {
			x, y = gather(d, rows)
		}
		if err := m.Fit(x, y, len(y)); err != nil {
			return nil, fmt.Errorf("train: fit %s: %w", cfg.Arch, err)
		}
		pred = fitterPredictor{m}
		if d.NVal() > 0 {
			var prob []float32
			res.ValAccuracy = append(res.ValAccuracy, accuracy(pred, d.Classes, d.ValX, d.ValY, d.In, &prob))
		}
	case models.Net:
		pred = netPredictor{m, shape.Out}
		if job.Init != nil {
			res.Transferred = models.LoadWeights(m.Params(), job.Init)
			if len(res.Transferred) == 0 {
				return nil, fmt.Errorf("train: init: no parameter of %s matches the parent's weights by name and size (tensors %v)", cfg.Arch, models.TensorNames(m.Params()))
			}
		}
		if err := descend(ctx, job, shape, m, augs, rows, res); err != nil {
			return nil, err
		}
		if job.SaveWeights {
			res.Weights = m.Params()
		}
	default:
		return nil, fmt.Errorf("train: arch %s built a %T, which is neither a models.Net nor a models.Fitter", cfg.Arch, model)
	}

	test := evaluate(pred, d, d.TestX)
	res.TestPred, res.TestProb, res.TestAccuracy = test.Pred, test.Prob, test.Accuracy
	for _, x := range job.Evals {
		res.Evals = append(res.Evals, evaluate(pred, d, x))
	}
	if f, ok := model.(models.Featurer); ok && f.FeatureDim() > 0 && len(job.FeatureIdx) > 0 {
		res.FeatureDim = f.FeatureDim()
		res.Features = onSubset(f.Features, res.FeatureDim, d, job.FeatureIdx)
	}
	if net, ok := model.(models.Net); ok && len(job.FeatureIdx) > 0 {
		forward := func(x []float32, n int) []float32 { return net.Forward(x, n, false) }
		res.LogitDim = shape.Out
		res.Logits = onSubset(forward, res.LogitDim, d, job.FeatureIdx)
	}
	if g, ok := model.(models.LossGrader); ok {
		res.Adversarial, res.InputGrad = adversarial(g, pred, job)
	}
	if res.Attributions, err = attributions(model, pred, job, shape.Out, res.TestProb); err != nil {
		return nil, err
	}
	return res, nil
}

// Check reports, without training, whether Run could train job: the
// checks Run makes first, the augmentations against the data, the sizes
// against the data and the machine (knn's k against the training rows,
// the estimated memory against the machine's: see checkSizes), the
// architecture against the data's shape (by building the model once) and,
// for an arch that is fitted once (a models.Fitter), the training fields it
// would ignore: augment, label_smoothing, patience and adversarial (see checkFitted). The
// engine calls it for every distinct recipe before it writes anything, so
// that a spec asking for, say, flips or a cnn on tabular data is refused
// as bad input rather than failing run by run.
func Check(job Job) error {
	if err := check(job); err != nil {
		return err
	}
	if _, err := augmentationsOf(job); err != nil {
		return err
	}
	rows, err := SubsetRows(job.Config.DataSubset, job.Data.NTrain(), job.SpecSeed, job.Config.DataSeed)
	if err != nil {
		return err
	}
	if err := checkSizes(job, len(rows)); err != nil {
		return err
	}
	model, err := models.New(shapeOf(job), job.Config.Options, seeds.Stream("check"))
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if _, ok := model.(models.Fitter); ok {
		return checkFitted(job.Config)
	}
	return nil
}

// checkFitted refuses, for an arch that is fitted once (a models.Fitter),
// the run fields that only shape training by epochs: augment,
// label_smoothing, patience and adversarial. A fitter would ignore them, so runs that
// differ only in them would be the same model under different run ids and
// fake perfect agreement in a study. The optimizer fields stay allowed: a
// zoo crosses fitters with optimizers on purpose.
func checkFitted(cfg spec.Config) error {
	var field, value string
	switch {
	case len(cfg.Augment) == 1:
		field, value = "augment", cfg.Augment[0]
	case len(cfg.Augment) > 1:
		field, value = "augment", "["+strings.Join(cfg.Augment, ", ")+"]"
	case cfg.LabelSmoothing > 0:
		field, value = "label_smoothing", strconv.FormatFloat(cfg.LabelSmoothing, 'g', -1, 64)
	case cfg.Patience > 0:
		field, value = "patience", strconv.Itoa(cfg.Patience)
	case !cfg.Adversarial.IsZero():
		field, value = "adversarial", cfg.Adversarial.String()
	default:
		return nil
	}
	return fmt.Errorf("train: %w", &models.FieldError{Field: field, Msg: fmt.Sprintf(
		"%s %s has no effect on arch %s: it is fitted once, not trained by epochs; leave %s out of %s's runs (when both are axes: exclude: [{arch: %s, %s: %s}])",
		field, value, cfg.Arch, field, cfg.Arch, cfg.Arch, field, value)})
}

// shapeOf is the problem as job's model sees it.
func shapeOf(job Job) models.Shape {
	d := job.Data
	shape := models.Shape{
		In: d.In, Height: d.Height, Width: d.Width, Channels: d.Chans,
		Classes: d.Classes, Out: d.Classes,
	}
	if job.Binary {
		shape.Out = 1
	}
	return shape
}

// augmentationsOf looks up job's augmentations and checks each against the data.
func augmentationsOf(job Job) ([]augmentation, error) {
	augs := make([]augmentation, len(job.Config.Augment))
	for i, name := range job.Config.Augment {
		a, ok := augmentations[name]
		if !ok {
			return nil, fmt.Errorf("train: %w", &models.FieldError{Field: "augment", Msg: fmt.Sprintf("unknown augmentation %q (known: %v)", name, AugmentationNames())})
		}
		if a.Check != nil {
			if err := a.Check(job.Data); err != nil {
				return nil, fmt.Errorf("train: %w", &models.FieldError{Field: "augment", Msg: fmt.Sprintf("%q: %v", name, err)})
			}
		}
		augs[i] = a
	}
	return augs, nil
}

// evaluate predicts the NTest rows of x and scores them against the test labels.
func evaluate(pred predictor, d *data.Set, x []float32) Eval {
	n := d.NTest()
	e := Eval{Prob: make([]float32, n*d.Classes), Pred: make([]int32, n)}
	predictAll(pred, x, n, d.In, e.Prob)
	correct := 0
	for i := range n {
		e.Pred[i] = int32(argmax(e.Prob[i*d.Classes : (i+1)*d.Classes]))
		if int(e.Pred[i]) == d.TestY[i] {
			correct++
		}
	}
	if n > 0 {
		e.Accuracy = float64(correct) / float64(n)
	}
	return e
}

// check reports a job that cannot be trained, before any work is done.
func check(job Job) error {
	cfg := job.Config
	if err := cfg.Options.Validate(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := cfg.Settings.Validate(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if cfg.Batch <= 0 {
		return fmt.Errorf("train: batch %d must be > 0", cfg.Batch)
	}
	if cfg.Epochs <= 0 {
		return fmt.Errorf("train: epochs %d must be > 0", cfg.Epochs)
	}
	d := job.Data
	if d == nil {
		return errors.New("train: no data")
	}
	if d.In <= 0 || d.Classes < 2 {
		return fmt.Errorf("train: data %q has %d features and %d classes; need ≥ 1 and ≥ 2", d.Name, d.In, d.Classes)
	}
	if job.Binary && d.Classes != 2 {
		return fmt.Errorf("train: binary task on data %q with %d classes; need 2", d.Name, d.Classes)
	}
	if d.NTrain() == 0 {
		return fmt.Errorf("train: data %q has no training rows", d.Name)
	}
	if cfg.Patience < 0 {
		return fmt.Errorf("train: patience %d must be ≥ 0", cfg.Patience)
	}
	if cfg.Patience > 0 && d.NVal() == 0 {
		return fmt.Errorf("train: %w", &models.FieldError{Field: "patience", Msg: fmt.Sprintf("patience %d needs validation rows, and data %q has none", cfg.Patience, d.Name)})
	}
	if !(cfg.LabelSmoothing >= 0 && cfg.LabelSmoothing < 1) {
		return fmt.Errorf("train: label_smoothing %v must be in [0, 1)", cfg.LabelSmoothing)
	}
	for _, part := range []struct {
		name string
		x    []float32
		y    []int
	}{{"train", d.TrainX, d.TrainY}, {"val", d.ValX, d.ValY}, {"test", d.TestX, d.TestY}} {
		if len(part.x) != len(part.y)*d.In {
			return fmt.Errorf("train: data %q: %s inputs have %d values, want %d rows × %d", d.Name, part.name, len(part.x), len(part.y), d.In)
		}
		for i, y := range part.y {
			if y < 0 || y >= d.Classes {
				return fmt.Errorf("train: data %q: %s label %d of row %d is outside [0, %d)", d.Name, part.name, y, i, d.Classes)
			}
		}
	}
	for i, r := range job.FeatureIdx {
		if r < 0 || r >= d.NTest() {
			return fmt.Errorf("train: feature index %d (%d) is outside the %d test rows", i, r, d.NTest())
		}
	}
	for i, x := range job.Evals {
		if len(x) != len(d.TestX) {
			return fmt.Errorf("train: evaluation input %d has %d values, want %d like the test inputs", i, len(x), len(d.TestX))
		}
	}
	return nil
}

// trainableParams returns the parameters of params not frozen by
// job.Freeze. The optimizer and clipping see only those, in a slice fixed
// for the whole run (optim.Method keys state by position).
func trainableParams(job Job, params []*models.Param) ([]*models.Param, error) {
	if len(job.Freeze) == 0 {
		return params, nil
	}
	frozen := models.Frozen(params, job.Freeze)
	var trainable []*models.Param
	for i, p := range params {
		if !frozen[i] {
			trainable = append(trainable, p)
		}
	}
	if len(trainable) == len(params) {
		return nil, fmt.Errorf("train: init.freeze %v matches no tensor of %s (tensors %v)", job.Freeze, job.Config.Arch, models.TensorNames(params))
	}
	return trainable, nil
}

// batchLoss is the mean cross-entropy of the logits of batch mb (labels
// by, or its soft targets when soft) and writes its gradient to grad: a
// sigmoid for one output, a softmax for more.
func batchLoss(logits []float32, mb *batch, by []int, soft bool, grad []float32) float64 {
	b, k := mb.N, mb.K
	switch {
	case soft && k == 1:
		return sigmoidSoftCrossEntropy(logits, mb.Soft, b, grad[:b])
	case soft:
		return softmaxSoftCrossEntropy(logits, mb.Soft, b, k, grad[:b*k])
	case k == 1:
		return models.SigmoidCrossEntropy(logits, by, b, grad[:b])
	}
	return models.SoftmaxCrossEntropy(logits, by, b, k, grad[:b*k])
}

// descend trains net by minibatch gradient descent on the training rows
// rows, filling res.Loss, res.ValAccuracy, res.Epochs and res.BestEpoch.
func descend(ctx context.Context, job Job, shape models.Shape, net models.Net, augs []augmentation, rows []int, res *Result) error {
	cfg, d := job.Config, job.Data
	method, err := optim.New(cfg.Settings)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	orderRNG := seeds.Stream("order", job.SpecSeed, cfg.OrderSeed)
	augRNG := seeds.Stream("augment", job.SpecSeed, cfg.AugSeed)
	adv, err := newAdvTrainer(job, net)
	if err != nil {
		return err
	}
	params := net.Params()
	trainable, err := trainableParams(job, params)
	if err != nil {
		return err
	}
	n, in, k := len(rows), d.In, shape.Out
	stepsPerEpoch := (n + cfg.Batch - 1) / cfg.Batch
	totalSteps := stepsPerEpoch * cfg.Epochs
	soft := cfg.LabelSmoothing > 0
	for _, a := range augs {
		soft = soft || a.Soft
	}
	perm := make([]int, n)
	// A batch larger than the training rows is one full-batch step per
	// epoch: the buffers hold at most n rows (batch: 1e9 allocated 3 TB).
	bn := min(cfg.Batch, n)
	bx := make([]float32, bn*in)
	by := make([]int, bn)
	var bt []float32
	if soft {
		bt = make([]float32, bn*k)
	}
	grad := make([]float32, bn*k)
	val := netPredictor{net, shape.Out}
	var valProb []float32 // reused by each epoch's validation
	stop := newEarlyStop(cfg.Patience, params)
	step := 0
	// mb is the batch of every step: the augmentations take its address,
	// so one declared in the loop would be a heap allocation a step.
	var mb batch
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		epochRows := rows
		for _, a := range augs {
			if a.Epoch != nil {
				epochRows = a.Epoch(epochRows, d, augRNG)
			}
		}
		copy(perm, epochRows)
		shuffle(perm, orderRNG)
		var sum float64
		steps := 0
		for start := 0; start < n; start += cfg.Batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			b := min(cfg.Batch, n-start)
			for r, idx := range perm[start : start+b] {
				copy(bx[r*in:(r+1)*in], d.TrainX[idx*in:(idx+1)*in])
				by[r] = d.TrainY[idx]
			}
			mb = batch{X: bx[:b*in], N: b, K: k}
			if soft {
				mb.Soft = bt[:b*k]
				softTargets(by[:b], k, cfg.LabelSmoothing, mb.Soft)
			}
			for _, a := range augs {
				if a.Batch != nil {
					a.Batch(&mb, d, augRNG)
				}
			}
			adv.replace(mb.X, by[:b], b, in)
			loss := batchLoss(net.Forward(mb.X, b, true), &mb, by[:b], soft, grad)
			steps++
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return fmt.Errorf("train: epoch %d step %d: loss is %v: %w", epoch, steps, loss, ErrDiverged)
			}
			net.Backward(grad[:b*k])
			if cfg.ClipNorm > 0 {
				optim.ClipGradNorm(trainable, cfg.ClipNorm)
			}
			method.Step(trainable, float32(cfg.LRAt(step, stepsPerEpoch, totalSteps)))
			step++
			sum += loss
		}
		res.Loss = append(res.Loss, sum/float64(steps))
		res.Epochs = epoch
		if d.NVal() > 0 {
			acc := accuracy(val, d.Classes, d.ValX, d.ValY, in, &valProb)
			res.ValAccuracy = append(res.ValAccuracy, acc)
			if stop.observe(epoch, acc) {
				break
			}
		}
	}
	res.BestEpoch = stop.restore()
	return nil
}

// gather returns the inputs and labels of the training rows rows.
func gather(d *data.Set, rows []int) ([]float32, []int) {
	x := make([]float32, 0, len(rows)*d.In)
	y := make([]int, 0, len(rows))
	for _, r := range rows {
		x = append(x, d.TrainX[r*d.In:(r+1)*d.In]...)
		y = append(y, d.TrainY[r])
	}
	return x, y
}

// shuffle permutes p uniformly (Fisher–Yates) with draws from rng.
func shuffle(p []int, rng *rand.Rand) {
	for i := len(p) - 1; i > 0; i-- {
		j := rng.IntN(i + 1)
		p[i], p[j] = p[j], p[i]
	}
}

// predictor writes n×Classes class probabilities of x into out.
type predictor interface {
	proba(x []float32, n int, out []float32)
}

type netPredictor struct {
	net models.Net
	out int
}

func (p netPredictor) proba(x []float32, n int, dst []float32) {
	models.Proba(p.net.Forward(x, n, false), n, p.out, dst)
}

type fitterPredictor struct{ f models.Fitter }

func (p fitterPredictor) proba(x []float32, n int, dst []float32) { p.f.Proba(x, n, dst) }

// predictAll writes the class probabilities of the n rows of x into out,
// predictBatch rows at a time; out has n×classes entries.
func predictAll(p predictor, x []float32, n, in int, out []float32) {
	classes := len(out) / max(n, 1)
	for s := 0; s < n; s += predictBatch {
		b := min(predictBatch, n-s)
		p.proba(x[s*in:(s+b)*in], b, out[s*classes:(s+b)*classes])
	}
}

// accuracy is the fraction of rows of x whose most probable class is y.
// The probabilities go into *scratch, grown as needed, so that a caller
// measuring every epoch reuses one buffer.
func accuracy(p predictor, classes int, x []float32, y []int, in int, scratch *[]float32) float64 {
	n := len(y)
	if n == 0 {
		return 0
	}
	if cap(*scratch) < n*classes {
		*scratch = make([]float32, n*classes)
	}
	prob := (*scratch)[:n*classes]
	predictAll(p, x, n, in, prob)
	correct := 0
	for i := range n {
		if argmax(prob[i*classes:(i+1)*classes]) == y[i] {
			correct++
		}
	}
	return float64(correct) / float64(n)
}

// argmax returns the index of the largest value, the first on ties.
func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// onSubset returns the len(idx)×dim values that f (a net's features or
// logits, n×dim for n rows) gives the test rows idx.
func onSubset(f func(x []float32, n int) []float32, dim int, d *data.Set, idx []int) []float32 {
	out := make([]float32, 0, len(idx)*dim)
	x := make([]float32, 0, min(len(idx), predictBatch)*d.In)
	for s := 0; s < len(idx); s += predictBatch {
		rows := idx[s:min(s+predictBatch, len(idx))]
		x = x[:0]
		for _, r := range rows {
			x = append(x, d.TestX[r*d.In:(r+1)*d.In]...)
		}
		out = append(out, f(x, len(rows))[:len(rows)*dim]...)
	}
	return out
}

// shortStack returns the first lines of the current goroutine's stack,
// enough to locate a panic without flooding a run's error record.
func shortStack() string {
	lines := strings.Split(string(debug.Stack()), "\n")
	if len(lines) > 24 {
		lines = append(lines[:24], "\t...")
	}
	return strings.Join(lines, "\n")
}
