package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestWriteFigures(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFigures(dir, sampleInput()); err != nil {
		t.Fatalf("WriteFigures: %v", err)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "figures", "agreement.svg"))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "figures", "agreement.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the SVG is a column wide", func(t *testing.T) {
		if !strings.Contains(string(svg), `<svg width="252pt"`) {
			t.Errorf("SVG does not start with a 252pt (3.5in) wide <svg>: %.200s", svg)
		}
	})
	t.Run("the SVG escapes the hostile model name", func(t *testing.T) {
		if bytes.Contains(svg, []byte("<script>")) || !bytes.Contains(svg, []byte("&lt;script&gt;")) {
			t.Error("SVG does not escape <script>")
		}
	})
	t.Run("the PDF is a PDF", func(t *testing.T) {
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("PDF starts with %q", pdf[:min(8, len(pdf))])
		}
	})
	t.Run("a second run writes the same SVG", func(t *testing.T) {
		if err := WriteFigures(dir, sampleInput()); err != nil {
			t.Fatal(err)
		}
		again, err := os.ReadFile(filepath.Join(dir, "figures", "agreement.svg"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(svg, again) {
			t.Error("SVG bytes differ between two runs")
		}
	})
}

func TestWriteFiguresWithoutModelsWritesNothing(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFigures(dir, &Input{}); err != nil {
		t.Fatalf("WriteFigures: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "figures")); !os.IsNotExist(err) {
		t.Errorf("figures folder exists for a study without models (stat: %v)", err)
	}
}

func TestWriteFiguresManyModels(t *testing.T) {
	tests := []struct {
		name    string
		m       int
		wantErr bool
	}{
		{"200 models fit a column without names", 200, false},
		{"2100 models do not fit a page-wide figure", 2100, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &Input{}
			for i := range tt.m {
				in.Models = append(in.Models, "model-"+strconv.Itoa(i))
				in.Agreement = append(in.Agreement, make([]float64, tt.m))
				in.Agreement[i][i] = 1
			}
			dir := t.TempDir()
			err := WriteFigures(dir, in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("WriteFigures error = %v, want error: %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			svg, err := os.ReadFile(filepath.Join(dir, "figures", "agreement.svg"))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(svg, []byte("model-17<")) {
				t.Error("SVG draws model names that cannot fit")
			}
		})
	}
}
