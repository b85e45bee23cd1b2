// Package textcheck holds two checks on text read from the user's files,
// shared by the readers of specs (study/spec), datasets (study/data) and
// predictions (study/predmat): compressed data given where text is
// expected, and names holding characters that print as something else.
package textcheck

import (
	"bytes"
	"fmt"
	"unicode"
)

// magics are the leading bytes of the common compressed and archive
// formats.
var magics = []struct {
	prefix []byte
	name   string
}{
	{[]byte{0x1f, 0x8b}, "gzip"},
	{[]byte("BZh"), "bzip2"},
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0}, "xz"},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "zstd"},
	{[]byte("PK\x03\x04"), "zip"},
	{[]byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}, "7z"},
}

// Compressed returns the name of the compression format whose magic
// bytes start b ("gzip", "zip", ...), or "" when b does not start like a
// compressed file. Readers call it on a file's first bytes to say "this
// is a gzip file; decompress it first" instead of showing its bytes.
func Compressed(b []byte) string {
	for _, m := range magics {
		if bytes.HasPrefix(b, m.prefix) {
			return m.name
		}
	}
	return ""
}

// BadRune returns the first rune of name that would make it print as
// something else, with its byte offset: a control character (line
// breaks, tabs, escape sequences, C1 controls) or a Unicode formatting
// character (bidirectional overrides such as U+202E, zero-width
// characters), which a terminal, HTML page, SVG or LaTeX shows as a space
// or nothing or uses to reorder the text. ok is false when there is none.
func BadRune(name string) (r rune, offset int, ok bool) {
	for i, c := range name {
		if unicode.IsControl(c) || unicode.Is(unicode.Cf, c) {
			return c, i, true
		}
	}
	return 0, 0, false
}

// Describe says what BadRune found, without echoing the name: "U+000A (a
// control character) at byte 1".
func Describe(r rune, offset int) string {
	kind := "a control character"
	if unicode.Is(unicode.Cf, r) {
		kind = "a formatting character such as a bidirectional override"
	}
	return fmt.Sprintf("%U (%s) at byte %d", r, kind, offset)
}
