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
// data, writing nothing. Execute takes the results folder's lock (or its
// shard's), writes spec.yaml and manifest.jsonl, and trains the runs that
// have no finished record yet (environment.json is written while the first
// runs train), at most Options.Workers at once, on as many long-lived
// trainer goroutines. A trained run goes to one of Options.Workers writer
// goroutines, which encode its files and store them while its trainer goes
// on with the next run; a trainer hands its runs over in batches of about
// 10 ms of training (at once when other runs start from its last run),
// and the queue to the writers holds at most Options.Workers batches, so
// that finished results never pile up in memory when writing is the
// slower. Each run is single-threaded and draws every
// random number from streams derived from the spec seed and its own
// config, so the results are bit-identical whatever the number of workers
// and the order in which runs finish.
//
// Storage. The finished runs are records in an append-only pack file
// (store.PackWriter): runs/all.pack for an unsharded study, and
// runs/shard-I-of-N.pack for shard I/N, which each shard writes alone. One
// record holds all the files of one run: metrics.json (the run's
// store.Record, config included), predictions.bin, features.npy,
// logits.npy, predictions-<set>.bin and weights.safetensors; the predictions are in
// predmat's binary form (records written before hold predictions.csv,
// which Collect reads too; ExportFile and study extract turn them into
// the CSV). Read them through
// store.OpenRuns, Runs.Get and Run.File, never as files of runs/. When a
// run has several records (trained again with --force or --retry-failed,
// or after a corrupt record), the newest whole one counts.
//
// A run that diverges or panics is recorded as failed with its reason and the
// sweep goes on. A cancelled context (Ctrl-C) stops the pool promptly: the
// runs whose training is over are still written, and a run still being
// trained is abandoned and leaves nothing behind, since its record is
// appended only once it is complete. An I/O error (a full disk, a
// permission error, or a failed write or sync of the pack) stops the sweep
// and is returned; the runs stored before it are kept, and a failed append
// is cut back from the pack, so that no torn record stays.
//
// Durability. A run is stored by appending its record to the pack with
// one write(2): no file is created and nothing is synced per run. The
// record's header carries a CRC-32C of itself and one of the payload,
// which cover every file of the run. The pack is made durable in batches
// (group commit): at most store.SyncInterval (50 ms) after an append, one
// fsync(2) flushes every record appended since, and closing the pack
// syncs it once more, which Execute does before it returns, on success,
// error or Ctrl-C alike. Hence:
//
//   - Ctrl-C, SIGKILL or a crash of study: every appended record survives
//     (the kernel holds its data) and is reused; a run being trained left
//     nothing and is trained again.
//   - Power loss or a kernel crash: every record synced before it
//     survives; one appended in the last batch may be lost or reach the
//     disk in part. A torn record (a header that does not match its
//     checksum, or a length past the end of the file) is skipped: reading
//     goes on at the next whole header, and when none follows (a torn
//     end) the next writer of that pack cuts the file there. The run of
//     every record lost is trained again as not finished; Collect leaves
//     such runs out until then. A record whose payload does not
//     match its checksum (store.ErrCorrupt) is never trusted: Execute
//     trains the run again (Outcome.Retrained) and the new record
//     supersedes it, and Collect refuses it with an error naming the run.
//
// Run folders of the older layout (runs/<id>/, written by store.RunWriter
// with the size and CRC-32C of every file in metrics.json, or, older
// still, without checksums and trusted as they are) are still read:
// Execute checks each folder it would reuse with store.Verify and reuses
// it as it is; a folder whose files do not match its metrics.json (or
// whose metrics.json is truncated or edited) is removed and its run
// trained again into the pack (Outcome.Retrained). Collect refuses such a
// folder with an error naming the run.
//
// spec.yaml, manifest.jsonl, environment.json and the study-level files
// stay written by atomic.WriteFile (temporary file, fsync, rename, folder
// fsync).
//
// Dependencies. A run whose init names a parent (spec.Init, resolved by the
// grid) waits for its parent to finish, reused or trained, before it takes
// a worker; it then starts from the weights.safetensors of the parent's
// record (a parent trained moments before, in the same Execute, included).
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
