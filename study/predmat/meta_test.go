package predmat

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadMetaGivesOneConfigPerModel(t *testing.T) {
	in := "\ufeffarch,model,seed\nmlp,b,2\ncnn,a,1\n"
	got, err := ReadMeta("m.csv", strings.NewReader(in), []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{{"arch": "cnn", "seed": "1"}, {"arch": "mlp", "seed": "2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestReadMetaErrorsNameLineAndColumn(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // the error's text
		is       error
	}{
		{"a model of the predictions has no row", "model,seed\na,1\n", "m.csv:1:1: bad model table: model \"b\" of the predictions has no row", ErrMeta},
		{"a row names no model", "model,seed\na,1\nb,2\nc,3\n", "m.csv:4:1: bad model table: model \"c\" is not in the predictions", ErrMeta},
		{"a model has two rows", "seed,model\n1,a\n2,b\n3,a\n", "m.csv:4:3: bad model table: model \"a\" has a row already, on line 2", ErrMeta},
		{"no model column", "name,seed\na,1\n", "m.csv:1:1: bad header: no column named \"model\"", ErrHeader},
		{"a repeated column", "model,seed,seed\na,1,1\n", "m.csv:1:12: bad header: column 3 repeats column 2's name \"seed\"", ErrHeader},
		{"an empty value", "model,seed\na,\nb,2\n", "m.csv:2:3: bad model table: model \"a\" has no value for \"seed\"", ErrMeta},
		{"a short row", "model,seed\na\n", "m.csv:2:1: wrong number of fields: row has 1 fields, header has 2", ErrFieldCount},
		{"an empty file", "", "m.csv:1:1: no data: empty file, want a header model,<factor>,…", ErrEmpty},
		{"a control character in a column name", "model,se\x01ed\na,1\n", "m.csv:1:7: bad header: column 2's name has a control character", ErrHeader},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadMeta("m.csv", strings.NewReader(tc.in), []string{"a", "b"})
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want a *ParseError wrapping %v", err, tc.is)
			}
			if err.Error() != tc.want {
				t.Errorf("err = %q\nwant  %q", err, tc.want)
			}
		})
	}
}

func TestConfigsFromNames(t *testing.T) {
	tests := []struct {
		name   string
		models []string
		want   []map[string]string
	}{
		{"study's own names", []string{"arch=mlp seed=1", "arch=cnn seed=2", "arch=mlp seed=2"},
			[]map[string]string{{"arch": "mlp", "seed": "1"}, {"arch": "cnn", "seed": "2"}, {"arch": "mlp", "seed": "2"}}},
		{"keys that change together are one factor, as a zip group", []string{
			"arch=mlp optimizer=sgd lr=0.1 seed=1", "arch=mlp optimizer=adam lr=0.001 seed=2",
			"arch=cnn optimizer=sgd lr=0.1 seed=2", "arch=cnn optimizer=adam lr=0.001 seed=1"},
			[]map[string]string{
				{"arch": "mlp", "optimizer/lr": "sgd/0.1", "seed": "1"}, {"arch": "mlp", "optimizer/lr": "adam/0.001", "seed": "2"},
				{"arch": "cnn", "optimizer/lr": "sgd/0.1", "seed": "2"}, {"arch": "cnn", "optimizer/lr": "adam/0.001", "seed": "1"}}},
		{"plain names carry no factors", []string{"resnet-s1", "vit-s1"}, nil},
		{"keys that always change together are one factor", []string{"arch=mlp seed=1", "arch=cnn seed=2"},
			[]map[string]string{{"arch/seed": "mlp/1"}, {"arch/seed": "cnn/2"}}},
		{"one plain name spoils all", []string{"arch=mlp", "vit"}, nil},
		{"different keys carry no factors", []string{"arch=mlp", "seed=1"}, nil},
		{"a repeated key", []string{"a=1 a=2"}, nil},
		{"an empty value", []string{"a= b=1"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ConfigsFromNames(tc.models); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func FuzzReadMeta(f *testing.F) {
	f.Add("model,arch,seed\na,mlp,1\nb,cnn,2\n")
	f.Add("seed,model\n1,a\n1,a\n")
	f.Add("model\n\"a\nb\",x\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ReadMeta("f.csv", strings.NewReader(in), []string{"a", "b"})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		if len(c) != 2 || c[0] == nil || c[1] == nil {
			t.Fatalf("configs %v: want one per model", c)
		}
	})
}
