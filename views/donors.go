package views

import (
	"context"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"ctap/models"
	"ctap/views/charts"
)

// DonorsData is the list of donor organizations with their totals.
type DonorsData struct {
	Rows []models.DonorTotals
	Sort models.DonorSort
}

// DonorData is one donor organization's page.
type DonorData struct {
	Organization models.DonorOrganization
	// State is the organization's Member State, when it is one.
	State     *models.MemberState
	Workspace bool // the viewer records pledges for this organization
	// Own: the viewer is one of the organization's donor users ("your
	// organization"), not the Secretariat working for it.
	Own       bool
	Breakdown models.ContributionBreakdown
	// Recent is the organization's most recent contributions the viewer
	// may see; More tells whether there are older ones.
	Recent []models.ContributionRow
	More   bool
	// Recipients names the recipient States of Recent; Paragraphs gives
	// the operative paragraphs' themes, for the charts' labels.
	Recipients map[int]models.MemberState
	Paragraphs []models.OperativeRef
	// Delivered is what the organization's contributions paid for.
	Delivered models.ActivitySummary
}

// donorHref is an organization's page.
func donorHref(slug string) templ.SafeURL { return templ.SafeURL("/donors/" + slug) }

// donorContributionsHref is the list of every contribution of the
// organization.
func donorContributionsHref(slug string) templ.SafeURL {
	return templ.SafeURL("/contributions?donor=" + urlQueryEscape(slug))
}

func donorSortOptions(ctx context.Context) []Option {
	var opts []Option
	for _, s := range models.DonorSorts() {
		opts = append(opts, Option{Value: string(s), Label: t(ctx, "donors.sort_"+string(s))})
	}
	return opts
}

// donorUSDCell writes a figure in US dollars for a table whose header names
// the currency.
func donorUSDCell(ctx context.Context, f models.USDFigure) string { return formatUSD(ctx, f.USD) }

// donorLeftOut says what a figure leaves out for want of a rate: how many
// contributions, and their amounts in their own currencies; "" when
// nothing is.
func donorLeftOut(ctx context.Context, f models.USDFigure) string {
	if f.Complete() {
		return ""
	}
	return loc(ctx).Plural("donor.left_out", f.MissingCount, map[string]any{"Amounts": donorMissingAmounts(ctx, f)})
}

// donorMissingAmounts writes the amounts left out, "250,000.00 NOK and 80.00 EUR".
func donorMissingAmounts(ctx context.Context, f models.USDFigure) string {
	parts := make([]string, len(f.Missing))
	for i, m := range f.Missing {
		parts[i] = formatMoney(ctx, m.Amount, m.Currency)
	}
	return strings.Join(parts, t(ctx, "donor.list_separator"))
}

// donorFigureNote is one headline figure that leaves something out.
type donorFigureNote struct {
	Figure string
	Text   string
}

// donorFigureNotes lists, for the headline figures, what each leaves out
// for want of a rate.
func donorFigureNotes(ctx context.Context, tot models.ContributionTotals) []donorFigureNote {
	var out []donorFigureNote
	for _, f := range []struct {
		id  string
		fig models.USDFigure
	}{
		{"donor.funding", tot.Funding()}, {"donor.received", tot.Paid()}, {"donor.pledged", tot.Pledged()},
		{"donor.in_kind", tot.InKind()},
	} {
		if s := donorLeftOut(ctx, f.fig); s != "" {
			out = append(out, donorFigureNote{Figure: t(ctx, f.id), Text: s})
		}
	}
	return out
}

// donorAnyMissing tells whether any donor's figures leave something out.
func donorAnyMissing(rows []models.DonorTotals) bool {
	for _, r := range rows {
		if !r.Totals.Funding().Complete() || !r.Totals.Paid().Complete() || !r.Totals.Pledged().Complete() {
			return true
		}
	}
	return false
}

// donorHasContributions tells whether the viewer sees any contribution
// that is not cancelled.
func donorHasContributions(tot models.ContributionTotals) bool {
	for _, f := range []models.USDFigure{tot.Funding(), tot.Pledged(), tot.InKind(), tot.InKindPledged()} {
		if f.Count > 0 || f.MissingCount > 0 {
			return true
		}
	}
	return false
}

// donorDrawLength is a figure's bar length; the chart writes the
// figure itself from the decimal.
func donorDrawLength(f models.USDFigure) float64 { return f.USD.InexactFloat64() }

// donorLeftOutCell is a chart table's cell saying what the row's figures
// leave out for want of a rate, under a header that says so; "" when
// nothing.
func donorLeftOutCell(ctx context.Context, figures ...models.USDFigure) string {
	var parts []string
	for _, f := range figures {
		if !f.Complete() {
			parts = append(parts, loc(ctx).Plural("donor.left_out_short", f.MissingCount,
				map[string]any{"Amounts": donorMissingAmounts(ctx, f)}))
		}
	}
	return strings.Join(parts, t(ctx, "donor.list_separator"))
}

