package data

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// fashionNames are Fashion-MNIST's classes, by label.
var fashionNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// fashionGet is how to get Fashion-MNIST, for a MissingError.
const fashionGet = "`apt-get install dataset-fashion-mnist` (Debian, Ubuntu) or `study data fetch fashion-mnist`"

// fashionCache holds each decoded Fashion-MNIST folder, shared read-only
// by every Load of the process, like the embedded MNIST.
var fashionCache struct {
	mu   sync.Mutex
	sets map[string]*mnistRaw
}

// readFashion finds the four gzipped IDX files of Fashion-MNIST (Xiao,
// Rasul and Vollgraf 2017; the same format and sizes as MNIST) and
// returns the first s.Train / s.Test instances, pixels scaled to [0, 1].
func readFashion(s Spec, baseDir string) (*raw, error) {
	dir, err := findDir(s, baseDir, "fashion-mnist", fashionGet, idxFiles)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset fashion-mnist: %w", err)
	}
	fashionCache.mu.Lock()
	defer fashionCache.mu.Unlock()
	m := fashionCache.sets[abs]
	if m == nil {
		m, err = decodeIDXSet("fashion-mnist", func(name string) ([]byte, error) {
			return os.ReadFile(filepath.Join(abs, name))
		})
		if err != nil {
			return nil, err
		}
		if fashionCache.sets == nil {
			fashionCache.sets = map[string]*mnistRaw{}
		}
		fashionCache.sets[abs] = m
	}
	prov := "Fashion-MNIST (H. Xiao, K. Rasul, R. Vollgraf, Zalando SE 2017), MIT licence; IDX files from " + abs
	return m.raw(s, fashionNames, prov), nil
}
