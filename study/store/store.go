package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/study-harness/study/study/atomic"
)

// FormatVersion is hashed into every run id; bump it when a change to
// training or to the stored format makes old runs incomparable.
const FormatVersion = 1

// File names inside a results folder.
const (
	SpecFile         = "spec.yaml"
	ManifestFile     = "manifest.jsonl"
	EnvironmentFile  = "environment.json"
	PredictionsFile  = "predictions.csv"
	MetricsFile      = "metrics.json"
	ReportFile       = "report.html"
	RunsDir          = "runs"
	FeaturesFile     = "features.npy"        // per run: penultimate features on the fixed subset
	LogitsFile       = "logits.npy"          // per run: pre-softmax outputs on the fixed subset
	FeatureIndexFile = "feature_index.json"  // the fixed subset of test instances
	EvalSetsFile     = "eval_sets.json"      // names of the evaluation sets, in spec order
	WeightsFile      = "weights.safetensors" // per run with save_weights: trained weights (models.WriteSafetensors)
	AttackIndexFile  = "attack_index.json"   // the fixed subset of test instances attacked (attacks)
	AttacksFile      = "attacks.json"        // the spec's attacks, in spec order (attacks)
	ExplainFile      = "explain.json"        // the spec's explain block, instances resolved (explain)
	IGDeltaFile      = "ig-delta.npy"        // per run: integrated gradients' delta per instance (explain)
	InputGradFile    = "input-grad.npy"      // per attacked run: its input-loss gradients on the attacked rows (attacks)
)

// AdvInputsFile names the adversarial inputs (float32, attacked rows × In,
// rows in attack_index.json order) crafted on a run by attack name.
func AdvInputsFile(name string) string { return "adv-" + name + ".npy" }

// AdvPredictionsFile names a run's predictions on the adversarial inputs
// it crafted with attack name (white-box), a predictions CSV name whose
// instance ids are the attacked test rows. The dot keeps it apart from
// any evaluation set's predictions-<set>.csv: a set name has none.
func AdvPredictionsFile(name string) string { return "predictions-adv." + name + ".csv" }

// AttributionsFile names a run's attributions by explain method
// (float32, instances × In, rows the first explain.instances of
// feature_index.json), as study extract writes them.
func AttributionsFile(method string) string { return "attributions-" + method + ".npy" }

// Status values of a run record.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
	// StatusSkipped marks a run not trained because the parent it starts
	// from failed or was skipped; Reason names the parent.
	StatusSkipped = "skipped"
)

// KV is one axis value of a run, as written in its readable name.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Entry is one line of manifest.jsonl.
type Entry struct {
	ID     string `json:"id"`
	Index  int    `json:"index"`
	Name   string `json:"name"`
	Values []KV   `json:"values"`
	// Factors are the run's factor values, a zip group's keys joined into
	// one factor (see grid.Run.Factors); factor attribution reads them.
	Factors []KV            `json:"factors"`
	Config  json.RawMessage `json:"config"`
	// Resolved is the config with every default filled in and the fields
	// the run does not use left out (spec.Config.Resolved): every value
	// the run is trained with, momentum 0.9 of an unset momentum say.
	// Config, which the run id hashes, leaves defaults out so that the
	// ids of older runs stay.
	Resolved json.RawMessage `json:"resolved,omitempty"`
}

// Record is a run's metrics.json.
type Record struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Status       string    `json:"status"`
	Reason       string    `json:"reason,omitempty"`
	Loss         []float64 `json:"loss"`
	ValAccuracy  []float64 `json:"val_accuracy"`
	TestAccuracy float64   `json:"test_accuracy"`
	WallSeconds  float64   `json:"wall_seconds"`
	// Epochs is the number of epochs run (fewer than configured when early
	// stopping ended training), BestEpoch the 1-based epoch whose weights
	// were kept under early stopping, TrainRows the training rows used.
	Epochs    int `json:"epochs,omitempty"`
	BestEpoch int `json:"best_epoch,omitempty"`
	TrainRows int `json:"train_rows,omitempty"`
	// EvalAccuracy is the accuracy on each evaluation set, by name.
	EvalAccuracy map[string]float64 `json:"eval_accuracy,omitempty"`
	// AdvAccuracy is the white-box accuracy under each attack, by name,
	// on the attacked rows; absent for a model without input gradient.
	AdvAccuracy map[string]float64 `json:"adv_accuracy,omitempty"`
	// Config is the run's resolved config, as in the manifest. (Folders
	// written before it moved here hold it in config.json, listed in
	// Files and verified like any other file.)
	Config json.RawMessage `json:"config,omitempty"`
	// Files lists every other file of the run folder with its size and
	// checksum, so that Verify can tell a complete folder from one that
	// did not fully reach the disk. RunWriter.Commit sets it.
	Files []FileSum `json:"files,omitempty"`
}

