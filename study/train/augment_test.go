package train

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/grid"
	"github.com/study-harness/study/study/spec"
)

// images returns a data set of n h×w one-channel images with values from
// fill(i, r, c), for augmentation tests.
func images(n, h, w int, fill func(i, r, c int) float32) (*data.Set, []float32) {
	d := &data.Set{Name: "img", In: h * w, Height: h, Width: w, Chans: 1, Classes: 2}
	x := make([]float32, n*h*w)
	for i := range n {
		for r := range h {
			for c := range w {
				x[i*h*w+r*w+c] = fill(i, r, c)
			}
		}
	}
	return d, x
}

func TestEveryAugmentationIsRegisteredWithSpec(t *testing.T) {
	for _, name := range AugmentationNames() {
		t.Run(name+" is a valid augment value in a spec", func(t *testing.T) {
			if !slices.Contains(spec.AugmentNames(), name) {
				t.Fatalf("spec does not know %q (knows %v)", name, spec.AugmentNames())
			}
		})
	}
}

func TestBatchAugmentationsAreDeterministicGivenTheStream(t *testing.T) {
	d, x := images(6, 28, 28, func(i, r, c int) float32 { return float32((i*7+r*3+c)%11) / 10 })
	y := []int{0, 1, 1, 0, 1, 0}
	apply := func(name string, seed uint64) ([]float32, []float32) {
		b := batch{X: slices.Clone(x), N: 6, K: 2, Soft: make([]float32, 12)}
		softTargets(y, 2, 0, b.Soft)
		augmentations[name].Batch(&b, d, rand.New(rand.NewPCG(seed, 9)))
		return b.X, b.Soft
	}
	for _, name := range AugmentationNames() {
		if augmentations[name].Batch == nil {
			continue
		}
		t.Run(name+" gives the same batch for the same stream and another for another", func(t *testing.T) {
			x1, t1 := apply(name, 1)
			x2, t2 := apply(name, 1)
			if !slices.Equal(x1, x2) || !slices.Equal(t1, t2) {
				t.Fatal("two applications with the same stream differ")
			}
			x3, _ := apply(name, 2)
			if slices.Equal(x1, x3) {
				t.Fatal("a different stream gave the same batch")
			}
			if slices.Equal(x1, x) {
				t.Fatal("the batch did not change")
			}
		})
	}
}

func TestImageAugmentationsRejectNonImageData(t *testing.T) {
	tests := []struct {
		aug     string
		wantErr bool
	}{
		{"flip", true}, {"flip_lr", true}, {"flip_ud", true}, {"shift", true}, {"crop", true}, {"rotate", true}, {"cutout", true},
		{"noise", false}, {"mixup", false}, {"resample", false},
	}
	for _, tt := range tests {
		name := tt.aug + " trains on non-image data"
		if tt.wantErr {
			name = tt.aug + " on non-image data is an error before training"
		}
		t.Run(name, func(t *testing.T) {
			cfg := config("mlp", "adam", 0.01)
			cfg.Augment = []string{tt.aug}
			cfg.Epochs = 1
			_, err := Run(context.Background(), Job{Config: cfg, Data: blobSet(2, 3, 5, 1)})
			if tt.wantErr != (err != nil) {
				t.Fatalf("error %v, want error: %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "not images") {
				t.Fatalf("error %q does not say the data are not images", err)
			}
		})
	}
}

func TestShiftAndCropMoveAPixelByAtMostTwo(t *testing.T) {
	for _, name := range []string{"shift", "crop"} {
		t.Run(name+" moves a single pixel within 2 pixels and keeps it", func(t *testing.T) {
			const n = 60
			d, x := images(n, 9, 9, func(_, r, c int) float32 {
				if r == 4 && c == 4 {
					return 1
				}
				return 0
			})
			b := batch{X: x, N: n}
			augmentations[name].Batch(&b, d, rand.New(rand.NewPCG(3, 3)))
			offsets := map[[2]int]bool{}
			for i := range n {
				img := b.imageOf(i, d)
				var sum float32
				at := -1
				for j, v := range img {
					sum += v
					if v != 0 {
						at = j
					}
				}
				if sum != 1 || at < 0 {
					t.Fatalf("image %d has pixel sum %v, want the one pixel kept", i, sum)
				}
				dy, dx := at/9-4, at%9-4
				if max(dy, -dy) > 2 || max(dx, -dx) > 2 {
					t.Fatalf("image %d moved by (%d, %d)", i, dy, dx)
				}
				offsets[[2]int{dy, dx}] = true
			}
			if len(offsets) < 15 {
				t.Fatalf("only %d of 25 offsets in %d images", len(offsets), n)
			}
		})
	}
	t.Run("shift fills the uncovered border with zeros", func(t *testing.T) {
		d, x := images(1, 4, 4, func(_, _, _ int) float32 { return 1 })
		tmp := make([]float32, 16)
		translate(x, tmp, d, 1, -2)
		want := []float32{0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0}
		if !slices.Equal(x, want) {
			t.Fatalf("got %v, want %v", x, want)
		}
	})
}

func TestRotate(t *testing.T) {
	grid := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	tests := []struct {
		name  string
		theta float64
		want  []float32
	}{
		{"a zero angle leaves the image", 0, grid},
		{"a quarter turn rotates counter-clockwise", math.Pi / 2, []float32{3, 6, 9, 2, 5, 8, 1, 4, 7}},
		{"a half turn reverses the pixels", math.Pi, []float32{9, 8, 7, 6, 5, 4, 3, 2, 1}},
	}
	d := &data.Set{In: 9, Height: 3, Width: 3, Chans: 1}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := slices.Clone(grid)
			rotateImage(img, make([]float32, 9), d, tt.theta)
			for i := range img {
				if math.Abs(float64(img[i]-tt.want[i])) > 1e-5 {
					t.Fatalf("got %v, want %v", img, tt.want)
				}
			}
		})
	}
	t.Run("a small rotation keeps the centre of a uniform image and interpolates", func(t *testing.T) {
		d, x := images(20, 28, 28, func(_, _, _ int) float32 { return 1 })
		b := batch{X: x, N: 20}
		rotate(&b, d, rand.New(rand.NewPCG(5, 5)))
		for i := range 20 {
			img := b.imageOf(i, d)
			for r := 6; r < 22; r++ {
				for c := 6; c < 22; c++ {
					if math.Abs(float64(img[r*28+c]-1)) > 1e-5 {
						t.Fatalf("image %d pixel (%d, %d) = %v, want 1", i, r, c, img[r*28+c])
					}
				}
			}
		}
	})
}

