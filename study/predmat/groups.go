package predmat

import (
	"errors"
	"fmt"
	"strings"

	"github.com/study-harness/study/study/internal/textcheck"
)

// ErrGroup is an instance given two different groups.
var ErrGroup = errors.New("conflicting groups")

// GroupColumn is the name of the optional last column of the long CSV
// format that names each instance's group (Matrix.Groups).
const GroupColumn = "group"

// groupHeader notes a trailing group column and returns the header
// without it.
func (p *parser) groupHeader(rec []string) []string {
	if k := len(rec) - 1; k >= len(fixedHeader) && rec[k] == GroupColumn {
		p.groupCol = k
		return rec[:k]
	}
	return rec
}

// groupField records the group of instance ii from the current row, and
// refuses an empty group or one that differs from an earlier row's.
func (p *parser) groupField(ii int32) error {
	if p.groupCol == 0 {
		return nil
	}
	g := p.rec[p.groupCol]
	if g == "" {
		return p.errAt(p.groupCol, fmt.Errorf("%w: group is empty", ErrName))
	}
	if r, off, bad := textcheck.BadRune(g); bad {
		return p.errAt(p.groupCol, fmt.Errorf("%w: group holds %s; a group may not hold control or formatting characters, which print as other names", ErrName, textcheck.Describe(r, off)))
	}
	for int(ii) >= len(p.groups) {
		p.groups = append(p.groups, "")
		p.groupLine = append(p.groupLine, 0)
	}
	switch prev := p.groups[ii]; {
	case prev == "":
		p.groups[ii] = strings.Clone(g)
		p.groupLine[ii] = int32(p.line)
	case prev != g:
		return p.errAt(p.groupCol, fmt.Errorf("%w: the instance is in another group on line %d", ErrGroup, p.groupLine[ii]))
	}
	return nil
}

// permuteGroups returns groups reordered as Matrix.permute reorders the
// instances, or nil for nil.
func permuteGroups(groups []string, order []int32) []string {
	if groups == nil {
		return nil
	}
	out := make([]string, len(order))
	for k, v := range order {
		out[k] = groups[v]
	}
	return out
}
