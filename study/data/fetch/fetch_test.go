package fetch

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/study-harness/study/study/data"
)

// cifarArchive builds a small cifar-10-binary.tar.gz in the real layout:
// the six batches (records recs each, label i mod 10, pixels from the
// record number), batches.meta.txt, a readme that is skipped and a
// member with a path outside the folder that must not be written.
func cifarArchive(t *testing.T, recs int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	add := func(name string, body []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	add("cifar-10-batches-bin/readme.html", []byte("<html></html>"))
	for fi, f := range data.CIFARFiles {
		var body []byte
		for i := range recs {
			rec := make([]byte, 3073)
			rec[0] = byte((fi + i) % 10)
			for p := 1; p < len(rec); p++ {
				rec[p] = byte(fi*31 + i*7 + p)
			}
			body = append(body, rec...)
		}
		add("cifar-10-batches-bin/"+f, body)
	}
	add("cifar-10-batches-bin/batches.meta.txt", []byte("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n"))
	add("../escape.bin", []byte("must not be written"))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pinOf pins all three of size, MD5 and SHA-256 of b.
func pinOf(b []byte) Pin {
	m, s := md5.Sum(b), sha256.Sum256(b)
	return Pin{Size: int64(len(b)), MD5: hex.EncodeToString(m[:]), SHA256: hex.EncodeToString(s[:])}
}

// server serves body at /cifar-10-binary.tar.gz with Range support.
// Each request first goes through fault, which may answer instead
// (returning true). It records the Range header of every request.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	ranges []string
}

func newServer(t *testing.T, body []byte, fault func(n int, w http.ResponseWriter, r *http.Request) bool) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.ranges = append(s.ranges, r.Header.Get("Range"))
		n := len(s.ranges)
		s.mu.Unlock()
		if fault != nil && fault(n, w, r) {
			return
		}
		http.ServeContent(w, r, "a", time.Unix(0, 0), bytes.NewReader(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ranges...)
}

func testDataset(url string, pin Pin) Dataset {
	d := CIFAR10
	a := *d.Archive
	a.URL, a.Pin = url+"/cifar-10-binary.tar.gz", pin
	d.Archive = &a
	return d
}

func noSleep(context.Context, int) {}

func TestFetchCIFAR10(t *testing.T) {
	archive := cifarArchive(t, 3)
	good := pinOf(archive)
	// cutOnce sends the headers and half the body of the first request,
	// then drops the connection.
	cutOnce := func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n > 1 {
			return false
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(archive)))
		w.WriteHeader(http.StatusOK)
		w.Write(archive[:len(archive)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	unavailable := func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		}
		return false
	}
	// wrongRange answers the first request with another range than asked.
	wrongRange := func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n > 1 {
			return false
		}
		w.Header().Set("Content-Range", "bytes 0-99/"+strconv.Itoa(len(archive)))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(archive[:100])
		return true
	}
	truncated := archive[:len(archive)-100]
	for _, tc := range []struct {
		name      string
		body      []byte
		pin       Pin
		fault     func(int, http.ResponseWriter, *http.Request) bool
		partial   []byte // a .part left by an earlier, interrupted fetch
		wantErr   string
		wantRange []string // the Range header of each request
	}{
		{name: "a clean download unpacks the six batches", body: archive, pin: good, wantRange: []string{""}},
		{name: "a dropped connection is resumed with a range request", body: archive, pin: good, fault: cutOnce,
			wantRange: []string{"", "bytes=" + strconv.Itoa(len(archive)/2) + "-"}},
		{name: "a busy server is retried", body: archive, pin: good, fault: unavailable, wantRange: []string{"", "", ""}},
		{name: "a partial file from an earlier run is resumed", body: archive, pin: good, partial: archive[:1000],
			wantRange: []string{"bytes=1000-"}},
		{name: "a range other than the one asked for starts over", body: archive, pin: good, partial: archive[:1000], fault: wrongRange,
			wantRange: []string{"bytes=1000-", ""}},
		{name: "a wrong SHA-256 is refused", body: archive, pin: Pin{Size: good.Size, MD5: good.MD5, SHA256: strings.Repeat("0", 64)}, wantErr: "SHA-256"},
		{name: "a wrong MD5 is refused", body: archive, pin: Pin{Size: good.Size, MD5: strings.Repeat("0", 32), SHA256: good.SHA256}, wantErr: "MD5"},
		{name: "a truncated archive is refused by its size", body: truncated, pin: good, wantErr: "size"},
		{name: "a corrupt partial file is refused, not used", body: archive, pin: good, partial: bytes.Repeat([]byte{0}, 1000), wantErr: "MD5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			srv := newServer(t, tc.body, tc.fault)
			if tc.partial != nil {
				dl := filepath.Join(root, ".download", "cifar10")
				os.MkdirAll(dl, 0o755)
				os.WriteFile(filepath.Join(dl, "cifar-10-binary.tar.gz.part"), tc.partial, 0o644)
			}
			f := &Fetcher{Sleep: noSleep, Retries: 3}
			dir, err := f.Fetch(context.Background(), root, testDataset(srv.URL, tc.pin))
			if tc.wantErr != "" {
				var ce *ChecksumError
				if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v; want a checksum error about %s", err, tc.wantErr)
				}
				if _, err := os.Stat(filepath.Join(root, "cifar10")); err == nil {
					t.Error("a refused download left a dataset folder")
				}
				if _, err := os.Stat(filepath.Join(root, ".download", "cifar10", "cifar-10-binary.tar.gz.part")); err == nil {
					t.Error("a refused download was kept, to be resumed")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := srv.requests(); strings.Join(got, "|") != strings.Join(tc.wantRange, "|") {
				t.Errorf("requests with ranges %q; want %q", got, tc.wantRange)
			}
			checkUnpacked(t, root, dir)
		})
	}
}

