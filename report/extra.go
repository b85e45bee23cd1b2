package report

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/study-harness/study/study/metrics"
)

// The metrics stage adds uncertainty, attribution, representation and
// distribution-shift results through the Extra maps of metrics.Result,
// named as in metrics.json. The report reads them through their JSON form,
// the contract other tools read too, so that it depends on the member
// names and shapes and not on the Go types behind them. A member that is
// absent or null is shown as "not computed".

// fnum is a number that reads JSON null as NaN.
type fnum float64

func (f *fnum) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = fnum(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = fnum(v)
	return nil
}

// interval is a 95% interval [lo, hi]; null or a null bound reads as NaN.
type interval [2]fnum

func (iv *interval) UnmarshalJSON(b []byte) error {
	iv[0], iv[1] = fnum(math.NaN()), fnum(math.NaN())
	if string(b) == "null" {
		return nil
	}
	var v []fnum
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if len(v) == 2 {
		iv[0], iv[1] = v[0], v[1]
	}
	return nil
}

// ok reports whether both bounds are finite.
func (iv interval) ok() bool { return finite(float64(iv[0])) && finite(float64(iv[1])) }

// nanInterval is an interval that was not computed.
var nanInterval = interval{fnum(math.NaN()), fnum(math.NaN())}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// decodeExtra decodes the JSON form of v into dst. It reports false when v
// is absent, null or does not have dst's shape.
func decodeExtra(v any, dst any) bool {
	if v == nil {
		return false
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return false
	}
	return json.Unmarshal(b, dst) == nil
}

type measureSummary struct {
	Mean     fnum     `json:"mean"`
	Median   fnum     `json:"median"`
	Min      fnum     `json:"min"`
	Max      fnum     `json:"max"`
	NDefined int      `json:"n_defined"`
	CI       interval `json:"ci"`
}

// UnmarshalJSON decodes m with an absent "ci" read as NaN (not computed):
// the metrics stage omits it when the bootstrap is off, and a missing
// member must not read as the interval [0, 0].
func (m *measureSummary) UnmarshalJSON(b []byte) error {
	type plain measureSummary
	p := plain{CI: nanInterval}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*m = measureSummary(p)
	return nil
}

// recipePoint is one recipe of the generalisation–disagreement relation
// (metrics.json "generalization_disagreement").
type recipePoint struct {
	Recipe          string            `json:"recipe"`
	Config          map[string]string `json:"config"`
	NModels         int               `json:"n_models"`
	TestError       fnum              `json:"test_error"`
	TestErrorCI     interval          `json:"test_error_ci"`
	TestErrorSeedCI interval          `json:"test_error_seed_ci"`
	Disagreement    fnum              `json:"disagreement"`
	DisagreementCI  interval          `json:"disagreement_ci"`
	NPairs          int               `json:"n_pairs"`
	// DisagreementSeedRange and CACE: see genDisFigure and caceNote.
	DisagreementSeedRange interval `json:"disagreement_seed_range"`
	CACE                  fnum     `json:"cace"`
}

// UnmarshalJSON decodes r with absent intervals read as NaN (not
// computed): the metrics stage omits the bootstrap intervals when the
// bootstrap is off, and a missing member must not read as [0, 0].
func (r *recipePoint) UnmarshalJSON(b []byte) error {
	type plain recipePoint
	p := plain{TestErrorCI: nanInterval, TestErrorSeedCI: nanInterval, DisagreementCI: nanInterval, DisagreementSeedRange: nanInterval, CACE: fnum(math.NaN())}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = recipePoint(p)
	return nil
}

// representation holds the representation-similarity matrices
// (metrics.json "representation").
type representation struct {
	CKALinear   [][]fnum `json:"cka_linear"`
	CKADebiased [][]fnum `json:"cka_debiased"`
	CKARBF      [][]fnum `json:"cka_rbf"`
	MutualKNN   [][]fnum `json:"mutual_knn"`
	K           int      `json:"knn_k"`
	NInstances  int      `json:"n_instances"`
	// LogitsCKALinear, NoFeatures and NoLogits are absent from
	// metrics.json files written before the logits view.
	LogitsCKALinear [][]fnum `json:"logits_cka_linear"`
	NoFeatures      []string `json:"no_features"`
	NoLogits        []string `json:"no_logits"`
}

// onTheLine is the agreement-on-the-line data of one evaluation set
// (metrics.json "agreement_on_the_line").
type onTheLine struct {
	IDAccuracy    []fnum `json:"id_accuracy"`
	OODAccuracy   []fnum `json:"ood_accuracy"`
	IDAgreement   []fnum `json:"id_agreement"`
	OODAgreement  []fnum `json:"ood_agreement"`
	AccuracyLine  line   `json:"accuracy_line"`
	AgreementLine line   `json:"agreement_line"`
}

