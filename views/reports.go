package views

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"ctap/models"
)

// ReportsData is the list of periods, each with its report or the button
// that generates it.
type ReportsData struct {
	Periods []models.ReportPeriodRow
	Errors  []FieldError
	// Drafting: the person drafts reports (every period, with the button
	// that generates a report); otherwise the issued reports only.
	Drafting bool
}

// ReportDocument is a report as the page, the print view, a version and
// the DOCX show it: the stored document, with the names of the States its
// excerpts quote (from the reference cache).
type ReportDocument struct {
	Content    models.ReportContent
	StateNames map[string]string // ISO3 → name in the reader's language
}

// ReportData is a report's page. Version is set when an old version is
// shown; Print drops every control for the print view.
type ReportData struct {
	Report      models.Report
	Document    ReportDocument
	Versions    []models.ReportVersion
	Transitions []models.Transition[models.ReportStatus]
	Version     *models.ReportVersion
	Print       bool
	Transition  ReportTransitionForm
	// Drafting: the person drafts reports and sees the workflow and the
	// versions; a reader of an issued report sees the document.
	Drafting bool
}

// ReportTransitionForm is a step asked of the report's workflow.
type ReportTransitionForm struct {
	To      string `form:"to" validate:"required,max=20"`
	Note    string `form:"note" validate:"max=2000"`
	Version int    `form:"version"`
	Errors  []FieldError
}

// ReportGenerateForm asks for a period's report (generated anew when it
// exists, from the version seen).
type ReportGenerateForm struct {
	PeriodID int64 `form:"period_id" validate:"required,min=1"`
	Version  int   `form:"version"`
}

// ReportVersionForm is an action on the report as seen at a version
// (counting its figures again).
type ReportVersionForm struct {
	Version int `form:"version"`
}

// ReportParagraphForm is the wording of one paragraph as typed.
type ReportParagraphForm struct {
	models.ParagraphInput
	Errors []FieldError
}

// ReportParagraphData is the page editing one paragraph; Current is the
// report saved meanwhile by someone else (409).
type ReportParagraphData struct {
	Report    models.Report
	Key       string
	Number    int
	Paragraph models.ReportParagraph
	Form      ReportParagraphForm
	Current   *models.Report
}

// ReportExcerptsData is the page choosing the narratives section IV
// quotes.
type ReportExcerptsData struct {
	Report     models.Report
	Narratives []models.NarrativeRow
	StateNames map[int]string
	Paragraph  int
	Paragraphs []models.OperativeRef
	Nav        PageNav
	Errors     []FieldError
}

// ReportHref is a report's page.
func ReportHref(id int64) string { return "/reports/" + strconv.FormatInt(id, 10) }

func reportTitle(ctx context.Context, c models.ReportContent) string {
	return tf(ctx, "report.title", "Period", c.PeriodTitle.In(lang(ctx)))
}

// SectionHeading is a section's heading, numbered in Roman numerals as UN
// documents number them.
func SectionHeading(ctx context.Context, section int) string {
	numerals := [...]string{"", "I", "II", "III", "IV", "V", "VI"}
	numeral := strconv.Itoa(section)
	if section > 0 && section < len(numerals) {
		numeral = numerals[section]
	}
	return numeral + ". " + t(ctx, "report.section_"+strconv.Itoa(section))
}

// numberedParagraph is a paragraph with its number in the whole report.
type numberedParagraph struct {
	Number int
	models.ReportParagraph
}

// reportSection is one section of the document with its paragraphs.
type reportSection struct {
	Number     int
	Paragraphs []numberedParagraph
}

// ReportSections groups the paragraphs by section, numbered continuously
// through the report; a section without paragraphs is still listed.
func ReportSections(c models.ReportContent) []reportSection {
	out := make([]reportSection, 0, len(models.ReportSections()))
	for _, s := range models.ReportSections() {
		sec := reportSection{Number: s}
		for i, p := range c.Paragraphs {
			if p.Section == s {
				sec.Paragraphs = append(sec.Paragraphs, numberedParagraph{Number: i + 1, ReportParagraph: p})
			}
		}
		out = append(out, sec)
	}
	return out
}

// TextPart is a run of a paragraph's wording: plain text, or a figure
// (with the list it was counted from).
type TextPart struct {
	Text   string
	Figure *models.ReportFigure
}

// figureMarker wraps a figure's name in a generated wording, so the
// catalogue's message can be cut at the figures and each linked.
const figureMarker = "\x00"

// ParagraphParts is a paragraph's wording cut into text and figures: the
// Secretariat's, whose {Name}s are the current figures, or the
// catalogue's message for generated wording.
func ParagraphParts(ctx context.Context, p models.ReportParagraph) []TextPart {
	figure := func(name string) *models.ReportFigure {
		f, ok := p.Figure(name)
		if !ok {
			return nil
		}
		f.Value = FormatFigure(ctx, f.Kind, f.Value)
		return &f
	}
	var out []TextPart
	if p.Edited != nil {
		text := p.Edited.Text
		last := 0
		for _, m := range models.FigureTokenIndex(text) {
			if f := figure(text[m[2]:m[3]]); f != nil {
				out = append(out, TextPart{Text: text[last:m[0]]}, TextPart{Figure: f})
				last = m[1]
			}
		}
		return append(out, TextPart{Text: text[last:]})
	}
	data := map[string]any{}
	for _, f := range p.Figures {
		data[f.Name] = figureMarker + f.Name + figureMarker
	}
	for i, piece := range strings.Split(loc(ctx).Data(p.Message, data), figureMarker) {
		if i%2 == 1 {
			if f := figure(piece); f != nil {
				out = append(out, TextPart{Figure: f})
				continue
			}
		}
		out = append(out, TextPart{Text: piece})
	}
	return out
}

