package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

func init() { Register("tree", newTree, "max_depth", "min_leaf") }

// maxTreeBins is the most bins a feature is cut into before the split
// search. A feature with at most this many distinct training values keeps
// one bin per value, so its candidate thresholds are exactly scikit-learn's;
// MNIST pixels have 256 levels and stay exact.
const maxTreeBins = 256

// Tree is a CART classification tree grown on Gini impurity, as
// scikit-learn's DecisionTreeClassifier with criterion="gini" and
// splitter="best".
//
// Growth is depth-first. A node becomes a leaf when it is pure, when it
// is at MaxDepth, when it has fewer than max(2, 2·MinLeaf) instances, or
// when no feature separates its instances; otherwise it takes the split,
// over every feature and threshold that leaves at least MinLeaf instances
// on each side, with the lowest weighted Gini impurity of the children.
// Ties go to the lowest feature index, then to the lowest threshold, so
// the tree is a function of the data alone (scikit-learn instead visits
// the features in a random order).
//
// A threshold is the midpoint between the largest value that goes left
// and the smallest that goes right among the node's training instances, as
// in scikit-learn, and an instance goes left when its value is ≤ the
// threshold.
//
// Before the search each feature's values are mapped to at most 256 bins:
// one bin per distinct value when there are at most 256 of them, which
// keeps the search exact, and otherwise bins of about equal counts, a
// histogram approximation in which a split can only fall between bins and
// its threshold is the midpoint between the training values on either
// side of that boundary.
//
// A leaf predicts the class fractions of its training instances.
type Tree struct {
	// MaxDepth is the maximum depth; the root has depth 0. 0 = unlimited.
	MaxDepth int
	// MinLeaf is the least number of training instances in a leaf; values
	// below 1 mean 1.
	MinLeaf int

	classes int
	in      int
	nodes   []treeNode
	probs   []float32 // leaf class fractions, classes per leaf
}

// treeNode is a split (feature ≥ 0) or a leaf (feature < 0).
type treeNode struct {
	feature     int32
	left, right int32   // children, for a split
	leaf        int32   // index into Tree.probs / classes, for a leaf
	threshold   float64 // left when x[feature] ≤ threshold
}

// newTree builds an untrained Tree from the run's options.
func newTree(s Shape, o Options, _ *rand.Rand) (any, error) {
	if err := checkFitterShape(s); err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	return NewTree(s, o.MaxDepth, o.MinLeaf), nil
}

// NewTree returns an untrained tree for s with the given maximum depth
// (0 = unlimited) and minimum leaf size (0 = 1).
func NewTree(s Shape, maxDepth, minLeaf int) *Tree {
	return &Tree{MaxDepth: maxDepth, MinLeaf: minLeaf, classes: s.Classes, in: s.In}
}

// checkFitterShape reports a Shape that no Fitter can be built for.
func checkFitterShape(s Shape) error {
	if s.In <= 0 {
		return fmt.Errorf("input width %d must be > 0", s.In)
	}
	if s.Classes < 2 {
		return fmt.Errorf("class count %d must be ≥ 2", s.Classes)
	}
	return nil
}

// checkFitData reports training data that does not match the shape or
// holds a NaN or infinite feature value.
func checkFitData(x []float32, y []int, n, in, classes int) error {
	if n <= 0 {
		return fmt.Errorf("no training instances (n = %d)", n)
	}
	if len(x) < n*in {
		return fmt.Errorf("%d inputs for %d instances of %d features", len(x), n, in)
	}
	if len(y) < n {
		return fmt.Errorf("%d labels for %d instances", len(y), n)
	}
	for i, c := range y[:n] {
		if c < 0 || c >= classes {
			return fmt.Errorf("label %d of instance %d is outside [0, %d)", c, i, classes)
		}
	}
	for i, v := range x[:n*in] {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("non-finite input %v in feature %d of instance %d: fitters need finite feature values", v, i%in, i/in)
		}
	}
	return nil
}

// NodeCount returns the number of nodes (splits and leaves) of the fitted
// tree.
func (t *Tree) NodeCount() int { return len(t.nodes) }

// Depth returns the depth of the fitted tree: 0 for a single leaf.
func (t *Tree) Depth() int {
	if len(t.nodes) == 0 {
		return 0
	}
	var walk func(i int32) int
	walk = func(i int32) int {
		nd := t.nodes[i]
		if nd.feature < 0 {
			return 0
		}
		return 1 + max(walk(nd.left), walk(nd.right))
	}
	return walk(0)
}

