package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/study-harness/study/study/data"
)

// runSetup is what the methods text reads of a run's resolved
// configuration (Run.Resolved, the JSON of spec.Config).
type runSetup struct {
	Arch           string   `json:"arch"`
	Widths         []int    `json:"widths"`
	Activation     string   `json:"activation"`
	Dropout        float64  `json:"dropout"`
	Width          int      `json:"width"`
	Depth          int      `json:"depth"`
	Heads          int      `json:"heads"`
	Patch          int      `json:"patch"`
	MaxDepth       int      `json:"max_depth"`
	MinLeaf        int      `json:"min_leaf"`
	K              int      `json:"k"`
	Optimizer      string   `json:"optimizer"`
	LR             float64  `json:"lr"`
	L2             float64  `json:"l2"`
	Momentum       float64  `json:"momentum"`
	Schedule       string   `json:"schedule"`
	Batch          int      `json:"batch"`
	Epochs         int      `json:"epochs"`
	Augment        []string `json:"augment"`
	Patience       int      `json:"patience"`
	LabelSmoothing float64  `json:"label_smoothing"`
}

// fittedArchs are the architectures fitted in closed form (models.Fitter):
// no optimizer, minibatches, epochs or augmentation apply to them.
var fittedArchs = []string{"knn", "naive_bayes", "tree"}

// augmentText says what each augmentation does (study/train).
var augmentText = map[string]string{
	"flip":     "random left–right and up–down flips, each with probability 1/2",
	"flip_lr":  "a random left–right flip with probability 1/2",
	"flip_ud":  "a random up–down flip with probability 1/2",
	"noise":    "Gaussian noise of standard deviation 0.1",
	"shift":    "a random shift of up to ±2 pixels, zero fill",
	"crop":     "padding by 2 and a random crop back to size",
	"rotate":   "a random rotation uniform in ±15°, bilinear",
	"cutout":   "one random square of 2/7 of the side zeroed",
	"mixup":    "mixup within the batch, α = 0.2",
	"resample": "class-balanced resampling of the training set each epoch",
}

