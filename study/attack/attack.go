package attack

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"sort"
	"sync"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/seeds"
)

// Methods an Attack may name.
const (
	FGSM = "fgsm" // one step of size ε along the gradient's sign
	PGD  = "pgd"  // projected gradient descent: Steps steps of size Alpha
)

// Norms an Attack may bound its perturbation in.
const (
	LInf = 0 // ‖δ‖∞ ≤ ε, the default
	L2   = 2 // ‖δ‖₂ ≤ ε per instance (PGD only)
)

// Defaults of a PGD attack, torchattacks' step count and ratio of step
// to radius (alpha 2/255 for eps 8/255).
const (
	DefaultSteps = 10
	alphaPerEps  = 0.25
)

// DefaultSubset is the default number of test instances attacked.
const DefaultSubset = 1000

// Batch is the number of rows whose mean loss one gradient step
// differentiates. It is fixed, so results do not depend on the machine;
// with the L∞ norm the scale of the gradient does not matter, and with
// L2 it matters only through torchattacks' 1e-10 added to the norm.
const Batch = 100

// epsForDivision is torchattacks PGDL2's eps_for_division: added to
// the gradient's L2 norm before dividing by it.
const epsForDivision = 1e-10

// Attack is one entry of a spec's `attacks:` list.
type Attack struct {
	Name   string  `json:"name"`   // unique name, [a-z0-9_-]+; metrics.json's robustness.<name>
	Method string  `json:"method"` // fgsm or pgd
	Eps    float64 `json:"eps"`    // radius ε of the perturbation, in input units
	// Steps is the number of PGD iterations; 0 means DefaultSteps.
	Steps int `json:"steps,omitempty"`
	// Alpha is the PGD step size; 0 means ε/4.
	Alpha float64 `json:"alpha,omitempty"`
	// RandomStart starts PGD at a uniformly random point of the ε-ball
	// (L∞: x + U(−ε, ε)^d; L2: a random direction times ε·U(0, 1)),
	// clipped to [0, 1].
	RandomStart bool `json:"random_start,omitempty"`
	// Norm is LInf (0, the default) or L2 (2).
	Norm int `json:"norm,omitempty"`
}

