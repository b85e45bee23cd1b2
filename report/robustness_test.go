package report

import (
	"strconv"
	"strings"
	"testing"

	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
)

// robustnessInput is metricsInput with robustness.pgd: the transfer of
// examples crafted on every model but the fifth (no source) on 40
// instances, and a picture grid of 2×2 images.
func robustnessInput(t *testing.T) *Input {
	in := metricsInput(t)
	x, res := in.Matrix, in.Metrics
	m, n := x.M(), 40
	tr := &predmat.Transfer{Attack: "pgd", Models: x.Models, NoSource: make([]string, m), NoTarget: make([]string, m),
		Grad: make([][]float32, m), NoGrad: make([]string, m), Pred: make([]int32, m*m*n)}
	for i := range n {
		tr.Instances = append(tr.Instances, strconv.Itoa(i))
	}
	for k := range tr.Pred {
		tr.Pred[k] = int32(k*7%11) % int32(x.Classes)
	}
	tr.NoSource[4], tr.NoGrad[4] = "arch=tree has none", "arch=tree has none"
	for s := range m {
		if s == 4 {
			for k := range m * n {
				tr.Pred[s*m*n+k] = -1
			}
		}
	}
	a := attack.Attack{Name: "pgd", Method: "pgd", Eps: 0.1, Steps: 5, RandomStart: true}
	acc := make([]float64, m)
	metrics.AddRobustness(res, []attack.Attack{a}, n, [][]float64{acc}, [][]string{make([]string, m)})
	if err := metrics.AddTransfer(res, x, []*predmat.Transfer{tr}, metrics.Options{Bootstrap: 50}); err != nil {
		t.Fatal(err)
	}
	in.AdvPictures = &AdvPictures{Attack: "pgd", Height: 2, Width: 2, Chans: 1, Instances: []string{"0"}, Labels: []int32{1},
		Clean: [][]float32{{0, 1, 1, 0}}, Sources: []string{x.Models[0]}, SourceFamilies: []string{"mlp"},
		Adv: [][][]float32{{{0.1, 0.9, 1, 0}}}, Targets: []string{x.Models[0]}, TargetFamily: []string{"mlp"}, Pred: [][][]int32{{{2}}}}
	return in
}

// TestRobustnessSectionShowsTransfer checks the Robustness section: the
// transfer_cc heatmap beside the error consistency heatmap, the
// adversarial accuracy and attribution tables, the picture grid, and the
// methods paragraph naming the attack's every parameter; and that a
// report without attacks has no such section.
func TestRobustnessSectionShowsTransfer(t *testing.T) {
	page := render(t, robustnessInput(t))
	sec := between(t, page, `id="robustness"`, "</section>")
	for _, want := range []string{`data-figure="error_consistency"`, `data-figure="transfer_cc_pgd"`, `id="table-adv_accuracy"`,
		`id="table-transfer_attribution_pgd"`, `id="table-transfer_questions_pgd"`, `data-figure="adversarial_examples"`, "PGD, L∞, ε = 0.1, 5 steps of α = 0.025, random start"} {
		if !strings.Contains(sec, want) {
			t.Errorf("the robustness section lacks %s", want)
		}
	}
	b, err := build(robustnessInput(t))
	if err != nil {
		t.Fatal(err)
	}
	md, _ := b.methods()
	for _, want := range []string{"40 test instances", "pgd (PGD, L∞, ε = 0.1, 5 steps of α = 0.025, random start)", "transfer_cc (the headline)", "@waseda2023closer"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("methods.md lacks %q", want)
		}
	}
	if page := render(t, metricsInput(t)); strings.Contains(page, `id="robustness"`) {
		t.Error("a report without attacks has a robustness section")
	}
}
