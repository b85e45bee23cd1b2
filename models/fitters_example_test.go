package models_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/study-harness/study/models"
)

// A Fitter is built by name like any architecture, trained by one Fit
// call, and gives class probabilities.
func ExampleFitter() {
	s := models.Shape{In: 1, Classes: 2, Out: 1}
	x := []float32{0.1, 0.2, 0.3, 0.7, 0.8, 0.9}
	y := []int{0, 0, 0, 1, 1, 1}
	for _, o := range []models.Options{
		{Arch: "tree", MaxDepth: 1},
		{Arch: "knn", K: 3},
		{Arch: "naive_bayes"},
	} {
		m, err := models.New(s, o, rand.New(rand.NewPCG(1, 0)))
		if err != nil {
			fmt.Println(err)
			return
		}
		f := m.(models.Fitter)
		if err := f.Fit(x, y, len(y)); err != nil {
			fmt.Println(err)
			return
		}
		p := make([]float32, 2*2)
		f.Proba([]float32{0.25, 0.52}, 2, p)
		fmt.Printf("%-11s P(1 | 0.25) = %.2f, P(1 | 0.52) = %.2f\n", o.Arch, p[1], p[3])
	}
	// Output:
	// tree        P(1 | 0.25) = 0.00, P(1 | 0.52) = 1.00
	// knn         P(1 | 0.25) = 0.00, P(1 | 0.52) = 0.67
	// naive_bayes P(1 | 0.25) = 0.00, P(1 | 0.52) = 0.86
}
