package report

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/study-harness/study/study/metrics"
)

// The equality of Jiang et al. (2022), test error = expected disagreement,
// is read per family: a recipe's ratio disagreement/test error within
// [1/genDisTolerance, genDisTolerance] is "about equal".
const genDisTolerance = 1.25

// aboutEqual says what "about equal" means in the verdicts.
var aboutEqual = fmt.Sprintf("about equal: disagreement/error in [%s, %s]", num(1/genDisTolerance, 2), num(genDisTolerance, 2))

// recipeFamily is the family of a recipe: its arch, or "recipe" when the
// grid does not vary or name one.
func recipeFamily(r recipePoint) string {
	if a := r.Config["arch"]; a != "" {
		return a
	}
	return "recipe"
}

// genDisFamily summarises the recipes of one family: the range of their
// ratio disagreement/test error and of their CACE.
type genDisFamily struct {
	name               string
	n                  int
	ratioLo, ratioHi   float64
	caceLo, caceHi     float64
	under, equal, over int // recipes whose ratio is below, within, above the tolerance
}

// genDisFamilies groups the recipes with a finite error and disagreement
// by family, in sorted family order.
func genDisFamilies(recipes []recipePoint) []genDisFamily {
	by := map[string]*genDisFamily{}
	var names []string
	for _, r := range recipes {
		e, d := float64(r.TestError), float64(r.Disagreement)
		if !finite(e) || !finite(d) || e <= 0 {
			continue
		}
		name := recipeFamily(r)
		f, ok := by[name]
		if !ok {
			f = &genDisFamily{name: name, ratioLo: math.Inf(1), ratioHi: math.Inf(-1), caceLo: math.Inf(1), caceHi: math.Inf(-1)}
			by[name] = f
			names = append(names, name)
		}
		f.n++
		q := d / e
		f.ratioLo, f.ratioHi = math.Min(f.ratioLo, q), math.Max(f.ratioHi, q)
		if c := float64(r.CACE); finite(c) {
			f.caceLo, f.caceHi = math.Min(f.caceLo, c), math.Max(f.caceHi, c)
		}
		switch {
		case q < 1/genDisTolerance:
			f.under++
		case q > genDisTolerance:
			f.over++
		default:
			f.equal++
		}
	}
	slices.Sort(names)
	out := make([]genDisFamily, len(names))
	for i, n := range names {
		out[i] = *by[n]
	}
	return out
}

// span writes lo–hi, or one value when they are equal at the precision.
func span(lo, hi float64, prec int) string {
	a, b := num(lo, prec), num(hi, prec)
	if a == b {
		return a
	}
	return a + "–" + b
}

// verdicts says, per family, where the equality holds and where it fails.
func genDisVerdicts(recipes []recipePoint) string {
	var parts []string
	for _, f := range genDisFamilies(recipes) {
		var v string
		switch {
		case f.equal == f.n:
			v = "about equal"
		case f.under == f.n:
			v = "disagreement underestimates the test error: it does not estimate it without labels"
		case f.over == f.n:
			v = "disagreement overestimates the test error: it does not estimate it without labels"
		default:
			v = fmt.Sprintf("mixed (%d of %d recipes about equal)", f.equal, f.n)
		}
		c := "CACE not computed"
		if finite(f.caceLo) {
			c = "CACE " + span(f.caceLo, f.caceHi, 3)
		}
		parts = append(parts, fmt.Sprintf("%s (%d %s): disagreement/error %s, %s — %s", noControl(f.name), f.n, plural(f.n, "recipe", "recipes"), span(f.ratioLo, f.ratioHi, 2), c, v))
	}
	return strings.Join(parts, "; ")
}

// caceNote warns when recipes have fewer seeds than metrics.MinCACESeeds,
// or returns "".
func caceNote(recipes []recipePoint) string {
	few := map[int]int{}
	for _, r := range recipes {
		if r.NModels < metrics.MinCACESeeds {
			few[r.NModels]++
		}
	}
	if len(few) == 0 {
		return ""
	}
	var parts []string
	for _, n := range slices.Sorted(maps.Keys(few)) {
		parts = append(parts, fmt.Sprintf("%d %s %d seeds", few[n], plural(few[n], "recipe has", "recipes have"), n))
	}
	return fmt.Sprintf("%s, fewer than the %d that CACE needs: with n seeds the ensemble's class probabilities take only n+1 values, and the bound holds for (n−1)/n of the disagreement, so CACE is a coarse check.",
		joinAnd(parts), metrics.MinCACESeeds)
}

// genDisCaption is the caption of the generalisation–disagreement figure;
// bars says whether bootstrap intervals are drawn.
func genDisCaption(recipes []recipePoint, bars bool) string {
	s := "Generalisation–disagreement (Jiang et al. 2022): one point per recipe (a configuration without its seed), coloured by family, the mean disagreement between pairs of its seeds against its mean test error. " +
		"Thick pale bars: spread across seeds (95% Student-t interval of the test error over the seeds; smallest to largest disagreement of its seed pairs)"
	if bars {
		s += "; thin bars: 95% bootstrap intervals over test instances"
	}
	s += ". The dashed line y = x holds only for an ensemble that is class-aggregated calibrated: for the n seeds of a recipe, |test error − (n−1)/n·disagreement| ≤ CACE, its class-aggregated calibration error. "
	if v := genDisVerdicts(recipes); v != "" {
		s += "Here (" + aboutEqual + "): " + v + ". "
	}
	if w := caceNote(recipes); w != "" {
		s += "Warning: " + w
	}
	return strings.TrimSpace(s)
}

// genDisMethods is the methods sentence on the generalisation–disagreement
// relation, with the verdict per family.
func genDisMethods(recipes []recipePoint, cite func(...string) string) string {
	s := fmt.Sprintf(" For each recipe (a configuration without its seed) we relate test error to the disagreement between its seeds %s. The two are equal only for an ensemble that is class-aggregated calibrated; we report the class-aggregated calibration error (CACE) of each recipe's hard-vote seed ensemble, which bounds |test error − (n−1)/n·disagreement| for its n seeds.", cite("jiang2022assessing"))
	if v := genDisVerdicts(recipes); v != "" {
		s += " Per family (" + aboutEqual + "): " + v + "."
	}
	if w := caceNote(recipes); w != "" {
		s += " " + w
	}
	return s
}

// writeCACEWarning writes the seed-count warning of the
// generalisation–disagreement relation to the terminal summary.
func (b *built) writeCACEWarning(w io.Writer) error {
	if !b.x.hasRecipes {
		return nil
	}
	if n := caceNote(b.x.recipes); n != "" {
		_, err := fmt.Fprintln(w, "warning: generalisation–disagreement: "+n)
		return err
	}
	return nil
}
