package report

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
)

// Run statuses as shown in the report.
const (
	StatusOK      = "ok"      // the run finished and has results
	StatusFailed  = "failed"  // the run stopped with an error; Reason says why
	StatusSkipped = "skipped" // the run was not started; Reason says why
)

// Input is everything the report shows. The caller fills it; the report
// stage computes no metrics itself. The zero value is a valid, empty study.
type Input struct {
	// Title is the study name, shown as the page title.
	Title string
	// SpecYAML is the spec as given, shown verbatim in a collapsible block.
	SpecYAML string
	// Axes lists what was varied, in spec order.
	Axes []Axis
	// Runs holds one entry per run of the grid, finished or not.
	Runs []Run
	// Models holds the names of the finished runs in prediction-matrix
	// order; Agreement is indexed in this order.
	Models []string
	// Agreement is the M×M pairwise agreement matrix for Models
	// (Agreement[i][j] for models i and j; M = len(Models)). NaN marks a
	// pair without a value: it is drawn as a grey cell and shown as "n/a".
	// Nil means no agreement was computed.
	Agreement [][]float64
	// Matrix is the prediction matrix the metrics were computed from; the
	// evaluation views (confusion matrices, ROC curves, reliability) are
	// drawn from it. Nil leaves them out.
	Matrix *predmat.Matrix
	// Metrics is the metrics stage's result for Matrix. When set, Models
	// and Agreement default to its models and agreement matrix, and the
	// report shows its ensemble measures, intervals, p-values, factor
	// attribution, representation similarity and shift data (each when
	// present). Nil leaves those sections empty.
	Metrics *metrics.Result
	// Environment describes where the study ran (Go version, CPU,
	// GOMAXPROCS, commit, start time, ...). It is shown sorted by key.
	Environment map[string]string
	// Sections are extra sections shown after the built-in ones, in order.
	Sections []Section
	// Partial, when set, marks a report of part of the grid (a banner).
	Partial *Partial
	// Analyzed, when set, describes predictions made elsewhere and given
	// to study analyze; the methods say they were analysed, not trained.
	Analyzed *Analyzed
	// AdvPictures, when set, are the Robustness section's example images.
	AdvPictures *AdvPictures
}

// Axis is one swept field of the spec and the values it took.
type Axis struct {
	Key    string   // field name, e.g. "optim.lr"
	Values []string // values in spec order
}

// Run is the outcome of one run of the grid.
type Run struct {
	Name string // human-readable name, unique in the study
	ID   string // stable run id (hash of the config)
	// Config holds the run's value of every axis, keyed by Axis.Key.
	Config map[string]string
	// Status is StatusOK, StatusFailed or StatusSkipped.
	Status string
	// Reason says why a run failed or was skipped; empty otherwise.
	Reason string
	// TestAccuracy and ValAccuracy are fractions in [0, 1]; NaN means
	// unknown and is shown as "—". They are shown for ok runs only.
	TestAccuracy, ValAccuracy float64
	// WallSeconds is the run's wall-clock training time.
	WallSeconds float64
	// Resolved is the run's resolved configuration as JSON (every run
	// field with its defaults filled in, as in the manifest), nil when
	// unknown; TrainRows is the number of training rows it used, 0 when
	// unknown. The methods text reads the training setup from them.
	Resolved  json.RawMessage
	TrainRows int
	// Loss holds the mean training loss per epoch, in epoch order.
	Loss []float64
}

// Section is an extra section of the page: a title, paragraphs of plain
// text and an optional table. Every string is escaped when shown.
type Section struct {
	ID    string   // anchor id, used in the table of contents
	Title string   // heading
	Text  []string // paragraphs of plain text
	Table *Table   // optional
	// Figure optionally names a report figure drawn after the table, for
	// example "shift" (agreement on the line, from the metrics'
	// agreement_on_the_line member).
	Figure string
}

// Table is a plain table of strings for a Section.
type Table struct {
	Header []string   // column headings; may be empty
	Rows   [][]string // cells, row by row
}

// resolved returns in with Models and Agreement taken from Metrics when
// they are unset. in itself is not changed.
func (in *Input) resolved() *Input {
	if in == nil || in.Metrics == nil {
		return in
	}
	out := *in
	if out.Models == nil {
		out.Models = in.Metrics.Models
	}
	if out.Agreement == nil && len(in.Metrics.Pairwise.Agreement) > 0 {
		out.Agreement = in.Metrics.Pairwise.Agreement
	}
	return &out
}

