package views

import (
	"context"
	"net/url"
	"strconv"

	"ctap/models"
	"ctap/views/charts"
)

// DashboardData is the dashboard, or the home page's public charts: the
// figures as the viewer may see them.
type DashboardData struct {
	Figures     models.Dashboard
	Instruments []models.Instrument // to name the instruments, in their order
	Year        int                 // the current year, where the ratifications' axis ends
	// ShowProgress: the viewer may read some State's progress, so the
	// progress section is shown (empty when there is nothing validated).
	ShowProgress bool
}

// dashboardRatifications is the parties to each instrument, year by year,
// as small multiples; its table gives the parties at the end of each
// decade and today, one row per instrument, so that it stays a table of
// nineteen rows however long the history.
func dashboardRatifications(ctx context.Context, d DashboardData) charts.StepChart {
	c := charts.StepChart{
		ID: "dashboard-ratifications", Title: t(ctx, "dashboard.ratifications_chart"),
		Desc: t(ctx, "dashboard.ratifications_desc"), From: d.Year, To: d.Year,
		Table: charts.Table{Caption: t(ctx, "dashboard.ratifications_table"),
			Headers: []string{t(ctx, "dashboard.col_instrument")}},
	}
	byID := map[int]models.InstrumentParties{}
	for _, p := range d.Figures.Ratifications {
		byID[p.InstrumentID] = p
		if len(p.Years) > 0 {
			c.From = min(c.From, p.Years[0].Year)
		}
	}
	var columns []int
	for y := (c.From/10 + 1) * 10; y < d.Year; y += 10 {
		columns = append(columns, y)
		c.Table.Headers = append(c.Table.Headers, strconv.Itoa(y))
	}
	columns = append(columns, d.Year)
	c.Table.Headers = append(c.Table.Headers, tf(ctx, "dashboard.col_today", "Year", d.Year))
	for _, in := range d.Instruments {
		p, ok := byID[in.ID]
		if !ok {
			continue
		}
		s := charts.StepSeries{Label: instrumentShort(ctx, in), Display: strconv.Itoa(p.Parties())}
		for _, y := range p.Years {
			s.Points = append(s.Points, charts.StepPoint{X: y.Year, Y: float64(y.Parties)})
		}
		c.Series = append(c.Series, s)
		row := charts.Row{Header: instrumentShort(ctx, in)}
		for _, y := range columns {
			row.Cells = append(row.Cells, charts.Cell{Text: strconv.Itoa(p.PartiesAt(y)), Num: true})
		}
		c.Table.Rows = append(c.Table.Rows, row)
	}
	return c
}

// dashboardProgress is the validated reports of the current period by
// paragraph, stacked by implementation status.
func dashboardProgress(ctx context.Context, d DashboardData) charts.StackedChart {
	c := charts.StackedChart{
		ID: "dashboard-progress", Title: t(ctx, "dashboard.progress_chart"), Desc: t(ctx, "dashboard.progress_desc"),
		Table: charts.Table{Caption: t(ctx, "dashboard.progress_table"), Headers: []string{t(ctx, "dashboard.col_paragraph")}},
	}
	fills := charts.Fills()
	for i, impl := range models.Implementations() {
		label := t(ctx, "implementation."+string(impl))
		c.Series = append(c.Series, charts.Series{Label: label, Fill: fills[i%len(fills)]})
		c.Table.Headers = append(c.Table.Headers, label)
	}
	c.Table.Headers = append(c.Table.Headers, t(ctx, "dashboard.col_total"))
	for _, p := range d.Figures.Progress {
		label := tf(ctx, "paragraph.title", "Number", p.Paragraph)
		bar := charts.StackedBar{Label: label, Display: strconv.Itoa(p.Total)}
		row := charts.Row{Header: label}
		for _, n := range p.Counts {
			bar.Values = append(bar.Values, float64(n.Count))
			row.Cells = append(row.Cells, charts.Cell{Text: strconv.Itoa(n.Count), Num: true})
		}
		row.Cells = append(row.Cells, charts.Cell{Text: strconv.Itoa(p.Total), Num: true})
		c.Bars = append(c.Bars, bar)
		c.Table.Rows = append(c.Table.Rows, row)
	}
	return c
}

// needsHref is the list of needs filtered by one key.
func needsHref(key, value string) string {
	return "/needs?" + url.Values{key: {value}}.Encode()
}

