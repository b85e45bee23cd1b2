package grid

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/study-harness/study/study/spec"
)

const sharingAxes = `axes:
  role: [pretrain, finetune]
  init: [scratch, {from: "role=pretrain seed=1"}, {from: "role=pretrain seed={seed}", freeze: [layer0]}]
  seed: [1, 2]
exclude:
  - {role: pretrain, init: {from: "role=pretrain seed=1"}}
  - {role: pretrain, init: {from: "role=pretrain seed={seed}", freeze: [layer0]}}
`

func TestParents(t *testing.T) {
	runs, err := Expand(parse(t, sharingAxes), 0)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Run{}
	for _, r := range runs {
		byName[r.Name] = r
	}
	idx := func(name string) int {
		r, ok := byName[name]
		if !ok {
			t.Fatalf("no run %q in %v", name, names(runs))
		}
		return r.Index
	}
	pre1, pre2 := idx("role=pretrain init=scratch seed=1"), idx("role=pretrain init=scratch seed=2")
	cases := []struct {
		name string
		run  string
		want []int
	}{
		{"a run from scratch has no parent", "role=finetune init=scratch seed=2", nil},
		{"a selector without placeholders names one shared parent for seed 1", "role=finetune init=from(role=pretrain seed=1) seed=1", []int{pre1}},
		{"a selector without placeholders names the same parent for seed 2", "role=finetune init=from(role=pretrain seed=1) seed=2", []int{pre1}},
		{"a placeholder binds to the run's own seed 1", "role=finetune init=from(role=pretrain seed={seed}) freeze(layer0) seed=1", []int{pre1}},
		{"a placeholder binds to the run's own seed 2", "role=finetune init=from(role=pretrain seed={seed}) freeze(layer0) seed=2", []int{pre2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := byName[c.run].Parents; !reflect.DeepEqual(got, c.want) {
				t.Errorf("parents of %q = %v, want %v", c.run, got, c.want)
			}
		})
	}
	t.Run("every parent saves its weights and no other run does", func(t *testing.T) {
		for _, r := range runs {
			want := r.Index == pre1 || r.Index == pre2
			if r.Config.SaveWeights != want {
				t.Errorf("%s: save_weights %v, want %v", r.Name, r.Config.SaveWeights, want)
			}
		}
	})
	t.Run("a run's root is the root of its parent", func(t *testing.T) {
		roots := Roots(runs)
		for _, r := range runs {
			want := r.Index
			if len(r.Parents) > 0 {
				want = r.Parents[0]
			}
			if roots[r.Index] != want {
				t.Errorf("%s: root %d, want %d", r.Name, roots[r.Index], want)
			}
		}
	})
}

func TestParentErrors(t *testing.T) {
	cases := []struct {
		name string
		body string
		line int // the line of the init value, after the 3-line header
		want string
	}{
		{"a selector that matches nothing is a missing parent",
			"axes:\n  seed: [1, 2]\n  init: [scratch, {from: \"seed=3\"}]\n", 6, `missing parent: run "seed=1 init=from(seed=3)" starts from "seed=3"`},
		{"a placeholder that binds to a missing run is a missing parent",
			"axes:\n  role: [pretrain, finetune]\n  seed: [1, 2]\n  init: [scratch, {from: \"role=pretrain seed={seed} arch=logreg\"}]\n", 7, `starts from "role=pretrain seed=1 arch=logreg", which matches no run`},
		{"a selector that matches two runs is ambiguous",
			"axes:\n  seed: [1, 2]\n  init: [scratch, {from: \"init=scratch\"}]\n", 6, `ambiguous parent: run "seed=1 init=from(init=scratch)" starts from "init=scratch", which matches 2 runs`},
		{"two runs that start from each other are a cycle",
			"zip:\n  - role: [a, b]\n    init: [{from: \"role=b\"}, {from: \"role=a\"}]\n", 6, `dependency cycle: "role=a init=from(role=b)" starts from "role=b init=from(role=a)" starts from "role=a init=from(role=b)"`},
		{"a run that starts from itself is a cycle",
			"fixed: {init: {from: \"seed=7\"}}\n", 4, `dependency cycle: "g" starts from "g"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Expand(parse(t, c.body), 0)
			var se *spec.Error
			if !errors.As(err, &se) || !errors.Is(err, ErrDependency) {
				t.Fatalf("error %v, want a *spec.Error wrapping ErrDependency", err)
			}
			if !strings.Contains(se.Msg, c.want) {
				t.Errorf("message %q, want it to contain %q", se.Msg, c.want)
			}
			if se.Line != c.line {
				t.Errorf("line %d, want %d (%v)", se.Line, c.line, err)
			}
		})
	}
}

func TestInitSpecErrors(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"init must be scratch or a mapping", "fixed: {init: pretrained}\n", `want scratch or a mapping {from: SELECTOR, freeze: [PREFIXES]}, got string "pretrained"`},
		{"a selector key must be a run field", "fixed: {init: {from: \"colour=red\"}}\n", `selector key "colour" is not a run field`},
		{"a placeholder must name a run field", "fixed: {init: {from: \"seed={colour}\"}}\n", `placeholder {colour} names no run field`},
		{"freeze without from is refused", "fixed: {init: {freeze: [layer0]}}\n", "freeze needs from"},
		{"an unknown init key is refused", "fixed: {init: {frm: \"seed=1\"}}\n", `unknown key "frm"`},
		{"run-level labels need role pretrain", "fixed: {labels: [0, 1]}\n", "must have role pretrain"},
		{"run-level positive classes may not repeat", "fixed: {role: pretrain, positive: [1, 1]}\n", "repeat"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := spec.Parse("g.yaml", []byte("name: g\nseed: 7\ndataset: {name: moons}\n"+c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestInitKeepsOldIDs(t *testing.T) {
	s := parse(t, "fixed: {init: scratch, role: \"\", save_weights: false, labels: none}\n")
	runs, err := Expand(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := Expand(parse(t, ""), 0)
	if a, b := string(Canonical(runs[0].Config)), string(Canonical(plain[0].Config)); a != b {
		t.Errorf("a config that spells out the defaults of the sharing fields encodes as\n%s\nwant\n%s", a, b)
	}
}
