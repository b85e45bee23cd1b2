package spec

import (
	"errors"
	"strings"
	"testing"
)

// TestParseReadsAdversarial checks the adversarial run field: none or a
// mapping, fixed or swept, with its readable form in run names and its
// defaults (10 steps of eps/4, ratio 1) resolved there.
func TestParseReadsAdversarial(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // Adversarial.String of each axis value
	}{
		{"fixed", head + "fixed:\n  adversarial: {method: pgd, eps: 0.1}\n", []string{"pgd(eps=0.1 steps=10 alpha=0.025 ratio=1)"}},
		{"swept with none", head + "axes:\n  adversarial: [none, {method: pgd, eps: 0.3, steps: 40, alpha: 0.01, ratio: 0.5}, {method: fgsm, eps: 0.2}]\n",
			[]string{"none", "pgd(eps=0.3 steps=40 alpha=0.01 ratio=0.5)", "fgsm(eps=0.2 ratio=1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			if len(s.Axes) == 0 {
				c, err := s.Resolve()
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, c.Adversarial.String())
			} else {
				for _, p := range s.Axes[0].Points {
					c, err := s.Resolve(p)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, c.Adversarial.String())
					if txt, _ := c.FieldText("adversarial"); txt != c.Adversarial.String() {
						t.Errorf("FieldText = %q, want %q", txt, c.Adversarial.String())
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("adversarial = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseRejectsBadAdversarial checks that a bad adversarial field is
// an error naming the field and line.
func TestParseRejectsBadAdversarial(t *testing.T) {
	cases := []struct{ name, value, msg string }{
		{"a word other than none", "yes", "want none or a mapping"},
		{"an unknown method", "{method: cw, eps: 0.1}", `method "cw"`},
		{"no eps", "{method: pgd}", "eps 0 must be a positive number"},
		{"a ratio above 1", "{method: pgd, eps: 0.1, ratio: 2}", "ratio 2 must be in (0, 1]"},
		{"fgsm with steps", "{method: fgsm, eps: 0.1, steps: 3}", "fgsm takes one step"},
		{"an unknown key", "{method: pgd, eps: 0.1, norm: 2}", `unknown key "norm"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(head+"fixed:\n  adversarial: "+c.value+"\n"))
			var e *Error
			if !errors.As(err, &e) || e.Line != 4 || !strings.HasPrefix(e.Field, "fixed.adversarial") || !strings.Contains(e.Msg, c.msg) {
				t.Fatalf("error %v, want one at line 4, field fixed.adversarial, saying %q", err, c.msg)
			}
		})
	}
}
