package train

import (
	"math/rand/v2"

	"github.com/study-harness/study/study/data"
)

func init() { registerAugmentation("resample", augmentation{Epoch: resample}) }

// resample is the seed's class-balanced resampling: each epoch draws
// len(rows) training rows with replacement so that every class present in
// rows is equally likely — a class uniformly, then a row of that class
// uniformly (two draws per row). Classes absent from rows are never drawn.
func resample(rows []int, d *data.Set, rng *rand.Rand) []int {
	byClass := make([][]int, d.Classes)
	for _, r := range rows {
		y := d.TrainY[r]
		byClass[y] = append(byClass[y], r)
	}
	present := byClass[:0:0]
	for _, rs := range byClass {
		if len(rs) > 0 {
			present = append(present, rs)
		}
	}
	out := make([]int, len(rows))
	for i := range out {
		rs := present[rng.IntN(len(present))]
		out[i] = rs[rng.IntN(len(rs))]
	}
	return out
}
