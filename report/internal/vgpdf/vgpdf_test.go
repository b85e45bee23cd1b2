package vgpdf

import (
	"bytes"
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