// dashboardCountChart is a bar chart of counts, each linked in the table
// to the list it was counted from.
func dashboardCountChart(ctx context.Context, id, name string, labels, hrefs []string, counts []int) charts.BarChart {
	c := charts.BarChart{
		ID: id, Title: t(ctx, "dashboard."+name+"_chart"), Desc: t(ctx, "dashboard."+name+"_desc"),
		Table: charts.Table{Caption: t(ctx, "dashboard."+name+"_table"),
			Headers: []string{t(ctx, "dashboard.col_"+name), t(ctx, "dashboard.col_needs")}},
	}
	for i, label := range labels {
		n := strconv.Itoa(counts[i])
		c.Bars = append(c.Bars, charts.Bar{Label: label, Value: float64(counts[i]), Display: n})
		c.Table.Rows = append(c.Table.Rows, charts.Row{Header: label, Cells: []charts.Cell{{Text: n, Num: true, Href: hrefs[i]}}})
	}
	return c
}

// dashboardNeedsByStatus is the needs in each status.
func dashboardNeedsByStatus(ctx context.Context, d DashboardData) charts.BarChart {
	var labels, hrefs []string
	var counts []int
	for _, s := range d.Figures.NeedsByStatus {
		labels = append(labels, t(ctx, "need_status."+string(s.Status)))
		hrefs = append(hrefs, needsHref("status", string(s.Status)))
		counts = append(counts, s.Count)
	}
	return dashboardCountChart(ctx, "dashboard-needs-status", "status", labels, hrefs, counts)
}

// dashboardNeedsByTheme is the needs of each theme.
func dashboardNeedsByTheme(ctx context.Context, d DashboardData) charts.BarChart {
	var labels, hrefs []string
	var counts []int
	for _, th := range d.Figures.NeedsByTheme {
		labels = append(labels, t(ctx, "theme."+th.Theme))
		hrefs = append(hrefs, needsHref("theme", th.Theme))
		counts = append(counts, th.Count)
	}
	return dashboardCountChart(ctx, "dashboard-needs-theme", "theme", labels, hrefs, counts)
}

// dashboardFunding is, year by year, what was committed (paid included),
// what was paid, and the cost of the needs recorded, side by side.
func dashboardFunding(ctx context.Context, d DashboardData) charts.GroupedChart {
	c := charts.GroupedChart{
		ID: "dashboard-funding", Title: t(ctx, "dashboard.funding_chart"), Desc: t(ctx, "dashboard.funding_desc"),
		Series: []charts.Series{
			{Label: t(ctx, "dashboard.series_funding"), Fill: charts.Solid},
			{Label: t(ctx, "dashboard.series_paid"), Fill: charts.Striped},
			{Label: t(ctx, "dashboard.series_cost"), Fill: charts.Dotted},
		},
		Table: charts.Table{Caption: t(ctx, "dashboard.funding_table"), Headers: []string{
			t(ctx, "dashboard.col_year"), t(ctx, "dashboard.col_funding"), t(ctx, "dashboard.col_paid"),
			t(ctx, "dashboard.col_cost"), t(ctx, "dashboard.col_uncosted")}},
	}
	var notes []string
	for _, y := range d.Figures.Funding {
		year := strconv.Itoa(y.Year)
		funding, paid := y.Contributions.Funding(), y.Contributions.Paid()
		c.Bars = append(c.Bars, charts.GroupedBar{Label: year,
			Values:   []float64{donorDrawLength(funding), donorDrawLength(paid), y.NeedsCostUSD.InexactFloat64()},
			Displays: []string{formatUSD(ctx, funding.USD), formatUSD(ctx, paid.USD), formatUSD(ctx, y.NeedsCostUSD)}})
		contributions := "/contributions?" + url.Values{"year": {year}}.Encode()
		c.Table.Rows = append(c.Table.Rows, charts.Row{Header: year, Cells: []charts.Cell{
			{Text: donorUSDCell(ctx, funding), Num: true, Href: contributions},
			{Text: donorUSDCell(ctx, paid), Num: true, Href: contributions},
			{Text: formatUSD(ctx, y.NeedsCostUSD), Num: true},
			{Text: strconv.Itoa(y.NeedsUncosted), Num: true},
		}})
		notes = append(notes, donorLeftOutCell(ctx, funding, paid))
	}
	c.Table = donorWithLeftOut(ctx, c.Table, notes)
	return c
}
