package train

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/spec"
)

// unknownMemory is the memory assumed when the machine's cannot be read
// (no /proc/meminfo): 1 TiB, so that only absurd runs are refused there.
const unknownMemory = 1 << 40

// machineMemory returns the machine's memory in bytes and where the figure
// comes from. Tests replace it.
var machineMemory = func() (float64, string) {
	if b, ok := memTotal("/proc/meminfo"); ok {
		return b, "MemTotal in /proc/meminfo"
	}
	return unknownMemory, "assumed: the machine's memory could not be read"
}

// memTotal reads MemTotal (in kB) from a /proc/meminfo file.
func memTotal(path string) (float64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, false
		}
		kb, err := strconv.ParseFloat(fields[0], 64)
		if err != nil || kb <= 0 || len(fields) > 1 && fields[1] != "kB" {
			return 0, false
		}
		return kb * 1024, true
	}
	return 0, false
}

// checkSizes refuses, for a run of n training rows, a knn k above n
// (knn's Fit would refuse it when the run starts) and a run that cannot
// fit in memory (checkMemory).
func checkSizes(job Job, n int) error {
	if cfg := job.Config; cfg.Arch == "knn" {
		if k := cfg.Options.Resolved(shapeOf(job)).K; k > n {
			return fmt.Errorf("train: %w", &models.FieldError{Field: "k", Msg: fmt.Sprintf("k %d is more than the %d training rows of the run", k, n)})
		}
	}
	return checkMemory(job, n)
}

// checkMemory refuses a run whose estimated memory exceeds the machine's:
// the model's parameters, gradients and optimizer state, the activations
// of its largest batch (the batch clamped to the n training rows, or a
// prediction block), and the data, which every run shares. Before, such a
// run crashed study run with Go's "fatal error: out of memory". The
// error is a *models.FieldError on the field to change: batch when the
// activations dominate and the batch is above the default, else the
// arch's size field (widths, width, ...) that the spec sets, else arch.
func checkMemory(job Job, n int) error {
	cfg, d := job.Config, job.Data
	m := models.EstimateMemory(shapeOf(job), cfg.Options)
	rows := float64(n) // a Fitter fits every row at once
	if m.Count > 0 {
		rows = float64(max(min(cfg.Batch, n), min(predictBatch, d.NTest())))
	}
	state := 2 * m.Count * 4 // the optimizer's moments (adam has two)
	if cfg.Patience > 0 {
		state += m.Count * 4 // the best epoch's weights
	}
	model := m.Params + state
	acts := rows * m.PerRow
	data := 4 * float64(len(d.TrainX)+len(d.ValX)+len(d.TestX))
	for _, x := range job.Evals {
		data += 4 * float64(len(x))
	}
	total := model + acts + data
	have, source := machineMemory()
	if total <= have {
		return nil
	}
	field := "batch"
	if model >= acts || cfg.Batch <= spec.DefaultBatch {
		field = "arch"
		o := cfg.Options
		for _, f := range []struct {
			key string
			set bool
		}{{"widths", len(o.Widths) > 0}, {"width", o.Width > 0}, {"depth", o.Depth > 0}, {"heads", o.Heads > 0}, {"patch", o.Patch > 0}} {
			if f.set && models.Reads(cfg.Arch, f.key) {
				field = f.key
				break
			}
		}
	}
	return fmt.Errorf("train: %w", &models.FieldError{Field: field, Msg: fmt.Sprintf(
		"%s needs about %s of memory (model, gradients and optimizer state %s; activations %s for %.0f rows; data %s), more than this machine's %s (%s)",
		cfg.Arch, bytesText(total), bytesText(model), bytesText(acts), rows, bytesText(data), bytesText(have), source)})
}

// bytesText writes a byte count with a binary unit: "1.5 GiB".
func bytesText(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", b)
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}
