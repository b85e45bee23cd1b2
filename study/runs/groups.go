package runs

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/store"
)

// GroupsFile holds each test instance's group (dataset.group), in test
// order, for the measures per group; it is absent when the spec names no
// group column.
const GroupsFile = "groups.json"

// writeGroups writes GroupsFile when the study's data have groups.
func (p *Plan) writeGroups() error {
	if p.Data.TestGroups == nil {
		return nil
	}
	return store.WriteJSON(filepath.Join(p.Dir, GroupsFile), p.Data.TestGroups)
}

// readGroups sets x.Groups from dir's GroupsFile, when there is one.
func readGroups(dir string, x *predmat.Matrix) error {
	var g []string
	err := store.ReadJSON(filepath.Join(dir, GroupsFile), &g)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(g) != x.N() {
		return fmt.Errorf("%s: %d groups for %d test instances", filepath.Join(dir, GroupsFile), len(g), x.N())
	}
	x.Groups = g
	return nil
}
