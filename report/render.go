package report

import (
	"bytes"
	"fmt"
	"io"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/study-harness/study/report/internal/vgpdf"
)

// pagePad is the room a gonum plot leaves at the page's edges: gonum/plot
// sets its outermost text (the axis labels, a legend at the top) so close
// to the edge that the box of those glyphs, the font's ascent and descent
// (1.117 em for Liberation Sans), reaches up to 0.1 em beyond the page.
const pagePad = vg.Length(2)

// canvasWriter is a vg canvas that can write itself out (vgsvg, vgpdf).
type canvasWriter interface {
	vg.CanvasSizer
	io.WriterTo
}

// renderTo draws f on c and writes the result to a buffer. gonum/plot
// reports some impossible drawings by panicking; those come back as errors
// so that no input can crash the caller.
func renderTo(c canvasWriter, f *figure) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("report: drawing failed: %v", r)
		}
	}()
	f.draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: encoding figure: %w", err)
	}
	return buf.Bytes(), nil
}

// svgFile renders f as a standalone SVG file.
//
// vgsvg draws images (the colour bar is a 1×256 image) without
// preserveAspectRatio, and SVG's default keeps the image's own aspect
// ratio, which shrinks the colour bar to a hairline; the images are
// stretched to their rectangle instead, as in the PDF.
func svgFile(f *figure) ([]byte, error) {
	b, err := renderTo(vgsvg.New(f.w, f.h), f)
	if err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(b, []byte("<image "), []byte(`<image preserveAspectRatio="none" `)), nil
}

// pdfFile renders f as a PDF file with embedded fonts: UTF-8 TrueType
// subsets (report/internal/vgpdf), so that κ and − print as in the SVG.
func pdfFile(f *figure) ([]byte, error) {
	return renderTo(vgpdf.New(f.w, f.h), f)
}

// inlineSVG renders f as an <svg> element to put inside HTML: the XML
// prolog and the generator comment are cut, everything from "<svg" on is
// kept.
func inlineSVG(f *figure) ([]byte, error) {
	b, err := svgFile(f)
	if err != nil {
		return nil, err
	}
	return inlineOf(b)
}

// inlineOf cuts an SVG file to its <svg> element.
func inlineOf(b []byte) ([]byte, error) {
	i := bytes.Index(b, []byte("<svg"))
	if i < 0 {
		return nil, fmt.Errorf("report: SVG backend wrote no <svg> element")
	}
	return b[i:], nil
}
