package metrics

import (
	"math"
	"os"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/predmat/predmattest"
)

// randomMatrix returns m models × n instances × c classes: each prediction
// is the true label with probability acc, else a uniform class; the
// probabilities are the softmax of N(0,1) logits with +3 on the predicted
// label (as in scripts/peers/numpy_agreement.py).
func randomMatrix(seed uint64, m, n, c int, acc float64) *predmat.Matrix {
	return predmattest.Random(seed, m, n, c, acc)
}

// naivePairs computes the pairwise label and correctness measures
// instance by instance from the definitions.
func naivePairs(x *predmat.Matrix) *PairMatrices {
	m, n, c := x.M(), x.N(), x.Classes
	r := &PairMatrices{
		Agreement: NewSquare(m), CohenKappa: NewSquare(m), ErrorConsistency: NewSquare(m),
		QStatistic: NewSquare(m), Correlation: NewSquare(m), DoubleFault: NewSquare(m),
		CorrectnessDisagreement: NewSquare(m), AgreementBothWrong: NewSquare(m),
		ErrorNormalizedDisagreement: NewSquare(m), Homogenization: NewSquare(m),
	}
	nan := math.NaN()
	div := func(a, b float64) float64 {
		if b == 0 {
			return nan
		}
		return a / b
	}
	for a := range m {
		for b := range m {
			var n11, n10, n01, n00, same, sameWrong float64
			ca, cb := make([]float64, c), make([]float64, c)
			for i := range n {
				pa, pb, y := x.Pred[a*n+i], x.Pred[b*n+i], x.Labels[i]
				ra, rb := pa == y, pb == y
				switch {
				case ra && rb:
					n11++
				case ra:
					n10++
				case rb:
					n01++
				default:
					n00++
					if pa == pb {
						sameWrong++
					}
				}
				if pa == pb {
					same++
				}
				ca[pa]++
				cb[pb]++
			}
			fn := float64(n)
			po := same / fn
			pe := 0.0
			for k := range c {
				pe += ca[k] / fn * cb[k] / fn
			}
			aA, aB := (n11+n10)/fn, (n11+n01)/fn
			cexp := aA*aB + (1-aA)*(1-aB)
			r.Agreement[a][b] = po
			r.CohenKappa[a][b] = div(po-pe, 1-pe)
			r.ErrorConsistency[a][b] = div((n11+n00)/fn-cexp, 1-cexp)
			r.QStatistic[a][b] = div(n11*n00-n01*n10, n11*n00+n01*n10)
			r.Correlation[a][b] = div(n11*n00-n01*n10, math.Sqrt((n11+n10)*(n01+n00)*(n11+n01)*(n10+n00)))
			r.DoubleFault[a][b] = n00 / fn
			r.CorrectnessDisagreement[a][b] = (n10 + n01) / fn
			r.AgreementBothWrong[a][b] = div(sameWrong, n00)
			r.ErrorNormalizedDisagreement[a][b] = div(1-po, 1-aA)
			r.Homogenization[a][b] = div(n00/fn, (1-aA)*(1-aB))
		}
	}
	return r
}

// naiveJSD and naiveCAPA compute one pair instance by instance.
func naiveJSD(x *predmat.Matrix, a, b int) float64 {
	c, s := x.Classes, 0.0
	pa, pb := x.ProbRow(a), x.ProbRow(b)
	for i := range x.N() {
		for k := range c {
			p, q := float64(pa[i*c+k]), float64(pb[i*c+k])
			mix := (p + q) / 2
			if p > 0 {
				s += p / 2 * math.Log2(p/mix)
			}
			if q > 0 {
				s += q / 2 * math.Log2(q/mix)
			}
		}
	}
	return s / float64(x.N())
}

func naiveCAPA(x *predmat.Matrix, a, b int) float64 {
	n, c := x.N(), x.Classes
	pa, pb := x.ProbRow(a), x.ProbRow(b)
	var obs, ta, tb float64
	for i := range n {
		for k := range c {
			obs += float64(pa[i*c+k]) * float64(pb[i*c+k])
		}
		ta += float64(pa[i*c+int(x.Labels[i])])
		tb += float64(pb[i*c+int(x.Labels[i])])
	}
	obs, ta, tb = obs/float64(n), ta/float64(n), tb/float64(n)
	cexp := ta*tb + (1-ta)*(1-tb)/float64(c-1)
	if cexp >= 1 {
		return math.NaN()
	}
	return (obs - cexp) / (1 - cexp)
}

// squares lists the label and correctness matrices by JSON name.
func squares(p *PairMatrices) map[string]Square {
	return map[string]Square{
		"agreement": p.Agreement, "cohen_kappa": p.CohenKappa, "error_consistency": p.ErrorConsistency,
		"q_statistic": p.QStatistic, "correlation": p.Correlation, "double_fault": p.DoubleFault,
		"correctness_disagreement": p.CorrectnessDisagreement, "agreement_both_wrong": p.AgreementBothWrong,
		"error_normalized_disagreement": p.ErrorNormalizedDisagreement, "homogenization": p.Homogenization,
	}
}

// close reports whether got and want agree to tol, NaN matching NaN.
func close(got, want, tol float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol
}

func mustRead(t interface {
	Helper()
	Fatal(...any)
}, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
