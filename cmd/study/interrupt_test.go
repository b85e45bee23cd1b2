package main

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
)

// TestInterruptStopsOtherCommandsAtOnce starts `study analyze` on a named
// pipe, so that it blocks reading its input for as long as the test
// wants, and interrupts it: it must exit 130 at once, having written
// nothing. (Opening the pipe for writing returns only once study has
// opened it, past its signal set-up, so no timing is involved.)
func TestInterruptStopsOtherCommandsAtOnce(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			if sig == syscall.SIGHUP && signal.Ignored(sig) {
				t.Skip("SIGHUP is ignored here (nohup), and so by study")
			}
			tmp := t.TempDir()
			fifo := filepath.Join(tmp, "pred.csv")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
			out := filepath.Join(tmp, "out")
			cmd := exec.Command(studyBin, "analyze", fifo, "--out", out)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.WriteString("model,instance,label,pred,p0,p1\n"); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Errorf("analyze after %v: %v, want exit 130", sig, err)
			}
			if exists(out) {
				t.Errorf("analyze interrupted before reading its input wrote %s", out)
			}
		})
	}
}
