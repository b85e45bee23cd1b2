package explain

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// measures is one pair's six values as the reference script writes them;
// a null rank correlation (undefined) reads as nil.
type measures struct {
	FeatureAgreement      float64  `json:"feature_agreement"`
	RankAgreement         float64  `json:"rank_agreement"`
	SignAgreement         float64  `json:"sign_agreement"`
	SignedRankAgreement   float64  `json:"signed_rank_agreement"`
	RankCorrelation       *float64 `json:"rank_correlation"`
	PairwiseRankAgreement float64  `json:"pairwise_rank_agreement"`
}

type agreementRef struct {
	Pairs []struct {
		Name    string
		A, B    []float32
		K       int
		Want    measures
		OpenXAI measures
	}
	Matrix struct {
		M, N, D, K     int
		Attr           []float32
		Correct        []bool
		Consensus      []int
		All            map[string]json.RawMessage
		ConsensusMeans map[string]json.RawMessage `json:"consensus_means"`
	}
}

func loadAgreement(t *testing.T) agreementRef {
	t.Helper()
	b, err := os.ReadFile("testdata/agreement.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref agreementRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// sameValue compares a measure with its reference: nil is NaN.
func sameValue(got float64, want *float64) bool {
	if want == nil {
		return math.IsNaN(got)
	}
	return math.Abs(got-*want) <= 1e-12
}

func TestCompareMatchesNumpy(t *testing.T) {
	for _, p := range loadAgreement(t).Pairs {
		t.Run(p.Name, func(t *testing.T) {
			got, err := Compare(p.A, p.B, p.K)
			if err != nil {
				t.Fatal(err)
			}
			w := p.Want
			for _, c := range []struct {
				name string
				got  float64
				want *float64
			}{
				{"feature_agreement", got.FeatureAgreement, &w.FeatureAgreement},
				{"rank_agreement", got.RankAgreement, &w.RankAgreement},
				{"sign_agreement", got.SignAgreement, &w.SignAgreement},
				{"signed_rank_agreement", got.SignedRankAgreement, &w.SignedRankAgreement},
				{"rank_correlation", got.RankCorrelation, w.RankCorrelation},
				{"pairwise_rank_agreement", got.PairwiseRankAgreement, &w.PairwiseRankAgreement},
			} {
				if !sameValue(c.got, c.want) {
					t.Errorf("%s = %.15g, numpy %v", c.name, c.got, *c.want)
				}
			}
		})
	}
}

// TestReferenceSheetVectors holds Compare to the sheet's numbers
// directly, and documents where the tie-robust definitions part from
// OpenXAI's on its tie vectors.
func TestReferenceSheetVectors(t *testing.T) {
	ea := []float32{0.9, -0.5, 0.3, 0.1, -0.05}
	eb := []float32{0.8, 0.35, -0.6, 0.02, 0.1}
	tests := []struct {
		name string
		a, b []float32
		k    int
		want Agreement
	}{
		{"k=3", ea, eb, 3, Agreement{1, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0.8, 0.8}},
		{"k=2", ea, eb, 2, Agreement{0.5, 0.5, 0.5, 0.5, 0.8, 0.8}},
		// Ties |a| = (3,3,1,0), |b| = (4,3,2,1): Spearman with average
		// ranks is 0.948683 (OpenXAI's dense-rank Pearson: 0.943880).
		// The tie in a breaks by index, (0, 1), as b orders them, so
		// every pair agrees (OpenXAI: 5/6).
		{"ties", []float32{3, 3, 1, 0}, []float32{4, 3, 2, 1}, 2, Agreement{1, 1, 1, 1, 0.9486832980505139, 1}},
		// |a| = (3,1,1,0) ties features 1 and 2, broken as (1, 2): b =
		// (3,1,2,0) puts 2 first, a disagreeing pair (OpenXAI: 1.0);
		// b = (3,2,1,0) puts 1 first, all agree (OpenXAI: 5/6).
		{"PRA tie, b puts the higher index first", []float32{3, 1, 1, 0}, []float32{3, 1, 2, 0}, 2, Agreement{0.5, 0.5, 0.5, 0.5, 0.9486832980505139, 5.0 / 6}},
		{"PRA tie, b puts the lower index first", []float32{3, 1, 1, 0}, []float32{3, 2, 1, 0}, 2, Agreement{1, 1, 1, 1, 0.9486832980505139, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compare(tt.a, tt.b, tt.k)
			if err != nil {
				t.Fatal(err)
			}
			g := []float64{got.FeatureAgreement, got.RankAgreement, got.SignAgreement, got.SignedRankAgreement, got.RankCorrelation, got.PairwiseRankAgreement}
			w := []float64{tt.want.FeatureAgreement, tt.want.RankAgreement, tt.want.SignAgreement, tt.want.SignedRankAgreement, tt.want.RankCorrelation, tt.want.PairwiseRankAgreement}
			for i := range g {
				if math.Abs(g[i]-w[i]) > 1e-6 {
					t.Errorf("%s = %.6f, want %.6f", MeasureNames[i], g[i], w[i])
				}
			}
		})
	}
	// The numpy file carries OpenXAI's own values for the tie vectors:
	// they must differ from ours, as the comments above say.
	for _, p := range loadAgreement(t).Pairs {
		if p.Name != "sheet ties" {
			continue
		}
		if math.Abs(*p.OpenXAI.RankCorrelation-0.943880) > 1e-6 || math.Abs(p.OpenXAI.PairwiseRankAgreement-5.0/6) > 1e-12 {
			t.Errorf("OpenXAI on the tie vectors: RC %v, PRA %v; the sheet says 0.943880 and 5/6", *p.OpenXAI.RankCorrelation, p.OpenXAI.PairwiseRankAgreement)
		}
	}
}

func TestResolveK(t *testing.T) {
	tests := []struct {
		k    float64
		d    int
		want int
		ok   bool
	}{
		{0.25, 784, 196, true},
		{0.25, 5, 2, true}, // ⌈1.25⌉
		{0.1, 30, 3, true}, // float ceil of 0.1·30 would be 4
		{0.001, 10, 1, true},
		{3, 10, 3, true},
		{1, 10, 1, true},
		{10, 10, 10, true},
		{11, 10, 0, false},
		{2.5, 10, 0, false},
		{0, 10, 0, false},
		{-0.5, 10, 0, false},
	}
	for _, tt := range tests {
		got, err := ResolveK(tt.k, tt.d)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ResolveK(%g, %d) = %d, %v; want %d, ok %v", tt.k, tt.d, got, err, tt.want, tt.ok)
		}
	}
}

func TestCompareRefusesNaN(t *testing.T) {
	if _, err := Compare([]float32{1, float32(math.NaN())}, []float32{1, 2}, 1); err == nil {
		t.Error("a NaN attribution was accepted")
	}
}
