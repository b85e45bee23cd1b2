// Package train trains one run: stage 3 of spec → grid → runs →
// prediction matrix → metrics → report. study/runs calls Run once per run
// config, from a worker pool.
//
// Run builds the model named by the config from the run's initialisation
// stream, then either calls Fit once (a models.Fitter) or runs minibatch
// gradient descent (a models.Net): each epoch shuffles the training rows
// with the order stream, cuts them into minibatches of cfg.Batch (the last
// one may be smaller), applies the configured augmentations to a copy of
// each batch with the augmentation stream, and takes one optimizer step per
// batch on the mean loss (sigmoid cross-entropy for a binary task with one
// output unit, softmax cross-entropy otherwise). Finally it predicts the
// test set and extracts penultimate features.
//
// Before training, the run's data subset (cfg.DataSubset: full, bootstrap,
// half-a, half-b or a fraction; see SubsetRows) picks its training rows
// from the data_subset stream. Each optimizer step uses the learning rate
// of the schedule (optim.Settings.LRAt) and, with cfg.ClipNorm, gradients
// clipped to that global norm (optim.ClipGradNorm). With label smoothing
// or mixup the loss takes soft targets (PyTorch's CrossEntropyLoss with
// label_smoothing; binary targets y(1−ε)+ε/2). With cfg.Patience, training
// stops once validation accuracy has not improved for that many epochs and
// the best epoch's weights are restored.
//
// The augmentations, one file each, are flip (flip_lr, flip_ud), noise,
// shift, crop, rotate, cutout and mixup, which transform minibatches in
// list order, and
// resample, which redraws each epoch's rows class-balanced. Image
// augmentations on data that are not images fail before training.
//
// Every random draw comes from a stream of study/seeds keyed by the spec
// seed and the run's own seed for that stream, and the whole run is
// single-threaded, so a run is bit-identical whichever worker runs it.
package train
