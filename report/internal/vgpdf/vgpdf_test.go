package vgpdf

import (
	"bytes"
	"image"
	"image/color"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// render draws lines of text in two sizes of Liberation Sans (the report's
// face) and returns the PDF.
func render(t *testing.T, lines []string) []byte {
	t.Helper()
	c := New(200, 100)
	dc := draw.New(c)
	for i, s := range lines {
		for k, size := range []vg.Length{7, 10} {
			st := text.Style{Font: font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, size),
				Color: color.Black, Handler: plot.DefaultTextHandler}
			dc.FillText(st, vg.Point{X: 5 + 90*vg.Length(k), Y: 10 + 20*vg.Length(i)}, s)
		}
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	return buf.Bytes()
}

// TestSameDrawingSameBytes draws text whose font subset takes composite
// glyphs (accented letters) as well as Greek and the minus sign, several
// times: fpdf's subsetting walks Go maps, whose order changes from run to
// run, so a subset that depended on it would give different bytes.
func TestSameDrawingSameBytes(t *testing.T) {
	fpdf.SetDefaultCreationDate(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	fpdf.SetDefaultModificationDate(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	fpdf.SetDefaultCatalogSort(true)
	lines := []string{"error consistency κ_err", "−0.250 ≤ x", "Ångström élève ñ ü", "αβγδ ΣΩ ×10³"}
	first := render(t, lines)
	if !bytes.HasPrefix(first, []byte("%PDF-")) || !bytes.Contains(first, []byte("/Encoding /Identity-H")) {
		t.Fatalf("not a PDF with a UTF-8 (Identity-H) font: %.200q", first)
	}
	for i := range 10 {
		if again := render(t, lines); !bytes.Equal(first, again) {
			t.Fatalf("drawing %d gave other bytes (%d against %d)", i+2, len(again), len(first))
		}
	}
}

// renderImages draws n 28×28 grey images side by side, each its own
// picture, and returns the PDF.
func renderImages(t *testing.T, n, side int) []byte {
	t.Helper()
	c := New(vg.Length(30*n), 40)
	dc := draw.New(c)
	for k := range n {
		img := image.NewGray(image.Rect(0, 0, side, side))
		for i := range img.Pix {
			img.Pix[i] = uint8((i*7 + k*31) % 256)
		}
		x := vg.Length(30 * k)
		dc.DrawImage(vg.Rectangle{Min: vg.Point{X: x, Y: 5}, Max: vg.Point{X: x + 28, Y: 33}}, img)
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	return buf.Bytes()
}

// TestSameImagesSameBytes draws grids of same-sized images, as the
// report's pictures of adversarial examples and attribution maps do,
// several times: fpdf orders image objects by a map sorted only by
// width, so a grid of 28×28 images embedded as images came out in
// another order from run to run. Small images are vector rectangles; a
// single large one stays an image.
func TestSameImagesSameBytes(t *testing.T) {
	fpdf.SetDefaultCreationDate(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	fpdf.SetDefaultModificationDate(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	fpdf.SetDefaultCatalogSort(true)
	tests := []struct {
		name    string
		n, side int
		images  bool
	}{
		{"twelve 28x28 digits", 12, 28, false},
		{"one large heatmap", 1, 100, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := renderImages(t, tt.n, tt.side)
			if got := bytes.Contains(first, []byte("/Subtype /Image")); got != tt.images {
				t.Errorf("image XObjects present: %v, want %v", got, tt.images)
			}
			for i := range 10 {
				if again := renderImages(t, tt.n, tt.side); !bytes.Equal(first, again) {
					t.Fatalf("drawing %d gave other bytes", i+2)
				}
			}
		})
	}
}
