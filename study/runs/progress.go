package runs

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/study-harness/study/study/store"
)

// Progress is told about the sweep as it goes. Done may be called from
// several goroutines at once.
type Progress interface {
	Start(total, reused int)
	Done(rec *store.Record)
	Finish()
}

type nopProgress struct{}

func (nopProgress) Start(int, int)     {}
func (nopProgress) Done(*store.Record) {}
func (nopProgress) Finish()            {}

// NewProgress returns a live bar (runs done of total, failures, ETA) when w
// is a terminal, and plain log lines otherwise, as in CI.
func NewProgress(w io.Writer, terminal bool) Progress {
	if terminal {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

type lineProgress struct {
	mu                    sync.Mutex
	w                     io.Writer
	total, done, failures int
	start                 time.Time
}

func (p *lineProgress) Start(total, reused int) {
	p.total, p.done, p.start = total, reused, time.Now()
	fmt.Fprintf(p.w, "study: %d runs, %d already finished\n", total, reused)
}

func (p *lineProgress) Done(rec *store.Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if rec.Status == store.StatusFailed {
		p.failures++
		fmt.Fprintf(p.w, "[%d/%d] FAILED %s: %s\n", p.done, p.total, rec.Name, firstLine(rec.Reason))
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s  test acc %.4f  %.1fs\n", p.done, p.total, rec.Name, rec.TestAccuracy, rec.WallSeconds)
}

func (p *lineProgress) Finish() {
	fmt.Fprintf(p.w, "study: %d/%d runs done, %d failed, %.1fs\n", p.done, p.total, p.failures, time.Since(p.start).Seconds())
}

type barProgress struct {
	mu       sync.Mutex
	w        io.Writer
	bar      *progressbar.ProgressBar
	failures int
}

func (p *barProgress) Start(total, reused int) {
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
	p.bar.Add(reused)
}

func (p *barProgress) Done(rec *store.Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rec.Status == store.StatusFailed {
		p.failures++
		p.bar.Describe(fmt.Sprintf("runs (%d failed)", p.failures))
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
