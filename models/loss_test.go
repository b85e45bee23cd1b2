package models_test

import (
	"math"
	"testing"

	"github.com/study-harness/study/models"
)

func TestLossesMatchHandComputedValues(t *testing.T) {
	ln2 := math.Log(2)
	tests := []struct {
		name     string
		logits   []float32
		y        []int
		out      int
		wantLoss float64
		wantGrad []float32
	}{
		{"softmax with equal logits costs log C", []float32{0, 0, 3, 3}, []int{1, 0}, 2, ln2,
			[]float32{0.25, -0.25, -0.25, 0.25}},
		{"softmax with huge logits does not overflow", []float32{1000, 0}, []int{0}, 2, 0, []float32{0, 0}},
		{"softmax with a huge wrong logit costs its margin", []float32{0, 1000}, []int{0}, 2, 1000, []float32{-1, 1}},
		{"sigmoid at zero costs log 2", []float32{0, 0}, []int{1, 0}, 1, ln2, []float32{-0.25, 0.25}},
		{"sigmoid with huge logits does not overflow", []float32{-1000, 1000}, []int{0, 1}, 1, 0, []float32{0, 0}},
		{"sigmoid with a huge wrong logit costs its size", []float32{-1000}, []int{1}, 1, 1000, []float32{-1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(tt.y)
			grad := make([]float32, len(tt.logits))
			var loss float64
			if tt.out == 1 {
				loss = models.SigmoidCrossEntropy(tt.logits, tt.y, n, grad)
			} else {
				loss = models.SoftmaxCrossEntropy(tt.logits, tt.y, n, tt.out, grad)
			}
			if math.Abs(loss-tt.wantLoss) > 1e-9*(1+tt.wantLoss) {
				t.Fatalf("loss = %v, want %v", loss, tt.wantLoss)
			}
			for i := range grad {
				if math.Abs(float64(grad[i]-tt.wantGrad[i])) > 1e-7 {
					t.Fatalf("grad = %v, want %v", grad, tt.wantGrad)
				}
			}
		})
	}
}

func TestProbaGivesDistributions(t *testing.T) {
	tests := []struct {
		name   string
		logits []float32
		out    int
		want   []float32
	}{
		{"one sigmoid unit gives [1−p, p]", []float32{0, 1000}, 1, []float32{0.5, 0.5, 0, 1}},
		{"softmax of equal logits is uniform", []float32{2, 2, 2, 2}, 4, []float32{0.25, 0.25, 0.25, 0.25}},
		{"softmax of huge logits does not overflow", []float32{1000, 0}, 2, []float32{1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]float32, len(tt.want))
			models.Proba(tt.logits, len(tt.want)/max(tt.out, 2), tt.out, got)
			for i := range got {
				if math.Abs(float64(got[i]-tt.want[i])) > 1e-7 {
					t.Fatalf("Proba = %v, want %v", got, tt.want)
				}
			}
		})
	}
}
