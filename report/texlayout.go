package report

import (
	"fmt"
	"regexp"
	"strings"
)

// How a paper table is laid out in LaTeX. Every table goes through these
// rules, the extra sections' tables included, so a new table fits without
// code of its own:
//
//  1. The target is one column of a two-column article, 229.5 pt: the
//     narrowest of article's (229.5 pt), acmart's (241 pt) and IEEEtran's
//     (252 pt). The wide form, table*, spans 469 pt, article's text width.
//  2. Widths are estimated from TeX's own metrics of Computer Modern
//     (texwidths.go) without kerning, which only narrows a line, and a
//     layout must fit with texMargin to spare, for the math spacing the
//     estimate approximates. Tables use @{} at both edges.
//  3. The first step of this ladder whose estimate fits is written, and a
//     comment in the .tex says which it is:
//     a. \small, every cell on one line;
//     b. a numeric cell's trailing interval "[lo, hi]" or note "(…)" on a
//     second line, and headers broken at spaces to their column's width;
//     c. text cells broken at spaces, the text columns sharing what the
//     numeric columns leave (greedy, by TeX's widths: no p{} columns,
//     so no package beyond booktabs);
//     d. c in \footnotesize with \tabcolsep at 4 pt;
//     then a to d again as table* across both columns, and as a last
//     resort d as table* scaled down to the text width by \resizebox
//     (graphicx), for a table with a word wider than the page.
//  4. In a numeric cell, a number in e-notation is written as
//     $m\times 10^{k}$ and a leading minus as $-$; the CSV keeps the
//     numbers as they are.

// Widths of the target layouts, in TeX points, and the margin an
// estimate keeps from them for what it does not model (math spacing,
// script sizes).
const (
	texColumnWidth = 229.5
	texTextWidth   = 469.0
	texMargin      = 3.0
)

// texStyle is one rung of the ladder.
type texStyle struct {
	wide      bool    // table* across both columns
	foot      bool    // \footnotesize, else \small
	split     bool    // intervals and notes on a second line; headers broken
	wrap      bool    // text cells broken to share the width
	resize    bool    // \resizebox to the text width
	tabcolsep float64 // pt
	target    float64 // pt
}

func (s texStyle) size() float64 {
	if s.foot {
		return 8
	}
	return 9
}

// texLadder lists the layouts in order of preference.
func texLadder() []texStyle {
	var out []texStyle
	for _, wide := range []bool{false, true} {
		target := texColumnWidth
		if wide {
			target = texTextWidth
		}
		out = append(out,
			texStyle{wide: wide, tabcolsep: 6, target: target},
			texStyle{wide: wide, split: true, tabcolsep: 6, target: target},
			texStyle{wide: wide, split: true, wrap: true, tabcolsep: 6, target: target},
			texStyle{wide: wide, foot: true, split: true, wrap: true, tabcolsep: 4, target: target})
	}
	out = append(out, texStyle{wide: true, foot: true, split: true, wrap: true, resize: true, tabcolsep: 4, target: texTextWidth})
	return out
}

// texPiece is a run of a cell's text: its LaTeX form and the plain text
// whose width it has, times scale, plus extra em.
type texPiece struct {
	tex, plain   string
	scale, extra float64
}

// numberToken finds the numbers of a numeric cell: an optional minus
// (at the start or after a space or bracket), digits, decimals and an
// exponent.
var numberToken = regexp.MustCompile(`(^|[\s\[(,])(-?)([0-9]+(?:\.[0-9]+)?)(?:e([+-]?[0-9]+))?`)

// texPieces splits a cell's text into pieces; in a numeric cell numbers
// in e-notation become ×10^k and a leading minus a math minus.
func texPieces(s string, num bool) []texPiece {
	if !num {
		return []texPiece{{tex: Latex(s), plain: s, scale: 1}}
	}
	var out []texPiece
	text := func(t string) {
		if t != "" {
			out = append(out, texPiece{tex: Latex(t), plain: t, scale: 1})
		}
	}
	last := 0
	for _, m := range numberToken.FindAllStringSubmatchIndex(s, -1) {
		text(s[last:m[3]])
		minus := m[4] < m[5]
		mant := s[m[6]:m[7]]
		if m[8] < 0 {
			if minus {
				out = append(out, texPiece{tex: `$-$`, extra: 0.778})
			}
			text(mant)
		} else {
			exp := strings.TrimPrefix(s[m[8]:m[9]], "+")
			neg := strings.HasPrefix(exp, "-")
			exp = strings.TrimLeft(strings.TrimPrefix(exp, "-"), "0")
			if exp == "" {
				exp = "0"
			}
			sign, sup, extra := "", exp, 0.0
			if minus {
				sign, extra = "-", 0.778
			}
			if neg {
				sup, extra = "-"+exp, extra+0.778*0.8
			}
			// × with its two medium spaces is 1.222 em, and a bit
			// more to be safe; the exponent prints at script size,
			// about 80% of the text's width in a small font.
			out = append(out, texPiece{tex: "$" + sign + mant + `\times 10^{` + sup + `}$`, plain: mant + "10", scale: 1, extra: 1.35 + extra},
				texPiece{plain: exp, scale: 0.8})
		}
		last = m[1]
	}
	text(s[last:])
	return out
}

