// Copyright ©2015 The Gonum Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// This file is gonum.org/v1/plot/vg/vgpdf v0.17.0, changed by the study
// authors: fonts are embedded as UTF-8 TrueType subsets instead of with a
// cp1252 code page, and the switch to leave fonts out is gone.

// Package vgpdf implements the vg.Canvas interface of gonum/plot on a
// PDF document (codeberg.org/go-pdf/fpdf), with every font embedded as a
// UTF-8 TrueType subset.
//
// gonum's own vg/vgpdf registers its fonts with the cp1252 code page but
// hands fpdf UTF-8 strings, so any character outside ASCII prints as its
// UTF-8 bytes read as cp1252: "κ" as "Îº", "−" as "âˆ’". Registering the
// TrueType face with fpdf's UTF-8 font support (AddUTF8FontFromBytes)
// writes each string as glyph identifiers of a font subset with a
// ToUnicode map, so the page shows, and text extraction gives, the same
// characters as the SVG backend. The subset holds the glyphs the page
// uses, picked and ordered by code point, so the same drawing gives the
// same bytes.
package vgpdf

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"
	"math"

	pdf "codeberg.org/go-pdf/fpdf"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// DPI is the nominal resolution of drawing in PDF.
const DPI = 72

// Canvas implements the vg.Canvas interface,
// drawing to a PDF.
type Canvas struct {
	doc  *pdf.Fpdf
	w, h vg.Length

	dpi       int
	numImages int
	stack     []context
	fonts     map[string]struct{} // names of the faces registered
}

type context struct {
	fill  color.Color
	line  color.Color
	width vg.Length
}

// New creates a new PDF Canvas.
func New(w, h vg.Length) *Canvas {
	cfg := pdf.InitType{
		UnitStr: "pt",
		Size:    pdf.SizeType{Wd: w.Points(), Ht: h.Points()},
	}
	c := &Canvas{
		doc:   pdf.NewCustom(&cfg),
		w:     w,
		h:     h,
		dpi:   DPI,
		stack: make([]context, 1),
		fonts: make(map[string]struct{}),
	}
	c.nextPage()
	vg.Initialize(c)
	return c
}

// DPI returns the nominal resolution of the canvas, DPI.
func (c *Canvas) DPI() float64 {
	return float64(c.dpi)
}

func (c *Canvas) context() *context {
	return &c.stack[len(c.stack)-1]
}

// Size returns the width and height of the page.
func (c *Canvas) Size() (w, h vg.Length) {
	return c.w, c.h
}

// SetLineWidth implements the vg.Canvas.SetLineWidth method.
func (c *Canvas) SetLineWidth(w vg.Length) {
	c.context().width = w
	lw := c.unit(w)
	c.doc.SetLineWidth(lw)
}

// SetLineDash implements the vg.Canvas.SetLineDash method.
func (c *Canvas) SetLineDash(dashes []vg.Length, offs vg.Length) {
	ds := make([]float64, len(dashes))
	for i, d := range dashes {
		ds[i] = c.unit(d)
	}
	c.doc.SetDashPattern(ds, c.unit(offs))
}

// SetColor implements the vg.Canvas.SetColor method.
func (c *Canvas) SetColor(clr color.Color) {
	if clr == nil {
		clr = color.Black
	}
	c.context().line = clr
	c.context().fill = clr
	r, g, b, a := rgba(clr)
	c.doc.SetFillColor(r, g, b)
	c.doc.SetDrawColor(r, g, b)
	c.doc.SetTextColor(r, g, b)
	c.doc.SetAlpha(a, "Normal")
}

// Rotate implements the vg.Canvas.Rotate method.
func (c *Canvas) Rotate(r float64) {
	c.doc.TransformRotate(-r*180/math.Pi, 0, 0)
}

// Translate implements the vg.Canvas.Translate method.
func (c *Canvas) Translate(pt vg.Point) {
	xp, yp := c.pdfPoint(pt)
	c.doc.TransformTranslate(xp, yp)
}

// Scale implements the vg.Canvas.Scale method.
func (c *Canvas) Scale(x float64, y float64) {
	c.doc.TransformScale(x*100, y*100, 0, 0)
}

// Push implements the vg.Canvas.Push method.
func (c *Canvas) Push() {
	c.stack = append(c.stack, *c.context())
	c.doc.TransformBegin()
}

// Pop implements the vg.Canvas.Pop method.
func (c *Canvas) Pop() {
	c.doc.TransformEnd()
	c.stack = c.stack[:len(c.stack)-1]
}

// Stroke implements the vg.Canvas.Stroke method.
func (c *Canvas) Stroke(p vg.Path) {
	if c.context().width > 0 {
		c.pdfPath(p, "D")
	}
}

// Fill implements the vg.Canvas.Fill method.
func (c *Canvas) Fill(p vg.Path) {
	c.pdfPath(p, "F")
}

