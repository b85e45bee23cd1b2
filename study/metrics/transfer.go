package metrics

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/study-harness/study/study/predmat"
)

// Transfer holds the transfer measures of one attack (metrics.json's
// robustness.<attack>, beside AdvAccuracy): how the examples crafted on
// each source model s fare on each target model t. Every matrix is M×M in
// the models' order, rows sources and columns targets; a row is null
// when the model crafted no examples (no input gradient) and a column
// when the model could not be rebuilt, each with its reason. The diagonal
// is white-box.
type Transfer struct {
	// TransferRaw[s][t] is the fraction of the attacked instances whose
	// example crafted on s the target t misclassifies.
	TransferRaw Square `json:"transfer_raw"`
	// TransferCC[s][t] is the same among the NCC[s][t] instances that
	// both s and t classify correctly when clean: the headline.
	TransferCC Square `json:"transfer_cc"`
	// TransferSucc[s][t] is the same among the NSucc[s][t] instances of
	// TransferCC's whose example fools s itself.
	TransferSucc Square `json:"transfer_succ"`
	// SameMistake[s][t] is, among the target's transferred failures (the
	// instances of TransferSucc that t misclassifies), the share where t
	// predicts the class the example makes s predict (Waseda et al.
	// 2023): the shared vulnerability.
	SameMistake Square `json:"same_mistake"`
	// SameMistakeSucc[s][t] is the share of the NSucc[s][t] instances
	// where t makes s's mistake: Waseda et al.'s split of the successful
	// source attacks into unfooled (1 − TransferSucc), a different
	// mistake and the same mistake.
	SameMistakeSucc Square `json:"same_mistake_succ"`
	NCC             Square `json:"n_cc"`
	NSucc           Square `json:"n_succ"`
	// GradientAlignment[s][t] is the mean over the attacked instances of
	// the cosine between the two models' input-loss gradients at the
	// clean input (Demontis et al. 2019); instances where either
	// gradient is zero are left out. Symmetric; null for a model without
	// input gradient.
	GradientAlignment Square `json:"gradient_alignment"`
	// AdvSystemicFailureRate[s] is the share of the NConsensus[s]
	// instances that every model classifies correctly when clean whose
	// example crafted on s fools every other model; AdvIndependentFailure
	// Rate[s] the product over the other models of the share each one
	// misclassifies on the same instances, its value if the models
	// failed independently.
	AdvSystemicFailureRate    Vec `json:"adv_systemic_failure_rate"`
	AdvIndependentFailureRate Vec `json:"adv_independent_failure_rate"`
	NConsensus                Vec `json:"n_consensus"`
	// Means holds, per measure, the mean over the defined cells s ≠ t
	// and its paired-bootstrap interval over the attacked instances.
	Means map[string]TransferMean `json:"means"`
	// Attribution summarises the pairs of models that differ in exactly
	// one axis: what makes models share vulnerabilities.
	Attribution []TransferAttribution `json:"attribution"`
	// Questions compares groups of pairs: models of the same family
	// against models of different families and, with an adversarial
	// axis, adversarially trained models against clean-trained ones.
	Questions []TransferQuestion `json:"questions"`
}

// TransferMean is a transfer measure's mean over the defined off-diagonal
// cells, with its 95% interval from the bootstrap over the attacked
// instances (absent when the bootstrap is off).
type TransferMean struct {
	Mean   Num       `json:"mean"`
	NCells int       `json:"n_cells"`
	CI     *Interval `json:"ci,omitempty"`
}

// TransferAttribution summarises, for one axis, the pairs of models that
// differ in that axis only. The transfer matrices are not symmetric: a
// pair's value is the mean of its two directions s→t and t→s, or the one
// defined direction (a tree is a target only).
type TransferAttribution struct {
	Axis     string                    `json:"axis"`
	NPairs   int                       `json:"n_pairs"`
	Measures map[string]MeasureSummary `json:"measures"`
}

