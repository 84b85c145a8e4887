package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// The report's document: its numbered paragraphs, each with the figures
// it states (and the list each was counted from), its table and the
// Secretariat's wording, and the excerpts section IV quotes. Stored whole
// as one JSON value, so that the page, the print view, a version and the
// DOCX are rendered without counting anything again.

// FigureKind tells how a figure is written: a count, a sum in US dollars,
// a date (YYYY-MM-DD) or text (a symbol, a title).
type FigureKind string

const (
	FigureCount FigureKind = "count"
	FigureUSD   FigureKind = "usd"
	FigureDate  FigureKind = "date"
	FigureText  FigureKind = "text"
)

// ReportFigure is one figure a paragraph states, with the list it was
// counted from.
type ReportFigure struct {
	Name  string     `json:"name"`
	Kind  FigureKind `json:"kind"`
	Value string     `json:"value"`
	Link  string     `json:"link,omitempty"`
}

// ReportCell is one cell of a report table: a label from the catalogue
// (Msg) or a value (Text, of Kind), linked to where it was counted from.
type ReportCell struct {
	Msg  string     `json:"msg,omitempty"`
	Text string     `json:"text,omitempty"`
	Kind FigureKind `json:"kind,omitempty"`
	Link string     `json:"link,omitempty"`
}

// ReportTable is a paragraph's table; the first cell of each row heads it.
type ReportTable struct {
	Caption string         `json:"caption"` // message ID
	Columns []ReportCell   `json:"columns"`
	Rows    [][]ReportCell `json:"rows"`
}

// ReportEdit is the Secretariat's wording of a paragraph, with the figures
// the paragraph had when it was written, so a regeneration that changes
// one can say so.
type ReportEdit struct {
	Text string `json:"text"`
	// Language is the language the Secretariat wrote Text in (empty in
	// wording saved before the choice existed: English).
	Language string            `json:"language,omitempty"`
	Figures  map[string]string `json:"figures"`
	By       string            `json:"by"`
	At       time.Time         `json:"at"`
}

// ReportParagraph is one numbered paragraph: generated wording (a message
// of the catalogue with the figures as its data) or the Secretariat's, and
// its table.
type ReportParagraph struct {
	Key        string         `json:"key"`
	Section    int            `json:"section"`
	Subheading string         `json:"subheading,omitempty"` // message ID of the sub-section it opens
	Message    string         `json:"message"`
	Figures    []ReportFigure `json:"figures"`
	Table      *ReportTable   `json:"table,omitempty"`
	Edited     *ReportEdit    `json:"edited,omitempty"`
}

// FigureChange is a figure whose value moved since the paragraph's wording
// was edited.
type FigureChange struct {
	Name, Was, Now string
	Kind           FigureKind
}

// ChangedFigures lists the figures whose value differs from the one the
// paragraph had when the Secretariat wrote its wording (none for generated
// wording), in the paragraph's order.
func (p ReportParagraph) ChangedFigures() []FigureChange {
	if p.Edited == nil {
		return nil
	}
	var out []FigureChange
	for _, f := range p.Figures {
		if was, ok := p.Edited.Figures[f.Name]; !ok || was != f.Value {
			out = append(out, FigureChange{Name: f.Name, Was: was, Now: f.Value, Kind: f.Kind})
		}
	}
	return out
}

// Figure returns the paragraph's figure of that name.
func (p ReportParagraph) Figure(name string) (ReportFigure, bool) {
	for _, f := range p.Figures {
		if f.Name == name {
			return f, true
		}
	}
	return ReportFigure{}, false
}

func (p ReportParagraph) figureValues() map[string]string {
	out := make(map[string]string, len(p.Figures))
	for _, f := range p.Figures {
		out[f.Name] = f.Value
	}
	return out
}

// ReportExcerpt is a passage of a State's validated narrative the
// Secretariat quotes under section IV, copied when chosen and refreshed
// by each regeneration while the narrative stays validated.
type ReportExcerpt struct {
	ProgressID int64  `json:"progress_id"`
	Paragraph  int    `json:"paragraph"`
	StateISO3  string `json:"state"`
	Text       string `json:"text"`
}

// ReportContent is the document: everything the page, the print view and
// the DOCX show, so that none of them recounts anything.
type ReportContent struct {
	Symbol      string            `json:"symbol"` // the resolution's, e.g. A/RES/70/177
	PeriodTitle Localized         `json:"period_title"`
	OpensOn     string            `json:"opens_on"`
	ClosesOn    string            `json:"closes_on"`
	Year        int               `json:"year"` // of the activities and contributions counted
	GeneratedAt time.Time         `json:"generated_at"`
	Paragraphs  []ReportParagraph `json:"paragraphs"`
	Excerpts    []ReportExcerpt   `json:"excerpts"`
}

// Paragraph returns the paragraph with that key and its number (counted
// through the whole report, from 1).
func (c ReportContent) Paragraph(key string) (ReportParagraph, int, bool) {
	for i, p := range c.Paragraphs {
		if p.Key == key {
			return p, i + 1, true
		}
	}
	return ReportParagraph{}, 0, false
}

// Flagged counts the paragraphs whose edited wording stands over changed
// figures.
func (c ReportContent) Flagged() int {
	n := 0
	for _, p := range c.Paragraphs {
		if len(p.ChangedFigures()) > 0 {
			n++
		}
	}
	return n
}

// Value stores the document as JSON.
func (c ReportContent) Value() (driver.Value, error) { return json.Marshal(c) }

// Scan reads the document.
func (c *ReportContent) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, c)
	case string:
		return json.Unmarshal([]byte(v), c)
	}
	return fmt.Errorf("report content: cannot scan %T", src)
}

// GormDataType is jsonb.
func (ReportContent) GormDataType() string { return "jsonb" }
