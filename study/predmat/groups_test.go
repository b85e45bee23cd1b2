package predmat

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestReadGroups(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		groups  []string
		wantErr error
		at      string
	}{
		{name: "a last group column gives each instance its group",
			src:    "model,instance,label,pred,p0,p1,group\na,i1,0,0,1,0,x\na,i2,1,0,1,0,y\nb,i1,0,1,0,1,x\nb,i2,1,1,0,1,y\n",
			groups: []string{"x", "y"}},
		{name: "without probabilities too",
			src:    "model,instance,label,pred,group\na,i1,0,0,x\nb,i1,0,1,x\n",
			groups: []string{"x"}},
		{name: "instances follow the first model's order",
			src:    "model,instance,label,pred,group\na,i2,0,0,y\na,i1,0,0,x\nb,i1,0,1,x\nb,i2,0,1,y\n",
			groups: []string{"y", "x"}},
		{name: "no group column, no groups",
			src: "model,instance,label,pred\na,i1,0,0\n"},
		{name: "two groups for one instance are refused",
			src:     "model,instance,label,pred,group\na,i1,0,0,x\nb,i1,0,1,y\n",
			wantErr: ErrGroup, at: "3:10"},
		{name: "an empty group is refused",
			src:     "model,instance,label,pred,group\na,i1,0,0,\n",
			wantErr: ErrName, at: "2:10"},
		{name: "a group with a line break is refused",
			src:     "model,instance,label,pred,group\na,i1,0,0,\"x\ny\"\n",
			wantErr: ErrName, at: "2:10"},
		{name: "a group column before the probabilities is refused",
			src:     "model,instance,label,pred,group,p0\na,i1,0,0,x,1\n",
			wantErr: ErrHeader, at: "1:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := Read("p.csv", strings.NewReader(tc.src))
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), "p.csv:"+tc.at) {
					t.Fatalf("error %v; want %v at %s", err, tc.wantErr, tc.at)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(x.Groups, tc.groups) || (tc.groups == nil) != (x.Groups == nil) {
				t.Fatalf("groups %q; want %q", x.Groups, tc.groups)
			}
			var b bytes.Buffer
			if err := Write(&b, x); err != nil {
				t.Fatal(err)
			}
			y, err := Read("again.csv", &b)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(y.Groups, x.Groups) {
				t.Errorf("groups after Write and Read %q; want %q", y.Groups, x.Groups)
			}
		})
	}
}
