package explain

import "fmt"

// Window is occlusion's sliding window.
type Window struct {
	// Patch is the side of the square window in pixels (all channels at
	// once); Stride its step. Both ≥ 1.
	Patch, Stride int
	// Height, Width and Channels give the image geometry (channels last);
	// Height 0 means tabular data, where each feature is occluded alone.
	Height, Width, Channels int
}

// starts returns the window's starting offsets along an axis of length l:
// 0, stride, 2·stride, … while the window fits, and one more flush with
// the end when the last one stops short of it, so every pixel is covered
// by full-sized windows (Captum's Occlusion starts its last window at the
// next multiple of the stride and cuts it at the edge instead).
func starts(l, patch, stride int) []int {
	var s []int
	for a := 0; a+patch <= l; a += stride {
		s = append(s, a)
	}
	if last := s[len(s)-1]; last+patch < l {
		s = append(s, l-patch)
	}
	return s
}

// Occlusion returns the model-agnostic occlusion attribution (Zeiler &
// Fergus 2014; Captum's FeatureAblation and Occlusion): each window of
// features in turn is set to the baseline 0, and every feature of the
// window is credited with the drop of the target's score,
// S_c(x) − S_c(x with the window at 0). A feature covered by several
// windows (stride < patch) gets the mean of their drops. It needs only
// m.Scores, so it covers every family, and it is deterministic.
func Occlusion(m Model, x []float32, class []int, win Window) ([]float32, error) {
	if err := m.check(x, class); err != nil {
		return nil, err
	}
	if m.Scores == nil {
		return nil, fmt.Errorf("occlusion needs the model's scores")
	}
	d, n, c := m.In, len(class), m.Classes
	// windows lists each window's features.
	var windows [][]int
	if win.Height == 0 {
		for j := range d {
			windows = append(windows, []int{j})
		}
	} else {
		h, w, ch := win.Height, win.Width, max(1, win.Channels)
		if h*w*ch != d {
			return nil, fmt.Errorf("occlusion on %d×%d×%d images of %d features", h, w, ch, d)
		}
		// A stride beyond the patch would leave pixels never occluded
		// (Captum refuses it too).
		if win.Patch < 1 || win.Stride < 1 || win.Stride > win.Patch || win.Patch > min(h, w) {
			return nil, fmt.Errorf("occlusion patch %d, stride %d on %d×%d images: want 1 ≤ stride ≤ patch ≤ side", win.Patch, win.Stride, h, w)
		}
		for _, r0 := range starts(h, win.Patch, win.Stride) {
			for _, c0 := range starts(w, win.Patch, win.Stride) {
				var f []int
				for r := r0; r < r0+win.Patch; r++ {
					for cc := c0; cc < c0+win.Patch; cc++ {
						for k := range ch {
							f = append(f, (r*w+cc)*ch+k)
						}
					}
				}
				windows = append(windows, f)
			}
		}
	}
	base := make([]float32, n*c)
	m.Scores(x, n, base)
	work := append([]float32(nil), x...)
	out := make([]float32, n*c)
	acc := make([]float64, len(x))
	count := make([]int, d)
	for _, f := range windows {
		for i := range n {
			for _, j := range f {
				work[i*d+j] = 0
			}
		}
		m.Scores(work, n, out)
		for i, cl := range class {
			drop := float64(base[i*c+cl]) - float64(out[i*c+cl])
			for _, j := range f {
				acc[i*d+j] += drop
				work[i*d+j] = x[i*d+j]
			}
		}
		for _, j := range f {
			count[j]++
		}
	}
	attr := make([]float32, len(x))
	for i := range n {
		for j := range d {
			attr[i*d+j] = float32(acc[i*d+j] / float64(count[j]))
		}
	}
	return attr, nil
}
