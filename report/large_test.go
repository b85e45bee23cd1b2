package report

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat/predmattest"
)

// largeInput is m random models (predmattest.Random, every model its own
// family) on n instances with their metrics.
func largeInput(t *testing.T, m, n int) *Input {
	t.Helper()
	x := predmattest.Random(uint64(m), m, n, 3, 0.8)
	res, err := metrics.Compute(x, metrics.Options{Bootstrap: -1, Permutations: -1})
	if err != nil {
		t.Fatalf("metrics.Compute: %v", err)
	}
	return &Input{Title: "large", Matrix: x, Metrics: res}
}

var svgImage = regexp.MustCompile(`xlink:href="data:image/[a-z]+;base64,([A-Za-z0-9+/=]+)"`)

// TestLargeStudiesStayBounded checks that heatmaps turn into images above
// rasterHeatmapAbove models and pair plots into densities above
// densityAbove models, that the files stay small, and that small studies
// keep one rectangle per cell and one glyph per pair.
func TestLargeStudiesStayBounded(t *testing.T) {
	tests := []struct {
		name           string
		m              int
		raster, dense  bool
		maxSVG, maxPDF int // bytes of agreement.svg and .pdf
		maxPage        int // bytes of report.html
	}{
		{"40 models: vector cells, points", 40, false, false, 400 << 10, 600 << 10, 8 << 20},
		{"80 models: vector cells, points in both pair plots (6320 ordered pairs)", 80, false, false, 1 << 20, 1 << 20, 8 << 20},
		{"150 models: vector cells, densities", 150, false, true, 3 << 20, 2 << 20, 16 << 20},
		{"300 models: image cells, densities", 300, true, true, 400 << 10, 600 << 10, 4 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := largeInput(t, tt.m, 60)
			dir := t.TempDir()
			if err := Write(dir, filepath.Join(dir, "report.html"), in); err != nil {
				t.Fatalf("Write: %v", err)
			}
			read := func(name string) []byte {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			svg, pdf, page := read("figures/agreement.svg"), read("figures/agreement.pdf"), read("report.html")
			if len(svg) > tt.maxSVG || len(pdf) > tt.maxPDF || len(page) > tt.maxPage {
				t.Errorf("agreement.svg %d bytes (max %d), .pdf %d (max %d), report.html %d (max %d)", len(svg), tt.maxSVG, len(pdf), tt.maxPDF, len(page), tt.maxPage)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[len(pdf)-32:], []byte("%%EOF")) {
				t.Error("agreement.pdf is not a whole PDF file")
			}
			if got := bytes.Contains(pdf, []byte("/Subtype /Image")); got != tt.raster {
				t.Errorf("agreement.pdf holds an image: %v, want %v", got, tt.raster)
			}
			imgs := svgImage.FindAllSubmatch(svg, -1)
			if tt.raster != (len(imgs) == 1) {
				t.Fatalf("agreement.svg holds %d images, want raster: %v", len(imgs), tt.raster)
			}
			// Cells are paths: m² of them when drawn as vectors, a
			// dendrogram's and a colour bar's worth otherwise.
			if paths := bytes.Count(svg, []byte("<path")); tt.raster && paths > 4*tt.m || !tt.raster && paths < tt.m*tt.m {
				t.Errorf("agreement.svg has %d paths for %d models (raster: %v)", paths, tt.m, tt.raster)
			}
			if tt.raster {
				raw, err := base64.StdEncoding.DecodeString(string(imgs[0][1]))
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(raw))
				if err != nil {
					t.Fatalf("the heatmap image is not a PNG: %v", err)
				}
				if b := img.Bounds(); b.Dx() != tt.m || b.Dy() != tt.m {
					t.Errorf("heatmap image is %dx%d, want a pixel per cell (%dx%d)", b.Dx(), b.Dy(), tt.m, tt.m)
				}
				// The page shows the paper figure's rendering.
				if !bytes.Contains(page, imgs[0][1]) {
					t.Error("report.html does not hold the heatmap image of figures/agreement.svg")
				}
			}
			for _, name := range []string{"accuracy_vs_error_consistency", "diversity_accuracy"} {
				// A glyph per pair, or at most a path per bin.
				paths, pairs := bytes.Count(read("figures/"+name+".svg"), []byte("<path")), tt.m*(tt.m-1)/2
				if got := paths < pairs; got != tt.dense || tt.dense && paths > densityBinsX*densityBinsY+200 {
					t.Errorf("%s: %d paths for %d pairs, want a density: %v", name, paths, pairs, tt.dense)
				}
			}
			if got := strings.Contains(string(page), "too many to draw one by one"); got != tt.dense {
				t.Errorf("page says the pairs are binned: %v, want %v", got, tt.dense)
			}
			if got := strings.Contains(string(page), "one pixel per cell"); got != tt.raster {
				t.Errorf("page says the heatmap is an image: %v, want %v", got, tt.raster)
			}
		})
	}
}

