package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
)

// pdftotext returns the path of poppler's pdftotext, skipping the test
// where it is absent (CI installs poppler-utils).
func pdftotext(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("no pdftotext on this machine (poppler-utils)")
	}
	return p
}

// figureStudies are the studies whose figures the PDF tests read: the
// small study with every figure, with one pair's error consistency made
// negative so that the heatmap's colour bar starts below zero (κ and "−"
// in its text), and the agreement of 200 models of one family, whose
// names are left out, so that the cells and the colour bar's lowest label
// sit at the bottom of the page.
func figureStudies(t *testing.T) []struct {
	name string
	in   *Input
} {
	small := metricsInput(t)
	ec := small.Metrics.Pairwise.ErrorConsistency
	ec[0][1], ec[1][0] = -0.2, -0.2
	many := &Input{}
	const m = 200
	for i := range m {
		many.Models = append(many.Models, fmt.Sprintf("m-%03d", i))
		row := make([]float64, m)
		for j := range row {
			row[j] = -0.25 + float64((i*j)%7)/10
		}
		row[i] = 1
		many.Agreement = append(many.Agreement, row)
	}
	return []struct {
		name string
		in   *Input
	}{
		{"small study", small},
		{"200 models without names", many},
		{"24 models of 12 families", familiesInput(t, 24, 12)},
	}
}

// familiesInput is a study of m models in fams families (arch values
// family00, family01, …), with metrics and a loss curve per run: its
// heatmaps' family legends and the confusion figure's panels are wider
// than a row.
func familiesInput(t *testing.T, m, fams int) *Input {
	var names []string
	for k := range m {
		names = append(names, fmt.Sprintf("family%02d-s%d", k%fams, k/fams))
	}
	x := syntheticMatrix(m, 300, 3, names)
	for k := range x.Configs {
		x.Configs[k]["arch"] = fmt.Sprintf("family%02d", k%fams)
	}
	res, err := metrics.Compute(x, metrics.Options{})
	if err != nil {
		t.Fatalf("metrics.Compute: %v", err)
	}
	in := &Input{Matrix: x, Metrics: res}
	for k, name := range names {
		in.Runs = append(in.Runs, Run{Name: name, ID: fmt.Sprint("r", k), Config: x.Configs[k], Status: StatusOK,
			TestAccuracy: res.PerModel.Accuracy[k], ValAccuracy: math.NaN(), Loss: []float64{1, 0.5, 0.3}})
	}
	return in
}

// writeStudyFigures writes the figures of in into a temporary folder and
// returns the folder and the names of the figures (without extension).
func writeStudyFigures(t *testing.T, in *Input) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	if err := WriteFigures(dir, in); err != nil {
		t.Fatalf("WriteFigures: %v", err)
	}
	pdfs, err := filepath.Glob(filepath.Join(dir, "figures", "*.pdf"))
	if err != nil || len(pdfs) == 0 {
		t.Fatalf("no PDF figures written (%v)", err)
	}
	var names []string
	for _, p := range pdfs {
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".pdf"))
	}
	return filepath.Join(dir, "figures"), names
}

// svgWords returns the words of every <text> element of an SVG file.
func svgWords(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	var words []string
	depth := 0 // inside how many <text> elements
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return words, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "text" {
				depth++
			}
		case xml.EndElement:
			if tok.Name.Local == "text" {
				depth--
			}
		case xml.CharData:
			if depth > 0 {
				words = append(words, strings.Fields(string(tok))...)
			}
		}
	}
}

// TestPDFTextIsTheSVGText checks that every PDF figure holds the same
// words as its SVG: the PDF's fonts must encode κ, − and every other
// character the SVG has (gonum's cp1252 fonts printed κ as "Îº").
func TestPDFTextIsTheSVGText(t *testing.T) {
	bin := pdftotext(t)
	for _, st := range figureStudies(t) {
		t.Run(st.name, func(t *testing.T) {
			dir, names := writeStudyFigures(t, st.in)
			var all []string
			for _, name := range names {
				want, err := svgWords(filepath.Join(dir, name+".svg"))
				if err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(bin, "-raw", filepath.Join(dir, name+".pdf"), "-").Output()
				if err != nil {
					t.Fatalf("pdftotext %s.pdf: %v", name, err)
				}
				got := strings.Fields(string(out))
				all = append(all, got...)
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s: the PDF's words are not the SVG's:\n only in the PDF: %q\n only in the SVG: %q", name, missing(want, got), missing(got, want))
				}
			}
			// The test must see the characters that went wrong.
			if st.name == "small study" {
				text := strings.Join(all, " ")
				for _, r := range []string{"κ", "−"} {
					if !strings.Contains(text, r) {
						t.Errorf("no figure of the study has %q, so the test does not check it", r)
					}
				}
			}
		})
	}
}

// missing returns the words of b that a does not hold, each as often as
// it is missing; a and b are sorted.
func missing(a, b []string) []string {
	var out []string
	i := 0
	for _, w := range b {
		for i < len(a) && a[i] < w {
			i++
		}
		if i < len(a) && a[i] == w {
			i++
			continue
		}
		out = append(out, w)
	}
	return out
}

// bboxPage and bboxWord are the parts of pdftotext -bbox's XHTML output
// that the test reads.
type bboxDoc struct {
	Pages []struct {
		Width  float64 `xml:"width,attr"`
		Height float64 `xml:"height,attr"`
		Words  []struct {
			XMin float64 `xml:"xMin,attr"`
			YMin float64 `xml:"yMin,attr"`
			XMax float64 `xml:"xMax,attr"`
			YMax float64 `xml:"yMax,attr"`
			Text string  `xml:",chardata"`
		} `xml:"word"`
	} `xml:"body>doc>page"`
}

// TestPDFTextInsidePage checks that the box of every word (and so of
// every glyph) of every PDF figure lies inside its page. pdftotext leaves
// out words wholly outside the page, so the test also checks that it
// finds as many words as the SVG has.
func TestPDFTextInsidePage(t *testing.T) {
	bin := pdftotext(t)
	for _, st := range figureStudies(t) {
		t.Run(st.name, func(t *testing.T) {
			dir, names := writeStudyFigures(t, st.in)
			for _, name := range names {
				out, err := exec.Command(bin, "-bbox", filepath.Join(dir, name+".pdf"), "-").Output()
				if err != nil {
					t.Fatalf("pdftotext -bbox %s.pdf: %v", name, err)
				}
				var doc bboxDoc
				if err := xml.Unmarshal(out, &doc); err != nil {
					t.Fatalf("%s: reading pdftotext -bbox output: %v", name, err)
				}
				if len(doc.Pages) != 1 {
					t.Fatalf("%s: %d pages, want 1", name, len(doc.Pages))
				}
				pg := doc.Pages[0]
				want, err := svgWords(filepath.Join(dir, name+".svg"))
				if err != nil {
					t.Fatal(err)
				}
				if len(pg.Words) != len(want) || len(want) == 0 {
					t.Errorf("%s: %d words on the page, the SVG has %d", name, len(pg.Words), len(want))
				}
				for _, w := range pg.Words {
					if w.XMin < 0 || w.YMin < 0 || w.XMax > pg.Width || w.YMax > pg.Height {
						t.Errorf("%s: %q at x %s–%s, y %s–%s is not inside the %g×%g pt page", name, w.Text,
							fmtPt(w.XMin), fmtPt(w.XMax), fmtPt(w.YMin), fmtPt(w.YMax), pg.Width, pg.Height)
					}
				}
			}
		})
	}
}

func fmtPt(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
