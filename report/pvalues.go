package report

import (
	"math"
	"strconv"

	"github.com/study-harness/study/study/metrics"
)

// pValue formats a permutation p-value from perms permutations. A p-value
// at its floor 1/(perms+1), the smallest that perms permutations can give,
// is a bound, not a value: it is printed "≤ 0.001 (999 permutations)",
// the floor rounded up to three significant digits. perms ≤ 0 (unknown)
// prints the value alone.
func pValue(p float64, perms int) string {
	switch {
	case !finite(p):
		return "—"
	case perms > 0 && p <= (1+1e-9)/float64(perms+1):
		return "≤ " + ceil3(1/float64(perms+1)) + " (" + strconv.Itoa(perms) + " permutations)"
	case p < 0.001:
		return "< 0.001"
	}
	return num(p, 3)
}

// pText is pValue with "p " before a value and "p " before a bound: "p =
// 0.012" or "p ≤ 0.001 (999 permutations)".
func pText(p float64, perms int) string {
	s := pValue(p, perms)
	switch {
	case s == "—":
		return "p not computed"
	case s[0] == '<' || s[0] == 0xe2: // "<" or "≤"
		return "p " + s
	}
	return "p = " + s
}

// ceil3 formats x > 0 rounded up to three significant digits.
func ceil3(x float64) string {
	e := math.Floor(math.Log10(x))
	scale := math.Pow(10, 2-e)
	return strconv.FormatFloat(math.Ceil(x*scale-1e-9)/scale, 'g', 3, 64)
}

// permutationCount returns the permutations behind r's p-values
// (metrics.json "permutation"), 0 when none were run.
func permutationCount(r *metrics.Result) int {
	if r == nil {
		return 0
	}
	var info struct {
		Permutations int `json:"permutations"`
	}
	if !decodeExtra(r.Extra["permutation"], &info) {
		return 0
	}
	return info.Permutations
}
