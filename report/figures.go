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
// so that the same study gives the same PDF bytes. gonum's PDF backend
// does not expose its fpdf document, so the dates are set through fpdf's
// package defaults, which every new document copies; catalog sorting makes
// the order of fonts and images in the file fixed.
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
	for _, name := range b.figOrder {
		f := b.figs[name]
		for _, out := range []struct {
			ext    string
			render func(*figure) ([]byte, error)
		}{
			{".svg", svgFile},
			{".pdf", pdfFile},
		} {
			path := filepath.Join(figDir, name+out.ext)
			data, err := out.render(f.f)
			if err != nil {
				return fmt.Errorf("report: %s: %w", path, err)
			}
			if err := atomic.WriteFile(path, data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
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
	return atomic.WriteFile(filepath.Join(dir, "references.bib"), bibliography(keys), 0o644)
}
