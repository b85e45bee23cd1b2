//go:build !linux

package store

// syncBatch fsyncs the batch's files and folders one by one.
func syncBatch(dir string, folders []string) error { return syncFolders(dir, folders) }