// EvalPredictionsFile names the predictions on evaluation set name, both
// per run and for the whole study.
func EvalPredictionsFile(name string) string { return "predictions-" + name + ".csv" }

// BinaryName names the binary form (predmat.AppendBinary) of predictions
// file csv in a run's record: predictions.bin for predictions.csv. Records
// store a run's predictions so, which costs a copy where the CSV cost
// shortest-decimal formatting; study extract writes them out as the CSV
// again, and records written before hold the CSV itself.
func BinaryName(csv string) string { return strings.TrimSuffix(csv, ".csv") + ".bin" }

// CSVName is the inverse of BinaryName: predictions.csv for
// predictions.bin; ok is false for a name that BinaryName does not make.
func CSVName(bin string) (csv string, ok bool) {
	base, ok := strings.CutSuffix(bin, ".bin")
	if !ok || (base != "predictions" && !strings.HasPrefix(base, "predictions-")) {
		return "", false
	}
	return base + ".csv", true
}

// RunPath returns the folder of run id under results folder dir.
func RunPath(dir, id string) string { return filepath.Join(dir, RunsDir, id) }

// WriteJSON writes v as indented JSON, atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return atomic.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadJSON decodes the JSON file at path into v.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// WriteManifest writes manifest.jsonl atomically.
func WriteManifest(dir string, entries []Entry) error {
	b, err := EncodeManifest(entries)
	if err != nil {
		return err
	}
	return atomic.WriteFile(filepath.Join(dir, ManifestFile), b, 0o644)
}

// EncodeManifest returns the content of manifest.jsonl for entries.
func EncodeManifest(entries []Entry) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range entries {
		if err := enc.Encode(&entries[i]); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// ReadManifest reads manifest.jsonl.
func ReadManifest(dir string) ([]Entry, error) {
	path := filepath.Join(dir, ManifestFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// publish renames folder tmp to dst, replacing an older folder dst if
// there is one; the old folder stays whole until the new one is in place.
// If the new folder cannot be put in place, the old one is put back.
func publish(dst, id, tmp string) error {
	if os.Rename(tmp, dst) == nil { // fails if dst exists: it is never empty
		return nil
	}
	old := ""
	if _, err := os.Stat(dst); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dst, old); err != nil {
			return fmt.Errorf("replace run %s: %w", id, err)
		}
	}
	if err := rename(tmp, dst); err != nil {
		err = fmt.Errorf("publish run %s: %w", id, err)
		if old != "" {
			if rerr := os.Rename(old, dst); rerr != nil {
				err = errors.Join(err, fmt.Errorf("put back the old folder of run %s, now %s: %w", id, old, rerr))
			}
		}
		return err
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

// rename is os.Rename; a test makes it fail.
var rename = os.Rename

// CleanTemp removes what an interrupted process left half written: the
// temporary run folders under runs/, and the temporary files of
// atomic.WriteFile (".<name>.tmp-*") in the results folder and its direct
// subfolders (figures/). A published run folder never holds one, so the
// run folders are not searched. Only call it while holding the folder's
// lock exclusively.
func CleanTemp(dir string) error {
	dirs := []string{dir}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.IsDir() && !isTemp(e.Name()) {
			dirs = append(dirs, filepath.Join(dir, e.Name()))
		}
	}
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if isTemp(e.Name()) {
				if err := os.RemoveAll(filepath.Join(d, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// isTemp reports whether name is a temporary file or folder: a run folder
// being written (".tmp-<id>-*", and its ".old" twin while replacing) or an
// atomic.WriteFile temporary (".<name>.tmp-*").
func isTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")
}
