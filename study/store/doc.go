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
//	runs/<id>/         one folder per finished run, created by an atomic rename
//	  metrics.json     status, loss per epoch, validation and test accuracy, wall time,
//	                   the resolved config (config.json in older folders)
//	  predictions.csv  the run's test predictions in the long format
//	  features.npy     penultimate-layer features on the fixed subset (neural runs)
//	  predictions-<set>.csv  predictions on each evaluation set (eval_sets)
//	  weights.safetensors    trained weights (save_weights, or a parent of other runs)
//	feature_index.json the fixed subset of test instances whose features are stored
//	eval_sets.json     the evaluation sets' names, in spec order
//	predictions.csv    every finished run, in manifest order
//	predictions-<set>.csv  the same for each evaluation set
//	metrics.json       the homogeneity metrics
//	report.html        the report, with figures/, tables/, methods.md, references.bib
//
// A run folder either exists whole or not at all: RunWriter writes it
// under a temporary name (runs/.tmp-<id>-*) and Commit renames it into
// place, metrics.json written last with the size and CRC-32C of every
// other file (Record.Files) and, as its last field, the CRC-32C of its own
// content. The files of the header (spec.yaml, manifest.jsonl,
// environment.json, ...) are written with atomic.WriteFile.
//
// Durability model. Commit syncs nothing: a published run survives a
// crash or SIGKILL of study at once, since its data is in the kernel's
// page cache, and it survives a power loss once a Syncer has flushed it
// (one syncfs(2) per batch, at most SyncInterval after the publish, and
// always in Syncer.Close). A folder published but not yet synced when the
// power failed may hold truncated, empty or missing files; Verify detects
// it (ErrCorrupt), and the engine removes and retrains it. A metrics.json
// written before checksums existed (then always with fsync) has neither
// files nor checksum and is trusted as it is.
package store