// donorWithLeftOut adds the "left out" column to a chart's table when a row
// leaves something out.
func donorWithLeftOut(ctx context.Context, tb charts.Table, notes []string) charts.Table {
	need := false
	for _, n := range notes {
		need = need || n != ""
	}
	if !need {
		return tb
	}
	tb.Headers = append(tb.Headers, t(ctx, "donor.col_left_out"))
	for i := range tb.Rows {
		tb.Rows[i].Cells = append(tb.Rows[i].Cells, charts.Cell{Text: notes[i]})
	}
	return tb
}

// donorYearChart is the funding by year, paid and committed stacked, the
// outstanding pledges beside.
func donorYearChart(ctx context.Context, entries []models.BreakdownEntry) charts.StackedChart {
	c := charts.StackedChart{
		ID:    "chart-years",
		Title: t(ctx, "donor.chart_years"),
		Desc:  t(ctx, "donor.chart_years_desc"),
		Series: []charts.Series{
			{Label: t(ctx, "donor.status_paid"), Fill: charts.Solid},
			{Label: t(ctx, "donor.status_committed"), Fill: charts.Striped},
		},
		Beside: &charts.Series{Label: t(ctx, "donor.status_pledged"), Fill: charts.Dotted},
		Table: charts.Table{
			Caption: t(ctx, "donor.table_years"),
			Headers: []string{t(ctx, "donor.col_year"), t(ctx, "donor.col_paid_status"), t(ctx, "donor.col_committed"),
				t(ctx, "donor.col_funding"), t(ctx, "donor.col_pledged")},
		},
	}
	var notes []string
	for _, e := range entries {
		paid, committed := e.Totals.Status(models.ContributionPaid), e.Totals.Status(models.ContributionCommitted)
		funding, pledged := e.Totals.Funding(), e.Totals.Pledged()
		bar := charts.StackedBar{
			Label: e.Key, Values: []float64{donorDrawLength(paid), donorDrawLength(committed)}, Display: formatUSD(ctx, funding.USD),
		}
		if pledged.Count > 0 || pledged.MissingCount > 0 {
			bar.Beside, bar.BesideAt = donorDrawLength(pledged), formatUSD(ctx, pledged.USD)
		}
		c.Bars = append(c.Bars, bar)
		c.Table.Rows = append(c.Table.Rows, charts.Row{Header: e.Key, Cells: []charts.Cell{
			{Text: donorUSDCell(ctx, paid), Num: true}, {Text: donorUSDCell(ctx, committed), Num: true},
			{Text: donorUSDCell(ctx, funding), Num: true}, {Text: donorUSDCell(ctx, pledged), Num: true},
		}})
		notes = append(notes, donorLeftOutCell(ctx, e.Totals.Funding(), e.Totals.Pledged()))
	}
	c.Table = donorWithLeftOut(ctx, c.Table, notes)
	return c
}

// donorFundingChart is the funding of each entry as bars, its table giving the
// outstanding pledges beside.
func donorFundingChart(ctx context.Context, id, dim string, entries []models.BreakdownEntry, label func(key string) string) charts.BarChart {
	c := charts.BarChart{
		ID:    id,
		Title: t(ctx, "donor.chart_"+dim),
		Desc:  t(ctx, "donor.chart_funding_desc"),
		Table: charts.Table{
			Caption: t(ctx, "donor.table_"+dim),
			Headers: []string{t(ctx, "donor.col_"+dim), t(ctx, "donor.col_funding"), t(ctx, "donor.col_pledged")},
		},
	}
	var notes []string
	for _, e := range entries {
		funding, pledged := e.Totals.Funding(), e.Totals.Pledged()
		name := label(e.Key)
		c.Bars = append(c.Bars, charts.Bar{Label: name, Value: donorDrawLength(funding), Display: formatUSD(ctx, funding.USD)})
		c.Table.Rows = append(c.Table.Rows, charts.Row{Header: name, Cells: []charts.Cell{
			{Text: donorUSDCell(ctx, funding), Num: true}, {Text: donorUSDCell(ctx, pledged), Num: true},
		}})
		notes = append(notes, donorLeftOutCell(ctx, e.Totals.Funding(), e.Totals.Pledged()))
	}
	c.Table = donorWithLeftOut(ctx, c.Table, notes)
	return c
}

func donorThemeChart(ctx context.Context, entries []models.BreakdownEntry) charts.BarChart {
	return donorFundingChart(ctx, "chart-themes", "theme", entries, func(k string) string {
		if k == "" {
			return t(ctx, "donor.no_theme")
		}
		return t(ctx, "theme."+k)
	})
}

