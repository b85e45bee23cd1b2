package metrics

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/predmat"
)

// transferResult runs AddRobustness and AddTransfer on x and tr.
func transferResult(t *testing.T, x *predmat.Matrix, tr *predmat.Transfer, opts Options) (*Result, *Transfer) {
	t.Helper()
	r := &Result{Models: x.Models}
	acc := make([]float64, x.M())
	AddRobustness(r, []attack.Attack{{Name: tr.Attack, Method: "fgsm", Eps: 0.1}}, tr.N(), [][]float64{acc}, [][]string{make([]string, x.M())})
	if err := AddTransfer(r, x, []*predmat.Transfer{tr}, opts); err != nil {
		t.Fatal(err)
	}
	return r, r.Extra["robustness"].(map[string]*Robustness)[tr.Attack].Transfer
}

// TestTransferMatchesTheReferenceVector checks the reference sheet's
// vector (§1e): 8 instances, columns (y, f_s(x), f_s(x̃), f_t(x),
// f_t(x̃)), which give T_raw 0.75, n_cc 6, T_cc 4/6, n_succ 4, T_succ
// 0.75 and, of the 4 successful source attacks, 2 where the target makes
// the source's mistake (same_mistake_succ 0.5), 2 of the target's 3
// transferred failures (same_mistake 2/3). The second model is no
// source: its row is null with the reason.
func TestTransferMatchesTheReferenceVector(t *testing.T) {
	rows := [][5]int32{{0, 0, 1, 0, 1}, {1, 1, 2, 1, 1}, {2, 2, 0, 2, 1}, {0, 0, 0, 0, 0}, {1, 1, 1, 1, 2}, {2, 1, 1, 2, 0}, {0, 0, 2, 1, 2}, {1, 1, 0, 1, 0}}
	n := len(rows)
	x := &predmat.Matrix{Models: []string{"s", "t"}, Classes: 3, Labels: make([]int32, n), Instances: make([]string, n), Pred: make([]int32, 2*n)}
	tr := &predmat.Transfer{Attack: "a", Models: x.Models, Instances: x.Instances, Pred: make([]int32, 4*n),
		NoSource: []string{"", "arch=tree has none"}, NoTarget: []string{"", ""}, Grad: make([][]float32, 2), NoGrad: []string{"x", "x"}}
	for i, r := range rows {
		x.Labels[i], x.Instances[i] = r[0], strconv.Itoa(i)
		x.Pred[i], x.Pred[n+i] = r[1], r[3]
		tr.Pred[i], tr.Pred[n+i] = r[2], r[4] // source 0 on itself, on t
		tr.Pred[2*n+i], tr.Pred[3*n+i] = -1, -1
	}
	r, got := transferResult(t, x, tr, Options{Bootstrap: -1})
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"transfer_raw", got.TransferRaw[0][1], 0.75},
		{"n_cc", got.NCC[0][1], 6},
		{"transfer_cc", got.TransferCC[0][1], 4.0 / 6},
		{"n_succ", got.NSucc[0][1], 4},
		{"transfer_succ", got.TransferSucc[0][1], 0.75},
		{"same_mistake_succ", got.SameMistakeSucc[0][1], 0.5},
		{"same_mistake", got.SameMistake[0][1], 2.0 / 3},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !math.IsNaN(got.TransferCC[1][0]) || !strings.Contains(r.Reasons["robustness.a.transfer_cc[1]"], "arch=tree") {
		t.Errorf("the tree's row: %v, reason %q", got.TransferCC[1], r.Reasons["robustness.a.transfer_cc[1]"])
	}
}

