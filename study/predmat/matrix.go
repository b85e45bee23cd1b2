package predmat

// Matrix holds the predictions of M models on the same N test instances
// with C classes. It is the one type that the metrics and report stages
// read. Storage is model-major: row m holds model m's values for every
// instance in order.
type Matrix struct {
	Models    []string // model names, in input order (len M)
	Instances []string // instance ids, in order (len N)
	Classes   int      // C
	Labels    []int32  // true labels (len N), in [0, C)
	Pred      []int32  // predicted labels, M×N: Pred[m*N+i]
	// Prob holds class probabilities, M×N×C: Prob[(m*N+i)*C+c].
	// It is nil when the source gave labels only.
	Prob []float32
	// Groups holds each instance's group (len N), for the measures per
	// group (metrics groups), or nil when the source gave none.
	Groups []string
	// Configs holds, per model, the run fields that identify it (for a
	// study: the value of each factor of the grid, keyed by factor name —
	// an axis, or the keys of a zip group joined by "/"). It may be nil for
	// predictions that came from elsewhere.
	Configs []map[string]string
	// Replicates names the Configs keys whose values are replicates (random
	// seeds): runs that differ only in them share a recipe. Nil means the
	// default, metrics.SeedAxes (seed, init_seed, …); an empty non-nil
	// list means no key is a replicate.
	Replicates []string
	// Features holds optional penultimate-layer features per model on the
	// FeatureIdx subset of instances: Features[m] is len(FeatureIdx)×FeatureDims[m],
	// row-major, or nil when the model has none.
	Features    [][]float32
	FeatureDims []int
	FeatureIdx  []int
	// Logits holds optional pre-softmax outputs per model on the same
	// FeatureIdx subset, laid out as Features: Logits[m] is
	// len(FeatureIdx)×LogitDims[m], or nil when the model has none.
	Logits    [][]float32
	LogitDims []int
	// NoFeatures and NoLogits say, per model without features or logits,
	// why it has none (for example "arch=logreg has no hidden layer; its
	// 'features' would be its input"); each is nil or one entry per
	// model, "" where the model has them or no reason is known.
	NoFeatures []string
	NoLogits   []string
	// Attributions holds the models' feature attributions (the spec's
	// explain block) on the first instances of FeatureIdx; nil without.
	Attributions *Attributions
}

// M returns the number of models.
func (x *Matrix) M() int { return len(x.Models) }

// N returns the number of instances.
func (x *Matrix) N() int { return len(x.Labels) }

// Correct reports whether model m predicts instance i correctly.
func (x *Matrix) Correct(m, i int) bool {
	n := len(x.Labels)
	return x.Pred[m*n+i] == x.Labels[i]
}

// Row returns model m's predicted labels.
func (x *Matrix) Row(m int) []int32 {
	n := len(x.Labels)
	return x.Pred[m*n : (m+1)*n]
}

// ProbRow returns model m's N×C probabilities, or nil.
func (x *Matrix) ProbRow(m int) []float32 {
	if x.Prob == nil {
		return nil
	}
	nc := len(x.Labels) * x.Classes
	return x.Prob[m*nc : (m+1)*nc]
}
