package gemm

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// The assembly of the segmented kernels is generated; a hand edit or a
// generator change without `go generate` would make the two disagree.
func TestGeneratedAssemblyIsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generator")
	}
	want, err := exec.Command("go", "run", "./internal/gen").Output()
	if err != nil {
		t.Fatalf("go run ./internal/gen: %v", err)
	}
	got, err := os.ReadFile("segmented_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("segmented_amd64.s differs from the output of ./internal/gen: run go generate in models/gemm")
	}
}
