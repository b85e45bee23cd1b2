package runs

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/study-harness/study/study/store"
)

// Progress is told about the sweep as it goes: Start with the runs in the
// sweep, those reused and how many of these failed, Done with each run
// stored now (trained, failed or skipped), Finish at the end. Done may be
// called from several goroutines at once. Its counts agree with the
// Outcome's.
type Progress interface {
	Start(total, reused, reusedFailed int)
	Done(rec *store.Record)
	Finish()
}

type nopProgress struct{}

func (nopProgress) Start(int, int, int) {}
func (nopProgress) Done(*store.Record)  {}
func (nopProgress) Finish()             {}

// NewProgress returns a live bar (runs done of total, failed and skipped
// runs, ETA) when w is a terminal, and plain log lines otherwise, as in CI.
func NewProgress(w io.Writer, terminal bool) Progress {
	if terminal {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

type lineProgress struct {
	mu                             sync.Mutex
	w                              io.Writer
	total, done, failures, skipped int
	start                          time.Time
}

func (p *lineProgress) Start(total, reused, reusedFailed int) {
	p.total, p.done, p.failures, p.start = total, reused, reusedFailed, time.Now()
	if reusedFailed > 0 {
		fmt.Fprintf(p.w, "study: %d runs, %d already finished (%d of them failed)\n", total, reused, reusedFailed)
		return
	}
	fmt.Fprintf(p.w, "study: %d runs, %d already finished\n", total, reused)
}

func (p *lineProgress) Done(rec *store.Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	switch rec.Status {
	case store.StatusFailed:
		p.failures++
		fmt.Fprintf(p.w, "[%d/%d] FAILED %s: %s\n", p.done, p.total, rec.Name, firstLine(rec.Reason))
	case store.StatusSkipped:
		p.skipped++
		fmt.Fprintf(p.w, "[%d/%d] SKIPPED %s: %s\n", p.done, p.total, rec.Name, firstLine(rec.Reason))
	default:
		fmt.Fprintf(p.w, "[%d/%d] %s  test acc %.4f  %.1fs\n", p.done, p.total, rec.Name, rec.TestAccuracy, rec.WallSeconds)
	}
}

func (p *lineProgress) Finish() {
	fmt.Fprintf(p.w, "study: %d/%d runs done, %s, %.1fs\n", p.done, p.total, FailedSkipped(p.failures, p.skipped), time.Since(p.start).Seconds())
}

// FailedSkipped returns "F failed", with ", S skipped" when S > 0.
func FailedSkipped(failed, skipped int) string {
	if skipped > 0 {
		return fmt.Sprintf("%d failed, %d skipped", failed, skipped)
	}
	return fmt.Sprintf("%d failed", failed)
}

type barProgress struct {
	mu                sync.Mutex
	w                 io.Writer
	bar               *progressbar.ProgressBar
	failures, skipped int
}

func (p *barProgress) Start(total, reused, reusedFailed int) {
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription("runs"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	p.failures = reusedFailed
	p.describe()
	p.bar.Add(reused)
}

// describe shows the failures and skipped runs so far beside the bar.
func (p *barProgress) describe() {
	if p.failures+p.skipped > 0 {
		p.bar.Describe("runs (" + FailedSkipped(p.failures, p.skipped) + ")")
	}
}

func (p *barProgress) Done(rec *store.Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch rec.Status {
	case store.StatusFailed:
		p.failures++
		p.describe()
	case store.StatusSkipped:
		p.skipped++
		p.describe()
	}
	p.bar.Add(1)
}

func (p *barProgress) Finish() {
	p.bar.Finish()
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
