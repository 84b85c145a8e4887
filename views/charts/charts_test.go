package charts

import (
	"context"
	"strings"
	"testing"
)

func TestWrapKeepsLinesWithinTheWidthAndCutsTheRest(t *testing.T) {
	for _, s := range []string{
		"Paragraph 15: Voluntary contributions",
		"Fonds mondial pour l’engagement de la communauté et la résilience, et bien d’autres mots encore pour dépasser quatre lignes de texte dans ce graphique étroit",
		"Anextraordinarilylongwordwithoutanyspacethatmustbecutsomewhereinthemiddle",
		"",
	} {
		lines := wrap(s, width)
		if len(lines) == 0 || len(lines) > maxLines {
			t.Errorf("%q: %d lines, want 1 to %d", s, len(lines), maxLines)
		}
		for _, l := range lines {
			if textWidth(l) > width {
				t.Errorf("%q: line %q is %.0f units wide, more than %.0f", s, l, textWidth(l), width)
			}
		}
	}
	if got := wrap("2026", width); len(got) != 1 || got[0] != "2026" {
		t.Errorf("a short label wrapped to %q", got)
	}
}

func TestBarsScaleToTheLargestAndLeaveRoomForTheFigures(t *testing.T) {
	d := layoutBars([]Bar{
		{Label: "A", Value: 100, Display: "100,000.00"},
		{Label: "B", Value: 50, Display: "50,000.00"},
		{Label: "C", Value: 0, Display: "0.00"},
		{Label: "D", Value: 0.0001, Display: "0.01"},
	})
	if len(d.Rects) != 3 {
		t.Fatalf("%d bars drawn, want 3 (none for zero)", len(d.Rects))
	}
	if a, b := d.Rects[0].W, d.Rects[1].W; a != 2*b {
		t.Errorf("bars %.1f and %.1f, want the second half the first", a, b)
	}
	if d.Rects[2].W < minBar {
		t.Errorf("a tiny figure's bar is %.1f long, want at least %.0f", d.Rects[2].W, minBar)
	}
	for _, tx := range d.Texts {
		if tx.X+textWidth(tx.S) > width {
			t.Errorf("%q ends at %.0f, past the chart's %.0f", tx.S, tx.X+textWidth(tx.S), width)
		}
	}
}

func TestAChartIsANamedImageFollowedByItsTable(t *testing.T) {
	c := StackedChart{
		ID: "years", Title: "Funding by year", Desc: "Paid then committed, pledges beside.",
		Series: []Series{{Label: "Paid", Fill: Solid}, {Label: "Committed", Fill: Striped}},
		Beside: &Series{Label: "Pledged", Fill: Dotted},
		Bars:   []StackedBar{{Label: "2026", Values: []float64{10, 5}, Display: "15.00", Beside: 3, BesideAt: "3.00"}},
		Table: Table{Caption: "Funding by year (USD)", Headers: []string{"Year", "Funding"},
			Rows: []Row{{Header: "2026", Cells: []Cell{{Text: "15.00", Num: true}}}}},
	}
	var b strings.Builder
	if err := Stacked(c).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{
		`role="img"`, `aria-labelledby="years-title"`, `<title id="years-title">Funding by year</title>`,
		`<desc id="years-desc">`, `<figcaption>Funding by year</figcaption>`, `viewBox="0 0 340 `, `width="100%"`,
		`fill="url(#years-striped)"`, `fill="url(#years-dotted)"`,
		`<caption id="years-table-caption">Funding by year (USD)</caption>`, `<th scope="col"`, `<th scope="row">2026</th>`,
		`<td class="num">15.00</td>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	if strings.Index(html, "</figure>") > strings.Index(html, "<table") {
		t.Error("the table does not follow the chart")
	}
	if strings.Contains(html, "style=") || strings.Contains(html, "<script") {
		t.Error("the chart has a style attribute or a script, which the Content-Security-Policy forbids")
	}
}
