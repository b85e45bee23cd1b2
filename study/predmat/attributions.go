package predmat

import "fmt"

// Attributions are the feature attributions of the models of a Matrix
// (the spec's explain block): for each method, each model's attributions
// on the first Rows instances of the Matrix's FeatureIdx.
type Attributions struct {
	// Methods lists the methods, in the spec's order.
	Methods []string
	// Target is the class explained (pred or label) and K the top-k of
	// the agreement measures as the spec gives it (a fraction or a
	// count).
	Target string
	K      float64
	// Rows is the number of instances attributed, the first Rows of
	// FeatureIdx; Dim the features per instance.
	Rows, Dim int
	// Height, Width and Channels are the image geometry of the
	// features (channels last); Height 0 for tabular data.
	Height, Width, Channels int
	// Values[k][m] is model m's Rows×Dim attributions by Methods[k],
	// row-major, or nil when the model has none; Why[k][m] then says
	// why.
	Values [][][]float32
	Why    [][]string
	// IGDelta[m] is integrated gradients' convergence delta per instance
	// of model m (Rows values), nil when it has none.
	IGDelta [][]float32
}

// check validates a against x: one entry per method and model, and every
// model's values Rows×Dim on at most len(FeatureIdx) instances.
func (a *Attributions) check(x *Matrix) error {
	if a == nil {
		return nil
	}
	m := len(x.Models)
	if a.Rows < 0 || a.Rows > len(x.FeatureIdx) || a.Dim < 1 {
		return fmt.Errorf("attributions of %d instances × %d features, with %d instances in the feature subset", a.Rows, a.Dim, len(x.FeatureIdx))
	}
	if len(a.Values) != len(a.Methods) || len(a.Why) != len(a.Methods) || (a.IGDelta != nil && len(a.IGDelta) != m) {
		return fmt.Errorf("attributions: %d methods with %d values, %d reasons and %d deltas", len(a.Methods), len(a.Values), len(a.Why), len(a.IGDelta))
	}
	for k, vs := range a.Values {
		if len(vs) != m || len(a.Why[k]) != m {
			return fmt.Errorf("attributions %s: %d models and %d reasons for %d models", a.Methods[k], len(vs), len(a.Why[k]), m)
		}
		for j, v := range vs {
			if v != nil && len(v) != a.Rows*a.Dim {
				return fmt.Errorf("model %q: %d %s attributions, want %d instances × %d features", x.Models[j], len(v), a.Methods[k], a.Rows, a.Dim)
			}
		}
	}
	for j, d := range a.IGDelta {
		if d != nil && len(d) != a.Rows {
			return fmt.Errorf("model %q: %d integrated gradients deltas, want %d", x.Models[j], len(d), a.Rows)
		}
	}
	return nil
}

// appendModel appends the single model of b to a; both must have the
// same methods and shape.
func (a *Attributions) appendModel(b *Attributions) error {
	if b == nil || a.Rows != b.Rows || a.Dim != b.Dim || len(a.Methods) != len(b.Methods) {
		return fmt.Errorf("attributions differ in shape or methods from the other runs'")
	}
	for k := range a.Methods {
		if a.Methods[k] != b.Methods[k] {
			return fmt.Errorf("attributions by %s, the other runs' by %s", b.Methods[k], a.Methods[k])
		}
		a.Values[k] = append(a.Values[k], b.Values[k]...)
		a.Why[k] = append(a.Why[k], b.Why[k]...)
	}
	a.IGDelta = append(a.IGDelta, b.IGDelta...)
	return nil
}

// AppendAttributions appends the attributions of the one-model matrix y
// to those of x, as a caller building x model by model appends the rest
// of y: x.Attributions is set from y's for the first model.
func AppendAttributions(x, y *Matrix) error {
	switch {
	case y.Attributions == nil && x.Attributions == nil:
		return nil
	case x.Attributions == nil || y.Attributions == nil:
		return fmt.Errorf("some runs have attributions and some do not")
	}
	return x.Attributions.appendModel(y.Attributions)
}
