package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/study-harness/study/study/predmat"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Defaults of the representation measures.
const (
	// DefaultKNN is k of mutual k-NN alignment (Huh et al. 2024 use 10).
	DefaultKNN = 10
	// DefaultRBFThreshold sets the RBF kernel width of a model's features
	// to this multiple of their median pairwise distance.
	DefaultRBFThreshold = 0.5
	// maxKernelBytes bounds the M×n² float64 kernel matrices.
	maxKernelBytes = 1 << 30
)

// Layer names, for reasons and for readers of metrics.json.
const (
	// HiddenLayer is the layer that the cka_*, mutual_knn members compare.
	HiddenLayer = "the last hidden layer (penultimate: the input of the output layer)"
	// LogitsLayer is the layer that logits_cka_linear compares.
	LogitsLayer = "the logits (pre-softmax outputs)"
)

// Representation holds the similarity of the models' internal layers on
// the feature subset of instances, M×M with the diagonal: of their
// penultimate-layer features (HiddenLayer; NaN for models without a hidden
// layer) and of their logits (LogitsLayer; NaN for models without logits).
// A member whose layer no model has is nil (null), with a reason.
type Representation struct {
	// CKALinear is linear CKA (Kornblith et al. 2019), ⟨HKH, HLH⟩ /
	// (‖HKH‖ ‖HLH‖) with K = XXᵀ, L = YYᵀ and H the centring matrix.
	CKALinear Square `json:"cka_linear"`
	// CKADebiased is linear CKA with the unbiased HSIC estimator (Song et
	// al. 2012); it can be negative.
	CKADebiased Square `json:"cka_debiased"`
	// CKARBF is CKA with Gaussian kernels exp(−‖x_i − x_j‖²/(2σ²)), σ =
	// RBFThreshold × the median distance between distinct instances of
	// the model's own features.
	CKARBF Square `json:"cka_rbf"`
	// MutualKNN is mutual k-NN alignment (Huh et al. 2024): mean_i
	// |kNN_A(i) ∩ kNN_B(i)|/k, Euclidean neighbours excluding i, ties
	// broken by the lower instance index.
	MutualKNN Square `json:"mutual_knn"`
	// LogitsCKALinear is linear CKA, as CKALinear, of the models' logits:
	// a view that every net has, logistic regression included.
	LogitsCKALinear Square  `json:"logits_cka_linear"`
	K               int     `json:"knn_k"`
	RBFThreshold    float64 `json:"rbf_threshold"`
	NInstances      int     `json:"n_instances"` // the size of the feature subset
	// NoFeatures and NoLogits say, per model, why it has no
	// penultimate-layer features or no logits; "" when it has them.
	NoFeatures []string `json:"no_features"`
	NoLogits   []string `json:"no_logits"`
}

// hiddenMembers are the JSON names of the hidden-layer measures.
var hiddenMembers = []string{"cka_linear", "cka_debiased", "cka_rbf", "mutual_knn"}