// transferMeasures are the measures with means and attribution, in order.
var transferMeasures = []string{"transfer_raw", "transfer_cc", "transfer_succ", "same_mistake", "same_mistake_succ", "gradient_alignment"}

// transferAttributed are the measures the attribution summarises.
var transferAttributed = []string{"transfer_cc", "same_mistake", "gradient_alignment"}

// cellBits are the instance sets of one (source, target) cell, packed.
type cellBits struct {
	fooled, cc, ccFooled, succ, succFooled, same []uint64
}

// ratios returns the cell's measures from counts: raw, cc, succ, same
// mistake, same mistake among successes, n_cc, n_succ.
func cellRatios(count func(v []uint64) int, n int, c *cellBits) [7]float64 {
	nf, ncc, ccf, ns, nsf, nsame := count(c.fooled), count(c.cc), count(c.ccFooled), count(c.succ), count(c.succFooled), count(c.same)
	return [7]float64{ratio(nf, n), ratio(ccf, ncc), ratio(nsf, ns), ratio(nsame, nsf), ratio(nsame, ns), float64(ncc), float64(ns)}
}

func ratio(k, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(k) / float64(n)
}

// AddTransfer adds the transfer measures of each of trs (the transfer
// stage's predictions, one per attack, whose models are x's) to
// robustness.<attack> of r, which AddRobustness made, with their reasons.
func AddTransfer(r *Result, x *predmat.Matrix, trs []*predmat.Transfer, opts Options) error {
	if len(trs) == 0 {
		return nil
	}
	all, _ := r.Extra["robustness"].(map[string]*Robustness)
	if r.Reasons == nil {
		r.Reasons = Reasons{}
	}
	for _, tr := range trs {
		rb := all[tr.Attack]
		if rb == nil {
			return fmt.Errorf("metrics: transfer of attack %s, which robustness does not list", tr.Attack)
		}
		t, err := transferOf(x, tr, opts, r.Reasons, "robustness."+tr.Attack)
		if err != nil {
			return err
		}
		rb.Transfer = t
	}
	return nil
}

// transferOf computes the measures of one attack; why gets the reasons
// under path.
func transferOf(x *predmat.Matrix, tr *predmat.Transfer, opts Options, why Reasons, path string) (*Transfer, error) {
	m, n := x.M(), tr.N()
	if !slices.Equal(tr.Models, x.Models) {
		return nil, fmt.Errorf("metrics: transfer %s: its models are not the prediction matrix's", tr.Attack)
	}
	cols, labels, err := transferColumns(x, tr)
	if err != nil {
		return nil, err
	}
	clean := cleanBits(x, cols)
	fooled, cells := transferCells(tr, clean, labels)
	out := &Transfer{Means: map[string]TransferMean{}}
	transferSquares(out, tr, cells, n, why, path)
	cos := gradientCosines(tr)
	out.GradientAlignment = gradientAlignment(tr, cos, why, path)
	systemic(out, tr, clean, fooled, why, path)

	// Means over the defined cells s ≠ t, with their intervals.
	point := map[string]Square{"transfer_raw": out.TransferRaw, "transfer_cc": out.TransferCC, "transfer_succ": out.TransferSucc,
		"same_mistake": out.SameMistake, "same_mistake_succ": out.SameMistakeSucc, "gradient_alignment": out.GradientAlignment}
	b := count(opts.Bootstrap, DefaultBootstrap)
	var reps map[string][]Square // reps[name][r]
	var bs *bootstrap
	ciWhy := ""
	switch {
	case b == 0:
	case float64(m*m)*float64(b)*float64(n)*6 > pairWorkBudget:
		ciWhy = fmt.Sprintf("not computed: %d cells × %d replicates × %d instances exceed the bootstrap budget", m*m, b, n)
	default:
		bs = newBootstrap(opts.Seed, b, n)
		reps = transferReplicates(bs, cells, cos, m, n)
	}
	for _, name := range transferMeasures {
		out.Means[name] = transferMeanOf(point[name], reps[name], b, ciWhy, why, path+".means."+name)
	}
	out.Attribution = transferAttribution(x.Configs, point, reps, b, why, path)
	out.Questions = transferQuestions(x.Configs, clean, n, point, reps, bs, b, why, path)
	return out, nil
}

