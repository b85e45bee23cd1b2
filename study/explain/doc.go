// Package explain computes feature attributions and measures how much
// models agree on them: the interpretability view of a study.
//
// It serves two stages of study's flow:
//
//  1. spec: a YAML sweep spec is parsed and validated;
//  2. grid: the spec expands into a grid of runs;
//  3. runs: each run is trained, and its attributions are computed here
//     (Attribute) on the study's fixed feature subset of test instances,
//     for the predicted or the true class (Target);
//  4. predmat: the predictions form a models × instances matrix;
//  5. metrics: explanation agreement (Agree) compares the attributions of
//     every pair of models, M×M matrices averaged over the subset's
//     instances, and over the consensus set (instances every model
//     classifies correctly);
//  6. report: the results are rendered.
//
// The methods see a model only through small function types, so they work
// with any family: Gradient (∂F_c/∂x of the logit of class c, for the
// gradient methods saliency, grad_x_input, integrated_gradients and
// smoothgrad) and Scores (class scores, for occlusion, which needs no
// gradient and so covers trees, kNN and naive Bayes too).
//
// Conventions: inputs and attributions are row-major float32, n×D, with
// D the features of one instance in the order of the data set (channels
// last for images: feature (r*W+c)*Ch+k). Every random draw (smoothgrad's
// noise) comes from study/seeds, keyed by the seed and the instance's
// index, so attributions are bit-identical however instances are batched
// and whatever the number of workers. The definitions, defaults and test
// vectors are those of the reference sheet
// docs/reference/robustness-interpretability.md (§3 and §4).
package explain
