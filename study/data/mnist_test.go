package data

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"sync"
	"testing"
)

// mnistRef is testdata/mnist_reference.json, computed from the embedded
// files with numpy by testdata/mnist_reference.py.
type mnistRef struct {
	N            int     `json:"n"`
	Dims         []int   `json:"dims"`
	FirstLabels  []int   `json:"first_labels"`
	ClassCounts  []int   `json:"class_counts"`
	PixelSum     int64   `json:"pixel_sum"`
	Image0Sum    int64   `json:"image0_sum"`
	Image1234Sum int64   `json:"image1234_sum"`
	PixelMean    float64 `json:"pixel_mean"`
}

func readMNISTRef(t *testing.T) map[string]mnistRef {
	t.Helper()
	b, err := os.ReadFile("testdata/mnist_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]mnistRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// byteSum undoes the /255 scaling and sums the pixels of x.
func byteSum(t *testing.T, x []float32) int64 {
	var s int64
	for _, v := range x {
		b := math.Round(float64(v) * 255)
		if v < 0 || v > 1 || math.Abs(float64(v)*255-b) > 1e-4 {
			t.Fatalf("pixel %v is not a byte/255", v)
		}
		s += int64(b)
	}
	return s
}

// fullMNIST loads all of MNIST without a validation split, once for all
// tests.
var fullMNIST = sync.OnceValues(func() (*Set, error) {
	return Load(Spec{Name: "mnist", NoVal: true}, 1, "")
})

func TestMNISTMatchesReference(t *testing.T) {
	ref := readMNISTRef(t)
	set, err := fullMNIST()
	if err != nil {
		t.Fatal(err)
	}
	if set.Height != 28 || set.Width != 28 || set.Chans != 1 || set.In != 784 || set.Classes != 10 {
		t.Fatalf("geometry %d×%d×%d, In %d, %d classes; want 28×28×1, 784, 10", set.Height, set.Width, set.Chans, set.In, set.Classes)
	}
	if set.NVal() != 0 {
		t.Fatalf("no_val left %d validation instances", set.NVal())
	}
	for _, part := range []struct {
		name string
		x    []float32
		y    []int
	}{{"train", set.TrainX, set.TrainY}, {"test", set.TestX, set.TestY}} {
		r := ref[part.name]
		t.Run("the "+part.name+" part matches numpy's reading of the files", func(t *testing.T) {
			if len(part.y) != r.N || len(part.x) != r.N*784 {
				t.Fatalf("%d labels, %d pixels; want %d, %d", len(part.y), len(part.x), r.N, r.N*784)
			}
			if !slices.Equal(part.y[:10], r.FirstLabels) {
				t.Errorf("first labels %v; want %v", part.y[:10], r.FirstLabels)
			}
			counts := make([]int, 10)
			for _, y := range part.y {
				counts[y]++
			}
			if !slices.Equal(counts, r.ClassCounts) {
				t.Errorf("class counts %v; want %v", counts, r.ClassCounts)
			}
			if got := byteSum(t, part.x); got != r.PixelSum {
				t.Errorf("pixel sum %d; want %d", got, r.PixelSum)
			}
			if got := byteSum(t, part.x[:784]); got != r.Image0Sum {
				t.Errorf("image 0 pixel sum %d; want %d", got, r.Image0Sum)
			}
			if got := byteSum(t, part.x[1234*784:1235*784]); got != r.Image1234Sum {
				t.Errorf("image 1234 pixel sum %d; want %d", got, r.Image1234Sum)
			}
		})
	}
	t.Run("the test part has the known class counts", func(t *testing.T) {
		want := []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
		if !slices.Equal(ref["test"].ClassCounts, want) || set.TestY[0] != 7 || set.TrainY[0] != 5 {
			t.Errorf("reference counts %v, first labels %d/%d; want %v, 5/7", ref["test"].ClassCounts, set.TrainY[0], set.TestY[0], want)
		}
	})
}

func TestMNISTTakesTheFirstN(t *testing.T) {
	full, err := fullMNIST()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		spec      Spec
		wantTrain int
		wantVal   int
		wantTest  int
	}{
		{name: "a train count takes the first rows", spec: Spec{Name: "mnist", Train: 1000, Test: 300, NoVal: true}, wantTrain: 1000, wantTest: 300},
		{name: "the default val takes a tenth of them", spec: Spec{Name: "mnist", Train: 1000, Test: 300}, wantTrain: 900, wantVal: 100, wantTest: 300},
		{name: "val rounds to the nearest instance", spec: Spec{Name: "mnist", Train: 7, Test: 1, Val: 0.3}, wantTrain: 5, wantVal: 2, wantTest: 1},
		{name: "the whole set splits 54000/6000", spec: Spec{Name: "mnist"}, wantTrain: 54000, wantVal: 6000, wantTest: 10000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := Load(tc.spec, 3, "")
			if err != nil {
				t.Fatal(err)
			}
			if set.NTrain() != tc.wantTrain || set.NVal() != tc.wantVal || set.NTest() != tc.wantTest {
				t.Fatalf("sizes %d/%d/%d; want %d/%d/%d", set.NTrain(), set.NVal(), set.NTest(), tc.wantTrain, tc.wantVal, tc.wantTest)
			}
			if len(set.TrainX) != 784*set.NTrain() || len(set.ValX) != 784*set.NVal() || len(set.TestX) != 784*set.NTest() {
				t.Fatal("inputs and labels disagree on the sizes")
			}
			if !slices.Equal(set.TestX, full.TestX[:len(set.TestX)]) || !slices.Equal(set.TestY, full.TestY[:set.NTest()]) {
				t.Error("test part is not the first rows of the test file")
			}
			// Train and val must interleave back into the first N training
			// rows of the file, each in file order.
			n := tc.wantTrain + tc.wantVal
			ti, vi := 0, 0
			for i := range n {
				row, y := full.TrainX[i*784:(i+1)*784], full.TrainY[i]
				switch {
				case ti < set.NTrain() && set.TrainY[ti] == y && slices.Equal(set.TrainX[ti*784:(ti+1)*784], row):
					ti++
				case vi < set.NVal() && set.ValY[vi] == y && slices.Equal(set.ValX[vi*784:(vi+1)*784], row):
					vi++
				default:
					t.Fatalf("file row %d is in neither part at its place", i)
				}
			}
		})
	}
}