// transferColumns maps each attacked instance of tr to its column in x,
// and gives its label.
func transferColumns(x *predmat.Matrix, tr *predmat.Transfer) (cols []int, labels []int32, err error) {
	col := make(map[string]int, x.N())
	for i, id := range x.Instances {
		col[id] = i
	}
	n := tr.N()
	cols = make([]int, n)
	labels = make([]int32, n)
	for i, id := range tr.Instances {
		c, ok := col[id]
		if !ok {
			return nil, nil, fmt.Errorf("metrics: transfer %s: attacked instance %s is not in the prediction matrix", tr.Attack, id)
		}
		cols[i], labels[i] = c, x.Labels[c]
	}
	return cols, labels, nil
}

// setBit sets bit i of the bit set v.
func setBit(v []uint64, i int) { v[i/64] |= 1 << (i % 64) }

// cleanBits returns, for each model a, the bit set of the attacked
// instances (columns cols of x) that a gets right when clean.
func cleanBits(x *predmat.Matrix, cols []int) [][]uint64 {
	m, cw := x.M(), (len(cols)+63)/64
	clean := make([][]uint64, m) // clean[a]: a is right on the clean instance
	for a := range m {
		clean[a] = make([]uint64, cw)
		for i, c := range cols {
			if x.Correct(a, c) {
				setBit(clean[a], i)
			}
		}
	}
	return clean
}

// transferCells returns the bit sets of each cell (source s, target t)
// by index s·m+t, and fooled[s][t]: t misclassifies s's example; both nil
// where undefined.
func transferCells(tr *predmat.Transfer, clean [][]uint64, labels []int32) (fooled [][][]uint64, cells []*cellBits) {
	m, n := len(clean), tr.N()
	cw := (n + 63) / 64
	fooled = make([][][]uint64, m)
	cells = make([]*cellBits, m*m)
	for s := range m {
		fooled[s] = make([][]uint64, m)
		self := tr.Cell(s, s)
		for t := range m {
			c := tr.Cell(s, t)
			if c == nil || self == nil {
				continue
			}
			cb := &cellBits{}
			for _, v := range []*[]uint64{&cb.fooled, &cb.cc, &cb.ccFooled, &cb.succ, &cb.succFooled, &cb.same} {
				*v = make([]uint64, cw)
			}
			for i := range n {
				ft := c[i] != labels[i]
				cc := clean[s][i/64]&clean[t][i/64]&(1<<(i%64)) != 0
				succ := cc && self[i] != labels[i]
				if ft {
					setBit(cb.fooled, i)
				}
				if cc {
					setBit(cb.cc, i)
				}
				if cc && ft {
					setBit(cb.ccFooled, i)
				}
				if succ {
					setBit(cb.succ, i)
				}
				if succ && ft {
					setBit(cb.succFooled, i)
					if c[i] == self[i] {
						setBit(cb.same, i)
					}
				}
			}
			fooled[s][t] = cb.fooled
			cells[s*m+t] = cb
		}
	}
	return fooled, cells
}

// transferSquares fills the per-cell transfer rates and counts of out
// from cells, with the reasons of the undefined ones.
func transferSquares(out *Transfer, tr *predmat.Transfer, cells []*cellBits, n int, why Reasons, path string) {
	m := len(tr.Models)
	mats := []*Square{&out.TransferRaw, &out.TransferCC, &out.TransferSucc, &out.SameMistake, &out.SameMistakeSucc, &out.NCC, &out.NSucc}
	names := []string{"transfer_raw", "transfer_cc", "transfer_succ", "same_mistake", "same_mistake_succ", "n_cc", "n_succ"}
	for _, p := range mats {
		*p = NewSquare(m)
	}
	for s := range m {
		for t := range m {
			c := cells[s*m+t]
			if c == nil {
				for k, p := range mats {
					(*p)[s][t] = math.NaN()
					if tr.NoSource[s] != "" { // the row's reason
						why[fmt.Sprintf("%s.%s[%d]", path, names[k], s)] = "no examples crafted on this source: " + tr.NoSource[s]
					} else {
						why[fmt.Sprintf("%s.%s[%d][%d]", path, names[k], s, t)] = cellReason(tr, s, t)
					}
				}
				continue
			}
			v := cellRatios(onesCount, n, c)
			for k, p := range mats {
				(*p)[s][t] = v[k]
				why.num(fmt.Sprintf("%s.%s[%d][%d]", path, names[k], s, t), v[k], emptyReason(names[k]))
			}
		}
	}
}

