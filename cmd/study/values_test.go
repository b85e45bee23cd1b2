package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMomentumIsRecorded runs momentum with momentum 0 and with momentum
// left out: the first trains with 0 (a run of its own, not the default's
// 0.9 under another name), and the manifest records the value each run
// was trained with, the default 0.9 included, under "resolved".
func TestMomentumIsRecorded(t *testing.T) {
	for _, tc := range []struct {
		name, fixed, config, resolved string
	}{
		{"a given momentum 0 is trained and recorded as 0", "optimizer: momentum, momentum: 0", `"momentum":0,`, `"momentum":0,`},
		{"an unset momentum is recorded as the default 0.9", "optimizer: momentum", "", `"momentum":0.9,`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			writeFile(t, tmp, "s.yaml", "name: m\ndataset: {name: moons, train: 60, test: 20}\nfixed: {arch: logreg, epochs: 1, lr: 0.1, "+tc.fixed+"}\n")
			if r := runStudy(t, tmp, "run", "s.yaml", "--results", "res"); r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			b, err := os.ReadFile(filepath.Join(tmp, "res", "m", "manifest.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			line := string(b)
			cfg, resolved, ok := strings.Cut(line, `"resolved":`)
			if !ok {
				t.Fatalf("manifest has no resolved config: %s", line)
			}
			if has := strings.Contains(cfg, `"momentum":`); has != (tc.config != "") || !strings.Contains(cfg, tc.config) {
				t.Errorf("config %s: want momentum %q", cfg, tc.config)
			}
			if !strings.Contains(resolved, tc.resolved) {
				t.Errorf("resolved %s: want %s", resolved, tc.resolved)
			}
		})
	}
}
