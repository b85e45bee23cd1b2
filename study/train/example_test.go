package train_test

import (
	"context"
	"fmt"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/train"
)

func ExampleRun() {
	// Two classes on a line: x < 0 is class 0, x > 0 is class 1.
	xs := []float32{-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2}
	ys := []int{0, 0, 0, 0, 1, 1, 1, 1}
	d := &data.Set{Name: "line", In: 1, Classes: 2,
		TrainX: xs, TrainY: ys, TestX: xs, TestY: ys}
	cfg := spec.Config{
		Options:  models.Options{Arch: "logreg"},
		Settings: optim.Settings{Optimizer: "sgd", LR: 0.5},
		Batch:    4, Epochs: 20,
	}
	res, err := train.Run(context.Background(), train.Job{Config: cfg, Data: d, Binary: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("epochs:", len(res.Loss), "test accuracy:", res.TestAccuracy)
	fmt.Println("predictions:", res.TestPred)
	// Output:
	// epochs: 20 test accuracy: 1
	// predictions: [0 0 0 0 1 1 1 1]
}
