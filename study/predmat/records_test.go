package predmat

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// recordCases are inputs on which records must behave as encoding/csv:
// the fast path's line endings and empty lines, the hand-over to
// encoding/csv at the first quote, and lines longer than the read buffer.
var recordCases = []struct{ name, in string }{
	{"empty input", ""},
	{"one line without a newline", "a,b,c"},
	{"plain lines", "model,instance,label,pred\nm,i,0,1\nm,j,1,1\n"},
	{"CRLF line endings", "a,b\r\nc,d\r\n"},
	{"a CR that ends the input is dropped", "a,b\r"},
	{"a CR inside a field is kept", "a\rb,c\n"},
	{"CR CR LF keeps one CR", "a,b\r\r\n"},
	{"empty lines are skipped", "\n\na,b\n\r\n\nc\n\n"},
	{"empty fields", ",,\n,\n"},
	{"a lone CR line", "a\n\r"},
	{"a quoted field hands over to encoding/csv", "a,b\nc,d\n\"e,f\",g\nh,i\n"},
	{"a quoted newline after plain lines", "h1,h2\n\n1,2\n\"x\ny\",3\n4,5\n"},
	{"a bare quote after plain lines", "a,b\nc,d\ne\"f,g\n"},
	{"an unclosed quote after plain lines", "a,b\n\"c,d\n"},
	{"a quote on the first line", "\"a\",b\nc,d\n"},
	{"a BOM and non-UTF-8 bytes", "\ufeffmodel,x\n\xff,y\n"},
	{"a line longer than the buffer", "a," + strings.Repeat("x", 70000) + ",b\nc,d\n"},
	{"a long line with a quote", "a,b\nc," + strings.Repeat("y", 70000) + "\"q\n"},
	{"a long final line without a newline", strings.Repeat("z", 140000) + ",1"},
}

// readAll reads every record with next and returns a transcript: records,
// field positions, offsets and the final error.
type recordReader interface {
	Read() ([]string, error)
	FieldPos(int) (int, int)
	InputOffset() int64
}

type step struct {
	Rec    []string
	Pos    [][2]int
	Offset int64
	Err    string
}

func transcript(rr recordReader) []step {
	var out []step
	for {
		rec, err := rr.Read()
		s := step{Offset: rr.InputOffset()}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// Compare the fields the parser reads, and the message.
				s.Err = pe.Error()
				s.Pos = [][2]int{{pe.Line, pe.Column}}
			} else {
				s.Err = err.Error()
			}
			return append(out, s)
		}
		for k := range rec {
			s.Rec = append(s.Rec, strings.Clone(rec[k])) // the fields are views

			l, c := rr.FieldPos(k)
			s.Pos = append(s.Pos, [2]int{l, c})
		}
		out = append(out, s)
	}
}

func encodingCSV(in string) recordReader {
	cr := csv.NewReader(strings.NewReader(in))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	return cr
}

func TestRecordsMatchEncodingCSV(t *testing.T) {
	for _, tc := range recordCases {
		t.Run(tc.name, func(t *testing.T) {
			got := transcript(newRecords(strings.NewReader(tc.in)))
			want := transcript(encodingCSV(tc.in))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("records differ from encoding/csv:\n got %.300q\nwant %.300q", fmt.Sprint(got), fmt.Sprint(want))
			}
		})
	}
}

func FuzzRecords(f *testing.F) {
	for _, tc := range recordCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := transcript(newRecords(bytes.NewReader(data)))
		want := transcript(encodingCSV(string(data)))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("records differ from encoding/csv on %q:\n got %.300q\nwant %.300q", data, fmt.Sprint(got), fmt.Sprint(want))
		}
	})
}

func TestRecordsReportReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    io.Reader
	}{
		{"on the second line", &failingReader{n: 30}},
		{"after a quoted field", io.MultiReader(strings.NewReader("\"a\",b\nc,d"), &failingReader{})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steps := transcript(newRecords(tc.r))
			if last := steps[len(steps)-1]; last.Err != "disk on fire" {
				t.Errorf("last step %+v, want the read error", last)
			}
		})
	}
}
