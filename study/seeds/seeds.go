// Package seeds derives the independent random streams of a run.
//
// Every random stream in study (weight initialisation, data order,
// augmentation draws, data subsets, bootstrap replicates) is a PCG generator
// seeded by hashing the stream's name with the seeds that govern it. Nothing
// is ever drawn from time or from scheduling, so a run gives the same bits
// whichever worker runs it and whenever.
package seeds

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// Stream returns the random stream called name, keyed by the given seeds
// (typically the spec's seed and the stream's own seed from the run config).
// Different names give independent streams for the same seeds.
func Stream(name string, keys ...int64) *rand.Rand {
	h := sha256.New()
	h.Write([]byte(name))
	var b [8]byte
	for _, k := range keys {
		binary.LittleEndian.PutUint64(b[:], uint64(k))
		h.Write(b[:])
	}
	sum := h.Sum(nil)
	return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(sum[0:8]), binary.LittleEndian.Uint64(sum[8:16])))
}
