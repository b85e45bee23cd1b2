package runs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/study-harness/study/study/store"
)

const resumeSpec = `name: resume
seed: 5
dataset: {name: moons, train: 200, test: 80}
fixed: {epochs: 2, batch: 32, widths: [8], lr: 0.01}
axes:
  seed: [1, 2, 3]
`

// TestResumeRetrainsDamagedRuns damages one published run folder the way
// a power loss between publish and sync (or a hand edit) could, and
// checks that the next Execute removes it, trains the run again to the
// same predictions, and reuses the undamaged runs.
func TestResumeRetrainsDamagedRuns(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, run string)
	}{
		{"a truncated predictions file is retrained", func(t *testing.T, run string) {
			path := filepath.Join(run, store.PredictionsFile)
			b, _ := os.ReadFile(path)
			must(t, os.WriteFile(path, b[:len(b)/2], 0o644))
		}},
		{"an empty predictions file is retrained", func(t *testing.T, run string) {
			must(t, os.WriteFile(filepath.Join(run, store.PredictionsFile), nil, 0o644))
		}},
		{"missing features are retrained", func(t *testing.T, run string) {
			must(t, os.Remove(filepath.Join(run, store.FeaturesFile)))
		}},
		{"an edited config in the metrics file is retrained", func(t *testing.T, run string) {
			path := filepath.Join(run, store.MetricsFile)
			b, _ := os.ReadFile(path)
			edited := bytes.Replace(b, []byte(`"optimizer": "`), []byte(`"optimizer": "x`), 1)
			if bytes.Equal(edited, b) {
				t.Fatalf("no optimizer in the config of %s", path)
			}
			must(t, os.WriteFile(path, edited, 0o644))
		}},
		{"an edited metrics file is retrained", func(t *testing.T, run string) {
			path := filepath.Join(run, store.MetricsFile)
			b, _ := os.ReadFile(path)
			must(t, os.WriteFile(path, bytes.Replace(b, []byte(`"status": "ok"`), []byte(`"status": "failed"`), 1), 0o644))
		}},
		{"a truncated metrics file is retrained", func(t *testing.T, run string) {
			path := filepath.Join(run, store.MetricsFile)
			b, _ := os.ReadFile(path)
			must(t, os.WriteFile(path, b[:len(b)-20], 0o644))
		}},
		{"a zero-length metrics file is retrained", func(t *testing.T, run string) {
			must(t, os.WriteFile(filepath.Join(run, store.MetricsFile), nil, 0o644))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			p := plan(t, resumeSpec, t.TempDir())
			if out, err := Execute(ctx, p, Options{Workers: 2}); err != nil || out.Trained != 3 {
				t.Fatalf("first Execute: %v %+v", err, out)
			}
			ref := snapshot(t, p)
			run := store.RunPath(p.Dir, p.Runs[1].ID)
			if _, err := store.Verify(p.Dir, p.Runs[1].ID); err != nil {
				t.Fatalf("Verify of an intact run: %v", err)
			}
			tt.damage(t, run)
			if _, err := Collect(p.Dir); err == nil {
				t.Errorf("Collect trusted the damaged run")
			}
			out, err := Execute(ctx, p, Options{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			if out.Retrained != 1 || out.Trained != 1 || out.Reused != 2 {
				t.Errorf("second Execute: %+v, want 1 retrained and trained, 2 reused", out)
			}
			if _, err := store.Verify(p.Dir, p.Runs[1].ID); err != nil {
				t.Errorf("Verify after retraining: %v", err)
			}
			sameFiles(t, snapshot(t, p), ref)
			if _, err := Collect(p.Dir); err != nil {
				t.Errorf("Collect after retraining: %v", err)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestResumeReusesFoldersWithConfigFile rewrites a published run the way
// study wrote runs before the config moved into metrics.json (a
// config.json listed in the record's files) and checks that such a folder
// is verified and reused, and that damage to its config.json is caught.
func TestResumeReusesFoldersWithConfigFile(t *testing.T) {
	for _, tt := range []struct {
		name      string
		damage    bool
		retrained int
	}{
		{"an intact folder with config.json is reused", false, 0},
		{"a flipped byte in its config.json is retrained", true, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			p := plan(t, resumeSpec, t.TempDir())
			if out, err := Execute(ctx, p, Options{Workers: 1}); err != nil || out.Trained != 3 {
				t.Fatalf("first Execute: %v %+v", err, out)
			}
			ref := snapshot(t, p)
			id := p.Runs[0].ID
			rec, err := store.Verify(p.Dir, id)
			if err != nil {
				t.Fatal(err)
			}
			// The legacy folder: the same files plus config.json, and a
			// record without the config that lists it.
			w, err := store.NewRunWriter(p.Dir, id+"-legacy")
			must(t, err)
			old := store.RunPath(p.Dir, id)
			for _, f := range rec.Files {
				b, err := os.ReadFile(filepath.Join(old, f.Name))
				must(t, err)
				must(t, w.WriteFile(f.Name, b))
			}
			must(t, w.WriteJSON("config.json", p.Runs[0].Config))
			rec.Config, rec.Files = nil, nil
			must(t, w.Commit(rec))
			must(t, os.RemoveAll(old))
			must(t, os.Rename(store.RunPath(p.Dir, id+"-legacy"), old))
			if tt.damage {
				path := filepath.Join(old, "config.json")
				b, _ := os.ReadFile(path)
				b[len(b)/2] ^= 1
				must(t, os.WriteFile(path, b, 0o644))
			}
			out, err := Execute(ctx, p, Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if out.Retrained != tt.retrained || out.Reused != 3-tt.retrained {
				t.Errorf("second Execute: %+v, want %d retrained", out, tt.retrained)
			}
			if _, err := Collect(p.Dir); err != nil {
				t.Errorf("Collect: %v", err)
			}
			if tt.damage {
				sameFiles(t, snapshot(t, p), ref)
			}
		})
	}
}

// TestWritesInFlightAreBounded checks that at most Workers runs are being
// written at any time, so that finished results cannot pile up in memory
// when writing is slower than training; here every write is slowed down
// so that the runs would otherwise overtake it.
func TestWritesInFlightAreBounded(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			var mu sync.Mutex
			inFlight, peak := 0, 0
			testHookWriting = func(delta int) {
				mu.Lock()
				inFlight += delta
				peak = max(peak, inFlight)
				mu.Unlock()
				if delta < 0 {
					// A slow disk: the write token is held 5 ms longer
					// than the write takes, while runs train in ~1 ms.
					time.Sleep(5 * time.Millisecond)
				}
			}
			defer func() { testHookWriting = nil }()
			p := plan(t, strings.Replace(resumeSpec, "seed: [1, 2, 3]", "seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]", 1), t.TempDir())
			out, err := Execute(context.Background(), p, Options{Workers: workers})
			if err != nil || out.Trained != 12 {
				t.Fatalf("Execute: %v %+v", err, out)
			}
			if peak > workers || peak < 1 {
				t.Errorf("%d runs were written at once, want 1 to %d", peak, workers)
			}
			if inFlight != 0 {
				t.Errorf("%d writes never ended", inFlight)
			}
		})
	}
}
