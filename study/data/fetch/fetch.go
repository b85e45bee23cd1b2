// Package fetch downloads the datasets that study cannot embed
// (`study data fetch NAME`) into the data folder that study/data reads
// (data.DataDir, $STUDY_DATA).
//
// A fetch goes in steps:
//
//  1. If the dataset's folder already holds all its files, stop.
//  2. Download each file into DIR/.download/NAME/FILE.part, resuming a
//     partial file with an HTTP Range request and retrying a failed or
//     short transfer, with a progress bar.
//  3. Verify each download against its pins (size, MD5, SHA-256; for a
//     gzip file also the size and SHA-256 of its content). A mismatch
//     deletes the download: a corrupt file is never used, nor resumed.
//  4. Build the dataset folder under a temporary name (copying the files,
//     or unpacking only the expected members of an archive), then rename
//     it into place, so that a folder that exists is complete.
//
// Nothing is fetched at build or test time: the tests serve small archives
// from a local httptest server.
package fetch

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Pin is what a file must be; zero fields are not checked.
type Pin struct {
	Size   int64  // bytes
	MD5    string // lower-case hex
	SHA256 string // lower-case hex
}

// File is one file to download.
type File struct {
	Name string // the file's name in the dataset folder (or the archive's name)
	URL  string
	Pin  Pin // of the bytes downloaded
	// Content, when set, pins the gunzipped bytes of a gzip file: a
	// mirror may recompress a file (Debian's gzip files differ from
	// Zalando's) while its content is the same.
	Content *Pin
}

// Dataset is a downloadable dataset: either Files copied into its folder
// as they are, or one tar.gz Archive of which only Members are unpacked.
type Dataset struct {
	Name    string // the folder under the data folder, the name of `study data fetch NAME`
	Files   []File
	Archive *File
	// Members are the archive paths to unpack; each lands in the folder
	// under its base name. Other members are skipped.
	Members []string
	Source  string // where the data come from and its licence, for the user
}

// Want returns the names of the files the dataset folder holds when
// complete.
func (d Dataset) Want() []string {
	if d.Archive != nil {
		out := make([]string, len(d.Members))
		for i, m := range d.Members {
			out[i] = path.Base(m)
		}
		return out
	}
	out := make([]string, len(d.Files))
	for i, f := range d.Files {
		out[i] = f.Name
	}
	return out
}

// ChecksumError is a download that does not match its pin. The download
// has been deleted.
type ChecksumError struct {
	File      string
	What      string // "size", "MD5", "SHA-256", "content size", "content SHA-256"
	Got, Want string
}

// Error names the file, the check and both values.
func (e *ChecksumError) Error() string {
	return fmt.Sprintf("%s: %s is %s, want %s; the download is corrupt or not the expected file and was deleted", e.File, e.What, e.Got, e.Want)
}

// Fetcher downloads datasets. The zero value retries 4 times with a
// growing pause and shows no progress bar.
type Fetcher struct {
	Client   *http.Client // nil: http.DefaultClient
	Progress io.Writer    // where the progress bar goes; nil: none
	Retries  int          // extra attempts after a failed transfer; 0: 4
	// Sleep pauses between attempts (tests make it return at once); nil:
	// time.Sleep of attempt seconds, cut short when ctx ends.
	Sleep func(ctx context.Context, attempt int)
}

// Fetch makes root/d.Name hold d's files and returns that folder. It does
// nothing when the folder is already complete.
func (f *Fetcher) Fetch(ctx context.Context, root string, d Dataset) (string, error) {
	if root == "" {
		return "", errors.New("fetch: no data folder: set $STUDY_DATA")
	}
	dst := filepath.Join(root, d.Name)
	if complete(dst, d.Want()) {
		return dst, nil
	}
	dl := filepath.Join(root, ".download", d.Name)
	if err := os.MkdirAll(dl, 0o755); err != nil {
		return "", err
	}
	files := d.Files
	if d.Archive != nil {
		files = []File{*d.Archive}
	}
	for _, file := range files {
		if err := f.download(ctx, file, filepath.Join(dl, file.Name)); err != nil {
			return "", err
		}
	}
	tmp, err := os.MkdirTemp(root, "."+d.Name+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if d.Archive != nil {
		err = unpack(filepath.Join(dl, d.Archive.Name), tmp, d.Members)
	} else {
		for _, file := range d.Files {
			if err = os.Rename(filepath.Join(dl, file.Name), filepath.Join(tmp, file.Name)); err != nil {
				break
			}
		}
	}
	if err != nil {
		return "", err
	}
	// An incomplete folder (say, made by hand) is replaced whole.
	if err := os.RemoveAll(dst); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return "", err
	}
	os.RemoveAll(dl)
	return dst, nil
}