func donorParagraphChart(ctx context.Context, entries []models.BreakdownEntry, paras []models.OperativeRef) charts.BarChart {
	themes := map[string]string{}
	for _, p := range paras {
		themes[strconv.Itoa(p.Number)] = p.Theme
	}
	return donorFundingChart(ctx, "chart-paragraphs", "paragraph", entries, func(k string) string {
		if k == "" {
			return t(ctx, "donor.no_paragraph")
		}
		n, _ := strconv.Atoi(k)
		if th := themes[k]; th != "" {
			return tf(ctx, "donor.paragraph_theme", "Number", n, "Theme", t(ctx, "theme."+th))
		}
		return tf(ctx, "paragraph.title", "Number", n)
	})
}

func donorGroupChart(ctx context.Context, entries []models.BreakdownEntry) charts.BarChart {
	return donorFundingChart(ctx, "chart-groups", "group", entries, func(k string) string {
		if k == "" {
			return t(ctx, "donor.no_state")
		}
		return t(ctx, "group."+k)
	})
}

// donorInKindTable is the in-kind support by type.
func donorInKindTable(ctx context.Context, entries []models.BreakdownEntry) charts.Table {
	tb := charts.Table{
		Caption: t(ctx, "donor.table_in_kind"),
		Headers: []string{t(ctx, "donor.col_in_kind_type"), t(ctx, "donor.col_in_kind"), t(ctx, "donor.col_in_kind_pledged"), t(ctx, "donor.col_count")},
	}
	var notes []string
	for _, e := range entries {
		given, pledged := e.Totals.InKind(), e.Totals.InKindPledged()
		count := given.Count + given.MissingCount + pledged.Count + pledged.MissingCount
		tb.Rows = append(tb.Rows, charts.Row{Header: t(ctx, "donor.in_kind_"+e.Key), Cells: []charts.Cell{
			{Text: donorUSDCell(ctx, given), Num: true}, {Text: donorUSDCell(ctx, pledged), Num: true},
			{Text: strconv.Itoa(count), Num: true},
		}})
		notes = append(notes, donorLeftOutCell(ctx, given, pledged))
	}
	return donorWithLeftOut(ctx, tb, notes)
}

// DonorContributionColumns are the donor page's list of contributions.
func DonorContributionColumns(recipients map[int]models.MemberState) []Column[models.ContributionRow] {
	return []Column[models.ContributionRow]{
		{Header: "donor.col_title", RowHeader: true,
			Text: func(_ context.Context, r models.ContributionRow) string { return r.Title },
			Cell: func(_ context.Context, r models.ContributionRow) templ.Component {
				return donorContributionLink(r.ID, r.Title, r.Language)
			}},
		{Header: "donor.col_value_date", Text: func(ctx context.Context, r models.ContributionRow) string { return formatDate(ctx, r.ValueDate) }},
		{Header: "donor.col_kind", Text: func(ctx context.Context, r models.ContributionRow) string {
			if r.Kind == models.ContributionInKind && r.InKindType != nil {
				return tf(ctx, "donor.kind_in_kind", "Type", t(ctx, "donor.in_kind_"+*r.InKindType))
			}
			return t(ctx, "donor.kind_financial")
		}},
		{Header: "donor.col_status", Text: func(ctx context.Context, r models.ContributionRow) string {
			return t(ctx, "donor.status_"+string(r.Status))
		}},
		{Header: "donor.col_amount", Text: func(ctx context.Context, r models.ContributionRow) string {
			return formatMoney(ctx, r.Amount, r.Currency)
		}},
		{Header: "donor.col_usd", Text: func(ctx context.Context, r models.ContributionRow) string {
			if r.USD == nil {
				return t(ctx, "donor.no_rate")
			}
			return formatUSD(ctx, *r.USD)
		}},
		{Header: "donor.col_earmark", Text: func(ctx context.Context, r models.ContributionRow) string {
			return donorEarmarkText(ctx, r.Contribution, recipients)
		}},
		{Header: "donor.col_public", Text: func(ctx context.Context, r models.ContributionRow) string { return yesNo(ctx, r.Public) }},
	}
}

// donorEarmarkText says what a contribution is earmarked to.
func donorEarmarkText(ctx context.Context, c models.Contribution, recipients map[int]models.MemberState) string {
	switch {
	case c.Earmark == "theme" && c.Theme != nil:
		return t(ctx, "theme."+*c.Theme)
	case c.Earmark == "paragraph" && c.ParagraphNumber != nil:
		return tf(ctx, "paragraph.title", "Number", *c.ParagraphNumber)
	case c.RecipientStateID != nil:
		name := ""
		if s, ok := recipients[*c.RecipientStateID]; ok {
			name = s.LocalName(lang(ctx))
		}
		if c.Earmark == "need" {
			return tf(ctx, "donor.earmark_need", "State", name)
		}
		return name
	}
	return t(ctx, "donor.not_earmarked")
}
