package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/study-harness/study/study/atomic"
)

// A pack is an append-only file of run records, runs/<name>.pack, written
// by one process: every finished run of an unsharded study goes into
// runs/all.pack, and shard I/N writes runs/shard-I-of-N.pack. A record
// holds all the files of one run (metrics.json, predictions.bin,
// features.npy, ...) and is appended with one write(2), so that a run
// costs no file creation at all: on most file systems creating a file
// costs more than training a small model, and on cluster file systems
// (NFS, Lustre) far more.
//
// Record layout (integers little-endian):
//
//	[0:4]    magic "SRN1"
//	[4:12]   generation, uint64: 1 + the highest generation in the
//	         results folder when the writing process opened its pack, then
//	         counting up; the newest record of a run wins
//	[12:20]  payload length, uint64
//	[20:24]  CRC-32C (Castagnoli) of the payload
//	[24:28]  CRC-32C of bytes [0:24]
//	payload  uint16 length + run id, then for each file: uint16 length +
//	         name, uint64 length + content
//
// A torn record (a crash or power loss while appending, a full disk) is
// detected by its header checksum or a length past the end of the file.
// Reading skips it to the next whole header (a damaged block in the
// middle costs only the records it holds); at the end of the file, the
// writer cuts it when it next opens the pack. A span that no interrupted
// append leaves is damage (Damage), named to every reader. Those runs are trained
// again. A record whose payload does not match its checksum is never
// trusted either (ErrCorrupt).
const (
	PackSuffix    = ".pack"
	packMagic     = "SRN1"
	packHeaderLen = 28
	// MaxPackName is the longest run id or file name a record holds.
	MaxPackName = 1<<16 - 1
)

// PackName returns the pack file name for a shard name ("" for an
// unsharded study; "I-of-N" otherwise).
func PackName(shard string) string {
	if shard == "" {
		return "all" + PackSuffix
	}
	return "shard-" + shard + PackSuffix
}

// RecordBuf builds one pack record in a reusable buffer: Reset with the
// run's id, then AddFile or AppendFile for each file and AddRecord for
// metrics.json; PackWriter.Append seals and writes it.
type RecordBuf struct {
	b     []byte
	id    string
	names []string // files added so far
}

// Reset starts a record of run id in b's buffer.
func (b *RecordBuf) Reset(id string) error {
	if len(id) == 0 || len(id) > MaxPackName || !utf8.ValidString(id) {
		return fmt.Errorf("run id %q: want 1 to %d bytes of UTF-8", id, MaxPackName)
	}
	b.id, b.names = id, b.names[:0]
	b.b = append(b.b[:0], make([]byte, packHeaderLen)...)
	b.b = binary.LittleEndian.AppendUint16(b.b, uint16(len(id)))
	b.b = append(b.b, id...)
	return nil
}

// AppendFile adds file name, whose content fill appends to the buffer it
// is given.
func (b *RecordBuf) AppendFile(name string, fill func(dst []byte) ([]byte, error)) error {
	if !plainName(name) {
		return fmt.Errorf("run %s: %q is not a plain run file name", b.id, name)
	}
	if slices.Contains(b.names, name) {
		return fmt.Errorf("run %s: file %s added twice", b.id, name)
	}
	mark := len(b.b)
	b.b = binary.LittleEndian.AppendUint16(b.b, uint16(len(name)))
	b.b = append(b.b, name...)
	at := len(b.b)
	b.b = append(b.b, make([]byte, 8)...)
	out, err := fill(b.b)
	if err != nil {
		b.b = b.b[:mark]
		return err
	}
	b.b = out
	binary.LittleEndian.PutUint64(b.b[at:], uint64(len(b.b)-at-8))
	b.names = append(b.names, name)
	return nil
}

