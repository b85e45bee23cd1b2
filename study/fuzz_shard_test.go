package study

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/study-harness/study/study/runs"
)

// FuzzParseShard checks that ParseShard never panics, that "" is the whole
// grid, that an accepted shard has 0 ≤ Index < Count, that it formats back
// as "I/N" to the same shard, and that a canonical input is that format.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{
		"", "0/1", "2/3", "3/3", "-1/3", "1/0", "a/b", "1", "/", "0/", "/1",
		"+1/2", "01/2", "1/2/3", " 1/2", "0/-1", "9223372036854775806/9223372036854775807",
		"0/99999999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s, err := ParseShard(v)
		if err != nil {
			if s != (runs.Shard{}) {
				t.Fatalf("ParseShard(%q) = %+v with error %v", v, s, err)
			}
			if !strings.Contains(err.Error(), strconv.Quote(v)) {
				t.Fatalf("error %q does not quote the input %q", err, v)
			}
			return
		}
		if v == "" {
			if s != (runs.Shard{}) {
				t.Fatalf(`ParseShard("") = %+v, want the whole grid`, s)
			}
			return
		}
		if s.Index < 0 || s.Index >= s.Count {
			t.Fatalf("ParseShard(%q) = %+v, outside 0 ≤ I < N", v, s)
		}
		canon := fmt.Sprintf("%d/%d", s.Index, s.Count)
		again, err := ParseShard(canon)
		if err != nil || again != s {
			t.Fatalf("ParseShard(%q) = %+v, %v; want %+v", canon, again, err, s)
		}
		a, b, _ := strings.Cut(v, "/")
		isCanon := func(d string) bool {
			return d == "0" || (d != "" && d[0] >= '1' && d[0] <= '9' && strings.Trim(d, "0123456789") == "")
		}
		if (v == canon) != (isCanon(a) && isCanon(b)) {
			t.Fatalf("ParseShard(%q) = %+v formats as %q", v, s, canon)
		}
	})
}
