package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/explain"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
)

// ExplainHeader is explain.json: the spec's explain block, with
// Instances the number of rows attributed, and the features per instance.
type ExplainHeader struct {
	spec.Explain
	Features int `json:"features"`
	// Height, Width and Channels are the image geometry, 0 for tabular
	// data.
	Height   int `json:"height,omitempty"`
	Width    int `json:"width,omitempty"`
	Channels int `json:"channels,omitempty"`
}

// Explain returns the explain header of a results folder; nil for a
// study without an explain block.
func Explain(dir string) (*ExplainHeader, error) {
	var e ExplainHeader
	err := store.ReadJSON(filepath.Join(dir, store.ExplainFile), &e)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// readAttributions sets the attributions of x, the one model of manifest
// entry e, from run's store.AttributionsFile of each method of ex; a
// method the run has no file for gets the reason. run is nil for an
// evaluation set's matrix, which has none.
func readAttributions(x *predmat.Matrix, run *store.Run, e store.Entry, ex *ExplainHeader) error {
	if ex == nil || run == nil {
		return nil
	}
	var c struct {
		Arch string `json:"arch"`
	}
	if err := json.Unmarshal(e.Config, &c); err != nil {
		return fmt.Errorf("run %s: config: %w", e.Name, err)
	}
	a := &predmat.Attributions{Target: string(ex.Target), K: ex.K, Rows: ex.Instances, Dim: ex.Features, Height: ex.Height, Width: ex.Width, Channels: ex.Channels, IGDelta: [][]float32{nil}}
	for _, m := range ex.Methods {
		a.Methods = append(a.Methods, string(m))
		var vals []float32
		why := ""
		b, err := run.File(store.AttributionsFile(string(m)))
		switch {
		case errors.Is(err, fs.ErrNotExist) && m.NeedsGradient() && models.ViewsOf(c.Arch).NoLogits != "":
			why = explain.NoGradientReason(c.Arch, m)
		case errors.Is(err, fs.ErrNotExist):
			why = fmt.Sprintf("the run's record holds no %s attributions", m)
		case err != nil:
			return err
		default:
			var rows, cols int
			if vals, rows, cols, err = store.DecodeNPY(run.Path(store.AttributionsFile(string(m))), b); err != nil {
				return err
			}
			if rows != ex.Instances {
				return fmt.Errorf("run %s: %s attributions of %d instances, want %d", e.Name, m, rows, ex.Instances)
			}
			if cols != ex.Features {
				return fmt.Errorf("run %s: %s attributions of %d features, want %d", e.Name, m, cols, ex.Features)
			}
		}
		a.Values = append(a.Values, [][]float32{vals})
		a.Why = append(a.Why, []string{why})
	}
	if b, err := run.File(store.IGDeltaFile); err == nil {
		d, rows, _, err := store.DecodeNPY(run.Path(store.IGDeltaFile), b)
		if err != nil {
			return err
		}
		if rows != ex.Instances {
			return fmt.Errorf("run %s: integrated gradients deltas of %d instances, want %d", e.Name, rows, ex.Instances)
		}
		a.IGDelta[0] = d
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	x.Attributions = a
	return nil
}
