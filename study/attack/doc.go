// Package attack crafts adversarial examples on a trained model, for the
// robustness measures of a study: do models that agree also share their
// vulnerabilities?
//
// It sits inside stage 3 of spec → grid → runs → prediction matrix →
// metrics → report:
//
//  1. The spec lists its attacks (`attacks:`, each an Attack) and the
//     size of the fixed test subset they run on (`attack_subset:`).
//  2. Subset draws that subset once per study, the same rows for every
//     model; study/runs stores it as attack_index.json.
//  3. After a run has trained (study/train), Craft attacks the run's model
//     on the subset when the model has an input gradient (a
//     models.LossGrader: every net, and Gaussian naive Bayes); the run
//     stores the adversarial inputs and its own predictions on them
//     (white-box accuracy).
//  4. study/metrics reports the white-box accuracy of every model under
//     robustness.<attack> in metrics.json; see docs/robustness.md for how
//     the adversarial inputs of every source are to be evaluated on every
//     other model (transfer).
//
// The attacks are those of torchattacks (FGSM, PGD, PGDL2), with the same
// equations: the loss is the mean cross-entropy of the model's logits
// against the true labels (the loss it was trained on), sign(0) = 0, and
// every iterate is clipped to the ε-ball around the clean input and to
// [0, 1]. Arithmetic is float32, as in PyTorch. A random start draws from
// the stream the caller passes (study/seeds), so an attack is
// bit-identical for any number of workers.
package attack
