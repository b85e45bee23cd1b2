package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	pandocCites = regexp.MustCompile(`\[@([^\]]+)\]`)
	natbibCites = regexp.MustCompile(`\\citep\{([^}]+)\}`)
)

// citedKeys returns the keys of every citation in s, in order.
func citedKeys(re *regexp.Regexp, s, sep string) []string {
	var keys []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		for _, k := range strings.Split(m[1], sep) {
			keys = append(keys, strings.TrimPrefix(strings.TrimSpace(k), "@"))
		}
	}
	return keys
}

func TestMethodsTeX(t *testing.T) {
	dir, read := writePaper(t, metricsInput(t))
	md, tex, bib := read("methods.md"), read("methods.tex"), read("references.bib")
	t.Run("it cites what methods.md cites, in the same order", func(t *testing.T) {
		want, got := citedKeys(pandocCites, md, ";"), citedKeys(natbibCites, tex, ",")
		if len(want) < 5 || !slices.Equal(got, want) {
			t.Errorf("methods.tex cites %v, methods.md %v", got, want)
		}
	})
	t.Run("every key is in references.bib", func(t *testing.T) {
		for _, k := range citedKeys(natbibCites, tex, ",") {
			if !strings.Contains(bib, "{"+k+",") {
				t.Errorf("methods.tex cites %s, which references.bib lacks", k)
			}
		}
	})
	t.Run("it says what methods.md says", func(t *testing.T) {
		for _, want := range []string{`\section*{Methods}`, `Cohen's $\kappa$`, `SFR\_g/$\prod$\_\{m$\in$g\} e\_m`} {
			if !strings.Contains(tex, want) {
				t.Errorf("methods.tex lacks %q", want)
			}
		}
		// Paragraphs after the heading (and, in Markdown, the comment).
		_, texBody, _ := strings.Cut(tex, "\\section*{Methods}\n\n")
		_, mdBody, _ := strings.Cut(md, "-->\n\n")
		if n, m := strings.Count(texBody, "\n\n"), strings.Count(mdBody, "\n\n"); n != m || n == 0 {
			t.Errorf("methods.tex has %d paragraph breaks, methods.md %d", n, m)
		}
	})
	t.Run("every character is spelled in ASCII", func(t *testing.T) {
		for i, r := range tex {
			if r > 126 || (r < 32 && r != '\n') {
				t.Errorf("methods.tex has %q at byte %d: %.60q", r, i, tex[max(0, i-30):])
				break
			}
		}
	})
	t.Run("it compiles with natbib and bibtex where TeX is installed", func(t *testing.T) {
		pdflatex, err1 := exec.LookPath("pdflatex")
		bibtex, err2 := exec.LookPath("bibtex")
		if err1 != nil || err2 != nil {
			t.Skip("pdflatex or bibtex is not installed (apt-get install texlive-latex-base)")
		}
		doc := "\\documentclass[twocolumn]{article}\n\\usepackage{natbib}\n\\begin{document}\n\\input{methods.tex}\n\\bibliographystyle{plainnat}\n\\bibliography{references}\n\\end{document}\n"
		if err := os.WriteFile(filepath.Join(dir, "doc.tex"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, step := range [][]string{{pdflatex, "doc"}, {bibtex, "doc"}, {pdflatex, "doc"}, {pdflatex, "doc"}} {
			args := []string{step[1]}
			if step[0] == pdflatex {
				args = []string{"-interaction=nonstopmode", "-halt-on-error", step[1]}
			}
			cmd := exec.Command(step[0], args...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", filepath.Base(step[0]), err, out)
			}
		}
		log := read("doc.log")
		for _, bad := range []string{"undefined", "Warning", "Overfull"} {
			if i := strings.Index(log, bad); i >= 0 {
				t.Errorf("doc.log: %q", log[max(0, i-100):min(len(log), i+100)])
			}
		}
	})
}

func TestMethodsSayHowTheModelsWereMade(t *testing.T) {
	tests := []struct {
		name      string
		analyzed  *Analyzed
		want, not string
	}{
		{"a grid trained by study", nil, "We trained a grid of 6 runs", "analysed"},
		{"predictions analysed by study analyze", &Analyzed{Source: "pred.csv", Format: "csv"}, "We analysed the predictions of 6 models trained elsewhere, read from pred.csv (csv); study did not train them.", "trained a grid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := metricsInput(t)
			in.Analyzed = tt.analyzed
			b, err := build(in)
			if err != nil {
				t.Fatal(err)
			}
			md, _ := b.methods()
			for _, text := range []string{string(md), string(b.methodsTeX())} {
				if !strings.Contains(text, tt.want) || strings.Contains(text, tt.not) {
					t.Errorf("methods lack %q or have %q:\n%.500s", tt.want, tt.not, text)
				}
			}
		})
	}
}

func TestMethodsNameTheSoftware(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
		not  string
	}{
		{"a study's environment", map[string]string{"go": "go1.26.8", "git commit": "4f5c5f8", "modules": "gonum.org/v1/gonum v0.17.0"},
			[]string{"Software: study at git commit 4f5c5f8, built with go1.26.8, with gonum.org/v1/gonum v0.17.0."}, ""},
		{"no environment (analyzed predictions)", nil, nil, "Software:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := metricsInput(t)
			in.Environment = tt.env
			b, err := build(in)
			if err != nil {
				t.Fatal(err)
			}
			md, _ := b.methods()
			for _, w := range tt.want {
				if !strings.Contains(string(md), w) {
					t.Errorf("methods.md does not say %q:\n%s", w, md)
				}
			}
			if tt.not != "" && strings.Contains(string(md), tt.not) {
				t.Errorf("methods.md says %q:\n%s", tt.not, md)
			}
		})
	}
}
