package views

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strconv"

	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/packager"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"

	"ctap/models"
)

// reportTemplate is godocx's default template with only the styles the
// report uses (scripts/report-docx-template.py): godocx parses and writes
// the template's styles on every document, and the default's 165 styles
// (430 kB) cost half of each export. Read-only: each document unpacks a
// copy.
//
//go:embed reports_template.docx
var reportTemplate []byte

// ReportDOCX writes a stored report as a Word document in the language of
// ctx's localizer (the one the reader chose for the document): headings and
// generated wording from the catalogue, the Secretariat's own wording as
// written, each run of it marked with the language it is written in. The
// title, one Heading 1 per section and Heading 2 per sub-section, each
// paragraph numbered continuously through the report
// (as the number typed before the text, so that it survives any editing
// and any word processor), each table a real table with a header row, and
// the excerpts as quotations. Nothing is counted again.
func ReportDOCX(ctx context.Context, doc ReportDocument) ([]byte, error) {
	template := slices.Clone(reportTemplate)
	d, err := packager.Unpack(&template)
	if err != nil {
		return nil, fmt.Errorf("report docx: %w", err)
	}
	c := doc.Content
	d.AddParagraph(t(ctx, "report.organ"))
	d.AddParagraph(t(ctx, "report.agenda_item"))
	if _, err := d.AddHeading(t(ctx, "report.doc_title"), 0); err != nil {
		return nil, fmt.Errorf("report docx: %w", err)
	}
	d.AddParagraph(t(ctx, "report.doc_subtitle")).Style("Subtitle")
	d.AddParagraph(tf(ctx, "report.summary", "Symbol", c.Symbol, "Period", c.PeriodTitle.In(lang(ctx))))
	for _, sec := range ReportSections(c) {
		if _, err := d.AddHeading(SectionHeading(ctx, sec.Number), 1); err != nil {
			return nil, fmt.Errorf("report docx: %w", err)
		}
		for _, p := range sec.Paragraphs {
			if p.Subheading != "" {
				if _, err := d.AddHeading(t(ctx, p.Subheading), 2); err != nil {
					return nil, fmt.Errorf("report docx: %w", err)
				}
			}
			para := d.AddEmptyParagraph()
			para.AddText(strconv.Itoa(p.Number) + ".\t")
			para.AddText(PlainText(ParagraphParts(ctx, p.ReportParagraph)))
			if p.Edited != nil {
				markRunLanguage(para, EditLanguage(p.Edited))
			}
			if p.Table != nil {
				docxTable(ctx, d, p.Table.Caption, CellRows(ctx, p.Table.Columns, p.Table.Rows))
			}
			if p.Key == "progress.overview" {
				for _, e := range c.Excerpts {
					d.AddParagraph(e.Text).Style("Quote")
					d.AddParagraph(tf(ctx, "report.excerpt_source", "State", doc.StateNames[e.StateISO3], "N", e.Paragraph)).Style("Caption")
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		return nil, fmt.Errorf("report docx: %w", err)
	}
	return buf.Bytes(), nil
}

// CellRows is a report table as text: the header row, then the rows.
func CellRows(ctx context.Context, cols []models.ReportCell, rows [][]models.ReportCell) [][]string {
	out := make([][]string, 0, len(rows)+1)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = CellText(ctx, c)
	}
	out = append(out, header)
	for _, r := range rows {
		line := make([]string, len(r))
		for i, c := range r {
			line[i] = CellText(ctx, c)
		}
		out = append(out, line)
	}
	return out
}

// docxTable adds a captioned table with single borders; its first row is
// the header, in bold.
func docxTable(ctx context.Context, d *docx.RootDoc, caption string, rows [][]string) {
	d.AddParagraph(t(ctx, caption)).Style("Caption")
	tbl := d.AddTable()
	size := 4
	line := func() *ctypes.Border { return &ctypes.Border{Val: stypes.BorderStyleSingle, Size: &size} }
	tbl.GetCT().TableProp.Borders = &ctypes.TableBorders{Top: line(), Left: line(), Bottom: line(), Right: line(), InsideH: line(), InsideV: line()}
	for i, r := range rows {
		row := tbl.AddRow()
		for _, text := range r {
			cell := row.AddCell()
			run := cell.AddEmptyPara().AddText(text)
			if i == 0 {
				run.Bold(true)
			}
		}
	}
	d.AddEmptyParagraph()
}

// markRunLanguage marks the run last added to para with the language its
// text is written in (w:lang), so a word processor checks its spelling and
// a screen reader reads it in that language: Arabic as a complex script
// (w:bidi), Chinese as an East Asian one (w:eastAsia).
func markRunLanguage(para *docx.Paragraph, tag string) {
	children := para.GetCT().Children
	if len(children) == 0 || children[len(children)-1].Run == nil {
		return
	}
	run := children[len(children)-1].Run
	if run.Property == nil {
		run.Property = &ctypes.RunProperty{}
	}
	l := &ctypes.Lang{Val: &tag}
	switch tag {
	case "ar":
		l.Bidi = &tag
	case "zh":
		l.EastAsia = &tag
	}
	run.Property.Lang = l
}