func TestCutoutZeroesOneSquare(t *testing.T) {
	const n = 40
	d, x := images(n, 28, 28, func(_, _, _ int) float32 { return 1 })
	b := batch{X: x, N: n}
	cutout(&b, d, rand.New(rand.NewPCG(7, 7)))
	if s := cutoutSide(28, 28); s != 8 {
		t.Fatalf("side %d for 28×28, want 8", s)
	}
	full := 0
	for i := range n {
		img := b.imageOf(i, d)
		r0, c0, r1, c1, zeros := 28, 28, -1, -1, 0
		for j, v := range img {
			if v == 0 {
				zeros++
				r, c := j/28, j%28
				r0, c0, r1, c1 = min(r0, r), min(c0, c), max(r1, r), max(c1, c)
			}
		}
		if zeros == 0 || zeros != (r1-r0+1)*(c1-c0+1) || r1-r0 >= 8 || c1-c0 >= 8 {
			t.Fatalf("image %d: %d zeros in rows %d–%d, columns %d–%d; want one square of side ≤ 8", i, zeros, r0, r1, c0, c1)
		}
		if zeros == 64 {
			full++
		}
	}
	if full == 0 {
		t.Fatal("no image has a whole 8×8 square zeroed")
	}
}

func TestNoiseHasTheConfiguredSpread(t *testing.T) {
	d, x := images(10, 28, 28, func(_, _, _ int) float32 { return 0.5 })
	b := batch{X: x, N: 10}
	noise(&b, d, rand.New(rand.NewPCG(2, 2)))
	var sum, sq float64
	for _, v := range b.X {
		e := float64(v) - 0.5
		sum += e
		sq += e * e
	}
	m := float64(len(b.X))
	mean, sd := sum/m, math.Sqrt(sq/m-(sum/m)*(sum/m))
	if math.Abs(mean) > 0.01 || math.Abs(sd-NoiseSD) > 0.005 {
		t.Fatalf("noise mean %v, sd %v; want 0 and %v", mean, sd, NoiseSD)
	}
}

