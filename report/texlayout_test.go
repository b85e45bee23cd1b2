package report

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// ciCell is a value followed by its interval, as withCI prints it.
func ciCell(v, lo, hi float64) tcell {
	return tcell{Text: withCI(v, interval{fnum(lo), fnum(hi)}, 3), Num: true}
}

// layoutTables are tables of every shape the ladder of texlayout.go
// handles: narrow, with long text, with intervals in many columns, with
// numbers in e-notation, and with a word wider than a column.
func layoutTables() []*paperTable {
	narrow := &paperTable{Name: "narrow", Caption: "A narrow table.", Header: []string{"family", "models", "ECE"},
		Rows: [][]tcell{{{Text: "mlp"}, {Text: "12", Num: true}, {Text: "0.0251", Num: true}}}}
	text := &paperTable{Name: "long-text", Caption: "Long measure names.", Header: []string{"measure", "value", "p"}}
	for i := range 6 {
		text.Rows = append(text.Rows, []tcell{{Text: fmt.Sprintf("whole-set homogenization H %d (grows with the number of models; compare only at equal M)", i)},
			ciCell(0.5+float64(i)/100, 0.4, 0.6), {Text: "≤ 0.001 (999 permutations)", Num: true}})
	}
	many := &paperTable{Name: "many-intervals", Caption: "Eight columns, five with intervals.",
		Header: []string{"rank", "axis", "pairs", "disagreement", "excess over accuracy gap", "excess over seed", "error consistency κ", "Pratt importance"}}
	for i := range 4 {
		many.Rows = append(many.Rows, []tcell{{Text: fmt.Sprintf("%d (tied)", i+1)}, {Text: "optimizer/lr"}, {Text: "12", Num: true},
			ciCell(0.067, 0.056, 0.078), ciCell(0.02, 0.012, 0.029), ciCell(-0.0002, -0.01, 0.009), ciCell(0.44, 0.359, 0.52), {Text: num(-1.19e-4, 3), Num: true}})
	}
	many.Rows[0][3].Bold = true
	tiny := &paperTable{Name: "e-notation", Caption: "Numbers too small and too large for decimals.", Header: []string{"measure", "value", "95% interval"},
		Rows: [][]tcell{{{Text: "… if independent (∏ e_m)"}, {Text: num(2.19e-31, 4), Num: true}, {Text: ivText(interval{4.3e-32, 9.1e-31}, 4), Num: true}},
			{{Text: "whole-set H"}, {Text: num(3.92e28, 3), Num: true}, {Text: ivText(interval{9.81e27, 1.85e29}, 3), Num: true}}}}
	word := &paperTable{Name: "unbreakable", Caption: "A model name wider than the page.", Header: []string{"run", "test acc."},
		Rows: [][]tcell{{{Text: strings.Repeat("arch=mlp,seed=1,", 12)}, {Text: "0.9695", Num: true}}}}
	section := tableFromSection(Section{Title: "Distribution shift", Table: &Table{
		Header: []string{"evaluation set", "mean accuracy", "mean agreement", "systemic failure rate", "mean pairwise H [95% CI]", "H_3 (groups of 3) [95% CI]"},
		Rows:   [][]string{{"clean test set", "0.9422", "0.9505", "0.0086", "11.799 [11.213, 12.487]", "178.115 [160.002, 201.583]"}},
	}}, "section-shift")
	return []*paperTable{narrow, text, many, tiny, word, section}
}

func TestTexLayoutLadder(t *testing.T) {
	tables := map[string]*paperTable{}
	for _, tb := range layoutTables() {
		tables[tb.Name] = tb
	}
	tests := []struct {
		table     string
		want, not []string
	}{
		{"narrow", []string{`\begin{table}[t]`, `% Layout: one column`, `\small`}, []string{`\begin{tabular}[t]`, `table*`}},
		{"long-text", []string{`\begin{table}[t]`, "text broken into lines", `{@{}r@{}}0.500\\{}[0.400, 0.600]`}, []string{`table*`}},
		{"many-intervals", []string{`\begin{table*}[t]`, "too wide for one column", `\textbf{0.067}\\\textbf{[0.056, 0.078]}`, `[$-$0.010, 0.009]`, `$-2.00\times 10^{-4}$`}, []string{`\resizebox`, "[-0.010", "$$"}},
		{"e-notation", []string{`$2.19\times 10^{-31}$`, `$3.92\times 10^{28}$`, `{}[$4.30\times 10^{-32}$, $9.10\times 10^{-31}$]`}, []string{"e-31", "e+28"}},
		{"unbreakable", []string{`\resizebox{\textwidth}{!}{%`, `needs \usepackage{booktabs, graphicx}`}, nil},
		{"section-shift", []string{`{@{}lrrrrr@{}}`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			tex := string(tables[tt.table].tex())
			for _, w := range tt.want {
				if !strings.Contains(tex, w) {
					t.Errorf("lacks %q:\n%s", w, tex)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(tex, w) {
					t.Errorf("has %q:\n%s", w, tex)
				}
			}
		})
	}
}

// overfull finds TeX's complaints about a box wider than its room.
var overfull = regexp.MustCompile(`Overfull \\hbox \(([0-9.]+)pt too wide\)[^\n]*\n[^\n]*`)

// TestTexTablesFitTwoColumnArticle compiles every table of a test study,
// and the tables of every shape the layout handles, in a minimal
// two-column article and fails on any overfull box: a table wider than
// the column (or than the page, for table*) overflows it.
func TestTexTablesFitTwoColumnArticle(t *testing.T) {
	pdflatex, err := exec.LookPath("pdflatex")
	if err != nil {
		t.Skip("pdflatex is not installed (apt-get install texlive-latex-base texlive-latex-extra texlive-science)")
	}
	dir, _ := writePaper(t, metricsInput(t))
	tables, _ := filepath.Glob(filepath.Join(dir, "tables", "*.tex"))
	for _, tb := range layoutTables() {
		p := filepath.Join(dir, "tables", "layout-"+tb.Name+".tex")
		if err := os.WriteFile(p, tb.tex(), 0o644); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, p)
	}
	if len(tables) < 10 {
		t.Fatalf("only %d tables", len(tables))
	}
	var doc strings.Builder
	doc.WriteString("\\documentclass[twocolumn]{article}\n\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\begin{document}\n")
	for _, tb := range tables {
		// One table a page: a float that does not fit would be
		// held back, not reported.
		doc.WriteString("\\typeout{TABLE " + filepath.Base(tb) + "}\n\\input{" + filepath.ToSlash(tb) + "}\n\\clearpage\n")
	}
	doc.WriteString("\\end{document}\n")
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "doc.tex"), []byte(doc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex")
	cmd.Dir = work
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdflatex: %v\n%s", err, out)
	}
	log, err := os.ReadFile(filepath.Join(work, "doc.log"))
	if err != nil {
		t.Fatal(err)
	}
	// Attribute each complaint to the table being typeset.
	current := ""
	for _, line := range strings.SplitAfter(string(log), "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "TABLE "); ok {
			current = name
		}
		if strings.Contains(line, "Overfull \\hbox") {
			t.Errorf("%s: %s", current, strings.TrimSpace(line))
		}
	}
	if n := strings.Count(string(log), "TABLE "); n < len(tables) {
		t.Errorf("the log names %d of %d tables", n, len(tables))
	}
}

