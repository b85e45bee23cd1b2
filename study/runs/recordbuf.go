package runs

import (
	"sync"

	"github.com/study-harness/study/study/store"
)

// records recycles the buffers that runs' pack records are built in
// (predictions, features, weights, metrics.json), so that a worker does
// not allocate and fault in fresh pages for every run.
var records = sync.Pool{New: func() any { return new(store.RecordBuf) }}

func getRecordBuf() *store.RecordBuf { return records.Get().(*store.RecordBuf) }

// putRecordBuf returns b for reuse; a buffer grown past 64 MiB (the
// weights of a large model) is left to the garbage collector.
func putRecordBuf(b *store.RecordBuf) {
	if b.Cap() > 64<<20 {
		return
	}
	records.Put(b)
}
