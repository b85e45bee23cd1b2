// Package predmat is stage 4 of study's flow, the prediction matrix:
//
//  1. spec: a YAML sweep spec is parsed and validated;
//  2. grid: the spec expands into a grid of runs;
//  3. runs: a worker pool trains each run and predicts the test set;
//  4. predmat (this package): the runs' predictions are gathered into one
//     models × instances Matrix, and read from or written to a
//     long-format CSV file;
//  5. metrics: agreement and homogeneity measures are computed from it;
//  6. report: the results are rendered as HTML/PDF.
//
// The CSV format has the header
//
//	model,instance,label,pred[,p0,…,p{C-1}]
//
// and one row per (model, instance) pair. Write emits rows model-major in
// Matrix order with the shortest float32 representation of every
// probability, so that the same Matrix always gives the same bytes. Read
// accepts rows in any order and reports every problem as a *ParseError
// that names the file, line and column.
//
// Predictions made elsewhere may also come gzip-compressed, as a NumPy
// .npz (ReadNPZ) or as Parquet (ReadParquet); ReadFile tells them apart
// by their first bytes. They may come with a models table giving each
// model's factors (ReadMeta) or factors in the model names
// (ConfigsFromNames), and per-model features or logits as .npy files
// (ReadLayerDir). Their errors name the array and index, or
// the row and column, in place of a line.
package predmat
