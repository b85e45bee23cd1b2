package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func render(t *testing.T, in *Input) string {
	t.Helper()
	b, err := RenderHTML(in)
	if err != nil {
		t.Fatalf("RenderHTML: %v", err)
	}
	return string(b)
}

func TestRenderHTMLShowsEverySection(t *testing.T) {
	page := render(t, sampleInput())
	for _, want := range []string{
		`<section id="summary">`,
		`<section id="runs">`,
		`<section id="heatmaps">`,
		`<section id="headline">`,
		`<section id="homogenization">`,
		`<section id="scatter">`,
		`<section id="evaluation">`,
		`<table class="sortable" id="runs-table">`,
		"model.width", "seed", // axes
		"loss is NaN at epoch 3", "cancelled", // reasons of unfinished runs
		"go1.26.8", "gomaxprocs", // environment
		"<details>\n<summary>Spec as given</summary>",
		"@media print",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, "<svg"); n != 2 {
		t.Errorf("page has %d <svg> elements, want 2 (heatmap and loss curves: the sample has no metrics or matrix)", n)
	}
	if strings.Contains(page, "<?xml") {
		t.Error("page contains an XML prolog from an inlined SVG")
	}
}

func TestRenderHTMLEscapesUserStrings(t *testing.T) {
	page := render(t, sampleInput())
	tests := []struct {
		name, raw, escaped string
	}{
		{"a model named like a script tag", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"a model name with percent, braces and ampersand", "50%_{x}&", "50%_{x}&amp;"},
		{"a failure reason with markup", "<b>&</b>", "&lt;b&gt;&amp;&lt;/b&gt;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(strings.ReplaceAll(page, tt.escaped, ""), tt.raw) {
				t.Errorf("page contains %q unescaped", tt.raw)
			}
			if !strings.Contains(page, tt.escaped) {
				t.Errorf("page does not show %q as %q", tt.raw, tt.escaped)
			}
		})
	}
	t.Run("the hostile name is escaped inside the heatmap SVG too", func(t *testing.T) {
		svg := between(t, page, `<section id="heatmaps">`, "</figure>")
		if !strings.Contains(svg, "<text") || !strings.Contains(svg, "&lt;script&gt;alert(1)&lt;/script&gt;</text>") {
			t.Error("heatmap SVG does not draw the escaped name as text")
		}
	})
	t.Run("the only script element is the sort script", func(t *testing.T) {
		if n := strings.Count(strings.ToLower(page), "<script"); n != 1 {
			t.Errorf("page has %d <script elements, want 1", n)
		}
	})
}

// between returns the part of s from the first start to the next end.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("no %q in page", start)
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		t.Fatalf("no %q after %q in page", end, start)
	}
	return s[i : i+j]
}

var urlRE = regexp.MustCompile(`(\S*)(https?://[^\s"'<>)]*)`)

func TestRenderHTMLMakesNoNetworkReferences(t *testing.T) {
	page := render(t, sampleInput())
	for _, m := range urlRE.FindAllStringSubmatch(page, -1) {
		// xmlns declarations name a namespace; they are never fetched.
		if strings.HasPrefix(m[1], "xmlns") {
			continue
		}
		t.Errorf("page refers to %q", m[0])
	}
	for _, bad := range []string{"@import", "src=\"http", "url(http", "<link"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
}

func TestRenderHTMLIsDeterministic(t *testing.T) {
	a, err := RenderHTML(sampleInput())
	if err != nil {
		t.Fatal(err)
	}
	b, err := RenderHTML(sampleInput())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renders of the same input differ")
	}
}

