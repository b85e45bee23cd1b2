package metrics

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/spec"
)

// sharingMatrix has 4 scratch models with independent 10% errors and 4
// models from a shared backbone whose errors fall, with probability
// together, on one common set of instances.
func sharingMatrix(together float64) *predmat.Matrix {
	const n, per = 3000, 4
	rng := rand.New(rand.NewPCG(5, 6))
	x := &predmat.Matrix{Classes: 2, Labels: make([]int32, n)}
	for i := range n {
		x.Instances = append(x.Instances, strconv.Itoa(i))
	}
	common := make([]bool, n)
	for i := range common {
		common[i] = rng.Float64() < 0.1
	}
	for _, init := range []string{"scratch", "from(role=pretrain seed=1)"} {
		for s := range per {
			x.Models = append(x.Models, init+" "+strconv.Itoa(s))
			x.Configs = append(x.Configs, map[string]string{"init": init, "seed": strconv.Itoa(s)})
			for i := range n {
				wrong := rng.Float64() < 0.1
				if init != "scratch" && rng.Float64() < together {
					wrong = common[i]
				}
				p := int32(0)
				if wrong {
					p = 1
				}
				x.Pred = append(x.Pred, p)
			}
		}
	}
	return x
}

func TestSharing(t *testing.T) {
	cases := []struct {
		name    string
		x       *predmat.Matrix
		verdict string
		phrase  string
	}{
		{"a shared backbone whose models err together raised homogenization", sharingMatrix(0.9), "raised", "raised homogenization compared with scratch"},
		{"a shared backbone whose models err independently changed nothing", sharingMatrix(0), "no detectable change", "did not measurably change homogenization"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Sharing(c.x, Options{})
			if s == nil || len(s.Axes) != 1 {
				t.Fatalf("analysis %+v, want one axis", s)
			}
			ax := s.Axes[0]
			if ax.Reference != "scratch" || len(ax.Differences) != 1 {
				t.Fatalf("reference %q, %d differences", ax.Reference, len(ax.Differences))
			}
			d := ax.Differences[0]
			if d.Verdict != c.verdict {
				t.Errorf("verdict %q (difference %v %v), want %q", d.Verdict, d.PairwiseH, d.PairwiseHCI, c.verdict)
			}
			if !strings.Contains(ax.Sentence, c.phrase) {
				t.Errorf("sentence %q, want %q", ax.Sentence, c.phrase)
			}
			if sh := ax.Conditions[1]; sh.Kind != "shared" || len(sh.Models) != 4 {
				t.Errorf("condition %+v, want 4 shared models", sh)
			}
			// The permutation test: models erring on a common set fail
			// together far beyond independence; independent ones do not.
			if scratch := ax.Conditions[0]; scratch.PairwiseHP < 0.05 {
				t.Errorf("scratch models with independent errors: H p = %v, want ≥ 0.05", scratch.PairwiseHP)
			}
			if sh := ax.Conditions[1]; c.verdict == "raised" && sh.PairwiseHP > 0.01 {
				t.Errorf("shared-backbone models erring together: H p = %v, want ≤ 0.01", sh.PairwiseHP)
			}
			if c.verdict == "raised" && !(ax.Conditions[1].PairwiseHCI[0] > ax.Conditions[0].PairwiseHCI[1]) {
				t.Errorf("shared H interval %v is not above the scratch one %v", ax.Conditions[1].PairwiseHCI, ax.Conditions[0].PairwiseHCI)
			}
		})
	}
	t.Run("a matrix without sharing axes has no analysis", func(t *testing.T) {
		x := sharingMatrix(0)
		for _, c := range x.Configs {
			delete(c, "init")
		}
		if s := Sharing(x, Options{}); s != nil {
			t.Errorf("analysis %+v, want nil", s)
		}
	})
	t.Run("values map to conditions", func(t *testing.T) {
		for _, c := range []struct{ key, value, label, kind string }{
			{"init", "scratch", "scratch", "scratch"},
			{"init", "", "", "scratch"},
			{"init", "from(role=pretrain seed=100)", "from(role=pretrain seed=100)", "shared"},
			{"init", "from(role=pretrain seed={seed})", "from(role=pretrain seed={seed})", "per-run"},
			{"data_subset", "half-a", dataDisjoint, "disjoint"},
			{"data_subset", "half-b", dataDisjoint, "disjoint"},
			{"data_subset", "overlap-a", dataOverlap, "overlap"},
			{"data_subset", "overlap-b", dataOverlap, "overlap"},
			{"data_subset", "full", "full", "identical"},
		} {
			if label, kind := conditionOf(c.key, c.value); label != c.label || kind != c.kind {
				t.Errorf("%s = %q: %q (%s), want %q (%s)", c.key, c.value, label, kind, c.label, c.kind)
			}
		}
	})
}

// TestSharingValuesMatchSpec checks the sharing axes' values, which this
// package spells out rather than import spec, against spec's constants.
func TestSharingValuesMatchSpec(t *testing.T) {
	for _, c := range []struct{ name, here, spec string }{
		{"InitScratch", initScratch, spec.InitScratch},
		{"InitShared", initShared, spec.InitShared},
		{"InitPerRun", initPerRun, spec.InitPerRun},
		{"SubsetHalfA", subsetHalfA, spec.SubsetHalfA},
		{"SubsetHalfB", subsetHalfB, spec.SubsetHalfB},
		{"SubsetOverlapA", subsetOverlapA, spec.SubsetOverlapA},
		{"SubsetOverlapB", subsetOverlapB, spec.SubsetOverlapB},
	} {
		if c.here != c.spec {
			t.Errorf("spec.%s is %q, metrics has %q", c.name, c.spec, c.here)
		}
	}
}

func TestSharingCountsFollowTheOptions(t *testing.T) {
	x := sharingMatrix(0.9)
	for _, tc := range []struct {
		name          string
		opts          Options
		boot, perms   int
		verdict       string
		intervals, ps bool
	}{
		{"the defaults are 1000 replicates and 999 permutations", Options{}, DefaultBootstrap, DefaultPermutations, "raised", true, true},
		{"given counts mean themselves", Options{Bootstrap: 60, Permutations: 19}, 60, 19, "raised", true, true},
		{"without replicates nothing is tested", Options{Bootstrap: -1, Permutations: -1}, 0, 0, "not tested", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Sharing(x, tc.opts)
			if s.Bootstrap != tc.boot || s.Permutations != tc.perms {
				t.Errorf("bootstrap %d, permutations %d; want %d, %d", s.Bootstrap, s.Permutations, tc.boot, tc.perms)
			}
			ax := s.Axes[0]
			if v := ax.Differences[0].Verdict; v != tc.verdict {
				t.Errorf("verdict %q, want %q (sentence %q)", v, tc.verdict, ax.Sentence)
			}
			c := ax.Conditions[1]
			if got := !math.IsNaN(c.PairwiseHCI[0]); got != tc.intervals {
				t.Errorf("interval %v computed: %v, want %v", c.PairwiseHCI, got, tc.intervals)
			}
			if got := !math.IsNaN(float64(c.PairwiseHP)); got != tc.ps {
				t.Errorf("p %v computed: %v, want %v", c.PairwiseHP, got, tc.ps)
			}
			// A condition's members marshal, NaN as null.
			if _, err := json.Marshal(s); err != nil {
				t.Errorf("marshal: %v", err)
			}
			if tc.ps && float64(c.PairwiseHP) < 1/float64(tc.perms+1) {
				t.Errorf("p %v below the floor 1/(P+1) of %d permutations", c.PairwiseHP, tc.perms)
			}
		})
	}
}