// Representations computes the representation measures of the models
// with features or logits in x (k ≤ 0: DefaultKNN; threshold ≤ 0:
// DefaultRBFThreshold). It returns nil and a reason under
// "representation" when no model has either or the subset is too small or
// too large.
func Representations(x *predmat.Matrix, k int, threshold float64, workers int) (*Representation, Reasons) {
	why := Reasons{}
	m, n := x.M(), len(x.FeatureIdx)
	noF, noL := missing(x, x.Features, x.NoFeatures, "penultimate-layer features"), missing(x, x.Logits, x.NoLogits, "logits")
	switch {
	case present(noF) == 0 && present(noL) == 0:
		why["representation"] = "no model has penultimate-layer features or logits" + allWhy(x.NoFeatures, x.NoLogits)
		return nil, why
	case n < 4:
		why["representation"] = fmt.Sprintf("the feature subset has %d instances; debiased CKA needs at least 4", n)
		return nil, why
	case float64(m)*float64(n)*float64(n)*8 > maxKernelBytes:
		why["representation"] = fmt.Sprintf("the feature subset of %d instances is too large for %d models (the kernels would take more than 1 GiB)", n, m)
		return nil, why
	}
	if k <= 0 {
		k = DefaultKNN
	}
	k = min(k, n-1)
	if threshold <= 0 {
		threshold = DefaultRBFThreshold
	}
	rep := &Representation{K: k, RBFThreshold: threshold, NInstances: n, NoFeatures: noF, NoLogits: noL}
	if present(noF) == 0 {
		for _, name := range hiddenMembers {
			why["representation."+name] = "no model has penultimate-layer features" + allWhy(x.NoFeatures)
		}
	} else {
		grams, bad := gramsOf(x, x.Features, x.FeatureDims, noF, "feature")
		hiddenMeasures(rep, grams, n, workers)
		for i, s := range []Square{rep.CKALinear, rep.CKADebiased, rep.CKARBF, rep.MutualKNN} {
			cellReasons(why, hiddenMembers[i], s, grams, bad, noF)
		}
	}
	if present(noL) == 0 {
		why["representation.logits_cka_linear"] = "no model has logits" + allWhy(x.NoLogits)
	} else {
		grams, bad := gramsOf(x, x.Logits, x.LogitDims, noL, "logit")
		rep.LogitsCKALinear = linearCKA(make([]float64, m*n*n), grams, n, workers)
		cellReasons(why, "logits_cka_linear", rep.LogitsCKALinear, grams, bad, noL)
	}
	return rep, why
}

// missing returns, per model, why it has no values of the layer vals
// ("" when it has): its note in notes, or a generic reason naming what.
func missing(x *predmat.Matrix, vals [][]float32, notes []string, what string) []string {
	out := make([]string, x.M())
	for a := range out {
		switch {
		case a < len(vals) && vals[a] != nil:
		case a < len(notes) && notes[a] != "":
			out[a] = notes[a]
		default:
			out[a] = "the model has no " + what
		}
	}
	return out
}

// present returns how many models have the layer: no[a] == "".
func present(no []string) int {
	c := 0
	for _, w := range no {
		if w == "" {
			c++
		}
	}
	return c
}

// allWhy lists the distinct non-empty notes of lists (the matrix's
// NoFeatures and NoLogits), as ": a; b".
func allWhy(lists ...[]string) string {
	var seen []string
	for _, l := range lists {
		for _, w := range l {
			if w != "" && !slices.Contains(seen, w) {
				seen = append(seen, w)
			}
		}
	}
	if len(seen) == 0 {
		return ""
	}
	return ": " + strings.Join(seen, "; ")
}

// gramsOf returns the Gram matrix XXᵀ of each model's values of one layer
// (kind "feature" or "logit"), nil for a model without (no[a] != "") or
// whose values do not match its dimension (bad[a] says why).
func gramsOf(x *predmat.Matrix, vals [][]float32, dims []int, no []string, kind string) (grams [][]float64, bad []string) {
	m, n := x.M(), len(x.FeatureIdx)
	grams, bad = make([][]float64, m), make([]string, m)
	for a := range m {
		if no[a] != "" {
			continue
		}
		d := dims[a]
		if d <= 0 || len(vals[a]) != n*d {
			bad[a] = fmt.Sprintf("model %q has %d %s values, want %d instances × %d dims", x.Models[a], len(vals[a]), kind, n, d)
			continue
		}
		grams[a] = gramOf(vals[a], n, d)
	}
	return grams, bad
}

// cellReasons records why each NaN cell of member name is undefined.
func cellReasons(why Reasons, name string, s Square, grams [][]float64, bad, no []string) {
	for a := range s {
		for b := range s[a] {
			if !math.IsNaN(s[a][b]) {
				continue
			}
			w := "0/0: a model's centred kernel is zero (constant values)"
			switch {
			case bad[a] != "":
				w = bad[a]
			case bad[b] != "":
				w = bad[b]
			case no[a] != "":
				w = no[a]
			case no[b] != "":
				w = no[b]
			}
			why[fmt.Sprintf("representation.%s[%d][%d]", name, a, b)] = w
		}
	}
}

