package spec

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/data"
)

// head is a valid start of a spec; cases append their own sections.
const head = "name: t\ndataset: {name: moons}\n"

func TestParseRejects(t *testing.T) {
	long := strings.Repeat("a", MaxNameLen+1)
	cases := []struct {
		name  string
		src   string
		line  int    // 0: no line expected
		field string // Error.Field
		msg   string // substring of Error.Msg
	}{
		// Keys.
		{"an unknown top-level key is an error", head + "axis: {lr: [1]}\n", 3, "axis", `unknown key "axis"`},
		{"an unknown dataset key is an error", "name: t\ndataset:\n  name: moons\n  nosie: 0.1\n", 4, "dataset.nosie", `unknown key "nosie"`},
		{"an unknown run field in fixed is an error", head + "fixed:\n  epoch: 5\n", 4, "fixed.epoch", `unknown run field "epoch"`},
		{"an unknown run field in axes is an error", head + "axes:\n  optimiser: [sgd]\n", 4, "axes.optimiser", `unknown run field`},
		{"an unknown run field in zip is an error", head + "zip:\n  - {learning_rate: [0.1]}\n", 4, "zip[0].learning_rate", `unknown run field`},
		{"an unknown run field in exclude is an error", head + "axes: {arch: [mlp, logreg]}\nexclude:\n  - {archh: mlp}\n", 5, "exclude[0].archh", `unknown run field`},
		{"a missing name is an error", "dataset: {name: moons}\n", 1, "name", "missing required key"},
		{"a missing dataset is an error", "name: t\n", 1, "dataset", "missing required key"},
		{"a dataset without a name is an error", "name: t\ndataset: {train: 10}\n", 2, "dataset.name", "missing dataset name"},
		{"a non-string mapping key is an error", head + "fixed:\n  [a]: 1\n", 4, "fixed", "mapping key must be a string"},
		// Types.
		{"a string for an integer field is an error", head + "fixed:\n  epochs: five\n", 4, "fixed.epochs", `want an integer, got string "five"`},
		{"a fraction for an integer field is an error", head + "axes:\n  batch: [32, 64.5]\n", 4, "axes.batch", "want an integer, got number 64.5"},
		{"a list for a number field is an error", head + "fixed:\n  lr: [0.1]\n", 4, "fixed.lr", "want a number, got a list"},
		{"a number for a string field is an error", head + "fixed:\n  arch: 3\n", 4, "fixed.arch", "want a string, got integer 3"},
		{"null for a run field is an error", head + "fixed:\n  lr:\n", 4, "fixed.lr", "want a number, got null"},
		{"a mapping inside a list field is an error", head + "fixed:\n  augment: [{a: b}]\n", 4, "fixed.augment", "want a string, got a mapping"},
		{"a string for a dataset integer is an error", "name: t\ndataset: {name: moons, train: lots}\n", 2, "dataset.train", "want an integer"},
		{"a seed too large for int64 is an error", "seed: 99999999999999999999\n" + head, 1, "seed", "want an integer, got 99999999999999999999, which does not fit in 64 bits"},
		{"a string seed is an error", "seed: one\n" + head, 1, "seed", "want an integer"},
		{"a sections of the wrong kind is an error", head + "axes: [lr]\n", 3, "axes", "want a mapping"},
		{"a scalar zip is an error", head + "zip: lr\n", 3, "zip", "want a list of groups"},
		{"a scalar exclude is an error", head + "exclude: arch\n", 3, "exclude", "want a list"},
		{"a non-string task is an error", head + "task: 2\n", 3, "task", "want a string"},
		{"an unknown task is an error", head + "task: regression\n", 3, "task", `unknown task "regression"`},
		// Evaluation sets.
		// Attacks.
		{"a scalar attacks is an error", head + "attacks: fgsm\n", 3, "attacks", "want a list"},
		{"an unknown attack method is an error", head + "attacks:\n  - {name: a, method: cw, eps: 0.1}\n", 4, "attacks[0].method", `unknown attack method "cw"`},
		{"an attack without eps is an error", head + "attacks:\n  - name: a\n    method: fgsm\n", 4, "attacks[0].eps", "eps 0 must be a positive number"},
		{"an L1 attack is an error", head + "attacks:\n  - name: a\n    method: pgd\n    eps: 0.1\n    norm: 1\n", 7, "attacks[0].norm", "norm 1 must be 2"},
		{"an unknown attack key is an error", head + "attacks:\n  - {name: a, method: pgd, eps: 0.1, step: 3}\n", 4, "attacks[0].step", `unknown key "step"`},
		{"a string eps is an error", head + "attacks:\n  - {name: a, method: pgd, eps: big}\n", 4, "attacks[0].eps", "want a number"},
		{"a repeated attack name is an error", head + "attacks:\n  - {name: a, method: fgsm, eps: 0.1}\n  - {name: a, method: pgd, eps: 0.1}\n", 5, "attacks[1].name", "duplicate attack name"},
		{"a zero attack subset is an error", head + "attacks:\n  - {name: a, method: fgsm, eps: 0.1}\nattack_subset: 0\n", 5, "attack_subset", "must be ≥ 1"},
		{"an attack subset without attacks is an error", head + "attack_subset: 10\n", 3, "attack_subset", "without attacks"},
		{"a scalar eval_sets is an error", head + "eval_sets: noise\n", 3, "eval_sets", "want a list"},
		{"an unknown corruption is an error", head + "eval_sets:\n  - {name: fog, corruption: fog, severity: 2}\n", 4, "eval_sets[0].corruption", `unknown corruption "fog"`},
		{"a severity above 5 is an error", head + "eval_sets:\n  - name: n\n    corruption: contrast\n    severity: 9\n", 6, "eval_sets[0].severity", "1 to 5"},
		{"an unknown eval set key is an error", head + "eval_sets:\n  - {name: n, corruption: contrast, severty: 2}\n", 4, "eval_sets[0].severty", `unknown key "severty"`},
		{"a repeated eval set name is an error", head + "eval_sets:\n  - {name: n, corruption: contrast, severity: 1}\n  - {name: n, corruption: rotation, severity: 2}\n", 5, "eval_sets[1].name", "duplicate eval set name"},
		// Axes.
		{"an empty axis is an error", head + "axes:\n  seed: []\n", 4, "axes.seed", "non-empty list"},
		{"a scalar axis is an error", head + "axes:\n  seed: 3\n", 4, "axes.seed", "non-empty list"},
		{"a null axis is an error", head + "axes:\n  seed:\n", 4, "axes.seed", "non-empty list"},
		{"a repeated axis value is an error", head + "axes:\n  lr: [0.1, 0.01, 0.10]\n", 4, "axes.lr", "duplicate value 0.1"},
		{"a data subset fraction written twice is a repeated axis value", head + "axes:\n  data_subset: [0.5, full, .50]\n", 4, "axes.data_subset", "duplicate value 0.5"},
		{"a repeated zip point is an error", head + "zip:\n  - lr: [0.1, 0.1]\n    optimizer: [sgd, sgd]\n", 4, "zip[0]", "duplicate value"},
		{"an empty zip group is an error", head + "zip:\n  - {}\n", 4, "zip[0]", "non-empty mapping"},
		{"zip lists of unequal length are an error", head + "zip:\n  - lr: [0.1, 0.01]\n    optimizer: [sgd]\n", 5, "zip[0].optimizer", "1 values, but zip[0].lr has 2"},
		// Keys set twice.
		{"a key repeated in axes is an error", head + "axes:\n  seed: [1]\n  seed: [2]\n", 5, "axes.seed", `duplicate key "seed" (first at line 4)`},
		{"a key in fixed and axes is an error", head + "fixed: {seed: 1}\naxes:\n  seed: [1, 2]\n", 5, "axes.seed", "already set at fixed.seed (line 3)"},
		{"a key in axes and zip is an error", head + "axes: {lr: [0.1, 1]}\nzip:\n  - {lr: [0.1], optimizer: [sgd]}\n", 5, "zip[0].lr", "already set at axes.lr (line 3)"},
		{"a key in two zip groups is an error", head + "zip:\n  - {lr: [0.1]}\n  - {lr: [0.2]}\n", 5, "zip[1].lr", "already set at zip[0].lr"},
		{"a repeated top-level key is an error", head + "name: u\n", 3, "name", `duplicate key "name" (first at line 1)`},
		{"a repeated dataset key is an error", "name: t\ndataset:\n  name: moons\n  name: blobs\n", 4, "dataset.name", "duplicate key"},
		// Values (Config.Validate).
		{"epochs of zero is an error", head + "fixed:\n  epochs: 0\n", 4, "fixed.epochs", "epochs 0 must be > 0"},
		{"negative epochs in an axis is an error", head + "axes:\n  epochs: [1,\n    -2]\n", 5, "axes.epochs", "epochs -2 must be > 0"},
		{"a zero learning rate is an error", head + "fixed: {lr: 0}\n", 3, "fixed.lr", "lr 0 must be a finite number > 0"},
		{"a negative learning rate is an error", head + "axes:\n  lr: [0.1,\n       -1]\n", 5, "axes.lr", "lr -1 must be a finite number > 0"},
		{"a bad point is found beside a seed axis", head + "axes:\n  seed: [1, 2, 3]\n  lr: [0.1, -1]\n", 5, "axes.lr", "lr -1 must be a finite number > 0"},
		{"a bad value zipped with seeds is found", head + "zip:\n  - {seed: [1, 2], lr: [0.1, -1]}\n", 4, "zip[0].lr", "lr -1 must be a finite number > 0"},
		{"a NaN learning rate is an error", head + "fixed: {lr: .nan}\n", 3, "fixed.lr", "lr NaN"},
		{"an infinite learning rate is an error", head + "axes: {lr: [.inf]}\n", 3, "axes.lr", "lr +Inf"},
		{"a zero batch is an error", head + "fixed: {batch: 0}\n", 3, "fixed.batch", "batch 0 must be > 0"},
		{"an unknown arch is an error", head + "axes:\n  arch:\n    - mlp\n    - resnet\n", 6, "axes.arch", `unknown arch "resnet"`},
		{"an unknown optimizer in a zip group is an error", head + "zip:\n  - lr: [0.1, 0.2]\n    optimizer: [sgd, lbfgs]\n", 5, "zip[0].optimizer", `unknown optimizer "lbfgs"`},
		{"an unknown augmentation is an error", head + "axes: {augment: [none, [flip, warp]]}\n", 3, "axes.augment", `unknown augmentation "warp"`},
		{"a bad dropout is an error", head + "fixed: {dropout: 1.5}\n", 3, "fixed.dropout", "dropout 1.5 must be in [0, 1)"},
		{"an unknown data subset is an error", head + "axes:\n  data_subset: [full, third]\n", 4, "axes.data_subset", `unknown data subset "third"`},
		{"a data subset fraction of 1 is an error", head + "fixed: {data_subset: 1}\n", 3, "fixed.data_subset", "fraction 1 must be in (0, 1)"},
		{"a zero data subset fraction is an error", head + "fixed:\n  data_subset: \"0.0\"\n", 4, "fixed.data_subset", "must be in (0, 1)"},
		{"a YAML NaN for data_subset is an error", head + "fixed: {data_subset: .nan}\n", 3, "fixed.data_subset", `unknown data subset ".nan"`},
		{"a list for data_subset is an error", head + "fixed: {data_subset: [full]}\n", 3, "fixed.data_subset", "want a string, got a list"},
		{"negative patience is an error", head + "axes:\n  patience: [0,\n    -1]\n", 5, "axes.patience", "patience -1 must be ≥ 0"},
		{"label smoothing of 1 is an error", head + "fixed: {label_smoothing: 1}\n", 3, "fixed.label_smoothing", "label_smoothing 1 must be in [0, 1)"},
		{"negative label smoothing is an error", head + "zip:\n  - label_smoothing: [0.1, -0.1]\n", 4, "zip[0].label_smoothing", "label_smoothing -0.1 must be in [0, 1)"},
		{"a data_seed that is not an integer is an error", head + "fixed: {data_seed: x}\n", 3, "fixed.data_seed", "want an integer"},
		// Given zeros that used to stand for the default (issue 17).
		{"an empty widths list is refused, not read as [64, 32]", head + "fixed: {widths: []}\n", 3, "fixed.widths", "widths [] (none) is what an unset widths stands for"},
		{"widths none is refused", head + "fixed:\n  widths: none\n", 4, "fixed.widths", "arch logreg"},
		{"an empty widths point is refused, not a twin of [64, 32]", head + "axes:\n  widths: [[], [64, 32]]\n", 4, "axes.widths", "leave widths out for the default"},
		{"k 0 is refused", head + "fixed: {arch: knn, k: 0}\n", 3, "fixed.k", "k 0 is what an unset k stands for"},
		{"width 0 is refused", head + "axes: {width: [0, 8]}\n", 3, "axes.width", "width 0 is what an unset width"},
		{"depth 0 is refused", head + "fixed: {depth: 0}\n", 3, "fixed.depth", "depth 0 is what"},
		{"heads 0 is refused", head + "fixed: {heads: 0}\n", 3, "fixed.heads", "heads 0 is what"},
		{"patch 0 is refused", head + "fixed: {patch: 0}\n", 3, "fixed.patch", "patch 0 is what"},
		{"min_leaf 0 is refused", head + "fixed: {min_leaf: 0}\n", 3, "fixed.min_leaf", "min_leaf 0 is what"},
		{"gamma 0 is refused", head + "fixed: {schedule: step, gamma: 0}\n", 3, "fixed.gamma", "gamma 0 is what"},
		{"gamma -0 is refused like 0", head + "fixed: {schedule: step, gamma: -0.0}\n", 3, "fixed.gamma", "gamma 0 is what"},
		{"step_size 0 is refused", head + "fixed: {schedule: step, step_size: 0}\n", 3, "fixed.step_size", "step_size 0 is what"},
		{"an empty activation is refused", head + "fixed: {activation: ''}\n", 3, "fixed.activation", "activation '' is what"},
		{"an empty schedule is refused", head + "axes: {schedule: ['', constant]}\n", 3, "axes.schedule", "schedule '' is what"},
		{"an empty data_subset is refused", head + "fixed: {data_subset: ''}\n", 3, "fixed.data_subset", "data_subset '' is what"},
		{"dataset train 0 is refused", "name: t\ndataset: {name: moons, train: 0}\n", 2, "dataset.train", "train 0 is what an unset train"},
		{"dataset val 0 is refused, naming no_val", "name: t\ndataset:\n  name: moons\n  val: 0\n", 4, "dataset.val", "no_val: true"},
		{"dataset noise 0 is refused", "name: t\ndataset: {name: moons, noise: 0}\n", 2, "dataset.noise", "noise 0 is what"},
		{"l2 0 and -0 are one value", head + "axes:\n  l2: [0, -0.0]\n", 4, "axes.l2", "duplicate value 0"},
		{"momentum 0 and -0 are one value", head + "axes:\n  momentum: [-0.0, 0]\n", 4, "axes.momentum", "duplicate value 0"},
		// Values that print as something else (issue 17).
		{"a role with a tab is refused", head + "axes:\n  role: [\"a\\tb\", c]\n", 4, "axes.role", "value holds U+0009 (a control character) at byte 1"},
		{"a role with a bidi override is refused", head + "fixed: {role: \"ab\u202Ec\"}\n", 3, "fixed.role", "value holds U+202E"},
		// A file given as a spec by mistake is not printed back.
		{"a password file as a spec is not quoted", "root:$6$salt$hash:19000:0:99999:7:::\n", 1, "<a key of 35 characters>", "unknown key <a key of 35 characters> (known:"},
		{"a text file as a spec is not quoted", "secret words\n", 1, "", "a spec must be a mapping of keys (name, dataset, axes, ...), got a single value"},
		{"an unknown key that is not a field name is not quoted", "name: t\ndataset: {name: moons}\n'root:$6$salt': x\n", 3, "<a key of 12 characters>", "unknown key <a key of 12 characters>"},
		// Messages that named the wrong problem.
		{"a quoted integer seed is a string, not a number too large", head + "axes:\n  seed: [1, \"1\"]\n", 4, "axes.seed", `want an integer, got string "1"`},
		{"lr 1e400 is a number out of range, not a string", head + "fixed: {lr: 1e400}\n", 3, "fixed.lr", "got number 1e400, which is beyond the range of a 64-bit float"},
		// Exclude.
		{"an exclude key that is not an axis is an error", head + "fixed: {arch: mlp}\naxes: {seed: [1, 2]}\nexclude:\n  - {arch: mlp}\n", 6, "exclude[0].arch", "arch is not an axis"},
		{"an exclude value not in its axis is an error", head + "axes: {seed: [1, 2]}\nexclude:\n  - {seed: 3}\n", 5, "exclude[0].seed", "value 3 is not in axis seed"},
		{"an exclude value of the wrong type is an error", head + "axes: {seed: [1, 2]}\nexclude:\n  - {seed: x}\n", 5, "exclude[0].seed", "want an integer"},
		{"an empty exclude entry is an error", head + "axes: {seed: [1, 2]}\nexclude:\n  - {}\n", 5, "exclude[0]", "non-empty mapping"},
		// Names.
		{"a name with a slash is an error", "name: a/b\ndataset: {name: moons}\n", 1, "name", "single folder name"},
		{"a name of two dots is an error", "name: ..\ndataset: {name: moons}\n", 1, "name", "single folder name"},
		{"a name of one dot is an error", "name: .\ndataset: {name: moons}\n", 1, "name", "single folder name"},
		{"an empty name is an error", "name: ''\ndataset: {name: moons}\n", 1, "name", "single folder name"},
		{"a name with a space is an error", "name: my study\ndataset: {name: moons}\n", 1, "name", "single folder name"},
		{"a name with a backslash is an error", "name: 'a\\b'\ndataset: {name: moons}\n", 1, "name", "single folder name"},
		{"a too long name is an error", "name: " + long + "\ndataset: {name: moons}\n", 1, "name", "at most 100"},
		{"a numeric name is an error", "name: 12\ndataset: {name: moons}\n", 1, "name", "want a string"},
		// The file as a whole.
		{"an empty file is an error", "", 0, "", "empty spec"},
		{"a blank file is an error", "\n  \n", 0, "", "empty spec"},
		{"a file of comments is an error", "# nothing\n", 0, "", "empty spec"},
		{"a null document is an error", "~\n", 0, "", "empty spec"},
		{"a list document is an error", "- a\n", 1, "", "must be a mapping"},
		{"two documents are an error at the second", head + "---\n" + head, 3, "", "more than one YAML document"},
		{"a second document that does not parse is an error at its ---", head + "--- [\n", 3, "", "more than one YAML document"},
		{"an alias of no anchor is an error at the alias", head + "fixed:\n  epochs: 2\n  lr: *nope\n", 5, "", "unknown anchor 'nope'"},
		{"a tab in the indentation is an error at its line", head + "fixed:\n  lr: 0.1\n\tbatch: 2\n", 5, "", "found a tab character"},
		{"a YAML syntax error is an error", head + "axes: {seed: [1, 2}\n", 3, "", "YAML syntax"},
		{"bad indentation is an error", head + "fixed:\n  lr: 1\n   batch: 2\n", 5, "", "YAML syntax"},
		{"non-UTF-8 bytes are an error", head + "fixed: {arch: \"m\xfflp\"}\n", 3, "", "invalid UTF-8"},
		{"UTF-16 is an error", "\xff\xfen\x00a\x00", 1, "", "invalid UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("sweeps/x.yaml", []byte(c.src))
			if err == nil {
				t.Fatalf("Parse accepted the spec: %+v", s)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not a *spec.Error", err, err)
			}
			if e.File != "sweeps/x.yaml" || e.Line != c.line || e.Field != c.field || !strings.Contains(e.Msg, c.msg) {
				t.Errorf("got file %q line %d field %q msg %q\nwant file %q line %d field %q msg containing %q",
					e.File, e.Line, e.Field, e.Msg, "sweeps/x.yaml", c.line, c.field, c.msg)
			}
			if c.line > 0 && !strings.HasPrefix(err.Error(), fmt.Sprintf("sweeps/x.yaml:%d", c.line)) {
				t.Errorf("message %q does not start with file:line", err)
			}
		})
	}
}

