package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/study-harness/study/study/metrics"
)

// heatmapSource is one matrix drawn as a heatmap.
type heatmapSource struct {
	name, measure, cite string
	// values is the matrix over the models shown: every model, or those
	// of keep.
	values [][]float64
	// keep lists the models shown, by index; nil means every model.
	keep []int
	// note ends the caption: the layer compared and the models left out.
	note string
	// reasons are the metrics.json reason keys that may say why values
	// is nil, most specific first; nil means "pairwise.<name>".
	reasons []string
}

// pick returns the entries of s (one per model) of the models shown.
func (h heatmapSource) pick(s []string) []string {
	if h.keep == nil {
		return s
	}
	out := make([]string, len(h.keep))
	for i, m := range h.keep {
		out[i] = s[m]
	}
	return out
}

// representationSources returns the representation heatmaps: linear CKA
// of the last hidden layer, over the models that have one, and linear CKA
// of the logits. Each caption names its layer and the models left out
// with their reasons.
func (b *built) representationSources() []heatmapSource {
	out := []heatmapSource{
		{name: "cka_linear", measure: "linear CKA", cite: "Kornblith et al. 2019",
			reasons: []string{"representation.cka_linear", "representation"}},
		{name: "logits_cka_linear", measure: "linear CKA of logits", cite: "Kornblith et al. 2019",
			reasons: []string{"representation.logits_cka_linear", "representation"}},
	}
	rep, m := b.x.rep, len(b.in.Models)
	if b.in.Metrics == nil || rep == nil || m == 0 {
		return out
	}
	for i, v := range []struct {
		values [][]fnum
		no     []string
		layer  string
	}{{rep.CKALinear, rep.NoFeatures, metrics.HiddenLayer}, {rep.LogitsCKALinear, rep.NoLogits, metrics.LogitsLayer}} {
		full := squareOf(v.values, m)
		if full == nil {
			continue
		}
		h := &out[i]
		h.note = " Layer compared: " + v.layer + "."
		if len(v.no) != m { // metrics.json from before: every model shown
			h.values = full
			continue
		}
		var left []string
		count := map[string]int{}
		for a, why := range v.no {
			if why == "" {
				h.keep = append(h.keep, a)
				continue
			}
			if count[why] == 0 {
				left = append(left, why)
			}
			count[why]++
		}
		if len(h.keep) == 0 {
			continue
		}
		h.values = make([][]float64, len(h.keep))
		for r, a := range h.keep {
			for _, c := range h.keep {
				h.values[r] = append(h.values[r], full[a][c])
			}
		}
		if len(left) > 0 {
			parts := make([]string, len(left))
			for j, why := range left {
				parts[j] = fmt.Sprintf("%d %s (%s)", count[why], plural(count[why], "model", "models"), why)
			}
			h.note += " Left out, since they lack this layer: " + strings.Join(parts, "; ") + "."
		} else {
			h.keep = nil // every model
		}
	}
	return out
}

// representationMethods is the methods sentence on the representation
// measures, true for every model it covers: which layer of which models
// is compared. cite cites bibliography keys, as in methods.
func (b *built) representationMethods(cite func(ks ...string) string) string {
	rep := b.x.rep
	if rep == nil {
		return ""
	}
	m := len(b.in.Models)
	var w strings.Builder
	have := func(no []string, values [][]fnum) (n int, left []string) {
		if squareOf(values, m) == nil {
			return 0, nil
		}
		if len(no) != m {
			return m, nil
		}
		for _, why := range no {
			switch {
			case why == "":
				n++
			case !slices.Contains(left, why):
				left = append(left, why)
			}
		}
		return n, left
	}
	if n, left := have(rep.NoFeatures, rep.CKALinear); n > 0 {
		fmt.Fprintf(&w, " We compare the representations of %d models at %s on a fixed subset of %d test instances with linear CKA %s and mutual k-nearest-neighbour alignment %s.",
			n, metrics.HiddenLayer, rep.NInstances, cite("kornblith2019similarity"), cite("huh2024platonic"))
		if len(left) > 0 {
			fmt.Fprintf(&w, " The other %d models are left out of that comparison: %s.", m-n, strings.Join(left, "; "))
		}
	}
	if n, left := have(rep.NoLogits, rep.LogitsCKALinear); n > 0 {
		fmt.Fprintf(&w, " We also compare %s of %d models on the same %d instances with linear CKA", metrics.LogitsLayer, n, rep.NInstances)
		if len(left) > 0 {
			fmt.Fprintf(&w, " (left out: %s)", strings.Join(left, "; "))
		}
		w.WriteString(".")
	}
	return w.String()
}
