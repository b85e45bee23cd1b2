package report

import (
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/plot/vg"

	"github.com/study-harness/study/study/atomic"
)

// ColumnWidth is the width of paper figures: one column of a two-column
// journal or conference page.
const ColumnWidth = 3.5 * vg.Inch

// WriteFigures writes the paper figures of in under dir/figures:
// agreement.pdf and agreement.svg, the clustered agreement heatmap at
// ColumnWidth. It creates dir/figures if needed and writes nothing when
// there are no models or no agreement matrix. Files are replaced
// atomically. The SVG bytes are deterministic; the PDF carries a creation
// date set by the PDF library.
func WriteFigures(dir string, in *Input) error {
	if err := in.check(); err != nil {
		return err
	}
	if len(in.Models) == 0 || in.Agreement == nil {
		return nil
	}
	if m := len(in.Models); vg.Length(m)*minCell > ColumnWidth {
		// Checked before clustering, which is cubic in m.
		return fmt.Errorf("report: %d models do not fit in a %.0fpt wide figure", m, ColumnWidth.Points())
	}
	order, err := AgreementOrder(in.Agreement)
	if err != nil {
		return err
	}
	f, err := agreementFigure(in.Models, in.Agreement, order, heatmapSize{width: ColumnWidth})
	if err != nil {
		return err
	}
	figDir := filepath.Join(dir, "figures")
	if err := os.MkdirAll(figDir, 0o755); err != nil {
		return fmt.Errorf("report: figures: %w", err)
	}
	for _, out := range []struct {
		name   string
		render func(*figure) ([]byte, error)
	}{
		{"agreement.svg", svgFile},
		{"agreement.pdf", pdfFile},
	} {
		path := filepath.Join(figDir, out.name)
		b, err := out.render(f)
		if err != nil {
			return fmt.Errorf("report: %s: %w", path, err)
		}
		if err := atomic.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
