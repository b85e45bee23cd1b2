//go:build !unix

package store

import (
	"fmt"
	"os"
)

// createFile writes data to a new file at path.
func createFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