// texSymbolEm is the width, in em, of the non-ASCII characters the report
// prints; any other counts as 1 em.
var texSymbolEm = map[rune]float64{
	'κ': 0.6, 'ρ': 0.55, 'θ': 0.5, 'Σ': 0.75, '·': 0.3, '×': 0.78, '±': 0.78, '−': 0.78,
	'≤': 0.78, '≥': 0.78, '²': 0.4, '—': 1, '–': 0.5, '…': 1.15, '∏': 1,
}

// textWidth estimates the printed width of plain text in font (a key of
// texWidths) at size pt.
func textWidth(s, font string, size float64) float64 {
	tab := texWidths[font]
	var w float64
	for _, r := range s {
		switch {
		case r >= 32 && r < 127:
			w += tab[r-32]
		case r < 32:
			w += tab[0]
		default:
			em, ok := texSymbolEm[r]
			if !ok {
				em = 1
			}
			w += em * size
		}
	}
	return w
}

// texLine is one printed line of a cell.
type texLine struct {
	pieces []texPiece
	bold   bool
}

func (l texLine) width(st texStyle) float64 {
	font := "cmr9"
	if st.foot {
		font = "cmr8"
	}
	if l.bold {
		font = strings.Replace(font, "cmr", "cmbx", 1)
	}
	var w float64
	for _, p := range l.pieces {
		w += p.scale*textWidth(p.plain, font, st.size()) + p.extra*st.size()
	}
	return w
}

func (l texLine) tex() string {
	var b strings.Builder
	for _, p := range l.pieces {
		b.WriteString(p.tex)
	}
	s := b.String()
	if l.bold && s != "" {
		s = `\textbf{` + s + `}`
	}
	// A line that starts with "[" would be read as the optional
	// argument of the \\ before it.
	if strings.HasPrefix(s, "[") {
		s = "{}" + s
	}
	return s
}

// secondPart splits a numeric cell's trailing interval or note off.
var secondPart = regexp.MustCompile(`^(.*\S) (\[[^\]]*\]|\([^)]*\))$`)

// numericText reports whether a cell the table did not mark numeric
// still reads as one: a number, or a number followed by its interval.
var numericText = regexp.MustCompile(`^-?[0-9][0-9.]*(e[+-]?[0-9]+)?( \[-?[0-9][^\]]*\])?$`)

// texCell is one cell as lines of plain text.
type texCell struct {
	text string
	num  bool
	bold bool
}

// lines breaks the cell for style st: a numeric cell's second part onto
// its own line when st.split, a text cell at spaces into lines of at
// most limit points when limit > 0.
func (c texCell) lines(st texStyle, limit float64) []texLine {
	parts := []string{c.text}
	if st.split && c.num {
		if m := secondPart.FindStringSubmatch(c.text); m != nil {
			parts = []string{m[1], m[2]}
		}
	}
	var out []texLine
	for _, p := range parts {
		if limit > 0 && !c.num {
			for _, l := range breakWords(p, func(s string) float64 {
				return texLine{pieces: texPieces(s, c.num), bold: c.bold}.width(st)
			}, limit) {
				out = append(out, texLine{pieces: texPieces(l, c.num), bold: c.bold})
			}
			continue
		}
		out = append(out, texLine{pieces: texPieces(p, c.num), bold: c.bold})
	}
	return out
}

// breakWords breaks s at spaces into lines no wider than limit, greedily;
// a word wider than limit gets a line of its own.
func breakWords(s string, width func(string) float64, limit float64) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{s}
	}
	var out []string
	cur := words[0]
	for _, w := range words[1:] {
		if width(cur+" "+w) <= limit {
			cur += " " + w
			continue
		}
		out = append(out, cur)
		cur = w
	}
	return append(out, cur)
}

// longestWord is the width of the widest word of s.
func longestWord(s string, width func(string) float64) float64 {
	var m float64
	for _, w := range strings.Fields(s) {
		m = max(m, width(w))
	}
	return m
}

func linesWidth(ls []texLine, st texStyle) float64 {
	var m float64
	for _, l := range ls {
		m = max(m, l.width(st))
	}
	return m
}

// texLayout is a table laid out in one style.
type texLayout struct {
	st     texStyle
	header [][]texLine
	rows   [][][]texLine
	widths []float64
	total  float64
}

