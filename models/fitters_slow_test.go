package models_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/train"
)

// TestMNISTFitterAccuracy fits each non-gradient architecture with its
// default options on the 60 000 MNIST training images and checks its
// accuracy on the 10 000 test images against the published level of
// issue 3. knn alone takes a minute or more, so it runs only when
// STUDY_SLOW=1:
//
//	STUDY_SLOW=1 go test -run TestMNISTFitterAccuracy -timeout 1h -v ./models/
func TestMNISTFitterAccuracy(t *testing.T) {
	if os.Getenv("STUDY_SLOW") != "1" {
		t.Skip("set STUDY_SLOW=1 to fit on full MNIST")
	}
	d, err := data.Load(data.Spec{Name: "mnist", NoVal: true}, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		arch string
		want float64
	}{
		{"naive_bayes", 0.55},
		{"tree", 0.85},
		{"knn", 0.96},
	}
	for _, tt := range tests {
		t.Run(tt.arch+" reaches its published test accuracy", func(t *testing.T) {
			cfg := spec.Default()
			cfg.Options = models.Options{Arch: tt.arch}
			cfg.Seed, cfg.InitSeed, cfg.OrderSeed, cfg.AugSeed = 1, 1, 1, 1
			start := time.Now()
			res, err := train.Run(context.Background(), train.Job{Config: cfg, SpecSeed: 1, Data: d})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: test accuracy %.4f in %v", tt.arch, res.TestAccuracy, time.Since(start).Round(time.Second))
			if res.TestAccuracy < tt.want {
				t.Errorf("%s test accuracy %.4f, want ≥ %.3f", tt.arch, res.TestAccuracy, tt.want)
			}
		})
	}
}