// ReportPlainText is the document as plain text in the reader's language:
// its summary, headings, numbered paragraphs, tables and the excerpts it
// quotes, one per line. What search indexes of an issued report
// (models.TransitionReport stores it in each language).
func ReportPlainText(ctx context.Context, doc ReportDocument) string {
	c := doc.Content
	var b strings.Builder
	line := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			b.WriteString(s)
			b.WriteByte('\n')
		}
	}
	line(tf(ctx, "report.summary", "Symbol", c.Symbol, "Period", c.PeriodTitle.In(lang(ctx))))
	for _, sec := range ReportSections(c) {
		line(SectionHeading(ctx, sec.Number))
		for _, p := range sec.Paragraphs {
			if p.Subheading != "" {
				line(t(ctx, p.Subheading))
			}
			line(strconv.Itoa(p.Number) + ". " + PlainText(ParagraphParts(ctx, p.ReportParagraph)))
			if p.Table != nil {
				line(t(ctx, p.Table.Caption))
				for _, row := range CellRows(ctx, p.Table.Columns, p.Table.Rows) {
					line(strings.Join(row, " · "))
				}
			}
			if p.Key == "progress.overview" {
				for _, e := range c.Excerpts {
					line(e.Text + " (" + tf(ctx, "report.excerpt_source", "State", doc.StateNames[e.StateISO3], "N", e.Paragraph) + ")")
				}
			}
		}
	}
	return b.String()
}

// PlainText is a paragraph's wording as text (the DOCX).
func PlainText(parts []TextPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Figure != nil {
			b.WriteString(p.Figure.Value)
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// EditableText is the generated wording with {Name} for each figure: what
// the edit form offers to start from.
func EditableText(ctx context.Context, p models.ReportParagraph) string {
	if p.Edited != nil {
		return p.Edited.Text
	}
	data := map[string]any{}
	for _, f := range p.Figures {
		data[f.Name] = "{" + f.Name + "}"
	}
	return loc(ctx).Data(p.Message, data)
}

// FormatFigure writes a stored figure in the reader's language.
func FormatFigure(ctx context.Context, kind models.FigureKind, value string) string {
	switch kind {
	case models.FigureCount:
		if d, err := decimal.NewFromString(value); err == nil {
			return formatDecimal(ctx, d, 0)
		}
	case models.FigureUSD:
		if d, err := decimal.NewFromString(value); err == nil {
			return formatUSD(ctx, d)
		}
	case models.FigureDate:
		if d, err := time.Parse(time.DateOnly, value); err == nil {
			return formatDate(ctx, d)
		}
	}
	return value
}

// CellText is a table cell as text in the reader's language.
func CellText(ctx context.Context, c models.ReportCell) string {
	if c.Msg != "" {
		return t(ctx, c.Msg)
	}
	return FormatFigure(ctx, c.Kind, c.Text)
}

// figureChangeText says what moved under edited wording.
func figureChangeText(ctx context.Context, ch models.FigureChange) string {
	was := FormatFigure(ctx, ch.Kind, ch.Was)
	if ch.Was == "" {
		was = "—"
	}
	return tf(ctx, "report.figure_changed", "Name", ch.Name, "Was", was, "Now", FormatFigure(ctx, ch.Kind, ch.Now))
}

// FigureHref is the address of a figure's list: a page of the report
// itself (models.ReportSelfLink) under the report's address.
func FigureHref(id int64, link string) string {
	if rest, ok := strings.CutPrefix(link, models.ReportSelfLink); ok {
		return ReportHref(id) + "/" + rest
	}
	return link
}

func reportParagraphHref(id int64, key string) string {
	return ReportHref(id) + "/paragraphs/" + key
}

func reportVersionHref(id int64, v int) string {
	return ReportHref(id) + "/versions/" + strconv.Itoa(v)
}

func quoted(c models.ReportContent, id int64) bool {
	for _, e := range c.Excerpts {
		if e.ProgressID == id {
			return true
		}
	}
	return false
}

func excerptsHref(id int64) string { return ReportHref(id) + "/excerpts" }

// reportConflictRows sets the wording saved meanwhile beside the person's.
func reportConflictRows(ctx context.Context, d ReportParagraphData) []conflictRow {
	theirs := ""
	if p, _, ok := d.Current.Content.Paragraph(d.Key); ok {
		theirs = EditableText(ctx, p)
	}
	return []conflictRow{newConflictRow(t(ctx, "report.wording"), theirs, d.Form.Text)}
}

func paragraphValue(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
