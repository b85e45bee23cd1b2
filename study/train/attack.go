package train

import (
	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/attack"
)

// Adversarial is what one attack did to a trained model: the examples
// crafted on it from the test rows Job.AttackIdx and its own predictions
// on them (white-box).
type Adversarial struct {
	X        []float32 // len(AttackIdx)×In adversarial inputs
	Pred     []int32   // predicted class per row, lowest index on ties
	Prob     []float32 // len(AttackIdx)×Classes probabilities
	Accuracy float64   // against the test labels of the rows
}

// adversarial runs every attack of job on model m, whose predictions
// pred gives, over the test rows job.AttackIdx, and returns with the
// examples the gradient of each row's own loss at its clean input
// (len(AttackIdx)×In, see inputGrad). Each attack's random start draws
// from its own stream of the spec seed (attack.Stream), the same for
// every run.
func adversarial(m models.LossGrader, pred predictor, job Job) ([]Adversarial, []float32) {
	if len(job.Attacks) == 0 || len(job.AttackIdx) == 0 {
		return nil, nil
	}
	d := job.Data
	n := len(job.AttackIdx)
	x := make([]float32, 0, n*d.In)
	y := make([]int, n)
	for i, r := range job.AttackIdx {
		x = append(x, d.TestX[r*d.In:(r+1)*d.In]...)
		y[i] = d.TestY[r]
	}
	out := make([]Adversarial, len(job.Attacks))
	for k, a := range job.Attacks {
		adv := attack.Craft(m, x, y, n, d.In, a, attack.Stream(a.Name, job.SpecSeed))
		e := Adversarial{X: adv, Prob: make([]float32, n*d.Classes), Pred: make([]int32, n)}
		predictAll(pred, adv, n, d.In, e.Prob)
		correct := 0
		for i := range n {
			e.Pred[i] = int32(argmax(e.Prob[i*d.Classes : (i+1)*d.Classes]))
			if int(e.Pred[i]) == y[i] {
				correct++
			}
		}
		e.Accuracy = float64(correct) / float64(n)
		out[k] = e
	}
	return out, inputGrad(m, x, y, n, d.In)
}

// inputGrad returns the gradient with respect to the input of each of
// the n rows' own loss (the loss the attacks ascend), n×in: LossGrad of
// attack.Batch rows at a time, whose mean it undoes by multiplying by the
// batch size.
func inputGrad(m models.LossGrader, x []float32, y []int, n, in int) []float32 {
	out := make([]float32, 0, n*in)
	for s := 0; s < n; s += attack.Batch {
		b := min(attack.Batch, n-s)
		for _, v := range m.LossGrad(x[s*in:(s+b)*in], y[s:s+b], b) {
			out = append(out, v*float32(b))
		}
	}
	return out
}