// Fit grows the tree on n×In inputs x with labels y, replacing any earlier
// fit. It returns an error, and keeps any earlier fit, when an input is
// NaN or infinite.
func (t *Tree) Fit(x []float32, y []int, n int) error {
	if err := checkFitData(x, y, n, t.in, t.classes); err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	b := binFeatures(x, n, t.in)
	g := &treeGrower{
		t:       t,
		bins:    b,
		y:       y[:n],
		n:       n,
		minLeaf: max(t.MinLeaf, 1),
		hist:    make([]int32, maxTreeBins*t.classes),
		total:   make([]int32, maxTreeBins),
		left:    make([]int64, t.classes),
		counts:  make([]int64, t.classes),
		scratch: make([]int32, n),
	}
	t.nodes = t.nodes[:0]
	t.probs = t.probs[:0]
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	g.grow(idx, 0)
	return nil
}

// Proba writes the n×Classes leaf class fractions of x into out. An
// unfitted tree predicts the uniform distribution.
func (t *Tree) Proba(x []float32, n int, out []float32) {
	c := t.classes
	for i := range n {
		row := out[i*c : (i+1)*c]
		if len(t.nodes) == 0 {
			for j := range row {
				row[j] = 1 / float32(c)
			}
			continue
		}
		xi := x[i*t.in : (i+1)*t.in]
		k := int32(0)
		for t.nodes[k].feature >= 0 {
			nd := &t.nodes[k]
			if float64(xi[nd.feature]) <= nd.threshold {
				k = nd.left
			} else {
				k = nd.right
			}
		}
		l := int(t.nodes[k].leaf)
		copy(row, t.probs[l*c:(l+1)*c])
	}
}

// featureBins is the training data mapped to bins, feature-major:
// bin[f*n+i] is the bin of instance i on feature f. Bins are ordered:
// every value of bin b is below every value of bin b+1.
type featureBins struct {
	n   int
	bin []uint8
	// edges[f][b] separates bins b and b+1 of feature f: values ≤
	// edges[f][b] fall in bins 0..b. len(edges[f]) is the feature's bin
	// count minus one.
	edges [][]float64
	// lo[f][b] and hi[f][b] are the smallest and largest training value
	// in bin b of feature f; equal when the bins are exact.
	lo, hi [][]float32
}

// binFeatures maps every feature of x to at most maxTreeBins bins.
func binFeatures(x []float32, n, in int) *featureBins {
	b := &featureBins{
		n:     n,
		bin:   make([]uint8, n*in),
		edges: make([][]float64, in),
		lo:    make([][]float32, in),
		hi:    make([][]float32, in),
	}
	col := make([]float32, n)
	sorted := make([]float32, n)
	for f := range in {
		for i := range n {
			col[i] = x[i*in+f]
		}
		copy(sorted, col)
		slices.Sort(sorted)
		uniq := slices.Compact(slices.Clone(sorted))
		var edges []float64
		if len(uniq) <= maxTreeBins {
			edges = make([]float64, len(uniq)-1)
			for k := range edges {
				edges[k] = midpoint(uniq[k], uniq[k+1])
			}
			b.lo[f], b.hi[f] = uniq, uniq
		} else {
			edges = quantileEdges(sorted, maxTreeBins)
			lo := make([]float32, len(edges)+1)
			hi := make([]float32, len(edges)+1)
			k := -1
			for _, v := range sorted {
				kb := max(k, 0)
				for kb < len(edges) && float64(v) > edges[kb] {
					kb++
				}
				if kb != k {
					lo[kb], k = v, kb
				}
				hi[kb] = v
			}
			b.lo[f], b.hi[f] = lo, hi
		}
		b.edges[f] = edges
		dst := b.bin[f*n : (f+1)*n]
		for i, v := range col {
			// The bin of v is the number of edges below it.
			k, _ := slices.BinarySearch(edges, float64(v))
			dst[i] = uint8(k)
		}
	}
	return b
}

// midpoint is scikit-learn's threshold between consecutive distinct values
// a < b: their mean in float64, or a when rounding makes it equal b.
func midpoint(a, b float32) float64 {
	m := float64(a)/2 + float64(b)/2
	if m == float64(b) || math.IsInf(m, 0) {
		m = float64(a)
	}
	return m
}

// quantileEdges cuts the ascending values sorted into at most bins groups
// of about equal counts, with edges at midpoints between distinct values,
// so that equal values always share a bin.
func quantileEdges(sorted []float32, bins int) []float64 {
	n := len(sorted)
	var edges []float64
	for k := 1; k < bins; k++ {
		pos := k * n / bins // first value of group k
		if pos <= 0 || pos >= n {
			continue
		}
		// Move the cut to the next change of value at or after pos.
		for pos < n && sorted[pos] == sorted[pos-1] {
			pos++
		}
		if pos >= n {
			break
		}
		e := midpoint(sorted[pos-1], sorted[pos])
		if len(edges) == 0 || e > edges[len(edges)-1] {
			edges = append(edges, e)
		}
	}
	return edges
}

