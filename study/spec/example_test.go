package spec_test

import (
	"fmt"

	"github.com/study-harness/study/study/spec"
)

func ExampleParse_error() {
	_, err := spec.Parse("sweeps/x.yaml", []byte(`name: x
dataset: {name: moons}
axes:
  lr: [0.1,
       -1]
`))
	fmt.Println(err)
	// Output:
	// sweeps/x.yaml:5:8: axes.lr: lr -1 must be a finite number > 0
}
