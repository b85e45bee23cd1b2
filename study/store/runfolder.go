package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
)

// ErrCorrupt is wrapped by the errors of Verify for a run folder whose
// files do not match what its metrics.json records: a folder published
// but not yet synced when the power failed, or edited by hand. The engine
// removes such a folder and trains the run again.
var ErrCorrupt = errors.New("run record is incomplete or corrupt")

// FileSum is the size and CRC-32C (Castagnoli) of one file of a run
// folder, as recorded in the run's metrics.json.
type FileSum struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	CRC32C string `json:"crc32c"` // 8 lowercase hex digits
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func crcHex(b []byte) string {
	return fmt.Sprintf("%08x", crc32.Checksum(b, castagnoli))
}

// RunWriter writes the files of one run into a fresh temporary folder
// beside the run folders, then publishes the folder by one rename
// (Commit): the run folder layout that study used before packs, which
// Verify checks and `study extract` writes. Files are written directly,
// without per-file renames or fsyncs: nothing in a temporary folder is
// ever trusted, and the rename publishes the whole folder at once.
// Durability against power loss is the caller's; Verify detects a folder
// whose files did not all reach the disk.
type RunWriter struct {
	parent, id, tmp string
	files           []FileSum
}

// NewRunWriter makes the temporary folder of run id under results folder
// dir; Commit publishes it as dir/runs/<id>.
func NewRunWriter(dir, id string) (*RunWriter, error) {
	if err := os.MkdirAll(filepath.Join(dir, RunsDir), 0o755); err != nil {
		return nil, fmt.Errorf("run %s: %w", id, err)
	}
	return NewFolderWriter(filepath.Join(dir, RunsDir), id)
}

// NewFolderWriter makes the temporary folder of run id in folder parent,
// which must exist; Commit publishes it as parent/<id>.
func NewFolderWriter(parent, id string) (*RunWriter, error) {
	if id == "" || filepath.Base(id) != id || id == "." || id == ".." {
		return nil, fmt.Errorf("run id %q is not a plain folder name", id)
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-"+id+"-")
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", id, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("run %s: %w", id, err)
	}
	return &RunWriter{parent: parent, id: id, tmp: tmp}, nil
}

// Dir returns the temporary folder.
func (w *RunWriter) Dir() string { return w.tmp }

// WriteFile writes data as file name of the run and records its size and
// checksum for metrics.json.
func (w *RunWriter) WriteFile(name string, data []byte) error {
	if !folderFileName(name) {
		return fmt.Errorf("run %s: %q is not a plain run file name", w.id, name)
	}
	if err := createFile(filepath.Join(w.tmp, name), data); err != nil {
		return err
	}
	w.files = append(w.files, FileSum{Name: name, Size: int64(len(data)), CRC32C: crcHex(data)})
	return nil
}

// maxFileName is the longest file name, in bytes, that Linux and macOS
// file systems take.
const maxFileName = 255

// folderFileName reports whether name can be a file of a run folder other
// than metrics.json. Verify takes a record listing any other name as
// damaged, rather than passing the file system's refusal on as an I/O error.
func folderFileName(name string) bool {
	return name != MetricsFile && len(name) <= maxFileName && plainName(name)
}

// WriteJSON writes v as indented JSON to file name of the run.
func (w *RunWriter) WriteJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Join(w.tmp, name), err)
	}
	return w.WriteFile(name, append(b, '\n'))
}

// Commit sets rec.Files to the files written so far, writes metrics.json
// last, with a checksum of its own content, and renames the folder into
// place as runs/<id>, replacing an older folder of the same id. It syncs
// nothing. On error the temporary folder is removed.
func (w *RunWriter) Commit(rec *Record) (err error) {
	defer func() {
		if err != nil {
			w.Abort()
		}
	}()
	rec.Files = append([]FileSum(nil), w.files...)
	b, err := encodeRecord(rec)
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Join(w.tmp, MetricsFile), err)
	}
	if err := createFile(filepath.Join(w.tmp, MetricsFile), b); err != nil {
		return err
	}
	return publish(filepath.Join(w.parent, w.id), w.id, w.tmp)
}

// Abort removes the temporary folder.
func (w *RunWriter) Abort() { os.RemoveAll(w.tmp) }

// The checksum line that ends a metrics.json written by Commit. The CRC
// covers the file with this line cut out and "\n}" put back, which is the
// record's JSON without the checksum.
var checksumLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`,\n  "checksum": "([0-9a-f]{8})"\n}\n$`) })

// encodeRecord returns rec as indented JSON with a last field, checksum,
// holding the CRC-32C of the JSON without that field.
func encodeRecord(rec *Record) ([]byte, error) {
	body, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, err
	}
	sum := crcHex(body)
	out := append(body[:len(body)-2:len(body)-2], ",\n  \"checksum\": \""...)
	out = append(out, sum...)
	return append(out, "\"\n}\n"...), nil
}

// Verify reads the metrics.json of run id and checks the folder against
// it: the checksum of metrics.json itself and the size and CRC-32C of
// every file it lists. It returns an error wrapping fs.ErrNotExist when
// the run has no metrics.json, and one wrapping ErrCorrupt when anything
// does not match. A metrics.json without checksum, written before study
// recorded checksums (always with fsync), is trusted as it is.
func Verify(dir, id string) (*Record, error) {
	run := RunPath(dir, id)
	path := filepath.Join(run, MetricsFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrCorrupt, err)
	}
	loc := checksumLine().FindSubmatchIndex(raw)
	if loc == nil {
		if rec.Files != nil || bytes.Contains(raw, []byte(`"checksum"`)) {
			return nil, fmt.Errorf("%s: %w: checksum line missing or malformed", path, ErrCorrupt)
		}
		return &rec, nil // legacy
	}
	want := string(raw[loc[2]:loc[3]])
	body := append(raw[:loc[0]:loc[0]], "\n}"...)
	if got := crcHex(body); got != want {
		return nil, fmt.Errorf("%s: %w: checksum %s, recorded %s", path, ErrCorrupt, got, want)
	}
	for _, f := range rec.Files {
		if !folderFileName(f.Name) { // WriteFile writes no other name
			return nil, fmt.Errorf("%s: %w: bad file name %q", path, ErrCorrupt, f.Name)
		}
		p := filepath.Join(run, f.Name)
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w: file missing", p, ErrCorrupt)
		}
		if err == nil && !st.Mode().IsRegular() { // ".", "..", a folder: never written by Commit
			return nil, fmt.Errorf("%s: %w: not a regular file", p, ErrCorrupt)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if int64(len(b)) != f.Size {
			return nil, fmt.Errorf("%s: %w: %d bytes, recorded %s", p, ErrCorrupt, len(b), strconv.FormatInt(f.Size, 10))
		}
		if got := crcHex(b); got != f.CRC32C {
			return nil, fmt.Errorf("%s: %w: CRC-32C %s, recorded %s", p, ErrCorrupt, got, f.CRC32C)
		}
	}
	return &rec, nil
}
