package report

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
)

// explainInput is a report input of 4 models (two families, two seeds)
// with occlusion for all and saliency for the nets, on 3×3 images.
func explainInput(t *testing.T) *Input {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 5))
	const m, n, rows, d = 4, 20, 12, 9
	x := &predmat.Matrix{Classes: 2}
	for i := range n {
		x.Instances = append(x.Instances, string(rune('a'+i)))
		x.Labels = append(x.Labels, int32(i%2))
		x.FeatureIdx = append(x.FeatureIdx, i)
	}
	a := &predmat.Attributions{Methods: []string{"saliency", "occlusion"}, Target: "pred", K: 3, Rows: rows, Dim: d, Height: 3, Width: 3, Channels: 1,
		Values: make([][][]float32, 2), Why: make([][]string, 2)}
	for mi, arch := range []string{"mlp", "mlp", "tree", "tree"} {
		x.Models = append(x.Models, arch+"-"+string(rune('1'+mi%2)))
		x.Configs = append(x.Configs, map[string]string{"arch": arch, "seed": string(rune('1' + mi%2))})
		for i := range n {
			p := int32(i % 2)
			if rng.Float64() < 0.3 {
				p = 1 - p
			}
			x.Pred = append(x.Pred, p)
		}
		for k := range 2 {
			var v []float32
			why := "arch=tree is fitted"
			if k == 1 || arch == "mlp" {
				why = ""
				for range rows * d {
					v = append(v, float32(rng.NormFloat64()))
				}
			}
			a.Values[k] = append(a.Values[k], v)
			a.Why[k] = append(a.Why[k], why)
		}
	}
	x.Attributions = a
	r, err := metrics.Compute(x, metrics.Options{Bootstrap: 50, Permutations: 19, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	in := &Input{Title: "explain", Matrix: x, Metrics: r}
	in.Sections = InterpretabilitySections(r, x)
	return in
}

// TestInterpretabilitySectionsAndFigures checks the Interpretability
// section (a headline per method with three pairs or more, one table
// row per method) and a section per method, and that the report draws
// their figures: the heatmap pairs and the attribution maps.
func TestInterpretabilitySectionsAndFigures(t *testing.T) {
	in := explainInput(t)
	s := in.Sections
	if len(s) != 3 || s[0].ID != "interpretability" || s[0].Figure != attributionMapsFigure || s[1].ID != "interpretability-saliency" || s[2].Figure != "explanations_occlusion" {
		t.Fatalf("sections %+v", s)
	}
	// saliency has a single pair: no correlation.
	if rows := s[0].Table.Rows; len(rows) != 2 || rows[0][0] != "saliency" || rows[0][1] != "2" || rows[1][1] != "4" {
		t.Fatalf("table rows %q", rows)
	}
	if txt := strings.Join(s[0].Text, "\n"); !strings.Contains(txt, "occlusion: r = ") || strings.Contains(txt, "saliency: r = ") {
		t.Fatalf("headlines %q", txt)
	}
	dir := t.TempDir()
	if err := Write(dir, filepath.Join(dir, "report.html"), in); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"explanations_saliency.svg", "explanations_occlusion.svg", attributionMapsFigure + ".svg"} {
		if _, err := os.Stat(filepath.Join(dir, "figures", f)); err != nil {
			t.Errorf("figure %s: %v", f, err)
		}
	}
	b, err := build(in)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := b.methods()
	for _, want := range []string{"Explanations: for the first 12 instances", "saliency, |∂F_c/∂x| of the logit", "a 1×1 window (stride 1)", "top-3 of 9 features"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("methods lack %q:\n%s", want, md)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || strings.Contains(string(html), "has no data") {
		t.Errorf("report: a figure has no data (%v)", err)
	}
}

func TestNoInterpretabilityWithoutExplanations(t *testing.T) {
	if s := InterpretabilitySections(&metrics.Result{}, nil); s != nil {
		t.Fatalf("sections %+v without explanations", s)
	}
}
