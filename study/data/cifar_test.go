package data

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cifarRecordOf is one binary CIFAR record whose channel c of pixel
// (row, col) is byte(c*100 + row*32 + col) mod 256.
func cifarRecordOf(label byte) []byte {
	rec := []byte{label}
	for c := range 3 {
		for p := range 1024 {
			rec = append(rec, byte(c*100+p))
		}
	}
	return rec
}

func TestDecodeCIFARPutsChannelsLast(t *testing.T) {
	in := append(cifarRecordOf(3), cifarRecordOf(9)...)
	x, y, err := DecodeCIFAR(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(y) != 2 || y[0] != 3 || y[1] != 9 || len(x) != 2*3072 {
		t.Fatalf("labels %v, %d pixels; want [3 9], 6144", y, len(x))
	}
	for _, tc := range []struct {
		name         string
		row, col, ch int
	}{{"red of the first pixel", 0, 0, 0}, {"green of row 1 col 2", 1, 2, 1}, {"blue of the last pixel", 31, 31, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.row*32 + tc.col
			want := byte(tc.ch*100 + p)
			for i := range 2 {
				if got := x[i*3072+p*3+tc.ch]; got != want {
					t.Errorf("image %d: %d; want %d", i, got, want)
				}
			}
		})
	}
}

func FuzzDecodeCIFAR(f *testing.F) {
	f.Add(cifarRecordOf(0))
	f.Add(append(cifarRecordOf(9), cifarRecordOf(1)...))
	f.Add(cifarRecordOf(10))
	f.Add([]byte{})
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, in []byte) {
		x, y, err := DecodeCIFAR(in)
		if err != nil {
			if x != nil || y != nil {
				t.Fatal("an error came with data")
			}
			return
		}
		if len(in)%3073 != 0 || len(y) != len(in)/3073 || len(x) != 3072*len(y) {
			t.Fatalf("%d bytes gave %d labels and %d pixels", len(in), len(y), len(x))
		}
		for i, l := range y {
			rec := in[i*3073 : (i+1)*3073]
			if l < 0 || l > 9 || int(rec[0]) != l {
				t.Fatalf("label %d of record %d; byte is %d", l, i, rec[0])
			}
			// Channels last: the bytes of each image are a permutation.
			a, b := bytes.Clone(rec[1:]), bytes.Clone(x[i*3072:(i+1)*3072])
			if sum(a) != sum(b) {
				t.Fatalf("image %d's pixels are not the record's", i)
			}
		}
	})
}

func sum(b []byte) (s int) {
	for _, v := range b {
		s += int(v)
	}
	return s
}

func TestCIFARLoadsAndSaysHowToGetIt(t *testing.T) {
	root := t.TempDir()
	t.Setenv(EnvDataDir, root)
	old := systemDatasets
	systemDatasets = filepath.Join(root, "none")
	t.Cleanup(func() { systemDatasets = old })

	_, err := Load(Spec{Name: "cifar10"}, 1, "")
	var me *MissingError
	if !errors.As(err, &me) || me.File != "data_batch_1.bin" || !strings.Contains(err.Error(), "study data fetch cifar10") {
		t.Fatalf("error %v; want a MissingError naming data_batch_1.bin and study data fetch", err)
	}

	dir := filepath.Join(root, "cifar10")
	os.MkdirAll(dir, 0o755)
	for i, f := range CIFARFiles {
		os.WriteFile(filepath.Join(dir, f), append(cifarRecordOf(byte(i)), cifarRecordOf(byte(i+1))...), 0o644)
	}
	for _, tc := range []struct {
		name                string
		spec                Spec
		wantTrain, wantTest int
		wantErr             string
	}{
		{name: "every record of the six files", spec: Spec{Name: "cifar10", NoVal: true}, wantTrain: 10, wantTest: 2},
		{name: "the first N", spec: Spec{Name: "cifar10", NoVal: true, Train: 4, Test: 1}, wantTrain: 4, wantTest: 1},
		{name: "more than the files hold", spec: Spec{Name: "cifar10", Train: 11}, wantErr: "dataset.train"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := Load(tc.spec, 1, "")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v; want one about %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if set.NTrain() != tc.wantTrain || set.NTest() != tc.wantTest || set.In != 3072 || set.Chans != 3 {
				t.Fatalf("%v, %d channels", set, set.Chans)
			}
			if set.TrainY[2] != 1 || set.TestY[0] != 5 {
				t.Errorf("labels %v / %v do not follow the file order", set.TrainY, set.TestY)
			}
			if set.TestX[3*(1*32+2)+1] != float32(byte(100+34))/255 {
				t.Error("test pixels are not channels last, scaled by 1/255")
			}
		})
	}
}
