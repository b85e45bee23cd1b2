package runs

import (
	"fmt"
	"hash"
	"strconv"

	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
	"github.com/study-harness/study/study/train"
)

// attackSubset returns the test rows a study's attacks run on
// (attack.Subset), or nil without attacks. It refuses a dataset whose test
// inputs leave [0, 1], the box the attacks clip to.
func attackSubset(s *spec.Spec, ds *data.Set) ([]int, error) {
	if len(s.Attacks) == 0 {
		return nil, nil
	}
	for _, v := range ds.TestX {
		if !(v >= 0 && v <= 1) {
			return nil, &InputError{fmt.Errorf("%s: attacks: the attacks clip their inputs to [0, 1], but dataset %s has a test input of %v "+
				"(attacks need image data scaled to [0, 1])", s.File, ds.Name, v)}
		}
	}
	return attack.Subset(s.Seed, ds.NTest(), s.AttackSubset), nil
}

// hashAttacks adds a spec's attacks and their subset to a run id, as a run
// stores its examples and predictions under each; without attacks it adds
// nothing, so that the ids of studies without them stay as they were.
func hashAttacks(h hash.Hash, s *spec.Spec) {
	if len(s.Attacks) == 0 {
		return
	}
	fmt.Fprintf(h, "attack_subset=%d\n", s.AttackSubset)
	for _, a := range s.Attacks {
		fmt.Fprintf(h, "attack=%s/%s/%v/%d/%v/%v/%d\n", a.Name, a.Method, a.Eps, a.Steps, a.Alpha, a.RandomStart, a.Norm)
	}
}

// writeAdversarial adds the examples crafted on run r by each attack
// (store.AdvInputsFile), the run's predictions on them
// (store.AdvPredictionsFile, instance ids the attacked test rows) and its
// input-loss gradients on the clean rows (store.InputGradFile).
func (p *Plan) writeAdversarial(w *store.RecordBuf, r Run, d *data.Set, adv []train.Adversarial, grad []float32) error {
	if len(adv) == 0 {
		return nil
	}
	err := w.AppendFile(store.InputGradFile, func(dst []byte) ([]byte, error) {
		return store.AppendNPY(dst, grad, len(p.AttackIdx), d.In)
	})
	if err != nil {
		return fmt.Errorf("run %s: input gradients: %w", r.Name, err)
	}
	labels := make([]int32, len(p.AttackIdx))
	ids := make([]string, len(p.AttackIdx))
	for i, row := range p.AttackIdx {
		labels[i], ids[i] = int32(d.TestY[row]), strconv.Itoa(row)
	}
	for k, a := range adv {
		name := p.Spec.Attacks[k].Name
		err := w.AppendFile(store.AdvInputsFile(name), func(dst []byte) ([]byte, error) {
			return store.AppendNPY(dst, a.X, len(p.AttackIdx), d.In)
		})
		if err != nil {
			return fmt.Errorf("run %s: attack %s: %w", r.Name, name, err)
		}
		x := &predmat.Matrix{Models: []string{r.Name}, Classes: d.Classes, Labels: labels, Instances: ids, Pred: a.Pred, Prob: a.Prob}
		err = w.AppendFile(store.BinaryName(store.AdvPredictionsFile(name)), func(dst []byte) ([]byte, error) { return predmat.AppendBinary(dst, x) })
		if err != nil {
			return fmt.Errorf("run %s: attack %s: %w", r.Name, name, err)
		}
	}
	return nil
}
