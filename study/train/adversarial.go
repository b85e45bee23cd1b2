package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/seeds"
)

// advTrainer replaces part of every minibatch by adversarial examples
// crafted on the net being trained (spec.Adversarial, Madry et al. 2018);
// nil trains on clean batches.
type advTrainer struct {
	net   models.LossGrader
	a     attack.Attack
	ratio float64
	rng   *rand.Rand // PGD's random starts, the run's "adversarial" stream
}

// newAdvTrainer returns the adversarial trainer of job's config, or nil
// without adversarial training.
func newAdvTrainer(job Job, net models.Net) (*advTrainer, error) {
	cfg := job.Config
	if cfg.Adversarial.IsZero() {
		return nil, nil
	}
	g, ok := net.(models.LossGrader)
	if !ok {
		return nil, fmt.Errorf("train: %w", &models.FieldError{Field: "adversarial", Msg: fmt.Sprintf("arch %s has no input gradient to craft training examples with", cfg.Arch)})
	}
	return &advTrainer{net: g, a: cfg.Adversarial.Attack(), ratio: cfg.Adversarial.RatioOrDefault(),
		rng: seeds.Stream("adversarial", job.SpecSeed, cfg.AugSeed)}, nil
}

// replace overwrites the first ⌈ratio·b⌉ rows of the b×in batch x (rows
// in random order) by examples crafted on the current weights against
// the labels y. The crafting passes leave the parameters alone: every
// layer's Backward overwrites its parameter gradients, so the training
// step's own Backward sets them afresh.
func (t *advTrainer) replace(x []float32, y []int, b, in int) {
	if t == nil {
		return
	}
	k := min(b, int(math.Ceil(t.ratio*float64(b))))
	adv := attack.Craft(t.net, x[:k*in], y[:k], k, in, t.a, t.rng)
	copy(x[:k*in], adv)
}