type line struct {
	Slope     fnum `json:"slope"`
	Intercept fnum `json:"intercept"`
}

// extras is what the report reads from the Extra maps; the zero value
// means nothing beyond the fixed members was computed.
type extras struct {
	attribution    []attributionRow
	hasAttribution bool
	attrSummary    *attributionSummary
	recipes        []recipePoint
	hasRecipes     bool
	rep            *representation
	onTheLine      map[string]onTheLine
	// ensembleCI and ensembleP hold "<name>_ci" and "<name>_p" of the
	// ensemble member, pairMean the members of "pairwise_mean". A name
	// without an entry in ensembleCI has no interval; an entry may be a
	// genuine [0, 0].
	ensembleCI map[string]interval
	ensembleP  map[string]fnum
	pairMean   map[string]json.RawMessage
	accuracyCI []interval
	// permutations is the permutation count behind the p-values
	// (metrics.json "permutation"), 0 when none were run.
	permutations int
}

// readExtras decodes the optional members of r. A member of the wrong
// shape is treated as absent.
func readExtras(r *metrics.Result) extras {
	var e extras
	if r == nil {
		return e
	}
	e.hasAttribution = decodeExtra(r.Extra["attribution"], &e.attribution)
	var as attributionSummary
	if decodeExtra(r.Extra["attribution_summary"], &as) {
		e.attrSummary = &as
	}
	e.hasRecipes = decodeExtra(r.Extra["generalization_disagreement"], &e.recipes)
	var rep representation
	if decodeExtra(r.Extra["representation"], &rep) {
		e.rep = &rep
	}
	decodeExtra(r.Extra["agreement_on_the_line"], &e.onTheLine)
	decodeExtra(r.Extra["pairwise_mean"], &e.pairMean)
	decodeExtra(r.PerModel.Extra["accuracy_ci"], &e.accuracyCI)
	e.permutations = permutationCount(r)
	e.ensembleCI = map[string]interval{}
	e.ensembleP = map[string]fnum{}
	for k, v := range r.Ensemble.Extra {
		var iv interval
		var p fnum
		switch {
		case len(k) > 3 && k[len(k)-3:] == "_ci" && decodeExtra(v, &iv):
			e.ensembleCI[k[:len(k)-3]] = iv
		case len(k) > 2 && k[len(k)-2:] == "_p" && decodeExtra(v, &p):
			e.ensembleP[k[:len(k)-2]] = p
		}
	}
	return e
}

// hasIntervals reports whether any bootstrap interval was computed: the
// metrics stage writes none of the "_ci" members when the bootstrap is off.
func (e extras) hasIntervals() bool {
	for _, iv := range e.ensembleCI {
		if iv.ok() {
			return true
		}
	}
	for _, iv := range e.accuracyCI {
		if iv.ok() {
			return true
		}
	}
	for k, raw := range e.pairMean {
		var iv interval
		if strings.HasSuffix(k, "_ci") && json.Unmarshal(raw, &iv) == nil && iv.ok() {
			return true
		}
	}
	for _, a := range e.attribution {
		for _, m := range a.Measures {
			if m.CI.ok() {
				return true
			}
		}
	}
	for _, r := range e.recipes {
		if r.TestErrorCI.ok() || r.DisagreementCI.ok() {
			return true
		}
	}
	return false
}

// pairMeanValue returns "pairwise_mean".name, its interval and its
// permutation p-value, NaN when absent.
func (e extras) pairMeanValue(name string) (v float64, iv interval, p float64) {
	v, p, iv = math.NaN(), math.NaN(), nanInterval
	var f fnum
	if raw, ok := e.pairMean[name]; ok && json.Unmarshal(raw, &f) == nil {
		v = float64(f)
	}
	if raw, ok := e.pairMean[name+"_ci"]; ok {
		json.Unmarshal(raw, &iv)
	}
	if raw, ok := e.pairMean[name+"_p"]; ok && json.Unmarshal(raw, &f) == nil {
		p = float64(f)
	}
	return v, iv, p
}

// squareOf converts a decoded matrix to float64, nil when it is empty or
// not m×m.
func squareOf(s [][]fnum, m int) [][]float64 {
	if len(s) != m || m == 0 {
		return nil
	}
	out := make([][]float64, m)
	for i, row := range s {
		if len(row) != m {
			return nil
		}
		out[i] = make([]float64, m)
		for j, v := range row {
			out[i][j] = float64(v)
		}
	}
	return out
}