// checkUnpacked checks that dir holds the six batches and the meta file
// and nothing else, that nothing escaped, and that study/data reads it.
func checkUnpacked(t *testing.T, root, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := append(append([]string(nil), data.CIFARFiles...), "batches.meta.txt")
	if strings.Join(names, " ") != strings.Join(slices.Sorted(slices.Values(want)), " ") {
		t.Errorf("unpacked %v; want %v", names, want)
	}
	for _, p := range []string{filepath.Join(root, "escape.bin"), filepath.Join(root, "..", "escape.bin"), filepath.Join(dir, "readme.html")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
	set, err := data.Load(data.Spec{Name: "cifar10", Path: dir, NoVal: true}, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	if set.NTrain() != 15 || set.NTest() != 3 || set.Height != 32 || set.Width != 32 || set.Chans != 3 || set.ClassNames[0] != "airplane" {
		t.Errorf("loaded %v, %d×%d×%d", set, set.Height, set.Width, set.Chans)
	}
}

func TestFetchKeepsACompleteFolder(t *testing.T) {
	archive := cifarArchive(t, 2)
	root := t.TempDir()
	srv := newServer(t, archive, nil)
	f := &Fetcher{Sleep: noSleep}
	d := testDataset(srv.URL, pinOf(archive))
	if _, err := f.Fetch(context.Background(), root, d); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Fetch(context.Background(), root, d); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests for two fetches; the second must find the folder complete", n)
	}
	if _, err := os.Stat(filepath.Join(root, ".download", "cifar10")); err == nil {
		t.Error("the download folder was left behind")
	}
}

func TestFetchGzipFilesByContent(t *testing.T) {
	content := []byte("an IDX file's bytes")
	gz := func(level int) []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, level)
		zw.Write(content)
		zw.Close()
		return b.Bytes()
	}
	served := gz(gzip.BestCompression)
	srv := newServer(t, served, nil)
	sum := sha256.Sum256(content)
	for _, tc := range []struct {
		name    string
		content Pin
		wantErr bool
	}{
		{"the content pin holds", Pin{Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:])}, false},
		{"a content of another size is refused", Pin{Size: 1, SHA256: hex.EncodeToString(sum[:])}, true},
		{"a content of another digest is refused", Pin{Size: int64(len(content)), SHA256: strings.Repeat("0", 64)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			d := Dataset{Name: "x", Files: []File{{Name: "a.gz", URL: srv.URL + "/a.gz", Pin: Pin{MD5: pinOf(served).MD5}, Content: &tc.content}}}
			dir, err := (&Fetcher{Sleep: noSleep}).Fetch(context.Background(), root, d)
			if tc.wantErr {
				var ce *ChecksumError
				if !errors.As(err, &ce) {
					t.Fatalf("error %v; want a checksum error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "a.gz")); !bytes.Equal(b, served) {
				t.Error("the file was not stored as served")
			}
		})
	}
}