func TestRunsTableTexLeavesOutWhatOtherColumnsSay(t *testing.T) {
	gridNames := func(in *Input) {
		for i, r := range in.Runs {
			in.Runs[i].Name = "arch=" + r.Config["arch"] + " seed=" + r.Config["seed"]
		}
	}
	tests := []struct {
		name   string
		edit   func(in *Input)
		header string // the LaTeX header row
	}{
		{"names of their own and all ok: no status", func(in *Input) {}, `run & arch & seed &`},
		{"grid names and all ok: neither run nor status", gridNames, `arch & seed & `},
		{"grid names and a failed run: status kept", func(in *Input) {
			gridNames(in)
			in.Runs[1].Status, in.Runs[1].Reason = StatusFailed, "diverged"
		}, `arch & seed & `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := metricsInput(t)
			tt.edit(in)
			b, err := build(in)
			if err != nil {
				t.Fatal(err)
			}
			rt := b.table("runs")
			tex := string(rt.tex())
			if !strings.Contains(tex, "\\midrule") || !strings.Contains(tex, "\n"+tt.header) {
				t.Errorf("runs.tex header does not start %q:\n%s", tt.header, tex)
			}
			failed := slices.ContainsFunc(in.Runs, func(r Run) bool { return r.Status != StatusOK })
			if got := strings.Contains(tex, "status"); got != failed {
				t.Errorf("runs.tex has a status column: %v, want %v", got, failed)
			}
			// The HTML and CSV keep every column.
			if rt.Header[0] != "run" || rt.Header[len(rt.Header)-1] != "status" {
				t.Errorf("the page's runs table lost a column: %q", rt.Header)
			}
		})
	}
}

// FuzzPaperTableTeX lays out tables of arbitrary cells: every printed
// line of every cell holds no LaTeX special character outside an escape
// or the layout's own markup.
func FuzzPaperTableTeX(f *testing.F) {
	for _, s := range [][2]string{{"0.067 [0.056, 0.078]", "arch=mlp, seed=1"}, {"[x] & 50%_{x}", "-2.00e-04 [-0.010, 0.009]"}, {"≤ 0.001 (999 permutations)", strings.Repeat("w", 200)}} {
		f.Add(s[0], s[1], true)
	}
	f.Fuzz(func(t *testing.T, a, b string, num bool) {
		tb := &paperTable{Name: "f", Caption: a, Header: []string{a, "value", b},
			Rows: [][]tcell{{{Text: a}, {Text: b, Num: num}, {Text: a, Num: true}}, {{Text: b, Bold: true}, {Text: a, Num: num, Bold: true}, {Text: b}}}}
		tex := string(tb.tex())
		body := tex[strings.Index(tex, `\toprule`)+len(`\toprule`) : strings.Index(tex, `\bottomrule`)]
		for _, row := range strings.Split(strings.Trim(body, "\n"), "\n") {
			if row == `\midrule` {
				continue
			}
			for _, cell := range strings.Split(strings.TrimSuffix(row, ` \\`), " & ") {
				for _, line := range rawLines(cell) {
					if strings.HasPrefix(line, "[") {
						t.Errorf("a line starts with [, read as \\\\'s argument: %q", cell)
					}
				}
				for _, line := range cellLines(cell) {
					if c := stripEscapes(line); strings.ContainsAny(c, `\&%$#_{}~^`) {
						t.Errorf("cell %q has an unescaped special character", cell)
					}
				}
			}
		}
	})
}
