package metrics

import (
	"errors"
	"fmt"
	"math"

	"github.com/study-harness/study/study/predmat"
)

// pairTile is the tile size of the label and correctness kernels: 64
// models' packed rows (about 400 KB for N = 10 000 and C ≤ 16) stay in L2.
const pairTile = 64

// checkShape reports a Matrix whose slices do not match M, N and C. The
// kernels check only this much (and the range of labels while packing);
// Compute runs the full predmat.Matrix.Validate.
func checkShape(x *predmat.Matrix) error {
	if x == nil {
		return errors.New("nil matrix")
	}
	m, n, c := x.M(), x.N(), x.Classes
	switch {
	case m == 0 || n == 0:
		return fmt.Errorf("empty matrix: %d models, %d instances", m, n)
	case c < 1 || c > predmat.MaxClasses:
		return fmt.Errorf("classes = %d, want 1..%d", c, predmat.MaxClasses)
	case len(x.Pred) != m*n:
		return fmt.Errorf("len(Pred) = %d, want M×N = %d×%d", len(x.Pred), m, n)
	case x.Prob != nil && len(x.Prob) != m*n*c:
		return fmt.Errorf("len(Prob) = %d, want M×N×C = %d×%d×%d", len(x.Prob), m, n, c)
	}
	for i, l := range x.Labels {
		if l < 0 || int(l) >= c {
			return fmt.Errorf("instance %d: label %d outside [0, %d)", i, l, c)
		}
	}
	for k, v := range x.Pred {
		if v < 0 || int(v) >= c {
			return fmt.Errorf("model %d, instance %d: pred %d outside [0, %d)", k/n, k%n, v, c)
		}
	}
	return nil
}

// pairCounts holds the raw counts of every pair, row-major M×M.
type pairCounts struct {
	n11   []int32 // instances both models get right
	diffs []int32 // instances where the predicted labels differ
}

// countPairs fills the counts of all pairs with the bit-packed kernels on
// at most workers goroutines.
func countPairs(p *packed, workers int) pairCounts {
	m := p.m
	pc := pairCounts{n11: make([]int32, m*m), diffs: make([]int32, m*m)}
	forTiles(upperTiles(m, pairTile), workers, func(t tile) {
		cellsOf(t, func(a, b int) {
			n11 := andCount(p.corr[a*p.cw:(a+1)*p.cw], p.corr[b*p.cw:(b+1)*p.cw])
			d := laneDiffs(p.lab[a*p.lw:(a+1)*p.lw], p.lab[b*p.lw:(b+1)*p.lw], p.lane)
			pc.n11[a*m+b], pc.n11[b*m+a] = int32(n11), int32(n11)
			pc.diffs[a*m+b], pc.diffs[b*m+a] = int32(d), int32(d)
		})
	})
	return pc
}

// Pairwise computes the label and correctness measures for all pairs of
// models (all of PairMatrices except JSD and CAPA) on at most workers
// goroutines (≤ 0: GOMAXPROCS). Reasons holds why each NaN cell is
// undefined. The values do not depend on workers.
func Pairwise(x *predmat.Matrix, workers int) (*PairMatrices, Reasons, error) {
	if err := checkShape(x); err != nil {
		return nil, nil, fmt.Errorf("metrics: pairwise: %w", err)
	}
	p := pack(x)
	pc := countPairs(p, workers)
	r := derivePairs(p, pc, workers)
	return r, derivePairReasons(p, pc, r), nil
}

// pairTable is the correctness table and label agreement of one pair in
// counts.
type pairTable struct {
	n, nA, nB, n11, n10, n01, n00, agree int
}

func tableOf(p *packed, pc pairCounts, a, b int) pairTable {
	n, nA, nB := p.n, p.nCorrect[a], p.nCorrect[b]
	n11 := int(pc.n11[a*p.m+b])
	return pairTable{
		n: n, nA: nA, nB: nB, n11: n11,
		n10: nA - n11, n01: nB - n11, n00: n - nA - nB + n11,
		agree: n - int(pc.diffs[a*p.m+b]),
	}
}

// expectedAgreement returns Σ_c n^A_c n^B_c, the numerator of κ's p_e.
func expectedAgreement(p *packed, a, b int) int64 {
	ua, ca, cb := p.used[a], p.counts[a*p.c:(a+1)*p.c], p.counts[b*p.c:(b+1)*p.c]
	if len(p.used[b]) < len(ua) {
		ua, ca, cb = p.used[b], cb, ca
	}
	var s int64
	for _, k := range ua {
		s += int64(ca[k]) * int64(cb[k])
	}
	return s
}

// The reasons of undefined pairwise cells.
const (
	whyKappa        = "p_e = 1: both models predict one and the same class for every instance"
	whyECPerfect    = "c_exp = 1: both models make no errors"
	whyECAllWrong   = "c_exp = 1: both models are wrong on every instance"
	whyQ            = "0/0: N11·N00 + N01·N10 = 0 in the correctness table"
	whyRhoPerfect   = "0/0: a model is right on every instance, so its correctness has no variance"
	whyRhoAllWrong  = "0/0: a model is wrong on every instance, so its correctness has no variance"
	whyBothWrong    = "N00 = 0: the two models are never wrong on the same instance"
	whyRowNoErrors  = "the row model makes no errors (1 − a_A = 0)"
	whyHNoErrors    = "e_a·e_b = 0: a model of the pair makes no errors"
	whyCAPAClasses  = "one class only: 1/(|O_i| − 1) is undefined"
	whyCAPAExpected = "c_exp = 1: both models put all their probability on the true label"
)

// Pairwise measures from a pair's table; NaN where undefined.

func (t pairTable) agreement() float64 { return float64(t.agree) / float64(t.n) }

