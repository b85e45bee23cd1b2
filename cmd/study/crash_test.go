package main

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crashSpec is a synthetic study of 16 runs that takes a couple of seconds
// on two cores, long enough to be killed at many different moments:
// before the header, between runs, while a run record is being appended,
// during the report.
const crashSpec = `name: crash
seed: 11
dataset: {name: spirals, train: 1500, test: 400, noise: 0.2}
task: binary
fixed:
  epochs: 30
  batch: 32
  widths: [32, 32]
  optimizer: adam
  lr: 0.01
axes:
  arch: [logreg, mlp]
  seed: [1, 2, 3, 4, 5, 6, 7, 8]
`

// killAfter starts study with args in dir, SIGKILLs it after d and waits.
// It reports whether the process was still running when killed.
func killAfter(t *testing.T, dir string, d time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(studyBin, args...)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return false
	case <-time.After(d):
	}
	cmd.Process.Kill()
	<-done
	return true
}

// TestCrashSafety kills `study run` with SIGKILL at random moments spread
// over an uninterrupted run's duration (every other kill over its
// training phase alone, which is short beside the report stage), checks
// after each kill that every published file and run record is whole,
// reruns to completion, and wants predictions.csv and metrics.json
// byte-identical to the uninterrupted run's. The kill delays come from a
// fixed seed, so a failure can be replayed.
func TestCrashSafety(t *testing.T) {
	tmp := t.TempDir()
	spec := writeFile(t, tmp, "crash.yaml", crashSpec)

	refResults := filepath.Join(tmp, "ref")
	start := time.Now()
	mustRun(t, tmp, "run", spec, "--results", refResults)
	span := time.Since(start)
	ref := filepath.Join(refResults, "crash")
	total := checkIntact(t, ref, true)
	// The training phase: from the start to the last run appended to
	// the pack, timed by a run without the report stage.
	start = time.Now()
	mustRun(t, tmp, "run", spec, "--results", filepath.Join(tmp, "train-only"), "--no-report")
	trainSpan := time.Since(start)
	t.Logf("uninterrupted run: %d runs in %v, of which training %v", total, span, trainSpan)

	trials := 20
	if testing.Short() {
		trials = 4
	}
	rng := rand.New(rand.NewPCG(2024, 7))
	var hist []string
	for i := range trials {
		results := filepath.Join(tmp, fmt.Sprintf("trial%02d", i))
		dir := filepath.Join(results, "crash")
		// Spread the kills over the whole run and a little past it, so that
		// some land in the report stage, and every other one over the
		// training phase, so that many land while runs are appended.
		d := time.Duration(rng.Float64() * 1.1 * float64(span))
		if i%2 == 1 {
			d = time.Duration(float64(d) / (1.1 * float64(span)) * float64(trainSpan))
		}
		again := rng.IntN(2) == 0
		d2 := time.Duration(rng.Float64() * 0.6 * float64(span))
		t.Run(fmt.Sprintf("killed after %v, then rerun, gives the uninterrupted results", d.Round(time.Millisecond)), func(t *testing.T) {
			killed := killAfter(t, tmp, d, "run", spec, "--results", results)
			n := checkIntact(t, dir, false)
			note := fmt.Sprintf("%d/%d", n, total)
			if !killed {
				note += " (finished)"
			}
			if again {
				// Kill the resuming process too: the rerun must cope with a
				// folder left by two crashes.
				killAfter(t, tmp, d2, "run", spec, "--results", results)
				n = checkIntact(t, dir, false)
				note += fmt.Sprintf(", then %d/%d", n, total)
			}
			hist = append(hist, note)
			r := mustRun(t, tmp, "run", spec, "--results", results)
			if !strings.Contains(r.stdout, "reused") {
				t.Errorf("the rerun does not say how many runs it reused:\n%s", r.stdout)
			}
			if got := checkIntact(t, dir, true); got != total {
				t.Errorf("%d runs finished after the rerun, want %d", got, total)
			}
			sameOutputs(t, dir, ref)
		})
	}
	t.Logf("runs published when killed: %s", strings.Join(hist, "; "))
}
