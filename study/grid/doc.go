// Package grid is stage 2 of study: it expands a sweep spec into runs.
//
// The flow of a study is
//
//  1. spec: parse and validate the YAML sweep spec;
//  2. grid: expand the spec into the list of runs (this package);
//  3. runs: train every run on a worker pool;
//  4. predmat: collect predictions into a models×instances matrix;
//  5. metrics: measure agreement between the models;
//  6. report: render the results.
//
// The grid is the cartesian product of the spec's axes (a zip group counts
// as one axis), in the order the spec writes them, the first axis varying
// slowest, as nested loops would. Runs matching an exclude entry are
// dropped; the rest are numbered 0, 1, ... in that order. The order and
// the configs depend only on the spec, so every worker count and every
// machine sees the same grid.
//
// Size counts the runs without building them, and both Size and Expand
// refuse a grid whose full product exceeds a cap (DefaultCap by default),
// so a typo like seed: [1..100000] fails fast instead of exhausting memory.
package grid
