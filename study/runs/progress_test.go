package runs

import (
	"bytes"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

func TestProgress(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		want     []string
	}{
		{"plain lines when not on a terminal", false, []string{"3 runs, 1 already finished", "[2/3] a  test acc 0.9000", "[3/3] FAILED b: training diverged", "3/3 runs done, 1 failed"}},
		{"a bar on a terminal", true, []string{"runs", "(1/3)", "|"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := NewProgress(&buf, tt.terminal)
			p.Start(3, 1)
			p.Done(&store.Record{Name: "a", Status: store.StatusOK, TestAccuracy: 0.9})
			p.Done(&store.Record{Name: "b", Status: store.StatusFailed, Reason: "training diverged\nstack"})
			p.Finish()
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, buf.String())
				}
			}
		})
	}
}

func TestShardsPartitionTheGrid(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7} {
		seen := make([]int, 50)
		for i := 0; i < n; i++ {
			s := Shard{Index: i, Count: n}
			for r := range seen {
				if s.Has(r) {
					seen[r]++
				}
			}
		}
		for r, c := range seen {
			if c != 1 {
				t.Errorf("%d shards: run %d is in %d shards, want exactly 1", n, r, c)
			}
		}
	}
}
