package spec

import (
	"strconv"
	"strings"
)

// Error is a problem with a sweep spec, located in its file. Line and
// Column are 1-based and zero when the problem has no single place (a
// missing key, a bad default). Field is the dotted path of the offending
// key, like "axes.lr", "zip[0].optimizer" or "dataset.train".
type Error struct {
	File   string
	Line   int
	Column int
	Field  string
	Msg    string
	Err    error // underlying error, if any (a *models.FieldError, a YAML error)
}

// Error formats e as "file:line:column: field: msg".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.File == "" {
		b.WriteString("spec")
	}
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(":" + strconv.Itoa(e.Column))
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }
