package views

import (
	"ctap/models"
)

// segment is a run of a paragraph's text, or a footnote marker.
type segment struct {
	Text     string
	Footnote int
}

// segments cuts a paragraph's body at its footnote markers so each marker
// can be rendered as a link to its footnote.
func segments(p models.Paragraph) []segment {
	out := make([]segment, 0, 2*len(p.Refs)+1)
	at := 0
	for _, r := range p.Refs {
		if r.Position < at || r.Position > len(p.Body) {
			continue
		}
		if r.Position > at {
			out = append(out, segment{Text: p.Body[at:r.Position]})
		}
		out = append(out, segment{Footnote: r.FootnoteNumber})
		at = r.Position
	}
	if at < len(p.Body) {
		out = append(out, segment{Text: p.Body[at:]})
	}
	return out
}

func themeOf(p models.Paragraph) string {
	if p.Theme == nil {
		return ""
	}
	return *p.Theme
}
