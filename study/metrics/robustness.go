package metrics

import (
	"fmt"

	"github.com/study-harness/study/study/attack"
)

// Robustness is metrics.json's robustness.<attack>: how the models fare
// under one attack of the spec, on the attacked test subset.
type Robustness struct {
	// Attack is the attack as the spec gave it.
	Attack attack.Attack `json:"attack"`
	// NInstances is the number of test instances attacked (the subset
	// stored in attack_index.json).
	NInstances int `json:"n_instances"`
	// AdvAccuracy[m] is model m's white-box accuracy: the fraction of
	// the examples crafted on m by the attack that m classifies
	// correctly. Null for a model without input gradient (trees, k-NN),
	// with the reason.
	AdvAccuracy Vec `json:"adv_accuracy"`
	// Transfer holds the measures of examples crafted on one model and
	// evaluated on another (AddTransfer); nil, and left out, until then.
	*Transfer
}

// AddRobustness adds robustness.<attack> to r for each attack, in order:
// acc[k][m] is model m's white-box accuracy under attacks[k] and why[k][m]
// the reason when it is NaN.
func AddRobustness(r *Result, attacks []attack.Attack, n int, acc [][]float64, why [][]string) {
	if len(attacks) == 0 {
		return
	}
	all := map[string]*Robustness{}
	for k, a := range attacks {
		all[a.Name] = &Robustness{Attack: a, NInstances: n, AdvAccuracy: acc[k]}
		for m, w := range why[k] {
			if w != "" {
				if r.Reasons == nil {
					r.Reasons = Reasons{}
				}
				r.Reasons[fmt.Sprintf("robustness.%s.adv_accuracy[%d]", a.Name, m)] = w
			}
		}
	}
	if r.Extra == nil {
		r.Extra = map[string]any{}
	}
	r.Extra["robustness"] = all
}
