package metrics

import (
	"hash/fnv"
	"math"
	"slices"

	"github.com/study-harness/study/study/predmat"
)

// DuplicateGroup is a set of two or more models whose predictions are
// identical: the same predicted label on every instance and, when the
// matrix has probabilities, the same bits of every probability. They are
// one model under several names, so every pair among them agrees
// perfectly by construction, and a factor in which they differ had no
// effect on them.
type DuplicateGroup struct {
	// Models are the names of the identical models, in input order, and
	// Indices their rows of the matrix.
	Models  []string `json:"models"`
	Indices []int    `json:"indices"`
	// Fields are the configuration fields (Matrix.Configs keys, sorted)
	// whose values differ between the models of the group: fields that
	// had no effect on them. It is empty when the models have the same
	// configuration or the matrix carries none.
	Fields []string `json:"fields"`
}

// Duplicates returns the groups of models with identical predictions, in
// order of their first model, or an empty list when every model is
// distinct. Rows are grouped by a hash of their labels and probability
// bits and then compared in full, so a hash collision never merges two
// different models.
func Duplicates(x *predmat.Matrix) []DuplicateGroup {
	byHash := map[uint64][]int{}
	var hashes []uint64
	for a := range x.M() {
		h := fnv.New64a()
		var buf [4]byte
		for _, v := range x.Row(a) {
			putUint32(&buf, uint32(v))
			h.Write(buf[:])
		}
		for _, p := range x.ProbRow(a) {
			putUint32(&buf, math.Float32bits(p))
			h.Write(buf[:])
		}
		k := h.Sum64()
		if _, ok := byHash[k]; !ok {
			hashes = append(hashes, k)
		}
		byHash[k] = append(byHash[k], a)
	}
	out := []DuplicateGroup{}
	var groups [][]int
	for _, k := range hashes {
		rows := byHash[k]
		for len(rows) > 1 {
			g, rest := []int{rows[0]}, []int{}
			for _, b := range rows[1:] {
				if sameRows(x, rows[0], b) {
					g = append(g, b)
				} else {
					rest = append(rest, b)
				}
			}
			if len(g) > 1 {
				groups = append(groups, g)
			}
			rows = rest
		}
	}
	slices.SortFunc(groups, func(a, b []int) int { return a[0] - b[0] })
	for _, g := range groups {
		d := DuplicateGroup{Indices: g, Fields: []string{}}
		for _, a := range g {
			d.Models = append(d.Models, x.Models[a])
		}
		if x.Configs != nil {
			d.Fields = differingFields(x.Configs, g)
		}
		out = append(out, d)
	}
	return out
}

func putUint32(b *[4]byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

// sameRows reports whether models a and b have the same labels and the
// same probability bits on every instance.
func sameRows(x *predmat.Matrix, a, b int) bool {
	if !slices.Equal(x.Row(a), x.Row(b)) {
		return false
	}
	pa, pb := x.ProbRow(a), x.ProbRow(b)
	for i := range pa {
		if math.Float32bits(pa[i]) != math.Float32bits(pb[i]) {
			return false
		}
	}
	return true
}

// differingFields returns the sorted keys whose values are not the same
// in every config of the group (a key missing from one config counts as
// the empty value).
func differingFields(configs []map[string]string, g []int) []string {
	keys := map[string]bool{}
	for _, a := range g {
		for k := range configs[a] {
			keys[k] = true
		}
	}
	out := []string{}
	for k := range keys {
		v := configs[g[0]][k]
		for _, a := range g[1:] {
			if configs[a][k] != v {
				out = append(out, k)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}
