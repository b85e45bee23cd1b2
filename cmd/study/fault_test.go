package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

// TestPermissionErrorStopsTheSweep lets half of sweeps/quick.yaml finish,
// makes runs/ unwritable, and runs the whole grid: the sweep stops with a
// message naming the folder, exits non-zero, and keeps the finished runs;
// once the folder is writable again a rerun completes the study. Root
// ignores permission bits, so as root the folder is made immutable with
// chattr +i instead (skipped where chattr does not work).
func TestPermissionErrorStopsTheSweep(t *testing.T) {
	ref := quickReference(t)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "quick")
	mustRun(t, tmp, "run", quickSpec(), "--results", tmp, "--shard", "0/2")
	half := checkIntact(t, dir, true)
	runsDir := filepath.Join(dir, store.RunsDir)

	lock, unlock := func() error { return os.Chmod(runsDir, 0o500) }, func() { os.Chmod(runsDir, 0o755) }
	if os.Geteuid() == 0 {
		lock = func() error {
			out, err := exec.Command("chattr", "+i", runsDir).CombinedOutput()
			if err != nil {
				t.Skipf("running as root and chattr +i does not work here (%v: %s)", err, out)
			}
			return nil
		}
		unlock = func() { exec.Command("chattr", "-i", runsDir).Run() }
	}
	if err := lock(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock)

	r := runStudy(t, tmp, "run", quickSpec(), "--results", tmp)
	if r.code == 0 {
		t.Fatalf("the sweep succeeded in an unwritable folder:\n%s", r.stdout)
	}
	msg := strings.ToLower(r.stderr)
	if !strings.Contains(msg, "permission denied") && !strings.Contains(msg, "operation not permitted") {
		t.Errorf("stderr %q does not say the write was not permitted", r.stderr)
	}
	if !strings.Contains(r.stderr, runsDir) {
		t.Errorf("stderr %q does not name %s", r.stderr, runsDir)
	}
	noTrace(t, r.stderr)
	if got := checkIntact(t, dir, true); got != half {
		t.Errorf("%d runs finished after the failure, want the %d finished before it", got, half)
	}

	unlock()
	mustRun(t, tmp, "run", quickSpec(), "--results", tmp)
	checkIntact(t, dir, true)
	sameOutputs(t, dir, ref)
}

// TestDiskFullStopsTheSweep runs sweeps/quick.yaml into a tmpfs too small
// for it: the sweep stops with ENOSPC's message, exits non-zero, keeps the
// runs that fit whole and leaves no temporary file; after the tmpfs grows,
// a rerun completes the study with the reference results. It needs root to
// mount, and is skipped where mounting fails.
func TestDiskFullStopsTheSweep(t *testing.T) {
	ref := quickReference(t)
	tmp := t.TempDir()
	mnt := filepath.Join(tmp, "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	// About 4 of the 12 runs fit: each holds ~25 kB of predictions.
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s); run as root to test a full disk", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	dir := filepath.Join(mnt, "quick")

	r := runStudy(t, tmp, "run", quickSpec(), "--results", mnt, "--workers", "1")
	if r.code == 0 {
		t.Fatalf("the sweep succeeded on a full disk:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "no space left on device") {
		t.Errorf("stderr %q does not say the disk is full", r.stderr)
	}
	noTrace(t, r.stderr)
	kept := checkIntact(t, dir, true)
	t.Logf("%d runs fit before the disk filled", kept)
	if kept == 0 {
		t.Errorf("no run was kept; make the tmpfs larger so that the disk fills mid-sweep")
	}

	if out, err := exec.Command("mount", "-o", "remount,size=16m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v: %s", err, out)
	}
	r = mustRun(t, tmp, "run", quickSpec(), "--results", mnt)
	if !strings.Contains(r.stdout, "reused") {
		t.Errorf("stdout %q does not say how many runs were reused", r.stdout)
	}
	checkIntact(t, dir, true)
	sameOutputs(t, dir, ref)
}