// TestWriteMatchesWriteHTMLAndWritePaper checks that the one-pass Write
// gives the bytes of WriteHTML followed by WritePaper, and the same bytes
// twice, on both sides of the thresholds.
func TestWriteMatchesWriteHTMLAndWritePaper(t *testing.T) {
	tests := []struct {
		name string
		in   func(t *testing.T) *Input
	}{
		{"sample with metrics and a shift section", func(t *testing.T) *Input { return metricsInput(t) }},
		{"sample without metrics", func(*testing.T) *Input { return sampleInput() }},
		{"300 models", func(t *testing.T) *Input { return largeInput(t, 300, 40) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in(t)
			one, again, two := t.TempDir(), t.TempDir(), t.TempDir()
			for _, d := range []string{one, again} {
				if err := Write(d, filepath.Join(d, "report.html"), in); err != nil {
					t.Fatalf("Write: %v", err)
				}
			}
			if err := WriteHTML(filepath.Join(two, "report.html"), in); err != nil {
				t.Fatalf("WriteHTML: %v", err)
			}
			if err := WritePaper(two, in); err != nil {
				t.Fatalf("WritePaper: %v", err)
			}
			want := tree(t, two)
			if len(want) < 4 {
				t.Fatalf("WriteHTML and WritePaper wrote only %d files", len(want))
			}
			for _, d := range []string{one, again} {
				got := tree(t, d)
				if len(got) != len(want) {
					t.Errorf("Write wrote %d files, WriteHTML and WritePaper %d", len(got), len(want))
				}
				for name, b := range want {
					if !bytes.Equal(got[name], b) {
						t.Errorf("%s differs between Write and WriteHTML+WritePaper", name)
					}
				}
			}
		})
	}
}

// tree reads every file under dir by relative path.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCellImage pins the raster heatmap's pixels: clustering order, 255
// colour steps from lo to hi, NaN grey.
func TestCellImage(t *testing.T) {
	cmap, err := viridis()
	if err != nil {
		t.Fatal(err)
	}
	cmap.SetMin(0)
	cmap.SetMax(1)
	nan := math.NaN()
	hm := &heatmap{
		values: [][]float64{{1, 0.5, nan}, {0.5, 1, 0}, {nan, 0, 1}},
		order:  []int{2, 0, 1},
	}
	img := hm.cellImage(cmap, 0, 1).(*image.Paletted)
	at := func(v float64) color.Color { c, _ := cmap.At(v); return c }
	tests := []struct {
		name string
		x, y int
		want color.Color
	}{
		{"top left is the first model in order (2) with itself", 0, 0, at(1)},
		{"NaN is grey", 1, 0, nanColor},
		{"the lowest value is the bottom of the map", 2, 0, at(0)},
		{"0.5 is step 127 of 254", 2, 1, at(127.0 / 254)},
		{"bottom right", 2, 2, at(1)},
	}
	// A range whose top step, lo + (hi−lo)·254/254, rounds above hi: the
	// highest cells must still get the top colour, not the NaN grey.
	lo, hi := 0.3747030205016403, 0.8136646505462034
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	top := (&heatmap{values: [][]float64{{hi}}, order: []int{0}}).cellImage(cmap, lo, hi).(*image.Paletted)
	if c, _ := cmap.At(hi); !sameColor(top.At(0, 0), c) {
		t.Errorf("the highest cell of [%v, %v] is %v, want the top colour %v", lo, hi, top.At(0, 0), c)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := img.At(tt.x, tt.y); !sameColor(got, tt.want) {
				t.Errorf("pixel (%d,%d) = %v, want %v", tt.x, tt.y, got, tt.want)
			}
		})
	}
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func TestDensity(t *testing.T) {
	tests := []struct {
		name    string
		sets    []plotter.XYs
		wantNil bool
		wantMax int
	}{
		{"no points", []plotter.XYs{nil, {}}, true, 0},
		{"corners and a repeated point", []plotter.XYs{{{X: 0, Y: 0}, {X: 1, Y: 1}}, {{X: 1, Y: 1}, {X: 0.5, Y: 0.5}}}, false, 2},
		{"all points equal", []plotter.XYs{{{X: 0.3, Y: 0.7}, {X: 0.3, Y: 0.7}, {X: 0.3, Y: 0.7}}}, false, 3},
		{"a vertical line", []plotter.XYs{{{X: 2, Y: 0}, {X: 2, Y: 1}, {X: 2, Y: 0.5}}}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDensity(tt.sets...)
			if (d == nil) != tt.wantNil {
				t.Fatalf("newDensity = %v, want nil: %v", d, tt.wantNil)
			}
			if d == nil {
				return
			}
			n, total := 0, 0
			for _, s := range tt.sets {
				n += len(s)
			}
			for _, c := range d.counts {
				total += c
			}
			if total != n || d.max != tt.wantMax {
				t.Errorf("bins hold %d points (want %d), fullest %d (want %d)", total, n, d.max, tt.wantMax)
			}
			if !sameColor(d.shade(d.max), densityDark) || d.max > 1 && !sameColor(d.shade(1), densityLight) {
				t.Errorf("shades run from %v to %v, want %v to %v", d.shade(1), d.shade(d.max), densityLight, densityDark)
			}
		})
	}
}

// TestConfusionPoolsManyFamilies: more than maxConfusionPanels families
// give one pooled matrix, fewer a panel each.
func TestConfusionPoolsManyFamilies(t *testing.T) {
	tests := []struct {
		families int
		pooled   bool
	}{
		{maxConfusionPanels, false},
		{maxConfusionPanels + 1, true},
	}
	for _, tt := range tests {
		x := predmattest.Random(1, tt.families, 30, 3, 0.8) // every model its own family
		b, err := build(&Input{Matrix: x, Models: x.Models})
		if err != nil {
			t.Fatal(err)
		}
		f := b.figs["confusion"]
		if f == nil {
			t.Fatalf("%d families: no confusion figure", tt.families)
		}
		if got := strings.Contains(f.caption, "one matrix summed over every model"); got != tt.pooled {
			t.Errorf("%d families: caption says pooled: %v, want %v", tt.families, got, tt.pooled)
		}
		svg, err := svgFile(f.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Count(svg, []byte("predicted class")); got != 1 && tt.pooled || got != tt.families && !tt.pooled {
			t.Errorf("%d families: %d panels drawn (pooled: %v)", tt.families, got, tt.pooled)
		}
	}
}
