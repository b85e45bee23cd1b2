package metrics

import (
	"slices"

	"github.com/study-harness/study/study/predmat"
)

// replication says which configuration fields name replicates (random
// seeds) and which models are copies of one another, for the measures
// built on seed pairs: the generalisation–disagreement relation, the
// seed noise floor of the attribution and the rows of its replicate
// axes.
type replication struct {
	// axes are the replicate fields: Matrix.Replicates when set, else
	// SeedAxes.
	axes []string
	// copyOf[a] is the first model whose predictions are bit-identical to
	// model a's and whose configuration differs from a's in replicate
	// fields only (a itself when there is none); nil when unknown.
	copyOf []int
}

// replicationOf returns the replication of x: its replicate fields, and
// the duplicate groups dups (see Duplicates) whose models differ only in
// those fields — runs of a deterministic fitter under several seeds,
// which are one model and not seed replicates.
func replicationOf(x *predmat.Matrix, dups []DuplicateGroup) *replication {
	r := &replication{axes: SeedAxes}
	if x.Replicates != nil {
		r.axes = x.Replicates
	}
	r.copyOf = make([]int, x.M())
	for a := range r.copyOf {
		r.copyOf[a] = a
	}
	for _, g := range dups {
		if !r.onlyReplicates(g.Fields) {
			continue
		}
		for _, a := range g.Indices[1:] {
			r.copyOf[a] = g.Indices[0]
		}
	}
	return r
}

// onlyReplicates reports whether fields is non-empty and every field in
// it is a replicate field.
func (r *replication) onlyReplicates(fields []string) bool {
	if len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		if !r.isAxis(f) {
			return false
		}
	}
	return true
}

// isAxis reports whether configuration field k names a replicate; a nil
// r means the default, SeedAxes.
func (r *replication) isAxis(k string) bool {
	if r == nil {
		return isSeedAxis(k)
	}
	return slices.Contains(r.axes, k)
}

// names returns the replicate fields.
func (r *replication) names() []string {
	if r == nil {
		return SeedAxes
	}
	return r.axes
}

// copies reports whether models a and b are one model under two seeds:
// bit-identical predictions, configurations that differ only in
// replicate fields. Such a pair is not a pair of seed replicates.
func (r *replication) copies(a, b int) bool {
	return r != nil && r.copyOf != nil && r.copyOf[a] == r.copyOf[b]
}