func (t pairTable) kappa(peNum int64) float64 {
	n2 := float64(t.n) * float64(t.n)
	if peNum == int64(t.n)*int64(t.n) {
		return math.NaN()
	}
	po, pe := t.agreement(), float64(peNum)/n2
	return (po - pe) / (1 - pe)
}

func (t pairTable) errorConsistency() float64 {
	if (t.nA == t.n && t.nB == t.n) || (t.nA == 0 && t.nB == 0) {
		return math.NaN()
	}
	n := float64(t.n)
	aA, aB := float64(t.nA)/n, float64(t.nB)/n
	cobs := float64(t.n11+t.n00) / n
	cexp := aA*aB + (1-aA)*(1-aB)
	return (cobs - cexp) / (1 - cexp)
}

func (t pairTable) q() float64 {
	num := int64(t.n11)*int64(t.n00) - int64(t.n01)*int64(t.n10)
	den := int64(t.n11)*int64(t.n00) + int64(t.n01)*int64(t.n10)
	if den == 0 {
		return math.NaN()
	}
	return float64(num) / float64(den)
}

func (t pairTable) rho() float64 {
	if t.nA == 0 || t.nA == t.n || t.nB == 0 || t.nB == t.n {
		return math.NaN()
	}
	num := float64(int64(t.n11)*int64(t.n00) - int64(t.n01)*int64(t.n10))
	den := math.Sqrt(float64(t.nA) * float64(t.n-t.nA) * float64(t.nB) * float64(t.n-t.nB))
	return num / den
}

func (t pairTable) bothWrongAgreement() float64 {
	if t.n00 == 0 {
		return math.NaN()
	}
	// Instances with the same prediction where one model is right are
	// exactly those where both are right, so same-and-both-wrong is
	// agree − N11.
	return float64(t.agree-t.n11) / float64(t.n00)
}

// homogenization is P(both wrong)/(e_A·e_B) = N00·N/((N − N_A)(N − N_B)).
func (t pairTable) homogenization() float64 {
	if t.nA == t.n || t.nB == t.n {
		return math.NaN()
	}
	return float64(t.n00) * float64(t.n) / (float64(t.n-t.nA) * float64(t.n-t.nB))
}

func (t pairTable) errorNormalizedDisagreement() float64 {
	if t.nA == t.n {
		return math.NaN()
	}
	return float64(t.n-t.agree) / float64(t.n-t.nA)
}

// derivePairs turns the counts into the measures, rows split among the
// workers.
func derivePairs(p *packed, pc pairCounts, workers int) *PairMatrices {
	m := p.m
	r := &PairMatrices{
		Agreement: NewSquare(m), CohenKappa: NewSquare(m), ErrorConsistency: NewSquare(m),
		QStatistic: NewSquare(m), Correlation: NewSquare(m), DoubleFault: NewSquare(m),
		CorrectnessDisagreement: NewSquare(m), AgreementBothWrong: NewSquare(m),
		ErrorNormalizedDisagreement: NewSquare(m), Homogenization: NewSquare(m),
	}
	var rows []tile
	for a0 := 0; a0 < m; a0 += pairTile {
		rows = append(rows, tile{a0, min(a0+pairTile, m), 0, m})
	}
	forTiles(rows, workers, func(rb tile) {
		for a := rb.a0; a < rb.a1; a++ {
			for b := 0; b < m; b++ {
				t := tableOf(p, pc, a, b)
				n := float64(t.n)
				r.Agreement[a][b] = t.agreement()
				r.CohenKappa[a][b] = t.kappa(expectedAgreement(p, a, b))
				r.ErrorConsistency[a][b] = t.errorConsistency()
				r.QStatistic[a][b] = t.q()
				r.Correlation[a][b] = t.rho()
				r.DoubleFault[a][b] = float64(t.n00) / n
				r.CorrectnessDisagreement[a][b] = float64(t.n10+t.n01) / n
				r.AgreementBothWrong[a][b] = t.bothWrongAgreement()
				r.ErrorNormalizedDisagreement[a][b] = t.errorNormalizedDisagreement()
				r.Homogenization[a][b] = t.homogenization()
			}
		}
	})
	return r
}

// derivePairReasons names the cause of every NaN cell of r.
func derivePairReasons(p *packed, pc pairCounts, r *PairMatrices) Reasons {
	why := Reasons{}
	for a := 0; a < p.m; a++ {
		for b := 0; b < p.m; b++ {
			t := tableOf(p, pc, a, b)
			if math.IsNaN(r.CohenKappa[a][b]) {
				why.cell("cohen_kappa", a, b, whyKappa)
			}
			if math.IsNaN(r.ErrorConsistency[a][b]) {
				if t.nA == t.n {
					why.cell("error_consistency", a, b, whyECPerfect)
				} else {
					why.cell("error_consistency", a, b, whyECAllWrong)
				}
			}
			if math.IsNaN(r.QStatistic[a][b]) {
				why.cell("q_statistic", a, b, whyQ)
			}
			if math.IsNaN(r.Correlation[a][b]) {
				if t.nA == t.n || t.nB == t.n {
					why.cell("correlation", a, b, whyRhoPerfect)
				} else {
					why.cell("correlation", a, b, whyRhoAllWrong)
				}
			}
			if math.IsNaN(r.AgreementBothWrong[a][b]) {
				why.cell("agreement_both_wrong", a, b, whyBothWrong)
			}
			if math.IsNaN(r.ErrorNormalizedDisagreement[a][b]) {
				why.cell("error_normalized_disagreement", a, b, whyRowNoErrors)
			}
			if math.IsNaN(r.Homogenization[a][b]) {
				why.cell("homogenization", a, b, whyHNoErrors)
			}
		}
	}
	return why
}
