// Package spec is stage 1 of study: it reads a sweep spec.
//
// The flow of a study is
//
//  1. spec: parse and validate the YAML sweep spec (this package);
//  2. grid: expand the spec into the list of runs;
//  3. runs: train every run on a worker pool;
//  4. predmat: collect predictions into a models×instances matrix;
//  5. metrics: measure agreement between the models;
//  6. report: render the results.
//
// A sweep spec is a YAML file:
//
//	name: grid            # required; results go to results/<name>/
//	seed: 1               # spec seed (int64), default 0
//	dataset: {name: mnist, train: 10000, test: 10000}
//	task: multiclass      # binary | multiclass (default multiclass)
//	fixed:                # run fields shared by every run
//	  epochs: 5
//	axes:                 # each key a non-empty list; cartesian product in order
//	  arch: [logreg, mlp]
//	  seed: [1, 2, 3]
//	zip:                  # groups of axes that vary together
//	  - {lr: [0.1, 0.001], optimizer: [sgd, adam]}
//	exclude:              # partial assignments; matching runs are dropped
//	  - {arch: logreg, seed: 3}
//
// The keys of fixed, axes, zip and exclude are the run fields: the json
// names of the fields of Config, with the embedded models.Options and
// optim.Settings flattened. The set of keys is found by reflection, so a
// field added to Config, models.Options or optim.Settings becomes a valid
// key, with its Go type, without any change here (see Keys).
//
// Values are decoded by the Go type of their field: strings need a YAML
// string, integers a YAML integer, floats a YAML number (including .nan and
// .inf, which validation then rejects), booleans true or false. A
// list-valued field (augment, widths) takes a list, a single value for a
// one-element list, or the word none for the empty list. In an axis each
// list element is one value of the axis, so `augment: [none, flip, [flip,
// noise]]` sweeps three augmentation lists.
//
// Unset run fields take these defaults (see Default): arch mlp, optimizer
// adam, lr 0.001, batch 64, epochs 5, augment none; seed is the spec seed;
// init_seed, order_seed and aug_seed are the run's seed unless set
// themselves, so sweeping seed moves all three streams while sweeping
// init_seed moves only the initialisation. data_seed, which draws the
// training-data subset, also defaults to the run's seed when data_subset is
// not full (for full data it is unused and stays 0). data_subset takes
// full, bootstrap, half-a, half-b or a fraction in (0, 1), which may be
// written as a YAML number (data_subset: 0.25). Other fields keep their
// zero value, which means "the architecture's default" when unset; a
// written value means itself, so the zeros that stand for a default
// (widths: [], k: 0, gamma: 0, ...) are refused (see unsetOnly), and
// momentum, an optional field, honours a given 0. −0 is read as 0.
// Config.Resolved fills in every default, for the manifest.
//
// Component sharing: init is scratch (the default) or {from: SELECTOR,
// freeze: [PREFIXES]}, starting the run from the trained weights of the one
// run that SELECTOR ("role=pretrain seed={seed}") matches; see Init and
// Selector (the grid resolves selectors and refuses missing, ambiguous and
// cyclic parents). save_weights stores a run's weights; role pretrain marks
// auxiliary runs left out of the metrics; labels and positive give a
// pretrain run a task of its own. data_subset also takes overlap-a and
// overlap-b, two halves sharing exactly 50% of their rows. All these fields
// are left out of the canonical config when unset, so older run ids stay.
//
// Adversarial training: adversarial is none (the default) or {method: pgd,
// eps, steps, alpha, ratio}, training on examples crafted on the model
// itself at every step (see Adversarial); like init it is left out of the
// canonical config when unset.
//
// Every error is an *Error that names the file, the line and column of the
// offending YAML node, and the field, as in
//
//	sweeps/x.yaml:12:3: axes.lr: lr -1 must be a finite number > 0
package spec
