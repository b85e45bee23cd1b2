package spec

import (
	"strings"
	"testing"
)

func TestParseDataSubset(t *testing.T) {
	tests := []struct {
		name, in string
		kind     string
		frac     float64
		err      string
	}{
		{"the empty string is full data", "", SubsetFull, 0, ""},
		{"full is full data", "full", SubsetFull, 0, ""},
		{"bootstrap is a kind", "bootstrap", SubsetBootstrap, 0, ""},
		{"half-a is a kind", "half-a", SubsetHalfA, 0, ""},
		{"half-b is a kind", "half-b", SubsetHalfB, 0, ""},
		{"a decimal fraction is a fraction", "0.25", SubsetFraction, 0.25, ""},
		{"an exponent fraction is a fraction", "5e-1", SubsetFraction, 0.5, ""},
		{"one is not a fraction", "1", "", 0, "must be in (0, 1)"},
		{"zero is not a fraction", "0", "", 0, "must be in (0, 1)"},
		{"a negative number is not a fraction", "-0.5", "", 0, "must be in (0, 1)"},
		{"NaN is not a fraction", "NaN", "", 0, "must be in (0, 1)"},
		{"a word is unknown", "Full", "", 0, "unknown data subset"},
		{"a percentage is unknown", "50%", "", 0, "unknown data subset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, frac, err := ParseDataSubset(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || kind != tt.kind || frac != tt.frac {
				t.Fatalf("got %q, %v, %v; want %q, %v", kind, frac, err, tt.kind, tt.frac)
			}
		})
	}
}

// FuzzParseDataSubset checks that ParseDataSubset never panics and that an
// accepted fraction lies in (0, 1).
func FuzzParseDataSubset(f *testing.F) {
	for _, s := range []string{"", "full", "bootstrap", "half-a", "half-b", "0.25", "1", "-0", "NaN", "Inf", "0x1p-2", "1e-300", "0.5.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, frac, err := ParseDataSubset(s)
		if err != nil {
			return
		}
		switch kind {
		case SubsetFull, SubsetBootstrap, SubsetHalfA, SubsetHalfB:
			if frac != 0 {
				t.Fatalf("kind %s with fraction %v", kind, frac)
			}
		case SubsetFraction:
			if !(frac > 0 && frac < 1) {
				t.Fatalf("fraction %v from %q outside (0, 1)", frac, s)
			}
		default:
			t.Fatalf("unknown kind %q from %q", kind, s)
		}
	})
}
