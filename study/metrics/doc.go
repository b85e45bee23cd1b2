// Package metrics is stage 5 of study's flow:
//
//  1. spec: a YAML sweep spec is parsed and validated;
//  2. grid: the spec expands into a grid of runs;
//  3. runs: a worker pool trains each run and predicts the test set;
//  4. predmat: the predictions form a models × instances matrix;
//  5. metrics (this package): agreement and homogeneity measures are
//     computed from the matrix;
//  6. report: the results are rendered as HTML/PDF.
//
// Compute returns a Result with three parts, following the definitions in
// the reference sheet (Kuncheva & Whitaker 2003; Geirhos et al. 2020;
// Bommasani et al. 2022; Goel et al. 2025; Fort et al. 2019; Kim et al.
// 2025; Toups et al. 2023):
//
//   - per model: accuracy and error;
//   - pairwise, M×M with the diagonal: label agreement, Cohen's κ, error
//     consistency, Q, ρ, correctness disagreement, double fault,
//     agreement given both wrong, error-normalised disagreement (row model
//     A's error in the denominator, so not symmetric), and, when the
//     matrix has probabilities, Jensen–Shannon divergence and CAPA;
//   - ensemble: systemic failure rate, its independent-failure baseline and
//     homogenization, all-correct rate, the failure-count histogram beside
//     the Poisson-binomial pmf, Fleiss' κ, Kuncheva's entropy,
//     Kohavi–Wolpert variance, interrater κ, difficulty, generalized and
//     coincident failure diversity, majority-vote accuracy and the
//     entropy of the true labels.
//
// A measure that is 0/0 or otherwise undefined is NaN, never a silent 0 or
// 1, and Result.Reasons says why under the value's JSON path, for example
// "ensemble.homogenization" or "pairwise.error_consistency[2][5]". In
// JSON, NaN is null.
//
// The pairwise kernels are bit-parallel: correctness is packed one bit per
// instance and predicted labels 4, 8 or 16 bits per instance, so that a
// pair's correctness table and label agreement cost a few word operations
// per 64 or 16 instances. The kernels split the M×M matrix into tiles that
// a bounded pool of goroutines computes; every cell is computed by one
// goroutine in a fixed order, so results do not depend on the number of
// workers.
package metrics
