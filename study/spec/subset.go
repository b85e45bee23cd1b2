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
	// SubsetOverlapA and SubsetOverlapB are two halves of the data sharing
	// exactly half their rows: with the rows cut at random into quarters
	// Q1..Q4, overlap-a is Q1∪Q2 and overlap-b is Q2∪Q3. Data sharing as
	// an axis: half-a vs half-b are disjoint, overlap-a vs overlap-b share
	// 50%, and the same subset and data_seed is identical data.
	SubsetOverlapA = "overlap-a"
	SubsetOverlapB = "overlap-b"
)

// ParseDataSubset reads a data_subset value. It returns the kind, one of
// SubsetFull (also for ""), SubsetBootstrap, SubsetHalfA, SubsetHalfB or
// SubsetFraction, SubsetOverlapA, SubsetOverlapB, and for a fraction its value, a decimal number in
// (0, 1) such as "0.25".
func ParseDataSubset(s string) (kind string, frac float64, err error) {
	switch s {
	case "", SubsetFull:
		return SubsetFull, 0, nil
	case SubsetBootstrap, SubsetHalfA, SubsetHalfB, SubsetOverlapA, SubsetOverlapB:
		return s, 0, nil
	}
	f, perr := strconv.ParseFloat(s, 64)
	if perr != nil {
		return "", 0, fmt.Errorf("unknown data subset %q (known: full, bootstrap, half-a, half-b, overlap-a, overlap-b, or a fraction in (0, 1) such as 0.5)", s)
	}
	if !(f > 0 && f < 1) || math.IsNaN(f) {
		return "", 0, fmt.Errorf("data subset fraction %s must be in (0, 1)", s)
	}
	return SubsetFraction, f, nil
}
