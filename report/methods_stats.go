package report

import (
	"fmt"
	"maps"
	"strings"

	"github.com/study-harness/study/study/metrics"
)

// The methods sentences on homogenization, intervals and p-values: what
// each measures and what it conditions on.

func init() { maps.Copy(bibEntries, statisticsBib) }

// statisticsBib are the papers behind the tests and corrections.
var statisticsBib = map[string]string{
	"strona2014fast": `@article{strona2014fast,
  title   = {A Fast and Unbiased Procedure to Randomize Ecological Binary Matrices with Fixed Row and Column Totals},
  author  = {Strona, Giovanni and Nappo, Domenico and Boccacci, Francesco and Fattorini, Simone and San-Miguel-Ayanz, Jesus},
  journal = {Nature Communications},
  volume  = {5},
  pages   = {4114},
  year    = {2014}
}`,
	"besag1989generalized": `@article{besag1989generalized,
  title   = {Generalized {Monte Carlo} Significance Tests},
  author  = {Besag, Julian and Clifford, Peter},
  journal = {Biometrika},
  volume  = {76},
  number  = {4},
  pages   = {633--642},
  year    = {1989}
}`,
	"benjamini1995controlling": `@article{benjamini1995controlling,
  title   = {Controlling the False Discovery Rate: A Practical and Powerful Approach to Multiple Testing},
  author  = {Benjamini, Yoav and Hochberg, Yosef},
  journal = {Journal of the Royal Statistical Society: Series B},
  volume  = {57},
  number  = {1},
  pages   = {289--300},
  year    = {1995}
}`,
	"holm1979simple": `@article{holm1979simple,
  title   = {A Simple Sequentially Rejective Multiple Test Procedure},
  author  = {Holm, Sture},
  journal = {Scandinavian Journal of Statistics},
  volume  = {6},
  number  = {2},
  pages   = {65--70},
  year    = {1979}
}`,
}

// statisticsMethods writes the methods sentences on homogenization, the
// bootstrap intervals and the permutation p-values of r, citing through
// cite.
func (b *built) statisticsMethods(w *strings.Builder, r *metrics.Result, cite func(...string) string) {
	g := readGroupH(r)
	fmt.Fprintf(w, "Homogenization %s compares how often models fail together with how often they would if each failed independently at its own error rate e_m. For a pair it is H_ab = P(both wrong)/(e_a·e_b), 1 under independence; we report its mean over the pairs of models", cite("bommasani2022picking", "toups2023ecosystem"))
	if g.k > 0 {
		fmt.Fprintf(w, " and H_%d, the mean of SFR_g/∏_{m∈g} e_m over all groups g of %d models that make errors (SFR_g: the fraction of instances every model of g gets wrong)", g.k, g.k)
	}
	fmt.Fprintf(w, ". Neither grows with the number of models. The whole-set H = SFR/∏ e_m over all M models does: one instance that every model gets wrong already gives 1/(N·∏ e_m), so its logarithm grows about linearly with M; we give it for comparison at equal M only. ")
	fmt.Fprintf(w, "Over all models we also report the systemic failure rate, Fleiss' κ %s and Kuncheva's non-pairwise diversity measures %s.", cite("fleiss1971measuring"), cite("kuncheva2003measures"))
	var boot metrics.BootstrapInfo
	if decodeExtra(r.Extra["bootstrap"], &boot) && boot.Replicates > 0 {
		fmt.Fprintf(w, " Intervals are 95%% percentile intervals of a paired bootstrap over test instances (%d replicates; the same resampled instances for every model). They condition on the trained models: the runs are held fixed, so an interval reflects the finite test set, not the variability between training runs; pairs of models are never treated as independent samples.", boot.Replicates)
	} else if b.x.hasIntervals() {
		fmt.Fprintf(w, " Intervals are 95%% percentile intervals of a paired bootstrap over test instances (the same resampled instances for every model), with the trained models held fixed; pairs of models are never treated as independent samples.")
	}
	perms := b.x.permutations
	if perms <= 0 {
		return
	}
	fmt.Fprintf(w, " p-values are permutation p-values, (1 + #{null ≥ observed})/(1 + P) with P = %d, so none is below 1/(P + 1) = %s; a p-value at that floor is reported as p ≤ %s, a bound. Like the intervals, they condition on the trained models and the test instances. Two nulls are tested. The first, independent errors at fixed accuracy, shuffles each model's correctness vector on its own; it also makes every instance equally hard, so instance difficulty alone rejects it. It gives the p-values of the whole-set H, of the mean pairwise H and error consistency, and of each pair.",
		perms, ceil3(1/float64(perms+1)), ceil3(1/float64(perms+1)))
	if _, ok := r.Pairwise.Extra["error_consistency_p_difficulty"]; ok {
		fmt.Fprintf(w, " The second keeps each instance's difficulty: a curveball chain %s resamples the models × instances correctness matrix with every model's number of errors and every instance's number of failing models fixed, and Besag and Clifford's parallel scheme %s makes its p-values exact. It asks, for each pair, whether the two models fail together more than their accuracies and the difficulty of the instances explain. It has no counterpart over all models, whose co-failure it holds fixed.",
			cite("strona2014fast"), cite("besag1989generalized"))
	}
	if _, ok := r.Pairwise.Extra["error_consistency_p_adj"]; ok {
		fmt.Fprintf(w, " Per-pair p-values are adjusted for the %d comparisons by Benjamini–Hochberg %s (false discovery rate; the counts of pairs below 0.05 use it) and by Holm %s (family-wise error rate; in metrics.json).",
			len(r.Models)*(len(r.Models)-1)/2, cite("benjamini1995controlling"), cite("holm1979simple"))
	}
}