// FillString implements the vg.Canvas.FillString method. Each face is
// registered as a family of its own (its name tells the weight and
// style), so no style letters are asked of fpdf.
func (c *Canvas) FillString(fnt font.Face, pt vg.Point, str string) {
	if fnt.Font.Size == 0 {
		return
	}

	c.font(fnt)
	c.doc.SetFont(fnt.Name(), "", c.unit(fnt.Font.Size))

	c.Push()
	defer c.Pop()
	c.Translate(pt)
	// go-fpdf uses the top left corner as origin.
	c.Scale(1, -1)
	left, top, right, bottom := c.sbounds(fnt, str)
	w := right - left
	h := bottom - top
	margin := c.doc.GetCellMargin()

	c.doc.MoveTo(-left-margin, top)
	c.doc.CellFormat(w, h, str, "", 0, "BL", false, 0, "")
}

func (c *Canvas) sbounds(fnt font.Face, txt string) (left, top, right, bottom float64) {
	_, h := c.doc.GetFontSize()
	d := c.doc.GetFontDesc(fnt.Name(), "")
	if d.Ascent == 0 {
		// not defined (standard font?), use average of 81%
		top = 0.81 * h
	} else {
		top = -float64(d.Ascent) * h / float64(d.Ascent-d.Descent)
	}
	return 0, top, c.doc.GetStringWidth(txt), top + h
}

// maxVectorPixels is the size up to which an image is drawn as filled
// rectangles rather than embedded as an image XObject.
//
// fpdf writes a document's images in the order of a map, sorted only by
// their pixel width, so a page with two images of the same width (a grid
// of 28×28 digits) came out with its image objects in a different order
// from run to run: the same figure, other bytes. Small images drawn as
// vector rectangles cannot be reordered; a figure holds at most one large
// image (a heatmap's cells), whose order is then fixed.
const maxVectorPixels = 4096

// DrawImage implements the vg.Canvas.DrawImage method.
func (c *Canvas) DrawImage(rect vg.Rectangle, img image.Image) {
	if b := img.Bounds(); b.Dx()*b.Dy() <= maxVectorPixels {
		c.drawPixels(rect, img)
		return
	}
	opts := pdf.ImageOptions{ImageType: "png", ReadDpi: true}
	name := c.imageName()

	buf := new(bytes.Buffer)
	err := png.Encode(buf, img)
	if err != nil {
		log.Panicf("error encoding image to PNG: %v", err)
	}
	c.doc.RegisterImageOptionsReader(name, opts, buf)

	xp, yp := c.pdfPoint(rect.Min)
	wp, hp := c.pdfPoint(rect.Size())

	c.doc.ImageOptions(name, xp, yp, wp, hp, false, opts, 0, "")
}

// font registers a face with the PDF document, once for all its sizes,
// as a UTF-8 TrueType font: fpdf embeds the subset of its glyphs that
// the page uses.
func (c *Canvas) font(fnt font.Face) {
	name := fnt.Name()
	if _, ok := c.fonts[name]; ok {
		return
	}
	raw := new(bytes.Buffer)
	_, err := fnt.Face.WriteSourceTo(nil, raw)
	if err != nil {
		log.Panicf("vgpdf: could not generate font %q data for PDF: %+v", name, err)
	}
	c.fonts[name] = struct{}{}
	c.doc.AddUTF8FontFromBytes(name, "", raw.Bytes())
}

// pdfPath processes a vg.Path and applies it to the canvas.
func (c *Canvas) pdfPath(path vg.Path, style string) {
	var (
		xp float64
		yp float64
	)
	for _, comp := range path {
		switch comp.Type {
		case vg.MoveComp:
			xp, yp = c.pdfPoint(comp.Pos)
			c.doc.MoveTo(xp, yp)
		case vg.LineComp:
			c.doc.LineTo(c.pdfPoint(comp.Pos))
		case vg.ArcComp:
			c.arc(comp, style)
		case vg.CurveComp:
			px, py := c.pdfPoint(comp.Pos)
			switch len(comp.Control) {
			case 1:
				cx, cy := c.pdfPoint(comp.Control[0])
				c.doc.CurveTo(cx, cy, px, py)
			case 2:
				cx, cy := c.pdfPoint(comp.Control[0])
				dx, dy := c.pdfPoint(comp.Control[1])
				c.doc.CurveBezierCubicTo(cx, cy, dx, dy, px, py)
			default:
				panic("vgpdf: invalid number of control points")
			}
		case vg.CloseComp:
			c.doc.LineTo(xp, yp)
			c.doc.ClosePath()
		default:
			panic(fmt.Sprintf("Unknown path component type: %d\n", comp.Type))
		}
	}
	c.doc.DrawPath(style)
}

