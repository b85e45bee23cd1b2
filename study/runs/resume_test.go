package runs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/study-harness/study/study/store"
)

const resumeSpec = `name: resume
seed: 5
dataset: {name: moons, train: 200, test: 80}
fixed: {epochs: 2, batch: 32, widths: [8], lr: 0.01}
axes:
  seed: [1, 2, 3]
`

// TestResumeRetrainsDamagedRuns damages what a run stored the way a power
// loss between append and sync, a full disk or a hand edit could, and
// checks that Collect does not trust it and that the next Execute trains
// the run again to the same predictions and reuses the undamaged runs.
// In a pack, a record whose payload does not match its checksum is
// corrupt (Outcome.Retrained) and superseded by the new record; a torn
// record at the end is cut by the next writer, and its run trained again.
// A run folder of the older layout that Verify refuses is removed and its
// run trained again into the pack.
func TestResumeRetrainsDamagedRuns(t *testing.T) {
	// middle picks the run whose record a case damages in place; the
	// cases of a torn end damage the last record of the pack instead
	// (lastRecord).
	middle := func(p *Plan) string { return p.Runs[1].ID }
	// folder applies a damage to the run folder of the middle run, once
	// the runs were rewritten in the older layout.
	folder := func(damage func(t *testing.T, run string)) func(t *testing.T, p *Plan) string {
		return func(t *testing.T, p *Plan) string {
			toLegacyFolders(t, p, nil)
			id := middle(p)
			damage(t, store.RunPath(p.Dir, id))
			return id
		}
	}
	tests := []struct {
		name string
		// damage damages the stored runs of p and returns the id of the
		// run it damaged ("" for none).
		damage func(t *testing.T, p *Plan) string
		// retrained is the Outcome.Retrained of the next Execute, trained
		// its Outcome.Trained (the other runs are reused).
		retrained, trained int
		// refused: Collect refuses the damaged run with an error;
		// otherwise it leaves the run out.
		refused bool
	}{
		{"a flipped byte in a record's predictions is retrained", func(t *testing.T, p *Plan) string {
			id := middle(p)
			flipInFile(t, p.Dir, id, store.BinaryName(store.PredictionsFile))
			return id
		}, 1, 1, true},
		{"a flipped byte in a record's features is retrained", func(t *testing.T, p *Plan) string {
			id := middle(p)
			flipInFile(t, p.Dir, id, store.FeaturesFile)
			return id
		}, 1, 1, true},
		{"an edited status in a record's metrics.json is retrained", func(t *testing.T, p *Plan) string {
			id := middle(p)
			damageRecord(t, p.Dir, id, []byte(`"status": "ok"`), []byte(`"status": "no"`))
			return id
		}, 1, 1, true},
		{"an edited config in a record's metrics.json is retrained", func(t *testing.T, p *Plan) string {
			id := middle(p)
			damageRecord(t, p.Dir, id, []byte(`"optimizer": "`), []byte(`"optimizer":"x`))
			return id
		}, 1, 1, true},
		{"a pack cut inside its last record loses that run, which is trained again", func(t *testing.T, p *Plan) string {
			id, off, n := lastRecord(t, p)
			must(t, os.Truncate(packPath(p), off+n/2))
			return id
		}, 0, 1, false},
		{"a pack cut inside the header of its last record loses that run, which is trained again", func(t *testing.T, p *Plan) string {
			id, off, _ := lastRecord(t, p)
			must(t, os.Truncate(packPath(p), off+10))
			return id
		}, 0, 1, false},
		{"a flipped byte in the header of the last record loses that run, which is trained again", func(t *testing.T, p *Plan) string {
			id, off, _ := lastRecord(t, p)
			b, err := os.ReadFile(packPath(p))
			must(t, err)
			b[off+13] ^= 1 // the payload length
			must(t, os.WriteFile(packPath(p), b, 0o644))
			return id
		}, 0, 1, false},
		{"a torn record after the last whole one is cut, and nothing is trained", func(t *testing.T, p *Plan) string {
			f, err := os.OpenFile(packPath(p), os.O_WRONLY|os.O_APPEND, 0)
			must(t, err)
			_, err = f.Write([]byte("SRN1\x07\x00\x00\x00"))
			must(t, errors.Join(err, f.Close()))
			return ""
		}, 0, 0, false},
		{"an older-layout folder with a truncated predictions file is retrained", folder(func(t *testing.T, run string) {
			path := filepath.Join(run, store.PredictionsFile)
			b, _ := os.ReadFile(path)
			must(t, os.WriteFile(path, b[:len(b)/2], 0o644))
		}), 1, 1, true},
		{"an older-layout folder with an empty predictions file is retrained", folder(func(t *testing.T, run string) {
			must(t, os.WriteFile(filepath.Join(run, store.PredictionsFile), nil, 0o644))
		}), 1, 1, true},
		{"an older-layout folder with missing features is retrained", folder(func(t *testing.T, run string) {
			must(t, os.Remove(filepath.Join(run, store.FeaturesFile)))
		}), 1, 1, true},
		{"an older-layout folder with an edited config in its metrics file is retrained", folder(func(t *testing.T, run string) {
			path := filepath.Join(run, store.MetricsFile)
			b, _ := os.ReadFile(path)
			edited := bytes.Replace(b, []byte(`"optimizer": "`), []byte(`"optimizer": "x`), 1)
			if bytes.Equal(edited, b) {
				t.Fatalf("no optimizer in the config of %s", path)
			}
			must(t, os.WriteFile(path, edited, 0o644))
		}), 1, 1, true},
		{"an older-layout folder with an edited metrics file is retrained", folder(func(t *testing.T, run string) {
			path := filepath.Join(run, store.MetricsFile)
			b, _ := os.ReadFile(path)
			must(t, os.WriteFile(path, bytes.Replace(b, []byte(`"status": "ok"`), []byte(`"status": "failed"`), 1), 0o644))
		}), 1, 1, true},
		{"an older-layout folder with a truncated metrics file is retrained", folder(func(t *testing.T, run string) {
			path := filepath.Join(run, store.MetricsFile)
			b, _ := os.ReadFile(path)
			must(t, os.WriteFile(path, b[:len(b)-20], 0o644))
		}), 1, 1, true},
		{"an older-layout folder with a zero-length metrics file is retrained", folder(func(t *testing.T, run string) {
			must(t, os.WriteFile(filepath.Join(run, store.MetricsFile), nil, 0o644))
		}), 1, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			p := plan(t, resumeSpec, t.TempDir())
			if out, err := Execute(ctx, p, Options{Workers: 2}); err != nil || out.Trained != 3 {
				t.Fatalf("first Execute: %v %+v", err, out)
			}
			ref := snapshot(t, p)
			for _, r := range p.Runs {
				if _, err := storedRun(p.Dir, r.ID); err != nil || !inPack(t, p.Dir, r.ID) {
					t.Fatalf("run %s is not an intact pack record: %v", r.Name, err)
				}
			}
			id := tt.damage(t, p)
			name := ""
			for _, r := range p.Runs {
				if r.ID == id {
					name = r.Name
				}
			}
			if _, err := storedRun(p.Dir, id); id != "" && err == nil {
				t.Errorf("the damaged run %s reads back whole", name)
			}
			wantModels := len(p.Runs)
			if id != "" {
				wantModels--
			}
			x, err := Collect(p.Dir)
			switch {
			case tt.refused && err == nil:
				t.Errorf("Collect trusted the damaged run")
			case tt.refused && !errors.Is(err, store.ErrCorrupt):
				t.Errorf("Collect: %v, want an error wrapping store.ErrCorrupt", err)
			case !tt.refused && err != nil:
				t.Errorf("Collect: %v", err)
			case !tt.refused && (slices.Contains(x.Models, name) || len(x.Models) != wantModels):
				t.Errorf("Collect gathered %v, want every run but the damaged one (%q)", x.Models, name)
			}

			out, err := Execute(ctx, p, Options{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			if out.Retrained != tt.retrained || out.Trained != tt.trained || out.Reused != len(p.Runs)-tt.trained {
				t.Errorf("second Execute: %+v, want %d retrained, %d trained, the others reused", out, tt.retrained, tt.trained)
			}
			for _, r := range p.Runs {
				if _, err := storedRun(p.Dir, r.ID); err != nil {
					t.Errorf("after retraining, run %s: %v", r.Name, err)
				}
			}
			if id != "" {
				if !inPack(t, p.Dir, id) {
					t.Errorf("the retrained run %s is not in the pack", name)
				}
				gone(t, store.RunPath(p.Dir, id))
			}
			info, err := os.Stat(packPath(p))
			must(t, err)
			if end := packEnd(t, p); info.Size() != end {
				t.Errorf("%s: %d bytes, its last record ends at %d; want no torn end", packPath(p), info.Size(), end)
			}
			sameFiles(t, snapshot(t, p), ref)
			if x, err := Collect(p.Dir); err != nil {
				t.Errorf("Collect after retraining: %v", err)
			} else if len(x.Models) != len(p.Runs) {
				t.Errorf("Collect after retraining gathered %d runs, want %d", len(x.Models), len(p.Runs))
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

// TestResumeReusesFoldersWithConfigFile rewrites the stored runs as run
// folders of the older layout, the first one the way study wrote runs
// before the config moved into metrics.json (a config.json listed in the
// record's files), and checks that such folders are verified and reused
// as they are, and that damage to the config.json is caught: that folder
// is removed and its run trained again into the pack.
func TestResumeReusesFoldersWithConfigFile(t *testing.T) {
	for _, tt := range []struct {
		name      string
		damage    bool
		retrained int
	}{
		{"intact folders, one with config.json, are reused", false, 0},
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
			toLegacyFolders(t, p, func(r Run, rec *store.Record, w *store.RunWriter) {
				if r.ID != id {
					return
				}
				// The same files plus config.json, and a record without
				// the config that lists it.
				must(t, w.WriteJSON("config.json", r.Config))
				rec.Config = nil
			})
			folder := store.RunPath(p.Dir, id)
			if _, err := os.Stat(filepath.Join(folder, "config.json")); err != nil {
				t.Fatal(err)
			}
			sameFiles(t, snapshot(t, p), ref)
			if tt.damage {
				path := filepath.Join(folder, "config.json")
				b, _ := os.ReadFile(path)
				b[len(b)/2] ^= 1
				must(t, os.WriteFile(path, b, 0o644))
			}
			out, err := Execute(ctx, p, Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if out.Retrained != tt.retrained || out.Trained != tt.retrained || out.Reused != 3-tt.retrained {
				t.Errorf("second Execute: %+v, want %d retrained", out, tt.retrained)
			}
			for _, r := range p.Runs {
				wantPack := tt.damage && r.ID == id
				if got := inPack(t, p.Dir, r.ID); got != wantPack {
					t.Errorf("run %s in the pack: %v, want %v", r.Name, got, wantPack)
				}
			}
			if tt.damage {
				gone(t, folder)
			} else {
				noRecords(t, p)
			}
			if _, err := Collect(p.Dir); err != nil {
				t.Errorf("Collect: %v", err)
			}
			sameFiles(t, snapshot(t, p), ref)
		})
	}
}
