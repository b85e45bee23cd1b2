package store

import (
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
)

// failingReader reads f, except that a read touching [from, to) fails
// with err.
type failingReader struct {
	f        io.ReaderAt
	from, to int64
	err      error
}

func (r failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off < r.to && off+int64(len(p)) > r.from {
		return 0, r.err
	}
	return r.f.ReadAt(p, off)
}

// TestScanPackReadErrorIsNotAnEnd checks that a read that fails while a
// pack is indexed is an error, not the end of its whole records: the
// writer cuts the pack at that end, so taking a failed read for a torn
// record would delete the finished runs after it.
func TestScanPackReadErrorIsNotAnEnd(t *testing.T) {
	dir := t.TempDir()
	ends := writePack(t, dir, PackName(""), mkRun("r1", 0.5, "a.csv", "1\n"), mkRun("r2", 0.25, "a.csv", "2\n"), mkRun("r3", 1))
	f, err := os.Open(packPath(dir, PackName("")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	size := ends[2]
	eio := syscall.EIO
	tests := []struct {
		name string
		r    io.ReaderAt
		size int64
		want error
	}{
		{"an I/O error in the second record's header", failingReader{f, ends[0], ends[0] + 1, eio}, size, eio},
		{"a file shorter than its size", f, size + 10, io.ErrUnexpectedEOF},
		// A damaged second header sends the scan looking for the next one.
		{"an I/O error while looking past damage", failingReader{damaged{f, ends[0]}, ends[0] + 1, size, eio}, size, eio},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ids []string
			end, err := scanPack(tt.r, tt.size, func(id string, _ int64, _ packHeader) { ids = append(ids, id) }, nil)
			if !errors.Is(err, tt.want) {
				t.Errorf("end %d, ids %v, err %v; want an error wrapping %v", end, ids, err, tt.want)
			}
		})
	}
	if end, err := scanPack(f, size, func(string, int64, packHeader) {}, nil); err != nil || end != size {
		t.Errorf("the pack itself: end %d, err %v; want %d, no error", end, err, size)
	}
}

// damaged reads f with the byte at off flipped: a record header there no
// longer matches its checksum.
type damaged struct {
	f   io.ReaderAt
	off int64
}

func (d damaged) ReadAt(p []byte, off int64) (int, error) {
	n, err := d.f.ReadAt(p, off)
	if i := d.off - off; i >= 0 && i < int64(n) {
		p[i] ^= 0xff
	}
	return n, err
}

// shortWrite is a pack file whose next WriteAt writes only part of the
// record and then fails, as a disk that fills mid-append does.
type shortWrite struct {
	*os.File
}

func (s shortWrite) WriteAt(b []byte, off int64) (int, error) {
	n, err := s.File.WriteAt(b[:len(b)/2], off)
	if err != nil {
		return n, err
	}
	return n, syscall.ENOSPC
}

// TestPackWriterCutsBackAPartialWrite checks that an append that wrote
// part of its record before failing is cut back: the pack ends at its
// last whole record, and a reader finds the runs before it and no other.
func TestPackWriterCutsBackAPartialWrite(t *testing.T) {
	for _, created := range []bool{true, false} {
		name := "pack written before"
		if created {
			name = "pack created by the writer"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := packPath(dir, PackName(""))
			r1, r2 := mkRun("r1", 0.5, "a.csv", "1\n"), mkRun("r2", 0.25, "a.csv", "2\n")
			if !created {
				writePack(t, dir, PackName(""), r1)
			}
			runs := openRuns(t, dir)
			w := openWriter(t, runs, PackName(""))
			if created {
				appendRuns(t, w, r1)
			}
			size := fileSize(t, path)
			good := w.f
			w.f = shortWrite{good.(*os.File)}
			var b RecordBuf
			build(t, &b, r2)
			if err := w.Append(&b); !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Append: %v, want ENOSPC", err)
			}
			w.f = good
			if got := fileSize(t, path); got != size {
				t.Errorf("pack of %d bytes after the failed append, %d before: the partial record stayed", got, size)
			}
			w.Close()
			runs.Close()
			again := openRuns(t, dir)
			defer again.Close()
			checkRun(t, again, r1)
			if again.Finished("r2") {
				t.Error("r2 is indexed after its append failed")
			}
		})
	}
}