func TestMixup(t *testing.T) {
	// Inputs equal to the one-hot targets: mixing must keep them equal.
	const n, k = 16, 3
	d := &data.Set{In: k, Classes: k}
	y := make([]int, n)
	for i := range y {
		y[i] = i % k
	}
	b := batch{X: make([]float32, n*k), N: n, K: k, Soft: make([]float32, n*k)}
	softTargets(y, k, 0, b.Soft)
	copy(b.X, b.Soft)
	mixup(&b, d, rand.New(rand.NewPCG(4, 4)))
	t.Run("inputs and targets are mixed with the same weight and partner", func(t *testing.T) {
		for i := range b.X {
			if math.Abs(float64(b.X[i]-b.Soft[i])) > 1e-6 {
				t.Fatalf("inputs %v, targets %v", b.X, b.Soft)
			}
		}
	})
	t.Run("mixed targets are distributions", func(t *testing.T) {
		mixed := 0
		for i := range n {
			var s float32
			for _, v := range b.Soft[i*k : (i+1)*k] {
				s += v
				if v > 0 && v < 1 {
					mixed++
				}
			}
			if math.Abs(float64(s-1)) > 1e-6 {
				t.Fatalf("row %d sums to %v", i, s)
			}
		}
		if mixed == 0 {
			t.Fatal("no target was mixed")
		}
	})
	t.Run("the loss on mixed targets is the mixture of the two losses", func(t *testing.T) {
		// With t = λ e_a + (1−λ) e_b, the cross-entropy is λ CE(a) + (1−λ) CE(b).
		z := []float32{1, -0.5, 2}
		lam := float32(0.3)
		tg := []float32{lam, 1 - lam, 0}
		got := softmaxSoftCrossEntropy(z, tg, 1, 3, nil)
		lse := math.Log(math.Exp(1) + math.Exp(-0.5) + math.Exp(2))
		want := 0.3*(lse-1) + 0.7*(lse+0.5)
		if math.Abs(got-want) > 1e-6 {
			t.Fatalf("loss %v, want %v", got, want)
		}
	})
	t.Run("the mixing weight follows Beta(0.2, 0.2)", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(8, 8))
		const m = 20000
		var sum, sq float64
		for range m {
			v := betaSym(MixupAlpha, rng)
			if !(v >= 0 && v <= 1) {
				t.Fatalf("draw %v outside [0, 1]", v)
			}
			sum += v
			sq += v * v
		}
		mean, vr := sum/m, sq/m-(sum/m)*(sum/m)
		wantVar := 1 / (4 * (2*MixupAlpha + 1)) // a²/((2a)²(2a+1))
		if math.Abs(mean-0.5) > 0.01 || math.Abs(vr-wantVar) > 0.01 {
			t.Fatalf("mean %v, variance %v; want 0.5 and %v", mean, vr, wantVar)
		}
	})
}

func TestResampleBalancesTheClasses(t *testing.T) {
	d := &data.Set{Classes: 3}
	var rows []int
	for i := range 200 {
		c := 0
		if i%20 == 0 {
			c = 1 // 10 rows of class 1; class 2 absent
		}
		d.TrainY = append(d.TrainY, c)
		rows = append(rows, i)
	}
	got := resample(rows, d, rand.New(rand.NewPCG(6, 6)))
	if len(got) != len(rows) {
		t.Fatalf("%d rows, want %d", len(got), len(rows))
	}
	count := make([]int, 3)
	for _, r := range got {
		if r < 0 || r >= 200 {
			t.Fatalf("row %d outside the data", r)
		}
		count[d.TrainY[r]]++
	}
	if count[2] != 0 || count[0] < 80 || count[1] < 80 {
		t.Fatalf("class counts %v, want about 100, 100, 0", count)
	}
	again := resample(rows, d, rand.New(rand.NewPCG(6, 6)))
	if !slices.Equal(got, again) {
		t.Fatal("the same stream drew different rows")
	}
}

// labelPreservingOnDigits are the augmentations that keep a digit's label:
// small shifts, crops and rotations, noise and a cutout square. flip and
// flip_ud turn digits upside down (6 and 9 swap, an up–down 7 is no
// digit) and flip_lr mirrors them; mixup mixes labels on purpose.
var labelPreservingOnDigits = map[string]bool{"shift": true, "crop": true, "rotate": true, "noise": true, "cutout": true}

// TestDefaultGridAugmentationsKeepDigitLabels checks that the default
// study, sweeps/grid.yaml, trains its MNIST runs only with augmentations
// that keep the digits' labels, so that its augment axis measures an
// augmentation and not label corruption.
func TestDefaultGridAugmentationsKeepDigitLabels(t *testing.T) {
	s, err := spec.Load("../../sweeps/grid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Dataset.Name != "mnist" {
		t.Fatalf("the default study trains on %q, not digits: revisit this test", s.Dataset.Name)
	}
	runs, err := grid.Expand(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		for _, a := range r.Config.Augment {
			if !labelPreservingOnDigits[a] {
				t.Errorf("run %s augments with %q, which changes digits' labels", r.Name, a)
			}
		}
	}
}