// layout lays t out in st; limits[j] > 0 breaks column j's text cells
// to that width.
func (t *paperTable) layout(st texStyle, limits []float64) texLayout {
	cols := len(t.Header)
	num := t.numericColumns()
	L := texLayout{st: st, widths: make([]float64, cols)}
	L.rows = make([][][]texLine, len(t.Rows))
	for i, r := range t.Rows {
		L.rows[i] = make([][]texLine, cols)
		for j := range cols {
			if j >= len(r) {
				continue
			}
			c := texCell{text: r[j].Text, num: r[j].Num || numericText.MatchString(r[j].Text), bold: r[j].Bold}
			L.rows[i][j] = c.lines(st, limits[j])
			L.widths[j] = max(L.widths[j], linesWidth(L.rows[i][j], st))
		}
	}
	L.header = make([][]texLine, cols)
	for j, h := range t.Header {
		c := texCell{text: h}
		limit := 0.0
		if st.split {
			// A header breaks to its column's width, but never
			// inside a word.
			limit = L.widths[j]
			if limits[j] > 0 && !num[j] {
				limit = limits[j]
			}
			limit = max(limit, longestWord(h, func(s string) float64 { return texLine{pieces: texPieces(s, false)}.width(st) }))
		}
		L.header[j] = c.lines(st, limit)
		L.widths[j] = max(L.widths[j], linesWidth(L.header[j], st))
	}
	for _, w := range L.widths {
		L.total += w
	}
	if cols > 1 {
		L.total += 2 * st.tabcolsep * float64(cols-1)
	}
	return L
}

// numericColumns reports, per column, whether any of its cells is
// numeric: such a column is right-aligned and never broken.
func (t *paperTable) numericColumns() []bool {
	num := make([]bool, len(t.Header))
	for _, r := range t.Rows {
		for j := range num {
			if j < len(r) && (r[j].Num || numericText.MatchString(r[j].Text)) {
				num[j] = true
			}
		}
	}
	return num
}

// fit lays t out in style st, breaking the text columns when st.wrap;
// ok reports whether the estimate fits st.target.
func (t *paperTable) fit(st texStyle) (texLayout, bool) {
	cols := len(t.Header)
	none := make([]float64, cols)
	L := t.layout(st, none)
	fits := func(L texLayout) bool { return L.total <= st.target-texMargin }
	if fits(L) || !st.wrap {
		return L, fits(L)
	}
	// The largest common limit on the text columns that fits, by
	// bisection over the widest text column's natural width.
	num := t.numericColumns()
	hi := 0.0
	for j, w := range L.widths {
		if !num[j] {
			hi = max(hi, w)
		}
	}
	limits := func(x float64) []float64 {
		ls := make([]float64, cols)
		for j := range ls {
			if !num[j] {
				ls[j] = x
			}
		}
		return ls
	}
	lo := 0.0
	best, found := L, false
	for range 30 {
		mid := (lo + hi) / 2
		M := t.layout(st, limits(mid))
		if fits(M) {
			lo, best, found = mid, M, true
		} else {
			hi = mid
		}
	}
	if !found {
		return t.layout(st, limits(1)), false
	}
	return best, true
}

// chooseLayout returns the first layout of the ladder that fits and the
// narrowest one-column estimate, for the comment.
func (t *paperTable) chooseLayout() (L texLayout, column float64) {
	ladder := texLadder()
	for i, st := range ladder {
		var ok bool
		L, ok = t.fit(st)
		if !st.wide {
			column = L.total
		}
		if ok || i == len(ladder)-1 {
			break
		}
	}
	return L, column
}

// describe says in words which layout L is, for the .tex's comment.
func (L texLayout) describe(column float64) string {
	var how []string
	if L.st.split {
		how = append(how, "intervals and notes on a second line")
	}
	if L.st.wrap {
		how = append(how, "text broken into lines")
	}
	size := `\small`
	if L.st.foot {
		size = `\footnotesize`
	}
	how = append([]string{size}, how...)
	switch {
	case L.st.resize:
		return fmt.Sprintf("too wide even for both columns (%.0f pt of %.1f pt): table* scaled down by \\resizebox, %s", L.total, L.st.target, strings.Join(how, ", "))
	case L.st.wide:
		return fmt.Sprintf("too wide for one column (at least %.0f pt of %.1f pt): table* across both columns, %.0f pt of %.1f pt, %s", column, texColumnWidth, L.total, L.st.target, strings.Join(how, ", "))
	}
	return fmt.Sprintf("one column, %.0f pt of %.1f pt, %s", L.total, L.st.target, strings.Join(how, ", "))
}

// cellTeX writes a cell's lines: one line as it is, several as a nested
// tabular aligned at its first line (at its last for a header).
func cellTeX(ls []texLine, right, header bool) string {
	switch len(ls) {
	case 0:
		return ""
	case 1:
		return ls[0].tex()
	}
	pos, align := "t", "l"
	if header {
		pos = "b"
	}
	if right {
		align = "r"
	}
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = l.tex()
	}
	return `\begin{tabular}[` + pos + `]{@{}` + align + `@{}}` + strings.Join(s, `\\`) + `\end{tabular}`
}
