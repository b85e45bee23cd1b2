package data

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
)

func imageSet() *Set {
	// Two 4×4 single-channel images: a bright pixel near a corner, and a ramp.
	x := make([]float32, 2*16)
	x[1*4+1] = 1
	for j := 0; j < 16; j++ {
		x[16+j] = float32(j) / 15
	}
	return &Set{Name: "toy", In: 16, Height: 4, Width: 4, Chans: 1, Classes: 2, TestX: x, TestY: []int{0, 1}}
}

func TestCorrupt(t *testing.T) {
	tests := []struct {
		name  string
		shift Shift
		check func(t *testing.T, orig, got []float32)
	}{
		{"noise changes every value by a small amount", Shift{"n", "gaussian_noise", 3}, func(t *testing.T, orig, got []float32) {
			var ss float64
			for i := range got {
				ss += math.Pow(float64(got[i]-orig[i]), 2)
			}
			if sd := math.Sqrt(ss / float64(len(got))); sd < 0.09 || sd > 0.3 {
				t.Errorf("noise sd %.3f, want about 0.18", sd)
			}
		}},
		{"contrast keeps each image's mean and shrinks its spread", Shift{"c", "contrast", 1}, func(t *testing.T, orig, got []float32) {
			for i := 0; i < 2; i++ {
				var mo, mg float64
				for j := 0; j < 16; j++ {
					mo += float64(orig[i*16+j])
					mg += float64(got[i*16+j])
				}
				if math.Abs(mo-mg) > 1e-5 {
					t.Errorf("image %d: mean moved from %v to %v", i, mo/16, mg/16)
				}
			}
			if got[16+15]-got[16] >= orig[16+15]-orig[16] {
				t.Errorf("ramp spread did not shrink")
			}
		}},
		{"occlusion zeroes a square", Shift{"o", "occlusion", 5}, func(t *testing.T, orig, got []float32) {
			zeros := 0
			for j := 16; j < 32; j++ {
				if got[j] == 0 {
					zeros++
				}
			}
			// A 2×2 square (0.6 × 4, rounded) on the ramp, whose only zero is pixel 0.
			if zeros < 4 || zeros > 5 {
				t.Errorf("%d zeros in the occluded ramp, want 4 or 5", zeros)
			}
		}},
		{"rotation moves the bright pixel and keeps mass roughly", Shift{"r", "rotation", 4}, func(t *testing.T, orig, got []float32) {
			if got[1*4+1] == 1 {
				t.Errorf("pixel (1,1) unchanged by a 45° rotation")
			}
			var sum float32
			for _, v := range got[:16] {
				sum += v
			}
			if sum < 0.5 || sum > 1.5 {
				t.Errorf("rotated mass %v, want about 1", sum)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := imageSet()
			orig := slices.Clone(set.TestX)
			got, err := Corrupt(set, tt.shift, 1)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(set.TestX, orig) {
				t.Fatal("Corrupt modified the shared test set")
			}
			tt.check(t, orig, got)
			again, _ := Corrupt(imageSet(), tt.shift, 1)
			if !slices.Equal(got, again) {
				t.Error("the same shift and seed gave different data")
			}
		})
	}
}

func TestCorruptRejectsBadShifts(t *testing.T) {
	tabular := &Set{Name: "moons", In: 2, Classes: 2, TestX: []float32{1, 2}, TestY: []int{0}}
	tests := []struct {
		name  string
		set   *Set
		shift Shift
		field string
	}{
		{"an unknown corruption", imageSet(), Shift{"x", "fog", 1}, "corruption"},
		{"severity 0", imageSet(), Shift{"x", "contrast", 0}, "severity"},
		{"severity 6", imageSet(), Shift{"x", "contrast", 6}, "severity"},
		{"a name with a slash", imageSet(), Shift{"a/b", "contrast", 1}, "name"},
		{"rotation of tabular data", tabular, Shift{"x", "rotation", 1}, "corruption"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Corrupt(tt.set, tt.shift, 1)
			var fe *models.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("err = %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
}

func TestShiftDescribeGivesTheParametersOfItsSeverity(t *testing.T) {
	tests := []struct {
		sh   Shift
		want string
	}{
		{Shift{Name: "n", Corruption: "gaussian_noise", Severity: 3}, "standard deviation 0.18 "},
		{Shift{Name: "n", Corruption: "gaussian_noise", Severity: 1}, "standard deviation 0.08 "},
		{Shift{Name: "r", Corruption: "rotation", Severity: 2}, "rotation by 20° "},
		{Shift{Name: "c", Corruption: "contrast", Severity: 3}, "x' = m + 0.3·(x − m)"},
		{Shift{Name: "o", Corruption: "occlusion", Severity: 2}, "square of side 0.3 of the image side"},
		{Shift{Name: "o", Corruption: "occlusion", Severity: 6}, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s at severity %d", tt.sh.Corruption, tt.sh.Severity), func(t *testing.T) {
			got := tt.sh.Describe()
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("Describe() = %q, want it to say %q", got, tt.want)
			}
		})
	}
}