// gradientAlignment is the mean cosine of the input gradients of each
// pair of models (cos by index s·m+t), NaN with a reason where a model
// has none.
func gradientAlignment(tr *predmat.Transfer, cos [][]float64, why Reasons, path string) Square {
	m := len(tr.Models)
	sq := NewSquare(m)
	for s := range m {
		for t := range m {
			mean, _ := nanMean(cos[s*m+t])
			switch {
			case tr.NoGrad[s] != "":
				mean = math.NaN()
				why[fmt.Sprintf("%s.gradient_alignment[%d]", path, s)] = "no input gradient: " + tr.NoGrad[s]
			case cos[s*m+t] == nil:
				mean = math.NaN()
				why[fmt.Sprintf("%s.gradient_alignment[%d][%d]", path, s, t)] = "no input gradient for the column model: " + tr.NoGrad[t]
			}
			sq[s][t] = mean
			if cos[s*m+t] != nil {
				why.num(fmt.Sprintf("%s.gradient_alignment[%d][%d]", path, s, t), mean, "a gradient is zero on every attacked instance")
			}
		}
	}
	return sq
}

// transferMeanOf is the mean of point over its defined cells s ≠ t and,
// with b > 0 replicates, its interval from reps (nil: not computed, for
// the reason ciWhy); mp is its path.
func transferMeanOf(point Square, reps []Square, b int, ciWhy string, why Reasons, mp string) TransferMean {
	mean, k := offDiagonalMean(point)
	tm := TransferMean{Mean: Num(mean), NCells: k}
	why.num(mp+".mean", mean, "undefined for every pair of distinct models")
	if b > 0 {
		iv := Interval{math.NaN(), math.NaN()}
		if reps != nil {
			v := make([]float64, b)
			for r := range b {
				v[r], _ = offDiagonalMean(reps[r])
			}
			iv = percentile95(v)
			why.interval(mp+".ci", iv, whyCI)
		} else {
			why[mp+".ci"] = ciWhy
		}
		tm.CI = &iv
	}
	return tm
}

// cellReason says why cell (s, t) has no transfer measures.
func cellReason(tr *predmat.Transfer, s, t int) string {
	switch {
	case tr.NoTarget[t] != "":
		return "the target did not predict them: " + tr.NoTarget[t]
	}
	return "the source did not predict its own examples: " + tr.NoTarget[s]
}

// emptyReason says why a defined cell's measure is NaN: its denominator
// is empty.
func emptyReason(name string) string {
	switch name {
	case "transfer_cc":
		return "no attacked instance that both models classify correctly when clean"
	case "transfer_succ", "same_mistake_succ":
		return "no attacked instance that both classify correctly when clean and whose example fools the source"
	case "same_mistake":
		return "no transferred failure: the target resists every successful example of the source"
	}
	return "no attacked instance"
}

