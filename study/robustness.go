package study

import (
	"fmt"
	"runtime"
	"strconv"

	"github.com/study-harness/study/report"
	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/runs"
)

// robustness adds robustness.<attack> to res for every attack of the
// results folder dir: the white-box accuracy of each model of x, read
// from the stored runs, and the transfer measures of the transfer stage
// (runs.Transfer, computed once and stored in dir). A study without
// attacks adds nothing and returns nil.
func robustness(dir string, x *predmat.Matrix, res *metrics.Result, opts metrics.Options) ([]*predmat.Transfer, error) {
	attacks, idx, err := runs.Attacks(dir)
	if err != nil || len(attacks) == 0 {
		return nil, err
	}
	acc := make([][]float64, len(attacks))
	why := make([][]string, len(attacks))
	for k, a := range attacks {
		if acc[k], why[k], err = runs.CollectAdvAccuracy(dir, a.Name, res.Models); err != nil {
			return nil, fmt.Errorf("attack %s: %w", a.Name, err)
		}
	}
	metrics.AddRobustness(res, attacks, len(idx), acc, why)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	trs, err := runs.Transfer(dir, res.Models, workers)
	if err != nil {
		return nil, err
	}
	return trs, metrics.AddTransfer(res, x, trs, opts)
}

// pictureCount is the number of attacked instances the report's picture
// grid shows.
const pictureCount = 4

// advPictures gathers the report's picture grid for the last attack of
// trs on image data: the first pictureCount attacked instances that one
// model of each family (the first, in x's order) classifies correctly
// when clean (or the first ones, when fewer are), the examples crafted on
// each of those models that is a source, and each one's prediction on
// them. Nil for data that are not images.
func advPictures(dir string, x *predmat.Matrix, trs []*predmat.Transfer) (*report.AdvPictures, error) {
	if len(trs) == 0 {
		return nil, nil
	}
	tr := trs[len(trs)-1]
	d, err := runs.AttackData(dir)
	if err != nil || d.Height*d.Width*max(d.Chans, 1) != d.In || d.Height == 0 {
		return nil, err
	}
	family := func(m int) string {
		if m < len(x.Configs) && x.Configs[m]["arch"] != "" {
			return x.Configs[m]["arch"]
		}
		return x.Models[m]
	}
	var reps []int
	seen := map[string]bool{}
	for m := range x.Models {
		if f := family(m); !seen[f] && tr.NoTarget[m] == "" {
			seen[f] = true
			reps = append(reps, m)
		}
	}
	col := map[string]int{}
	for i, id := range x.Instances {
		col[id] = i
	}
	var rows, rest []int // positions in tr.Instances
	for i, id := range tr.Instances {
		ok := true
		for _, m := range reps {
			ok = ok && x.Correct(m, col[id])
		}
		if ok {
			rows = append(rows, i)
		} else {
			rest = append(rest, i)
		}
	}
	rows = append(rows, rest...)[:min(pictureCount, tr.N())]
	p := &report.AdvPictures{Attack: tr.Attack, Height: d.Height, Width: d.Width, Chans: d.Chans}
	for _, m := range reps {
		p.Targets, p.TargetFamily = append(p.Targets, x.Models[m]), append(p.TargetFamily, family(m))
	}
	for _, i := range rows {
		r, err := strconv.Atoi(tr.Instances[i])
		if err != nil {
			return nil, err
		}
		p.Instances, p.Labels = append(p.Instances, tr.Instances[i]), append(p.Labels, int32(d.TestY[r]))
		p.Clean = append(p.Clean, d.TestX[r*d.In:(r+1)*d.In])
	}
	for _, s := range reps {
		if tr.NoSource[s] != "" {
			continue
		}
		adv, err := runs.AdvInputs(dir, x.Models[s], tr.Attack)
		if err != nil {
			return nil, err
		}
		p.Sources, p.SourceFamilies = append(p.Sources, x.Models[s]), append(p.SourceFamilies, family(s))
		var imgs [][]float32
		var pred [][]int32
		for _, i := range rows {
			imgs = append(imgs, adv[i*d.In:(i+1)*d.In])
			var pt []int32
			for _, t := range reps {
				pt = append(pt, tr.Cell(s, t)[i])
			}
			pred = append(pred, pt)
		}
		p.Adv, p.Pred = append(p.Adv, imgs), append(p.Pred, pred)
	}
	return p, nil
}
