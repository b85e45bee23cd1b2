// Package runs is stage 3 of study's flow, the engine:
//
//  1. spec   (study/spec)    parse and validate the sweep spec
//  2. grid   (study/grid)    expand it into runs
//  3. runs   (this package)  train every run in a worker pool, store results
//  4. matrix (study/predmat) gather the runs' predictions into one matrix
//  5. metrics (study/metrics) measure agreement
//  6. report (report)        render HTML, figures and tables
//
// Plan resolves a spec into runs with content-addressed ids and loads the
// data, writing nothing. Execute takes the results folder's lock, writes
// spec.yaml and manifest.jsonl, and trains the runs that have no finished
// folder yet (environment.json is written while the first runs train), at
// most Options.Workers at once, on as many long-lived trainer goroutines.
// A run's files are written by the run's own goroutine while its trainer
// goes on with the next run, and at most Options.Workers runs are written
// at once, so that finished results never pile up in memory when writing
// is the slower. Each run is single-threaded and draws every random number
// from streams derived from the spec seed and its own config, so the
// results are bit-identical whatever the number of workers and the order in
// which runs finish.
//
// A run that diverges or panics is recorded as failed with its reason and the
// sweep goes on. A cancelled context (Ctrl-C) stops the pool promptly: the
// finished runs are kept, and an unfinished run leaves nothing behind,
// because a run folder is written under a temporary name and renamed into
// place only when complete. An I/O error (a full disk, a permission error,
// or a failed sync) stops the sweep and is returned; the runs finished
// before it are kept.
//
// Durability. A run's files are written straight into its temporary
// folder (store.RunWriter: no per-file rename, no fsync), metrics.json
// last, recording the size and CRC-32C of every other file and a checksum
// of itself; the folder is then published by one rename, without fsync.
// A store.Syncer makes published runs durable in batches: at most
// store.SyncInterval (50 ms) after a publish, one syncfs(2) flushes every
// run published since, and Execute syncs once more before it returns, on
// success, error or Ctrl-C alike. Hence:
//
//   - Ctrl-C, SIGKILL or a crash of study: every published run survives
//     (the kernel holds its data) and is reused; unpublished ones left
//     only temporary folders, which the next Execute removes.
//   - Power loss or a kernel crash: every run synced before it survives;
//     a run published in the last batch may reach the disk in part. On
//     resume, Execute checks every run folder it would reuse with
//     store.Verify, and a folder whose files do not match its metrics.json
//     (or whose metrics.json is missing its checksum, truncated or edited)
//     is removed and trained again (Outcome.Retrained): nothing half
//     written is trusted. Collect refuses such a folder with an error
//     naming the run.
//
// spec.yaml, manifest.jsonl, environment.json and the study-level files
// stay written by atomic.WriteFile (temporary file, fsync, rename, folder
// fsync).
//
// Dependencies. A run whose init names a parent (spec.Init, resolved by the
// grid) waits for its parent to finish, reused or trained, before it takes
// a worker; it then starts from the parent's runs/<id>/weights.safetensors.
// Its id hashes its parent's id, so retraining a parent retrains its
// children. When a parent failed or was skipped, the child is not trained
// but recorded with status skipped and the reason "parent <name> failed:
// ..."; skipped runs are listed with the failures and, like them, make the
// exit code non-zero. A skipped run is tried again on every later
// execution, since its parent may have been retrained. Sharding assigns
// each run to the shard of its dependency root (Plan.Roots), so a shard
// holds whole dependency trees; study run --shard then study merge equals
// an unsharded run. Runs with role pretrain are trained and cached like any
// other but left out of the prediction matrix.
//
// Collect gathers the finished runs into the prediction matrix in manifest
// order, the input of the metrics and report stages.
package runs
