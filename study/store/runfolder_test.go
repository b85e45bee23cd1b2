package store

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestVerify(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(run string) error
		wantErr error
	}{
		{"an intact folder verifies", func(string) error { return nil }, nil},
		{"a truncated file is corrupt", func(run string) error {
			return os.Truncate(filepath.Join(run, "a.csv"), 3)
		}, ErrCorrupt},
		{"a missing file is corrupt", func(run string) error {
			return os.Remove(filepath.Join(run, "b.npy"))
		}, ErrCorrupt},
		{"a changed byte of the same size is corrupt", func(run string) error {
			return os.WriteFile(filepath.Join(run, "a.csv"), []byte("hellO, world\n"), 0o644)
		}, ErrCorrupt},
		{"an edited metrics.json is corrupt", func(run string) error {
			return edit(filepath.Join(run, MetricsFile), `"test_accuracy": 0.5`, `"test_accuracy": 0.6`)
		}, ErrCorrupt},
		{"a metrics.json without its checksum line is corrupt", func(run string) error {
			return edit(filepath.Join(run, MetricsFile), `"checksum"`, `"checksun"`)
		}, ErrCorrupt},
		{"an empty metrics.json is corrupt", func(run string) error {
			return os.WriteFile(filepath.Join(run, MetricsFile), nil, 0o644)
		}, ErrCorrupt},
		{"a missing metrics.json is not finished", func(run string) error {
			return os.Remove(filepath.Join(run, MetricsFile))
		}, fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			w, err := NewRunWriter(dir, "r1")
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WriteFile("a.csv", []byte("hello, world\n")); err != nil {
				t.Fatal(err)
			}
			if err := w.WriteFile("b.npy", bytes.Repeat([]byte{7}, 1000)); err != nil {
				t.Fatal(err)
			}
			rec := &Record{ID: "r1", Name: "seed=1", Status: StatusOK, TestAccuracy: 0.5, Loss: []float64{1, 0.25}}
			if err := w.Commit(rec); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(w.Dir()); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("temporary folder left after Commit: %v", err)
			}
			if err := tt.damage(RunPath(dir, "r1")); err != nil {
				t.Fatal(err)
			}
			got, err := Verify(dir, "r1")
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Verify: %v, want %v", err, tt.wantErr)
			}
			if err == nil && (got.TestAccuracy != 0.5 || len(got.Files) != 2) {
				t.Errorf("Verify read %+v", got)
			}
		})
	}
}

func TestVerifyTrustsLegacyRecords(t *testing.T) {
	dir := t.TempDir()
	run := RunPath(dir, "old")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(filepath.Join(run, MetricsFile), &Record{ID: "old", Status: StatusOK}); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(dir, "old"); err != nil {
		t.Errorf("Verify of a record written without checksum: %v", err)
	}
}

func edit(path, old, new string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte(old)) {
		return errors.New(path + ": no " + old)
	}
	return os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644)
}
