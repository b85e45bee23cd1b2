// Package optim holds the gradient-descent methods that train a Net
// (stage 3 of spec → grid → runs → prediction matrix → metrics → report:
// training a run, driven by study/train).
//
// Each method lives in its own file (sgd.go, adam.go, ...) and registers a
// Builder from init, so adding one is adding a file and a line to the test
// catalogue in catalogue_test.go. A Method updates models.Param values in
// place from their gradients; its state (moments) is float32, one slice per
// parameter, and its arithmetic is sequential and deterministic.
//
// Weight decay (Settings.L2 = λ) applies to parameters with Decay set, as
// PyTorch's weight_decay does: λθ is added to the gradient before the
// method's update, except for adamw, whose decay is decoupled.
//
// The registered methods are sgd, momentum (heavy-ball, μ = 0.9 by
// default), nesterov, adam, adamw, rmsprop and adagrad, each with
// PyTorch's defaults and arithmetic. Settings.Momentum is read by sgd,
// momentum, nesterov and rmsprop (each registers it); nil means the
// optimizer's default (DefaultMomentumOf) and a given 0 means 0. Validate
// refuses a nonzero momentum for the others, which would silently ignore
// it. Settings.LRAt is the learning-rate
// schedule (constant, step, cosine, each with optional linear warm-up), a
// pure function of the step; ClipGradNorm clips the global gradient norm
// and is applied by study/train before each Step.
package optim
