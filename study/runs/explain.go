package runs

import (
	"encoding/json"
	"fmt"
	"hash"
	"slices"

	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/explain"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
	"github.com/study-harness/study/study/train"
)

// explainSubset returns the test rows a study's attributions are computed
// on: the first explain.instances rows of the feature subset (all of them
// by default), or nil without an explain block. It refuses a top-k count
// beyond the features and an occlusion patch beyond the image.
func explainSubset(s *spec.Spec, ds *data.Set, featIdx []int) ([]int, error) {
	e := s.Explain
	if e == nil {
		return nil, nil
	}
	if e.K >= 1 && e.K > float64(ds.In) {
		return nil, &InputError{fmt.Errorf("%s: explain.k: top-%v of dataset %s's %d features", s.File, e.K, ds.Name, ds.In)}
	}
	if slices.Contains(e.Methods, explain.MethodOcclusion) && ds.Height > 0 && e.Patch > min(ds.Height, ds.Width) {
		return nil, &InputError{fmt.Errorf("%s: explain.patch: a patch of %d pixels on dataset %s's %d×%d images", s.File, e.Patch, ds.Name, ds.Height, ds.Width)}
	}
	return featIdx[:explainCount(e, len(featIdx))], nil
}

// explainCount is the number of rows attributed out of a feature subset
// of n rows.
func explainCount(e *spec.Explain, n int) int {
	if e.Instances > 0 {
		return min(n, e.Instances)
	}
	return n
}

// hashExplain adds a spec's explain block and its instance count to a run
// id, as a run stores its attributions; without one it adds nothing, so
// that the ids of studies without it stay as they were. k is left out:
// only the metrics stage reads it, so changing it retrains nothing.
func hashExplain(h hash.Hash, s *spec.Spec, ds *data.Set) {
	if s.Explain == nil {
		return
	}
	n := explainCount(s.Explain, min(ds.NTest(), FeatureSubset))
	e := *s.Explain
	e.K = 0
	b, _ := json.Marshal(e) // a struct of plain fields: no error
	fmt.Fprintf(h, "explain=%s\nexplain_instances=%d\n", b, n)
}

// explainHeader is explain.json: the spec's block with Instances the
// number of rows attributed, and the features per instance.
func (p *Plan) explainHeader() ExplainHeader {
	d := p.Data
	e := ExplainHeader{Explain: *p.Spec.Explain, Features: d.In, Height: d.Height, Width: d.Width, Channels: d.Chans}
	e.Instances = len(p.ExplainIdx)
	return e
}

// writeAttributions adds a run's attributions to its record, one
// store.AttributionsFile per method the model has, and integrated
// gradients' delta (store.IGDeltaFile).
func (p *Plan) writeAttributions(w *store.RecordBuf, r Run, d *data.Set, attr []train.Attributions) error {
	n := len(p.ExplainIdx)
	for _, a := range attr {
		if a.Values == nil {
			continue
		}
		err := w.AppendFile(store.AttributionsFile(string(a.Method)), func(dst []byte) ([]byte, error) {
			return store.AppendNPY(dst, a.Values, n, d.In)
		})
		if err == nil && a.Delta != nil {
			delta := make([]float32, n)
			for i, v := range a.Delta {
				delta[i] = float32(v)
			}
			err = w.AppendFile(store.IGDeltaFile, func(dst []byte) ([]byte, error) { return store.AppendNPY(dst, delta, n, 1) })
		}
		if err != nil {
			return fmt.Errorf("run %s: explain %s: %w", r.Name, a.Method, err)
		}
	}
	return nil
}
