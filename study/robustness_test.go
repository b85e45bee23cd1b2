package study

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/study-harness/study/study/runs"
	"github.com/study-harness/study/study/store"
)

// transferSpec attacks a logreg, an mlp and a tree on a small MNIST.
const transferSpec = `name: tr
seed: 3
dataset: {name: mnist, train: 500, test: 100}
fixed: {epochs: 2, batch: 32, widths: [16], optimizer: adam, lr: 0.01}
axes:
  arch: [logreg, mlp, tree]
attacks:
  - {name: fgsm, method: fgsm, eps: 0.2}
attack_subset: 40
`

// TestTransferIsMeasuredAndReportedAgain checks the transfer stage from
// study run to metrics.json: robustness.fgsm holds the 3×3 transfer
// matrices with the tree's row null, the same bytes with one worker and
// with three, and study report writes the same metrics.json again from
// the stored transfer file (and again after deleting it).
func TestTransferIsMeasuredAndReportedAgain(t *testing.T) {
	spec := writeSpec(t, transferSpec)
	var want []byte
	for _, w := range []int{1, 3} {
		res := t.TempDir()
		if err := runStudy(t, spec, res, RunOptions{Workers: w}); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(res, "tr")
		got, err := os.ReadFile(filepath.Join(dir, store.MetricsFile))
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Fatalf("metrics.json differs between one and %d workers", w)
		}
		for _, drop := range []bool{false, true} {
			if drop {
				if err := os.Remove(filepath.Join(dir, runs.TransferFile("fgsm"))); err != nil {
					t.Fatal(err)
				}
			}
			if err := Report(dir, ReportOptions{}, io.Discard); err != nil {
				t.Fatal(err)
			}
			again, _ := os.ReadFile(filepath.Join(dir, store.MetricsFile))
			if !bytes.Equal(again, want) {
				t.Fatalf("study report (transfer file removed: %v) wrote another metrics.json", drop)
			}
		}
	}
	var doc struct {
		Robustness map[string]struct {
			CC [][]*float64 `json:"transfer_cc"`
		} `json:"robustness"`
	}
	if err := json.Unmarshal(want, &doc); err != nil {
		t.Fatal(err)
	}
	cc := doc.Robustness["fgsm"].CC
	if len(cc) != 3 || cc[0][2] == nil || cc[2][0] != nil {
		t.Fatalf("transfer_cc = %v; want 3×3 with the tree a target (column) but not a source (row)", cc)
	}
}
