package report

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/study-harness/study/study/predmat"
)

func TestROC(t *testing.T) {
	tests := []struct {
		name    string
		scores  []float32
		labels  []int32
		wantAUC float64
	}{
		{"a perfect ranking has AUC 1", []float32{0.9, 0.8, 0.2, 0.1}, []int32{1, 1, 0, 0}, 1},
		{"a reversed ranking has AUC 0", []float32{0.1, 0.2, 0.8, 0.9}, []int32{1, 1, 0, 0}, 0},
		{"one swapped pair of four gives 3/4", []float32{0.9, 0.5, 0.6, 0.1}, []int32{1, 1, 0, 0}, 0.75},
		{"tied scores count half", []float32{0.5, 0.5}, []int32{1, 0}, 0.5},
		// Mann–Whitney by hand: positives 0.8, 0.7, 0.3 against
		// negatives 0.7, 0.2, 0.3 win 3 + 2.5 + 1.5 of 9 pairs.
		{"ties across classes count half in the Mann–Whitney sense", []float32{0.8, 0.7, 0.7, 0.3, 0.2, 0.3}, []int32{1, 0, 1, 1, 0, 0}, 7.0 / 9},
		{"no negatives gives NaN", []float32{0.5, 0.6}, []int32{1, 1}, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			curve, auc := ROC(tt.scores, tt.labels)
			if math.IsNaN(tt.wantAUC) {
				if !math.IsNaN(auc) {
					t.Errorf("AUC = %v, want NaN", auc)
				}
				return
			}
			if math.Abs(auc-tt.wantAUC) > 1e-12 {
				t.Errorf("AUC = %v, want %v", auc, tt.wantAUC)
			}
			last := curve[len(curve)-1]
			if curve[0] != (ROCPoint{0, 0}) || last != (ROCPoint{1, 1}) {
				t.Errorf("curve runs from %v to %v, want (0,0) to (1,1)", curve[0], last)
			}
		})
	}
}

// probMatrix is one model's predictions with the given probabilities of
// two classes.
func probMatrix(labels []int32, probs [][2]float32) *predmat.Matrix {
	x := &predmat.Matrix{Models: []string{"m"}, Classes: 2, Labels: labels}
	for _, p := range probs {
		pred := int32(0)
		if p[1] > p[0] {
			pred = 1
		}
		x.Pred = append(x.Pred, pred)
		x.Prob = append(x.Prob, p[0], p[1])
	}
	return x
}

func TestReliability(t *testing.T) {
	tests := []struct {
		name    string
		x       *predmat.Matrix
		wantECE float64
		bins    map[int]int // bin → count
	}{
		{
			"confident and right is perfectly calibrated",
			probMatrix([]int32{1, 0}, [][2]float32{{0, 1}, {1, 0}}),
			0, map[int]int{14: 2},
		},
		{
			// Confidences 0.9 (right), 0.9 (wrong), 0.65 (right):
			// bin 13 (0.8667, 0.9333]: conf 0.9, acc 0.5, 2 of 3;
			// bin 9 (0.6, 0.6667]: conf 0.65, acc 1, 1 of 3.
			// ECE = 2/3·0.4 + 1/3·0.35 = 0.38333.
			"two bins weighted by their counts",
			probMatrix([]int32{1, 0, 0}, [][2]float32{{0.1, 0.9}, {0.1, 0.9}, {0.65, 0.35}}),
			2.0/3*0.4 + 1.0/3*0.35, map[int]int{13: 2, 9: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			count, _, _, ece := Reliability(tt.x, []int{0})
			if math.Abs(ece-tt.wantECE) > 1e-6 {
				t.Errorf("ECE = %v, want %v", ece, tt.wantECE)
			}
			for b, n := range tt.bins {
				if count[b] != n {
					t.Errorf("bin %d holds %d, want %d (counts %v)", b, count[b], n, count)
				}
			}
		})
	}
	t.Run("labels without probabilities give NaN", func(t *testing.T) {
		x := probMatrix([]int32{1}, [][2]float32{{0, 1}})
		x.Prob = nil
		if _, _, _, ece := Reliability(x, []int{0}); !math.IsNaN(ece) {
			t.Errorf("ECE = %v, want NaN", ece)
		}
	})
}

func TestConfusionSumsTheFamilysModels(t *testing.T) {
	x := &predmat.Matrix{Models: []string{"a", "b"}, Classes: 2, Labels: []int32{0, 1, 1}, Pred: []int32{0, 1, 0, 1, 1, 1}}
	got := Confusion(x, []int{0, 1})
	want := [][]int{{1, 1}, {1, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Confusion = %v, want %v", got, want)
	}
}

func TestConfusionFigureWrapsManyFamiliesOntoRows(t *testing.T) {
	figure := func(families int) *figure {
		x := &predmat.Matrix{Classes: 10, Labels: make([]int32, 20)}
		var fams []string
		for f := 0; f < families; f++ {
			x.Models = append(x.Models, fmt.Sprint("m", f))
			x.Pred = append(x.Pred, make([]int32, 20)...)
			fams = append(fams, fmt.Sprint("family", f))
		}
		fig, err := confusionFigure(x, fams, WideWidth)
		if err != nil {
			t.Fatalf("%d families: %v", families, err)
		}
		if fig.w > WideWidth+vg.Points(1) {
			t.Errorf("%d families: figure is %.0fpt wide, more than %.0fpt", families, fig.w.Points(), WideWidth.Points())
		}
		return fig
	}
	// Five families of ten classes fit in one row of a wide figure; nine
	// take two rows of the same cells rather than cells too small to read.
	five, nine := figure(5), figure(9)
	if nine.h < 1.9*five.h {
		t.Errorf("nine families: %.0fpt high, want two rows of %.0fpt", nine.h.Points(), five.h.Points())
	}
}
