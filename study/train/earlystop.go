package train

import "github.com/study-harness/study/models"

// earlyStop implements early stopping on validation accuracy: it keeps a
// copy of the weights of the best epoch so far (the first of equal
// accuracies) and says to stop once patience epochs have passed without
// an improvement. A patience of 0 disables it.
type earlyStop struct {
	patience  int
	params    []*models.Param
	best      float64
	bestEpoch int
	saved     [][]float32
}

func newEarlyStop(patience int, params []*models.Param) *earlyStop {
	return &earlyStop{patience: patience, params: params}
}

// observe records the validation accuracy of epoch (1-based) and reports
// whether training should stop.
func (e *earlyStop) observe(epoch int, acc float64) bool {
	if e.patience <= 0 {
		return false
	}
	if e.bestEpoch == 0 || acc > e.best {
		e.best, e.bestEpoch = acc, epoch
		if e.saved == nil {
			e.saved = make([][]float32, len(e.params))
		}
		for i, p := range e.params {
			e.saved[i] = append(e.saved[i][:0], p.W...)
		}
		return false
	}
	return epoch-e.bestEpoch >= e.patience
}

// restore puts the best epoch's weights back and returns that epoch; it
// returns 0 and changes nothing when early stopping is off or no epoch was
// observed.
func (e *earlyStop) restore() int {
	if e.patience <= 0 || e.bestEpoch == 0 {
		return 0
	}
	for i, p := range e.params {
		copy(p.W, e.saved[i])
	}
	return e.bestEpoch
}
