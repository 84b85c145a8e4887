package charts

import (
	"context"
	"strings"
	"testing"
)

func TestStepsShareOneScaleAndEndAtTheLastFigure(t *testing.T) {
	c := StepChart{From: 2000, To: 2010, Series: []StepSeries{
		{Label: "Tokyo", Points: []StepPoint{{X: 2000, Y: 1}, {X: 2005, Y: 4}}, Display: "4"},
		{Label: "Hague", Points: []StepPoint{{X: 2005, Y: 2}}, Display: "2"},
	}}
	d := layoutSteps(c)
	var series []string
	for _, l := range d.Lines {
		if !l.Axis {
			series = append(series, l.D)
		}
	}
	if len(series) != 2 {
		t.Fatalf("%d series drawn, want 2", len(series))
	}
	// Tokyo: from the baseline at 2000, up to 1, at 2005 up to 4 (the top
	// of the panel), then flat to 2010.
	if !strings.HasPrefix(series[0], "M0 ") || !strings.Contains(series[0], "H0V") || strings.Count(series[0], "V") != 2 {
		t.Errorf("Tokyo's steps: %s", series[0])
	}
	for _, tx := range d.Texts {
		if tx.X+textWidth(tx.S) > width {
			t.Errorf("%q ends at %.0f, past the chart's %.0f", tx.S, tx.X+textWidth(tx.S), width)
		}
	}
	last := d.Texts[len(d.Texts)-1]
	if last.S != "2010" {
		t.Errorf("the axis ends with %q, want 2010", last.S)
	}
}

func TestGroupedBarsCompareOnOneScaleAndTheirTableLinksEachFigure(t *testing.T) {
	c := GroupedChart{
		ID: "funding", Title: "Funding by year", Desc: "Committed, paid, asked for.",
		Series: []Series{{Label: "Committed", Fill: Solid}, {Label: "Paid", Fill: Striped}, {Label: "Needs", Fill: Dotted}},
		Bars:   []GroupedBar{{Label: "2026", Values: []float64{100, 50, 0}, Displays: []string{"100", "50", "0"}}},
		Table: Table{Caption: "Funding by year", Headers: []string{"Year", "Committed"},
			Rows: []Row{{Header: "2026", Cells: []Cell{{Text: "100", Num: true, Href: "/contributions?year=2026"}}}}},
	}
	d := layoutGrouped(c)
	bars := d.Rects
	if len(bars) != 2 || bars[0].W != 2*bars[1].W {
		t.Errorf("bars %+v: want two, the second half the first (none for zero)", bars)
	}
	var b strings.Builder
	if err := Grouped(c).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<td class="num"><a href="/contributions?year=2026">100</a></td>`) {
		t.Errorf("the figure is not linked to its list: %s", b.String())
	}
}
