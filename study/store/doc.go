// Package store is the on-disk layout of a study's results folder, shared by
// the stages that write it (runs, 3) and those that read it back (metrics, 5;
// report, 6), so that `study report` can regenerate everything without
// retraining.
//
// Layout of results/<name>/:
//
//	spec.yaml          the spec exactly as given
//	manifest.jsonl     one line per expanded run: id, index, name, values, resolved config
//	environment.json   Go and module versions, git commit, CPU, GOMAXPROCS, start time
//	runs/all.pack      every finished run of an unsharded study, one record
//	                   each, appended (shard I/N: runs/shard-I-of-N.pack)
//	  a record holds the run's files:
//	  metrics.json     status, loss per epoch, validation and test accuracy, wall time,
//	                   the resolved config
//	  predictions.bin  the run's test predictions in predmat's binary form
//	                   (predictions.csv in records written before; study
//	                   extract writes the CSV)
//	  features.npy     penultimate-layer features on the fixed subset (nets
//	                   with a hidden layer: not logreg)
//	  logits.npy       pre-softmax outputs on the fixed subset (nets; records
//	                   written before have none)
//	  predictions-<set>.bin  predictions on each evaluation set (eval_sets)
//	  weights.safetensors    trained weights (save_weights, or a parent of other runs)
//	  adv-<attack>.npy       adversarial inputs crafted on the run, per attack
//	                         (attacks; models with an input gradient)
//	  predictions-adv.<attack>.bin  the run's predictions on them (white-box)
//	  attributions-<method>.npy  attributions on the first explain.instances rows
//	                         of feature_index.json, per explain method (explain)
//	  ig-delta.npy           integrated gradients' convergence delta per instance
//	  input-grad.npy         the gradients of each attacked row's loss with
//	                         respect to its clean input (attacks)
//	runs/<id>/         a run folder of the older layout (the same files, metrics.json
//	                   with their checksums), still read; `study extract` writes them
//	feature_index.json the fixed subset of test instances whose features are stored
//	eval_sets.json     the evaluation sets' names, in spec order
//	attacks.json       the spec's attacks, in spec order (attacks)
//	attack_index.json  the fixed subset of test instances attacked (attacks)
//	explain.json       the spec's explain block, instances resolved (explain)
//	transfer-<attack>.bin  every target's predictions on every source's
//	                   examples (the transfer stage's cache, predmat.Transfer)
//	predictions.csv    every finished run, in manifest order
//	predictions-<set>.csv  the same for each evaluation set
//	metrics.json       the homogeneity metrics
//	report.html        the report, with figures/, tables/, methods.md, references.bib
//
// A run is finished once its record is in a pack (pack.go: the record
// format, torn-tail and checksum handling, the newest record winning) or
// its folder of the older layout verifies (Verify). Runs indexes both.
// The files of the header (spec.yaml, manifest.jsonl, environment.json,
// ...) are written with atomic.WriteFile.
//
// Durability model. PackWriter.Append syncs nothing: an appended record
// survives a crash or SIGKILL of study at once, since its data is in the
// kernel's page cache, and it survives a power loss once flushed (one
// fsync of the pack per batch, at most SyncInterval after the append, and
// always in PackWriter.Close). A record appended but not flushed when the
// power failed may be torn, zeroed or lost; a torn or zeroed tail is cut
// by the next writer, a record whose checksum fails is never trusted
// (ErrCorrupt), and a run left without a whole record is trained again.
// Any other span that holds no whole record (a flipped header byte, a
// broken first magic, junk at the end) is damage (Runs.Damage, naming
// the pack and offset): readers skip it to the next whole header but
// refuse to report over it, and the pack's writer cuts it out
// (Runs.Repair), keeping every whole record, before training again the
// runs it held.
package store
