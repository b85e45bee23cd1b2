package report

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/study-harness/study/study/atomic"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// templates holds the page and one template per section, parsed on first
// use rather than at start-up: most commands draw no report.
var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").
		Funcs(template.FuncMap{"join": strings.Join}).
		ParseFS(templateFS, "templates/*.tmpl"))
})

// pageSection is a rendered section of the page.
type pageSection struct {
	ID, Title string
	Body      template.HTML
}

// WriteHTML writes the report for in to path as one self-contained HTML
// file: inline CSS and SVG, a small inline script to sort the runs table,
// and no reference to anything outside the file. The same Input gives the
// same bytes. The file is replaced atomically.
func WriteHTML(path string, in *Input) error {
	b, err := build(in)
	if err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return b.writeHTML(path)
}

// writeHTML streams the page into path, a section at a time, so that the
// page is never held whole (see writePage).
func (b *built) writeHTML(path string) error {
	var pageErr error
	err := atomic.Write(path, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		if pageErr = b.writePage(bw); pageErr != nil {
			return pageErr
		}
		return bw.Flush()
	})
	if pageErr != nil {
		return fmt.Errorf("report %s: %w", path, pageErr)
	}
	return err
}

// RenderHTML returns the bytes that WriteHTML writes.
func RenderHTML(in *Input) ([]byte, error) {
	b, err := build(in)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := b.writePage(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// bodyMark stands for a section's body in the page skeleton. The page
// template escapes a NUL in any user string (to U+FFFD), so the mark can
// only come from a body.
const bodyMark = "\x00section body\x00"

// writePage writes the page to w. It executes the page template once with
// every section body replaced by bodyMark, then writes the text between
// the marks with each section's body rendered in turn: the bytes are those
// of executing the template on the rendered bodies, but only one section
// (and, with figDir set, one figure) is in memory at a time.
func (b *built) writePage(w io.Writer) error {
	in := b.in
	title := in.Title
	if title == "" {
		title = "Study report"
	}
	page := struct {
		Title    string
		Banner   string
		Sections []pageSection
	}{Title: title, Banner: partialBanner(in)}
	var bodies []func() (template.HTML, error)
	for _, s := range sections {
		if shown := optionalSections[s.id]; shown != nil && !shown(b) {
			continue
		}
		page.Sections = append(page.Sections, pageSection{ID: s.id, Title: s.title, Body: bodyMark})
		bodies = append(bodies, func() (template.HTML, error) {
			data, err := s.data(b)
			if err != nil {
				return "", fmt.Errorf("section %s: %w", s.id, err)
			}
			var buf bytes.Buffer
			if err := templates().ExecuteTemplate(&buf, s.tmpl, data); err != nil {
				return "", fmt.Errorf("section %s: %w", s.id, err)
			}
			// The section template escaped every user string.
			return template.HTML(buf.String()), nil
		})
	}
	for i, s := range in.Sections {
		id := s.ID
		if id == "" {
			id = fmt.Sprintf("extra-%d", i+1)
		}
		page.Sections = append(page.Sections, pageSection{ID: "x-" + id, Title: s.Title, Body: bodyMark})
		bodies = append(bodies, func() (template.HTML, error) {
			var buf bytes.Buffer
			data := struct {
				Section
				Figs []block
			}{Section: s}
			if s.Figure != "" {
				fb, err := b.figBlock("The figure "+s.Figure+" has no data.", s.Figure)
				if err != nil {
					return "", fmt.Errorf("section %d (%q): %w", i, s.Title, err)
				}
				data.Figs = []block{fb}
			}
			if err := templates().ExecuteTemplate(&buf, "extra", data); err != nil {
				return "", fmt.Errorf("section %d (%q): %w", i, s.Title, err)
			}
			return template.HTML(buf.String()), nil
		})
	}
	var skel strings.Builder
	if err := templates().ExecuteTemplate(&skel, "page", page); err != nil {
		return err
	}
	parts := strings.Split(skel.String(), bodyMark)
	if len(parts) != len(bodies)+1 {
		return fmt.Errorf("report: page template shows %d section bodies, want %d", len(parts)-1, len(bodies))
	}
	for i, render := range bodies {
		if _, err := io.WriteString(w, parts[i]); err != nil {
			return err
		}
		body, err := render()
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, string(body)); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, parts[len(bodies)])
	return err
}
