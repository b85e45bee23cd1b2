package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/study-harness/study/study/store"
)

// lockedMsg is the message of a refused second writer.
const lockedMsg = "another study process is writing this results folder"

// flockFile takes a flock on path from the test process, which to study is
// another process holding the lock.
func flockFile(t *testing.T, path string, mode int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := syscall.Flock(int(f.Fd()), mode|syscall.LOCK_NB); err != nil {
		t.Fatalf("flock %s: %v", path, err)
	}
}

// TestLockHeldByAnotherProcess holds the locks a running study would hold
// and checks which second runs are refused. Holding them from the test is
// deterministic: no race with a study that finishes too soon.
func TestLockHeldByAnotherProcess(t *testing.T) {
	for _, tc := range []struct {
		name   string
		held   string // "run" (unsharded) or "shard 0/3"
		args   []string
		refuse bool
	}{
		{"a second unsharded run is refused while one runs", "run", nil, true},
		{"a shard is refused while an unsharded run runs", "run", []string{"--shard", "1/3"}, true},
		{"an unsharded run is refused while a shard runs", "shard 0/3", nil, true},
		{"a twin of a running shard is refused", "shard 0/3", []string{"--shard", "0/3"}, true},
		{"another shard runs beside a running shard", "shard 0/3", []string{"--shard", "1/3"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			dir := filepath.Join(tmp, "quick")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.held == "run" {
				flockFile(t, filepath.Join(dir, ".lock"), syscall.LOCK_EX)
			} else {
				flockFile(t, filepath.Join(dir, ".lock"), syscall.LOCK_SH)
				flockFile(t, filepath.Join(dir, ".lock-shard-0-of-3"), syscall.LOCK_EX)
			}
			r := runStudy(t, tmp, append([]string{"run", quickSpec(), "--results", tmp}, tc.args...)...)
			if !tc.refuse {
				if r.code != 0 {
					t.Fatalf("exit %d, want 0:\n%s", r.code, r.stderr)
				}
				return
			}
			if r.code == 0 || !strings.Contains(r.stderr, lockedMsg) || !strings.Contains(r.stderr, dir) {
				t.Errorf("exit %d, stderr %q: want a non-zero exit and %q naming %s", r.code, r.stderr, lockedMsg, dir)
			}
			if exists(filepath.Join(dir, store.ManifestFile)) || exists(filepath.Join(dir, store.RunsDir)) {
				t.Errorf("the refused run wrote into %s", dir)
			}
		})
	}
}

// TestSecondRunFailsAtOnce starts a real, long study and a second one on
// the same folder: the second fails at once, the first goes on, and
// SIGTERM (what Slurm's --signal and Kubernetes send before a kill) then
// stops the first with exit 130 and the runs it finished kept.
func TestSecondRunFailsAtOnce(t *testing.T) {
	tmp := t.TempDir()
	spec := writeFile(t, tmp, "crash.yaml", strings.Replace(crashSpec, "epochs: 30", "epochs: 300", 1))
	dir := filepath.Join(tmp, "crash")
	first := exec.Command(studyBin, "run", spec, "--results", tmp, "--workers", "1")
	first.Dir = tmp
	var firstErr bytes.Buffer
	first.Stderr = &firstErr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	defer func() {
		first.Process.Kill()
		<-done
	}()
	// The manifest is written once the lock is held.
	for !exists(filepath.Join(dir, store.ManifestFile)) {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("the first run ended before writing its manifest: %v\n%s", err, firstErr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	r := runStudy(t, tmp, "run", spec, "--results", tmp)
	if r.code == 0 || !strings.Contains(r.stderr, lockedMsg) {
		t.Errorf("second run: exit %d, stderr %q; want non-zero and %q", r.code, r.stderr, lockedMsg)
	}
	select {
	case err := <-done:
		done <- err
		t.Skipf("the first run finished before the second was refused (%v); the machine is too fast for this spec", err)
	default:
	}
	first.Process.Signal(syscall.SIGTERM)
	err := <-done
	done <- err
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 130 {
		t.Errorf("first run after SIGTERM: %v, want exit 130\n%s", err, firstErr.String())
	}
	checkIntact(t, dir, false)
}

// TestShardsMatchUnshardedRun runs sweeps/quick.yaml as three shards at
// once into one folder, merges, and wants predictions.csv and metrics.json
// byte-identical to an unsharded run's.
func TestShardsMatchUnshardedRun(t *testing.T) {
	ref := quickReference(t)
	tmp := t.TempDir()
	var cmds []*exec.Cmd
	var errs []*bytes.Buffer
	for _, s := range []string{"0/3", "1/3", "2/3"} {
		cmd := exec.Command(studyBin, "run", quickSpec(), "--shard", s, "--results", tmp, "--workers", "1")
		cmd.Dir = tmp
		var e bytes.Buffer
		cmd.Stderr = &e
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, errs = append(cmds, cmd), append(errs, &e)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("shard %d/3: %v\n%s", i, err, errs[i])
		}
	}
	if t.Failed() {
		return
	}
	dir := filepath.Join(tmp, "quick")
	if exists(filepath.Join(dir, store.MetricsFile)) {
		t.Errorf("a shard wrote metrics.json; shards should leave that to merge")
	}
	mustRun(t, tmp, "merge", dir)
	checkIntact(t, dir, true)
	sameOutputs(t, dir, ref)
}
