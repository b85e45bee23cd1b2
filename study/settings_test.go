package study

import (
	"bytes"
	"strings"
	"testing"
)

func TestValidateWarnsAboutKnownBadSettings(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fixed string
		warn  bool
	}{
		{"a gru at the default lr without clipping is warned about", "{arch: gru, epochs: 1}", true},
		{"a gru with clip_norm is not", "{arch: gru, epochs: 1, clip_norm: 1, lr: 0.002}", false},
		{"a gru at a small lr is not", "{arch: gru, epochs: 1, lr: 0.0005}", false},
		{"an mlp at the defaults is not", "{arch: mlp, epochs: 1}", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeSpec(t, "name: w\ndataset: {name: mnist, train: 100, test: 100}\nfixed: "+tc.fixed+"\n")
			var out bytes.Buffer
			if err := Validate(path, DefaultMaxRuns, &out); err != nil {
				t.Fatal(err)
			}
			got := strings.Contains(out.String(), "warning: run w: gru with adam at lr ≥ 0.001 and no clip_norm")
			if got != tc.warn {
				t.Errorf("warning given: %v; want %v\n%s", got, tc.warn, out.String())
			}
		})
	}
}
