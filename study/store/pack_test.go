package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// testRun is one run to store in a pack: its record and its files other
// than metrics.json, in the order they are added.
type testRun struct {
	id    string
	rec   Record
	files []PackFile
	// metricsFirst adds metrics.json before the other files (the engine
	// adds it last).
	metricsFirst bool
}

// mkRun returns run id with a record that tells versions apart by acc and
// files given as name, content pairs.
func mkRun(id string, acc float64, files ...string) testRun {
	r := testRun{id: id, rec: Record{
		ID: id, Name: "seed=" + id, Status: StatusOK,
		Loss: []float64{1, acc / 2}, ValAccuracy: []float64{acc}, TestAccuracy: acc,
		Epochs: 2, EvalAccuracy: map[string]float64{"shift": acc / 3},
		Config: json.RawMessage(`{"seed":1,"model":{"hidden":[16]}}`),
	}}
	for i := 0; i+1 < len(files); i += 2 {
		r.files = append(r.files, PackFile{files[i], []byte(files[i+1])})
	}
	return r
}

// build makes the record of r in b, adding files alternately with
// AddFile and AppendFile (the latter filling in two appends).
func build(t testing.TB, b *RecordBuf, r testRun) {
	t.Helper()
	if err := buildRecord(b, r); err != nil {
		t.Fatal(err)
	}
}

func buildRecord(b *RecordBuf, r testRun) error {
	if err := b.Reset(r.id); err != nil {
		return err
	}
	rec := r.rec
	if r.metricsFirst {
		if err := b.AddRecord(&rec); err != nil {
			return err
		}
	}
	for i, f := range r.files {
		var err error
		if i%2 == 0 {
			err = b.AddFile(f.Name, f.Data)
		} else {
			err = b.AppendFile(f.Name, func(dst []byte) ([]byte, error) {
				h := len(f.Data) / 2
				return append(append(dst, f.Data[:h]...), f.Data[h:]...), nil
			})
		}
		if err != nil {
			return err
		}
	}
	if !r.metricsFirst {
		return b.AddRecord(&rec)
	}
	return nil
}

func packPath(dir, name string) string { return filepath.Join(dir, RunsDir, name) }

