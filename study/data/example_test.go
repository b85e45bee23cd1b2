package data_test

import (
	"fmt"

	"github.com/study-harness/study/study/data"
)

func ExampleLoad() {
	set, err := data.Load(data.Spec{Name: "moons", Train: 500, Test: 200}, 1, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(set)
	fmt.Println(set.Shape().Out, "output unit")
	// Output:
	// moons: 450 train, 50 val, 200 test, 2 features, 2 classes
	// 1 output unit
}

func ExampleSpec_Validate() {
	err := data.Spec{Name: "mnist", Train: 70000}.Validate()
	fmt.Println(err)
	// Output:
	// dataset.train: 70000 instances requested, mnist has 60000
}
