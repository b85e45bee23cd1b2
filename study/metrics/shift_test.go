package metrics

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestProbitFit(t *testing.T) {
	phi := distuv.UnitNormal.CDF
	// Points on probit(y) = 0.8·probit(x) − 0.3.
	var xs, ys []float64
	for _, z := range []float64{-1, -0.2, 0.5, 1.4} {
		xs, ys = append(xs, phi(z)), append(ys, phi(0.8*z-0.3))
	}
	cases := []struct {
		name             string
		xs, ys           []float64
		slope, intercept float64 // NaN: no line
	}{
		{"points on a probit line give it back", xs, ys, 0.8, -0.3},
		{"points at 0 or 1 are left out", append([]float64{0, 0.5, 1}, xs...), append([]float64{0.5, 1, 0.2}, ys...), 0.8, -0.3},
		{"one point has no line", []float64{0.3}, []float64{0.4}, math.NaN(), math.NaN()},
		{"one usable point has no line", []float64{0.3, 1}, []float64{0.4, 0.5}, math.NaN(), math.NaN()},
		{"points at one x have no line", []float64{0.3, 0.3, 0.3}, []float64{0.2, 0.4, 0.6}, math.NaN(), math.NaN()},
		{"no points have no line", nil, nil, math.NaN(), math.NaN()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := probitFit(c.xs, c.ys)
			for _, v := range []struct {
				what      string
				got, want float64
			}{{"slope", float64(l.Slope), c.slope}, {"intercept", float64(l.Intercept), c.intercept}} {
				if math.IsNaN(v.want) != math.IsNaN(v.got) || !math.IsNaN(v.want) && math.Abs(v.got-v.want) > 1e-9 {
					t.Errorf("%s %v, want %v", v.what, v.got, v.want)
				}
			}
		})
	}
}

func TestAgreementOnTheLine(t *testing.T) {
	id := &Result{Models: []string{"a", "b", "c"}}
	id.PerModel.Accuracy = Vec{0.9, 0.8, 0.7}
	id.Pairwise.Agreement = Square{{1, 0.85, 0.75}, {0.85, 1, 0.7}, {0.75, 0.7, 1}}
	ood := &Result{Models: id.Models}
	ood.PerModel.Accuracy = Vec{0.6, 0.5, 0.4}
	ood.Pairwise.Agreement = Square{{1, 0.65, 0.55}, {0.65, 1, 0.5}, {0.55, 0.5, 1}}
	l := AgreementOnTheLine(id, ood)
	for _, c := range []struct {
		what      string
		got, want []float64
	}{
		{"ID accuracy", l.IDAccuracy, id.PerModel.Accuracy},
		{"OOD accuracy", l.OODAccuracy, ood.PerModel.Accuracy},
		{"ID agreement (pairs a < b in row order)", l.IDAgreement, []float64{0.85, 0.75, 0.7}},
		{"OOD agreement", l.OODAgreement, []float64{0.65, 0.55, 0.5}},
	} {
		if len(c.got) != len(c.want) {
			t.Fatalf("%s %v, want %v", c.what, c.got, c.want)
		}
		for i := range c.got {
			if c.got[i] != c.want[i] {
				t.Errorf("%s %v, want %v", c.what, c.got, c.want)
				break
			}
		}
	}
	for _, c := range []struct {
		what   string
		got    ProbitLine
		xs, ys []float64
	}{
		{"accuracy line", l.AccuracyLine, l.IDAccuracy, l.OODAccuracy},
		{"agreement line", l.AgreementLine, l.IDAgreement, l.OODAgreement},
	} {
		if want := probitFit(c.xs, c.ys); c.got != want || math.IsNaN(float64(c.got.Slope)) {
			t.Errorf("%s %+v, want the probit fit %+v", c.what, c.got, want)
		}
	}
}
