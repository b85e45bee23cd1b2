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
//     A's error in the denominator, so not symmetric), pairwise
//     homogenization, and, when the
//     matrix has probabilities, Jensen–Shannon divergence and CAPA;
//   - ensemble: systemic failure rate, its independent-failure baseline and
//     homogenization, all-correct rate, the failure-count histogram beside
//     the Poisson-binomial pmf, Fleiss' κ, Kuncheva's entropy,
//     Kohavi–Wolpert variance, interrater κ, difficulty, generalized and
//     coincident failure diversity, majority-vote accuracy and the
//     entropy of the true labels.
//
// Beyond the catalogue, Compute adds companion members through the Extra
// maps:
//
//   - uncertainty: a paired bootstrap over test instances (the same
//     resampled instances for every model; Options.Bootstrap replicates,
//     keyed by Options.Seed) gives 95% percentile intervals <name>_ci on
//     per-model accuracy, every ensemble measure and the mean of each
//     pairwise measure over all pairs (top-level "pairwise_mean"). The
//     M(M−1)/2 pairs are never treated as independent samples: every
//     interval comes from resampling instances. Two permutation nulls
//     (Options.Permutations draws each) give p-values: independent errors
//     at fixed accuracy (each model's correctness vector shuffled on its
//     own: homogenization_p, error_consistency_p per pair and for the
//     mean, homogenization_pairwise_mean_p), and fixed instance difficulty
//     and accuracy (a curveball chain that keeps both margins of the
//     correctness matrix: error_consistency_p_difficulty per pair).
//     Per-pair p-values have Benjamini–Hochberg (_adj) and
//     Holm (_holm) adjustments; the top-level "permutation" member
//     (PermutationInfo) gives P, the floor 1/(P+1) and each member's null;
//   - homogenization at a fixed group size: the pairwise matrix
//     pairwise.homogenization, its mean over pairs
//     (ensemble.homogenization_pairwise_mean) and H_k over all groups of
//     k models (ensemble.homogenization_k), which, unlike the whole-set H,
//     do not grow with the number of models;
//   - factor attribution ("attribution"), the headline of a study: for
//     each axis of Matrix.Configs, the pairs that differ in exactly that
//     axis, the distribution of each pairwise measure over them, the
//     disagreement in excess of the accuracy gap and of seed pairs in the
//     same cells, the same per cell of the other axes, and Pratt's
//     importance; intervals come from a two-way bootstrap over instances
//     and replicate runs, and the axes are ranked only as far as paired
//     intervals of their differences separate them
//     ("attribution_summary"; see Attribution and addTwoWay);
//   - generalisation–disagreement ("generalization_disagreement", Jiang et
//     al. 2022): per recipe (Configs without the replicate fields,
//     Matrix.Replicates or by default SeedAxes; bit-identical runs of a
//     deterministic fitter count once), test error against the
//     disagreement of its seed pairs, with bootstrap and across-seed
//     intervals, and the class-aggregated calibration error (CACE) of its
//     seeds' hard-vote ensemble, to within which the relation holds;
//   - representations ("representation"): linear, debiased and RBF CKA and
//     mutual k-NN alignment of the penultimate features (the last hidden
//     layer; null, with the reason, for a model without one, such as
//     logreg, whose "features" would be its input), and linear CKA of the
//     logits (logits_cka_linear), which every net has;
//   - duplicate models ("duplicates", Duplicates): groups of models whose
//     predicted labels and probabilities are bit-identical, one model
//     under several names, with the configuration fields in which they
//     differ (fields that had no effect on them).
//
// Two analyses are separate calls, whose results the caller adds to the
// Extra map of the test set's Result:
//
//   - component sharing ("sharing", Sharing): do models that share a
//     pretrained backbone (axis init) or training data (axis data_subset)
//     fail together more often? Per condition, the mean accuracy, the
//     systemic failure rate and the mean pairwise homogenization and error
//     consistency, with paired-bootstrap intervals, permutation p-values
//     against independent failures at the models' own accuracies, and the
//     difference of each condition from the reference with its interval
//     and verdict;
//   - agreement on the line ("agreement_on_the_line", AgreementOnTheLine,
//     Baek et al. 2022): from the Results of the test set and of one
//     evaluation set, ID against OOD accuracy per model and agreement per
//     pair, with least-squares lines through both in probit space.
//
// The bootstrap keeps each replicate as instance counts and their bit
// planes, so a weighted count over packed correctness is a few popcounts
// per plane; pairwise means of agreement, double fault and correctness
// disagreement are sums of per-instance vote counts, so their intervals
// cost O(N) per replicate for any M. Intervals of the other pairwise
// means, per-pair p-values and per-instance JSD have a work budget; beyond
// it they are null with a reason.
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
// workers. JSD's Σ m log2 m runs in AVX-512 or AVX2 assembly (float32 lanes, float64
// sums) on amd64, over L2-sized chunks of 32×32-model tiles.
package metrics
