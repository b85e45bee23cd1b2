package study

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// notWritable are the errors of a path that cannot be made a folder or
// written into: the user's input, not the machine's trouble.
var notWritable = []error{
	syscall.ENOTDIR, fs.ErrExist, fs.ErrPermission, fs.ErrNotExist,
	syscall.EROFS, syscall.ENAMETOOLONG, syscall.ELOOP, syscall.EINVAL,
}

// outDirError returns err, the result of creating folder dir given by
// flag, as bad input naming the flag when the path cannot be a writable
// folder (a file in the way, a read-only file system, no permission, a
// parent that cannot hold folders such as /proc). When err is nil it
// writes and removes a probe file, so that a folder that exists but may
// not be written is refused before any work rather than after it.
func outDirError(flag, dir string, err error) error {
	if err == nil {
		var f *os.File
		if f, err = os.CreateTemp(dir, ".probe-*"); err == nil {
			f.Close()
			return os.Remove(f.Name())
		}
	}
	for _, e := range notWritable {
		if errors.Is(err, e) {
			return &InputError{fmt.Errorf("%s %s: cannot write there: %w", flag, dir, err)}
		}
	}
	return err
}
