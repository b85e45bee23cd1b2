package optim_test

import (
	"math"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
)

func TestLRAtFollowsTheSchedule(t *testing.T) {
	// 10 steps per epoch, 9 epochs: 90 steps in all.
	const spe, total = 10, 90
	tests := []struct {
		name string
		s    optim.Settings
		step int
		want float64
	}{
		{"constant is the base rate at the first step", optim.Settings{LR: 0.1}, 0, 0.1},
		{"constant is the base rate at the last step", optim.Settings{LR: 0.1, Schedule: "constant"}, 89, 0.1},
		{"step keeps the base rate in the first period", optim.Settings{LR: 1, Schedule: "step", StepSize: 2, Gamma: 0.5}, 19, 1},
		{"step decays by gamma after step_size epochs", optim.Settings{LR: 1, Schedule: "step", StepSize: 2, Gamma: 0.5}, 20, 0.5},
		{"step decays twice after two periods", optim.Settings{LR: 1, Schedule: "step", StepSize: 2, Gamma: 0.5}, 45, 0.25},
		{"step defaults to gamma 0.1 every epochs/3 epochs", optim.Settings{LR: 1, Schedule: "step"}, 30, 0.1},
		{"step with defaults is still the base rate before epochs/3", optim.Settings{LR: 1, Schedule: "step"}, 29, 1},
		{"step with defaults decays twice at two thirds", optim.Settings{LR: 1, Schedule: "step"}, 60, 0.01},
		{"cosine starts at the base rate", optim.Settings{LR: 0.2, Schedule: "cosine"}, 0, 0.2},
		{"cosine is half the base rate half way", optim.Settings{LR: 0.2, Schedule: "cosine"}, 45, 0.1},
		{"cosine nears 0 at the last step", optim.Settings{LR: 0.2, Schedule: "cosine"}, 89, 0.2 * (1 + math.Cos(math.Pi*89/90)) / 2},
		{"warm-up starts at base/warmup", optim.Settings{LR: 1, Warmup: 4}, 0, 0.25},
		{"warm-up rises linearly", optim.Settings{LR: 1, Warmup: 4}, 2, 0.75},
		{"warm-up reaches the base rate at its last step", optim.Settings{LR: 1, Warmup: 4}, 3, 1},
		{"warm-up is over after warmup steps", optim.Settings{LR: 1, Warmup: 4}, 4, 1},
		{"warm-up composes with cosine", optim.Settings{LR: 1, Schedule: "cosine", Warmup: 10}, 4, 0.5 * (1 + math.Cos(math.Pi*4/90)) / 2},
		{"warm-up composes with step", optim.Settings{LR: 1, Schedule: "step", StepSize: 1, Gamma: 0.5, Warmup: 20}, 14, 0.5 * 15.0 / 20},
		{"a step past the end is clamped to the last step", optim.Settings{LR: 0.2, Schedule: "cosine"}, 500, 0.2 * (1 + math.Cos(math.Pi*89/90)) / 2},
		{"a negative step is clamped to the first step", optim.Settings{LR: 0.2, Schedule: "cosine"}, -3, 0.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.LRAt(tt.step, spe, total)
			if math.Abs(got-tt.want) > 1e-12 {
				t.Fatalf("LRAt(%d) = %v, want %v", tt.step, got, tt.want)
			}
		})
	}
}

func TestLRAtWithDegenerateCounts(t *testing.T) {
	tests := []struct {
		name               string
		s                  optim.Settings
		stepsPerEpoch, tot int
		want               float64
	}{
		{"zero steps per epoch are treated as one", optim.Settings{LR: 1, Schedule: "step", StepSize: 1, Gamma: 0.5}, 0, 4, 1},
		{"zero total steps are treated as one", optim.Settings{LR: 1, Schedule: "cosine"}, 1, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.LRAt(0, tt.stepsPerEpoch, tt.tot)
			if math.IsNaN(got) || math.Abs(got-tt.want) > 1e-12 {
				t.Fatalf("LRAt = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClipGradNorm(t *testing.T) {
	tests := []struct {
		name     string
		grads    [][]float32
		maxNorm  float64
		wantNorm float64
		want     [][]float32
	}{
		{"a norm above the limit is scaled down to it", [][]float32{{3}, {4, 0}}, 1, 5, [][]float32{{0.6}, {0.8, 0}}},
		{"the norm is global over all parameters", [][]float32{{1, 1}, {1, 1}}, 1, 2, [][]float32{{0.5, 0.5}, {0.5, 0.5}}},
		{"a norm below the limit is left alone", [][]float32{{0.3}, {0.4}}, 1, 0.5, [][]float32{{0.3}, {0.4}}},
		{"a zero limit only measures", [][]float32{{30}, {40}}, 0, 50, [][]float32{{30}, {40}}},
		{"zero gradients stay zero", [][]float32{{0, 0}}, 1, 0, [][]float32{{0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := make([]*models.Param, len(tt.grads))
			for i, g := range tt.grads {
				params[i] = &models.Param{W: make([]float32, len(g)), G: append([]float32(nil), g...)}
			}
			norm := optim.ClipGradNorm(params, tt.maxNorm)
			if math.Abs(norm-tt.wantNorm) > 1e-6 {
				t.Fatalf("norm %v, want %v", norm, tt.wantNorm)
			}
			var after float64
			for i, p := range params {
				for j, g := range p.G {
					after += float64(g) * float64(g)
					if math.Abs(float64(g-tt.want[i][j])) > 1e-5 {
						t.Fatalf("gradient %d[%d] = %v, want %v", i, j, g, tt.want[i][j])
					}
				}
			}
			if tt.maxNorm > 0 && math.Sqrt(after) > tt.maxNorm+1e-6 {
				t.Fatalf("norm after clipping %v exceeds %v", math.Sqrt(after), tt.maxNorm)
			}
		})
	}
}