// fileSize returns the size of path, 0 when it does not exist (a pack
// is created by its first Append).
func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func openRuns(t testing.TB, dir string) *Runs {
	t.Helper()
	r, err := OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func openWriter(t testing.TB, r *Runs, name string) *PackWriter {
	t.Helper()
	w, err := r.Writer(name)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// packOf appends the record built in b to the pack of a fresh results
// folder and returns the folder and the Runs that wrote it.
func packOf(t testing.TB, b *RecordBuf) (string, *Runs) {
	t.Helper()
	dir := t.TempDir()
	runs := openRuns(t, dir)
	w := openWriter(t, runs, PackName(""))
	if err := w.Append(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, runs
}

// appendRuns appends each run to w and returns the end of each record.
func appendRuns(t testing.TB, w *PackWriter, runs ...testRun) []int64 {
	t.Helper()
	var b RecordBuf
	var ends []int64
	for _, r := range runs {
		build(t, &b, r)
		if err := w.Append(&b); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, fileSize(t, w.f.Name()))
	}
	return ends
}

// writePack appends runs to pack name of results folder dir in a process
// of its own (OpenRuns, Writer, Close) and returns the record ends.
func writePack(t testing.TB, dir, name string, runs ...testRun) []int64 {
	t.Helper()
	r, err := OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w := openWriter(t, r, name)
	ends := appendRuns(t, w, runs...)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return ends
}

// checkRun checks that Get returns run want of a pack, with its record
// and files.
func checkRun(t testing.TB, runs *Runs, want testRun) {
	t.Helper()
	got, err := runs.Get(want.id)
	if err != nil {
		t.Errorf("Get(%.20q): %v", want.id, err)
		return
	}
	if !sameRecord(got.Record, &want.rec) {
		t.Errorf("Get(%.20q).Record = %s, want %s", want.id, recJSON(got.Record), recJSON(&want.rec))
	}
	if len(got.Record.Files) != 0 {
		t.Errorf("Get(%.20q).Record.Files = %v, want none in a pack", want.id, got.Record.Files)
	}
	var names []string
	for _, f := range want.files {
		names = append(names, f.Name)
		data, err := got.File(f.Name)
		if err != nil || !bytes.Equal(data, f.Data) {
			t.Errorf("run %.20q: File(%.20q) = %.40q, %v; want %.40q", want.id, f.Name, data, err, f.Data)
		}
	}
	if gotNames := got.Files(); !slices.Equal(gotNames, names) {
		t.Errorf("run %.20q: Files() = %.60q, want %.60q", want.id, gotNames, names)
	}
	raw, err := got.File(MetricsFile)
	var rec Record
	if err == nil {
		err = json.Unmarshal(raw, &rec)
	}
	if err != nil || !sameRecord(&rec, &want.rec) {
		t.Errorf("run %.20q: File(%s) = %s, %v; want %s", want.id, MetricsFile, recJSON(&rec), err, recJSON(&want.rec))
	}
	if _, err := got.File("no-such-file"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("run %.20q: File of a missing name: %v, want fs.ErrNotExist", want.id, err)
	}
}

// sameRecord compares records as JSON, which compacts Config (indented
// in metrics.json).
func sameRecord(a, b *Record) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// recJSON returns rec as compact JSON, shortened, for messages.
func recJSON(rec *Record) string {
	j, err := json.Marshal(rec)
	if err != nil {
		return err.Error()
	}
	if len(j) > 200 {
		j = append(j[:200], "..."...)
	}
	return string(j)
}

// checkGetErr checks that Get(id) fails with an error wrapping want.
func checkGetErr(t testing.TB, runs *Runs, id string, want error) {
	t.Helper()
	if got, err := runs.Get(id); !errors.Is(err, want) {
		t.Errorf("Get(%q) = %v, %v; want an error wrapping %v", id, got, err, want)
	}
}

func checkLocation(t testing.TB, runs *Runs, id, wantPath string, wantOff, wantN int64) {
	t.Helper()
	path, off, n, err := runs.Location(id)
	if err != nil || path != wantPath || off != wantOff || n != wantN {
		t.Errorf("Location(%.20q) = %s, %d, %d, %v; want %s, %d, %d", id, path, off, n, err, wantPath, wantOff, wantN)
	}
}

func TestPackRoundTrip(t *testing.T) {
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i*7 + i>>9)
	}
	npy, err := EncodeNPY([]float32{1, 2.5, -3, 4, 5, 6}, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	longID, longName := strings.Repeat("i", MaxPackName), strings.Repeat("n", MaxPackName)
	failed := mkRun("failed", 0)
	failed.rec.Status, failed.rec.Reason, failed.rec.Loss = StatusFailed, "loss diverged", nil
	firstEmpty := mkRun("metrics-first", 0.5, "z.csv", "z\n", "empty.bin", "", "a.csv", "a\n")
	firstEmpty.metricsFirst = true
	tests := []struct {
		name string
		run  testRun
	}{
		{"a failed run has metrics.json only", failed},
		{"the files of a trained run come back in order", mkRun("trained", 0.75,
			PredictionsFile, "row,pred\n0,1\n1,0\n", FeaturesFile, string(npy),
			EvalPredictionsFile("shift"), "row,pred\n0,0\n", WeightsFile, "\x00\x01weights")},
		{"metrics.json first and an empty file", firstEmpty},
		{"a file of 1 MiB", mkRun("big", 0.25, WeightsFile, string(big))},
		{"the longest id and file name", mkRun(longID, 0.125, longName, "x")},
		{"an id and file names of unusual bytes", mkRun("ü\t id", 0.5, "é \n\xfe", "1")},
	}

	dir := t.TempDir()
	runs := openRuns(t, dir)
	w := openWriter(t, runs, PackName(""))
	var b RecordBuf // reused, as the engine does
	offs := map[string][2]int64{}
	for _, tt := range tests {
		off := fileSize(t, packPath(dir, PackName("")))
		build(t, &b, tt.run)
		if err := w.Append(&b); err != nil {
			t.Fatal(err)
		}
		offs[tt.run.id] = [2]int64{off, fileSize(t, packPath(dir, PackName(""))) - off}
	}
	check := func(t *testing.T, runs *Runs) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if !runs.Finished(tt.run.id) {
					t.Errorf("Finished(%.20q) = false", tt.run.id)
				}
				checkRun(t, runs, tt.run)
				o := offs[tt.run.id]
				checkLocation(t, runs, tt.run.id, packPath(dir, PackName("")), o[0], o[1])
			})
		}
		var ids []string
		for _, tt := range tests {
			ids = append(ids, tt.run.id)
		}
		slices.Sort(ids)
		if got := runs.IDs(); !slices.Equal(got, ids) {
			t.Errorf("IDs() = %.80q, want %.80q", got, ids)
		}
		if runs.Finished("unknown") {
			t.Error(`Finished("unknown") = true`)
		}
		checkGetErr(t, runs, "unknown", fs.ErrNotExist)
		if _, _, _, err := runs.Location("unknown"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf(`Location("unknown"): %v, want fs.ErrNotExist`, err)
		}
	}
	t.Run("same process", func(t *testing.T) { check(t, runs) })
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	t.Run("after Close", func(t *testing.T) { check(t, runs) })
	t.Run("reopened", func(t *testing.T) { check(t, openRuns(t, dir)) })
}