// gradientCosines returns, per pair (s, t) of models with gradients, the
// cosine of their input-loss gradients on each attacked instance, NaN
// where either is zero; nil for a pair without.
func gradientCosines(tr *predmat.Transfer) [][]float64 {
	m, n, d := len(tr.Models), tr.N(), tr.In
	out := make([][]float64, m*m)
	norms := make([][]float64, m)
	for a, g := range tr.Grad {
		if g == nil {
			continue
		}
		norms[a] = make([]float64, n)
		for i := range n {
			var s float64
			for _, v := range g[i*d : (i+1)*d] {
				s += float64(v) * float64(v)
			}
			norms[a][i] = math.Sqrt(s)
		}
	}
	for a := range m {
		for b := a; b < m; b++ {
			ga, gb := tr.Grad[a], tr.Grad[b]
			if ga == nil || gb == nil {
				continue
			}
			c := make([]float64, n)
			for i := range n {
				var s float64
				for j, v := range ga[i*d : (i+1)*d] {
					s += float64(v) * float64(gb[i*d+j])
				}
				den := norms[a][i] * norms[b][i]
				c[i] = math.NaN()
				if den > 0 {
					c[i] = s / den
				}
			}
			out[a*m+b], out[b*m+a] = c, c
		}
	}
	return out
}

// systemic fills the adversarial systemic failure rate of every source.
func systemic(out *Transfer, tr *predmat.Transfer, clean [][]uint64, fooled [][][]uint64, why Reasons, path string) {
	m := len(tr.Models)
	out.AdvSystemicFailureRate, out.AdvIndependentFailureRate, out.NConsensus = make(Vec, m), make(Vec, m), make(Vec, m)
	var targets []int
	for t := range m {
		if tr.NoTarget[t] == "" {
			targets = append(targets, t)
		}
	}
	for s := range m {
		nan := math.NaN()
		out.AdvSystemicFailureRate[s], out.AdvIndependentFailureRate[s], out.NConsensus[s] = nan, nan, nan
		w := ""
		others := 0
		for _, t := range targets {
			if t != s {
				others++
			}
		}
		switch {
		case tr.NoSource[s] != "":
			w = "no examples crafted on the source: " + tr.NoSource[s]
		case fooled[s][s] == nil:
			w = "the source did not predict its own examples: " + tr.NoTarget[s]
		case others < 2:
			w = fmt.Sprintf("%d other model(s) predicted the source's examples; the rate needs at least 2", others)
		}
		if w != "" {
			for _, f := range []string{"adv_systemic_failure_rate", "adv_independent_failure_rate", "n_consensus"} {
				why[fmt.Sprintf("%s.%s[%d]", path, f, s)] = w
			}
			continue
		}
		cons := slices.Clone(clean[s])
		for _, t := range targets {
			for w := range cons {
				cons[w] &= clean[t][w]
			}
		}
		all := slices.Clone(cons) // fooled by every other target
		nc := 0
		for _, v := range cons {
			nc += bits.OnesCount64(v)
		}
		out.NConsensus[s] = float64(nc)
		if nc == 0 {
			w = "no attacked instance that every model classifies correctly when clean"
			why[fmt.Sprintf("%s.adv_systemic_failure_rate[%d]", path, s)] = w
			why[fmt.Sprintf("%s.adv_independent_failure_rate[%d]", path, s)] = w
			continue
		}
		prod := 1.0
		for _, t := range targets {
			if t == s {
				continue
			}
			prod *= float64(andCount(cons, fooled[s][t])) / float64(nc)
			for w := range all {
				all[w] &= fooled[s][t][w]
			}
		}
		k := 0
		for _, v := range all {
			k += bits.OnesCount64(v)
		}
		out.AdvSystemicFailureRate[s] = float64(k) / float64(nc)
		out.AdvIndependentFailureRate[s] = prod
	}
}

// offDiagonalMean is the mean of the finite cells s ≠ t of q and how many
// there are.
func offDiagonalMean(q Square) (float64, int) {
	var f finiteMean
	for s, row := range q {
		for t, v := range row {
			if s != t {
				f.add(v)
			}
		}
	}
	return f.mean()
}

