package predmat

import (
	"reflect"
	"testing"
)

// TestTransferRoundTrips checks that the binary form of a Transfer reads
// back to the same predictions, reasons and key, and that a truncated
// file is refused rather than read as fewer predictions.
func TestTransferRoundTrips(t *testing.T) {
	tr := &Transfer{
		Attack: "pgd", Key: "k1", Models: []string{"a", "b"}, Instances: []string{"3", "7", "9"},
		NoSource: []string{"", "arch=tree has none"}, NoTarget: []string{"", ""},
		Pred: []int32{0, 1, 2, 1, 1, 0, -1, -1, -1, -1, -1, -1},
	}
	b, err := AppendTransfer(nil, tr)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadTransfer(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tr) {
		t.Fatalf("read %+v, wrote %+v", got, tr)
	}
	if c := got.Cell(0, 1); !reflect.DeepEqual(c, []int32{1, 1, 0}) {
		t.Fatalf("Cell(0, 1) = %v", c)
	}
	if got.Cell(1, 0) != nil {
		t.Fatal("a model that is not a source has a cell")
	}
	if _, err := ReadTransfer(b[:len(b)-1]); err == nil {
		t.Fatal("a truncated transfer file was read")
	}
}