// ckaOf returns the M×M matrix g[a][b] / √(g[a][a] g[b][b]) of the
// flattened M×M inner products g, NaN where a model has no Gram matrix.
func ckaOf(g []float64, grams [][]float64) Square {
	m := len(grams)
	s := NewSquare(m)
	for a := range m {
		for b := range m {
			s[a][b] = math.NaN()
			if grams[a] != nil && grams[b] != nil {
				s[a][b] = g[a*m+b] / math.Sqrt(g[a*m+a]*g[b*m+b])
			}
		}
	}
	return s
}

// fillKernels writes f(a, gram) for every model with a Gram matrix into
// its n×n block of the M×n² matrix flat, zero for the others; one buffer
// serves every measure, since M×n² may be large.
func fillKernels(flat []float64, grams [][]float64, n int, f func(a int, g, dst []float64)) {
	nn := n * n
	clear(flat)
	for a, g := range grams {
		if g != nil {
			f(a, g, flat[a*nn:(a+1)*nn])
		}
	}
}

// linearCKA returns linear CKA between the models' Gram matrices, with
// flat (M×n²) as scratch.
func linearCKA(flat []float64, grams [][]float64, n, workers int) Square {
	fillKernels(flat, grams, n, func(_ int, g, dst []float64) { center(g, n, dst) })
	return ckaOf(gram64(flat, len(grams), n*n, workers), grams)
}

// hiddenMeasures sets rep's linear, debiased and RBF CKA and mutual k-NN
// alignment from the Gram matrices of the models' features.
func hiddenMeasures(rep *Representation, grams [][]float64, n, workers int) {
	m, nn, k, threshold := len(grams), n*n, rep.K, rep.RBFThreshold
	flat := make([]float64, m*nn)
	rep.CKALinear = linearCKA(flat, grams, n, workers)

	// Debiased: Grams with zeroed diagonals, their row sums and totals.
	rows := make([][]float64, m)
	tot := make([]float64, m)
	fillKernels(flat, grams, n, func(a int, g, dst []float64) {
		copy(dst, g)
		rows[a] = make([]float64, n)
		for i := range n {
			dst[i*n+i] = 0
			for j := range n {
				rows[a][i] += dst[i*n+j]
			}
			tot[a] += rows[a][i]
		}
	})
	g := gram64(flat, m, nn, workers)
	fn := float64(n)
	hsic := func(a, b int) float64 {
		dot := 0.0
		for i := range n {
			dot += rows[a][i] * rows[b][i]
		}
		return (g[a*m+b] + tot[a]*tot[b]/((fn-1)*(fn-2)) - 2*dot/(fn-2)) / (fn * (fn - 3))
	}
	rep.CKADebiased = NewSquare(m)
	for a := range m {
		for b := range m {
			rep.CKADebiased[a][b] = math.NaN()
			if grams[a] != nil && grams[b] != nil {
				rep.CKADebiased[a][b] = hsic(a, b) / math.Sqrt(hsic(a, a)*hsic(b, b))
			}
		}
	}

	// RBF: centred Gaussian kernels; and the k-NN lists from the same
	// distances.
	knn := make([][]int32, m)
	fillKernels(flat, grams, n, func(a int, g, dst []float64) {
		d2 := sqDistances(g, n)
		knn[a] = neighbours(d2, n, k)
		var dist []float64
		for i := range n {
			for j := i + 1; j < n; j++ {
				dist = append(dist, math.Sqrt(d2[i*n+j]))
			}
		}
		slices.Sort(dist)
		sigma := threshold * quantileSorted(dist, 0.5)
		kern := make([]float64, nn)
		for i, v := range d2 {
			if sigma > 0 {
				kern[i] = math.Exp(-v / (2 * sigma * sigma))
			} else if v == 0 {
				kern[i] = 1
			}
		}
		center(kern, n, dst)
	})
	rep.CKARBF = ckaOf(gram64(flat, m, nn, workers), grams)

	rep.MutualKNN = NewSquare(m)
	for a := range m {
		for b := range m {
			rep.MutualKNN[a][b] = math.NaN()
			if knn[a] != nil && knn[b] != nil {
				rep.MutualKNN[a][b] = mutualKNN(knn[a], knn[b], n, k)
			}
		}
	}
}

