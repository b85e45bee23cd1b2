package data

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// CIFAR-10 geometry and sizes (the binary version, cifar-10-binary.tar.gz).
const (
	cifarSide   = 32
	cifarPix    = cifarSide * cifarSide * 3
	cifarRecord = 1 + cifarPix // a label byte, then the red, green and blue planes
	cifarTrain  = 50000
	cifarTest   = 10000
)

// CIFARFiles are the six files of CIFAR-10's binary version, the five
// training batches then the test batch, as `study data fetch cifar10`
// unpacks them.
var CIFARFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}

// cifarNames are CIFAR-10's classes, by label (batches.meta.txt).
var cifarNames = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// cifarGet is how to get CIFAR-10, for a MissingError.
const cifarGet = "`study data fetch cifar10`"

// DecodeCIFAR decodes records of CIFAR-10's binary format: each record is
// one label byte (0–9) then 3072 pixel bytes, the 32×32 red plane, then
// green, then blue, each row-major. It returns the pixels reordered to
// height×width×channels (channels last, as models.Shape wants) and the
// labels. The length must be a whole number of records.
func DecodeCIFAR(b []byte) (x []byte, y []int, err error) {
	if len(b)%cifarRecord != 0 {
		return nil, nil, fmt.Errorf("cifar: %d bytes is not a whole number of %d-byte records", len(b), cifarRecord)
	}
	n := len(b) / cifarRecord
	x = make([]byte, n*cifarPix)
	y = make([]int, n)
	const plane = cifarSide * cifarSide
	for i := range n {
		rec := b[i*cifarRecord : (i+1)*cifarRecord]
		if rec[0] > 9 {
			return nil, nil, fmt.Errorf("cifar: record %d (byte %d): label %d is not in 0–9", i, i*cifarRecord, rec[0])
		}
		y[i] = int(rec[0])
		px, dst := rec[1:], x[i*cifarPix:(i+1)*cifarPix]
		for p := range plane {
			dst[3*p] = px[p]
			dst[3*p+1] = px[plane+p]
			dst[3*p+2] = px[2*plane+p]
		}
	}
	return x, y, nil
}

// cifarCache holds each decoded CIFAR-10 folder, shared read-only.
var cifarCache struct {
	mu   sync.Mutex
	sets map[string]*mnistRaw
}

// readCIFAR finds the six batch files of CIFAR-10 (Krizhevsky 2009) and
// returns the first s.Train / s.Test instances, pixels scaled to [0, 1],
// 32×32×3 channels last. The real files hold 10 000 records each; any
// whole number of records is read, so that tests can use small ones.
func readCIFAR(s Spec, baseDir string) (*raw, error) {
	dir, err := findDir(s, baseDir, "cifar10", cifarGet, CIFARFiles)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset cifar10: %w", err)
	}
	cifarCache.mu.Lock()
	defer cifarCache.mu.Unlock()
	m := cifarCache.sets[abs]
	if m == nil {
		m = &mnistRaw{}
		for i, f := range CIFARFiles {
			b, err := os.ReadFile(filepath.Join(abs, f))
			if err != nil {
				return nil, fmt.Errorf("dataset cifar10: %w", err)
			}
			if len(b) == 0 {
				return nil, fmt.Errorf("dataset cifar10: %s is empty; fetch it again", filepath.Join(abs, f))
			}
			x, y, err := DecodeCIFAR(b)
			if err != nil {
				return nil, fmt.Errorf("dataset cifar10: %s: %w", filepath.Join(abs, f), err)
			}
			if i < 5 {
				m.trainX, m.trainY = append(m.trainX, x...), append(m.trainY, y...)
			} else {
				m.testX, m.testY = x, y
			}
		}
		if cifarCache.sets == nil {
			cifarCache.sets = map[string]*mnistRaw{}
		}
		cifarCache.sets[abs] = m
	}
	ntr, nte := len(m.trainY), len(m.testY)
	if s.Train > ntr {
		return nil, fieldErr("train", "%d instances requested, %s has %d", s.Train, abs, ntr)
	}
	if s.Test > nte {
		return nil, fieldErr("test", "%d instances requested, %s has %d", s.Test, abs, nte)
	}
	if s.Train > 0 {
		ntr = s.Train
	}
	if s.Test > 0 {
		nte = s.Test
	}
	return &raw{
		in: cifarPix, h: cifarSide, w: cifarSide, c: 3,
		classes:    10,
		classNames: cifarNames,
		trainB:     m.trainX[: ntr*cifarPix : ntr*cifarPix],
		trainY:     m.trainY[:ntr:ntr],
		testX:      scalePixels(make([]float32, nte*cifarPix), m.testX[:nte*cifarPix]),
		testY:      m.testY[:nte:nte],
		provenance: "CIFAR-10 (A. Krizhevsky, 2009), binary version, from " + abs,
	}, nil
}
