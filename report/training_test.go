package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
)

// trainingInput is an Input of finished runs with the given resolved
// configurations (JSON) and a spec with two evaluation sets.
func trainingInput(dataset string, configs ...string) *Input {
	in := &Input{
		SpecYAML: "name: t\ndataset: {name: " + dataset + ", val: 0.1}\neval_sets:\n  - {name: noisy, corruption: gaussian_noise, severity: 3}\n  - {name: turned, corruption: rotation, severity: 2}\n",
		Metrics:  &metrics.Result{Reasons: metrics.Reasons{}},
	}
	for i, c := range configs {
		name := fmt.Sprint("run", i)
		in.Runs = append(in.Runs, Run{Name: name, Status: StatusOK, Resolved: []byte(c), TrainRows: 54000})
		in.Metrics.Models = append(in.Metrics.Models, name)
	}
	return in
}

func TestMethodsGiveTheTrainingSetupOfEveryRun(t *testing.T) {
	const (
		logreg = `{"arch":"logreg","optimizer":"sgd","lr":0.1,"batch":64,"epochs":5,"augment":[]}`
		mlp    = `{"arch":"mlp","widths":[64,32],"optimizer":"adam","lr":0.001,"batch":64,"epochs":10,"augment":["rotate"]}`
		mlp2   = `{"arch":"mlp","optimizer":"adam","lr":0.001,"batch":64,"epochs":10,"augment":["rotate"],"activation":"tanh"}`
		tree   = `{"arch":"tree","max_depth":4,"optimizer":"adam","lr":0.001,"batch":64,"epochs":5,"augment":[]}`
	)
	tests := []struct {
		name    string
		configs []string
		want    []string
	}{
		{"settings shared by every run are stated once, others per family", []string{logreg, mlp, logreg, mlp},
			[]string{"logreg is logistic regression: one linear layer", "mlp is a fully connected network with hidden layers of 64 and 32 units, relu activations",
				"Optimizer: logreg: sgd at learning rate 0.1; mlp: adam at learning rate 0.001.", "Minibatch size: 64, across all runs.",
				"Epochs: logreg: 5; mlp: 10.", "Augmentation: logreg: none; mlp: rotate (a random rotation uniform in ±15°, bilinear).",
				"Each run trains on 54000 rows, after a fraction 0.1 of the training set is held out"}},
		{"two kinds of mlp are both described", []string{mlp, mlp2},
			[]string{"mlp is a fully connected network with hidden layers of 64 and 32 units, relu activations; mlp is a fully connected network with hidden layers of 64 and 32 units, tanh activations"}},
		{"a fitted model gets no optimizer, batch or epochs", []string{tree, mlp},
			[]string{"tree is a CART tree", "Optimizer: adam at learning rate 0.001, across all mlp runs.", "Epochs: 10, across all mlp runs."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := build(trainingInput("mnist", tt.configs...))
			if err != nil {
				t.Fatal(err)
			}
			md, _ := b.methods()
			for _, w := range tt.want {
				if !strings.Contains(string(md), w) {
					t.Errorf("methods do not say %q:\n%s", w, md)
				}
			}
		})
	}
}

func TestMethodsDescribeTheHarnessCorruptions(t *testing.T) {
	tests := []struct {
		dataset   string
		wantMNIST bool
	}{{"mnist", true}, {"fashion", false}}
	for _, tt := range tests {
		t.Run("on "+tt.dataset, func(t *testing.T) {
			b, err := build(trainingInput(tt.dataset, `{"arch":"logreg","optimizer":"sgd","lr":0.1,"batch":64,"epochs":5}`))
			if err != nil {
				t.Fatal(err)
			}
			md, keys := b.methods()
			for _, w := range []string{"noisy (gaussian_noise, severity 3): additive Gaussian noise of standard deviation 0.18", "turned (rotation, severity 2): rotation by 20°", "this harness's own, not a published benchmark"} {
				if !strings.Contains(string(md), w) {
					t.Errorf("methods do not say %q:\n%s", w, md)
				}
			}
			if got := strings.Contains(string(md), "MNIST-C [@mu2019mnist]"); got != tt.wantMNIST {
				t.Errorf("cites MNIST-C: %v, want %v", got, tt.wantMNIST)
			}
			if strings.Contains(string(md), "hendrycks") || strings.Contains(string(bibliography(keys)), "Hendrycks") {
				t.Error("methods cite ImageNet-C for corruptions that are not it")
			}
		})
	}
}

func TestMethodsGiveTheReplicateCounts(t *testing.T) {
	const mlp = `{"arch":"mlp","optimizer":"adam","lr":0.001,"batch":64,"epochs":5}`
	tests := []struct {
		name  string
		seeds []int
		want  string
	}{
		{"equal counts", []int{3, 3}, "Replicates: each of the 2 recipes (a configuration without its seed) was trained with 3 seeds; 1 other model was trained once."},
		{"unequal counts", []int{2, 3}, "Replicates: each of the 2 recipes (a configuration without its seed) was trained with 2 to 3 seeds; 2 other models were trained once."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := trainingInput("mnist", mlp, mlp, mlp, mlp, mlp, mlp, mlp)
			var rs []metrics.RecipeDisagreement
			for i, n := range tt.seeds {
				rs = append(rs, metrics.RecipeDisagreement{Recipe: fmt.Sprint("r", i), NModels: n})
			}
			in.Metrics.Extra = map[string]any{"generalization_disagreement": rs}
			b, err := build(in)
			if err != nil {
				t.Fatal(err)
			}
			if md, _ := b.methods(); !strings.Contains(string(md), tt.want) {
				t.Errorf("methods do not say %q:\n%s", tt.want, md)
			}
		})
	}
}
