package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/study-harness/study/study/metrics"
)

// Homogenization at a fixed group size is the headline; the whole-set H,
// which grows about exponentially with the number of models, is shown
// only with that warning (wholeSetHLabel).

// wholeSetHLabel labels the whole-set H wherever the report shows it.
const wholeSetHLabel = "whole-set homogenization H (grows with the number of models; compare only at equal M)"

// groupH is the homogenization of one Result at fixed group sizes, read
// from its ensemble member: the mean pairwise H (H_2) and H_k, with their
// intervals and the p-values of the mean pairwise H under both nulls.
type groupH struct {
	pairMean, hk        float64
	pairMeanCI, hkCI    interval
	pIndep, pDifficulty float64
	k                   int
	groups              float64
	perms               int
}

// readGroupH reads r's group homogenization; absent members are NaN.
func readGroupH(r *metrics.Result) groupH {
	g := groupH{pairMeanCI: nanInterval, hkCI: nanInterval, perms: permutationCount(r)}
	e := r.Ensemble.Extra
	f := func(key string) float64 {
		var v fnum
		if !decodeExtra(e[key], &v) {
			return math.NaN()
		}
		return float64(v)
	}
	g.pairMean, g.hk = f("homogenization_pairwise_mean"), f("homogenization_k")
	g.pIndep = f("homogenization_pairwise_mean_p")
	g.groups = f("homogenization_k_groups")
	decodeExtra(e["homogenization_pairwise_mean_ci"], &g.pairMeanCI)
	decodeExtra(e["homogenization_k_ci"], &g.hkCI)
	if k := f("homogenization_k_size"); finite(k) {
		g.k = int(k)
	}
	return g
}

// hkLabel names H_k with its group size.
func (g groupH) hkLabel() string {
	if g.k == 0 {
		return "homogenization H_k"
	}
	return fmt.Sprintf("homogenization H_%d (mean over groups of %d models)", g.k, g.k)
}

// headline is one row of the terminal's headline table.
type headline struct{ label, value, ci, p string }

// headlineRows lists the terminal's headline measures: the systemic
// failure rate, the mean pairwise H and H_k (never the whole-set H), the
// majority vote, mean accuracy, Fleiss' κ and the mean error consistency,
// with intervals and p-values against independent errors where computed.
func (b *built) headlineRows() []headline {
	r := b.in.Metrics
	perms := b.x.permutations
	ivs := func(iv interval, ok bool, prec int) string {
		if !ok || !iv.ok() {
			return "—"
		}
		return ivText(iv, prec)
	}
	dash := "—"
	var out []headline
	ens := func(key string) headline {
		for _, e := range ensembleRows(r) {
			if e.key == key {
				iv, ok := b.x.ensembleCI[key]
				return headline{e.label, sci(e.v), ivs(iv, ok, e.prec), dash}
			}
		}
		return headline{}
	}
	out = append(out, ens("systemic_failure_rate"))
	g := readGroupH(r)
	if finite(g.pairMean) {
		out = append(out, headline{"mean pairwise homogenization H (1 = independent)", num(g.pairMean, 3), ivs(g.pairMeanCI, true, 3), pValue(g.pIndep, perms)})
	}
	if finite(g.hk) {
		out = append(out, headline{g.hkLabel(), num(g.hk, 3), ivs(g.hkCI, true, 3), dash})
	}
	for _, k := range []string{"majority_vote_accuracy", "mean_accuracy", "fleiss_kappa"} {
		out = append(out, ens(k))
	}
	if v, iv, p := b.x.pairMeanValue("error_consistency"); finite(v) {
		out = append(out, headline{"mean error consistency κ", num(v, 4), ivs(iv, true, 4), pValue(p, perms)})
	}
	return out
}