// TestTransferMatchesNumpy checks every transfer measure against plain
// numpy loops on random predictions and gradients
// (testdata/gen_transfer.py), with a model that is no source and has no
// gradient, and zero gradients on some instances.
func TestTransferMatchesNumpy(t *testing.T) {
	b, err := os.ReadFile("testdata/transfer.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Labels []int32     `json:"labels"`
		Clean  [][]int32   `json:"clean"`
		Rows   []int       `json:"rows"`
		Pred   []int32     `json:"pred"`
		Grad   [][]float32 `json:"grad"`
		Dim    int         `json:"dim"`
		Want   map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ref.Want); err != nil {
		t.Fatal(err)
	}
	m, nAll := len(ref.Clean), len(ref.Labels)
	x := &predmat.Matrix{Classes: 3, Labels: ref.Labels}
	for a := range m {
		x.Models = append(x.Models, "m"+strconv.Itoa(a))
		x.Pred = append(x.Pred, ref.Clean[a]...)
	}
	for i := range nAll {
		x.Instances = append(x.Instances, strconv.Itoa(i))
	}
	tr := &predmat.Transfer{Attack: "a", Models: x.Models, Pred: ref.Pred, NoSource: make([]string, m), NoTarget: make([]string, m),
		Grad: make([][]float32, m), NoGrad: make([]string, m), In: ref.Dim}
	for _, r := range ref.Rows {
		tr.Instances = append(tr.Instances, strconv.Itoa(r))
	}
	for a := range m {
		if a == 3 {
			tr.NoSource[a], tr.NoGrad[a] = "arch=tree", "arch=tree"
			continue
		}
		tr.Grad[a] = ref.Grad[a]
	}
	_, got := transferResult(t, x, tr, Options{Bootstrap: 50, Seed: 1})
	squares := map[string]Square{"transfer_raw": got.TransferRaw, "transfer_cc": got.TransferCC, "transfer_succ": got.TransferSucc,
		"same_mistake": got.SameMistake, "same_mistake_succ": got.SameMistakeSucc, "n_cc": got.NCC, "n_succ": got.NSucc,
		"gradient_alignment": got.GradientAlignment}
	same := func(g float64, w *float64) bool {
		if w == nil {
			return math.IsNaN(g)
		}
		return math.Abs(g-*w) <= 1e-6*(1+math.Abs(*w))
	}
	for name, sq := range squares {
		var want [][]*float64
		if err := json.Unmarshal(ref.Want[name], &want); err != nil {
			t.Fatal(err)
		}
		for s := range m {
			for u := range m {
				if !same(sq[s][u], want[s][u]) {
					t.Errorf("%s[%d][%d] = %v, want %v", name, s, u, sq[s][u], want[s][u])
				}
			}
		}
	}
	for name, v := range map[string]Vec{"adv_systemic_failure_rate": got.AdvSystemicFailureRate,
		"adv_independent_failure_rate": got.AdvIndependentFailureRate, "n_consensus": got.NConsensus} {
		var want []*float64
		if err := json.Unmarshal(ref.Want[name], &want); err != nil {
			t.Fatal(err)
		}
		for s := range m {
			if !same(v[s], want[s]) {
				t.Errorf("%s[%d] = %v, want %v", name, s, v[s], want[s])
			}
		}
	}
	for _, name := range transferMeasures {
		mean, ci := got.Means[name].Mean, got.Means[name].CI
		if ci == nil || !(ci[0] <= float64(mean) && float64(mean) <= ci[1]) {
			t.Errorf("means.%s = %v, interval %v", name, mean, ci)
		}
	}
}

// TestTransferAttributionSymmetrises checks the attribution of the
// transfer matrices: a pair's value is the mean of its two directions, or
// its one defined direction when a model is no source, and the axes come
// lowest mean transfer_cc first.
func TestTransferAttributionSymmetrises(t *testing.T) {
	nan := math.NaN()
	configs := []map[string]string{{"arch": "mlp", "seed": "1"}, {"arch": "mlp", "seed": "2"}, {"arch": "tree", "seed": "1"}}
	cc := Square{{0.9, 0.6, 0.2}, {0.4, 0.9, 0.3}, {nan, nan, nan}}
	point := map[string]Square{"transfer_cc": cc, "same_mistake": cc, "gradient_alignment": cc}
	why := Reasons{}
	got := transferAttribution(configs, point, nil, 0, why, "robustness.a")
	if len(got) != 2 || got[0].Axis != "arch" || got[1].Axis != "seed" {
		t.Fatalf("attribution = %+v", got)
	}
	if m := float64(got[0].Measures["transfer_cc"].Mean); m != 0.2 { // pair (0, 2): only 0→2
		t.Errorf("arch: mean transfer_cc %v, want 0.2", m)
	}
	if m := float64(got[1].Measures["transfer_cc"].Mean); math.Abs(m-0.5) > 1e-15 { // (0.6 + 0.4)/2
		t.Errorf("seed: mean transfer_cc %v, want 0.5", m)
	}
}

// TestTransferReasonsNameRowsOnce checks that a model without input
// gradient has one reason for its row of gradient_alignment, and a cell
// reason only in the rows of models that have one.
func TestTransferReasonsNameRowsOnce(t *testing.T) {
	x := &predmat.Matrix{Models: []string{"a", "b"}, Classes: 2, Labels: []int32{0, 1}, Instances: []string{"0", "1"}, Pred: []int32{0, 1, 0, 1}}
	tr := &predmat.Transfer{Attack: "a", Models: x.Models, Instances: x.Instances, Pred: []int32{1, 1, 0, 0, -1, -1, -1, -1},
		NoSource: []string{"", "tree"}, NoTarget: []string{"", ""}, Grad: [][]float32{{1, 0}, nil}, NoGrad: []string{"", "tree"}, In: 1}
	r, _ := transferResult(t, x, tr, Options{Bootstrap: -1})
	for path, want := range map[string]bool{
		"robustness.a.gradient_alignment[1]": true, "robustness.a.gradient_alignment[1][0]": false,
		"robustness.a.gradient_alignment[0][1]": true, "robustness.a.transfer_cc[1]": true, "robustness.a.transfer_cc[1][0]": false,
	} {
		if (r.Reasons[path] != "") != want {
			t.Errorf("reason at %s: %q", path, r.Reasons[path])
		}
	}
}