// plainName reports whether name can name a file of a run: one path
// element, not "." or "..", no NUL, at most MaxPackName bytes.
func plainName(name string) bool {
	return len(name) > 0 && len(name) <= MaxPackName && name != "." && name != ".." &&
		filepath.Base(name) == name && !strings.ContainsRune(name, 0)
}

// AddFile adds file name with content data.
func (b *RecordBuf) AddFile(name string, data []byte) error {
	return b.AppendFile(name, func(dst []byte) ([]byte, error) { return append(dst, data...), nil })
}

// AddRecord adds metrics.json: rec as indented JSON. In a pack the
// record's checksum covers every file, so rec.Files stays empty.
func (b *RecordBuf) AddRecord(rec *Record) error {
	return b.AppendFile(MetricsFile, func(dst []byte) ([]byte, error) {
		j, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			return dst, fmt.Errorf("encode %s of run %s: %w", MetricsFile, b.id, err)
		}
		return append(append(dst, j...), '\n'), nil
	})
}

// Cap returns the capacity of b's buffer.
func (b *RecordBuf) Cap() int { return cap(b.b) }

// seal writes the header for generation gen and returns the record.
func (b *RecordBuf) seal(gen uint64) []byte {
	h := b.b[:packHeaderLen]
	copy(h, packMagic)
	binary.LittleEndian.PutUint64(h[4:], gen)
	binary.LittleEndian.PutUint64(h[12:], uint64(len(b.b)-packHeaderLen))
	binary.LittleEndian.PutUint32(h[20:], crc32.Checksum(b.b[packHeaderLen:], castagnoli))
	binary.LittleEndian.PutUint32(h[24:], crc32.Checksum(h[:24], castagnoli))
	return b.b
}

// packHeader is a decoded record header.
type packHeader struct {
	gen, n uint64
	crc    uint32
}

// parseHeader decodes a record header; ok is false when it is not one
// (wrong magic or checksum).
func parseHeader(h []byte) (packHeader, bool) {
	if len(h) < packHeaderLen || string(h[:4]) != packMagic ||
		crc32.Checksum(h[:24], castagnoli) != binary.LittleEndian.Uint32(h[24:]) {
		return packHeader{}, false
	}
	return packHeader{
		gen: binary.LittleEndian.Uint64(h[4:]),
		n:   binary.LittleEndian.Uint64(h[12:]),
		crc: binary.LittleEndian.Uint32(h[20:]),
	}, true
}

// PackFile is one file of a run read from a pack record.
type PackFile struct {
	Name string
	Data []byte
}

// parsePayload splits a record payload (already checked against its
// CRC) into the run id and its files. Content slices alias payload.
func parsePayload(p []byte) (id string, files []PackFile, err error) {
	str := func() (string, bool) {
		if len(p) < 2 {
			return "", false
		}
		n := int(binary.LittleEndian.Uint16(p))
		if len(p) < 2+n {
			return "", false
		}
		s := string(p[2 : 2+n])
		p = p[2+n:]
		return s, true
	}
	id, ok := str()
	if !ok || id == "" {
		return "", nil, errors.New("bad run id")
	}
	for len(p) > 0 {
		name, ok := str()
		if !ok || !plainName(name) {
			return "", nil, fmt.Errorf("bad file name %q", name)
		}
		if len(p) < 8 {
			return "", nil, fmt.Errorf("file %s: length missing", name)
		}
		n := binary.LittleEndian.Uint64(p)
		p = p[8:]
		if n > uint64(len(p)) {
			return "", nil, fmt.Errorf("file %s: %d bytes, %d left in the record", name, n, len(p))
		}
		for _, f := range files {
			if f.Name == name {
				return "", nil, fmt.Errorf("file %s twice", name)
			}
		}
		files = append(files, PackFile{name, p[:n:n]})
		p = p[n:]
	}
	return id, files, nil
}

// packLoc is where a run's record is: a pack file (index into
// Runs.packs) and offset, or (pack < 0) a run folder of the older layout.
type packLoc struct {
	pack int
	off  int64
	gen  uint64
}

