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
//	  config.json      the resolved config
//	  metrics.json     status, loss per epoch, validation and test accuracy, wall time
//	  predictions.csv  the run's test predictions in the long format
//	  features.npy     penultimate-layer features on the fixed subset (neural runs)
//	feature_index.json the fixed subset of test instances whose features are stored
//	predictions.csv    every finished run, in manifest order
//	metrics.json       the homogeneity metrics
//	report.html        the report
//
// A run folder either exists whole or not at all: it is written under a
// temporary name and renamed into place. Every file is written atomically.
package store
