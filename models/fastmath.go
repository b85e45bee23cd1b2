package models

import "math"

// Float32 transcendental functions for the element-wise work of the
// gru's gates, the attention softmax and the tanh and gelu activations.
// math's float64 functions cost several times the matrix products around
// them in those layers; these evaluate short polynomials in float32, to a
// few units in the last place (erf32: 3e-7 absolute), which is all a
// float32 layer keeps. Every product is rounded before it is added (the
// explicit float32 conversions forbid fused multiply-adds), so that the
// results are the same bits on every machine. The slice functions below
// run the AVX2 loops of fastmath_amd64.s where the CPU has AVX2, which
// give the same bits as the scalar functions, lane by lane.

// Constants of exp32: its range, and ln 2 split into a part with a short
// mantissa, whose product with any k of the range is exact, and the rest
// (Cephes's expf).
const (
	exp32Max = 88.72283  // above: +Inf
	exp32Min = -87.33654 // below: 0, leaving out the subnormal results
	log2e32  = 1.44269504088896341
	ln2Hi32  = 0.693359375
	ln2Lo32  = -2.12194440e-4
	// roundMagic rounds a float32 of magnitude below 2²² to an integer
	// when added and subtracted (1.5·2²³).
	roundMagic = 12582912
)

// exp32 returns e^x, within 2 units in the last place; 0 below −87.34
// (where e^x is subnormal) and +Inf above 88.72. A NaN gives NaN.
func exp32(x float32) float32 {
	if !(x >= exp32Min) {
		if x != x {
			return x
		}
		return 0
	}
	if x > exp32Max {
		return float32(math.Inf(1))
	}
	// x = k·ln 2 + r with k = round(x·log₂e), |r| ≤ ln 2/2.
	k := float32(float32(x*log2e32)+roundMagic) - roundMagic
	r := float32(x - float32(k*ln2Hi32))
	r = float32(r - float32(k*ln2Lo32))
	p := float32(float32(1.9875691500e-4*r) + 1.3981999507e-3)
	p = float32(float32(p*r) + 8.3334519073e-3)
	p = float32(float32(p*r) + 4.1665795894e-2)
	p = float32(float32(p*r) + 1.6666665459e-1)
	p = float32(float32(p*r) + 5.0000001201e-1)
	e := float32(float32(float32(p*r)*r)+r) + 1
	// k ∈ [−126, 128]; 2^k is built in two halves so that k = 128 and
	// k = −126 stay in range.
	ki := int32(k)
	h := ki >> 1
	s1 := math.Float32frombits(uint32(h+127) << 23)
	s2 := math.Float32frombits(uint32(ki-h+127) << 23)
	return float32(e*s1) * s2
}

// sigmoid32 returns 1/(1 + e^−x) in float32.
func sigmoid32(x float32) float32 { return 1 / (1 + exp32(-x)) }

// tanh32 returns tanh x in float32: an odd polynomial below 0.625 in
// magnitude (Cephes's tanhf), where 1 − 2/(e^{2x} + 1) would lose the
// leading digits, and that formula above.
func tanh32(x float32) float32 {
	a := x
	if a < 0 {
		a = -a
	}
	if a >= 0.625 {
		y := 1 - 2/(exp32(2*a)+1)
		if x < 0 {
			y = -y
		}
		return y
	}
	z := float32(x * x)
	p := float32(float32(-5.70498872745e-3*z) + 2.06390887954e-2)
	p = float32(float32(p*z) - 5.37397155531e-2)
	p = float32(float32(p*z) + 1.33314422036e-1)
	p = float32(float32(p*z) - 3.33332819422e-1)
	return float32(float32(p*z)*x) + x
}

// Constants of the normal distribution for gelu.
const (
	invSqrt2   = 0.70710678118654752
	invSqrt2Pi = 0.39894228040143268
	erfcP      = 0.3275911
	erfcA1     = 0.254829592
	erfcA2     = -0.284496736
	erfcA3     = 1.421413741
	erfcA4     = -1.453152027
	erfcA5     = 1.061405429
)

// normTail32 returns Q(|x|) = P(X > |x|) for a standard normal X and the
// density φ(x), in float32. Q is Abramowitz and Stegun's 7.1.26 for
// erfc(|x|/√2)/2 (absolute error below 1.5e-7/2 before rounding), which
// is a product by e^(−x²/2), so a far tail keeps its relative precision
// better than 1 − Φ would.
func normTail32(x float32) (q, pdf float32) {
	u := float32(x * invSqrt2)
	if u < 0 {
		u = -u
	}
	e := exp32(float32(-0.5 * float32(x*x)))
	t := 1 / float32(1+float32(erfcP*u))
	p := float32(float32(erfcA5*t) + erfcA4)
	p = float32(float32(p*t) + erfcA3)
	p = float32(float32(p*t) + erfcA2)
	p = float32(float32(p*t) + erfcA1)
	p = float32(p * t)
	return float32(0.5*p) * e, float32(invSqrt2Pi * e)
}

// normCDF32 returns Φ(x) and φ(x) for a standard normal.
func normCDF32(x float32) (cdf, pdf float32) {
	q, pdf := normTail32(x)
	if x < 0 {
		return q, pdf
	}
	return 1 - q, pdf
}

// gelu32 returns x·Φ(x), the exact GELU, in float32.
func gelu32(x float32) float32 {
	cdf, _ := normCDF32(x)
	return x * cdf
}

// geluGrad32 returns GELU′(x) = Φ(x) + x·φ(x) in float32.
func geluGrad32(x float32) float32 {
	cdf, pdf := normCDF32(x)
	return cdf + float32(x*pdf)
}

// vecLen is the part of a slice of n values that the vector loops take:
// all but n mod 8, or none without them.
func vecLen(n int) int {
	if !hasVec32 {
		return 0
	}
	return n &^ 7
}

// expSlice sets dst[i] = exp32(src[i]) for i < len(src); dst may be src.
func expSlice(dst, src []float32) {
	dst = dst[:len(src)]
	v := vecLen(len(src))
	if v > 0 {
		expAVX2(&dst[0], &src[0], v)
	}
	for i := v; i < len(src); i++ {
		dst[i] = exp32(src[i])
	}
}

// sigmoidSlice sets dst[i] = sigmoid32(src[i]); dst may be src.
func sigmoidSlice(dst, src []float32) {
	dst = dst[:len(src)]
	v := vecLen(len(src))
	if v > 0 {
		sigmoidAVX2(&dst[0], &src[0], v)
	}
	for i := v; i < len(src); i++ {
		dst[i] = sigmoid32(src[i])
	}
}

// tanhSlice sets dst[i] = tanh32(src[i]); dst may be src.
func tanhSlice(dst, src []float32) {
	dst = dst[:len(src)]
	v := vecLen(len(src))
	if v > 0 {
		tanhAVX2(&dst[0], &src[0], v)
	}
	for i := v; i < len(src); i++ {
		dst[i] = tanh32(src[i])
	}
}

// geluSlice sets y[i] = gelu32(x[i]) and d[i] = geluGrad32(x[i]).
func geluSlice(y, d, x []float32) {
	y, d = y[:len(x)], d[:len(x)]
	v := vecLen(len(x))
	if v > 0 {
		geluAVX2(&y[0], &d[0], &x[0], v)
	}
	for i := v; i < len(x); i++ {
		cdf, pdf := normCDF32(x[i])
		y[i] = x[i] * cdf
		d[i] = cdf + float32(x[i]*pdf)
	}
}