func g(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// describeArch says what a model of setup s is.
func describeArch(s runSetup) string {
	act := s.Activation
	if act == "" {
		act = "relu"
	}
	extra := ""
	if s.Dropout > 0 {
		extra = ", dropout " + g(s.Dropout)
	}
	switch s.Arch {
	case "logreg":
		return "logistic regression: one linear layer from the inputs to the outputs (no hidden layer)"
	case "mlp":
		w := s.Widths
		if len(w) == 0 {
			w = []int{64, 32} // models' default widths
		}
		ws := make([]string, len(w))
		for i, v := range w {
			ws[i] = strconv.Itoa(v)
		}
		return fmt.Sprintf("a fully connected network with hidden layers of %s units, %s activations%s", joinAnd(ws), act, extra)
	case "tree":
		return fmt.Sprintf("a CART tree on Gini impurity (max_depth %d, min_leaf %d; 0 is the default)", s.MaxDepth, s.MinLeaf)
	case "knn":
		return fmt.Sprintf("k-nearest neighbours (k %d; 0 is the default)", s.K)
	case "naive_bayes":
		return "Gaussian naive Bayes"
	}
	var opts []string
	for _, o := range []struct {
		k string
		v int
	}{{"width", s.Width}, {"depth", s.Depth}, {"heads", s.Heads}, {"patch", s.Patch}} {
		if o.v > 0 {
			opts = append(opts, fmt.Sprintf("%s %d", o.k, o.v))
		}
	}
	d := "its default sizes"
	if len(opts) > 0 {
		d = strings.Join(opts, ", ") + " (others at their defaults)"
	}
	return fmt.Sprintf("%s with %s, %s activations%s", s.Arch, d, act, extra)
}

// describeOptimizer names the optimizer of s with its settings.
func describeOptimizer(s runSetup) string {
	out := fmt.Sprintf("%s at learning rate %s", s.Optimizer, g(s.LR))
	if s.Momentum > 0 {
		out += ", momentum " + g(s.Momentum)
	}
	if s.L2 > 0 {
		out += ", weight decay " + g(s.L2)
	}
	if s.Schedule != "" && s.Schedule != "constant" {
		out += ", " + s.Schedule + " schedule"
	}
	return out
}

func describeAugment(s runSetup) string {
	if len(s.Augment) == 0 {
		return "none"
	}
	var parts []string
	for _, a := range s.Augment {
		if t, ok := augmentText[a]; ok {
			parts = append(parts, a+" ("+t+")")
		} else {
			parts = append(parts, a)
		}
	}
	return strings.Join(parts, " then ")
}

// trainingMethods writes the methods sentences on how the models were
// trained: per family what a model is, then the optimizer, minibatch
// size, epochs and augmentation, the training rows and the seed
// replicates. Each sentence covers every finished run: a setting that is
// the same for all of them is stated once, otherwise per family.
func (b *built) trainingMethods(valFraction float64) string {
	var setups []runSetup
	var rows []int
	for _, r := range b.in.Runs {
		var s runSetup
		if r.Status != StatusOK || len(r.Resolved) == 0 || json.Unmarshal(r.Resolved, &s) != nil || s.Arch == "" {
			continue
		}
		setups = append(setups, s)
		if r.TrainRows > 0 && !slices.Contains(rows, r.TrainRows) {
			rows = append(rows, r.TrainRows)
		}
	}
	if len(setups) == 0 {
		return ""
	}
	var archs []string
	for _, s := range setups {
		if !slices.Contains(archs, s.Arch) {
			archs = append(archs, s.Arch)
		}
	}
	var w strings.Builder
	w.WriteString("\n\n")
	// perFamily states one property: once when every family has the same
	// values, else family by family.
	perFamily := func(label string, only func(runSetup) bool, f func(runSetup) string) {
		var fams []string
		vals := map[string][]string{}
		for _, s := range setups {
			if !only(s) {
				continue
			}
			if _, ok := vals[s.Arch]; !ok {
				fams = append(fams, s.Arch)
			}
			if v := f(s); !slices.Contains(vals[s.Arch], v) {
				vals[s.Arch] = append(vals[s.Arch], v)
			}
		}
		if len(fams) == 0 {
			return
		}
		slices.Sort(fams)
		same := true
		for _, fm := range fams[1:] {
			a, c := slices.Clone(vals[fm]), slices.Clone(vals[fams[0]])
			slices.Sort(a)
			slices.Sort(c)
			same = same && slices.Equal(a, c)
		}
		if same {
			scope := "all runs"
			if len(fams) < len(archs) {
				scope = "all " + joinAnd(fams) + " runs"
			}
			fmt.Fprintf(&w, "%s: %s, across %s. ", label, noControl(strings.Join(vals[fams[0]], " or ")), noControl(scope))
			return
		}
		var parts []string
		for _, fm := range fams {
			parts = append(parts, fm+": "+strings.Join(vals[fm], " or "))
		}
		fmt.Fprintf(&w, "%s: %s. ", label, noControl(strings.Join(parts, "; ")))
	}
	trained := func(s runSetup) bool { return !slices.Contains(fittedArchs, s.Arch) }
	var fams []string
	for _, s := range setups {
		if d := s.Arch + " is " + describeArch(s); !slices.Contains(fams, d) {
			fams = append(fams, d)
		}
	}
	slices.Sort(fams)
	fmt.Fprintf(&w, "Models: %s. ", noControl(strings.Join(fams, "; ")))
	perFamily("Optimizer", trained, describeOptimizer)
	perFamily("Minibatch size", trained, func(s runSetup) string { return strconv.Itoa(s.Batch) })
	perFamily("Epochs", trained, func(s runSetup) string {
		if s.Patience > 0 {
			return fmt.Sprintf("up to %d, early stopping after %d without improvement in validation accuracy", s.Epochs, s.Patience)
		}
		return strconv.Itoa(s.Epochs)
	})
	perFamily("Label smoothing", func(s runSetup) bool { return trained(s) && s.LabelSmoothing > 0 }, func(s runSetup) string { return g(s.LabelSmoothing) })
	perFamily("Augmentation", trained, describeAugment)
	if len(rows) > 0 {
		slices.Sort(rows)
		n := strconv.Itoa(rows[0])
		if len(rows) > 1 {
			n = fmt.Sprintf("%d to %d", rows[0], rows[len(rows)-1])
		}
		fmt.Fprintf(&w, "Each run trains on %s rows", n)
		if valFraction > 0 {
			fmt.Fprintf(&w, ", after a fraction %s of the training set is held out for validation", g(valFraction))
		}
		w.WriteString(". ")
	}
	w.WriteString(b.replicates())
	return strings.TrimRight(w.String(), " ")
}

// replicates says how many seeds each recipe has.
func (b *built) replicates() string {
	if !b.x.hasRecipes {
		return ""
	}
	if len(b.x.recipes) == 0 {
		return "No configuration was trained with more than one seed."
	}
	lo, hi, n := b.x.recipes[0].NModels, b.x.recipes[0].NModels, 0
	for _, r := range b.x.recipes {
		lo, hi, n = min(lo, r.NModels), max(hi, r.NModels), n+r.NModels
	}
	seeds := strconv.Itoa(lo)
	if hi > lo {
		seeds = fmt.Sprintf("%d to %d", lo, hi)
	}
	s := fmt.Sprintf("Replicates: each of the %d recipes (a configuration without its seed) was trained with %s seeds", len(b.x.recipes), seeds)
	if once := len(b.in.Models) - n; once > 0 {
		s += fmt.Sprintf("; %d other %s trained once", once, plural(once, "model was", "models were"))
	}
	return s + "."
}

// corruptionMethods describes the evaluation sets of the spec with their
// parameters, or "" when none parse.
func corruptionMethods(sets []map[string]any) string {
	var parts []string
	for _, m := range sets {
		sh := data.Shift{}
		sh.Name, _ = m["name"].(string)
		sh.Corruption, _ = m["corruption"].(string)
		if v, ok := m["severity"].(int); ok {
			sh.Severity = v
		}
		if d := sh.Describe(); d != "" {
			parts = append(parts, fmt.Sprintf("%s (%s, severity %d): %s", noControl(sh.Name), sh.Corruption, sh.Severity, d))
		}
	}
	return strings.Join(parts, "; ")
}
