package data

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCSVGroupColumn(t *testing.T) {
	dir := t.TempDir()
	csv := "a,who,label\n1,x,0\n2,y,1\n3,x,0\n4,y,1\n5,x,1\n6,y,0\n"
	os.WriteFile(filepath.Join(dir, "g.csv"), []byte(csv), 0o644)
	os.WriteFile(filepath.Join(dir, "empty.csv"), []byte("a,who,label\n1,,0\n2,y,1\n"), 0o644)
	for _, tc := range []struct {
		name    string
		spec    Spec
		wantErr string
	}{
		{name: "the group column is not a feature and follows the test rows", spec: Spec{Name: "csv", Path: "g.csv", Group: "who", Test: 3}},
		{name: "a missing group column is named", spec: Spec{Name: "csv", Path: "g.csv", Group: "sex", Test: 3}, wantErr: `no column named "sex" (dataset.group)`},
		{name: "the label cannot be the group", spec: Spec{Name: "csv", Path: "g.csv", Group: "label"}, wantErr: "dataset.group"},
		{name: "group applies to csv only", spec: Spec{Name: "moons", Group: "who"}, wantErr: "dataset.group"},
		{name: "an empty group is refused with its line", spec: Spec{Name: "csv", Path: "empty.csv", Group: "who", Test: 1}, wantErr: "empty.csv:2: column 2: group is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := Load(tc.spec, 1, dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v; want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if set.In != 1 || len(set.TestGroups) != set.NTest() {
				t.Fatalf("%d features, %d groups for %d test rows", set.In, len(set.TestGroups), set.NTest())
			}
			// Standardising keeps the order of a = 1..6: a value's rank
			// among all six is a − 1, and odd a are in group x.
			all := slices.Concat(set.TrainX, set.ValX, set.TestX)
			slices.Sort(all)
			for i, g := range set.TestGroups {
				a := slices.Index(all, set.TestX[i]) + 1
				if want := map[bool]string{true: "x", false: "y"}[a%2 == 1]; g != want {
					t.Errorf("test row %d (a = %d) has group %q; want %q", i, a, g, want)
				}
			}
			if _, err := Load(Spec{Name: "csv", Path: "g.csv", Test: 3}, 1, dir); err == nil || !strings.Contains(err.Error(), "column 2: feature is not a number") {
				t.Errorf("without group, the who column is read as a feature: error %v", err)
			}
		})
	}
}
