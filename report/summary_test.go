package report

import (
	"errors"
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		in   *Input
		want []string
		not  []string
	}{
		{
			"the sample study lists runs and statistics",
			sampleInput(),
			[]string{
				"run", "test acc.", "wall time", "status",
				"w32-s1", "95.00 %", "30.0 s",
				"failed: loss is NaN at epoch 3",
				"skipped: cancelled",
				// ok runs 0,1,3,4: 95, 95.5, 96.5, 97 %
				"test accuracy: mean 96.00 %, min 95.00 %, max 97.00 % over 4 finished runs",
				// pairs i < j without the NaN pair: (.97+.90+.91+.89+.90)/5
				"mean pairwise agreement: 0.9140 over 5 pairs of 4 models",
			},
			[]string{"97.50 %"}, // the skipped run's accuracy is not shown
		},
		{
			"an empty study says so",
			&Input{},
			[]string{"test accuracy: no finished runs", "mean pairwise agreement: n/a (0 models)"},
			nil,
		},
		{
			"control characters in names cannot reach the terminal",
			&Input{Runs: []Run{{Name: "evil\x1b[2J\nname", Status: StatusOK, TestAccuracy: 0.5}}},
			[]string{"evil [2J name"},
			[]string{"\x1b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := Summary(&b, tt.in); err != nil {
				t.Fatalf("Summary: %v", err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("summary lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("summary contains %q:\n%s", w, out)
				}
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSummaryReportsWriteErrors(t *testing.T) {
	if err := Summary(failingWriter{}, sampleInput()); err == nil {
		t.Error("Summary to a failing writer returned no error")
	}
}

func TestSummaryRejectsABadAgreementMatrix(t *testing.T) {
	in := sampleInput()
	in.Agreement = in.Agreement[:1]
	if err := Summary(&strings.Builder{}, in); err == nil {
		t.Error("Summary accepted a 1×4 agreement matrix for 4 models")
	}
}