// TestBadFiles checks the examples in testdata/bad. Each file's first line
// says where its error is: "# want: LINE:COLUMN FIELD".
func TestBadFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad examples: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f)+" is rejected at the line it names", func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(src), "\n")
			var line, col int
			var field string
			if n, _ := fmt.Sscanf(first, "# want: %d:%d %s", &line, &col, &field); n < 2 {
				t.Fatalf("first line %q is not \"# want: LINE:COLUMN FIELD\"", first)
			}
			_, err = Load(f)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Load = %v, want a *spec.Error", err)
			}
			if e.File != f || e.Line != line || e.Column != col || e.Field != field {
				t.Errorf("error %q at %d:%d field %q, want %d:%d field %q", e, e.Line, e.Column, e.Field, line, col, field)
			}
		})
	}
}

func TestGoodFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*.yaml")
	sweeps, _ := filepath.Glob("../../sweeps/*.yaml")
	if len(files) == 0 || len(sweeps) == 0 {
		t.Fatalf("%d good specs in testdata/good and %d in sweeps/, want some of each", len(files), len(sweeps))
	}
	// The augmentations register themselves from study/train, which this
	// package cannot import; the sweeps use these.
	old := augments
	defer func() { augments = old }()
	augments = maps.Clone(old)
	for _, a := range []string{"flip_lr", "flip_ud", "noise", "shift", "crop", "rotate", "cutout", "mixup", "resample"} {
		RegisterAugment(a)
	}
	for _, f := range append(files, sweeps...) {
		t.Run(filepath.Base(f)+" parses", func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Parse(f, src)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(s.Source, src) {
				t.Error("Source differs from the file's bytes")
			}
		})
	}
}

