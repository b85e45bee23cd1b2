package grid_test

import (
	"fmt"

	"github.com/study-harness/study/study/grid"
	"github.com/study-harness/study/study/spec"
)

func Example() {
	src := []byte(`
name: demo
dataset: {name: moons}
fixed: {epochs: 3}
axes:
  arch: [logreg, mlp]
  seed: [1, 2]
exclude:
  - {arch: logreg, seed: 2}
`)
	s, err := spec.Parse("demo.yaml", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	runs, err := grid.Expand(s, grid.DefaultCap)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range runs {
		fmt.Printf("%d %s: epochs %d, init seed %d\n", r.Index, r.Name, r.Config.Epochs, r.Config.InitSeed)
	}
	// Output:
	// 0 arch=logreg seed=1: epochs 3, init seed 1
	// 1 arch=mlp seed=1: epochs 3, init seed 1
	// 2 arch=mlp seed=2: epochs 3, init seed 2
}

func ExampleSize() {
	s, err := spec.Parse("big.yaml", []byte("name: big\ndataset: {name: moons}\naxes:\n  seed: [1, 2, 3]\n  lr: [0.1, 0.01]\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(grid.Size(s, 5))
	// Output:
	// 0 big.yaml:4:3: axes: grid has more than 5 runs (the product of the axis lengths 3×2); shrink the axes or raise --max-runs
}