// homogenizationFacts are the Homogenization section's lines on H: the
// mean pairwise H and H_k first, then the whole-set H with its warning.
func homogenizationFacts(r *metrics.Result, ensembleCI map[string]interval, ensembleP map[string]fnum, perms int) []keyValue {
	g := readGroupH(r)
	ci := func(iv interval, prec int) string {
		if !iv.ok() {
			return "interval not computed"
		}
		return "95% interval " + ivText(iv, prec)
	}
	undefined := func(v float64, path string) string {
		if finite(v) {
			return num(v, 3)
		}
		if why := r.Reasons[path]; why != "" {
			return "undefined (" + why + ")"
		}
		return "not computed"
	}
	m := len(r.Models)
	pair := fmt.Sprintf("%s = P(both wrong)/(e_a·e_b), averaged over the %d pairs of models (1 = independent errors; %s; %s against independent errors at fixed accuracy)",
		undefined(g.pairMean, "ensemble.homogenization_pairwise_mean"), m*(m-1)/2, ci(g.pairMeanCI, 3), pText(g.pIndep, perms))
	groups := "the groups"
	if finite(g.groups) {
		groups = "all " + strconv.FormatFloat(g.groups, 'f', -1, 64) + " groups"
	}
	hk := fmt.Sprintf("%s = SFR_g/∏_{m∈g} e_m averaged over %s of %d models that make errors (%s); does not grow with the number of models",
		undefined(g.hk, "ensemble.homogenization_k"), groups, g.k, ci(g.hkCI, 3))
	h := float64(r.Ensemble.Homogenization)
	p := "p not computed"
	if v, ok := ensembleP["homogenization"]; ok {
		p = pText(float64(v), perms) + " against independent errors"
	}
	whole := fmt.Sprintf("%s = systemic / independent over all %d models (Bommasani et al. 2022; %s; %s)",
		undefined(h, "ensemble.homogenization"), m, ci(ensembleCI["homogenization"], 3), p)
	if _, ok := ensembleCI["homogenization"]; !ok {
		whole = fmt.Sprintf("%s = systemic / independent over all %d models (Bommasani et al. 2022; %s)", undefined(h, "ensemble.homogenization"), m, p)
	}
	out := []keyValue{
		{"Mean pairwise homogenization H", pair},
		{fmt.Sprintf("Homogenization H_%d", g.k), hk},
		{"Whole-set H (grows with the number of models; compare only at equal M)", whole},
	}
	if s := pairsBeyond(r); s != "" {
		out = append(out, keyValue{"Pairs failing together beyond difficulty", s})
	}
	return out
}

// pairsBeyond counts the pairs whose Benjamini–Hochberg adjusted p-value
// under each null is below 0.05: "12 of 276 pairs with instance difficulty
// and accuracy kept (curveball null); 276 of 276 against independent
// errors", or "" when no per-pair p-values were computed.
func pairsBeyond(r *metrics.Result) string {
	count := func(key string) (k, n int, ok bool) {
		var s [][]fnum
		if !decodeExtra(r.Pairwise.Extra[key], &s) {
			return 0, 0, false
		}
		for a, row := range s {
			for b := a + 1; b < len(row); b++ {
				if v := float64(row[b]); finite(v) {
					n++
					if v < 0.05 {
						k++
					}
				}
			}
		}
		return k, n, true
	}
	var parts []string
	if k, n, ok := count("error_consistency_p_difficulty_adj"); ok {
		parts = append(parts, fmt.Sprintf("%d of %d pairs with each instance's difficulty and each model's accuracy kept (curveball null)", k, n))
	}
	if k, n, ok := count("error_consistency_p_adj"); ok {
		parts = append(parts, fmt.Sprintf("%d of %d against independent errors at fixed accuracy", k, n))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + " (Benjamini–Hochberg adjusted p < 0.05)"
}

// overviewH is the overview's homogenization headline: the mean pairwise
// H and H_k with their intervals.
func overviewH(r *metrics.Result) string {
	g := readGroupH(r)
	s := "mean pairwise H = " + num(g.pairMean, 3)
	if g.pairMeanCI.ok() {
		s += " " + ivText(g.pairMeanCI, 3)
	}
	if g.k > 0 {
		s += fmt.Sprintf(", H_%d = %s", g.k, num(g.hk, 3))
		if g.hkCI.ok() {
			s += " " + ivText(g.hkCI, 3)
		}
	}
	return s + " (1 = independent errors)"
}
