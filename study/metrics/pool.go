package metrics

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// workerCount resolves a requested worker count: ≤ 0 means GOMAXPROCS.
func workerCount(w int) int {
	if w <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return w
}

// tile is a block of rows [a0, a1) against a block of columns [b0, b1)
// of an M×M matrix, with a0 ≤ b0.
type tile struct{ a0, a1, b0, b1 int }

// upperTiles splits the upper triangle (diagonal included) of an m×m
// matrix into size×size tiles, in a fixed order.
func upperTiles(m, size int) []tile {
	var ts []tile
	for a0 := 0; a0 < m; a0 += size {
		for b0 := a0; b0 < m; b0 += size {
			ts = append(ts, tile{a0, min(a0+size, m), b0, min(b0+size, m)})
		}
	}
	return ts
}

// forTiles calls f for every tile on at most workers goroutines. Each tile
// is handled by exactly one call, so a tile's cells are computed in the
// same order whatever the number of workers.
func forTiles(ts []tile, workers int, f func(t tile)) {
	workers = min(workerCount(workers), len(ts))
	if workers <= 1 {
		for _, t := range ts {
			f(t)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(ts) {
					return
				}
				f(ts[k])
			}
		})
	}
	wg.Wait()
}

// cellsOf calls f(a, b) for the cells of t in the upper triangle, b ≥ a.
func cellsOf(t tile, f func(a, b int)) {
	for a := t.a0; a < t.a1; a++ {
		for b := max(a, t.b0); b < t.b1; b++ {
			f(a, b)
		}
	}
}
