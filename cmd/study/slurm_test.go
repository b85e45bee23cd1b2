package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// slurmReady reports whether a Slurm cluster answers. With STUDY_SLURM=1
// (as in CI, after testdata/start-slurm.sh) a missing cluster is a failure,
// otherwise a reason to skip.
func slurmReady(t *testing.T) {
	t.Helper()
	need := os.Getenv("STUDY_SLURM") == "1"
	miss := func(format string, args ...any) {
		t.Helper()
		if need {
			t.Fatalf("STUDY_SLURM=1 but "+format, args...)
		}
		t.Skipf("no Slurm cluster ("+format+"); start one with cmd/study/testdata/start-slurm.sh and set STUDY_SLURM=1", args...)
	}
	for _, tool := range []string{"sbatch", "squeue", "sinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			miss("%s is not on PATH", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "sinfo", "-h", "-o", "%T").CombinedOutput()
	if err != nil || !regexp.MustCompile(`idle|mix|alloc|compl`).Match(out) {
		miss("sinfo: %v: %s", err, strings.TrimSpace(string(out)))
	}
}

// TestSlurmArrayMatchesLocalRun exports sweeps/quick.yaml as a 3-task job
// array, submits it to the local Slurm cluster, waits for it, merges, and
// wants predictions.csv and metrics.json byte-identical to a local
// unsharded run's.
func TestSlurmArrayMatchesLocalRun(t *testing.T) {
	slurmReady(t)
	ref := quickReference(t)
	tmp := t.TempDir()
	src, err := os.ReadFile(quickSpec())
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, tmp, "quick.yaml", string(src))
	exp := mustRun(t, tmp, "export", "slurm", "quick.yaml", "--shards", "3", "--parallel", "2",
		"--study", studyBin, "--time", "10:00", "--output", "logs/%x-%A_%a.out")
	writeFile(t, tmp, "job.sbatch", exp.stdout)
	if err := os.Mkdir(filepath.Join(tmp, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}

	sub := exec.Command("sbatch", "--parsable", "job.sbatch")
	sub.Dir = tmp
	out, err := sub.CombinedOutput()
	if err != nil {
		t.Fatalf("sbatch: %v\n%s", err, out)
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
	t.Logf("submitted job array %s", id)

	// The job is waited for as long as the test may run (go test
	// -timeout); a job still queued then is cancelled so that it does not
	// outlive the test. No time limit of its own is asserted.
	t.Cleanup(func() { exec.Command("scancel", id).Run() })
	for {
		q, err := exec.Command("squeue", "-h", "-j", id, "-o", "%i %T").CombinedOutput()
		if strings.TrimSpace(string(q)) == "" || (err != nil && strings.Contains(string(q), "Invalid job id")) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}

	logs, _ := filepath.Glob(filepath.Join(tmp, "logs", "*.out"))
	if len(logs) != 3 {
		t.Errorf("%d task logs, want 3: %v", len(logs), logs)
	}
	dumpLogs := func() {
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			t.Logf("%s:\n%s", filepath.Base(l), b)
		}
	}
	dir := filepath.Join(tmp, "results", "quick")
	if got := checkIntact(t, dir, true); got != 12 {
		dumpLogs()
		t.Fatalf("%d runs finished, want 12", got)
	}
	mustRun(t, tmp, "merge", "results/quick")
	sameOutputs(t, dir, ref)
	if t.Failed() {
		dumpLogs()
	}
}
