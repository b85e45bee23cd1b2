//go:build ignore

// genparquet writes preds.parquet, the matrix of preds.csv in the long
// format with the schema pandas' to_parquet gives a DataFrame of it
// (optional columns; strings as UTF-8 byte arrays, int64, double, and
// the RangeIndex left out). pyarrow is not packaged for this Debian, so
// the file is written with the reader's own library:
//
//	go run genparquet.go
package main

import (
	"os"

	"github.com/parquet-go/parquet-go"

	"github.com/study-harness/study/study/predmat"
)

type row struct {
	Model    *string  `parquet:"model,optional"`
	Instance *string  `parquet:"instance,optional"`
	Label    *int64   `parquet:"label,optional"`
	Pred     *int64   `parquet:"pred,optional"`
	P0       *float64 `parquet:"p0,optional"`
	P1       *float64 `parquet:"p1,optional"`
	P2       *float64 `parquet:"p2,optional"`
}

func main() {
	f, err := os.Open("preds.csv")
	if err != nil {
		panic(err)
	}
	x, err := predmat.Read("preds.csv", f)
	if err != nil {
		panic(err)
	}
	var rows []row
	n, c := x.N(), x.Classes
	for a, m := range x.Models {
		for i, id := range x.Instances {
			p := x.Prob[(a*n+i)*c:]
			rows = append(rows, row{ptr(m), ptr(id), ptr(int64(x.Labels[i])), ptr(int64(x.Pred[a*n+i])),
				ptr(float64(p[0])), ptr(float64(p[1])), ptr(float64(p[2]))})
		}
	}
	if err := parquet.WriteFile("preds.parquet", rows); err != nil {
		panic(err)
	}
}

func ptr[T any](v T) *T { return &v }
