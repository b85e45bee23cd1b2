package store

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// syncBatch flushes the whole filesystem of the results folder with one
// syncfs(2), which covers every file and folder of the batch.
func syncBatch(dir string, folders []string) error {
	runs := filepath.Join(dir, RunsDir)
	f, err := os.Open(runs)
	if err != nil {
		return fmt.Errorf("sync %s: %w", runs, err)
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("sync %s: %w", runs, err)
	}
	return nil
}
