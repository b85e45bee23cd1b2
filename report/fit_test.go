package report

import (
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestFitText(t *testing.T) {
	st := textStyle(vg.Points(7), nil)
	long := strings.Repeat("a very long family name ", 4)
	tests := []struct {
		name  string
		s     string
		width vg.Length
		size  vg.Length // want
		cut   bool      // want s cut short
	}{
		{"text that fits is left alone", "mlp (3 models)", 100, 7, false},
		{"slightly wide text is drawn smaller", "mlp (3 models)", 40, 7 * 40 / st.Width("mlp (3 models)"), false},
		{"much wider text is cut short at the smallest size", long, 60, 5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, s := fitText(st, tt.s, tt.width, 5)
			if got.Font.Size != tt.size {
				t.Errorf("size %.3f, want %.3f", got.Font.Size.Points(), tt.size.Points())
			}
			if cut := s != tt.s; cut != tt.cut || (cut && !strings.HasSuffix(s, "…")) {
				t.Errorf("text %q from %q", s, tt.s)
			}
			if w := got.Width(s); w > tt.width {
				t.Errorf("%q is %.1f pt wide, more than %.1f", s, w.Points(), tt.width.Points())
			}
		})
	}
}
