package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
)

// tableRows returns the rows of a booktabs table between \midrule and
// \bottomrule.
func tableRows(t *testing.T, tex string) []string {
	t.Helper()
	i, j := strings.Index(tex, `\midrule`), strings.Index(tex, `\bottomrule`)
	if i < 0 || j < i {
		t.Fatalf("not a booktabs table:\n%s", tex)
	}
	return strings.Split(strings.TrimSpace(tex[i+len(`\midrule`):j]), "\n")
}

func TestWithCIPrintsTheBounds(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		x    float64
		iv   interval
		prec int
		want string
	}{
		{"an asymmetric interval keeps its bounds", 2.778, interval{0, 10}, 3, "2.778 [0.000, 10.000]"},
		{"a genuine [0, 0] interval is shown", 0, interval{0, 0}, 4, "0.0000 [0.0000, 0.0000]"},
		{"a narrow interval", 0.255, interval{0.25, 0.2625}, 4, "0.2550 [0.2500, 0.2625]"},
		{"no interval: the value alone", 0.255, nanInterval, 4, "0.2550"},
		{"one missing bound: the value alone", 0.255, interval{0.2, fnum(nan)}, 4, "0.2550"},
		{"no value", nan, interval{0, 1}, 4, "—"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withCI(tt.x, tt.iv, tt.prec); got != tt.want {
				t.Errorf("withCI(%v, %v, %d) = %q, want %q", tt.x, tt.iv, tt.prec, got, tt.want)
			}
		})
	}
}

// An interval member that the metrics stage leaves out (no bootstrap)
// must read as not computed, never as [0, 0]; a written [0, 0] is real.
func TestAbsentIntervalsAreNotZero(t *testing.T) {
	tests := []struct {
		name   string
		member string // the interval member as written, "" for absent
		ok     bool
		want   interval
	}{
		{"absent", "", false, nanInterval},
		{"null", `null`, false, nanInterval},
		{"a genuine [0, 0]", `[0, 0]`, true, interval{0, 0}},
		{"an interval", `[0.1, 0.3]`, true, interval{0.1, 0.3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field := func(name string) string {
				if tt.member == "" {
					return ""
				}
				return `,"` + name + `":` + tt.member
			}
			check := func(what string, iv interval) {
				t.Helper()
				if iv.ok() != tt.ok || (tt.ok && iv != tt.want) {
					t.Errorf("%s = %v (ok %v), want %v (ok %v)", what, iv, iv.ok(), tt.want, tt.ok)
				}
			}
			var rows []attributionRow
			js := `[{"axis":"seed","rank":1,"n_pairs":3,"measures":{"agreement":{"mean":0.7,"n_defined":3` + field("ci") + `}}}]`
			if err := json.Unmarshal([]byte(js), &rows); err != nil {
				t.Fatal(err)
			}
			check("attribution measures.agreement.ci", rows[0].Measures["agreement"].CI)
			var recipes []recipePoint
			js = `[{"recipe":"arch=mlp","n_models":3,"test_error":0.2,"disagreement":0.25,"n_pairs":3` +
				field("test_error_ci") + field("test_error_seed_ci") + field("disagreement_ci") + `}]`
			if err := json.Unmarshal([]byte(js), &recipes); err != nil {
				t.Fatal(err)
			}
			check("test_error_ci", recipes[0].TestErrorCI)
			check("test_error_seed_ci", recipes[0].TestErrorSeedCI)
			check("disagreement_ci", recipes[0].DisagreementCI)
		})
	}
}

