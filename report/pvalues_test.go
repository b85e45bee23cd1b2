package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
)

func TestPValue(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     float64
		perms int
		want  string
	}{
		{"a p-value at the floor of 999 permutations is a bound", 1.0 / 1000, 999, "≤ 0.001 (999 permutations)"},
		{"the floor of 199 permutations", 1.0 / 200, 199, "≤ 0.005 (199 permutations)"},
		{"a floor is rounded up, so the bound stays true", 1.0 / 201, 200, "≤ 0.00498 (200 permutations)"},
		{"the floor of 1000 permutations is rounded up", 1.0 / 1001, 1000, "≤ 0.001 (1000 permutations)"},
		{"a p-value above the floor is a value", 3.0 / 1000, 999, "0.003"},
		{"a small p-value above the floor of many permutations", 5.0 / 10000, 9999, "< 0.001"},
		{"an unknown count prints the value", 0.005, 0, "0.005"},
		{"an undefined p-value is a dash", math.NaN(), 999, "—"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pValue(tc.p, tc.perms); got != tc.want {
				t.Errorf("pValue(%v, %d) = %q, want %q", tc.p, tc.perms, got, tc.want)
			}
		})
	}
}

// TestHomogenizationHeadlines checks that the terminal summary, the
// overview and the Homogenization section headline the mean pairwise H
// and H_k, that the whole-set H appears only with its warning and never
// in the terminal, and that p-values at their floor print as bounds with
// the permutation count, in the page and the LaTeX tables alike.
func TestHomogenizationHeadlines(t *testing.T) {
	in := metricsInputWith(t, metrics.Options{Bootstrap: 50, Permutations: 99, HomogenizationK: 3})
	var sum bytes.Buffer
	if err := Summary(&sum, in); err != nil {
		t.Fatal(err)
	}
	page := render(t, in)
	dir := t.TempDir()
	if err := WritePaper(dir, in); err != nil {
		t.Fatal(err)
	}
	tex, err := os.ReadFile(filepath.Join(dir, "tables", "ensemble.tex"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, where, text string
		want              []string
		not               []string
	}{
		{"the terminal headlines H at fixed group sizes", "summary", sum.String(),
			[]string{"mean pairwise homogenization H", "homogenization H_3 (mean over groups of 3 models)", "≤ 0.01 (99 permutations)", "p, independent errors", "over 15 pairs of 6 models", "of 15 pairs with each instance's difficulty and each model's accuracy kept (curveball null)"},
			[]string{"whole-set", "homogenization H  ", "ordered pairs", "∏ e_m"}},
		{"the page headlines H at fixed group sizes and warns on the whole-set H", "page", page,
			[]string{"mean pairwise H = ", ", H_3 = ", "Mean pairwise homogenization H", "Whole-set H (grows with the number of models; compare only at equal M)", "p ≤ 0.01 (99 permutations)"},
			[]string{"ordered pairs"}},
		{"the LaTeX ensemble table prints bounds", "ensemble.tex", strings.ReplaceAll(string(tex), `\\`, " "), // a cell's lines joined
			[]string{`$\leq$ 0.01 (99 permutations)`, "compare only at equal M"},
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range tc.want {
				if !strings.Contains(tc.text, w) {
					t.Errorf("%s lacks %q", tc.where, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(tc.text, w) {
					t.Errorf("%s holds %q", tc.where, w)
				}
			}
		})
	}
}

// TestMethodsNameWhatIntervalsAndPValuesConditionOn checks the methods
// text: the bootstrap count and what it holds fixed, the floor as a bound,
// each null and what it tests, the corrections, and H at fixed group
// sizes before the whole-set H's warning.
func TestMethodsNameWhatIntervalsAndPValuesConditionOn(t *testing.T) {
	b, err := build(metricsInputWith(t, metrics.Options{Bootstrap: 50, Permutations: 99}))
	if err != nil {
		t.Fatal(err)
	}
	md, keys := b.methods()
	text := string(md)
	for _, want := range []string{
		"paired bootstrap over test instances (50 replicates",
		"the runs are held fixed",
		"P = 99, so none is below 1/(P + 1) = 0.01; a p-value at that floor is reported as p ≤ 0.01",
		"independent errors at fixed accuracy",
		"every instance equally hard",
		"curveball chain",
		"every instance's number of failing models fixed",
		"Benjamini–Hochberg",
		"Holm",
		"H_3, the mean of SFR_g/∏_{m∈g} e_m over all groups g of 3 models",
		"we give it for comparison at equal M only",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("methods lack %q", want)
		}
	}
	for _, k := range []string{"strona2014fast", "besag1989generalized", "benjamini1995controlling", "holm1979simple"} {
		if !slices.Contains(keys, k) {
			t.Errorf("methods do not cite %s", k)
		}
	}
}
