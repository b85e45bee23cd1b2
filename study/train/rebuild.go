package train

import (
	"fmt"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/seeds"
	"github.com/study-harness/study/study/spec"
)

// Model is a trained model rebuilt by Rebuild, ready to predict.
type Model struct {
	pred    predictor
	in      int
	classes int
}

// Rebuild returns the model that Run trained for job, without training or
// evaluating it, for the transfer stage (docs/robustness.md). A net is
// built and given weights, its stored trained parameters by tensor name,
// every one of which must match. A fitter (weights nil) is fitted again
// on the same rows: fitting is deterministic, so it is the same model as
// Run's, at the cost of one fit and none of Run's evaluations.
func Rebuild(job Job, weights map[string][]float32) (*Model, error) {
	if err := check(job); err != nil {
		return nil, err
	}
	cfg, d := job.Config, job.Data
	shape := shapeOf(job)
	model, err := models.New(shape, cfg.Options, seeds.Stream("init", job.SpecSeed, cfg.InitSeed))
	if err != nil {
		return nil, fmt.Errorf("train: build %s: %w", cfg.Arch, err)
	}
	out := &Model{in: d.In, classes: d.Classes}
	switch m := model.(type) {
	case models.Fitter:
		rows, err := SubsetRows(cfg.DataSubset, d.NTrain(), job.SpecSeed, cfg.DataSeed)
		if err != nil {
			return nil, err
		}
		x, y := d.TrainX, d.TrainY
		if cfg.DataSubset != "" && cfg.DataSubset != spec.SubsetFull {
			x, y = gather(d, rows)
		}
		if err := m.Fit(x, y, len(y)); err != nil {
			return nil, fmt.Errorf("train: fit %s: %w", cfg.Arch, err)
		}
		out.pred = fitterPredictor{m}
	case models.Net:
		params := m.Params()
		if weights == nil {
			return nil, fmt.Errorf("train: %s is a net: rebuilding it needs its stored weights, and it has none (trained before its study had attacks)", cfg.Arch)
		}
		if got := models.LoadWeights(params, weights); len(got) != len(params) {
			return nil, fmt.Errorf("train: %s: %d of its %d tensors match the stored weights by name and size", cfg.Arch, len(got), len(params))
		}
		out.pred = netPredictor{m, shape.Out}
	default:
		return nil, fmt.Errorf("train: arch %s built a %T, which is neither a models.Net nor a models.Fitter", cfg.Arch, model)
	}
	return out, nil
}

// Predict returns the predicted class of each of the n rows of x (the
// most probable, the lowest index on ties), as Run predicts the test set.
func (m *Model) Predict(x []float32, n int) []int32 {
	prob := make([]float32, n*m.classes)
	predictAll(m.pred, x, n, m.in, prob)
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(argmax(prob[i*m.classes : (i+1)*m.classes]))
	}
	return out
}
