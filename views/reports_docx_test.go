package views_test

import (
	"context"
	"strconv"
	"testing"

	"ctap/models"
	"ctap/views"
)

// sampleReport is a report of the usual size: twenty paragraphs, most with
// a table of five to twenty rows.
func sampleReport() views.ReportDocument {
	c := models.ReportContent{Symbol: "A/RES/70/177", PeriodTitle: models.Localized{"en": "2016"}, Year: 2016}
	for i := range 20 {
		p := models.ReportParagraph{Key: "p" + strconv.Itoa(i), Section: 1 + i%6, Message: "report.p.delivered",
			Figures: []models.ReportFigure{{Name: "Year", Kind: models.FigureText, Value: "2016"},
				{Name: "Activities", Kind: models.FigureCount, Value: "1234"}, {Name: "States", Kind: models.FigureCount, Value: "56"}}}
		if i%4 != 3 {
			t := &models.ReportTable{Caption: "report.t.activity_kinds", Columns: []models.ReportCell{{Msg: "report.col_kind"}, {Msg: "report.col_activities"}}}
			for j := range 5 + i {
				t.Rows = append(t.Rows, []models.ReportCell{{Text: "Row " + strconv.Itoa(j)}, {Text: strconv.Itoa(j * 7), Kind: models.FigureCount}})
			}
			p.Table = t
		}
		c.Paragraphs = append(c.Paragraphs, p)
	}
	return views.ReportDocument{Content: c}
}

func BenchmarkReportDOCX(b *testing.B) {
	doc := sampleReport()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := views.ReportDOCX(context.Background(), doc); err != nil {
			b.Fatal(err)
		}
	}
}
