package export_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/study-harness/study/study/export"
)

// A study of 12 runs as 4 Slurm array tasks, 2 at a time; the last line is
// what each task runs.
func ExampleWriteSlurm() {
	st := &export.Study{Path: "sweeps/quick.yaml", Name: "quick", Runs: 12}
	var b strings.Builder
	err := export.WriteSlurm(&b, st, export.SlurmOptions{
		Job:  export.Job{Shards: 4, Parallel: 2},
		Time: "1:00:00",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "#SBATCH") || strings.HasPrefix(line, "exec") {
			fmt.Println(line)
		}
	}
	// Output:
	// #SBATCH --job-name=study-quick
	// #SBATCH --array=0-3%2
	// #SBATCH --ntasks=1
	// #SBATCH --time=1:00:00
	// #SBATCH --output=%x-%A_%a.out
	// #SBATCH --signal=B:TERM@120
	// exec study run sweeps/quick.yaml --shard "${SLURM_ARRAY_TASK_ID}/4" --results results --workers "${SLURM_CPUS_PER_TASK:-1}"
}
