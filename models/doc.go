// Package models is the model zoo of study: the classifiers a run trains
// (stage 3 of spec → grid → runs → prediction matrix → metrics → report).
//
// A model is built by name from a Shape (the problem as the model sees it),
// Options (the architecture fields of a run config) and the run's
// initialisation stream. It is either a Net, trained by gradient descent
// through package optim and study/train, or a Fitter, trained in one call.
// Each architecture lives in its own file (logreg.go, mlp.go, ...) and
// registers itself with Register from init, so adding one is adding a file
// and a line to the test catalogue in catalogue_test.go.
//
// Nets are built from a small layer library, chained by a Stack: Dense,
// ReLU, Tanh, GELU, Dropout, Conv2D (im2col + GEMM), MaxPool2D, LayerNorm,
// Residual, Tokenwise, PatchEmbed, MeanPool, SelfAttention and GRU. The
// architectures are logreg, mlp, resmlp, cnn, gru and transformer; the
// Fitters are tree (CART), knn and naive_bayes. Trained weights are saved
// and loaded in the safetensors format (WriteSafetensors, ReadSafetensors)
// so that a run can start from another's. Conventions, as in gonum:
//
//   - Batches are row-major float32: row i of an n×d batch x is
//     x[i*d : (i+1)*d].
//   - Dense stores its weight as an Out×In row-major matrix W (PyTorch's
//     nn.Linear layout) and computes y = x·Wᵀ + b.
//   - Every matrix product goes through gonum's blas32, which this package
//     points (blas32.Use, in init) at a single-threaded Sgemm from
//     models/gemm, so that a run never starts a goroutine and is
//     bit-reproducible.
//   - Weights are initialised as PyTorch initialises nn.Linear:
//     W, b ~ U(−1/√fan_in, 1/√fan_in).
package models
