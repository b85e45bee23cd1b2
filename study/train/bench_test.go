package train

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/spec"
)

// BenchmarkRunSeedMLP trains the seed configuration (784→64→32→10, Adam
// lr 1e-3, batch 64) for 5 epochs on 10 000 random MNIST-shaped rows, the
// workload that PyTorch runs in about 0.7 s on one thread
// (scripts/peers/torch_mlp.py MNIST_DIR 10000 5 SEED).
func BenchmarkRunSeedMLP(b *testing.B) {
	const n, in, classes = 10000, 784, 10
	rng := rand.New(rand.NewPCG(1, 2))
	d := &data.Set{Name: "random", In: in, Height: 28, Width: 28, Chans: 1, Classes: classes}
	d.TrainX = make([]float32, n*in)
	for i := range d.TrainX {
		d.TrainX[i] = rng.Float32()
	}
	d.TrainY = make([]int, n)
	for i := range d.TrainY {
		d.TrainY[i] = rng.IntN(classes)
	}
	cfg := spec.Config{
		Options:  models.Options{Arch: "mlp"},
		Settings: optim.Settings{Optimizer: "adam", LR: 1e-3},
		Batch:    64, Epochs: 5,
	}
	for b.Loop() {
		if _, err := Run(context.Background(), Job{Config: cfg, Data: d}); err != nil {
			b.Fatal(err)
		}
	}
}
