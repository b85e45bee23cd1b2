package models

// LoadWeights copies into params every tensor of weights whose name (see
// TensorNames) and length match a parameter, and returns the names it
// copied, in params order. Parameters without a match keep their values
// (their fresh initialisation): this is how a fine-tuned net keeps a
// pretrained backbone and re-initialises a head of a different size.
func LoadWeights(params []*Param, weights map[string][]float32) []string {
	var copied []string
	for i, name := range TensorNames(params) {
		w, ok := weights[name]
		if !ok || len(w) != len(params[i].W) {
			continue
		}
		copy(params[i].W, w)
		copied = append(copied, name)
	}
	return copied
}

// Weights returns the values of params by tensor name (see TensorNames),
// as copies.
func Weights(params []*Param) map[string][]float32 {
	out := make(map[string][]float32, len(params))
	for i, name := range TensorNames(params) {
		out[name] = append([]float32(nil), params[i].W...)
	}
	return out
}

// Frozen reports, for each parameter, whether its tensor name lies under
// one of prefixes (see HasPrefix).
func Frozen(params []*Param, prefixes []string) []bool {
	out := make([]bool, len(params))
	for i, name := range TensorNames(params) {
		for _, p := range prefixes {
			if HasPrefix(name, p) {
				out[i] = true
				break
			}
		}
	}
	return out
}
