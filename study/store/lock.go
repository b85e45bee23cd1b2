package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ErrLocked is returned by Lock when another process holds the folder.
var ErrLocked = errors.New("another study process is writing this results folder")

// Lock takes the results folder's writer lock, so that two `study run`
// processes never write one folder at once. Shards are the exception: a
// process running shard "I/N" takes the folder lock shared and its shard's
// own lock exclusively, so any number of different shards run together but
// never beside an unsharded run or a twin of the same shard. shard is ""
// for an unsharded run. Locks are flocks: they go when the process exits,
// however it exits. Call unlock to release them earlier.
func Lock(dir, shard string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	mode := syscall.LOCK_EX
	if shard != "" {
		mode = syscall.LOCK_SH
	}
	main, err := flock(filepath.Join(dir, ".lock"), mode)
	if err != nil {
		return nil, err
	}
	if shard == "" {
		return func() { main.Close() }, nil
	}
	sh, err := flock(filepath.Join(dir, ".lock-shard-"+shard), syscall.LOCK_EX)
	if err != nil {
		main.Close()
		return nil, err
	}
	return func() { sh.Close(); main.Close() }, nil
}

// LockShared takes the results folder's lock shared, without a shard
// lock: for a command that writes the study-level files (predictions.csv,
// metrics.json, the report) from the stored runs, such as study report
// and study merge. It runs beside shards and beside other such commands,
// whose files it writes atomically as they do, but never beside an
// unsharded study run, which holds the lock exclusively through its own
// report (and cleans up temporary files it alone may own).
func LockShared(dir string) (unlock func(), err error) {
	main, err := flock(filepath.Join(dir, ".lock"), syscall.LOCK_SH)
	if err != nil {
		return nil, err
	}
	return func() { main.Close() }, nil
}

func flock(path string, mode int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), mode|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", filepath.Dir(path), ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}