// scanPack indexes the records of a pack file from its start, calling
// add for each, and returns the end of the last whole record: what
// follows it is a torn record or garbage. Damage before it (a span that
// is not a whole record) is skipped to the next whole header. It reads each header and run id
// only; payload checksums are checked when a record is read. A whole
// record (its header checked) whose run id cannot be read is a corrupt
// payload, not a torn end: it is skipped, not indexed, and the records
// after it still count.
//
// damage, when not nil, is called with every span that is neither a
// whole record nor a torn end (tornTail): a span skipped before a whole
// record, a whole record whose run id cannot be read, and an end that no
// interrupted append leaves.
//
// A failed read is an error, never taken for the end of the records: the
// writer of the pack cuts it at the end returned, and a read that failed
// (an I/O error, a network file system timing out, a file shorter than
// size) says nothing about the records after it.
func scanPack(f io.ReaderAt, size int64, add func(id string, off int64, h packHeader), damage func(off, n int64, why string)) (int64, error) {
	if damage == nil {
		damage = func(int64, int64, string) {}
	}
	// One read a record: the header and an id of up to 98 bytes (run ids
	// have 16); a longer id takes a second read.
	var buf [128]byte
	var long []byte
	off, end := int64(0), int64(0)
	for off < size {
		want := min(int64(len(buf)), size-off)
		n, err := f.ReadAt(buf[:want], off)
		if int64(n) < want {
			return 0, readErr(err, off)
		}
		h, ok := parseHeader(buf[:n])
		if !ok || h.n > uint64(size-off-packHeaderLen) {
			// Damage, or a torn tail. Records further on (a damaged
			// block in the middle of the pack) still count; the whole
			// records end before the damage when there are none.
			why := "not a record: no record header"
			switch {
			case ok:
				why = fmt.Sprintf("a record header whose length, %d bytes, runs past the end of the file", h.n)
			case n >= len(packMagic) && string(buf[:len(packMagic)]) == packMagic:
				why = "a record header whose checksum fails"
			}
			next, err := findHeader(f, off+1, size)
			if err != nil {
				return 0, err
			}
			if next < 0 {
				torn, err := tornTail(f, off, size, buf[:n], ok)
				if err != nil {
					return 0, err
				}
				if !torn {
					damage(off, size-off, why)
				}
				return end, nil
			}
			damage(off, next-off, why)
			off = next
			continue
		}
		if h.n < 2 {
			damage(off, packHeaderLen+int64(h.n), "a whole record header over a payload too short for a run id")
		} else {
			idLen := int(binary.LittleEndian.Uint16(buf[packHeaderLen:]))
			switch {
			case idLen == 0 || uint64(2+idLen) > h.n:
				// not indexed: a corrupt payload under a whole header
				damage(off, packHeaderLen+int64(h.n), "a whole record header over a payload whose run id cannot be read")
			case packHeaderLen+2+idLen <= n:
				add(string(buf[packHeaderLen+2:packHeaderLen+2+idLen]), off, h)
			default:
				long = slices.Grow(long[:0], idLen)[:idLen]
				if n, err := f.ReadAt(long, off+packHeaderLen+2); n < idLen {
					return 0, readErr(err, off+packHeaderLen+2)
				}
				add(string(long), off, h)
			}
		}
		off += packHeaderLen + int64(h.n)
		end = off
	}
	return end, nil
}

// tornTail reports whether the end of a pack from off, whose first bytes
// are head (header: they are a whole header), is what an interrupted
// append leaves: a prefix of a header (its magic, or less), a whole
// header whose record runs past the end of the file, or zeros (a power
// loss after the file grew, before its data reached the disk). Anything
// else is damage.
func tornTail(f io.ReaderAt, off, size int64, head []byte, header bool) (bool, error) {
	if header {
		return true, nil
	}
	if n := min(len(head), len(packMagic)); size-off < packHeaderLen && string(head[:n]) == packMagic[:n] {
		return true, nil
	}
	buf := make([]byte, min(64<<10, size-off))
	for pos := off; pos < size; pos += int64(len(buf)) {
		b := buf[:min(int64(len(buf)), size-pos)]
		if n, err := f.ReadAt(b, pos); n < len(b) {
			return false, readErr(err, pos)
		}
		for _, c := range b {
			if c != 0 {
				return false, nil
			}
		}
	}
	return true, nil
}

