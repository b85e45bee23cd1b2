// Package export hands stage 3 of study's flow to a cluster engine that
// researchers already have, instead of growing a scheduler of its own:
//
//  1. spec   (study/spec)    parse and validate the sweep spec
//  2. grid   (study/grid)    expand it into runs
//  3. runs   (study/runs)    train every run, store results
//     ↳ export (this package) the same stage as N shards on Slurm or Kubernetes
//  4. matrix (study/predmat) gather the runs' predictions into one matrix
//  5. metrics (study/metrics) measure agreement
//  6. report (report)        render HTML, figures and tables
//
// Open validates a spec exactly as `study run` would, so a bad spec fails
// before anything is submitted. WriteSlurm prints an sbatch script for a job
// array with one task per shard; WriteKubernetes prints a ConfigMap holding
// the spec and an Indexed Job with one completion per shard. Every task
// runs `study run SPEC --shard I/N`, which trains the runs whose grid index
// is I modulo N into one shared results folder; shards take the folder's
// lock shared, so they run side by side. When all have finished,
// `study merge DIR` gathers the runs and writes predictions.csv, metrics.json
// and the report, byte-identical to those of an unsharded run.
//
// Tasks are stopped cleanly before a time limit: Slurm is asked to send
// SIGTERM two minutes ahead (--signal=B:TERM@120) to the batch shell, which
// has become study through exec; Kubernetes sends SIGTERM and waits the
// grace period. study keeps every finished run and leaves nothing half
// written, so resubmitting the same script finishes the rest.
//
// Values that end up in the outputs are checked or quoted: names and
// #SBATCH values must come from safe alphabets, command arguments are
// single-quoted for the shell, and the Kubernetes YAML is produced by a YAML
// encoder, never by pasting strings.
package export
