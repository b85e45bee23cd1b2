package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/study-harness/study/study/atomic"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// templates holds the page and one template per section.
var templates = template.Must(template.New("report").
	Funcs(template.FuncMap{"join": strings.Join}).
	ParseFS(templateFS, "templates/*.tmpl"))

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
	b, err := RenderHTML(in)
	if err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return atomic.WriteFile(path, b, 0o644)
}

// RenderHTML returns the bytes that WriteHTML writes.
func RenderHTML(in *Input) ([]byte, error) {
	b, err := build(in)
	if err != nil {
		return nil, err
	}
	in = b.in
	title := in.Title
	if title == "" {
		title = "Study report"
	}
	page := struct {
		Title    string
		Sections []pageSection
	}{Title: title}
	for _, s := range sections {
		data, err := s.data(b)
		if err != nil {
			return nil, fmt.Errorf("section %s: %w", s.id, err)
		}
		var buf bytes.Buffer
		if err := templates.ExecuteTemplate(&buf, s.tmpl, data); err != nil {
			return nil, fmt.Errorf("section %s: %w", s.id, err)
		}
		// The section template escaped every user string.
		page.Sections = append(page.Sections, pageSection{ID: s.id, Title: s.title, Body: template.HTML(buf.String())})
	}
	for i, s := range in.Sections {
		var buf bytes.Buffer
		data := struct {
			Section
			Figs []block
		}{Section: s}
		if s.Figure != "" {
			fb, err := b.figBlock("The figure "+s.Figure+" has no data.", s.Figure)
			if err != nil {
				return nil, fmt.Errorf("section %d (%q): %w", i, s.Title, err)
			}
			data.Figs = []block{fb}
		}
		if err := templates.ExecuteTemplate(&buf, "extra", data); err != nil {
			return nil, fmt.Errorf("section %d (%q): %w", i, s.Title, err)
		}
		id := s.ID
		if id == "" {
			id = fmt.Sprintf("extra-%d", i+1)
		}
		page.Sections = append(page.Sections, pageSection{ID: "x-" + id, Title: s.Title, Body: template.HTML(buf.String())})
	}
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, "page", page); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