// complete reports whether dir holds every one of names as a regular file.
func complete(dir string, names []string) bool {
	for _, n := range names {
		fi, err := os.Stat(filepath.Join(dir, n))
		if err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// download makes dst a verified copy of file: a verified dst is kept,
// otherwise dst.part is fetched (resumed when it exists) and verified,
// then renamed to dst.
func (f *Fetcher) download(ctx context.Context, file File, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		if verify(dst, file) == nil {
			return nil
		}
		os.Remove(dst)
	}
	part := dst + ".part"
	retries := f.Retries
	if retries == 0 {
		retries = 4
	}
	var err error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			f.sleep(ctx, attempt)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var retry bool
		retry, err = f.get(ctx, file, part)
		if err == nil {
			break
		}
		if !retry {
			return err
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %d attempts failed, the last with: %w (run the command again to resume)", file.URL, retries+1, err)
	}
	if err := verify(part, file); err != nil {
		os.Remove(part)
		return err
	}
	return os.Rename(part, dst)
}

// get fetches the rest of file into part. It reports whether a failure is
// worth retrying.
func (f *Fetcher) get(ctx context.Context, file File, part string) (retry bool, err error) {
	have := int64(0)
	if fi, err := os.Stat(part); err == nil {
		have = fi.Size()
	}
	if file.Pin.Size > 0 && have > file.Pin.Size {
		os.Remove(part) // longer than the file can be: start over
		have = 0
	}
	if file.Pin.Size > 0 && have == file.Pin.Size {
		return false, nil // complete; verify decides
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, file.URL, nil)
	if err != nil {
		return false, err
	}
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return ctx.Err() == nil, err
	}
	defer resp.Body.Close()
	flags := os.O_WRONLY | os.O_CREATE
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0 && strings.HasPrefix(resp.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-", have)):
		flags |= os.O_APPEND
	case resp.StatusCode == http.StatusOK:
		flags |= os.O_TRUNC // the server ignored the range: start over
		have = 0
	case resp.StatusCode == http.StatusPartialContent:
		// A range other than the one asked for: start over.
		os.Remove(part)
		return true, fmt.Errorf("GET %s: the server sent range %q, not bytes %d-", file.URL, resp.Header.Get("Content-Range"), have)
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && have > 0:
		return false, nil // nothing more to get; verify decides
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return true, fmt.Errorf("GET %s: %s", file.URL, resp.Status)
	default:
		return false, fmt.Errorf("GET %s: %s", file.URL, resp.Status)
	}
	out, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return false, err
	}
	total := file.Pin.Size
	if total == 0 && resp.ContentLength >= 0 {
		total = have + resp.ContentLength
	}
	var w io.Writer = out
	if f.Progress != nil {
		bar := progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(f.Progress),
			progressbar.OptionSetDescription(file.Name),
			progressbar.OptionShowBytes(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(f.Progress) }))
		bar.Set64(have)
		w = io.MultiWriter(out, bar)
	}
	n, err := io.Copy(w, resp.Body)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ctx.Err() == nil, err
	}
	if resp.ContentLength >= 0 && n < resp.ContentLength {
		return true, fmt.Errorf("GET %s: %w after %d of %d bytes", file.URL, io.ErrUnexpectedEOF, n, resp.ContentLength)
	}
	return false, nil
}

func (f *Fetcher) sleep(ctx context.Context, attempt int) {
	if f.Sleep != nil {
		f.Sleep(ctx, attempt)
		return
	}
	t := time.NewTimer(time.Duration(attempt) * time.Second)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// verify checks the file at p against file's pins.
func verify(p string, file File) error {
	got, err := digest(p, false)
	if err != nil {
		return err
	}
	if err := got.match(file.Name, "", file.Pin); err != nil {
		return err
	}
	if file.Content == nil {
		return nil
	}
	got, err = digest(p, true)
	if err != nil {
		return fmt.Errorf("%s: %w", file.Name, err)
	}
	return got.match(file.Name, "content ", *file.Content)
}

// digest returns the size, MD5 and SHA-256 of the file at p, of its
// gunzipped content when gunzip is set.
func digest(p string, gunzip bool) (Pin, error) {
	fh, err := os.Open(p)
	if err != nil {
		return Pin{}, err
	}
	defer fh.Close()
	var r io.Reader = fh
	if gunzip {
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return Pin{}, err
		}
		r = zr
	}
	m, s := md5.New(), sha256.New()
	n, err := io.Copy(io.MultiWriter(m, s), r)
	if err != nil {
		return Pin{}, err
	}
	hexs := func(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
	return Pin{Size: n, MD5: hexs(m), SHA256: hexs(s)}, nil
}

// match compares got with the pinned fields of want.
func (got Pin) match(name, prefix string, want Pin) error {
	switch {
	case want.Size > 0 && got.Size != want.Size:
		return &ChecksumError{File: name, What: prefix + "size", Got: strconv.FormatInt(got.Size, 10), Want: strconv.FormatInt(want.Size, 10)}
	case want.MD5 != "" && got.MD5 != want.MD5:
		return &ChecksumError{File: name, What: prefix + "MD5", Got: got.MD5, Want: want.MD5}
	case want.SHA256 != "" && got.SHA256 != want.SHA256:
		return &ChecksumError{File: name, What: prefix + "SHA-256", Got: got.SHA256, Want: want.SHA256}
	}
	return nil
}

// maxMember caps the size of one unpacked member.
const maxMember = 1 << 30

// unpack writes the members of the tar.gz archive at p into dir under
// their base names. Only regular files named in members are written;
// every one of them must be there once.
func unpack(p, dir string, members []string) error {
	fh, err := os.Open(p)
	if err != nil {
		return err
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(p), err)
	}
	tr := tar.NewReader(zr)
	done := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(p), err)
		}
		if !slices.Contains(members, h.Name) {
			continue
		}
		if h.Typeflag != tar.TypeReg || done[h.Name] || h.Size > maxMember {
			return fmt.Errorf("%s: member %s is not a regular file of at most %d bytes, or appears twice", filepath.Base(p), h.Name, maxMember)
		}
		done[h.Name] = true
		out, err := os.Create(filepath.Join(dir, path.Base(h.Name)))
		if err != nil {
			return err
		}
		_, err = io.Copy(out, io.LimitReader(tr, maxMember))
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", filepath.Base(p), h.Name, err)
		}
	}
	for _, m := range members {
		if !done[m] {
			return fmt.Errorf("%s: member %s is missing", filepath.Base(p), m)
		}
	}
	return nil
}