func TestOpenRunsOfAFolderWithoutRuns(t *testing.T) {
	for _, mk := range []bool{false, true} {
		dir := t.TempDir()
		if mk {
			if err := os.Mkdir(filepath.Join(dir, RunsDir), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		runs := openRuns(t, dir)
		if ids := runs.IDs(); len(ids) != 0 {
			t.Errorf("runs dir %v: IDs() = %q", mk, ids)
		}
		checkGetErr(t, runs, "r", fs.ErrNotExist)
	}
}

func TestPackWriterRejectsBadPackNames(t *testing.T) {
	runs := openRuns(t, t.TempDir())
	for _, name := range []string{"", "all", "all.pack.tmp", "a/b.pack", "../x.pack", "/tmp/x.pack"} {
		if w, err := runs.Writer(name); err == nil {
			w.Close()
			t.Errorf("Writer(%q) was accepted", name)
		}
	}
}

// TestPackTornTail cuts a pack of two records at every byte: only the
// whole records before the cut count, and the next writer cuts the torn
// one and appends after the last whole record.
func TestPackTornTail(t *testing.T) {
	src := t.TempDir()
	stored := []testRun{mkRun("r1", 0.5, "a.csv", "1,2\n"), mkRun("r2", 0.25, "a.csv", "3,4\n", "b.npy", "bb")}
	ends := writePack(t, src, PackName(""), stored...)
	full, err := os.ReadFile(packPath(src, PackName("")))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(full)) != ends[1] {
		t.Fatalf("pack of %d bytes, records end at %v", len(full), ends)
	}
	fresh := mkRun("r3", 1, "c.csv", "5\n")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, RunsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	path := packPath(dir, PackName(""))
	for cut := 0; cut <= len(full); cut++ {
		whole := 0
		for whole < len(ends) && ends[whole] <= int64(cut) {
			whole++
		}
		end := int64(0)
		if whole > 0 {
			end = ends[whole-1]
		}
		t.Run(fmt.Sprintf("cut at %d of %d", cut, len(full)), func(t *testing.T) {
			if err := os.WriteFile(path, full[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			check := func(runs *Runs, extra ...testRun) {
				t.Helper()
				want := append(slices.Clone(stored[:whole]), extra...)
				var ids []string
				for _, r := range want {
					ids = append(ids, r.id)
					checkRun(t, runs, r)
				}
				if got := runs.IDs(); !slices.Equal(got, ids) {
					t.Errorf("IDs() = %q, want %q", got, ids)
				}
				for _, r := range stored[whole:] {
					if runs.Finished(r.id) {
						t.Errorf("the torn record of %s is indexed", r.id)
					}
					checkGetErr(t, runs, r.id, fs.ErrNotExist)
				}
			}
			runs, err := OpenRuns(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer runs.Close()
			check(runs)
			w := openWriter(t, runs, PackName(""))
			if got := fileSize(t, path); got != end {
				t.Errorf("Writer left %d bytes, want %d (end of the last whole record)", got, end)
			}
			appendRuns(t, w, fresh)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			check(runs, fresh)
			check(openRuns(t, dir), fresh)
		})
	}
}

// flip returns a copy of b with byte i inverted.
func flip(b []byte, i int) []byte {
	c := slices.Clone(b)
	c[i] ^= 0xff
	return c
}

// TestPackCorruption flips one byte of a pack of three records: x (v1),
// y, x (v2). A bad header loses its record only: scanning goes on at the
// next whole header, and the next writer cuts the pack only when no whole
// record follows (a torn end). A bad payload is ErrCorrupt for its run,
// whose older record then counts, and costs no other record.
func TestPackCorruption(t *testing.T) {
	x1 := mkRun("x", 0.5, "a.csv", "version one\n")
	y := mkRun("y", 0.25, "a.csv", "the y run\n", "b.npy", "yy")
	x2 := mkRun("x", 0.75, "a.csv", "version two\n")
	src := t.TempDir()
	ends := writePack(t, src, PackName(""), x1, y, x2)
	full, err := os.ReadFile(packPath(src, PackName("")))
	if err != nil {
		t.Fatal(err)
	}
	starts := []int{0, int(ends[0]), int(ends[1])}
	// in returns the offset of the first s in record k.
	in := func(k int, s string) int {
		i := bytes.Index(full[starts[k]:ends[k]], []byte(s))
		if i < 0 {
			t.Fatalf("record %d holds no %q", k, s)
		}
		return starts[k] + i
	}
	type want struct {
		get  map[string]any // run id: its testRun or the error Get wraps
		kept int            // whole records the writer keeps
	}
	tests := []struct {
		name string
		at   []int // bytes to flip, one case each
		want want
	}{
		{"a header byte of the first record", seq(starts[0], packHeaderLen),
			want{map[string]any{"x": x2, "y": y}, 3}},
		{"a header byte of the second record", seq(starts[1], packHeaderLen),
			want{map[string]any{"x": x2, "y": fs.ErrNotExist}, 3}},
		{"a header byte of the third record", seq(starts[2], packHeaderLen),
			want{map[string]any{"x": x1, "y": y}, 2}},
		{"a file's content in the second record", []int{in(1, "the y run"), int(ends[1]) - 1},
			want{map[string]any{"x": x2, "y": ErrCorrupt}, 3}},
		{"a file name in the second record", []int{in(1, "b.npy")},
			want{map[string]any{"x": x2, "y": ErrCorrupt}, 3}},
		{"a file length in the second record", []int{in(1, "b.npy") + len("b.npy")},
			want{map[string]any{"x": x2, "y": ErrCorrupt}, 3}},
		{"metrics.json in the third record", []int{in(2, `"test_accuracy"`)},
			want{map[string]any{"x": x1, "y": y}, 3}},
		{"the content of the third record", []int{in(2, "version two"), int(ends[2]) - 1},
			want{map[string]any{"x": x1, "y": y}, 3}},
		{"the run id in the third record", []int{starts[2] + packHeaderLen + 2},
			want{map[string]any{"x": x1, "y": y}, 3}},
		{"the run id in the second record", []int{starts[1] + packHeaderLen + 2},
			want{map[string]any{"x": x2, "y": fs.ErrNotExist}, 3}},
		{"the run id length in the second record", []int{starts[1] + packHeaderLen, starts[1] + packHeaderLen + 1},
			want{map[string]any{"x": x2, "y": fs.ErrNotExist}, 3}},
	}
	retrained := mkRun("y", 1, "a.csv", "y trained again\n")
	for _, tt := range tests {
		for _, at := range tt.at {
			t.Run(fmt.Sprintf("%s at %d", tt.name, at), func(t *testing.T) {
				dir := t.TempDir()
				if err := os.Mkdir(filepath.Join(dir, RunsDir), 0o755); err != nil {
					t.Fatal(err)
				}
				path := packPath(dir, PackName(""))
				if err := os.WriteFile(path, flip(full, at), 0o644); err != nil {
					t.Fatal(err)
				}
				check := func(runs *Runs, get map[string]any) {
					t.Helper()
					for _, id := range []string{"x", "y"} {
						switch w := get[id].(type) {
						case testRun:
							checkRun(t, runs, w)
						case error:
							checkGetErr(t, runs, id, w)
						}
					}
				}
				runs := openRuns(t, dir)
				check(runs, tt.want.get)
				w := openWriter(t, runs, PackName(""))
				end := int64(0)
				if tt.want.kept > 0 {
					end = ends[tt.want.kept-1]
				}
				if got := fileSize(t, path); got != end {
					t.Errorf("Writer left %d bytes, want %d", got, end)
				}
				// Training y again supersedes its record, whole or not.
				appendRuns(t, w, retrained)
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				after := map[string]any{"x": tt.want.get["x"], "y": retrained}
				check(runs, after)
				check(openRuns(t, dir), after)
			})
		}
	}
}

func seq(from, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = from + i
	}
	return s
}

// TestPackRecordsOfBadFormatAreCorrupt writes records that RecordBuf
// refuses to build, with a good checksum: reading them is ErrCorrupt,
// never a panic or a file named "..".
func TestPackRecordsOfBadFormatAreCorrupt(t *testing.T) {
	file := func(name, data string) []byte {
		b := binary.LittleEndian.AppendUint16(nil, uint16(len(name)))
		b = append(b, name...)
		b = binary.LittleEndian.AppendUint64(b, uint64(len(data)))
		return append(b, data...)
	}
	metrics := func(id string) []byte { return file(MetricsFile, `{"id":"`+id+`","status":"ok"}`) }
	tests := []struct {
		name  string
		files [][]byte // after metrics.json of run "r"
	}{
		{"a file named ..", [][]byte{file("..", "x")}},
		{"a file named .", [][]byte{file(".", "x")}},
		{"a file name with a slash", [][]byte{file("a/b", "x")}},
		{"a file name with NUL", [][]byte{file("a\x00", "x")}},
		{"an empty file name", [][]byte{file("", "x")}},
		{"a file twice", [][]byte{file("a", "x"), file("a", "y")}},
		{"metrics.json twice", [][]byte{metrics("r")}},
		{"a file longer than the record", [][]byte{file("a", "xyz")[:len(file("a", "xyz"))-1]}},
		{"a file length cut short", [][]byte{file("a", "")[:6]}},
		{"a file name cut short", [][]byte{{9, 0, 'a'}}},
		{"metrics.json of another run", [][]byte{}},
		{"no metrics.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b RecordBuf
			if err := b.Reset("r"); err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.files == nil: // no metrics.json
				b.b = append(b.b, file("a", "x")...)
			case len(tt.files) == 0:
				b.b = append(b.b, metrics("other")...)
			default:
				b.b = append(b.b, metrics("r")...)
				for _, f := range tt.files {
					b.b = append(b.b, f...)
				}
			}
			dir, runs := packOf(t, &b)
			checkGetErr(t, runs, "r", ErrCorrupt)
			checkGetErr(t, openRuns(t, dir), "r", ErrCorrupt)
		})
	}
}

// TestPackNewestWins stores run x twice, v1 then v2 (and run o beside
// v1): Get returns v2 whatever the packs' names.
func TestPackNewestWins(t *testing.T) {
	const (
		oneWriter = iota // v1 and v2 appended by one writer
		sameRuns         // by two writers of one Runs, one after the other
		reopen           // by two processes (OpenRuns again in between)
	)
	tests := []struct {
		name  string
		packs [2]string
		mode  int
	}{
		{"twice in one pack", [2]string{"all.pack", "all.pack"}, oneWriter},
		{"one pack, two writers of one Runs", [2]string{"all.pack", "all.pack"}, sameRuns},
		{"one pack, two processes", [2]string{"all.pack", "all.pack"}, reopen},
		{"a later shard pack sorting after all.pack", [2]string{"all.pack", "shard-0-of-2.pack"}, reopen},
		{"a later all.pack sorting before the shard pack", [2]string{"shard-0-of-2.pack", "all.pack"}, reopen},
		{"a later shard sorting before the first", [2]string{"shard-1-of-2.pack", "shard-0-of-2.pack"}, reopen},
		{"a later all.pack, same Runs", [2]string{"shard-0-of-2.pack", "all.pack"}, sameRuns},
		{"a later shard pack, same Runs", [2]string{"all.pack", "shard-0-of-2.pack"}, sameRuns},
	}
	x1 := mkRun("x", 0.5, "a.csv", "version one\n")
	x2 := mkRun("x", 0.75, "a.csv", "version two, longer\n", "b.csv", "new\n")
	o := mkRun("o", 0.25, "a.csv", "other\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			runs := openRuns(t, dir)
			w := openWriter(t, runs, tt.packs[0])
			appendRuns(t, w, x1, o)
			if tt.mode != oneWriter {
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if tt.mode == reopen {
					runs = openRuns(t, dir)
				}
				w = openWriter(t, runs, tt.packs[1])
			}
			path := packPath(dir, tt.packs[1])
			off := fileSize(t, path)
			appendRuns(t, w, x2)
			n := fileSize(t, path) - off
			check := func(runs *Runs) {
				t.Helper()
				checkRun(t, runs, x2)
				checkRun(t, runs, o)
				checkLocation(t, runs, "x", path, off, n)
				if got := runs.IDs(); !slices.Equal(got, []string{"o", "x"}) {
					t.Errorf("IDs() = %q", got)
				}
			}
			check(runs)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			check(runs)
			check(openRuns(t, dir))
		})
	}
}

