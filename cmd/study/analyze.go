package main

import (
	"flag"
	"strings"

	"github.com/study-harness/study/study"
)

// analyzeFlags defines the flags of study analyze that describe the
// models, and returns the options they fill.
func analyzeFlags(fs *flag.FlagSet) *study.AnalyzeOptions {
	o := &study.AnalyzeOptions{}
	fs.StringVar(&o.Meta, "meta", "", "models table: CSV with a column model and one column per factor (arch, seed, …)")
	fs.Func("replicates", "comma-separated factors that are replicates, e.g. seed (default: the factors named seed, init_seed, order_seed, aug_seed or data_seed; empty: none)", func(v string) error {
		o.Replicates = []string{}
		for _, k := range strings.Split(v, ",") {
			if k = strings.TrimSpace(k); k != "" {
				o.Replicates = append(o.Replicates, k)
			}
		}
		return nil
	})
	fs.StringVar(&o.Features, "features", "", "folder of <model>.npy penultimate-layer features, N×D per model, for CKA and mutual k-NN")
	fs.StringVar(&o.Logits, "logits", "", "folder of <model>.npy logits, N×C per model")
	return o
}