func (c *Canvas) arc(comp vg.PathComp, style string) {
	x0 := comp.Pos.X + comp.Radius*vg.Length(math.Cos(comp.Start))
	y0 := comp.Pos.Y + comp.Radius*vg.Length(math.Sin(comp.Start))
	c.doc.LineTo(c.pdfPointXY(x0, y0))
	r := c.unit(comp.Radius)
	const deg = 180 / math.Pi
	angle := comp.Angle * deg
	beg := comp.Start * deg
	end := beg + angle
	x := c.unit(comp.Pos.X)
	y := c.unit(comp.Pos.Y)
	c.doc.Arc(x, y, r, r, angle, beg, end, style)
	x1 := comp.Pos.X + comp.Radius*vg.Length(math.Cos(comp.Start+comp.Angle))
	y1 := comp.Pos.Y + comp.Radius*vg.Length(math.Sin(comp.Start+comp.Angle))
	c.doc.MoveTo(c.pdfPointXY(x1, y1))
}

func (c *Canvas) pdfPointXY(x, y vg.Length) (float64, float64) {
	return c.unit(x), c.unit(y)
}

func (c *Canvas) pdfPoint(pt vg.Point) (float64, float64) {
	return c.unit(pt.X), c.unit(pt.Y)
}

// unit returns a fpdf.Unit, converted from a vg.Length.
func (c *Canvas) unit(l vg.Length) float64 {
	return l.Dots(c.DPI())
}

// imageName generates a unique image name for this PDF canvas
func (c *Canvas) imageName() string {
	c.numImages++
	return fmt.Sprintf("image_%03d.png", c.numImages)
}

// WriterCounter implements the io.Writer interface, and counts
// the total number of bytes written.
type writerCounter struct {
	io.Writer
	n int64
}

func (w *writerCounter) Write(p []byte) (int, error) {
	n, err := w.Writer.Write(p)
	w.n += int64(n)
	return n, err
}

// WriteTo writes the Canvas to an io.Writer.
// After calling Write, the canvas is closed
// and may no longer be used for drawing.
func (c *Canvas) WriteTo(w io.Writer) (int64, error) {
	c.Pop()
	c.doc.Close()
	wc := writerCounter{Writer: w}
	b := bufio.NewWriter(&wc)
	if err := c.doc.Output(b); err != nil {
		return wc.n, err
	}
	err := b.Flush()
	return wc.n, err
}

// rgba converts a Go color into a gofpdf 3-tuple int + 1 float64
func rgba(c color.Color) (int, int, int, float64) {
	if c == nil {
		c = color.Black
	}
	r, g, b, a := c.RGBA()
	return int(r >> 8), int(g >> 8), int(b >> 8), float64(a) / math.MaxUint16
}

// nextPage creates a new page in the final PDF document.
// The new page is the new current page.
// Modifications applied to the canvas will only be applied to that new page.
func (c *Canvas) nextPage() {
	if c.doc.PageNo() > 0 {
		c.Pop()
	}
	c.doc.SetMargins(0, 0, 0)
	c.doc.AddPage()
	c.Push()
	c.Translate(vg.Point{X: 0, Y: c.h})
	c.Scale(1, -1)
}

// drawPixels draws img in rect as one filled rectangle per run of
// equal colours in each of its rows, the image's top row at the top of
// rect. Each rectangle overlaps its right and lower neighbours by a
// hair, so that viewers' anti-aliasing leaves no seams between them.
func (c *Canvas) drawPixels(rect vg.Rectangle, img image.Image) {
	b := img.Bounds()
	if b.Empty() {
		return
	}
	pw := (rect.Max.X - rect.Min.X) / vg.Length(b.Dx())
	ph := (rect.Max.Y - rect.Min.Y) / vg.Length(b.Dy())
	const hair = vg.Length(0.05)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		top := rect.Max.Y - vg.Length(y-b.Min.Y)*ph
		bottom := top - ph
		if y+1 < b.Max.Y {
			bottom -= hair
		}
		for x0 := b.Min.X; x0 < b.Max.X; {
			col := img.At(x0, y)
			r0, g0, b0, a0 := col.RGBA()
			x1 := x0 + 1
			for x1 < b.Max.X {
				r, g, bl, a := img.At(x1, y).RGBA()
				if r != r0 || g != g0 || bl != b0 || a != a0 {
					break
				}
				x1++
			}
			left := rect.Min.X + vg.Length(x0-b.Min.X)*pw
			right := rect.Min.X + vg.Length(x1-b.Min.X)*pw
			if x1 < b.Max.X {
				right += hair
			}
			if a0 != 0 {
				var p vg.Path
				p.Move(vg.Point{X: left, Y: bottom})
				p.Line(vg.Point{X: right, Y: bottom})
				p.Line(vg.Point{X: right, Y: top})
				p.Line(vg.Point{X: left, Y: top})
				p.Close()
				c.SetColor(col)
				c.Fill(p)
			}
			x0 = x1
		}
	}
}