// Damage is a span of a pack that holds no whole, verifiable record: not
// a torn end (which the next writer of the pack cuts, see tornTail) but
// bytes damaged or replaced after they were written. The runs whose
// records it held, if any, are unknown: their records cannot be read.
type Damage struct {
	Pack     string // the pack file
	Off, Len int64  // the span
	Why      string
}

func (d Damage) String() string {
	return fmt.Sprintf("%s: %d bytes at offset %d: %s", d.Pack, d.Len, d.Off, d.Why)
}

// readErr is the error of a read at off that returned too few bytes.
func readErr(err error, off int64) error {
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF // the file is shorter than it was
	}
	return fmt.Errorf("read at offset %d: %w", off, err)
}

// findHeader returns the offset of the first whole record header at or
// after from (its magic, its checksum and a length that fits in the file),
// or -1. A false match needs the 4-byte magic and a 32-bit checksum to
// agree by chance. A failed read is an error, as in scanPack.
func findHeader(f io.ReaderAt, from, size int64) (int64, error) {
	const chunk = 64 << 10
	buf := make([]byte, chunk+len(packMagic)-1)
	var hb [packHeaderLen]byte
	for pos := from; pos+packHeaderLen <= size; pos += chunk {
		want := min(int64(len(buf)), size-pos)
		n, err := f.ReadAt(buf[:want], pos)
		if int64(n) < want {
			return 0, readErr(err, pos)
		}
		for i := 0; ; {
			j := bytes.Index(buf[i:n], []byte(packMagic))
			if j < 0 {
				break
			}
			at := pos + int64(i+j)
			if at+packHeaderLen > size {
				return -1, nil
			}
			if n, err := f.ReadAt(hb[:], at); n < len(hb) {
				return 0, readErr(err, at)
			}
			if h, ok := parseHeader(hb[:]); ok && h.n <= uint64(size-at-packHeaderLen) {
				return at, nil
			}
			i += j + 1
		}
	}
	return -1, nil
}

// Runs is the finished runs of a results folder: the records of every
// pack under runs/ and the run folders of the older layout (runs/<id>/),
// indexed by run id. When a run has several records (trained again with
// --force or --retry-failed, or after a corrupt record), the newest
// whole one counts. Runs is safe for concurrent use; Close it when done.
type Runs struct {
	dir string

	mu    sync.Mutex
	packs []*os.File
	names []string
	ends  []int64              // end of each pack's last whole record when indexed
	locs  map[string][]packLoc // oldest first
	gen   uint64               // highest generation seen
	// damage holds the damaged spans of the packs (scanPack), in pack
	// and offset order.
	damage []Damage
}

