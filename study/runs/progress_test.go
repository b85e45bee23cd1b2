package runs

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

func TestProgress(t *testing.T) {
	ok := &store.Record{Name: "a", Status: store.StatusOK, TestAccuracy: 0.9}
	failed := &store.Record{Name: "b", Status: store.StatusFailed, Reason: "training diverged\nstack"}
	skipped := &store.Record{Name: "c", Status: store.StatusSkipped, Reason: "parent b failed: training diverged"}
	tests := []struct {
		name                        string
		terminal                    bool
		total, reused, reusedFailed int
		done                        []*store.Record
		want, wantNot               []string
	}{
		{"plain lines when not on a terminal", false, 3, 1, 0, []*store.Record{ok, failed},
			[]string{"3 runs, 1 already finished\n", "[2/3] a  test acc 0.9000", "[3/3] FAILED b: training diverged\n", "3/3 runs done, 1 failed, "}, []string{"stack", "skipped"}},
		{"a skipped run is a line of its own and counted apart", false, 3, 0, 0, []*store.Record{ok, failed, skipped},
			[]string{"[3/3] SKIPPED c: parent b failed", "3/3 runs done, 1 failed, 1 skipped, "}, []string{"c  test acc"}},
		{"failures among the reused runs are counted, as in the summary", false, 3, 3, 1, nil,
			[]string{"3 runs, 3 already finished (1 of them failed)", "3/3 runs done, 1 failed, "}, nil},
		{"reused and new failures add up", false, 3, 2, 1, []*store.Record{failed},
			[]string{"3/3 runs done, 2 failed, "}, nil},
		{"a bar on a terminal", true, 3, 1, 0, []*store.Record{ok, failed},
			[]string{"runs (1 failed) (3/3)", "|"}, nil},
		{"a bar counts reused failures and skipped runs", true, 3, 1, 1, []*store.Record{skipped},
			[]string{"runs (1 failed, 1 skipped) (2/3)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := NewProgress(&buf, tt.terminal)
			p.Start(tt.total, tt.reused, tt.reusedFailed)
			for _, rec := range tt.done {
				p.Done(rec)
			}
			var got string
			if bar, ok := p.(*barProgress); ok {
				// The bar redraws at most every 100 ms: read its state.
				st := bar.bar.State()
				got = fmt.Sprintf("%s (%d/%d)\n", st.Description, st.CurrentNum, st.Max)
			}
			p.Finish()
			got += buf.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("output has %q:\n%s", w, got)
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
