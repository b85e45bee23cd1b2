package report

import (
	"fmt"
	"math"
)

// gonum has no hierarchical clustering (checked: gonum v0.17.0 has graph
// community detection but no linkage), so a small one lives here.

// Merge is one step of agglomerative clustering, numbered as in SciPy's
// linkage matrix: the leaves are clusters 0..n-1 and the k-th merge
// creates cluster n+k.
type Merge struct {
	A, B   int     // the merged clusters, A < B
	Height float64 // the distance between A and B when they merged
	Size   int     // number of leaves in the new cluster
}

// AverageLinkage clusters n items by average linkage (UPGMA) on the
// symmetric n×n distance matrix dist and returns the n−1 merges in order.
// The distance between two clusters is the mean of the distances between
// their members; NaN distances are left out of the mean, and two clusters
// with no finite distance between them merge last. Only the upper triangle
// (i < j) is read when both triangles are finite; if one of dist[i][j] and
// dist[j][i] is NaN the other is used. Ties go to the pair found first in
// cluster order, so the result is deterministic. It takes O(n³) time,
// well under a second for a few hundred models.
func AverageLinkage(dist [][]float64) ([]Merge, error) {
	n := len(dist)
	for i, row := range dist {
		if len(row) != n {
			return nil, fmt.Errorf("report: distance row %d has %d values, want %d", i, len(row), n)
		}
	}
	if n < 2 {
		return nil, nil
	}
	// sum and cnt hold, per pair of active slots, the sum and count of
	// finite leaf-to-leaf distances between the two clusters.
	sum := make([][]float64, n)
	cnt := make([][]int, n)
	for i := range n {
		sum[i] = make([]float64, n)
		cnt[i] = make([]int, n)
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			d := dist[i][j]
			if math.IsNaN(d) {
				d = dist[j][i]
			}
			if math.IsNaN(d) || math.IsInf(d, 0) {
				continue
			}
			sum[i][j], sum[j][i] = d, d
			cnt[i][j], cnt[j][i] = 1, 1
		}
	}
	id := make([]int, n)   // cluster id held in each slot
	size := make([]int, n) // leaves in each slot
	active := make([]bool, n)
	for i := range n {
		id[i], size[i], active[i] = i, 1, true
	}
	merges := make([]Merge, 0, n-1)
	for k := range n - 1 {
		a, b := -1, -1
		best := math.Inf(1)
		bestUnknown := false // best pair has no finite distance
		for i := range n {
			if !active[i] {
				continue
			}
			for j := i + 1; j < n; j++ {
				if !active[j] {
					continue
				}
				if cnt[i][j] == 0 {
					if a < 0 {
						a, b, bestUnknown = i, j, true
					}
					continue
				}
				d := sum[i][j] / float64(cnt[i][j])
				if bestUnknown || d < best {
					a, b, best, bestUnknown = i, j, d, false
				}
			}
		}
		h := best
		if bestUnknown {
			h = math.NaN()
		}
		ca, cb := id[a], id[b]
		if ca > cb {
			ca, cb = cb, ca
		}
		merges = append(merges, Merge{A: ca, B: cb, Height: h, Size: size[a] + size[b]})
		// The new cluster takes slot a; slot b is retired.
		for j := range n {
			if !active[j] || j == a || j == b {
				continue
			}
			sum[a][j] += sum[b][j]
			cnt[a][j] += cnt[b][j]
			sum[j][a], cnt[j][a] = sum[a][j], cnt[a][j]
		}
		id[a], size[a] = n+k, size[a]+size[b]
		active[b] = false
	}
	return merges, nil
}

// LeafOrder returns the leaves 0..n-1 in dendrogram order: each merge
// lists cluster A's leaves before cluster B's, as SciPy's leaves_list does.
// Merges that do not form a tree over n leaves give the input order.
func LeafOrder(merges []Merge, n int) []int {
	if n <= 0 {
		return nil
	}
	identity := func() []int {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		return order
	}
	if len(merges) != n-1 {
		return identity() // not a full tree
	}
	for k, m := range merges {
		if m.A < 0 || m.B < 0 || m.A >= n+k || m.B >= n+k || m.A == m.B {
			return identity() // not a tree built by AverageLinkage
		}
	}
	var order []int
	// Walk iteratively from the root to keep deep (chain-like) trees off
	// the call stack.
	stack := []int{n + len(merges) - 1}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c < n {
			order = append(order, c)
			continue
		}
		m := merges[c-n]
		stack = append(stack, m.B, m.A)
	}
	return order
}

// AgreementOrder returns the order of models that puts similar models next
// to each other: the leaf order of average-linkage clustering on
// 1 − agreement. NaN agreements are left out of the cluster distances.
func AgreementOrder(agreement [][]float64) ([]int, error) {
	n := len(agreement)
	dist := make([][]float64, n)
	for i, row := range agreement {
		if len(row) != n {
			return nil, fmt.Errorf("report: agreement row %d has %d values, want %d", i, len(row), n)
		}
		dist[i] = make([]float64, n)
		for j, v := range row {
			dist[i][j] = 1 - v
		}
	}
	merges, err := AverageLinkage(dist)
	if err != nil {
		return nil, err
	}
	return LeafOrder(merges, n), nil
}
