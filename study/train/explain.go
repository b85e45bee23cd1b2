package train

import (
	"fmt"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/explain"
)

// explainBatch is the number of instances attributed per call of a
// method: it bounds the memory of integrated gradients and occlusion, and
// is fixed so that the batching never depends on anything else.
const explainBatch = 100

// Attributions are one explain method's attributions of a trained model.
type Attributions struct {
	Method explain.Method
	// Values are the len(ExplainIdx)×In attributions, in ExplainIdx
	// order; nil when the model cannot have them (Why says why).
	Values []float32
	// Delta is integrated gradients' convergence delta per instance; nil
	// for the other methods.
	Delta []float64
	Why   string
}

// explainModel returns what the attribution methods see of model: its
// probabilities as Scores (for every family, so that occlusion ablates
// all of them on one scale), and for a net the gradients of its logits.
// A net with one output (binary) has the logits F_1 = z and F_0 = −z.
func explainModel(model any, pred predictor, in, classes, out int) explain.Model {
	m := explain.Model{In: in, Classes: classes, Scores: func(x []float32, n int, dst []float32) { pred.proba(x, n, dst) }}
	net, ok := model.(models.Net)
	if !ok {
		return m
	}
	m.Grad = func(x []float32, n int, class []int, dx []float32) {
		g := net.InputGrad(x, n, func(_, grad []float32) {
			for i, c := range class {
				switch {
				case out > 1:
					grad[i*out+c] = 1
				case c == 1:
					grad[i] = 1
				default:
					grad[i] = -1
				}
			}
		})
		copy(dx, g[:n*in])
	}
	m.Logits = func(x []float32, n int, dst []float32) {
		z := net.Forward(x, n, false)
		if out > 1 {
			copy(dst, z[:n*out])
			return
		}
		for i := range n {
			dst[2*i], dst[2*i+1] = -z[i], z[i]
		}
	}
	return m
}

// attributions computes the explain methods of job on the test rows
// job.ExplainIdx, for the classes that job.Explain.Target names (the
// run's predictions testProb, or the labels). Each method runs on
// batches of explainBatch instances keyed by their index in the subset,
// so the result does not depend on how runs are scheduled.
func attributions(model any, pred predictor, job Job, out int, testProb []float32) ([]Attributions, error) {
	e, d := job.Explain, job.Data
	if e == nil || len(job.ExplainIdx) == 0 {
		return nil, nil
	}
	n, in, c := len(job.ExplainIdx), d.In, d.Classes
	x := make([]float32, 0, n*in)
	labels, prob := make([]int, n), make([]float32, 0, n*c)
	for i, r := range job.ExplainIdx {
		x = append(x, d.TestX[r*in:(r+1)*in]...)
		labels[i] = d.TestY[r]
		prob = append(prob, testProb[r*c:(r+1)*c]...)
	}
	class, err := explain.Classes(e.Target, prob, c, labels)
	if err != nil {
		return nil, err
	}
	m := explainModel(model, pred, in, c, out)
	s := e.Settings(job.SpecSeed)
	s.Height, s.Width, s.Channels = d.Height, d.Width, d.Chans
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	res := make([]Attributions, len(e.Methods))
	for k, method := range e.Methods {
		res[k].Method = method
		if method.NeedsGradient() && m.Grad == nil {
			res[k].Why = explain.NoGradientReason(job.Config.Arch, method)
			continue
		}
		res[k].Values = make([]float32, 0, n*in)
		for s0 := 0; s0 < n; s0 += explainBatch {
			s1 := min(n, s0+explainBatch)
			a, err := explain.Attribute(method, m, x[s0*in:s1*in], class[s0:s1], ids[s0:s1], s)
			if err != nil {
				return nil, fmt.Errorf("train: explain %s: %w", method, err)
			}
			res[k].Values = append(res[k].Values, a.Values...)
			res[k].Delta = append(res[k].Delta, a.Delta...)
		}
	}
	return res, nil
}
