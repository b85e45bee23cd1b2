package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fuzzBase returns a folder for the fuzz inputs' files: in memory where
// there is a tmpfs, else f.TempDir. Every input costs a few fsyncs (a
// pack writer's cut and Close, an atomic write): on a disk file system
// that makes fuzzing crawl.
func fuzzBase(f *testing.F, name string) string {
	base := f.TempDir()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if shm, err := os.MkdirTemp("/dev/shm", name); err == nil {
			base = shm
			f.Cleanup(func() { os.RemoveAll(shm) })
		}
	}
	return base
}

// FuzzReadManifest reads arbitrary bytes as manifest.jsonl: no panic, an
// accepted manifest holds one entry per non-blank line, and writing the
// entries and reading them back is stable.
func FuzzReadManifest(f *testing.F) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range []Entry{
		{ID: "a1", Index: 0, Name: "seed=1", Values: []KV{{"seed", "1"}}, Factors: []KV{{"seed", "1"}}, Config: json.RawMessage(`{"seed":1,"lr":0.001}`)},
		{ID: "b2", Index: 1, Name: "optimizer=sgd lr=0.1", Values: []KV{{"optimizer", "sgd"}, {"lr", "0.1"}}, Factors: []KV{{"optimizer+lr", "sgd+0.1"}}},
	} {
		if err := enc.Encode(&e); err != nil {
			f.Fatal(err)
		}
	}
	valid := buf.Bytes()
	f.Add(valid)
	f.Add([]byte{})
	f.Add([]byte("\n \n\t\r\n"))
	f.Add(append([]byte("\r\n"), bytes.ReplaceAll(valid, []byte("\n"), []byte("\r\n\n"))...))
	f.Add(valid[:len(valid)-5])
	f.Add([]byte(`{"id":"x","index":"1"}`))
	f.Add([]byte(`{"id":"x"} {"id":"y"}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte("null\n{}\n"))
	f.Add([]byte(`{"id":"\xff\u00e9","config":  { "a" : [1, 2] } }`))
	base := fuzzBase(f, "FuzzReadManifest")
	f.Fuzz(func(t *testing.T, data []byte) {
		dir, err := os.MkdirTemp(base, "")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		entries, err := ReadManifest(dir)
		if err != nil {
			if entries != nil {
				t.Fatalf("entries %+v with error %v", entries, err)
			}
			return
		}
		lines := 0
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				if !json.Valid(l) {
					t.Fatalf("accepted invalid JSON line %q", l)
				}
				lines++
			}
		}
		if len(entries) != lines {
			t.Fatalf("%d entries from %d lines", len(entries), lines)
		}
		// Write, read, write, read: the first write normalises (compact
		// config, valid UTF-8); after it nothing may change.
		again := entries
		var prev []Entry
		for range 2 {
			if err := WriteManifest(dir, again); err != nil {
				t.Fatalf("WriteManifest of read entries: %v", err)
			}
			prev = again
			if again, err = ReadManifest(dir); err != nil {
				t.Fatalf("ReadManifest of written entries: %v", err)
			}
			if len(again) != len(entries) {
				t.Fatalf("%d entries written, %d read back", len(entries), len(again))
			}
		}
		if !reflect.DeepEqual(again, prev) {
			t.Fatalf("manifest round trip changed\n%+v\nto\n%+v", prev, again)
		}
	})
}

// signRecord ends body, a record's indented JSON, with the checksum line
// as Commit writes it; a body not ending in "\n}" is returned unchanged.
func signRecord(body []byte) []byte {
	if !bytes.HasSuffix(body, []byte("\n}")) {
		return body
	}
	out := append(bytes.Clone(body[:len(body)-2]), ",\n  \"checksum\": \""...)
	out = append(out, crcHex(body)...)
	return append(out, "\"\n}\n"...)
}

// FuzzVerify writes arbitrary bytes as the metrics.json of a run folder
// holding two files, with the checksum line added when sign is set (so
// that inputs get past the checksum), and verifies the folder: no panic,
// every error wraps ErrCorrupt (the folder exists and is readable), and
// an accepted record is what the file holds and lists only files that
// are in the folder with the size and CRC-32C it records.
func FuzzVerify(f *testing.F) {
	files := map[string][]byte{"a.csv": []byte("hello, world\n"), "b.npy": bytes.Repeat([]byte{7}, 1000)}
	sums := []FileSum{
		{Name: "a.csv", Size: 13, CRC32C: crcHex(files["a.csv"])},
		{Name: "b.npy", Size: 1000, CRC32C: crcHex(files["b.npy"])},
	}
	rec := &Record{ID: "r1", Name: "seed=1", Status: StatusOK, TestAccuracy: 0.5, Loss: []float64{1, 0.25}, Files: sums}
	body, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		f.Fatal(err)
	}
	signed, err := encodeRecord(rec)
	if err != nil {
		f.Fatal(err)
	}
	legacy, err := json.MarshalIndent(&Record{ID: "r1", Status: StatusOK}, "", "  ")
	if err != nil {
		f.Fatal(err)
	}
	with := func(fs ...FileSum) []byte {
		r := *rec
		r.Files = fs
		b, err := json.MarshalIndent(&r, "", "  ")
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(body, true)
	f.Add(signed, false)
	f.Add(append(legacy, '\n'), false)
	f.Add(bytes.Replace(signed, []byte("0.5"), []byte("0.6"), 1), false)
	f.Add(bytes.Replace(signed, []byte(`"checksum"`), []byte(`"checksun"`), 1), false)
	f.Add([]byte{}, false)
	f.Add([]byte("null"), false)
	f.Add([]byte("{\n}"), true)
	f.Add([]byte("{\"files\": []\n}"), true)
	f.Add(with(FileSum{Name: "a.csv", Size: 12, CRC32C: sums[0].CRC32C}), true)
	f.Add(with(FileSum{Name: "c.csv", Size: 0, CRC32C: "00000000"}), true)
	f.Add(with(FileSum{Name: "../r1/a.csv", Size: 13, CRC32C: sums[0].CRC32C}), true)
	f.Add(with(FileSum{Name: MetricsFile}), true)
	f.Add(with(FileSum{Name: "."}), true)
	f.Add(with(FileSum{Name: ".."}), true)
	f.Add(with(FileSum{Name: ""}), true)
	f.Add(with(FileSum{Name: strings.Repeat("\xff", 256)}), true)
	f.Add(with(FileSum{Name: "a\x00.csv"}), true)
	base := fuzzBase(f, "FuzzVerify")
	f.Fuzz(func(t *testing.T, data []byte, sign bool) {
		dir, err := os.MkdirTemp(base, "")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		run := RunPath(dir, "r1")
		if err := os.MkdirAll(run, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(run, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		raw := data
		if sign {
			raw = signRecord(data)
		}
		if err := os.WriteFile(filepath.Join(run, MetricsFile), raw, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := Verify(dir, "r1")
		if err != nil {
			if got != nil {
				t.Fatalf("record %+v with error %v", got, err)
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		var want Record
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("accepted a metrics.json that is not JSON: %v", err)
		}
		if !reflect.DeepEqual(got, &want) {
			t.Fatalf("Verify read %+v, the file holds %+v", got, &want)
		}
		if checksumLine().Match(raw) {
			if got := crcHex(append(bytes.Clone(raw[:bytes.LastIndex(raw, []byte(",\n  \"checksum\""))]), "\n}"...)); !bytes.Contains(raw, []byte(got)) {
				t.Fatalf("accepted a metrics.json whose checksum is not %s", got)
			}
		} else if got.Files != nil || bytes.Contains(raw, []byte(`"checksum"`)) {
			t.Fatalf("accepted a metrics.json listing files or a checksum without the checksum line")
		}
		for _, fsum := range got.Files {
			b, ok := files[fsum.Name]
			if !ok {
				t.Fatalf("accepted file %q, which the folder does not hold", fsum.Name)
			}
			if fsum.Size != int64(len(b)) || fsum.CRC32C != crcHex(b) {
				t.Fatalf("accepted %+v for a file of %d bytes, CRC-32C %s", fsum, len(b), crcHex(b))
			}
		}
	})
}
