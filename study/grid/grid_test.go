package grid

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
	"github.com/study-harness/study/study/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// init registers the augmentations that the tests and the shipped sweeps
// use; study/train registers them in a real build.
func init() {
	for _, a := range []string{"noise", "rotate", "shift"} {
		if !slices.Contains(spec.AugmentNames(), a) {
			spec.RegisterAugment(a)
		}
	}
}

func parse(t testing.TB, body string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse("g.yaml", []byte("name: g\nseed: 7\ndataset: {name: moons}\n"+body))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func names(runs []Run) []string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = r.Name
	}
	return out
}

func TestExpand(t *testing.T) {
	cases := []struct {
		name string
		body string
		want []string // run names in order
	}{
		{"axes expand in written order with the last axis fastest",
			"axes:\n  arch: [logreg, mlp]\n  seed: [1, 2]\n",
			[]string{"arch=logreg seed=1", "arch=logreg seed=2", "arch=mlp seed=1", "arch=mlp seed=2"}},
		{"reordering the axes reorders the grid",
			"axes:\n  seed: [1, 2]\n  arch: [logreg, mlp]\n",
			[]string{"seed=1 arch=logreg", "seed=1 arch=mlp", "seed=2 arch=logreg", "seed=2 arch=mlp"}},
		{"a zip group varies its keys together after the axes",
			"axes: {arch: [logreg, mlp]}\nzip:\n  - {optimizer: [sgd, adam], lr: [0.1, 0.001]}\n",
			[]string{"arch=logreg optimizer=sgd lr=0.1", "arch=logreg optimizer=adam lr=0.001", "arch=mlp optimizer=sgd lr=0.1", "arch=mlp optimizer=adam lr=0.001"}},
		{"an exclude entry drops the runs matching all its keys",
			"axes:\n  arch: [logreg, mlp]\n  augment: [none, flip]\nexclude:\n  - {arch: logreg, augment: flip}\n",
			[]string{"arch=logreg augment=none", "arch=mlp augment=none", "arch=mlp augment=flip"}},
		{"an exclude entry may name a key of a zip group",
			"axes: {arch: [logreg, mlp]}\nzip:\n  - {optimizer: [sgd, adam], lr: [0.1, 0.001]}\nexclude:\n  - {arch: mlp, lr: 0.1}\n",
			[]string{"arch=logreg optimizer=sgd lr=0.1", "arch=logreg optimizer=adam lr=0.001", "arch=mlp optimizer=adam lr=0.001"}},
		{"several exclude entries each drop their runs",
			"axes: {seed: [1, 2, 3]}\nexclude:\n  - {seed: 1}\n  - {seed: 3}\n",
			[]string{"seed=2"}},
		{"an axis of one value is left out of names",
			"axes:\n  arch: [mlp]\n  seed: [1, 2]\n",
			[]string{"seed=1", "seed=2"}},
		{"a grid where nothing varies is named after the spec",
			"axes: {arch: [mlp]}\n",
			[]string{"g"}},
		{"a spec without axes is one run named after the spec",
			"",
			[]string{"g"}},
		{"list values are joined by + and the empty list is none",
			"axes: {augment: [none, flip, [flip, noise]]}\n",
			[]string{"augment=none", "augment=flip", "augment=flip+noise"}},
		{"floats are written in their shortest form",
			"axes: {lr: [1e-3, 0.10, 2]}\n",
			[]string{"lr=0.001", "lr=0.1", "lr=2"}},
		{"excluding every run leaves an empty grid",
			"axes: {seed: [1]}\nexclude:\n  - {seed: 1}\n",
			[]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := parse(t, c.body)
			runs, err := Expand(s, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(runs); !reflect.DeepEqual(got, c.want) {
				t.Errorf("names:\n%q\nwant:\n%q", got, c.want)
			}
			for i, r := range runs {
				if r.Index != i {
					t.Errorf("run %d has Index %d", i, r.Index)
				}
			}
			n, err := Size(s, 0)
			if err != nil || n != len(runs) {
				t.Errorf("Size = %d, %v; Expand made %d runs", n, err, len(runs))
			}
		})
	}
}