// TestPackGenerationsAcrossProcesses stores run x five times, alternating
// between two packs, each time by a new process: the last one wins.
func TestPackGenerationsAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	var last testRun
	var lastPath string
	var lastOff, lastN int64
	for i := range 5 {
		name := []string{"shard-0-of-2.pack", "all.pack"}[i%2]
		last = mkRun("x", float64(i)/8, "a.csv", strings.Repeat("v", i+1))
		lastPath = packPath(dir, name)
		lastOff = 0
		if st, err := os.Stat(lastPath); err == nil {
			lastOff = st.Size()
		}
		ends := writePack(t, dir, name, last)
		lastN = ends[0] - lastOff
		runs := openRuns(t, dir)
		checkRun(t, runs, last)
		checkLocation(t, runs, "x", lastPath, lastOff, lastN)
	}
}

// writeFolder writes run r as a run folder of the older layout.
func writeFolder(t testing.TB, dir string, r testRun) {
	t.Helper()
	w, err := NewRunWriter(dir, r.id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.files {
		if err := w.WriteFile(f.Name, f.Data); err != nil {
			t.Fatal(err)
		}
	}
	rec := r.rec
	if err := w.Commit(&rec); err != nil {
		t.Fatal(err)
	}
}

func TestPackLegacyFolders(t *testing.T) {
	old := mkRun("x", 0.5, "b.csv", "old b\n", "a.csv", "old a\n")
	packed := mkRun("x", 0.75, "a.csv", "new a\n")
	tests := []struct {
		name                      string
		damageFolder, pack, flipd bool
		want                      any // "folder", packed or an error
	}{
		{"a whole folder is read", false, false, false, "folder"},
		{"a pack record supersedes the folder", false, true, false, packed},
		{"a corrupt folder is ErrCorrupt", true, false, false, ErrCorrupt},
		{"a pack record supersedes a corrupt folder", true, true, false, packed},
		{"the folder counts when the pack record is corrupt", false, true, true, "folder"},
		{"both corrupt", true, true, true, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFolder(t, dir, old)
			// Neither a temporary folder nor one without metrics.json is
			// a run.
			tmp := filepath.Join(dir, RunsDir, ".tmp-t-123")
			if err := os.Mkdir(tmp, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tmp, MetricsFile), []byte(`{"id":"t"}`), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(RunPath(dir, "empty"), 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.damageFolder {
				if err := os.WriteFile(filepath.Join(RunPath(dir, "x"), "a.csv"), []byte("old A\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var n int64
			if tt.pack {
				ends := writePack(t, dir, PackName(""), packed)
				n = ends[0]
				if tt.flipd {
					path := packPath(dir, PackName(""))
					b, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, flip(b, bytes.Index(b, []byte("new a"))), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			runs := openRuns(t, dir)
			if got := runs.IDs(); !slices.Equal(got, []string{"x"}) {
				t.Errorf("IDs() = %q, want [x]", got)
			}
			if !runs.Finished("x") {
				t.Error("Finished(x) = false")
			}
			if tt.pack {
				checkLocation(t, runs, "x", packPath(dir, PackName("")), 0, n)
			} else {
				checkLocation(t, runs, "x", RunPath(dir, "x"), 0, 0)
			}
			switch want := tt.want.(type) {
			case testRun:
				checkRun(t, runs, want)
			case error:
				checkGetErr(t, runs, "x", want)
			case string:
				checkFolderRun(t, runs, dir, old)
			}
		})
	}
}

// checkFolderRun checks that Get returns run folder want.
func checkFolderRun(t *testing.T, runs *Runs, dir string, want testRun) {
	t.Helper()
	got, err := runs.Get(want.id)
	if err != nil {
		t.Fatalf("Get(%s): %v", want.id, err)
	}
	folder := RunPath(dir, want.id)
	rec := *got.Record
	if len(rec.Files) != len(want.files) {
		t.Errorf("Record.Files = %v, want %d files", rec.Files, len(want.files))
	}
	rec.Files = nil
	if !sameRecord(&rec, &want.rec) {
		t.Errorf("Record = %s, want %s", recJSON(&rec), recJSON(&want.rec))
	}
	var names []string
	for _, f := range want.files {
		names = append(names, f.Name)
		data, err := got.File(f.Name)
		if err != nil || !bytes.Equal(data, f.Data) {
			t.Errorf("File(%s) = %q, %v; want %q", f.Name, data, err, f.Data)
		}
		if p := got.Path(f.Name); p != filepath.Join(folder, f.Name) {
			t.Errorf("Path(%s) = %s", f.Name, p)
		}
	}
	if got := got.Files(); !slices.Equal(got, names) {
		t.Errorf("Files() = %q, want %q", got, names)
	}
	if _, err := got.File("no-such-file"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("File of a missing name: %v, want fs.ErrNotExist", err)
	}
}

func TestRecordBufRejectsBadNames(t *testing.T) {
	var b RecordBuf
	for _, id := range []string{"", strings.Repeat("i", MaxPackName+1), "bad\xffutf8"} {
		if err := b.Reset(id); err == nil {
			t.Errorf("Reset(%.20q) (%d bytes) was accepted", id, len(id))
		}
	}
	if err := b.Reset("r"); err != nil {
		t.Fatal(err)
	}
	before := slices.Clone(b.b)
	for _, name := range []string{"", "a/b", "/a", "a/", "..", ".", "a\x00b", "\x00", strings.Repeat("n", MaxPackName+1)} {
		called := false
		err := b.AppendFile(name, func(dst []byte) ([]byte, error) { called = true; return append(dst, 'x'), nil })
		if err == nil || called {
			t.Errorf("AppendFile(%.20q): %v (fill called: %v), want an error", name, err, called)
		}
		if err := b.AddFile(name, []byte("x")); err == nil {
			t.Errorf("AddFile(%.20q) was accepted", name)
		}
		if !bytes.Equal(b.b, before) {
			t.Fatalf("AppendFile(%.20q) changed the buffer", name)
		}
	}
	// A name already in the record, metrics.json included, is refused:
	// the reader would refuse the record.
	for _, add := range []func() error{
		func() error { return b.AddFile("a.csv", []byte("1")) },
		func() error { return b.AddFile(MetricsFile, []byte("{}")) },
	} {
		if err := add(); err != nil {
			t.Fatal(err)
		}
	}
	before = slices.Clone(b.b)
	if err := b.AddFile("a.csv", []byte("2")); err == nil {
		t.Errorf("a second a.csv was accepted")
	}
	if err := b.AddRecord(&Record{ID: "r"}); err == nil {
		t.Errorf("AddRecord after a metrics.json was accepted")
	}
	if !bytes.Equal(b.b, before) {
		t.Errorf("a refused duplicate changed the buffer")
	}
	if err := b.Reset("r2"); err != nil || b.AddFile("a.csv", []byte("1")) != nil {
		t.Errorf("Reset does not forget the names of the last record: %v", err)
	}
}

func TestRecordBufFillError(t *testing.T) {
	tests := []struct {
		name string
		fill func(dst []byte) ([]byte, error)
	}{
		{"nothing appended", func(dst []byte) ([]byte, error) { return dst, errFill }},
		{"some bytes appended", func(dst []byte) ([]byte, error) { return append(dst, "half"...), errFill }},
		{"nil returned", func([]byte) ([]byte, error) { return nil, errFill }},
		{"grown past the capacity", func(dst []byte) ([]byte, error) { return append(dst, make([]byte, 1<<16)...), errFill }},
		{"AppendNPY of a bad shape", func(dst []byte) ([]byte, error) { return AppendNPY(dst, []float32{1, 2, 3}, 2, 2) }},
	}
	want := mkRun("r", 0.5, "a.csv", "a\n", "c.csv", "c\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b RecordBuf
			if err := b.Reset("r"); err != nil {
				t.Fatal(err)
			}
			if err := b.AddFile("a.csv", []byte("a\n")); err != nil {
				t.Fatal(err)
			}
			before := slices.Clone(b.b)
			if err := b.AppendFile("b.npy", tt.fill); err == nil {
				t.Fatal("AppendFile of a failing fill returned no error")
			} else if tt.name != "AppendNPY of a bad shape" && !errors.Is(err, errFill) {
				t.Errorf("AppendFile: %v, want the fill's error", err)
			}
			if !bytes.Equal(b.b, before) {
				t.Fatalf("the buffer holds %d bytes after the failed AppendFile, %d before", len(b.b), len(before))
			}
			if err := b.AddFile("c.csv", []byte("c\n")); err != nil {
				t.Fatal(err)
			}
			rec := want.rec
			if err := b.AddRecord(&rec); err != nil {
				t.Fatal(err)
			}
			dir, _ := packOf(t, &b)
			checkRun(t, openRuns(t, dir), want)
		})
	}
}

var errFill = errors.New("fill failed")

// TestPackWriterFailedWrite makes the writer's file unwritable: Append
// fails, the error sticks, and the pack keeps its whole records only.
func TestPackWriterFailedWrite(t *testing.T) {
	tests := []struct {
		name string
		bad  func(t *testing.T, path string) *os.File
	}{
		{"a closed file", func(t *testing.T, path string) *os.File {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			return f
		}},
		{"a read-only file", func(t *testing.T, path string) *os.File {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}},
	}
	r1, r2, r3 := mkRun("r1", 0.5, "a.csv", "1\n"), mkRun("r2", 0.25, "a.csv", "2\n"), mkRun("r3", 1)
	for _, tt := range tests {
		for _, created := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s, pack created by the writer: %v", tt.name, created), func(t *testing.T) {
				dir := t.TempDir()
				path := packPath(dir, PackName(""))
				if !created {
					writePack(t, dir, PackName(""), r1)
				}
				runs := openRuns(t, dir)
				w := openWriter(t, runs, PackName(""))
				if created {
					appendRuns(t, w, r1)
				}
				size := fileSize(t, path)
				good, bad := w.f, tt.bad(t, path)
				defer bad.Close()
				w.f = bad
				var b RecordBuf
				build(t, &b, r2)
				err := w.Append(&b)
				if err == nil {
					t.Fatal("Append to an unwritable file returned no error")
				}
				if got := w.Err(); got == nil || got.Error() != err.Error() {
					t.Errorf("Err() = %v, want %v", got, err)
				}
				w.f = good // a later Append must fail all the same
				build(t, &b, r3)
				if err2 := w.Append(&b); err2 == nil || err2.Error() != err.Error() {
					t.Errorf("Append after a failure: %v, want %v", err2, err)
				}
				if got := fileSize(t, path); got != size {
					t.Errorf("pack of %d bytes after the failed Append, %d before", got, size)
				}
				for _, id := range []string{"r2", "r3"} {
					if runs.Finished(id) {
						t.Errorf("run %s indexed after a failed Append", id)
					}
				}
				if cerr := w.Close(); cerr == nil || cerr.Error() != err.Error() {
					t.Errorf("Close() = %v, want %v", cerr, err)
				}
				checkRun(t, runs, r1)
				reopened := openRuns(t, dir)
				checkRun(t, reopened, r1)
				if got := reopened.IDs(); !slices.Equal(got, []string{"r1"}) {
					t.Errorf("IDs() after reopening = %q, want [r1]", got)
				}
			})
		}
	}
}

// TestPackConcurrentAppendAndGet appends from several goroutines while
// others read (run it with -race).
func TestPackConcurrentAppendAndGet(t *testing.T) {
	dir := t.TempDir()
	runs := openRuns(t, dir)
	w := openWriter(t, runs, PackName(""))
	const writers, each = 4, 25
	run := func(g, i int) testRun {
		return mkRun(fmt.Sprintf("g%d-%02d", g, i), float64(i)/each, "a.csv", strings.Repeat(fmt.Sprint(g), i+1))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for g := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			var b RecordBuf
			for i := range each {
				if err := buildRecord(&b, run(g, i)); err != nil {
					errs <- err
					return
				}
				if err := w.Append(&b); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() { // reads what the writer g has stored so far
			defer wg.Done()
			for i := 0; i < each; {
				s, err := runs.Get(run(g, i).id)
				switch {
				case errors.Is(err, fs.ErrNotExist):
					runtime.Gosched()
					continue
				case err != nil:
					errs <- err
					return
				case s.Record.ID != run(g, i).id:
					errs <- fmt.Errorf("Get(%s) returned run %s", run(g, i).id, s.Record.ID)
					return
				}
				i++
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	reopened := openRuns(t, dir)
	if n := len(reopened.IDs()); n != writers*each {
		t.Errorf("%d runs after reopening, want %d", n, writers*each)
	}
	for g := range writers {
		for i := range each {
			checkRun(t, reopened, run(g, i))
		}
	}
}

// tinyPack returns a pack of two small records, r1 and r2 (small, so
// that the fuzzer minimizes quickly), and the end of r1.
func tinyPack(t testing.TB) ([]byte, int) {
	dir := t.TempDir()
	runs, err := OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer runs.Close()
	w := openWriter(t, runs, "x.pack")
	var b RecordBuf
	var end1 int
	for _, id := range []string{"r1", "r2"} {
		if err := b.Reset(id); err != nil {
			t.Fatal(err)
		}
		if err := b.AddFile(MetricsFile, []byte(`{"id":"`+id+`"}`)); err != nil {
			t.Fatal(err)
		}
		if err := b.AddFile("a", []byte(id)); err != nil {
			t.Fatal(err)
		}
		if err := w.Append(&b); err != nil {
			t.Fatal(err)
		}
		if end1 == 0 {
			end1 = int(fileSize(t, w.f.Name()))
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	full, err := os.ReadFile(packPath(dir, "x.pack"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"r1", "r2"} {
		if _, err := runs.Get(id); err != nil {
			t.Fatal(err)
		}
	}
	return full, end1
}

// FuzzOpenRuns indexes arbitrary bytes as a pack: no panic, and the next
// writer cuts the file at a record boundary after which a fresh record
// is read back.
func FuzzOpenRuns(f *testing.F) {
	full, end1 := tinyPack(f)
	f.Add(full)
	f.Add([]byte{})
	f.Add([]byte(packMagic))
	f.Add(full[:end1])
	f.Add(full[:end1+packHeaderLen])
	f.Add(full[:end1+packHeaderLen+3])
	f.Add(full[:len(full)-1])
	f.Add(flip(full, 5))                         // header of r1
	f.Add(flip(full, end1+13))                   // header of r2
	f.Add(flip(full, end1-2))                    // payload of r1
	f.Add(flip(full, end1+packHeaderLen))        // id length of r2
	f.Add(append(slices.Clone(full), full...))   // each record twice
	f.Add(append(slices.Clone(full), "junk"...)) // garbage tail
	base := fuzzBase(f, "FuzzOpenRuns")
	f.Fuzz(func(t *testing.T, data []byte) {
		dir, err := os.MkdirTemp(base, "")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if err := os.Mkdir(filepath.Join(dir, RunsDir), 0o755); err != nil {
			t.Fatal(err)
		}
		path := packPath(dir, "x.pack")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		runs, err := OpenRuns(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer runs.Close()
		ids := runs.IDs()
		for _, id := range ids {
			if !runs.Finished(id) {
				t.Errorf("Finished(%q) = false for an id of IDs()", id)
			}
			s, err := runs.Get(id)
			if err == nil {
				for _, name := range s.Files() {
					if _, err := s.File(name); err != nil {
						t.Errorf("run %q: File(%q): %v", id, name, err)
					}
				}
				if s.Record.ID != id {
					t.Errorf("Get(%q) returned run %q", id, s.Record.ID)
				}
			} else if !errors.Is(err, ErrCorrupt) {
				t.Errorf("Get(%q): %v, want nil or ErrCorrupt", id, err)
			}
			p, off, n, err := runs.Location(id)
			if err != nil || p != path || off < 0 || n < packHeaderLen+2 || off+n > int64(len(data)) {
				t.Errorf("Location(%q) = %s, %d, %d, %v", id, p, off, n, err)
			}
		}
		// Repair cuts every damaged span out and loses no record.
		if _, err := runs.Repair("x.pack"); err != nil {
			t.Fatal(err)
		}
		if d := runs.Damage(); len(d) > 0 {
			t.Errorf("damage after Repair: %v", d)
		}
		if got := runs.IDs(); !slices.Equal(got, ids) {
			t.Errorf("IDs() after Repair = %q, want %q", got, ids)
		}
		w, err := runs.Writer("x.pack")
		if err != nil {
			t.Fatal(err)
		}
		cut := fileSize(t, path)
		if cut > int64(len(data)) {
			t.Errorf("Writer grew the pack from %d to %d bytes", len(data), cut)
		}
		fresh := mkRun("fresh", 0.5, "a.csv", "fresh\n")
		for runs.Finished(fresh.id) {
			fresh.id += "+"
			fresh.rec.ID = fresh.id
		}
		appendRuns(t, w, fresh)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		checkRun(t, runs, fresh)
		reopened, err := OpenRuns(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer reopened.Close()
		checkRun(t, reopened, fresh)
		want := append(slices.Clone(ids), fresh.id)
		slices.Sort(want)
		if got := reopened.IDs(); !slices.Equal(got, want) {
			t.Errorf("IDs() after the append = %q, want %q", got, want)
		}
		checkLocation(t, reopened, fresh.id, path, cut, fileSize(t, path)-cut)
	})
}

// TestPackWriterWritesNothingUntilAnAppend: a writer with nothing to
// append creates no pack and leaves an existing one untouched.
func TestPackWriterWritesNothingUntilAnAppend(t *testing.T) {
	tests := []struct {
		name  string
		exist bool
	}{
		{"no pack yet: none is created", false},
		{"an existing pack keeps its bytes and modification time", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := packPath(dir, PackName(""))
			if tt.exist {
				writePack(t, dir, PackName(""), mkRun("r1", 0.5, "a.csv", "1\n"))
			}
			before, _ := os.Stat(path)
			old, _ := os.ReadFile(path)
			runs := openRuns(t, dir)
			w := openWriter(t, runs, PackName(""))
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			after, err := os.Stat(path)
			if !tt.exist {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("pack created with nothing appended: %v", err)
				}
				return
			}
			now, _ := os.ReadFile(path)
			if err != nil || !bytes.Equal(now, old) || !after.ModTime().Equal(before.ModTime()) {
				t.Errorf("pack changed: %v, %d → %d bytes, mtime %v → %v", err, len(old), len(now), before.ModTime(), after.ModTime())
			}
		})
	}
}

// TestPackSkipsGarbageBetweenRecords inserts a span of garbage into a
// pack of two records, a and b (a block of the disk damaged or lost in a
// power failure): a span before a whole record is skipped to the next
// whole header, so both records are indexed and the writer keeps the
// file as it is; a span after the last whole record is a torn end, which
// the writer cuts. Either way a new record appended after it reads back.
func TestPackSkipsGarbageBetweenRecords(t *testing.T) {
	a := mkRun("a", 0.5, "a.csv", "the a run\n")
	b := mkRun("b", 0.25, "a.csv", "the b run\n", "b.npy", "bb")
	src := t.TempDir()
	ends := writePack(t, src, PackName(""), a, b)
	full, err := os.ReadFile(packPath(src, PackName("")))
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 100)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	if bytes.Contains(random, []byte(packMagic)) {
		t.Fatal("the random bytes hold the magic")
	}
	bh := full[ends[0] : ends[0]+packHeaderLen] // b's header
	// wrongLen is b's header with another payload length: its header
	// checksum no longer matches.
	wrongLen := slices.Clone(bh)
	binary.LittleEndian.PutUint64(wrongLen[12:], binary.LittleEndian.Uint64(bh[12:])-1)
	// pastEnd is b's header with a length past the end of the file and
	// its header checksum made to match.
	pastEnd := slices.Clone(bh)
	binary.LittleEndian.PutUint64(pastEnd[12:], 1<<40)
	binary.LittleEndian.PutUint32(pastEnd[24:], crc32.Checksum(pastEnd[:24], castagnoli))
	if _, ok := parseHeader(pastEnd); !ok {
		t.Fatal("pastEnd is not a whole header")
	}
	const (
		start   = iota // before a
		between        // between a and b
		end            // after b
	)
	tests := []struct {
		name    string
		garbage []byte
		where   int
	}{
		{"100 random bytes between the records", random, between},
		{"a copy of b's header with a wrong length between the records", wrongLen, between},
		{"a copy of b's header with a length past the end, its checksum matching, between the records", pastEnd, between},
		{"b's header with a wrong length and random bytes between the records", append(slices.Clone(wrongLen), random...), between},
		{"a block of zeros between the records", make([]byte, 4096), between},
		{"100 random bytes before the first record", random, start},
		{"100 random bytes at the end", random, end},
		{"a copy of b's header with a wrong length at the end", wrongLen, end},
		{"a copy of b's header with a length past the end, its checksum matching, at the end", pastEnd, end},
	}
	fresh := mkRun("c", 1, "c.csv", "the c run\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := []int64{0, ends[0], ends[1]}[tt.where]
			pack := slices.Concat(full[:at], tt.garbage, full[at:])
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, RunsDir), 0o755); err != nil {
				t.Fatal(err)
			}
			path := packPath(dir, PackName(""))
			if err := os.WriteFile(path, pack, 0o644); err != nil {
				t.Fatal(err)
			}
			// Where a and b are in the damaged pack.
			g := int64(len(tt.garbage))
			aOff, bOff := int64(0), ends[0]
			if tt.where == start {
				aOff += g
			}
			if tt.where <= between {
				bOff += g
			}
			check := func(runs *Runs, extra ...testRun) {
				t.Helper()
				checkRun(t, runs, a)
				checkRun(t, runs, b)
				checkLocation(t, runs, "a", path, aOff, ends[0])
				checkLocation(t, runs, "b", path, bOff, ends[1]-ends[0])
				want := []string{"a", "b"}
				for _, r := range extra {
					checkRun(t, runs, r)
					want = append(want, r.id)
				}
				if got := runs.IDs(); !slices.Equal(got, want) {
					t.Errorf("IDs() = %q, want %q", got, want)
				}
			}
			runs := openRuns(t, dir)
			check(runs)
			w := openWriter(t, runs, PackName(""))
			keep := int64(len(pack)) // the garbage is kept, the records after it count
			if tt.where == end {
				keep = ends[1] // a torn end: cut
			}
			if got := fileSize(t, path); got != keep {
				t.Errorf("Writer left %d bytes of %d, want %d", got, len(pack), keep)
			}
			appendRuns(t, w, fresh)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			checkLocation(t, runs, "c", path, keep, fileSize(t, path)-keep)
			check(runs, fresh)
			check(openRuns(t, dir), fresh)
		})
	}
}
