package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestLatexEscapesEverySpecialCharacter(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"a model named like a script tag", "<script>alert(1)</script>", `\textless{}script\textgreater{}alert(1)\textless{}/script\textgreater{}`},
		{"percent, underscore, braces and ampersand", "50%_{x}&", `50\%\_\{x\}\&`},
		{"dollar, hash, tilde, caret and backslash", `$#~^\`, `\$\#\textasciitilde{}\textasciicircum{}\textbackslash{}`},
		{"the report's symbols become math", "κ ± 0.1", `$\kappa$ $\pm$ 0.1`},
		{"the ensemble labels' symbols become math", "difficulty θ, ∏ e_m, Σ_b a·b", `difficulty $\theta$, $\prod$ e\_m, $\Sigma$\_b a$\cdot$b`},
		{"a line break becomes a space", "a\nb", "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Latex(tt.in); got != tt.want {
				t.Errorf("Latex(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Layout markup of texlayout.go: a nested tabular holds a cell's lines,
// {} guards a line that starts with "[", and numbers in e-notation are
// written as m×10^k.
var (
	nestedTabular = regexp.MustCompile(`^\\begin\{tabular\}\[[tb]\]\{@\{\}[lr]@\{\}\}(.*)\\end\{tabular\}$`)
	timesTen      = regexp.MustCompile(`\$-?[0-9.]+\\times 10\^\{-?[0-9]+\}\$`)
)

// rawLines returns the lines of a table cell as written.
func rawLines(cell string) []string {
	if m := nestedTabular.FindStringSubmatch(cell); m != nil {
		return strings.Split(m[1], `\\`)
	}
	return []string{cell}
}

// cellLines returns the printed lines of a table cell, without the
// layout markup and bold wrappers, leaving the escaped text.
func cellLines(cell string) []string {
	lines := rawLines(cell)
	for i, l := range lines {
		if strings.HasPrefix(l, `\textbf{`) && strings.HasSuffix(l, "}") {
			l = l[len(`\textbf{`) : len(l)-1]
		}
		l = strings.TrimPrefix(l, "{}")
		lines[i] = timesTen.ReplaceAllString(l, "1")
	}
	return lines
}

// latexEscapes are the escapes and commands Latex writes.
var latexEscapes = []string{`\textbackslash{}`, `\textasciitilde{}`, `\textasciicircum{}`, `\textless{}`, `\textgreater{}`, `\textbar{}`, `\ldots{}`,
	`\&`, `\%`, `\$`, `\#`, `\_`, `\{`, `\}`, `$\pm$`, `$-$`, `$\kappa$`, `$\rho$`, `$\theta$`, `$\prod$`, `$\Sigma$`, `$\cdot$`, `$\times$`, `$\leq$`, `$\geq$`,
	`$^2$`, `$\in$`, `$\surd$`, `$^{\circ}$`, `$\approx$`, `$\neq$`, `$\to$`, `$\infty$`, `$\alpha$`, `$\beta$`, `$\varepsilon$`, `$\lambda$`, `$\mu$`, `$\sigma$`, `$\Delta$`}

// stripEscapes removes the escapes and commands Latex writes, leaving
// any special character that got through. One left-to-right pass: an
// escape is removed where it starts, so the end of one and the start of
// the next ("$^{\circ}$-$\to$") are never read as a third ("$-$").
func stripEscapes(s string) string {
	pairs := make([]string, 0, 2*len(latexEscapes))
	for _, e := range latexEscapes {
		pairs = append(pairs, e, "")
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

func FuzzLatex(f *testing.F) {
	for _, s := range []string{"<script>alert(1)</script>", "50%_{x}&", `\textbf{x}`, "a$b#c~d^e", "κ±—…", "\\\\", "m∈g ≈ 15° → ∞", "R² = 0.25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := stripEscapes(Latex(s))
		if strings.ContainsAny(out, `\&%$#_{}~^`) {
			t.Errorf("Latex(%q) leaves a special character: %q", s, out)
		}
	})
}

// writePaper writes in's paper files into a fresh folder and returns it
// and a reader of the files in it.
func writePaper(t *testing.T, in *Input) (dir string, read func(rel string) string) {
	t.Helper()
	dir = t.TempDir()
	if err := WritePaper(dir, in); err != nil {
		t.Fatalf("WritePaper: %v", err)
	}
	return dir, func(rel string) string {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

func TestWritePaper(t *testing.T) {
	in := metricsInput(t)
	dir, read := writePaper(t, in)
	t.Run("every figure is written as PDF and SVG", func(t *testing.T) {
		for _, name := range []string{"agreement", "error_consistency", "failures", "accuracy_vs_error_consistency", "diversity_accuracy", "training_loss", "confusion", "reliability", "shift"} {
			for _, ext := range []string{".pdf", ".svg"} {
				if _, err := os.Stat(filepath.Join(dir, "figures", name+ext)); err != nil {
					t.Errorf("no figures/%s%s: %v", name, ext, err)
				}
			}
		}
	})
	t.Run("column figures are 3.5 inches wide", func(t *testing.T) {
		if svg := read("figures/failures.svg"); !strings.Contains(svg, `<svg width="252pt"`) {
			t.Errorf("failures.svg is not 252pt wide: %.120s", svg[strings.Index(svg, "<svg"):])
		}
	})
	t.Run("the runs table is booktabs with the best accuracy bold", func(t *testing.T) {
		tex := read("tables/runs.tex")
		for _, want := range []string{`\toprule`, `\midrule`, `\bottomrule`, `\textbf{`} {
			if !strings.Contains(tex, want) {
				t.Errorf("runs.tex lacks %s", want)
			}
		}
	})
	t.Run("hostile model names are escaped in every table", func(t *testing.T) {
		tex := read("tables/runs.tex")
		if !strings.Contains(tex, `\textless{}script\textgreater{}`) || !strings.Contains(tex, `50\%\_\{x\}\&`) {
			t.Error("runs.tex does not show the hostile names escaped")
		}
		for _, name := range []string{"runs", "ensemble", "section-shift"} {
			// Every cell of every row between \midrule and
			// \bottomrule, without its bold wrapper, must hold no
			// special character outside an escape.
			body := read("tables/" + name + ".tex")
			rows := body[strings.Index(body, `\midrule`)+len(`\midrule`) : strings.Index(body, `\bottomrule`)]
			for _, row := range strings.Split(strings.TrimSpace(rows), "\n") {
				for _, cell := range strings.Split(strings.TrimSuffix(row, ` \\`), " & ") {
					for _, line := range cellLines(cell) {
						if c := stripEscapes(line); strings.ContainsAny(c, `\&%$#_{}~^`) {
							t.Errorf("%s.tex: cell %q has an unescaped special character", name, cell)
						}
					}
				}
			}
		}
	})
	t.Run("the CSV holds the unrounded numbers", func(t *testing.T) {
		csv := read("tables/ensemble.csv")
		if !strings.HasPrefix(csv, "measure,value,ci_lo,ci_hi,p\n") {
			t.Errorf("ensemble.csv header: %.60q", csv)
		}
		// Parsed back, the field must give the very float64 the metrics
		// hold: a rounded value would parse to a neighbour.
		h := float64(in.Metrics.Ensemble.MeanAccuracy)
		var field string
		for _, line := range strings.Split(csv, "\n") {
			if v, ok := strings.CutPrefix(line, "mean_accuracy,"); ok {
				field, _, _ = strings.Cut(v, ",")
			}
		}
		got, err := strconv.ParseFloat(field, 64)
		if err != nil || got != h {
			t.Errorf("ensemble.csv mean_accuracy = %q (%v), want %v at full precision", field, err, h)
		}
	})
	t.Run("the methods cite only what references.bib defines", func(t *testing.T) {
		md, bib := read("methods.md"), read("references.bib")
		keys := regexp.MustCompile(`@([a-z]+[0-9]{4}[a-z]+)`).FindAllStringSubmatch(md, -1)
		if len(keys) < 5 {
			t.Fatalf("methods.md cites %d papers, want at least 5:\n%s", len(keys), md)
		}
		for _, k := range keys {
			if !strings.Contains(bib, "{"+k[1]+",") {
				t.Errorf("methods.md cites %s, which references.bib lacks", k[1])
			}
		}
	})
	t.Run("a second run writes the same bytes, PDFs included", func(t *testing.T) {
		again := t.TempDir()
		if err := WritePaper(again, metricsInput(t)); err != nil {
			t.Fatal(err)
		}
		err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if err != nil || fi.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			a, _ := os.ReadFile(p)
			b, err := os.ReadFile(filepath.Join(again, rel))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s differs between two runs (%v)", rel, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestRenderHTMLWithMetricsAndMatrix(t *testing.T) {
	page := render(t, metricsInput(t))
	t.Run("every section and figure is there", func(t *testing.T) {
		for _, want := range []string{
			`<section id="headline">`, `<section id="homogenization">`, `<section id="heatmaps">`, `<section id="scatter">`,
			`<section id="runs">`, `<section id="evaluation">`, `<section id="x-shift">`,
			`data-figure="agreement"`, `data-figure="error_consistency"`, `data-figure="failures"`,
			`data-figure="accuracy_vs_error_consistency"`, `data-figure="diversity_accuracy"`,
			`data-figure="confusion"`, `data-figure="reliability"`, `data-figure="shift"`, `data-figure="training_loss"`,
			"Homogenization H", "ECE",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
	t.Run("hostile names are escaped everywhere", func(t *testing.T) {
		for _, raw := range []string{"<script>alert(1)</script>", "50%_{x}&<", "noise & <b>"} {
			if strings.Contains(page, raw) {
				t.Errorf("page contains %q unescaped", raw)
			}
		}
		if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(page, "noise &amp; &lt;b&gt;") {
			t.Error("page does not show the hostile names as text")
		}
		if n := strings.Count(strings.ToLower(page), "<script"); n != 1 {
			t.Errorf("page has %d <script elements, want only the sort script", n)
		}
	})
}