func TestRenderHTMLEdgeCases(t *testing.T) {
	nan := math.NaN()
	one := sampleInput()
	one.Models = one.Models[:1]
	one.Agreement = [][]float64{{1}}
	allNaN := sampleInput()
	for i := range allNaN.Agreement {
		for j := range allNaN.Agreement[i] {
			allNaN.Agreement[i][j] = nan
		}
	}
	equal := sampleInput()
	for i := range equal.Agreement {
		for j := range equal.Agreement[i] {
			equal.Agreement[i][j] = 1
		}
	}
	noAgreement := sampleInput()
	noAgreement.Agreement = nil
	many := sampleInput()
	many.Models, many.Agreement = nil, nil
	for i := range 70 {
		many.Models = append(many.Models, strings.Repeat("m", i%40+1))
	}
	for i := range 70 {
		row := make([]float64, 70)
		for j := range row {
			row[j] = 1 - float64((i-j)*(i-j)%17)/40
		}
		many.Agreement = append(many.Agreement, row)
	}
	tests := []struct {
		name string
		in   *Input
		want []string
	}{
		{"an empty input says there are no finished runs", &Input{}, []string{"There are no finished runs", "The study has no runs", "No run recorded a training loss"}},
		{"one model draws a one-cell heatmap", one, []string{"<svg", "Pairwise agreement between the 1 finished models"}},
		{"an all-NaN matrix draws grey cells", allNaN, []string{"<svg", "n/a"}},
		{"equal agreements still get a colour range", equal, []string{"<svg", "Colours run from 0.950 to 1.050"}},
		{"no agreement matrix is said so", noAgreement, []string{"No agreement matrix was computed"}},
		{"seventy models still draw", many, []string{"<svg", "70 finished models"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := render(t, tt.in)
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
}

func TestRenderHTMLRejectsABadAgreementMatrix(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *Input)
		want string
	}{
		{"too few rows", func(in *Input) { in.Agreement = in.Agreement[:2] }, "agreement has 2 rows, want 4"},
		{"a short row", func(in *Input) { in.Agreement[1] = in.Agreement[1][:3] }, `agreement row 1 ("w32-s2") has 3 values, want 4`},
		{"an infinite value", func(in *Input) { in.Agreement[0][2] = math.Inf(1) }, "agreement[0][2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := sampleInput()
			tt.edit(in)
			_, err := RenderHTML(in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := RenderHTML(nil); err == nil {
		t.Error("RenderHTML(nil) returned no error")
	}
}

func TestRenderHTMLShowsExtraSections(t *testing.T) {
	in := sampleInput()
	in.Sections = []Section{{
		ID:    "kappa",
		Title: "Cohen's κ <by pair>",
		Text:  []string{"κ corrects agreement for chance & <i>bias</i>."},
		Table: &Table{Header: []string{"pair", "κ"}, Rows: [][]string{{"a<b", "0.9"}}},
	}}
	page := render(t, in)
	for _, want := range []string{
		`<section id="x-kappa">`,
		"Cohen&#39;s κ &lt;by pair&gt;",
		"chance &amp; &lt;i&gt;bias&lt;/i&gt;.",
		"<td>a&lt;b</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestWriteHTMLReplacesTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(path, sampleInput()); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := RenderHTML(sampleInput())
	if !bytes.Equal(got, want) {
		t.Error("file differs from RenderHTML")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only report.html", len(entries))
	}
	if err := WriteHTML(filepath.Join(dir, "missing", "r.html"), sampleInput()); err == nil {
		t.Error("WriteHTML into a missing folder returned no error")
	}
}

// FuzzRenderHTMLEscapes checks that no model name, axis value or reason
// can add markup to the page.
func FuzzRenderHTMLEscapes(f *testing.F) {
	for _, s := range []string{"<script>alert(1)</script>", "50%_{x}&", "a\"b'c", "</svg><img src=x onerror=alert(1)>", "\x1b[31mred\n", "<!--", "]]>", `" onmouseover="alert(1)`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := sampleInput()
		in.Models[0], in.Runs[0].Name = s, s
		in.Runs[2].Reason = s
		in.Axes[0].Values[0] = s
		in.Runs[1].Config["seed"] = s
		b, err := RenderHTML(in)
		if err != nil {
			t.Fatalf("RenderHTML: %v", err)
		}
		page := strings.ToLower(string(b))
		if n := strings.Count(page, "<script"); n != 1 {
			t.Errorf("page has %d <script elements, want 1", n)
		}
		for _, bad := range []string{"<img", "<!--"} {
			if strings.Contains(page, bad) {
				t.Errorf("page contains %q", bad)
			}
		}
		for _, tag := range tagRE.FindAllString(page, -1) {
			if m := handlerRE.FindString(quotedRE.ReplaceAllString(tag, `""`)); m != "" {
				t.Errorf("tag %.80q has an event handler %q", tag, m)
			}
		}
	})
}

var (
	// Every raw "<" followed by a letter starts a tag: text "<" is escaped,
	// and the page's own CSS and script contain none.
	tagRE     = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	quotedRE  = regexp.MustCompile(`"[^"]*"|'[^']*'`)
	handlerRE = regexp.MustCompile(`\son[a-z]+\s*=`)
)

// TestReportRefusesMetricsOfAnotherMatrix checks that the report's inputs
// agree: the metrics must be those of the matrix, and model names given
// beside them must be theirs.
func TestReportRefusesMetricsOfAnotherMatrix(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *Input)
		want string
	}{
		{"models renamed in the matrix", func(in *Input) {
			x := *in.Matrix
			x.Models = slices.Clone(x.Models)
			x.Models[0], x.Models[1] = x.Models[1], x.Models[0]
			in.Matrix = &x
		}, "the matrix's models"},
		{"a matrix of other instances", func(in *Input) {
			r := *in.Metrics
			r.NInstances++
			in.Metrics = &r
		}, "instances but the metrics"},
		{"other model names beside the metrics", func(in *Input) {
			in.Models = slices.Clone(in.Metrics.Models)
			in.Models[2] = "someone else"
		}, "are not the metrics'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := metricsInput(t)
			tt.edit(in)
			if _, err := RenderHTML(in); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := RenderHTML(metricsInput(t)); err != nil {
		t.Errorf("consistent inputs: %v", err)
	}
}