// treeGrower holds the scratch space of one Fit.
type treeGrower struct {
	t       *Tree
	bins    *featureBins
	y       []int
	n       int
	minLeaf int
	hist    []int32 // bins×classes counts of the current feature
	total   []int32 // instances per bin of the current feature
	touched []uint8 // bins with total > 0, in first-touch order
	left    []int64 // class counts left of the candidate threshold
	counts  []int64 // class counts of the node
	scratch []int32 // right-hand instances while partitioning
}

// treeSplit is the best split found at a node.
type treeSplit struct {
	feature int
	bin     int     // left gets bins ≤ bin
	next    int     // the lowest bin of the node above bin
	score   float64 // Σ_left c²/n_left + Σ_right c²/n_right: larger is purer
}

// grow adds the subtree over the instances idx at depth and returns its
// node index. idx is reordered.
func (g *treeGrower) grow(idx []int32, depth int) int32 {
	t := g.t
	c := t.classes
	clear(g.counts)
	for _, i := range idx {
		g.counts[g.y[i]]++
	}
	self := int32(len(t.nodes))
	t.nodes = append(t.nodes, treeNode{feature: -1})

	pure := false
	for _, k := range g.counts {
		if k == int64(len(idx)) {
			pure = true
		}
	}
	var best treeSplit
	found := false
	if !pure && (t.MaxDepth == 0 || depth < t.MaxDepth) && len(idx) >= max(2, 2*g.minLeaf) {
		best, found = g.bestSplit(idx)
	}
	if !found {
		leaf := int32(len(t.probs) / c)
		inv := 1 / float64(len(idx))
		for _, k := range g.counts {
			t.probs = append(t.probs, float32(float64(k)*inv))
		}
		t.nodes[self].leaf = leaf
		return self
	}

	// Partition idx: left instances first, both sides in their old order.
	col := g.bins.bin[best.feature*g.n : (best.feature+1)*g.n]
	tmp := g.scratch[:0]
	nl := 0
	for _, i := range idx {
		if int(col[i]) <= best.bin {
			idx[nl] = i
			nl++
		} else {
			tmp = append(tmp, i)
		}
	}
	copy(idx[nl:], tmp)
	l := g.grow(idx[:nl], depth+1)
	r := g.grow(idx[nl:], depth+1)
	t.nodes[self] = treeNode{
		feature:   int32(best.feature),
		left:      l,
		right:     r,
		threshold: midpoint(g.bins.hi[best.feature][best.bin], g.bins.lo[best.feature][best.next]),
	}
	return self
}

// bestSplit searches every feature for the split of idx with the largest
// score, ties to the lowest feature and then the lowest threshold. The
// node's class counts are in g.counts.
func (g *treeGrower) bestSplit(idx []int32) (treeSplit, bool) {
	c := g.t.classes
	m := int64(len(idx))
	var totalSq int64
	for _, k := range g.counts {
		totalSq += k * k
	}
	best := treeSplit{score: math.Inf(-1)}
	found := false
	for f := range g.t.in {
		nb := len(g.bins.edges[f]) + 1
		if nb < 2 {
			continue // constant in the training data
		}
		col := g.bins.bin[f*g.n : (f+1)*g.n]
		g.touched = g.touched[:0]
		for _, i := range idx {
			b := col[i]
			if g.total[b] == 0 {
				g.touched = append(g.touched, b)
			}
			g.total[b]++
			g.hist[int(b)*c+g.y[i]]++
		}
		if len(g.touched) > 1 {
			// Visit the touched bins in increasing order: sort a short
			// list, or sweep all bins when most are touched. Either way
			// order holds the same bins as g.touched, which the clearing
			// below relies on.
			order := g.touched
			if 4*len(order) > nb {
				order = order[:0]
				for b := range nb {
					if g.total[b] > 0 {
						order = append(order, uint8(b))
					}
				}
			} else {
				slices.Sort(order)
			}
			clear(g.left)
			var nl, leftSq int64
			rightSq := totalSq
			for o, b := range order[:len(order)-1] {
				h := g.hist[int(b)*c : int(b)*c+c]
				for k, v := range h {
					if v == 0 {
						continue
					}
					v := int64(v)
					l := g.left[k]
					r := g.counts[k] - l
					leftSq += 2*l*v + v*v
					rightSq += -2*r*v + v*v
					g.left[k] = l + v
				}
				nl += int64(g.total[b])
				nr := m - nl
				if nl < int64(g.minLeaf) {
					continue
				}
				if nr < int64(g.minLeaf) {
					break
				}
				score := float64(leftSq)/float64(nl) + float64(rightSq)/float64(nr)
				if score > best.score {
					best = treeSplit{feature: f, bin: int(b), next: int(order[o+1]), score: score}
					found = true
				}
			}
		}
		for _, b := range g.touched {
			g.total[b] = 0
			clear(g.hist[int(b)*c : int(b)*c+c])
		}
	}
	return best, found
}