// OpenRuns indexes the finished runs of results folder dir. A folder
// with no runs yet gives an empty index.
func OpenRuns(dir string) (*Runs, error) {
	r := &Runs{dir: dir, locs: map[string][]packLoc{}}
	ents, err := os.ReadDir(filepath.Join(dir, RunsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	for _, e := range ents { // folders first: they are older than any pack
		if e.IsDir() && !isTemp(e.Name()) {
			if _, err := os.Stat(filepath.Join(dir, RunsDir, e.Name(), MetricsFile)); err == nil {
				r.locs[e.Name()] = append(r.locs[e.Name()], packLoc{pack: -1})
			}
		}
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), PackSuffix) {
			continue
		}
		if !e.Type().IsRegular() {
			// A folder or a device where a pack is expected: an error,
			// never taken for "no runs", nor left for a writer to trip on.
			path := filepath.Join(dir, RunsDir, e.Name())
			if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
				r.Close()
				what := "not a regular file"
				if err == nil && st.IsDir() {
					what = "a folder"
				} else if err != nil {
					what = err.Error()
				}
				return nil, fmt.Errorf("%s: %s where a pack of run records is expected; move it out of %s", path, what, filepath.Join(dir, RunsDir))
			}
		}
		f, err := os.Open(filepath.Join(dir, RunsDir, e.Name()))
		if err != nil {
			r.Close()
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			r.Close()
			return nil, err
		}
		if err := r.addPack(f, e.Name(), st.Size()); err != nil {
			r.Close()
			return nil, fmt.Errorf("index %s: %w", f.Name(), err)
		}
	}
	return r, nil
}

// addPack indexes pack f, which r then owns (closes), whether or not it
// could be read. The caller holds mu or owns r alone.
func (r *Runs) addPack(f *os.File, name string, size int64) error {
	k := len(r.packs)
	r.packs = append(r.packs, f)
	r.names = append(r.names, name)
	end, err := r.scan(k, f, size)
	r.ends = append(r.ends, end)
	return err
}

// scan indexes pack k, file f of size bytes, noting its records and its
// damage; the caller holds mu or owns r alone.
func (r *Runs) scan(k int, f io.ReaderAt, size int64) (int64, error) {
	path := filepath.Join(r.dir, RunsDir, r.names[k])
	return scanPack(f, size, func(id string, off int64, h packHeader) {
		r.note(id, packLoc{pack: k, off: off, gen: h.gen})
	}, func(off, n int64, why string) {
		r.damage = append(r.damage, Damage{Pack: path, Off: off, Len: n, Why: why})
	})
}

// Damage returns the damaged spans of the packs: bytes that hold no
// whole, verifiable record and are not a torn end. The runs they held
// read as not finished; study run cuts them out (Repair).
func (r *Runs) Damage() []Damage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.damage)
}

// note adds a record location, keeping each run's list in age order
// (generation, then pack order, then offset: later is newer).
func (r *Runs) note(id string, l packLoc) {
	ls := append(r.locs[id], l)
	slices.SortStableFunc(ls, func(a, b packLoc) int {
		if a.pack < 0 || b.pack < 0 {
			return cmp.Compare(a.pack, b.pack)
		}
		if a.gen != b.gen {
			return cmp.Compare(a.gen, b.gen)
		}
		return cmp.Compare(a.pack, b.pack)
	})
	r.locs[id] = ls
	r.gen = max(r.gen, l.gen)
}

// Close closes the pack files.
func (r *Runs) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	for _, f := range r.packs {
		if f != nil {
			err = errors.Join(err, f.Close())
		}
	}
	r.packs = nil
	return err
}

var errRunsClosed = errors.New("store: Runs used after Close")

// Finished reports whether run id has a record (whole or not: Get tells).
func (r *Runs) Finished(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.locs[id]) > 0
}

// IDs returns the ids of the runs with a record, sorted.
func (r *Runs) IDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.locs))
	for id := range r.locs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Location returns where the newest record of run id is: the pack file
// and the offset and length of the record in it (header included), or,
// for a run folder of the older layout, the folder and zeros. It returns
// an error wrapping fs.ErrNotExist when the run has no record.
func (r *Runs) Location(id string) (path string, off, n int64, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ls := r.locs[id]
	if len(ls) == 0 {
		return "", 0, 0, fmt.Errorf("run %s: %w", id, fs.ErrNotExist)
	}
	l := ls[len(ls)-1]
	if l.pack < 0 {
		return RunPath(r.dir, id), 0, 0, nil
	}
	if r.packs == nil {
		return "", 0, 0, errRunsClosed
	}
	var hb [packHeaderLen]byte
	if _, err := r.packs[l.pack].ReadAt(hb[:], l.off); err != nil {
		return "", 0, 0, err
	}
	h, ok := parseHeader(hb[:])
	if !ok {
		return "", 0, 0, fmt.Errorf("run %s: %w: bad record header", id, ErrCorrupt)
	}
	return filepath.Join(r.dir, RunsDir, r.names[l.pack]), l.off, packHeaderLen + int64(h.n), nil
}

