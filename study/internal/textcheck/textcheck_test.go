package textcheck

import "testing"

func TestCompressed(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"\x1f\x8b\x08\x00rest", "gzip"},
		{"PK\x03\x04", "zip"},
		{"BZh91AY", "bzip2"},
		{"\xfd7zXZ\x00", "xz"},
		{"\x28\xb5\x2f\xfd", "zstd"},
		{"model,instance", ""},
		{"\x1f", ""},
		{"", ""},
	} {
		if got := Compressed([]byte(tc.in)); got != tc.want {
			t.Errorf("Compressed(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBadRune(t *testing.T) {
	for _, tc := range []struct {
		in     string
		r      rune
		offset int
		ok     bool
	}{
		{"a\nb", '\n', 1, true},
		{"a\tb", '\t', 1, true},
		{"a\rb", '\r', 1, true},
		{"ab\x1b[31m", 0x1b, 2, true},
		{"é\u0085", 0x85, 2, true},
		{"abc\u202Efdp", 0x202E, 3, true},
		{"x\u200By", 0x200B, 1, true},
		{"a b", 0, 0, false},
		{"arch=mlp seed=1 lr=0.1", 0, 0, false},
		{"αβγ, \"quoted\"", 0, 0, false},
	} {
		r, off, ok := BadRune(tc.in)
		if r != tc.r || off != tc.offset || ok != tc.ok {
			t.Errorf("BadRune(%q) = %U, %d, %v; want %U, %d, %v", tc.in, r, off, ok, tc.r, tc.offset, tc.ok)
		}
	}
}
