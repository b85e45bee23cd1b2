package store

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// SyncInterval is the longest a Syncer waits, after a run is published,
// before it makes the published runs durable.
const SyncInterval = 50 * time.Millisecond

// Syncer makes published run folders durable in batches (group commit):
// after Published, a background goroutine waits up to SyncInterval for
// more runs, then flushes them all with one syncfs(2) of the results
// folder's filesystem on Linux (elsewhere, an fsync of each published
// folder's files and folders). Close flushes whatever is left. The first
// error of a sync is kept and returned by Err and Close: a disk that
// cannot store results stops the sweep.
type Syncer struct {
	dir  string
	kick chan struct{}
	stop chan struct{}
	done chan struct{}

	mu      sync.Mutex
	pending []string // folders published since the last sync
	err     error
}

// NewSyncer starts a Syncer for results folder dir.
func NewSyncer(dir string) *Syncer {
	s := &Syncer{dir: dir, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s
}

// Published notes that run id was published and must be made durable.
func (s *Syncer) Published(id string) {
	s.mu.Lock()
	s.pending = append(s.pending, RunPath(s.dir, id))
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Err returns the first sync error so far.
func (s *Syncer) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close stops the background goroutine, syncs what was published since
// the last sync and returns the first sync error.
func (s *Syncer) Close() error {
	close(s.stop)
	<-s.done
	s.flush()
	return s.Err()
}

func (s *Syncer) loop() {
	defer close(s.done)
	t := time.NewTimer(0)
	<-t.C
	for {
		select {
		case <-s.kick:
		case <-s.stop:
			return
		}
		t.Reset(SyncInterval) // let more runs join the batch
		select {
		case <-t.C:
		case <-s.stop:
			return // Close flushes
		}
		s.flush()
	}
}

func (s *Syncer) flush() {
	s.mu.Lock()
	batch := s.pending
	s.pending = nil
	failed := s.err != nil
	s.mu.Unlock()
	if len(batch) == 0 || failed {
		return
	}
	if err := syncBatch(s.dir, batch); err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
}

// syncFolders fsyncs every file of each folder, each folder, and the
// runs folder: the portable way to make a batch durable.
func syncFolders(dir string, folders []string) error {
	for _, d := range folders {
		ents, err := os.ReadDir(d)
		if err != nil {
			return fmt.Errorf("sync %s: %w", d, err)
		}
		for _, e := range ents {
			if err := syncPath(filepath.Join(d, e.Name())); err != nil {
				return err
			}
		}
		if err := syncPath(d); err != nil {
			return err
		}
	}
	return syncPath(filepath.Join(dir, RunsDir))
}

func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