func TestRunContents(t *testing.T) {
	s := parse(t, "fixed: {epochs: 3}\naxes:\n  arch: [logreg, mlp]\n  augment: [none, [flip, noise]]\nzip:\n  - {optimizer: [sgd], lr: [0.5]}\n")
	runs, err := Expand(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("values list every axis key, varying or not", func(t *testing.T) {
		want := []KV{{"arch", "mlp"}, {"augment", "flip+noise"}, {"optimizer", "sgd"}, {"lr", "0.5"}}
		if got := runs[3].Values; !reflect.DeepEqual(got, want) {
			t.Errorf("Values = %v, want %v", got, want)
		}
	})
	t.Run("configs combine defaults, fixed values and points", func(t *testing.T) {
		c := runs[3].Config
		if c.Arch != "mlp" || c.Epochs != 3 || c.Batch != spec.DefaultBatch || c.Optimizer != "sgd" || c.LR != 0.5 || !reflect.DeepEqual(c.Augment, []string{"flip", "noise"}) {
			t.Errorf("config %+v", c)
		}
	})
	t.Run("runs do not share slices", func(t *testing.T) {
		runs[1].Config.Augment[0] = "changed"
		if runs[3].Config.Augment[0] != "flip" {
			t.Error("changing one run's augment list changed another's")
		}
	})
}

func TestSeeds(t *testing.T) {
	type seeds struct{ seed, init, order, aug int64 }
	get := func(r Run) seeds {
		return seeds{r.Config.Seed, r.Config.InitSeed, r.Config.OrderSeed, r.Config.AugSeed}
	}
	cases := []struct {
		name string
		body string
		want []seeds
	}{
		{"without a seed axis every stream uses the spec seed", "", []seeds{{7, 7, 7, 7}}},
		{"a fixed seed replaces the spec seed", "fixed: {seed: 3}\n", []seeds{{3, 3, 3, 3}}},
		{"sweeping seed moves all three streams", "axes: {seed: [1, 2]}\n", []seeds{{1, 1, 1, 1}, {2, 2, 2, 2}}},
		{"sweeping seed leaves an explicitly fixed stream alone", "fixed: {init_seed: 9}\naxes: {seed: [1, 2]}\n", []seeds{{1, 9, 1, 1}, {2, 9, 2, 2}}},
		{"an init_seed axis varies only the init stream", "axes: {init_seed: [1, 2]}\n", []seeds{{7, 1, 7, 7}, {7, 2, 7, 7}}},
		{"an order_seed axis varies only the order stream", "axes: {order_seed: [1, 2]}\n", []seeds{{7, 7, 1, 7}, {7, 7, 2, 7}}},
		{"seed and init_seed axes combine", "axes: {seed: [1, 2], init_seed: [5]}\n", []seeds{{1, 5, 1, 1}, {2, 5, 2, 2}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runs, err := Expand(parse(t, c.body), 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []seeds
			for _, r := range runs {
				got = append(got, get(r))
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("seeds (seed, init, order, aug) = %v, want %v", got, c.want)
			}
		})
	}
}

// bigAxes returns an axes section of k axes with n values each (under
// optimizer sgd, which has the momentum of the eighth).
func bigAxes(k, n int) string {
	keys := []string{"seed", "init_seed", "order_seed", "aug_seed", "batch", "epochs", "widths", "momentum"}
	var b strings.Builder
	b.WriteString("axes:\n")
	for a := 0; a < k; a++ {
		fmt.Fprintf(&b, "  %s: [", keys[a])
		for i := 1; i <= n; i++ {
			if i > 1 {
				b.WriteString(", ")
			}
			if keys[a] == "momentum" {
				fmt.Fprintf(&b, "%g", float64(i)/float64(n+1))
			} else {
				fmt.Fprint(&b, i)
			}
		}
		b.WriteString("]\n")
	}
	b.WriteString("fixed: {optimizer: sgd}\n")
	return b.String()
}

func TestCap(t *testing.T) {
	cases := []struct {
		name      string
		body      string
		cap       int
		size      int // -1: over the cap
		wantTotal string
	}{
		{"a grid at the cap is accepted", bigAxes(2, 10), 100, 100, ""},
		{"a grid one over the cap is refused", bigAxes(2, 10), 99, -1, "10×10"},
		{"the default cap refuses a million runs", bigAxes(3, 100), 0, -1, "100×100×100"},
		{"a product that overflows int is refused, not wrapped", bigAxes(8, 300), math.MaxInt, -1, "300×300"},
		{"the cap applies before exclusions", bigAxes(2, 10) + "exclude:\n  - {seed: 1}\n", 99, -1, "10×10"},
		{"exclusions are counted below the cap", bigAxes(2, 10) + "exclude:\n  - {seed: 1}\n  - {init_seed: 2, seed: 3}\n", 100, 89, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := parse(t, c.body)
			n, err := Size(s, c.cap)
			if c.size >= 0 {
				if err != nil || n != c.size {
					t.Fatalf("Size = %d, %v, want %d", n, err, c.size)
				}
				return
			}
			var e *spec.Error
			if !errors.As(err, &e) || e.Field != "axes" || e.Line != 5 || !strings.Contains(e.Msg, c.wantTotal) {
				t.Fatalf("Size error = %v, want a *spec.Error at line 5 (the first axis), field axes, naming %s", err, c.wantTotal)
			}
			if _, err := Expand(s, c.cap); !errors.As(err, &e) {
				t.Errorf("Expand error = %v, want the cap error", err)
			}
		})
	}
}

func TestFactorsJoinTheKeysOfAZipGroup(t *testing.T) {
	s := parse(t, "axes: {arch: [logreg, mlp]}\nzip:\n  - {optimizer: [sgd, adam], lr: [0.1, 0.001]}\n")
	runs, err := Expand(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []KV{{"arch", "mlp"}, {"optimizer/lr", "adam/0.001"}}
	if got := runs[3].Factors; !reflect.DeepEqual(got, want) {
		t.Errorf("factors of %s = %v, want %v", runs[3].Name, got, want)
	}
	if len(runs[3].Values) != 3 {
		t.Errorf("values = %v, want one per key", runs[3].Values)
	}
}

func TestExpandErrors(t *testing.T) {
	t.Run("an invalid hand-made value is located at its line", func(t *testing.T) {
		s := parse(t, "axes: {lr: [0.1, 0.2]}\n")
		s.Axes[0].Points[1][0].V = -1.0
		_, err := Expand(s, 0)
		var e *spec.Error
		if !errors.As(err, &e) || e.Field != "axes.lr" || e.Line != 4 {
			t.Errorf("Expand = %v, want an error at axes.lr line 4", err)
		}
	})
	t.Run("two runs with the same name are an error", func(t *testing.T) {
		s := parse(t, "axes: {lr: [0.1, 0.2]}\n")
		s.Axes[0].Points[1][0].Text = "0.1"
		if _, err := Expand(s, 0); err == nil || !strings.Contains(err.Error(), "same name") {
			t.Errorf("Expand = %v, want a duplicate-name error", err)
		}
	})
	t.Run("an axis without points is an error, not a panic", func(t *testing.T) {
		s := parse(t, "axes: {lr: [0.1, 0.2]}\n")
		s.Axes[0].Points = nil
		if _, err := Size(s, 0); err == nil {
			t.Error("Size accepted an empty axis")
		}
	})
}

func TestCanonical(t *testing.T) {
	s := parse(t, "axes:\n  arch: [logreg, mlp]\n  augment: [none, flip]\nzip:\n  - {optimizer: [sgd, adam], lr: [0.1, 0.001]}\n")
	runs, err := Expand(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("encodings match the golden file", func(t *testing.T) {
		// Regenerate with: go test ./study/grid -run TestCanonical -update
		var b bytes.Buffer
		for _, r := range runs {
			fmt.Fprintf(&b, "%s\t%s\n", r.Name, Canonical(r.Config))
		}
		const golden = "testdata/canonical.golden"
		if *update {
			if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("canonical encodings changed; run ids would change:\n%s\nwant:\n%s", b.Bytes(), want)
		}
	})
	t.Run("nil and empty slices encode the same", func(t *testing.T) {
		a, b := spec.Default(), spec.Default()
		a.Augment, b.Augment = nil, []string{}
		a.Widths, b.Widths = nil, []int{}
		if x, y := Canonical(a), Canonical(b); !bytes.Equal(x, y) {
			t.Errorf("%s != %s", x, y)
		}
	})
	t.Run("encoding does not change the config", func(t *testing.T) {
		c := spec.Default()
		c.Augment = nil
		Canonical(c)
		if c.Augment != nil {
			t.Error("Canonical changed its argument")
		}
	})
	t.Run("the fallback encoder matches encoding/json on finite configs", func(t *testing.T) {
		cs := []spec.Config{spec.Default(), {}, runs[3].Config}
		mu := 0.9
		c := spec.Default()
		c.Options = models.Options{Arch: "mlp", Widths: []int{3, 4}, Activation: "tanh", Dropout: 0.5}
		c.Settings = optim.Settings{Optimizer: "sgd", LR: 1e-300, L2: math.Copysign(0, -1), Momentum: &mu}
		cs = append(cs, c)
		for _, c := range cs {
			v := reflect.ValueOf(&c).Elem()
			normalise(v)
			want, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			encode(&got, v)
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("fallback %s\njson     %s", got.Bytes(), want)
			}
		}
	})
	t.Run("non-finite numbers are written as strings", func(t *testing.T) {
		c := spec.Default()
		c.LR, c.L2, c.Dropout = math.NaN(), math.Inf(1), math.Inf(-1)
		got := string(Canonical(c))
		for _, want := range []string{`"lr":"NaN"`, `"l2":"+Inf"`, `"dropout":"-Inf"`} {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %s", got, want)
			}
		}
	})
}

func TestDescribe(t *testing.T) {
	s, err := spec.Load("../spec/testdata/good/grid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the summary lists fixed values, axes, excludes and the size", func(t *testing.T) {
		var b bytes.Buffer
		if err := Describe(&b, s, 0); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{"spec grid", "dataset mnist", "epochs", "logreg, mlp (2)", "0.1, 0.001 (2)", "zip[0]", "exclude arch=logreg augment=flip", "grid: 18 runs (2×2×3×2 = 24, 6 excluded)"} {
			if !strings.Contains(out, want) {
				t.Errorf("summary lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("a grid over the cap is reported", func(t *testing.T) {
		if err := Describe(&bytes.Buffer{}, s, 10); err == nil {
			t.Error("Describe accepted a grid over the cap")
		}
	})
}
