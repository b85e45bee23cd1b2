package gemm

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// The assembly of the segmented and conv3 kernels is generated; a hand
// edit or a generator change without `go generate` would make the two
// disagree.
func TestGeneratedAssemblyIsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generator")
	}
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"segmented_amd64.s", nil},
		{"conv3_amd64.s", []string{"conv3"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			want, err := exec.Command("go", append([]string{"run", "./internal/gen"}, tc.args...)...).Output()
			if err != nil {
				t.Fatalf("go run ./internal/gen %v: %v", tc.args, err)
			}
			got, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s differs from the output of ./internal/gen: run go generate in models/gemm", tc.file)
			}
		})
	}
}