// gramOf returns XXᵀ (n×n) of the row-major n×d features.
func gramOf(f []float32, n, d int) []float64 {
	x := make([]float64, n*d)
	for i, v := range f {
		x[i] = float64(v)
	}
	g := make([]float64, n*n)
	xa := blas64.General{Rows: n, Cols: d, Stride: d, Data: x}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, xa, xa, 0, blas64.General{Rows: n, Cols: n, Stride: n, Data: g})
	return g
}

// center writes HKH to dst: K minus its row and column means plus its
// grand mean.
func center(k []float64, n int, dst []float64) {
	mean := make([]float64, n)
	all := 0.0
	for i := range n {
		s := 0.0
		for j := range n {
			s += k[i*n+j]
		}
		mean[i] = s / float64(n)
		all += s
	}
	all /= float64(n) * float64(n)
	for i := range n {
		for j := range n {
			dst[i*n+j] = k[i*n+j] - mean[i] - mean[j] + all
		}
	}
}

// sqDistances returns ‖x_i − x_j‖² from the Gram matrix, clamped at 0.
func sqDistances(g []float64, n int) []float64 {
	d := make([]float64, n*n)
	for i := range n {
		for j := range n {
			if i != j {
				d[i*n+j] = max(g[i*n+i]+g[j*n+j]-2*g[i*n+j], 0)
			}
		}
	}
	return d
}

// neighbours returns, for each instance, the sorted indices of its k
// nearest other instances (ties to the lower index), n×k.
func neighbours(d2 []float64, n, k int) []int32 {
	out := make([]int32, n*k)
	for i := range n {
		row := d2[i*n : (i+1)*n]
		// closer orders by distance, then index: the first k of a full
		// sort in this order are the neighbours. Keep them by insertion,
		// which rejects most candidates with one comparison.
		closer := func(p, q int32) bool {
			if row[p] != row[q] {
				return row[p] < row[q]
			}
			return p < q
		}
		nb := out[i*k : i*k : (i+1)*k]
		for j := range int32(n) {
			if int(j) == i {
				continue
			}
			if len(nb) == k && !closer(j, nb[k-1]) {
				continue
			}
			if len(nb) < k {
				nb = append(nb, j)
			} else {
				nb[k-1] = j
			}
			for p := len(nb) - 1; p > 0 && closer(nb[p], nb[p-1]); p-- {
				nb[p], nb[p-1] = nb[p-1], nb[p]
			}
		}
		slices.Sort(nb)
	}
	return out
}

// mutualKNN returns mean_i |A(i) ∩ B(i)|/k of two sorted n×k lists.
func mutualKNN(na, nb []int32, n, k int) float64 {
	hits := 0
	for i := range n {
		a, b := na[i*k:(i+1)*k], nb[i*k:(i+1)*k]
		p, q := 0, 0
		for p < k && q < k {
			switch {
			case a[p] == b[q]:
				hits++
				p++
				q++
			case a[p] < b[q]:
				p++
			default:
				q++
			}
		}
	}
	return float64(hits) / float64(n*k)
}

// gram64 returns the m×m matrix F Fᵀ of the row-major m×k float64 matrix
// f, tile by tile on the worker pool.
func gram64(f []float64, m, k, workers int) []float64 {
	g := make([]float64, m*m)
	forTiles(upperTiles(m, capaTile), workers, func(t tile) {
		ra, rb := t.a1-t.a0, t.b1-t.b0
		part := make([]float64, ra*rb)
		a := blas64.General{Rows: ra, Cols: k, Stride: k, Data: f[t.a0*k:]}
		b := blas64.General{Rows: rb, Cols: k, Stride: k, Data: f[t.b0*k:]}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, a, b, 0, blas64.General{Rows: ra, Cols: rb, Stride: rb, Data: part})
		for i := range ra {
			for j := range rb {
				v := part[i*rb+j]
				g[(t.a0+i)*m+t.b0+j] = v
				g[(t.b0+j)*m+t.a0+i] = v
			}
		}
	})
	return g
}
