package spec

import (
	"fmt"
	"math"
	"strconv"
)

// Kinds of training-data subset; see Config.DataSubset and ParseDataSubset.
const (
	SubsetFull      = "full"      // every training row, in the data's order
	SubsetBootstrap = "bootstrap" // n draws with replacement from the n rows
	SubsetHalfA     = "half-a"    // one half of a random partition into two
	SubsetHalfB     = "half-b"    // the complement of half-a for the same data_seed
	SubsetFraction  = "fraction"  // a random subset without replacement
)

// ParseDataSubset reads a data_subset value. It returns the kind, one of
// SubsetFull (also for ""), SubsetBootstrap, SubsetHalfA, SubsetHalfB or
// SubsetFraction, and for a fraction its value, a decimal number in
// (0, 1) such as "0.25".
func ParseDataSubset(s string) (kind string, frac float64, err error) {
	switch s {
	case "", SubsetFull:
		return SubsetFull, 0, nil
	case SubsetBootstrap, SubsetHalfA, SubsetHalfB:
		return s, 0, nil
	}
	f, perr := strconv.ParseFloat(s, 64)
	if perr != nil {
		return "", 0, fmt.Errorf("unknown data subset %q (known: full, bootstrap, half-a, half-b, or a fraction in (0, 1) such as 0.5)", s)
	}
	if !(f > 0 && f < 1) || math.IsNaN(f) {
		return "", 0, fmt.Errorf("data subset fraction %s must be in (0, 1)", s)
	}
	return SubsetFraction, f, nil
}
