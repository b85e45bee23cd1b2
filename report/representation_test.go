package report

import (
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat/predmattest"
)

// TestRepresentationHeatmapsNameTheirLayer builds a report of two logreg
// models (logits only, no hidden layer) and two mlps (features and
// logits): the hidden-layer heatmap shows the mlps only and says why the
// logreg models are left out, the logits heatmap shows all four, each
// caption names its layer, and the methods say which models each layer
// covers.
func TestRepresentationHeatmapsNameTheirLayer(t *testing.T) {
	const noHidden = "arch=logreg has no hidden layer; its 'features' would be its input"
	x := predmattest.Random(1, 4, 30, 3, 0.8)
	n := 8
	for i := range n {
		x.FeatureIdx = append(x.FeatureIdx, i)
	}
	vals := func(seed, d int) []float32 {
		v := make([]float32, n*d)
		for i := range v {
			v[i] = float32((i*7+seed*13)%11) - 5
		}
		return v
	}
	x.Configs = []map[string]string{{"arch": "logreg", "seed": "1"}, {"arch": "logreg", "seed": "2"}, {"arch": "mlp", "seed": "1"}, {"arch": "mlp", "seed": "2"}}
	x.Features, x.FeatureDims = [][]float32{nil, nil, vals(3, 4), vals(4, 4)}, []int{0, 0, 4, 4}
	x.Logits, x.LogitDims = [][]float32{vals(5, 3), vals(6, 3), vals(7, 3), vals(8, 3)}, []int{3, 3, 3, 3}
	x.NoFeatures = []string{noHidden, noHidden, "", ""}
	r, err := metrics.Compute(x, metrics.Options{Bootstrap: -1, Permutations: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := build(&Input{Matrix: x, Models: x.Models, Metrics: r})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		fig     string
		models  int
		caption []string
	}{
		{"cka_linear", 2, []string{"Layer compared: " + metrics.HiddenLayer, "Left out, since they lack this layer: 2 models (" + noHidden + ")"}},
		{"logits_cka_linear", 4, []string{"Layer compared: " + metrics.LogitsLayer + "."}},
	}
	for _, tt := range tests {
		t.Run(tt.fig+" shows the models with that layer and names it", func(t *testing.T) {
			f, hm := b.figs[tt.fig], b.heatmaps[tt.fig]
			if f == nil || hm == nil {
				t.Fatalf("no %s figure", tt.fig)
			}
			if len(hm.models) != tt.models {
				t.Errorf("heatmap of %d models %v, want %d", len(hm.models), hm.models, tt.models)
			}
			for _, want := range tt.caption {
				if !strings.Contains(f.caption, want) {
					t.Errorf("caption %q lacks %q", f.caption, want)
				}
			}
		})
	}
	t.Run("the methods name each layer and the models it covers", func(t *testing.T) {
		md, _ := b.methods()
		for _, want := range []string{
			"representations of 2 models at " + metrics.HiddenLayer,
			"The other 2 models are left out of that comparison: " + noHidden,
			metrics.LogitsLayer + " of 4 models",
		} {
			if !strings.Contains(string(md), want) {
				t.Errorf("methods lack %q:\n%s", want, md)
			}
		}
		if strings.Contains(string(md), "penultimate-layer representations on") {
			t.Errorf("methods still claim penultimate-layer representations of every model:\n%s", md)
		}
	})
}
