package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
)

func TestNPYRoundTrip(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
	}{
		{"a single value", 1, 1},
		{"a wide matrix", 3, 70},
		{"an empty matrix", 0, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := make([]float32, tt.rows*tt.cols)
			for i := range data {
				data[i] = float32(i)*0.5 - 3
			}
			path := filepath.Join(t.TempDir(), "f.npy")
			if err := WriteNPY(path, data, tt.rows, tt.cols); err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(path)
			if hl := int(raw[8]) | int(raw[9])<<8; (10+hl)%64 != 0 {
				t.Errorf("data starts at byte %d, want a multiple of 64", 10+hl)
			}
			got, r, c, err := ReadNPY(path)
			if err != nil {
				t.Fatal(err)
			}
			if r != tt.rows || c != tt.cols || (len(data) > 0 && !reflect.DeepEqual(got, data)) {
				t.Errorf("read back %d×%d %v", r, c, got)
			}
		})
	}
}

func TestReadNPYRejectsTruncatedFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.npy")
	if err := WriteNPY(path, []float32{1, 2, 3, 4}, 2, 2); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	os.WriteFile(path, raw[:len(raw)-2], 0o644)
	if _, _, _, err := ReadNPY(path); err == nil {
		t.Error("a truncated file was accepted")
	}
}

func TestLockAllowsOneWriterOrManyShards(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir, ""); err == nil {
		t.Error("a second unsharded writer got the lock")
	}
	if _, err := Lock(dir, "0-of-2"); err == nil {
		t.Error("a shard got the lock beside an unsharded writer")
	}
	unlock()
	u0, err := Lock(dir, "0-of-2")
	if err != nil {
		t.Fatal(err)
	}
	defer u0()
	u1, err := Lock(dir, "1-of-2")
	if err != nil {
		t.Errorf("a second, different shard was refused: %v", err)
	} else {
		defer u1()
	}
	if _, err := Lock(dir, "0-of-2"); err == nil {
		t.Error("a twin of a running shard got the lock")
	}
	if _, err := Lock(dir, ""); err == nil {
		t.Error("an unsharded writer got the lock beside shards")
	}
}

// TestLockSharedRunsBesideShardsNotBesideARun checks the lock of the
// commands that write a study's own files from its runs (report, merge).
func TestLockSharedRunsBesideShardsNotBesideARun(t *testing.T) {
	for _, tc := range []struct {
		name   string
		holder func(dir string) (func(), error)
		ok     bool
	}{
		{"beside an unsharded run", func(dir string) (func(), error) { return Lock(dir, "") }, false},
		{"beside a shard", func(dir string) (func(), error) { return Lock(dir, "0-of-2") }, true},
		{"beside another report", LockShared, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			unlock, err := tc.holder(dir)
			if err != nil {
				t.Fatal(err)
			}
			u, err := LockShared(dir)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrLocked)) {
				t.Errorf("LockShared: %v, want it granted: %v", err, tc.ok)
			}
			if err == nil {
				if _, err := Lock(dir, ""); !errors.Is(err, ErrLocked) {
					t.Errorf("an unsharded run beside a report: %v, want ErrLocked", err)
				}
				u()
			}
			unlock()
		})
	}
}

// TestPublishKeepsTheOldFolderWhenTheNewOneFails checks that replacing a
// run folder never loses both: when the new folder cannot be renamed into
// place, the old one is put back whole.
func TestPublishKeepsTheOldFolderWhenTheNewOneFails(t *testing.T) {
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("the second rename fails: %v", fail), func(t *testing.T) {
			parent := t.TempDir()
			dst, tmp := filepath.Join(parent, "run"), filepath.Join(parent, ".run.tmp")
			for dir, content := range map[string]string{dst: "old", tmp: "new"} {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "f"), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if fail {
				rename = func(string, string) error { return syscall.EIO }
				defer func() { rename = os.Rename }()
			}
			err := publish(dst, "run", tmp)
			if (err != nil) != fail {
				t.Fatalf("publish: %v", err)
			}
			want := "new"
			if fail {
				want = "old"
			}
			if b, err := os.ReadFile(filepath.Join(dst, "f")); err != nil || string(b) != want {
				t.Errorf("the run folder holds %q (%v), want %q", b, err, want)
			}
			if _, err := os.Stat(tmp + ".old"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the old folder's temporary name is left: %v", err)
			}
		})
	}
}
