package runs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/atomic"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
)

// Collect builds the prediction matrix of a results folder from its
// finished runs, in manifest order, and writes it to predictions.csv. Failed,
// skipped and unfinished runs are left out, and so are auxiliary runs
// (role pretrain), whose test set may not be the study's. It reads only stored files, so it also
// merges the shards of a study run on several machines.
func Collect(dir string) (*predmat.Matrix, error) {
	return collect(dir, store.PredictionsFile)
}

// EvalSets returns the names of a results folder's evaluation sets.
func EvalSets(dir string) ([]string, error) {
	var names []string
	err := store.ReadJSON(filepath.Join(dir, store.EvalSetsFile), &names)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return names, err
}

// CollectEval is Collect for evaluation set name: it gathers and writes
// predictions-<name>.csv.
func CollectEval(dir, name string) (*predmat.Matrix, error) {
	return collect(dir, store.EvalPredictionsFile(name))
}

func collect(dir, file string) (*predmat.Matrix, error) {
	entries, err := store.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	var featIdx []int
	if err := store.ReadJSON(filepath.Join(dir, store.FeatureIndexFile), &featIdx); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	ex, err := Explain(dir)
	if err != nil {
		return nil, err
	}
	stored, err := store.OpenRuns(dir)
	if err != nil {
		return nil, err
	}
	defer stored.Close()
	var all *predmat.Matrix
	for _, e := range entries {
		if !stored.Finished(e.ID) {
			continue
		}
		run, err := stored.Get(e.ID)
		if errors.Is(err, store.ErrCorrupt) {
			return nil, fmt.Errorf("run %s: %w (run study run again to retrain it)", e.Name, err)
		}
		if err != nil {
			return nil, err
		}
		if run.Record.Status != store.StatusOK || Auxiliary(e) {
			continue
		}
		x, err := runPredictions(run, file)
		if err != nil {
			return nil, err
		}
		// The matrix identifies models by factor, so that attribution
		// treats a zip group (optimizer with its lr) as one factor.
		factors := e.Factors
		if factors == nil {
			factors = e.Values
		}
		cfg := map[string]string{}
		for _, kv := range factors {
			cfg[kv.Key] = kv.Value
		}
		x.Configs = []map[string]string{cfg}
		if file != store.PredictionsFile { // features and logits are of the clean test set only
			run = nil
		}
		if err := readLayers(x, run, e, featIdx); err != nil {
			return nil, err
		}
		if err := readAttributions(x, run, e, ex); err != nil {
			return nil, err
		}
		if all == nil {
			all = x
			continue
		}
		if err := appendModel(all, x); err != nil {
			return nil, fmt.Errorf("run %s: %w", e.Name, err)
		}
	}
	if all == nil {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoRuns)
	}
	if err := readGroups(dir, all); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := predmat.Write(&buf, all); err != nil {
		return nil, err
	}
	if err := atomic.WriteFile(filepath.Join(dir, file), buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return all, nil
}

