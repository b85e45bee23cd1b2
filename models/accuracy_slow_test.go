package models_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/train"
)

// TestMNISTAccuracy trains each neural zoo architecture with its default
// options on the 60 000 MNIST training images and checks its accuracy on
// the 10 000 test images against the published level of issue 3. It
// takes minutes per architecture, so it runs only when STUDY_SLOW=1:
//
//	STUDY_SLOW=1 go test -run 'TestMNISTAccuracy/cnn' -timeout 2h -v ./models/
func TestMNISTAccuracy(t *testing.T) {
	if os.Getenv("STUDY_SLOW") != "1" {
		t.Skip("set STUDY_SLOW=1 to train on full MNIST")
	}
	d, err := data.Load(data.Spec{Name: "mnist", NoVal: true}, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		arch   string
		set    optim.Settings
		batch  int
		epochs int
		want   float64
	}{
		{"logreg", optim.Settings{Optimizer: "adam", LR: 1e-3}, 64, 5, 0.91},
		{"cnn", optim.Settings{Optimizer: "adam", LR: 1e-3}, 64, 3, 0.985},
		{"gru", optim.Settings{Optimizer: "adam", LR: 2e-3, ClipNorm: 1}, 64, 5, 0.97},
		{"transformer", optim.Settings{Optimizer: "adam", LR: 1e-3}, 64, 10, 0.96},
	}
	for _, tt := range tests {
		t.Run(tt.arch+" reaches its published test accuracy", func(t *testing.T) {
			cfg := spec.Default()
			cfg.Options = models.Options{Arch: tt.arch}
			cfg.Settings = tt.set
			cfg.Batch, cfg.Epochs = tt.batch, tt.epochs
			cfg.Seed, cfg.InitSeed, cfg.OrderSeed, cfg.AugSeed = 1, 1, 1, 1
			start := time.Now()
			res, err := train.Run(context.Background(), train.Job{Config: cfg, SpecSeed: 1, Data: d})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: test accuracy %.4f after %d epochs (losses %.4f) in %v",
				tt.arch, res.TestAccuracy, tt.epochs, res.Loss, time.Since(start).Round(time.Second))
			if res.TestAccuracy < tt.want {
				t.Errorf("%s test accuracy %.4f, want ≥ %.3f", tt.arch, res.TestAccuracy, tt.want)
			}
		})
	}
}
