package report

// Fitting text into a figure: family legends in rows, titles that shrink
// to their room.

import (
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// chipW is the room of a family legend's colour chip before its name.
const chipW = vg.Length(9)

// chipPlace is where a family legend draws one family: its row, from 0 at
// the top, and its offset from the legend's left edge.
type chipPlace struct {
	row int
	x   vg.Length
}

// chipRows lays out a family legend, a chip and a name per family, gap
// apart, in rows no wider than width, and returns each family's place and
// the number of rows. A family is moved to the next row only when its row
// already holds one, so a name wider than width gets a row of its own.
func chipRows(names []string, st text.Style, width, gap vg.Length) ([]chipPlace, int) {
	places := make([]chipPlace, len(names))
	row, x := 0, vg.Length(0)
	for i, name := range names {
		w := chipW + st.Width(name)
		if x > 0 && x+w > width {
			row, x = row+1, 0
		}
		places[i] = chipPlace{row: row, x: x}
		x += w + gap
	}
	return places, row + 1
}

// fitText returns s and a copy of st that draw s no wider than width: st
// itself when s fits, else st at a smaller size, down to minSize, and
// below that s cut short with "…".
func fitText(st text.Style, s string, width, minSize vg.Length) (text.Style, string) {
	w := st.Width(s)
	if w <= width {
		return st, s
	}
	st.Font.Size = max(minSize, st.Font.Size*width/w)
	r := []rune(s)
	for len(r) > 1 && st.Width(s) > width {
		r = r[:len(r)-1]
		s = string(r) + "…"
	}
	return st, s
}
