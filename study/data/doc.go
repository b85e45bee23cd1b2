// Package data is the dataset stage that feeds the runs (stage 3 of
// spec → grid → runs → prediction matrix → metrics → report).
//
// The `dataset:` mapping of a sweep spec (Spec) is loaded once per study
// into a Set: float32 row-major inputs and integer labels, split into
// train, validation and test parts, with a Fingerprint that changes when
// any byte of the data or the split does. Every run of a study trains on
// the same Set.
//
// Loading goes in steps:
//
//  1. Read the raw instances: MNIST from the embedded IDX files (first N of
//     each split, pixels scaled to [0,1]), a synthetic set (moons, spirals,
//     blobs) drawn from seeds.Stream("data", seed), or a CSV file whose test
//     part is drawn with seeds.Stream("split", seed).
//  2. Hold out the validation fraction `val` of the training instances with
//     seeds.Stream("val", seed), so that every run of a study sees the same
//     split. The test part is never touched.
//  3. Map labels to a binary task when `positive:` is given.
//  4. Standardise features (synthetic and CSV sets) with the mean and
//     standard deviation of the training part only.
//  5. Fingerprint the format, the Spec and the bytes of every part.
//
// Nothing in the package draws from time or scheduling: the same Spec, seed
// and files give the same Set, bit for bit.
package data