// TestTransferQuestionsCompareGroupsOfPairs checks the two questions: the
// same-arch and different-arch groups and, with an adversarial axis, the
// pairs within each training condition over the archs trained both ways
// (the tree, trained only one way, is left out). A group's error
// consistency is metrics.Compute's when every test instance is attacked,
// its transfer_cc the mean of its pairs' two directions, and a
// difference is the second group's mean minus the first's.
func TestTransferQuestionsCompareGroupsOfPairs(t *testing.T) {
	configs := []map[string]string{
		{"arch": "mlp", "adversarial": "none"}, {"arch": "mlp", "adversarial": "pgd"},
		{"arch": "logreg", "adversarial": "none"}, {"arch": "logreg", "adversarial": "pgd"},
		{"arch": "tree", "adversarial": "none"},
	}
	m, n := len(configs), 64
	x := &predmat.Matrix{Classes: 3, Labels: make([]int32, n), Configs: configs}
	for a := range m {
		x.Models = append(x.Models, "m"+strconv.Itoa(a))
	}
	for i := range n {
		x.Instances = append(x.Instances, strconv.Itoa(i))
		x.Labels[i] = int32(i % 3)
	}
	for a := range m {
		for i := range n {
			p := x.Labels[i]
			if (i*(a+3)+a)%5 == 0 {
				p = (p + 1) % 3
			}
			x.Pred = append(x.Pred, p)
		}
	}
	tr := &predmat.Transfer{Attack: "a", Models: x.Models, Instances: x.Instances, NoSource: make([]string, m), NoTarget: make([]string, m),
		Grad: make([][]float32, m), NoGrad: make([]string, m)}
	for s := range m {
		for u := range m {
			for i := range n {
				v := x.Labels[i]
				if (i+2*s+u)%3 == 0 {
					v = (v + 2) % 3
				}
				if s == 4 {
					v = -1
				}
				tr.Pred = append(tr.Pred, v)
			}
		}
	}
	tr.NoSource[4] = "tree"
	res, err := Compute(x, Options{Bootstrap: -1, Permutations: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, got := transferResult(t, x, tr, Options{Bootstrap: 20, Seed: 2})
	sym := func(a, c int) float64 {
		v, w := got.TransferCC[a][c], got.TransferCC[c][a]
		if math.IsNaN(v) {
			return w
		}
		if math.IsNaN(w) {
			return v
		}
		return (v + w) / 2
	}
	mean := func(pairs [][2]int, f func(a, c int) float64) float64 {
		s := 0.0
		for _, p := range pairs {
			s += f(p[0], p[1])
		}
		return s / float64(len(pairs))
	}
	ec := func(a, c int) float64 { return res.Pairwise.ErrorConsistency[a][c] }
	if len(got.Questions) != 2 {
		t.Fatalf("%d questions, want 2", len(got.Questions))
	}
	for q, want := range []struct{ groups [][][2]int }{
		{[][][2]int{{{0, 2}, {0, 3}, {0, 4}, {1, 2}, {1, 3}, {1, 4}, {2, 4}, {3, 4}}, {{0, 1}, {2, 3}}}}, // different, same arch
		{[][][2]int{{{0, 2}}, {{1, 3}}}}, // none, pgd: the tree left out
	} {
		g := got.Questions[q].Groups
		for k, pairs := range want.groups {
			if g[k].NPairs != len(pairs) {
				t.Fatalf("question %d group %s: %d pairs, want %d", q, g[k].Name, g[k].NPairs, len(pairs))
			}
			for name, f := range map[string]func(a, c int) float64{"transfer_cc": sym, "error_consistency": ec} {
				if v := float64(g[k].Measures[name].Mean); math.IsNaN(v) || math.Abs(v-mean(pairs, f)) > 1e-12 {
					t.Errorf("question %d group %s: %s %v, want %v", q, g[k].Name, name, v, mean(pairs, f))
				}
			}
		}
		d := got.Questions[q].Differences[0].Measures["transfer_cc"]
		if want := g[1].Measures["transfer_cc"].Mean - g[0].Measures["transfer_cc"].Mean; d.Mean != want || d.CI == nil {
			t.Errorf("question %d: difference %v (interval %v), want %v", q, d.Mean, d.CI, want)
		}
	}
}
