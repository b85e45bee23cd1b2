package models

import (
	"reflect"
	"strings"
)

// reads maps each architecture to the Options fields (spec keys) it reads,
// as registered.
var reads = map[string]map[string]bool{}

// optionIndex maps each Options field's spec key to its field index.
var optionIndex = func() map[string]int {
	t := reflect.TypeFor[Options]()
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = i
	}
	return m
}()

// Reads reports whether architecture arch reads the Options field key
// (by spec key); arch itself is read by every architecture.
func Reads(arch, key string) bool {
	return key == "arch" || reads[arch][key]
}

// Used returns o with every field that o.Arch does not read set to its
// zero value: two runs whose Used options are equal build the same model
// (with the same training settings and seeds). A grid uses it to refuse
// runs that differ only in a field their architecture ignores, which
// would be one model under two names. For an unknown arch it returns o.
func (o Options) Used() Options {
	r, ok := reads[o.Arch]
	if !ok {
		return o
	}
	v := reflect.ValueOf(&o).Elem()
	for key, i := range optionIndex {
		if key != "arch" && !r[key] {
			f := v.Field(i)
			f.Set(reflect.Zero(f.Type()))
		}
	}
	return o
}

// Resolved returns o as architecture o.Arch builds it for data of shape
// s: Used, with the default of every field it reads and that o leaves at
// zero filled in (mlp's widths [64, 32], knn's k 5, ...), so that a
// manifest can record every value a run was trained with. A field whose
// zero is a value of its own (tree max_depth 0, unlimited; dropout 0)
// stays 0.
func (o Options) Resolved(s Shape) Options {
	o = o.Used()
	set := func(p *int, def int) {
		if *p == 0 {
			*p = def
		}
	}
	act := func(def string) {
		if o.Activation == "" {
			o.Activation = def
		}
	}
	switch o.Arch {
	case "mlp":
		if len(o.Widths) == 0 {
			o.Widths = append([]int(nil), defaultWidths...)
		}
		act("relu")
	case "resmlp":
		set(&o.Width, defaultResMLPWidth)
		set(&o.Depth, defaultResMLPDepth)
		act("relu")
	case "cnn":
		set(&o.Width, defaultCNNWidth)
		set(&o.Depth, defaultCNNDepth)
		act("relu")
	case "gru":
		set(&o.Width, defaultGRUHidden)
	case "transformer":
		if o.Patch == 0 && s.Height > 0 && s.Width > 0 {
			for o.Patch = defaultTransformerPatch; s.Height%o.Patch != 0 || s.Width%o.Patch != 0; o.Patch-- {
			}
		}
		set(&o.Width, defaultTransformerDim)
		set(&o.Depth, defaultTransformerDepth)
		set(&o.Heads, defaultTransformerHeads)
		act("gelu")
	case "tree":
		set(&o.MinLeaf, 1)
	case "knn":
		set(&o.K, defaultK)
	}
	return o
}
