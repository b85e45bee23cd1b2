package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/study-harness/study/study/store"
)

// TestSignalDuringTheReportStageStopsAtOnce runs a finished study again
// with a build of study that, once training is over, reads a named pipe
// to its end before its report stage, and signals it there: it must exit
// 130 at once, say nothing of storing runs, and leave the previous report
// and metrics as they were. Before, the first Ctrl-C was only noted at
// that stage ("storing the runs that finished"), and the report went on
// to exit 0; SIGHUP killed study without a word. The test waits on the
// pipe and on study's stderr, never on time.
func TestSignalDuringTheReportStageStopsAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pause")
	bin := filepath.Join(t.TempDir(), "study-pause")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X main.testPauseBeforeReport="+fifo, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			if sig == syscall.SIGHUP && signal.Ignored(sig) {
				t.Skip("SIGHUP is ignored here (nohup), and so by study")
			}
			tmp := t.TempDir()
			spec := writeFile(t, tmp, "a.yaml", tinySpec("[1, 2]"))
			dir := filepath.Join(tmp, "tiny")
			mustRun(t, tmp, "run", spec, "--results", tmp)
			files := []string{store.ReportFile, store.MetricsFile, store.PredictionsFile}
			before := readAll(t, dir, files...)

			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
			defer os.Remove(fifo)
			cmd := exec.Command(bin, "run", spec, "--results", tmp)
			cmd.Dir = tmp
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := make(chan string)
			var all strings.Builder
			go func() {
				defer close(lines)
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					lines <- sc.Text()
				}
			}()
			// Opening the pipe for writing returns once study has opened
			// it for reading: training is over, the report not begun.
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatal(err)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			// Let study go on only once it has handled the signal (or
			// exited): a study that goes on to its report then fails.
			for line := range lines {
				all.WriteString(line + "\n")
				if strings.Contains(line, "interrupted") {
					break
				}
			}
			w.Close()
			for line := range lines {
				all.WriteString(line + "\n")
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Errorf("study run signalled (%v) at its report stage: %v, want exit 130\nstderr:\n%s", sig, err, all.String())
			}
			if strings.Contains(all.String(), "storing the runs that finished") {
				t.Errorf("stderr says it stores runs at the report stage:\n%s", all.String())
			}
			for n, b := range readAll(t, dir, files...) {
				if !bytes.Equal(b, before[n]) {
					t.Errorf("%s changed: the report stage went on", n)
				}
			}
			checkIntact(t, dir, true)
		})
	}
}