func TestParseExample(t *testing.T) {
	s, err := Load("testdata/good/grid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the top-level fields are read", func(t *testing.T) {
		want := data.Spec{Name: "mnist", Train: 10000, Test: 10000, Positive: []int{5, 6, 7, 8, 9}}
		if s.Name != "grid" || s.Seed != 1 || s.Task != TaskBinary || !reflect.DeepEqual(s.Dataset, want) {
			t.Errorf("got name %q seed %d task %q dataset %+v", s.Name, s.Seed, s.Task, s.Dataset)
		}
	})
	t.Run("fixed values keep their order and lines", func(t *testing.T) {
		got := fmt.Sprint(valueSummary(s.Fixed))
		if want := "[epochs=5@8 batch=64@9]"; got != want {
			t.Errorf("fixed = %s, want %s", got, want)
		}
	})
	t.Run("axes come in written order, then zip groups", func(t *testing.T) {
		var got []string
		for _, a := range s.Axes {
			var pts []string
			for _, p := range a.Points {
				pts = append(pts, fmt.Sprint(valueSummary(p)))
			}
			got = append(got, fmt.Sprintf("%s %v zip=%v: %s", a.Path, a.Keys, a.Zip, strings.Join(pts, " ")))
		}
		want := []string{
			"axes.arch [arch] zip=false: [arch=logreg@11] [arch=mlp@11]",
			"axes.augment [augment] zip=false: [augment=none@12] [augment=flip@12]",
			"axes.seed [seed] zip=false: [seed=1@13] [seed=2@13] [seed=3@13]",
			"zip[0] [lr optimizer] zip=true: [lr=0.1@15 optimizer=sgd@15] [lr=0.001@15 optimizer=adam@15]",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("axes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("exclude entries are read", func(t *testing.T) {
		if len(s.Exclude) != 1 || fmt.Sprint(valueSummary(s.Exclude[0].Values)) != "[arch=logreg@17 augment=flip@17]" {
			t.Errorf("exclude = %+v", s.Exclude)
		}
	})
}

func valueSummary(vs []Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprintf("%s=%s@%d", v.Key, v.Text, v.Line)
	}
	return out
}

func TestValueForms(t *testing.T) {
	cases := []struct {
		name string
		yaml string // the value of fixed.<key>
		key  string
		want any
	}{
		{"a single augmentation is a one-element list", "flip", "augment", []string{"flip"}},
		{"a list of augmentations is kept in order", "[flip, flip]", "augment", []string{"flip", "flip"}},
		{"none is the empty augmentation list", "none", "augment", []string{}},
		{"a data subset is a string", "half-a", "data_subset", "half-a"},
		{"a data subset fraction may be written as a number", "0.25", "data_subset", "0.25"},
		{"a data subset fraction may be quoted", `"0.5"`, "data_subset", "0.5"},
		{"a data subset fraction is kept in its shortest form", "0.50", "data_subset", "0.5"},
		{"a quoted data subset fraction is kept in its shortest form", `".5"`, "data_subset", "0.5"},
		{"a data subset fraction in exponent form is kept in its shortest form", "5e-1", "data_subset", "0.5"},
		{"widths take a list of integers", "[128, 64]", "widths", []int{128, 64}},
		{"a single width is a one-element list", "32", "widths", []int{32}},
		{"an integer is a valid float", "1", "lr", 1.0},
		{"a float in exponent form is a float", "1e-3", "lr", 0.001},
		{"a hexadecimal integer is an integer", "0x10", "batch", 16},
		{"a quoted string is a string", `"mlp"`, "arch", "mlp"},
		{"a negative seed is a seed", "-5", "seed", int64(-5)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("v.yaml", []byte(head+"fixed:\n  "+c.key+": "+c.yaml+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Fixed[0].V; !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: %s decoded to %#v, want %#v", c.key, c.yaml, got, c.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	parse := func(t *testing.T, body string) *Spec {
		t.Helper()
		s, err := Parse("r.yaml", []byte("name: r\nseed: 7\ndataset: {name: moons}\n"+body))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	t.Run("an empty spec resolves to the documented defaults", func(t *testing.T) {
		c, err := parse(t, "").Resolve()
		if err != nil {
			t.Fatal(err)
		}
		want := Default()
		want.Seed, want.InitSeed, want.OrderSeed, want.AugSeed = 7, 7, 7, 7
		if !reflect.DeepEqual(c, want) {
			t.Errorf("got %+v, want %+v", c, want)
		}
		if c.Arch != "mlp" || c.Optimizer != "adam" || c.LR != 0.001 || c.Batch != 64 || c.Epochs != 5 || len(c.Augment) != 0 {
			t.Errorf("defaults changed: %+v", c)
		}
	})
	t.Run("a seed point moves all three stream seeds", func(t *testing.T) {
		s := parse(t, "axes: {seed: [1, 2]}\n")
		c, err := s.Resolve(s.Axes[0].Points[1])
		if err != nil {
			t.Fatal(err)
		}
		if c.Seed != 2 || c.InitSeed != 2 || c.OrderSeed != 2 || c.AugSeed != 2 {
			t.Errorf("seeds %d %d %d %d, want all 2", c.Seed, c.InitSeed, c.OrderSeed, c.AugSeed)
		}
	})
	t.Run("a fixed stream seed stays when seed is swept", func(t *testing.T) {
		s := parse(t, "fixed: {order_seed: 100}\naxes: {seed: [1, 2]}\n")
		c, err := s.Resolve(s.Axes[0].Points[1])
		if err != nil {
			t.Fatal(err)
		}
		if c.Seed != 2 || c.InitSeed != 2 || c.OrderSeed != 100 || c.AugSeed != 2 {
			t.Errorf("seeds %d %d %d %d, want 2 2 100 2", c.Seed, c.InitSeed, c.OrderSeed, c.AugSeed)
		}
	})
	t.Run("an init_seed point moves only the init seed", func(t *testing.T) {
		s := parse(t, "axes: {init_seed: [1, 2]}\n")
		c, err := s.Resolve(s.Axes[0].Points[1])
		if err != nil {
			t.Fatal(err)
		}
		if c.Seed != 7 || c.InitSeed != 2 || c.OrderSeed != 7 || c.AugSeed != 7 {
			t.Errorf("seeds %d %d %d %d, want 7 2 7 7", c.Seed, c.InitSeed, c.OrderSeed, c.AugSeed)
		}
	})
	t.Run("data_seed follows the run's seed for a subset", func(t *testing.T) {
		s := parse(t, "fixed: {data_subset: bootstrap}\naxes: {seed: [1, 2]}\n")
		c, err := s.Resolve(s.Axes[0].Points[1])
		if err != nil {
			t.Fatal(err)
		}
		if c.DataSeed != 2 {
			t.Errorf("data_seed %d, want 2", c.DataSeed)
		}
	})
	t.Run("a fixed data_seed stays when seed is swept", func(t *testing.T) {
		s := parse(t, "fixed: {data_subset: half-a, data_seed: 5}\naxes: {seed: [1, 2]}\n")
		c, err := s.Resolve(s.Axes[0].Points[1])
		if err != nil {
			t.Fatal(err)
		}
		if c.DataSeed != 5 || c.InitSeed != 2 {
			t.Errorf("data_seed %d, init_seed %d, want 5 and 2", c.DataSeed, c.InitSeed)
		}
	})
	t.Run("data_seed stays 0 for full data so full-data run ids do not change", func(t *testing.T) {
		s := parse(t, "axes: {data_subset: [full, \"0.5\"]}\n")
		full, err := s.Resolve(s.Axes[0].Points[0])
		if err != nil {
			t.Fatal(err)
		}
		half, err := s.Resolve(s.Axes[0].Points[1])
		if err != nil {
			t.Fatal(err)
		}
		if full.DataSeed != 0 || half.DataSeed != 7 {
			t.Errorf("data_seed %d for full and %d for 0.5, want 0 and 7", full.DataSeed, half.DataSeed)
		}
	})
	t.Run("resolved slices do not alias the spec", func(t *testing.T) {
		s := parse(t, "fixed: {widths: [8, 8]}\n")
		c, _ := s.Resolve()
		c.Widths[0] = 99
		if d, _ := s.Resolve(); d.Widths[0] != 8 {
			t.Errorf("changing one config changed the spec: widths %v", d.Widths)
		}
	})
	t.Run("a hand-made value of the wrong type is an error, not a panic", func(t *testing.T) {
		s := parse(t, "")
		_, err := s.Resolve(Point{{Key: "lr", V: "fast", Path: "axes.lr", Line: 3}})
		var e *Error
		if !errors.As(err, &e) || e.Line != 3 || e.Field != "axes.lr" {
			t.Errorf("err = %v, want a *spec.Error at line 3, field axes.lr", err)
		}
	})
	t.Run("a hand-made unknown key is an error, not a panic", func(t *testing.T) {
		s := parse(t, "")
		if _, err := s.Resolve(Point{{Key: "nope", V: 1}}); err == nil {
			t.Error("Resolve accepted an unknown key")
		}
	})
	t.Run("an invalid default is reported without a line", func(t *testing.T) {
		s := parse(t, "")
		s.Fixed = nil
		old := augments
		defer func() { augments = old }()
		augments = map[string]bool{}
		_, err := s.Resolve(Point{{Key: "augment", V: []string{"flip"}, Path: "axes.augment", Line: 9}})
		var e *Error
		if !errors.As(err, &e) || e.Line != 9 {
			t.Errorf("err = %v, want it at line 9", err)
		}
		var fe *models.FieldError
		if !errors.As(err, &fe) || fe.Field != "augment" {
			t.Errorf("err = %v does not wrap the *models.FieldError", err)
		}
	})
}

func TestKeys(t *testing.T) {
	t.Run("every Config field is a key, embedded fields flattened", func(t *testing.T) {
		keys := Keys()
		for _, k := range []string{"arch", "widths", "activation", "dropout", "optimizer", "lr", "l2", "momentum", "batch", "epochs", "augment", "seed", "init_seed", "order_seed", "aug_seed"} {
			found := false
			for _, x := range keys {
				found = found || x == k
			}
			if !found {
				t.Errorf("key %q missing from %v", k, keys)
			}
		}
	})
	t.Run("a new embedded field becomes a key of its type", func(t *testing.T) {
		type Extra struct {
			Warmup int `json:"warmup,omitempty"`
		}
		type Wider struct {
			Config
			Extra
			Skip  int `json:"-"`
			Plain bool
		}
		fs := structFields(reflect.TypeOf(Wider{}))
		var got []string
		for _, f := range fs {
			got = append(got, f.key+":"+f.typ.String())
		}
		s := strings.Join(got, " ")
		for _, want := range []string{"warmup:int", "lr:float64", "Plain:bool", "augment:[]string"} {
			if !strings.Contains(s, want) {
				t.Errorf("fields %s lack %s", s, want)
			}
		}
		if strings.Contains(s, "Skip") {
			t.Errorf("fields %s include a json:\"-\" field", s)
		}
	})
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Config)
		field string // "" when valid
	}{
		{"the default config is valid", func(*Config) {}, ""},
		{"a zero batch is invalid", func(c *Config) { c.Batch = 0 }, "batch"},
		{"negative epochs are invalid", func(c *Config) { c.Epochs = -1 }, "epochs"},
		{"an unknown augmentation is invalid", func(c *Config) { c.Augment = []string{"rotate"} }, "augment"},
		{"a known augmentation is valid", func(c *Config) { c.Augment = []string{"flip"} }, ""},
		{"an unknown arch is invalid", func(c *Config) { c.Arch = "" }, "arch"},
		{"an unknown optimizer is invalid", func(c *Config) { c.Optimizer = "" }, "optimizer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			c.edit(&cfg)
			err := cfg.Validate()
			var fe *models.FieldError
			switch {
			case c.field == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
				t.Errorf("Validate = %v, want a *models.FieldError on %s", err, c.field)
			}
			// The spec's validate does not resolve points that set only
			// seeds, since no seed can change the outcome.
			for _, seed := range []int64{0, -1, 7, math.MaxInt64, math.MinInt64} {
				s := cfg
				s.Seed, s.InitSeed, s.OrderSeed, s.AugSeed, s.DataSeed = seed, seed, seed, seed, seed
				if serr := s.Validate(); fmt.Sprint(serr) != fmt.Sprint(err) {
					t.Errorf("with every seed %d, Validate = %v, want %v as without", seed, serr, err)
				}
			}
		})
	}
}

func TestRegisterAugment(t *testing.T) {
	for _, bad := range []string{"", "none", "a+b", "a b"} {
		t.Run(fmt.Sprintf("registering %q panics", bad), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			RegisterAugment(bad)
		})
	}
	t.Run("a registered augmentation becomes valid", func(t *testing.T) {
		old := augments
		defer func() { augments = old }()
		augments = map[string]bool{"flip": true}
		RegisterAugment("crop")
		if _, err := Parse("a.yaml", []byte(head+"fixed: {augment: [crop, flip]}\n")); err != nil {
			t.Error(err)
		}
		if got := fmt.Sprint(AugmentNames()); got != "[crop flip]" {
			t.Errorf("AugmentNames = %s", got)
		}
	})
}

func TestErrorString(t *testing.T) {
	cases := []struct {
		name string
		err  Error
		want string
	}{
		{"a full error reads file:line:column: field: msg", Error{File: "sweeps/x.yaml", Line: 12, Column: 3, Field: "axes.lr", Msg: "lr -1 must be a finite number > 0"}, "sweeps/x.yaml:12:3: axes.lr: lr -1 must be a finite number > 0"},
		{"an error without a column omits it", Error{File: "x.yaml", Line: 4, Msg: "bad"}, "x.yaml:4: bad"},
		{"an error without a line omits it", Error{File: "x.yaml", Field: "arch", Msg: "bad"}, "x.yaml: arch: bad"},
		{"an error without a file says spec", Error{Msg: "empty spec"}, "spec: empty spec"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.err.Error(); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	t.Run("an error unwraps to its cause", func(t *testing.T) {
		cause := errors.New("cause")
		if !errors.Is(&Error{Err: cause}, cause) {
			t.Error("errors.Is failed")
		}
	})
}

func TestLoadMissingFile(t *testing.T) {
	t.Run("a missing file is an fs error", func(t *testing.T) {
		if _, err := Load("testdata/does-not-exist.yaml"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Load = %v, want os.ErrNotExist", err)
		}
	})
}

func TestParseReadsEvalSets(t *testing.T) {
	src := head + "eval_sets:\n  - {name: noisy, corruption: gaussian_noise, severity: 3}\n  - {name: dim, corruption: contrast, severity: 1}\n"
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []data.Shift{{Name: "noisy", Corruption: "gaussian_noise", Severity: 3}, {Name: "dim", Corruption: "contrast", Severity: 1}}
	if !reflect.DeepEqual(s.EvalSets, want) {
		t.Errorf("EvalSets = %+v, want %+v", s.EvalSets, want)
	}
}

func TestParseReadsAttacks(t *testing.T) {
	tests := []struct {
		name, src string
		want      []attack.Attack
		subset    int
	}{
		{"no attacks", head, nil, 0},
		{"two attacks and the default subset", head + "attacks:\n  - {name: fgsm_01, method: fgsm, eps: 0.1}\n" +
			"  - {name: pgd_01, method: pgd, eps: 0.1, steps: 10, alpha: 0.025, random_start: true, norm: 2}\n",
			[]attack.Attack{{Name: "fgsm_01", Method: "fgsm", Eps: 0.1}, {Name: "pgd_01", Method: "pgd", Eps: 0.1, Steps: 10, Alpha: 0.025, RandomStart: true, Norm: 2}},
			attack.DefaultSubset},
		{"a subset", head + "attacks:\n  - {name: f, method: fgsm, eps: 0.3}\nattack_subset: 50\n",
			[]attack.Attack{{Name: "f", Method: "fgsm", Eps: 0.3}}, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Attacks, tt.want) || s.AttackSubset != tt.subset {
				t.Errorf("Attacks = %+v, subset %d; want %+v, %d", s.Attacks, s.AttackSubset, tt.want, tt.subset)
			}
		})
	}
}

func TestRunError(t *testing.T) {
	s, err := Parse("s.yaml", []byte(head+"fixed:\n  arch: cnn\naxes:\n  augment: [[], [flip]]\n"))
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{"augment": "flip"}
	axisText := func(key string) (string, bool) { v, ok := values[key]; return v, ok }
	for _, tt := range []struct {
		name string
		err  error
		want string // the *Error's text
	}{
		{"a field of an axis point is located at that point",
			fmt.Errorf("train: %w", &models.FieldError{Field: "augment", Msg: `"flip": not images`}),
			`s.yaml:6:17: axes.augment: run r: "flip": not images`},
		{"a fixed field is located at its value",
			fmt.Errorf("train: cnn: %w", &models.FieldError{Field: "arch", Msg: "cnn needs image data"}),
			"s.yaml:4:9: fixed.arch: run r: cnn needs image data"},
		{"a field left at its default has no line",
			&models.FieldError{Field: "patience", Msg: "patience 2 needs validation rows"},
			"s.yaml: patience: run r: patience 2 needs validation rows"},
		{"another error keeps its message, with no field or line",
			errors.New("train: data has no training rows"),
			"s.yaml: run r: train: data has no training rows"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := s.RunError("r", axisText, tt.err)
			if e.Error() != tt.want {
				t.Errorf("RunError = %q, want %q", e.Error(), tt.want)
			}
			if !errors.Is(e, tt.err) {
				t.Errorf("RunError does not wrap %v", tt.err)
			}
		})
	}
}
