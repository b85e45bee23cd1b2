package report

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"gonum.org/v1/plot/vg"

	"github.com/study-harness/study/study/atomic"
)

// ColumnWidth is the width of paper figures: one column of a two-column
// journal or conference page. Wide figures are WideWidth.
const ColumnWidth = 3.5 * vg.Inch

// pdfEpoch is the creation and modification date written into every PDF,
// so that the same study gives the same PDF bytes. The PDF canvas
// (report/internal/vgpdf) makes its fpdf document inside its New, so the
// dates are set through fpdf's package defaults, which every new document
// copies; catalog sorting makes the order of fonts and images in the file
// fixed.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func init() {
	fpdf.SetDefaultCreationDate(pdfEpoch)
	fpdf.SetDefaultModificationDate(pdfEpoch)
	fpdf.SetDefaultCatalogSort(true)
}

// WriteFigures writes every paper figure of in that has data under
// dir/figures, as <name>.pdf and <name>.svg: the heatmaps at ColumnWidth
// (WideWidth for more than 12 models), the other figures at ColumnWidth
// or, for the multi-panel ones, WideWidth. It creates dir/figures if
// needed and writes nothing when no figure has data. The bytes of both
// formats depend only on in. Files are replaced atomically.
func WriteFigures(dir string, in *Input) error {
	b, err := build(in)
	if err != nil {
		return err
	}
	return b.writeFigures(dir)
}

func (b *built) writeFigures(dir string) error {
	if b.figErr != nil {
		return b.figErr
	}
	if len(b.figOrder) == 0 {
		return nil
	}
	figDir := filepath.Join(dir, "figures")
	if err := os.MkdirAll(figDir, 0o755); err != nil {
		return fmt.Errorf("report: figures: %w", err)
	}
	b.figDir = figDir
	for _, name := range b.figOrder {
		if b.written[name] {
			continue // written with the page
		}
		f := b.figs[name]
		svg, err := svgFile(f.f)
		if err != nil {
			return fmt.Errorf("report: %s: %w", filepath.Join(figDir, name+".svg"), err)
		}
		if err := b.writeFigure(f, svg); err != nil {
			return err
		}
	}
	return nil
}

// writeFigure writes f as figures/<name>.svg (the rendering svg) and
// figures/<name>.pdf under b.figDir, then lets go of both.
func (b *built) writeFigure(f *namedFigure, svg []byte) error {
	path := filepath.Join(b.figDir, f.name+".svg")
	if err := atomic.WriteFile(path, svg, 0o644); err != nil {
		return err
	}
	path = filepath.Join(b.figDir, f.name+".pdf")
	pdf, err := pdfFile(f.f)
	if err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	if err := atomic.WriteFile(path, pdf, 0o644); err != nil {
		return err
	}
	b.written[f.name] = true
	return nil
}

// Write writes the whole report into dir: the page to htmlPath (as
// WriteHTML) and the paper files (as WritePaper), with the same bytes as
// those two calls, from one build: the heatmaps are clustered once, and
// each figure the page shows is rendered once for the page and its .svg
// file and written as soon as it is rendered, so that no more than one
// figure is held at a time.
func Write(dir, htmlPath string, in *Input) error {
	b, err := build(in)
	if err != nil {
		return fmt.Errorf("report %s: %w", htmlPath, err)
	}
	// WritePaper fails on figErr before writing any figure, after the
	// page is written; so does Write.
	if b.figErr == nil && len(b.figOrder) > 0 {
		figDir := filepath.Join(dir, "figures")
		if err := os.MkdirAll(figDir, 0o755); err != nil {
			return fmt.Errorf("report: figures: %w", err)
		}
		b.figDir = figDir
	}
	if err := b.writeHTML(htmlPath); err != nil {
		return err
	}
	return b.writePaper(dir)
}

// WritePaper writes everything a paper needs under dir: the figures
// (WriteFigures), tables/<name>.tex in booktabs style with tables/<name>.csv
// holding every number, methods.md (a methods paragraph generated from the
// study) and references.bib (the papers it cites). The same Input gives
// the same bytes.
func WritePaper(dir string, in *Input) error {
	b, err := build(in)
	if err != nil {
		return err
	}
	return b.writePaper(dir)
}

func (b *built) writePaper(dir string) error {
	if err := b.writeFigures(dir); err != nil {
		return err
	}
	if len(b.tables) > 0 {
		tdir := filepath.Join(dir, "tables")
		if err := os.MkdirAll(tdir, 0o755); err != nil {
			return fmt.Errorf("report: tables: %w", err)
		}
		for _, t := range b.tables {
			if err := atomic.WriteFile(filepath.Join(tdir, t.Name+".tex"), t.tex(), 0o644); err != nil {
				return err
			}
			c, err := t.csvBytes()
			if err != nil {
				return fmt.Errorf("report: table %s: %w", t.Name, err)
			}
			if err := atomic.WriteFile(filepath.Join(tdir, t.Name+".csv"), c, 0o644); err != nil {
				return err
			}
		}
	}
	methods, keys := b.methods()
	if err := atomic.WriteFile(filepath.Join(dir, "methods.md"), methods, 0o644); err != nil {
		return err
	}
	if err := atomic.WriteFile(filepath.Join(dir, "methods.tex"), b.methodsTeX(), 0o644); err != nil {
		return err
	}
	return atomic.WriteFile(filepath.Join(dir, "references.bib"), bibliography(keys), 0o644)
}
