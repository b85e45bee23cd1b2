package metrics

import (
	"bufio"
	"fmt"
	"io"

	"github.com/study-harness/study/study/atomic"
)

// Result holds every measure of one prediction matrix. It marshals to the
// JSON contract that the report and other tools read: the member names and
// shapes below are fixed. Later stages add companion members (for example
// "homogenization_ci", "error_consistency_p", "cka") through the Extra maps
// of each part, from their own files.
type Result struct {
	Models     []string      `json:"models"`      // model names in input order
	NInstances int           `json:"n_instances"` // N
	NClasses   int           `json:"n_classes"`   // C
	PerModel   PerModelStats `json:"per_model"`
	Pairwise   PairMatrices  `json:"pairwise"`
	Ensemble   EnsembleStats `json:"ensemble"`
	// Reasons maps the JSON path of every NaN (null) value to why it is
	// undefined: "ensemble.homogenization", "pairwise.cohen_kappa[0][3]",
	// or "pairwise.jsd" when a whole matrix is absent.
	Reasons Reasons `json:"reasons"`
	// Extra holds further top-level members, written after the fixed
	// ones in key order.
	Extra map[string]any `json:"-"`
}

// PerModelStats holds one value per model, in input order.
type PerModelStats struct {
	Accuracy Vec            `json:"accuracy"` // a_m = mean_i 1[ŷ_i^m = y_i]
	Error    Vec            `json:"error"`    // e_m = 1 − a_m
	Extra    map[string]any `json:"-"`
}

// PairMatrices holds the pairwise measures, each M×M with the diagonal. A
// matrix is nil (null in JSON) when it was not computed, for example JSD
// and CAPA for a matrix without probabilities.
type PairMatrices struct {
	Agreement        Square `json:"agreement"`         // mean_i 1[ŷ^A_i = ŷ^B_i]
	CohenKappa       Square `json:"cohen_kappa"`       // (p_o − p_e)/(1 − p_e) on predicted labels
	ErrorConsistency Square `json:"error_consistency"` // Geirhos et al. 2020 κ on correctness
	QStatistic       Square `json:"q_statistic"`       // Yule's Q on the correctness table
	Correlation      Square `json:"correlation"`       // ρ (phi coefficient) on correctness
	DoubleFault      Square `json:"double_fault"`      // N00
	JSD              Square `json:"jsd"`               // mean Jensen–Shannon divergence, bits
	CAPA             Square `json:"capa"`              // chance-adjusted probabilistic agreement
	// CorrectnessDisagreement is N10 + N01.
	CorrectnessDisagreement Square `json:"correctness_disagreement"`
	// AgreementBothWrong is P(ŷ^A = ŷ^B | both wrong).
	AgreementBothWrong Square `json:"agreement_both_wrong"`
	// ErrorNormalizedDisagreement[a][b] is (1 − agreement)/(1 − a_a): the
	// row model's error is the denominator.
	ErrorNormalizedDisagreement Square `json:"error_normalized_disagreement"`
	// Homogenization[a][b] is the pairwise homogenization
	// P(both wrong)/(e_a·e_b) (Bommasani et al. 2022 for a pair; 1 under
	// independent errors): N00·N/((N − N_A)(N − N_B)). Unlike the
	// whole-set H it does not grow with the number of models. Like the
	// other matrices it keeps its diagonal, 1/e_a; it is NaN where a
	// model makes no errors.
	Homogenization Square         `json:"homogenization"`
	Extra          map[string]any `json:"-"`
}

// EnsembleStats holds the whole-set measures over all M models.
type EnsembleStats struct {
	SystemicFailureRate        Num `json:"systemic_failure_rate"`        // SFR: fraction every model gets wrong
	IndependentFailureRate     Num `json:"independent_failure_rate"`     // ∏_m e_m
	Homogenization             Num `json:"homogenization"`               // H = SFR / ∏_m e_m
	AllCorrectRate             Num `json:"all_correct_rate"`             // fraction every model gets right
	IndependentAllCorrectRate  Num `json:"independent_all_correct_rate"` // ∏_m a_m
	FleissKappa                Num `json:"fleiss_kappa"`                 // models as raters, classes as categories
	Entropy                    Num `json:"entropy"`                      // Kuncheva's E
	KWVariance                 Num `json:"kw_variance"`                  // Kohavi–Wolpert variance
	InterraterKappa            Num `json:"interrater_kappa"`             // Kuncheva's κ on correctness
	Difficulty                 Num `json:"difficulty"`                   // θ: population variance of l_i/M
	GeneralizedDiversity       Num `json:"generalized_diversity"`        // 1 − p(2)/p(1)
	CoincidentFailureDiversity Num `json:"coincident_failure_diversity"` // CFD
	MajorityVoteAccuracy       Num `json:"majority_vote_accuracy"`       // plurality vote, ties to the lowest class
	MeanAccuracy               Num `json:"mean_accuracy"`                // mean_m a_m
	BestAccuracy               Num `json:"best_accuracy"`                // max_m a_m
	// LabelEntropy is the entropy in bits of the true-label distribution
	// of the test set, −Σ_c f_c log2 f_c with f_c the fraction of
	// instances of class c: the scale against which agreement on a
	// skewed test set should be read.
	LabelEntropy Num `json:"label_entropy"`
	// FailureCountHistogram[k], k = 0..M, is the fraction of instances
	// that exactly k models get wrong.
	FailureCountHistogram Vec `json:"failure_count_histogram"`
	// PoissonBinomial[k] is the probability that exactly k models fail if
	// model m failed independently with probability e_m.
	PoissonBinomial Vec            `json:"poisson_binomial"`
	Extra           map[string]any `json:"-"`
}

// Reasons maps the JSON path of an undefined (NaN) value to why it is
// undefined.
type Reasons map[string]string

func (r Reasons) cell(name string, a, b int, why string) {
	r[fmt.Sprintf("pairwise.%s[%d][%d]", name, a, b)] = why
}

type (
	plainResult   Result
	plainPerModel PerModelStats
	plainPairs    PairMatrices
	plainEnsemble EnsembleStats
)

// MarshalJSON writes the fixed members and then Extra.
func (r Result) MarshalJSON() ([]byte, error) {
	if r.Reasons == nil {
		r.Reasons = Reasons{}
	}
	return marshalWithExtra(plainResult(r), r.Extra)
}

// MarshalJSON writes the fixed members and then Extra.
func (p PerModelStats) MarshalJSON() ([]byte, error) {
	return marshalWithExtra(plainPerModel(p), p.Extra)
}

// MarshalJSON writes the fixed members and then Extra.
func (p PairMatrices) MarshalJSON() ([]byte, error) {
	return marshalWithExtra(plainPairs(p), p.Extra)
}

// MarshalJSON writes the fixed members and then Extra.
func (e EnsembleStats) MarshalJSON() ([]byte, error) {
	return marshalWithExtra(plainEnsemble(e), e.Extra)
}

// Encode writes r as compact JSON (an M×M matrix per pairwise measure
// makes indentation costly) followed by a newline. The bytes depend only
// on r: members come in a fixed order and numbers in their shortest form.
// They are those of json.Marshal(r), but written as they are produced
// (see streamJSON): for 1000 models the document is about 200 MB, and
// json.Marshal would hold several copies of it at once.
func (r *Result) Encode(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := streamJSON(bw, r); err != nil {
		return fmt.Errorf("metrics: encode result: %w", err)
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

// WriteJSON atomically writes r as JSON to path (see Encode).
func WriteJSON(path string, r *Result) error {
	return atomic.Write(path, 0o644, r.Encode)
}
