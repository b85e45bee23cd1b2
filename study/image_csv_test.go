package study

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// barsCSV writes n 8×8 grey images of a bar, horizontal (class h) or
// vertical (class v), at a random row or column on a noisy background,
// one image per row, pixels in row-major order.
func barsCSV(t *testing.T, dir string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for p := range 64 {
		fmt.Fprintf(&b, "p%d,", p)
	}
	b.WriteString("label\n")
	for i := range n {
		horizontal := i%2 == 0
		at := rng.IntN(8)
		for p := range 64 {
			r, c := p/8, p%8
			v := rng.Float64() * 0.3
			if (horizontal && r == at) || (!horizontal && c == at) {
				v += 0.7
			}
			b.WriteString(strconv.FormatFloat(v, 'f', 3, 64) + ",")
		}
		b.WriteString(map[bool]string{true: "h", false: "v"}[horizontal] + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "bars.csv"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCSVImagesTrainACNN(t *testing.T) {
	dir := t.TempDir()
	barsCSV(t, dir, 600)
	const body = `name: bars
seed: 1
dataset: {name: csv, path: bars.csv, test: 200%s}
task: binary
fixed: {arch: cnn, epochs: 8, batch: 32, optimizer: adam, lr: 0.01, augment: shift}
`
	for _, tc := range []struct {
		name    string
		image   string
		wantErr string
	}{
		{"with image: a cnn trains on it", ", image: {height: 8, width: 8, channels: 1}", ""},
		{"without image: the cnn and its image augmentation are refused", "", "are not images"},
		{"an image of the wrong size is refused", ", image: {height: 8, width: 7, channels: 1}", "8×7×1 = 56 pixels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := filepath.Join(dir, "spec.yaml")
			os.WriteFile(spec, []byte(fmt.Sprintf(body, tc.image)), 0o644)
			res := filepath.Join(t.TempDir(), "results")
			err := runStudy(t, spec, res, RunOptions{})
			if tc.wantErr != "" {
				if ExitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), tc.wantErr) {
					t.Fatalf("err = %v (exit %d); want exit 2 saying %q", err, ExitCode(err), tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := Runs(filepath.Join(res, "bars"), true, &out, &out); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			head := strings.Split(lines[0], "\t")
			col := -1
			for i, h := range head {
				if strings.Contains(h, "acc") {
					col = i
				}
			}
			if col < 0 || len(lines) != 2 {
				t.Fatalf("runs listing:\n%s", out.String())
			}
			acc, err := strconv.ParseFloat(strings.Split(lines[1], "\t")[col], 64)
			t.Logf("cnn test accuracy on bars: %v", acc)
			if err != nil || acc < 0.9 {
				t.Errorf("cnn test accuracy %v (%v); want ≥ 0.9 on bars", acc, err)
			}
		})
	}
}