// With the bootstrap off the metrics stage writes no interval: the paper
// must then show and claim none.
func TestPaperWithAndWithoutBootstrap(t *testing.T) {
	tests := []struct {
		name          string
		opts          metrics.Options
		wantIntervals bool
	}{
		{"bootstrap on", metrics.Options{}, true},
		{"bootstrap off", metrics.Options{Bootstrap: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := metricsInputWith(t, tt.opts)
			dir, read := writePaper(t, in)
			t.Run("attribution.tex shows intervals only when computed", func(t *testing.T) {
				rows := tableRows(t, read("tables/attribution.tex"))
				for _, r := range rows {
					if strings.Contains(r, `$\pm$`) {
						t.Errorf("row %q has a ± interval", r)
					}
					if got := strings.Contains(r, "["); got != tt.wantIntervals {
						t.Errorf("row %q: shows an interval %v, want %v", r, got, tt.wantIntervals)
					}
				}
			})
			t.Run("attribution.csv leaves absent bounds empty", func(t *testing.T) {
				recs, err := csv.NewReader(strings.NewReader(read("tables/attribution.csv"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				col := map[string]int{}
				for j, h := range recs[0] {
					col[h] = j
				}
				for _, r := range recs[1:] {
					for j, h := range recs[0] {
						// An undefined estimate (empty) has no interval either.
						point, _, _ := strings.Cut(h, "_ci_")
						if k, ok := col[point]; ok && r[k] == "" {
							if r[j] != "" {
								t.Errorf("row %s: %s = %q for an undefined %s", r[2], h, r[j], point)
							}
							continue
						}
						if strings.Contains(h, "_ci_") && (r[j] != "") != tt.wantIntervals {
							t.Errorf("row %s: %s = %q, want a value %v", r[2], h, r[j], tt.wantIntervals)
						}
					}
				}
			})
			t.Run("no table writes ±", func(t *testing.T) {
				tables, _ := filepath.Glob(filepath.Join(dir, "tables", "*.tex"))
				for _, tb := range tables {
					b, _ := os.ReadFile(tb)
					for _, r := range tableRows(t, string(b)) {
						if strings.Contains(r, `$\pm$`) {
							t.Errorf("%s: row %q has a ± interval", filepath.Base(tb), r)
						}
					}
				}
			})
			t.Run("methods claim bootstrap intervals only when computed", func(t *testing.T) {
				if got := strings.Contains(read("methods.md"), "percentile intervals of a paired bootstrap"); got != tt.wantIntervals {
					t.Errorf("methods.md names bootstrap intervals: %v, want %v", got, tt.wantIntervals)
				}
			})
			t.Run("the generalisation figure draws error bars only when computed", func(t *testing.T) {
				b, err := build(in)
				if err != nil {
					t.Fatal(err)
				}
				if len(b.x.recipes) == 0 {
					t.Fatal("no recipes")
				}
				bare := make([]recipePoint, len(b.x.recipes))
				for i, r := range b.x.recipes {
					if r.DisagreementCI.ok() != tt.wantIntervals || r.TestErrorCI.ok() != tt.wantIntervals {
						t.Errorf("recipe %s: intervals %v and %v, want computed %v", r.Recipe, r.DisagreementCI, r.TestErrorCI, tt.wantIntervals)
					}
					r.DisagreementCI, r.TestErrorCI = nanInterval, nanInterval
					bare[i] = r
				}
				got, err := genDisFigure(b.x.recipes)
				if err != nil {
					t.Fatal(err)
				}
				want, err := genDisFigure(bare)
				if err != nil {
					t.Fatal(err)
				}
				gs, err := svgFile(got)
				if err != nil {
					t.Fatal(err)
				}
				ws, err := svgFile(want)
				if err != nil {
					t.Fatal(err)
				}
				if hasBars := !bytes.Equal(gs, ws); hasBars != tt.wantIntervals {
					t.Errorf("figure draws error bars: %v, want %v", hasBars, tt.wantIntervals)
				}
				if c := b.figs["generalization_disagreement"].caption; strings.Contains(c, "bootstrap intervals") != tt.wantIntervals {
					t.Errorf("caption %q: names intervals %v, want %v", c, !tt.wantIntervals, tt.wantIntervals)
				}
			})
		})
	}
}

// A [0, 0] interval (a rate that is 0 in every replicate) is an interval,
// not a missing one.
func TestEnsembleTableTellsZeroIntervalFromAbsent(t *testing.T) {
	const key = "systemic_failure_rate"
	tests := []struct {
		name          string
		iv            any // the member as the metrics stage sets it; nil removes it
		wantCell      string
		wantLo, wantH string
	}{
		{"absent", nil, "not computed", "", ""},
		{"null", metrics.Interval{math.NaN(), math.NaN()}, "not computed", "", ""},
		{"a genuine [0, 0]", metrics.Interval{0, 0}, "[0.0000, 0.0000]", "0", "0"},
		{"an interval", metrics.Interval{0.0025, 0.0125}, "[0.0025, 0.0125]", "0.0025", "0.0125"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := metricsInput(t)
			if tt.iv == nil {
				delete(in.Metrics.Ensemble.Extra, key+"_ci")
			} else {
				in.Metrics.Ensemble.Extra[key+"_ci"] = tt.iv
			}
			b, err := build(in)
			if err != nil {
				t.Fatal(err)
			}
			var tab *paperTable
			for _, x := range b.tables {
				if x.Name == "ensemble" {
					tab = x
				}
			}
			if tab == nil {
				t.Fatal("no ensemble table")
			}
			for i, rec := range tab.CSV {
				if rec[0] != key {
					continue
				}
				if got := tab.Rows[i][2].Text; got != tt.wantCell {
					t.Errorf("interval cell = %q, want %q", got, tt.wantCell)
				}
				if rec[2] != tt.wantLo || rec[3] != tt.wantH {
					t.Errorf("CSV ci_lo, ci_hi = %q, %q, want %q, %q", rec[2], rec[3], tt.wantLo, tt.wantH)
				}
				return
			}
			t.Fatalf("no %s row", key)
		})
	}
}

// pdflatex without a Unicode set-up (and with some set-ups) stops at any
// character it does not know, so every built-in label must reach the .tex
// files as ASCII. The user strings of metricsInput are ASCII: anything
// else comes from the report.
func TestTexTablesAreASCII(t *testing.T) {
	dir := t.TempDir()
	if err := WritePaper(dir, metricsInput(t)); err != nil {
		t.Fatalf("WritePaper: %v", err)
	}
	tables, _ := filepath.Glob(filepath.Join(dir, "tables", "*.tex"))
	for _, name := range []string{"attribution", "ensemble", "pairwise", "runs", "calibration", "section-shift"} {
		if _, err := os.Stat(filepath.Join(dir, "tables", name+".tex")); err != nil {
			t.Errorf("no tables/%s.tex: %v", name, err)
		}
	}
	for _, tb := range tables {
		t.Run(filepath.Base(tb), func(t *testing.T) {
			b, err := os.ReadFile(tb)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				for _, r := range line {
					if r > 0x7e || (r < 0x20 && r != '\t') {
						t.Errorf("line %d has %q: %s", i+1, r, line)
						break
					}
				}
			}
		})
	}
}

func TestAttributionNoteNamesIntervalsOnlyWhenComputed(t *testing.T) {
	for _, intervals := range []bool{false, true} {
		if got := strings.Contains(attributionNote(intervals, nil), "Intervals come from"); got != intervals {
			t.Errorf("with intervals %v the note speaks of them: %v", intervals, got)
		}
	}
}
