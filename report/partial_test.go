package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestPartialBanner renders the sample study whole and as part of its
// grid: the page and the terminal summary carry "partial: N of M runs"
// only when Input.Partial is set, and the whole study's page is the page
// without the banner element, byte for byte.
func TestPartialBanner(t *testing.T) {
	whole := sampleInput()
	part := sampleInput()
	part.Partial = &Partial{Runs: 3, Of: 8}
	const banner = "partial: 3 of 8 runs"
	wholePage, err := RenderHTML(whole)
	if err != nil {
		t.Fatal(err)
	}
	partPage, err := RenderHTML(part)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		in         *Input
		page       []byte
		wantBanner bool
	}{
		{"a whole study has no banner", whole, wholePage, false},
		{"a partial study has a banner on the page and in the summary", part, partPage, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var sum bytes.Buffer
			if err := Summary(&sum, tt.in); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(sum.String(), banner); got != tt.wantBanner {
				t.Errorf("summary holds %q: %v, want %v", banner, got, tt.wantBanner)
			}
			if got := bytes.Contains(tt.page, []byte(banner)); got != tt.wantBanner {
				t.Errorf("page holds %q: %v, want %v", banner, got, tt.wantBanner)
			}
		})
	}
	start := bytes.Index(partPage, []byte("\n<p class=\"partial\""))
	end := bytes.Index(partPage, []byte("</h1>"))
	if start < 0 || end < 0 {
		t.Fatal("no banner element after the title")
	}
	stop := start + bytes.Index(partPage[start:], []byte("</p>")) + len("</p>")
	if without := append(bytes.Clone(partPage[:start]), partPage[stop:]...); !bytes.Equal(without, wholePage) {
		t.Errorf("the partial page less its banner differs from the whole page")
	}
}
