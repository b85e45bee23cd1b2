package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
)

// recipe is a recipe point of family arch with n seeds, test error e and
// disagreement d, with seed intervals around both.
func recipe(arch string, n int, e, d, cace float64) recipePoint {
	return recipePoint{
		Recipe: "arch=" + arch, Config: map[string]string{"arch": arch}, NModels: n, NPairs: n * (n - 1) / 2,
		TestError: fnum(e), TestErrorSeedCI: interval{fnum(e - 0.005), fnum(e + 0.005)}, TestErrorCI: nanInterval,
		Disagreement: fnum(d), DisagreementSeedRange: interval{fnum(d - 0.002), fnum(d + 0.002)}, DisagreementCI: nanInterval,
		CACE: fnum(cace),
	}
}

func TestGenDisFigureColoursFamiliesAndDrawsSeedSpread(t *testing.T) {
	two := []recipePoint{recipe("logreg", 3, 0.08, 0.02, 0.14), recipe("mlp", 3, 0.035, 0.03, 0.03)}
	noSpread := make([]recipePoint, len(two))
	for i, r := range two {
		r.TestErrorSeedCI, r.DisagreementSeedRange = nanInterval, nanInterval
		noSpread[i] = r
	}
	tests := []struct {
		name       string
		recipes    []recipePoint
		wantFills  []string
		wantSpread bool
	}{
		{"each family has its colour, with the seed spread", two, []string{"fill:#0072B2", "fill:#D55E00"}, true},
		{"without seed intervals no spread is drawn", noSpread, []string{"fill:#0072B2", "fill:#D55E00"}, false},
		{"one family is one colour", two[:1], []string{"fill:#0072B2"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := genDisFigure(tt.recipes)
			if err != nil {
				t.Fatal(err)
			}
			svg, err := svgFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []string{"fill:#0072B2", "fill:#D55E00"} {
				want := strings.Contains(strings.Join(tt.wantFills, " "), c)
				if got := bytes.Contains(svg, []byte(c)); got != want {
					t.Errorf("points drawn with %s: %v, want %v", c, got, want)
				}
			}
			if got := bytes.Contains(svg, []byte("stroke-width:3")); got != tt.wantSpread {
				t.Errorf("thick seed bars drawn: %v, want %v", got, tt.wantSpread)
			}
		})
	}
}

func TestGenDisCaptionSaysWhereTheEqualityHolds(t *testing.T) {
	tests := []struct {
		name     string
		recipes  []recipePoint
		want     []string
		dontWant []string
	}{
		{"a family far below the line fails, one near it holds",
			[]recipePoint{recipe("logreg", 5, 0.08, 0.02, 0.14), recipe("logreg", 5, 0.09, 0.02, 0.15), recipe("mlp", 5, 0.035, 0.03, 0.03)},
			[]string{"logreg (2 recipes): disagreement/error 0.22–0.25, CACE 0.140–0.150 — disagreement underestimates", "mlp (1 recipe): disagreement/error 0.86, CACE 0.030 — about equal"},
			[]string{"Warning", "fewer than"}},
		{"a family above the line overestimates", []recipePoint{recipe("cnn", 6, 0.02, 0.04, 0.05)}, []string{"cnn (1 recipe): disagreement/error 2.00", "overestimates"}, []string{"Warning"}},
		{"a family on both sides is mixed", []recipePoint{recipe("cnn", 6, 0.02, 0.04, 0.05), recipe("cnn", 6, 0.02, 0.02, 0.01)}, []string{"mixed (1 of 2 recipes about equal)"}, nil},
		{"too few seeds for CACE are a warning",
			[]recipePoint{recipe("mlp", 3, 0.035, 0.03, 0.03), recipe("mlp", 2, 0.035, 0.03, 0.03), recipe("mlp", 3, 0.035, 0.03, 0.03)},
			[]string{"Warning: 1 recipe has 2 seeds and 2 recipes have 3 seeds, fewer than the 5 that CACE needs"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := genDisCaption(tt.recipes, false)
			m := genDisMethods(tt.recipes, func(...string) string { return "[@x]" })
			for _, w := range tt.want {
				if !strings.Contains(c, w) {
					t.Errorf("caption %q does not say %q", c, w)
				}
				if w = strings.TrimPrefix(w, "Warning: "); !strings.Contains(m, w) {
					t.Errorf("methods %q do not say %q", m, w)
				}
			}
			for _, w := range tt.dontWant {
				if strings.Contains(c, w) {
					t.Errorf("caption %q says %q", c, w)
				}
			}
		})
	}
}

func TestSummaryWarnsWhenRecipesHaveTooFewSeedsForCACE(t *testing.T) {
	for _, n := range []int{3, metrics.MinCACESeeds} {
		res := &metrics.Result{Models: []string{"a"}, Extra: map[string]any{
			"generalization_disagreement": []metrics.RecipeDisagreement{{Recipe: "arch=mlp", Config: map[string]string{"arch": "mlp"}, NModels: n, TestError: 0.03, Disagreement: 0.03, CACE: 0.03}},
		}}
		var out bytes.Buffer
		if err := Summary(&out, &Input{Metrics: res}); err != nil {
			t.Fatal(err)
		}
		want := n < metrics.MinCACESeeds
		if got := strings.Contains(out.String(), "warning: generalisation–disagreement: 1 recipe has 3 seeds, fewer than the 5 that CACE needs"); got != want {
			t.Errorf("%d seeds: summary warns %v, want %v:\n%s", n, got, want, out.String())
		}
	}
}