// runPredictions reads predictions file csv of a stored run: its binary
// form (store.BinaryName) in the records written since, the CSV itself in
// older records and run folders.
func runPredictions(run *store.Run, csv string) (*predmat.Matrix, error) {
	bin := store.BinaryName(csv)
	b, err := run.File(bin)
	if err == nil {
		return predmat.ReadBinary(run.Path(bin), b)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if b, err = run.File(csv); err != nil {
		return nil, err
	}
	return predmat.Read(run.Path(csv), bytes.NewReader(b))
}

// ExportFile returns file name of a stored run as a plain file, what
// study extract writes: the predictions that records hold in binary
// (store.CSVName) become their CSV, byte for byte what predmat.Write
// writes; any other file is returned as it is stored.
func ExportFile(run *store.Run, name string) (string, []byte, error) {
	b, err := run.File(name)
	if err != nil {
		return "", nil, err
	}
	csv, ok := store.CSVName(name)
	if !ok {
		return name, b, nil
	}
	x, err := predmat.ReadBinary(run.Path(name), b)
	if err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	if err := predmat.Write(&buf, x); err != nil {
		return "", nil, err
	}
	return csv, buf.Bytes(), nil
}

// Auxiliary reports whether the manifest entry is a run with role pretrain,
// which the prediction matrix and the metrics leave out.
func Auxiliary(e store.Entry) bool {
	var c struct {
		Role string `json:"role"`
	}
	return json.Unmarshal(e.Config, &c) == nil && c.Role == spec.RolePretrain
}

// appendModel appends the single model of x to all, checking that both
// describe the same test instances.
func appendModel(all, x *predmat.Matrix) error {
	if x.N() != all.N() || x.Classes != all.Classes {
		return fmt.Errorf("%d instances × %d classes, want %d × %d", x.N(), x.Classes, all.N(), all.Classes)
	}
	for i := range x.Labels {
		if x.Labels[i] != all.Labels[i] || x.Instances[i] != all.Instances[i] {
			return fmt.Errorf("instance %s differs from the other runs' test set", x.Instances[i])
		}
	}
	if (x.Prob == nil) != (all.Prob == nil) {
		return fmt.Errorf("some runs have probabilities and some do not")
	}
	all.Models = append(all.Models, x.Models...)
	all.Pred = append(all.Pred, x.Pred...)
	all.Prob = append(all.Prob, x.Prob...)
	all.Configs = append(all.Configs, x.Configs...)
	all.Features = append(all.Features, x.Features...)
	all.FeatureDims = append(all.FeatureDims, x.FeatureDims...)
	all.Logits = append(all.Logits, x.Logits...)
	all.LogitDims = append(all.LogitDims, x.LogitDims...)
	all.NoFeatures = append(all.NoFeatures, x.NoFeatures...)
	all.NoLogits = append(all.NoLogits, x.NoLogits...)
	return predmat.AppendAttributions(all, x)
}

// noLogitsYet is why a net's record holds no logits: it was stored before
// runs stored them.
const noLogitsYet = "the run's record holds no logits: records stored before runs stored them have none (study run --force trains it again)"

// cleanOnly is why an evaluation set's matrix has no features or logits.
const cleanOnly = "features and logits are stored for the clean test set only"

// readLayers sets the features and logits of x, the one model of manifest
// entry e, on the feature subset featIdx, from run's features.npy and
// logits.npy; run is nil for an evaluation set's matrix, which has
// neither. A layer that the run's architecture lacks (models.ViewsOf) is
// never read, so the raw inputs that logreg records stored as features
// before do not count as a representation, and the matrix says why it
// is missing.
func readLayers(x *predmat.Matrix, run *store.Run, e store.Entry, featIdx []int) error {
	x.Features, x.FeatureDims, x.FeatureIdx = [][]float32{nil}, []int{0}, featIdx
	x.Logits, x.LogitDims = [][]float32{nil}, []int{0}
	x.NoFeatures, x.NoLogits = []string{""}, []string{""}
	if run == nil {
		x.NoFeatures[0], x.NoLogits[0] = cleanOnly, cleanOnly
		return nil
	}
	var c struct {
		Arch string `json:"arch"`
	}
	if err := json.Unmarshal(e.Config, &c); err != nil {
		return fmt.Errorf("run %s: config: %w", e.Name, err)
	}
	v := models.ViewsOf(c.Arch)
	x.NoFeatures[0], x.NoLogits[0] = v.NoHidden, v.NoLogits
	for _, l := range []struct {
		file, what, missing string
		vals                *[]float32
		dim                 *int
	}{{store.FeaturesFile, "features", v.NoHidden, &x.Features[0], &x.FeatureDims[0]}, {store.LogitsFile, "logits", v.NoLogits, &x.Logits[0], &x.LogitDims[0]}} {
		if l.missing != "" {
			continue
		}
		b, err := run.File(l.file)
		if errors.Is(err, fs.ErrNotExist) {
			if l.file == store.LogitsFile {
				x.NoLogits[0] = noLogitsYet
			}
			continue
		}
		if err != nil {
			return err
		}
		vals, rows, cols, err := store.DecodeNPY(run.Path(l.file), b)
		if err != nil {
			return err
		}
		if rows != len(featIdx) {
			return fmt.Errorf("run %s: %s for %d instances, want %d", e.Name, l.what, rows, len(featIdx))
		}
		*l.vals, *l.dim = vals, cols
	}
	return nil
}
