package grid

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/study-harness/study/study/spec"
)

func TestRefuseTwins(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		runs  int    // when accepted
		line  int    // when refused: the line of the error
		field string // and its field
		msg   string // and a part of its message
	}{
		{"widths swept beside logreg makes logreg twins",
			"axes:\n  arch: [logreg, mlp]\n  widths: [[32], [64]]\n", 0, 6, "axes.widths",
			`runs "arch=logreg widths=32" and "arch=logreg widths=64" train the same model: they differ only in widths`},
		{"an exclude entry for the twin is accepted",
			"axes:\n  arch: [logreg, mlp]\n  widths: [[32], [64]]\nexclude:\n  - {arch: logreg, widths: [64]}\n", 3, 0, "", ""},
		{"fixed widths beside logreg, as in sweeps/grid.yaml, makes no twins",
			"fixed: {widths: [64, 32]}\naxes:\n  arch: [logreg, mlp]\n", 2, 0, "", ""},
		{"gamma swept without the step schedule makes twins",
			"axes:\n  gamma: [0.5, 0.1]\n", 0, 5, "axes.gamma", "differ only in gamma"},
		{"gamma swept with the step schedule is accepted",
			"fixed: {schedule: step}\naxes:\n  gamma: [0.5, 0.1]\n", 2, 0, "", ""},
		{"momentum 0.9 and 0.5 for momentum are two models",
			"axes:\n  optimizer: [momentum]\n  momentum: [0.9, 0.5]\nzip:\n  - {lr: [0.1, 0.01], epochs: [1, 2]}\n", 4, 0, "", ""},
		{"momentum 0 and 0.5 for momentum are two models",
			"fixed: {optimizer: momentum}\naxes:\n  momentum: [0, 0.5]\n", 2, 0, "", ""},
		{"k swept beside mlp makes mlp twins",
			"axes:\n  arch: [knn, mlp]\n  k: [1, 3]\n", 0, 6, "axes.k", `"arch=mlp k=1" and "arch=mlp k=3"`},
		{"data_subset full and the unset default are twins across a zip",
			"zip:\n  - {data_subset: [full, bootstrap], lr: [0.1, 0.1]}\n", 2, 0, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runs, err := Expand(parse(t, c.body), 0)
			if c.msg == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(runs) != c.runs {
					t.Fatalf("%d runs, want %d", len(runs), c.runs)
				}
				return
			}
			var e *spec.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v, want a *spec.Error", err)
			}
			if e.Line != c.line || e.Field != c.field || !strings.Contains(e.Msg, c.msg) {
				t.Errorf("got line %d field %q msg %q; want line %d field %q msg with %q", e.Line, e.Field, e.Msg, c.line, c.field, c.msg)
			}
		})
	}
}

// TestMomentumZero checks that momentum 0 is a value of its own for the
// momentum optimizer (its own config and run id, trained with μ = 0)
// while for sgd, whose default is 0, it is the unset value and keeps the
// run id of a run that leaves momentum out.
func TestMomentumZero(t *testing.T) {
	canon := func(body string) []byte {
		runs, err := Expand(parse(t, body), 0)
		if err != nil {
			t.Fatal(err)
		}
		return Canonical(runs[0].Config)
	}
	if a, b := canon("fixed: {optimizer: momentum, momentum: 0}\n"), canon("fixed: {optimizer: momentum}\n"); bytes.Equal(a, b) {
		t.Errorf("momentum 0 and unset momentum have one canonical config %s", a)
	} else if !bytes.Contains(a, []byte(`"momentum":0,`)) {
		t.Errorf("canonical config %s does not hold momentum 0", a)
	}
	if a, b := canon("fixed: {optimizer: sgd, momentum: 0}\n"), canon("fixed: {optimizer: sgd}\n"); !bytes.Equal(a, b) {
		t.Errorf("sgd with momentum 0 %s differs from sgd %s", a, b)
	}
}

func TestUsedMayChange(t *testing.T) {
	for key, want := range map[string]bool{
		"widths": true, "k": true, "dropout": true, "momentum": true, "gamma": true, "schedule": true, "data_subset": true,
		"arch": false, "seed": false, "lr": false, "optimizer": false, "batch": false, "augment": false,
	} {
		if got := spec.UsedMayChange(key); got != want {
			t.Errorf("UsedMayChange(%q) = %v, want %v", key, got, want)
		}
	}
}
