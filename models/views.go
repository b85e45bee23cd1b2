package models

// Views says which internal layers of an architecture's models a study
// can compare across models (study/metrics' representation measures). An
// empty field means the layer exists; otherwise it says why it does not,
// naming the architecture, for metrics.json's reasons.
type Views struct {
	// NoHidden is why the models have no last hidden layer (the input of
	// the output layer, models.Featurer).
	NoHidden string
	// NoLogits is why the models have no logits (pre-softmax outputs,
	// what a models.Net's Forward returns).
	NoLogits string
	// NoGradient is why the models' loss has no input gradient (they are
	// not a LossGrader), so that no gradient attack can be crafted on
	// them; they can still be attacked through examples crafted on other
	// models.
	NoGradient string
}

// views lists the architectures that lack a layer; every other one is a
// Net with a hidden layer (TestViewsMatchTheBuiltModels checks both).
var views = map[string]Views{
	"logreg": {NoHidden: "arch=logreg has no hidden layer; its 'features' would be its input"},
	"knn": {
		NoHidden: "arch=knn is fitted, not a net: it has no hidden layer",
		NoLogits: "arch=knn is fitted, not a net: it has no logits (its class scores are neighbour vote fractions)",
		NoGradient: "arch=knn is fitted, not a net: its class scores are neighbour vote fractions, piecewise constant in the input, " +
			"so their gradient is 0 almost everywhere",
	},
	"tree": {
		NoHidden: "arch=tree is fitted, not a net: it has no hidden layer",
		NoLogits: "arch=tree is fitted, not a net: it has no logits (its class scores are leaf class frequencies)",
		NoGradient: "arch=tree is fitted, not a net: its class scores are leaf class frequencies, piecewise constant in the input, " +
			"so their gradient is 0 almost everywhere",
	},
	"naive_bayes": {
		NoHidden: "arch=naive_bayes is fitted, not a net: it has no hidden layer",
		NoLogits: "arch=naive_bayes is fitted, not a net: it has no trained output layer whose logits could be compared",
	},
}

// ViewsOf returns the comparable layers of architecture arch.
func ViewsOf(arch string) Views { return views[arch] }