var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_-]{1,40}$`) })

// Validate reports the first invalid field of a, named by its spec key.
func (a Attack) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &models.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if !nameRE().MatchString(a.Name) {
		return bad("name", "attack name %q must match [a-z0-9_-]{1,40}", a.Name)
	}
	switch a.Method {
	case FGSM, PGD:
	default:
		return bad("method", "unknown attack method %q (known: fgsm, pgd)", a.Method)
	}
	if !(a.Eps > 0) || math.IsInf(a.Eps, 0) {
		return bad("eps", "eps %v must be a positive number", a.Eps)
	}
	if a.Norm != LInf && a.Norm != L2 {
		return bad("norm", "norm %d must be 2 (L2) or omitted (L∞)", a.Norm)
	}
	if a.Method == FGSM {
		switch {
		case a.Norm == L2:
			return bad("norm", "fgsm is an L∞ attack; use method: pgd for norm: 2")
		case a.Steps != 0:
			return bad("steps", "fgsm takes one step; steps is for pgd")
		case a.Alpha != 0:
			return bad("alpha", "fgsm steps by eps; alpha is for pgd")
		case a.RandomStart:
			return bad("random_start", "fgsm starts at the clean input; random_start is for pgd")
		}
	}
	if a.Steps < 0 {
		return bad("steps", "steps %d must be ≥ 1 (0 = %d)", a.Steps, DefaultSteps)
	}
	if a.Alpha < 0 || math.IsNaN(a.Alpha) || math.IsInf(a.Alpha, 0) {
		return bad("alpha", "alpha %v must be a positive number (0 = eps/4)", a.Alpha)
	}
	return nil
}

// steps returns the number of gradient steps and their size.
func (a Attack) steps() (int, float64) {
	if a.Method == FGSM {
		return 1, a.Eps
	}
	steps, alpha := a.Steps, a.Alpha
	if steps == 0 {
		steps = DefaultSteps
	}
	if alpha == 0 {
		alpha = alphaPerEps * a.Eps
	}
	return steps, alpha
}

// Stream returns the random-start stream of attack name in a study with
// seed seed: the same for every model, so that every source starts from
// the same points.
func Stream(name string, seed int64) *rand.Rand { return seeds.Stream("attack/"+name, seed) }

// Subset returns min(n, size) test rows drawn from the spec seed's
// "attack_subset" stream, in increasing order: the instances every model
// is attacked on.
func Subset(seed int64, n, size int) []int {
	idx := seeds.Stream("attack_subset", seed).Perm(n)
	if len(idx) > size {
		idx = idx[:size]
	}
	sort.Ints(idx)
	return idx
}

// Craft returns the adversarial versions of the n rows of x (n×d,
// row-major, values in [0, 1]) with labels y, crafted on m by attack a.
// The random start, when a asks for one, draws from rng row after row:
// for L∞ d uniforms, for L2 d normals and then one uniform. Rows are
// attacked Batch at a time, each step differentiating the batch's mean
// loss, as torchattacks does on one batch:
//
//	FGSM:  x̃ = clip[0,1](x + ε·sign ∇L(x))
//	PGD:   x_{t+1} = clip[0,1](x + clip[−ε,ε](x_t + α·sign ∇L(x_t) − x))
//	PGDL2: x_{t+1} = clip[0,1](x + δ·min(1, ε/‖δ‖₂)),
//	       δ = x_t + α·∇L(x_t)/(‖∇L(x_t)‖₂ + 1e-10) − x
//
// with x_0 = x, or the random start.
func Craft(m models.LossGrader, x []float32, y []int, n, d int, a Attack, rng *rand.Rand) []float32 {
	adv := make([]float32, n*d)
	copy(adv, x[:n*d])
	if a.RandomStart {
		randomStart(adv, x, n, d, a, rng)
	}
	steps, alpha := a.steps()
	eps, step := float32(a.Eps), float32(alpha)
	for from := 0; from < n; from += Batch {
		to := min(n, from+Batch)
		xb, ab := x[from*d:to*d], adv[from*d:to*d]
		finite := allFinite(xb)
		for range steps {
			g := m.LossGrad(ab, y[from:to], to-from)
			switch {
			case a.Method == FGSM:
				for j, v := range ab {
					ab[j] = clip01(v + eps*sign(g[j]))
				}
				continue
			case a.Norm == L2:
				stepL2(ab, xb, g, d, eps, step)
				continue
			}
			if finite {
				stepLInf(ab, xb, g, eps, step)
				continue
			}
			for j, v := range ab {
				v += signed(step, g[j])
				ab[j] = clip01(xb[j] + min(eps, max(-eps, v-xb[j])))
			}
		}
	}
	return adv
}

// stepLInf makes one L∞ PGD step on adv (clean rows x, all finite,
// loss gradient g), bit for bit as
//
//	adv = clip01(x + min(ε, max(−ε, adv + signed(α, g) − x)))
//
// but with the four float min/max (each a NaN- and zero-aware sequence
// of about eight instructions) done on the bits as integers, which the
// compiler selects without a branch: min(ε, max(−ε, t)) keeps t's sign
// bit and takes the least magnitude, and a float in [−∞, ∞] orders as
// its bits read as an int32 when it is not negative, while every
// negative one (−0 included) clips to +0. No NaN can arise from finite
// x and α, so the built-ins' NaN rules are never needed; Craft takes the
// float loop for rows that are not finite.
func stepLInf(adv, x, g []float32, eps, alpha float32) {
	const sign, one = 1 << 31, 0x3f800000 // bits of −0 and of 1
	x, g = x[:len(adv)], g[:len(adv)]
	e := math.Float32bits(eps)
	for j, v := range adv {
		v += signed(alpha, g[j])
		t := math.Float32bits(v - x[j])
		t = min(t&^sign, e) | t&sign
		u := int32(math.Float32bits(x[j] + math.Float32frombits(t)))
		adv[j] = math.Float32frombits(uint32(min(max(u, 0), one)))
	}
}

// allFinite reports whether no value of v is NaN or infinite.
func allFinite(v []float32) bool {
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}

// randomStart moves adv, a copy of x, to the attack's random start.
func randomStart(adv, x []float32, n, d int, a Attack, rng *rand.Rand) {
	eps := float32(a.Eps)
	if a.Norm == LInf {
		for j := range adv[:n*d] {
			adv[j] = clip01(x[j] + float32((2*rng.Float64()-1)*a.Eps))
		}
		return
	}
	delta := make([]float32, d)
	for i := range n {
		for j := range delta {
			delta[j] = float32(rng.NormFloat64())
		}
		r := float32(rng.Float64())
		scale := r / norm2(delta) * eps
		for j, v := range delta {
			adv[i*d+j] = clip01(x[i*d+j] + v*scale)
		}
	}
}

// stepL2 makes one PGDL2 step on the rows of adv (clean rows x, loss
// gradient g), as torchattacks' PGDL2 does.
func stepL2(adv, x, g []float32, d int, eps, alpha float32) {
	for i := 0; i < len(adv)/d; i++ {
		a, x0, gi := adv[i*d:(i+1)*d], x[i*d:(i+1)*d], g[i*d:(i+1)*d]
		gn := norm2(gi) + epsForDivision
		for j := range a {
			a[j] = (a[j] + alpha*(gi[j]/gn)) - x0[j] // δ, in place
		}
		factor := min(float32(1), eps/norm2(a)) // ‖δ‖ = 0 gives +Inf, so 1
		for j := range a {
			a[j] = clip01(x0[j] + a[j]*factor)
		}
	}
}

// norm2 is the Euclidean norm of v, summed in float64.
func norm2(v []float32) float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return float32(math.Sqrt(s))
}

// sign is −1, 0 or 1; sign(0) = 0, as torch.sign.
func sign(v float32) float32 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// signed is s·sign(g) for s ≥ 0, with the sign copied bitwise rather
// than chosen by a branch: the gradient's signs are random, and a branch
// on them is mispredicted about every other entry (half the PGD step's
// time before). Zero and NaN, rare, still branch: s·sign(±0) = s·0 = +0,
// and sign(NaN) = 0.
func signed(s, g float32) float32 {
	if g != 0 && g == g {
		return math.Float32frombits(math.Float32bits(s) | math.Float32bits(g)&(1<<31))
	}
	return 0
}

// clip01 clips v to [0, 1].
func clip01(v float32) float32 { return min(1, max(0, v)) }