// transferReplicates returns, per measure, its matrix in each bootstrap
// replicate of bs: the cells' ratios of weighted counts, and the
// gradient alignment's weighted mean cosine.
func transferReplicates(bs *bootstrap, cells []*cellBits, cos [][]float64, m, n int) map[string][]Square {
	b := len(bs.w)
	out := map[string][]Square{}
	for _, name := range transferMeasures {
		out[name] = make([]Square, b)
	}
	for r := range b {
		for _, name := range transferMeasures {
			out[name][r] = NewSquare(m)
		}
		count := func(v []uint64) int { return bs.count(r, v) }
		for k, c := range cells {
			s, t := k/m, k%m
			if c == nil {
				for _, name := range transferMeasures[:5] {
					out[name][r][s][t] = math.NaN()
				}
			} else {
				v := cellRatios(count, n, c)
				for j, name := range transferMeasures[:5] {
					out[name][r][s][t] = v[j]
				}
			}
			g := math.NaN()
			if cs := cos[k]; cs != nil {
				var sw, sv float64
				for i, w := range bs.w[r] {
					if w != 0 && !math.IsNaN(cs[i]) {
						sw += float64(w)
						sv += float64(w) * cs[i]
					}
				}
				if sw > 0 {
					g = sv / sw
				}
			}
			out["gradient_alignment"][r][s][t] = g
		}
	}
	return out
}

// transferAttribution summarises each axis' pairs of models that differ
// in that axis only, for the measures of transferAttributed: a pair's
// value is the mean of its defined directions. Axes are sorted by mean
// transfer_cc, lowest first (the axis that most separates
// vulnerabilities first).
func transferAttribution(configs []map[string]string, point map[string]Square, reps map[string][]Square, b int, why Reasons, path string) []TransferAttribution {
	if configs == nil {
		why[path+".attribution"] = "the models have no configs (predictions from elsewhere)"
		return nil
	}
	axes := axesOf(configs)
	sym := func(q Square, a, c int) float64 {
		v, w := q[a][c], q[c][a]
		switch {
		case math.IsNaN(v):
			return w
		case math.IsNaN(w):
			return v
		}
		return (v + w) / 2
	}
	var out []TransferAttribution
	for _, axis := range axes {
		pairs := pairsDifferingIn(configs, axes, axis)
		if len(pairs) == 0 {
			continue
		}
		at := TransferAttribution{Axis: axis, NPairs: len(pairs), Measures: map[string]MeasureSummary{}}
		for _, name := range transferAttributed {
			v := make([]float64, len(pairs))
			for q, pr := range pairs {
				v[q] = sym(point[name], pr[0], pr[1])
			}
			ms := summarize(v)
			if b > 0 {
				iv := Interval{math.NaN(), math.NaN()}
				if reps != nil {
					rv := make([]float64, b)
					for r := range b {
						for q, pr := range pairs {
							v[q] = sym(reps[name][r], pr[0], pr[1])
						}
						rv[r], _ = nanMean(v)
					}
					iv = percentile95(rv)
				}
				ms.CI = &iv
			}
			at.Measures[name] = ms
		}
		out = append(out, at)
	}
	slices.SortStableFunc(out, func(p, q TransferAttribution) int {
		a, c := float64(p.Measures["transfer_cc"].Mean), float64(q.Measures["transfer_cc"].Mean)
		switch {
		case a < c || (!math.IsNaN(a) && math.IsNaN(c)):
			return -1
		case a > c || (math.IsNaN(a) && !math.IsNaN(c)):
			return 1
		}
		return cmp.Compare(p.Axis, q.Axis)
	})
	if len(out) == 0 {
		why[path+".attribution"] = "no two models differ in exactly one axis"
	}
	for g, at := range out {
		for _, name := range transferAttributed {
			ms := at.Measures[name]
			mp := fmt.Sprintf("%s.attribution[%d].measures.%s", path, g, name)
			for field, v := range map[string]Num{"mean": ms.Mean, "median": ms.Median, "min": ms.Min, "max": ms.Max} {
				why.num(mp+"."+field, float64(v), "undefined for every pair that differs in this axis only")
			}
			if ms.CI != nil {
				w := whyCI
				if reps == nil {
					w = "not computed: the cells exceed the bootstrap budget"
				}
				why.interval(mp+".ci", *ms.CI, w)
			}
		}
	}
	return out
}
