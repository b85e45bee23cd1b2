package data

import (
	"fmt"
	"math"
	"regexp"
	"sync"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/seeds"
)

// Shift describes one evaluation set under distribution shift: a corrupted
// copy of the test set (the `eval_sets:` entries of a spec). Every measure
// of a study is reported for each evaluation set, so that agreement and
// accuracy can be compared across shifts (agreement-on-the-line, Baek et
// al. 2022).
type Shift struct {
	Name       string `json:"name"`       // unique name, [a-z0-9_-]+
	Corruption string `json:"corruption"` // gaussian_noise | contrast | rotation | occlusion
	Severity   int    `json:"severity"`   // 1 (mild) to 5 (severe)
}

// Corruption parameters by severity 1..5. The corruptions are this
// package's own, not a published benchmark; MNIST-C (Mu & Gilmer 2019) is
// the closest published suite for MNIST.
var (
	noiseSD       = [5]float64{0.08, 0.12, 0.18, 0.26, 0.38} // in input units ([0,1] pixels, or standardised features)
	contrastScale = [5]float64{0.6, 0.45, 0.3, 0.2, 0.1}     // x' = mean + c·(x − mean), per instance
	rotationDeg   = [5]float64{10, 20, 30, 45, 60}           // rotation, random sign per image
	occlusionSide = [5]float64{0.2, 0.3, 0.4, 0.5, 0.6}      // square side as a fraction of the image side
)

// Describe says what sh does to each test input, with its parameters at
// its severity, e.g. "rotation by 20° (sign random per image, bilinear,
// zero fill)". It returns "" for an invalid sh.
func (sh Shift) Describe() string {
	if sh.Validate() != nil {
		return ""
	}
	l := sh.Severity - 1
	switch sh.Corruption {
	case "gaussian_noise":
		return fmt.Sprintf("additive Gaussian noise of standard deviation %g per input value, in input units (image pixels are in [0, 1]), not clipped", noiseSD[l])
	case "contrast":
		return fmt.Sprintf("contrast scaled by %g about each input's mean, x' = m + %g·(x − m)", contrastScale[l], contrastScale[l])
	case "rotation":
		return fmt.Sprintf("rotation by %g° (sign random per image, bilinear, zero fill)", rotationDeg[l])
	default: // occlusion
		return fmt.Sprintf("a zeroed square of side %g of the image side (rounded to pixels) at a random position", occlusionSide[l])
	}
}

// Corruptions lists the known corruption names.
func Corruptions() []string { return []string{"gaussian_noise", "contrast", "rotation", "occlusion"} }

var shiftName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_-]{1,40}$`) })

// Validate reports the first invalid field of sh, named by its spec key.
func (sh Shift) Validate() error {
	if !shiftName().MatchString(sh.Name) {
		return &models.FieldError{Field: "name", Msg: fmt.Sprintf("eval set name %q must match [a-z0-9_-]{1,40}", sh.Name)}
	}
	switch sh.Corruption {
	case "gaussian_noise", "contrast", "rotation", "occlusion":
	default:
		return &models.FieldError{Field: "corruption", Msg: fmt.Sprintf("unknown corruption %q (known: %v)", sh.Corruption, Corruptions())}
	}
	if sh.Severity < 1 || sh.Severity > 5 {
		return &models.FieldError{Field: "severity", Msg: fmt.Sprintf("severity %d must be 1 to 5", sh.Severity)}
	}
	return nil
}

// Corrupt returns a corrupted copy of set's test inputs. The draws come
// from the "shift/<name>" stream of the study seed, so every run of a study
// is evaluated on the same corrupted instances. Rotation and occlusion need
// image data.
func Corrupt(set *Set, sh Shift, seed int64) ([]float32, error) {
	if err := sh.Validate(); err != nil {
		return nil, err
	}
	image := set.Height > 0 && set.Width > 0
	if (sh.Corruption == "rotation" || sh.Corruption == "occlusion") && !image {
		return nil, &models.FieldError{Field: "corruption", Msg: fmt.Sprintf("%s needs image data; %s is not an image set", sh.Corruption, set.Name)}
	}
	rng := seeds.Stream("shift/"+sh.Name, seed)
	n, d := set.NTest(), set.In
	out := make([]float32, len(set.TestX))
	copy(out, set.TestX)
	lvl := sh.Severity - 1
	for i := 0; i < n; i++ {
		x := out[i*d : (i+1)*d]
		switch sh.Corruption {
		case "gaussian_noise":
			for j := range x {
				x[j] += float32(rng.NormFloat64() * noiseSD[lvl])
			}
		case "contrast":
			var mean float64
			for _, v := range x {
				mean += float64(v)
			}
			mean /= float64(d)
			c := contrastScale[lvl]
			for j, v := range x {
				x[j] = float32(mean + c*(float64(v)-mean))
			}
		case "rotation":
			deg := rotationDeg[lvl]
			if rng.IntN(2) == 0 {
				deg = -deg
			}
			Rotate(x, set.TestX[i*d:(i+1)*d], set.Height, set.Width, max(1, set.Chans), deg*math.Pi/180)
		case "occlusion":
			side := int(math.Round(occlusionSide[lvl] * float64(min(set.Height, set.Width))))
			r0 := rng.IntN(set.Height - side + 1)
			c0 := rng.IntN(set.Width - side + 1)
			ch := max(1, set.Chans)
			for r := r0; r < r0+side; r++ {
				for c := c0; c < c0+side; c++ {
					for k := 0; k < ch; k++ {
						x[(r*set.Width+c)*ch+k] = 0
					}
				}
			}
		}
	}
	return out, nil
}

// Rotate writes src, an h×w×ch image (channels last), rotated by theta
// radians about its centre (counter-clockwise as displayed, rows going
// down) into dst, sampling src bilinearly with 0 outside the image. dst and
// src must not overlap. The rotate augmentation and the rotation
// corruption both use it.
func Rotate(dst, src []float32, h, w, ch int, theta float64) {
	sin, cos := math.Sincos(theta)
	cy, cx := float64(h-1)/2, float64(w-1)/2
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			// Inverse map: where in src does dst(r, c) come from?
			y := cos*(float64(r)-cy) + sin*(float64(c)-cx) + cy
			xx := -sin*(float64(r)-cy) + cos*(float64(c)-cx) + cx
			y0, x0 := math.Floor(y), math.Floor(xx)
			fy, fx := y-y0, xx-x0
			for k := 0; k < ch; k++ {
				at := func(rr, cc int) float64 {
					if rr < 0 || rr >= h || cc < 0 || cc >= w {
						return 0
					}
					return float64(src[(rr*w+cc)*ch+k])
				}
				iy, ix := int(y0), int(x0)
				v := (1-fy)*((1-fx)*at(iy, ix)+fx*at(iy, ix+1)) + fy*((1-fx)*at(iy+1, ix)+fx*at(iy+1, ix+1))
				dst[(r*w+c)*ch+k] = float32(v)
			}
		}
	}
}