// Run is one finished run as stored: its metrics.json record and files.
type Run struct {
	Record *Record
	// Where names the record for messages: runs/<pack>.pack@<offset>/<id>
	// or the run folder.
	Where  string
	files  []PackFile // a pack record's files
	folder string     // a run folder of the older layout
}

// File returns the content of the run's file name; an error wrapping
// fs.ErrNotExist when the run has no such file.
func (s *Run) File(name string) ([]byte, error) {
	if s.folder != "" {
		return os.ReadFile(filepath.Join(s.folder, name))
	}
	for _, f := range s.files {
		if f.Name == name {
			return f.Data, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", s.Path(name), fs.ErrNotExist)
}

// Files returns the names of the run's files other than metrics.json.
func (s *Run) Files() []string {
	var out []string
	if s.folder != "" && s.Record.Files != nil {
		for _, f := range s.Record.Files {
			out = append(out, f.Name)
		}
		return out
	}
	if s.folder != "" { // written before checksums: the folder's files
		ents, _ := os.ReadDir(s.folder)
		for _, e := range ents {
			if e.Type().IsRegular() && e.Name() != MetricsFile && !isTemp(e.Name()) {
				out = append(out, e.Name())
			}
		}
		return out
	}
	for _, f := range s.files {
		if f.Name != MetricsFile {
			out = append(out, f.Name)
		}
	}
	return out
}

// Path names file name of the run in messages.
func (s *Run) Path(name string) string {
	if s.folder != "" {
		return filepath.Join(s.folder, name)
	}
	return s.Where + "/" + name
}

// Get returns the newest whole record of run id, checked: the payload's
// CRC-32C for a pack record, the checksums of metrics.json for a run
// folder (Verify). It returns an error wrapping fs.ErrNotExist when the
// run has no record and one wrapping ErrCorrupt when none of its records
// is whole.
func (r *Runs) Get(id string) (*Run, error) {
	r.mu.Lock()
	ls := slices.Clone(r.locs[id])
	r.mu.Unlock()
	if len(ls) == 0 {
		return nil, fmt.Errorf("run %s: %w", id, fs.ErrNotExist)
	}
	var first error
	for i := len(ls) - 1; i >= 0; i-- {
		s, err := r.read(id, ls[i])
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, ErrCorrupt) {
			return nil, err
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// read reads and checks one record of run id.
func (r *Runs) read(id string, l packLoc) (*Run, error) {
	if l.pack < 0 {
		rec, err := Verify(r.dir, id)
		if err != nil {
			return nil, err
		}
		return &Run{Record: rec, Where: RunPath(r.dir, id), folder: RunPath(r.dir, id)}, nil
	}
	r.mu.Lock()
	if r.packs == nil {
		r.mu.Unlock()
		return nil, errRunsClosed
	}
	f, name := r.packs[l.pack], r.names[l.pack]
	r.mu.Unlock()
	where := fmt.Sprintf("%s@%d/%s", filepath.Join(r.dir, RunsDir, name), l.off, id)
	var hb [packHeaderLen]byte
	if _, err := f.ReadAt(hb[:], l.off); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", where, ErrCorrupt, err)
	}
	h, ok := parseHeader(hb[:])
	if !ok {
		return nil, fmt.Errorf("%s: %w: bad record header", where, ErrCorrupt)
	}
	p := make([]byte, h.n)
	if _, err := f.ReadAt(p, l.off+packHeaderLen); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", where, ErrCorrupt, err)
	}
	if got := crc32.Checksum(p, castagnoli); got != h.crc {
		return nil, fmt.Errorf("%s: %w: CRC-32C %08x, recorded %08x", where, ErrCorrupt, got, h.crc)
	}
	pid, files, err := parsePayload(p)
	if err == nil && pid != id {
		err = fmt.Errorf("record of run %s", pid)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", where, ErrCorrupt, err)
	}
	s := &Run{Where: where, files: files}
	raw, err := s.File(MetricsFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: no %s", where, ErrCorrupt, MetricsFile)
	}
	var rec Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("%s/%s: %w: %w", where, MetricsFile, ErrCorrupt, err)
	}
	if rec.ID != id {
		return nil, fmt.Errorf("%s/%s: %w: record of run %q", where, MetricsFile, ErrCorrupt, rec.ID)
	}
	s.Record = &rec
	return s, nil
}

// PackWriter appends run records to one pack file, runs/<name>.pack,
// which no other process writes (the caller holds the folder's or its
// shard's lock), and indexes them in the Runs it came from, so that a run
// can read a parent trained moments before.
//
// Durability model. Append syncs nothing: a record survives a crash or
// SIGKILL of study at once, since its data is in the kernel's page cache,
// and it survives a power loss once flushed. Appends are flushed in
// batches (group commit): at most SyncInterval after an append, a
// background goroutine fsyncs the pack, and Close always does. A record
// appended but not flushed when the power failed may be torn or lost; the
// next writer cuts a torn tail, and those runs are trained again.
type PackWriter struct {
	runs *Runs
	name string

	mu     sync.Mutex // serialises appends
	f      packFile   // nil until the first Append creates the pack
	own    bool       // f is this writer's own descriptor, closed by Close
	k      int        // index of the pack in runs.packs; -1 before it exists
	size   int64
	gen    uint64
	newDir bool // the pack was created: its folder entry is still to sync
	closed bool

	kick, stop, done chan struct{}
	errMu            sync.Mutex
	err              error // first write or sync error
	syncFailed       bool  // a sync failed: the kernel may have dropped pages
}

// packFile is what a PackWriter does with its pack: an *os.File, which
// tests may wrap to fail a write part way.
type packFile interface {
	WriteAt(b []byte, off int64) (int, error)
	Truncate(size int64) error
	Sync() error
	Close() error
	Name() string
}

// SyncInterval is the longest a PackWriter waits, after an append, before
// it makes the appended records durable.
const SyncInterval = 50 * time.Millisecond

// Writer opens the pack file name under runs/ for appending, after
// cutting any torn record from its end; a pack that does not exist yet is
// created by the first Append, so that a study whose runs are all reused
// writes nothing. Only one PackWriter may be open for a pack, across all
// processes.
func (r *Runs) Writer(name string) (*PackWriter, error) {
	if filepath.Base(name) != name || !strings.HasSuffix(name, PackSuffix) || !plainName(name) {
		return nil, fmt.Errorf("bad pack name %q", name)
	}
	r.mu.Lock()
	k := slices.Index(r.names, name)
	var end int64
	if k >= 0 {
		end = r.ends[k]
	}
	gen := r.gen + 1
	r.mu.Unlock()
	w := &PackWriter{runs: r, name: name, k: k, size: end, gen: gen,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	if k >= 0 { // indexed by OpenRuns, which keeps reading through its own descriptor
		path := filepath.Join(r.dir, RunsDir, name)
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if end < st.Size() {
			if err := f.Truncate(end); err != nil {
				f.Close()
				return nil, fmt.Errorf("cut the torn end of %s: %w", path, err)
			}
			if err := f.Sync(); err != nil {
				f.Close()
				return nil, fmt.Errorf("sync %s: %w", path, err)
			}
			r.mu.Lock() // damage at the end is cut with it
			r.damage = slices.DeleteFunc(r.damage, func(d Damage) bool { return d.Pack == path && d.Off >= end })
			r.mu.Unlock()
		}
		w.f, w.own = f, true
	}
	go w.loop()
	return w, nil
}

// create makes the pack file, empty, and indexes it; w.mu is held.
func (w *PackWriter) create() error {
	runs := filepath.Join(w.runs.dir, RunsDir)
	if err := os.MkdirAll(runs, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(runs, w.name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	w.runs.mu.Lock()
	w.runs.addPack(f, w.name, 0) // size 0: nothing to read, no error
	w.k = len(w.runs.packs) - 1
	w.runs.mu.Unlock()
	w.f, w.own, w.newDir = f, false, true
	return nil
}

// Append writes the record built in b with one write(2) and indexes it.
// After a failed write the file is cut back, so that no torn record
// stays; the first error stops every later Append.
func (w *PackWriter) Append(b *RecordBuf) error {
	if err := w.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("append run %s: pack %s is closed", b.id, w.name)
	}
	if w.f == nil {
		if err := w.create(); err != nil {
			err = fmt.Errorf("create pack: %w", err)
			w.fail(err)
			return err
		}
	}
	rec := b.seal(w.gen)
	off := w.size
	if _, err := w.f.WriteAt(rec, off); err != nil {
		err = fmt.Errorf("write %s: %w", w.f.Name(), err)
		if terr := w.f.Truncate(off); terr != nil {
			err = errors.Join(err, terr)
		}
		w.fail(err)
		return err
	}
	w.size += int64(len(rec))
	w.runs.mu.Lock()
	w.runs.note(b.id, packLoc{pack: w.k, off: off, gen: w.gen})
	w.runs.ends[w.k] = w.size // a later Writer of this pack must not cut it
	w.runs.mu.Unlock()
	w.gen++
	select {
	case w.kick <- struct{}{}:
	default:
	}
	return nil
}

func (w *PackWriter) failSync(err error) {
	w.errMu.Lock()
	w.syncFailed = true
	w.errMu.Unlock()
	w.fail(err)
}

func (w *PackWriter) fail(err error) {
	w.errMu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.errMu.Unlock()
}

// Err returns the first write or sync error so far.
func (w *PackWriter) Err() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

func (w *PackWriter) loop() {
	defer close(w.done)
	t := time.NewTimer(0)
	<-t.C
	for {
		select {
		case <-w.kick:
		case <-w.stop:
			return
		}
		t.Reset(SyncInterval) // let more runs join the batch
		select {
		case <-t.C:
		case <-w.stop:
			return // Close flushes
		}
		w.sync()
	}
}

// sync flushes the pack (and, once, its folder entry). After a failed
// write (a full disk) the records before it are still flushed; after a
// failed sync nothing is tried again, since the kernel may have dropped
// the pages it could not write.
func (w *PackWriter) sync() {
	w.errMu.Lock()
	failed := w.syncFailed
	w.errMu.Unlock()
	if failed {
		return
	}
	w.mu.Lock()
	f, newDir := w.f, w.newDir
	w.mu.Unlock()
	if f == nil {
		return
	}
	if err := f.Sync(); err != nil {
		w.failSync(fmt.Errorf("sync %s: %w", f.Name(), err))
		return
	}
	if newDir { // the pack's own entry in runs/, once
		if err := atomic.SyncDir(filepath.Join(w.runs.dir, RunsDir)); err != nil {
			w.failSync(err)
			return
		}
		w.mu.Lock()
		w.newDir = false
		w.mu.Unlock()
	}
}

// Close flushes the pack, stops the background syncs and closes the
// file for writing; it returns the first write or sync error. The records
// stay readable through the Runs.
func (w *PackWriter) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return w.Err()
	}
	w.closed = true
	w.mu.Unlock()
	close(w.stop)
	<-w.done
	w.sync()
	if w.own {
		if err := w.f.Close(); err != nil {
			w.fail(err)
		}
	}
	return w.Err()
}
