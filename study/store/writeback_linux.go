package store

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing n bytes of f from off
// to disk, without waiting for them (sync_file_range(2) with
// SYNC_FILE_RANGE_WRITE). It is only a hint that shortens the next
// fsync: durability still comes from fsync alone, so its error is of no
// use and is dropped.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
