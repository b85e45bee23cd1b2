package train

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/study-harness/study/study/data"
)

// View returns the data a run with run-level labels or positive classes
// trains and tests on, built from d, whose labels are the dataset's
// original classes:
//
//   - labels: only the rows whose class is in labels, each class remapped
//     to its position in labels (labels [3, 1] makes 3 → 0 and 1 → 1);
//   - positive: every row, with the classes in positive mapped to 1 and
//     the others to 0, a binary task of the run's own.
//
// It also returns the indices in d.TestX of the view's test rows. With
// neither set it returns d and nil. The view shares no slices with d.
func View(d *data.Set, labels, positive []int) (*data.Set, []int, error) {
	if len(labels) == 0 && len(positive) == 0 {
		return d, nil, nil
	}
	for _, c := range append(slices.Clone(labels), positive...) {
		if c < 0 || c >= d.Classes {
			return nil, nil, fmt.Errorf("train: class %d is outside the %d classes of data %q", c, d.Classes, d.Name)
		}
	}
	remap := make([]int, d.Classes)
	v := &data.Set{Name: d.Name, In: d.In, Height: d.Height, Width: d.Width, Chans: d.Chans, Provenance: d.Provenance, Spec: d.Spec}
	if len(labels) > 0 {
		for c := range remap {
			remap[c] = -1
		}
		for i, c := range labels {
			remap[c] = i
			v.ClassNames = append(v.ClassNames, className(d, c))
		}
		v.Classes = len(labels)
	} else {
		var pos []string
		for _, c := range positive {
			remap[c] = 1
			pos = append(pos, className(d, c))
		}
		v.Classes = 2
		v.ClassNames = []string{"rest", strings.Join(pos, "|")}
	}
	pick := func(x []float32, y []int) ([]float32, []int, []int) {
		var ox []float32
		var oy, rows []int
		for i, c := range y {
			if remap[c] < 0 {
				continue
			}
			ox = append(ox, x[i*d.In:(i+1)*d.In]...)
			oy = append(oy, remap[c])
			rows = append(rows, i)
		}
		return ox, oy, rows
	}
	v.TrainX, v.TrainY, _ = pick(d.TrainX, d.TrainY)
	v.ValX, v.ValY, _ = pick(d.ValX, d.ValY)
	var testRows []int
	v.TestX, v.TestY, testRows = pick(d.TestX, d.TestY)
	v.Fingerprint = fmt.Sprintf("%s/labels=%v/positive=%v", d.Fingerprint, labels, positive)
	return v, testRows, nil
}

func className(d *data.Set, c int) string {
	if c < len(d.ClassNames) {
		return d.ClassNames[c]
	}
	return strconv.Itoa(c)
}