// Families returns the family of each of in.Models: the model's "arch"
// value (from Matrix.Configs, else from its run's Config), else the name's
// prefix up to the first '-', '_', '/', ':', '=', '.' or space.
func (in *Input) Families() []string {
	in = in.resolved()
	byRun := map[string]string{}
	for _, r := range in.Runs {
		if a := r.Config["arch"]; a != "" {
			byRun[r.Name] = a
		}
	}
	out := make([]string, len(in.Models))
	for m, name := range in.Models {
		if in.Matrix != nil && m < len(in.Matrix.Configs) && in.Matrix.Configs[m]["arch"] != "" {
			out[m] = in.Matrix.Configs[m]["arch"]
			continue
		}
		if a, ok := byRun[name]; ok {
			out[m] = a
			continue
		}
		out[m] = namePrefix(name)
	}
	return out
}

// namePrefix returns a name up to the first '-', '_', '/', ':', '=', '.'
// or space: the family of a model without an "arch" value.
func namePrefix(name string) string {
	if i := strings.IndexAny(name, "-_/:=. "); i > 0 {
		return name[:i]
	}
	return name
}

// plotNames returns the labels drawn for in.Models on plot axes: when
// every model has a configuration (Matrix.Configs), the values of the
// fields that vary between models, joined by spaces in axis order
// ("mlp flip 2 adam 0.001"), which stay readable where full run names
// would be cut; otherwise, or when two labels would be equal, the names.
func (in *Input) plotNames() []string {
	in = in.resolved()
	x := in.Matrix
	if x == nil || len(x.Configs) != len(in.Models) || len(in.Models) < 2 {
		return in.Models
	}
	var keys []string
	seen := map[string]bool{}
	add := func(k string) {
		if seen[k] {
			return
		}
		seen[k] = true
		for _, c := range x.Configs[1:] {
			if c[k] != x.Configs[0][k] {
				keys = append(keys, k)
				return
			}
		}
	}
	for _, a := range in.Axes {
		add(a.Key)
	}
	var rest []string
	for _, c := range x.Configs {
		for k := range c {
			if !seen[k] {
				rest = append(rest, k)
			}
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		add(k)
	}
	if len(keys) == 0 {
		return in.Models
	}
	out := make([]string, len(in.Models))
	used := map[string]bool{}
	for m, c := range x.Configs {
		vals := make([]string, len(keys))
		for i, k := range keys {
			vals[i] = c[k]
		}
		out[m] = strings.Join(vals, " ")
		if used[out[m]] {
			return in.Models
		}
		used[out[m]] = true
	}
	return out
}

// check reports the first structural problem with in: the agreement
// matrix must be M×M for M models and hold finite values or NaN.
func (in *Input) check() error {
	if in == nil {
		return fmt.Errorf("report: nil input")
	}
	if in.Matrix != nil && in.Metrics != nil {
		// The metrics must be those of this matrix: same models, in order,
		// on the same instances.
		if !slices.Equal(in.Matrix.Models, in.Metrics.Models) {
			return fmt.Errorf("report: the matrix's models %s are not the metrics' %s", abbrev(in.Matrix.Models), abbrev(in.Metrics.Models))
		}
		if in.Matrix.N() != in.Metrics.NInstances {
			return fmt.Errorf("report: the matrix has %d instances but the metrics %d", in.Matrix.N(), in.Metrics.NInstances)
		}
	}
	if in.Models != nil && in.Metrics != nil && !slices.Equal(in.Models, in.Metrics.Models) {
		return fmt.Errorf("report: the models %s are not the metrics' %s", abbrev(in.Models), abbrev(in.Metrics.Models))
	}
	if in.Matrix != nil && len(in.Models) != in.Matrix.M() && in.Models != nil {
		return fmt.Errorf("report: %d model names for a matrix of %d models", len(in.Models), in.Matrix.M())
	}
	m := len(in.Models)
	if in.Agreement == nil {
		return nil
	}
	if len(in.Agreement) != m {
		return fmt.Errorf("report: agreement has %d rows, want %d (one per model)", len(in.Agreement), m)
	}
	for i, row := range in.Agreement {
		if len(row) != m {
			return fmt.Errorf("report: agreement row %d (%q) has %d values, want %d", i, in.Models[i], len(row), m)
		}
		for j, v := range row {
			if math.IsInf(v, 0) {
				return fmt.Errorf("report: agreement[%d][%d] (%q, %q) is %v, want a finite value or NaN", i, j, in.Models[i], in.Models[j], v)
			}
		}
	}
	return nil
}

// abbrev quotes the first few names of a list for an error message.
func abbrev(names []string) string {
	const show = 4
	if len(names) <= show {
		return fmt.Sprintf("%q", names)
	}
	return fmt.Sprintf("%q… (%d in all)", names[:show], len(names))
}

// MeanAgreement returns the mean of the entries of a above the diagonal
// (the pairs i < j: agreement is symmetric, so each pair counts once) that
// are not NaN, and how many pairs there were. It returns NaN, 0 when there
// are none.
func MeanAgreement(a [][]float64) (mean float64, n int) {
	var sum float64
	for i, row := range a {
		for j, v := range row {
			if j <= i || math.IsNaN(v) {
				continue
			}
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return sum / float64(n), n
}
