package metrics

import (
	"strings"
	"testing"
)

// TestReplicatesDeclaredAndCopies checks that Matrix.Replicates names the
// seed-like field of predictions from elsewhere, and that bit-identical
// runs of one recipe (a deterministic fitter under several seeds) are not
// counted as seed replicates.
func TestReplicatesDeclaredAndCopies(t *testing.T) {
	tests := []struct {
		name       string
		field      string   // the replicate-like configuration field
		replicates []string // Matrix.Replicates
		copies     bool     // arch=b's three runs are one model
		recipes    int      // generalisation–disagreement points
		seedPairs  int      // pairs of the attribution row of field
		why        string   // part of the reason when recipes == 0
	}{
		{"a seed field is a replicate by default", "seed", nil, false, 2, 6, ""},
		{"another name is a factor unless declared", "run", nil, false, 0, 6, "no recipe has two or more runs"},
		{"a declared field is a replicate", "run", []string{"run"}, false, 2, 6, ""},
		{"an empty declaration turns the default off", "seed", []string{}, false, 0, 6, "no recipe has two or more runs"},
		{"copies across seeds are not replicates", "seed", nil, true, 1, 3, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := randomMatrix(7, 6, 300, 3, 0.7)
			x.Prob = nil
			for a := range 6 {
				arch := "a"
				if a >= 3 {
					arch = "b"
				}
				x.Configs = append(x.Configs, map[string]string{"arch": arch, tc.field: string(rune('1' + a%3))})
			}
			if tc.copies {
				copy(x.Row(4), x.Row(3))
				copy(x.Row(5), x.Row(3))
			}
			x.Replicates = tc.replicates
			r, err := Compute(x, Options{Bootstrap: -1, Permutations: -1})
			if err != nil {
				t.Fatal(err)
			}
			gd, _ := r.Extra["generalization_disagreement"].([]RecipeDisagreement)
			if len(gd) != tc.recipes {
				t.Fatalf("%d recipes, want %d (%v)", len(gd), tc.recipes, r.Reasons["generalization_disagreement"])
			}
			if tc.recipes == 0 && !strings.Contains(r.Reasons["generalization_disagreement"], tc.why) {
				t.Errorf("reason %q, want it to contain %q", r.Reasons["generalization_disagreement"], tc.why)
			}
			at, _ := r.Extra["attribution"].([]AxisAttribution)
			for _, a := range at {
				if a.Axis == tc.field && a.NPairs != tc.seedPairs {
					t.Errorf("axis %s: %d pairs, want %d", a.Axis, a.NPairs, tc.seedPairs)
				}
			}
		})
	}
}
