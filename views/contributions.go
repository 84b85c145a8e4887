package views

import (
	"context"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/shopspring/decimal"

	"ctap/models"
)

// ContributionRow is a contribution with its organization, as lists and
// exports show it.
type ContributionRow struct {
	models.ContributionRow
	Donor models.DonorOrganization
}

// ContributionFilterForm is the list's filter as the person set it.
type ContributionFilterForm struct {
	Donor, Recipient, Status, Kind, Theme, Paragraph, Year, Verified, Sort string
}

// Query_ is the filter as a query string, for pagination and export links.
func (f ContributionFilterForm) Query_() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"donor": f.Donor, "recipient": f.Recipient, "status": f.Status, "kind": f.Kind,
		"theme": f.Theme, "paragraph": f.Paragraph, "year": f.Year, "verified": f.Verified, "sort": f.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// Active tells whether any filter is set.
func (f ContributionFilterForm) Active() bool { return len(f.Query_()) > 0 }

// ContributionsData is the list of contributions.
type ContributionsData struct {
	Rows        []ContributionRow
	Total       int64
	Totals      models.ContributionTotals
	Filter      ContributionFilterForm
	Donors      []models.DonorOrganization
	States      []models.MemberState
	Paragraphs  []models.OperativeRef
	Nav         PageNav
	ExportQuery string
	CanCreate   bool
	CanImport   bool
}

// ContributionForm is the contribution form as submitted.
type ContributionForm struct {
	models.ContributionInput
	ID      int64 `form:"-"`
	Version int   `form:"version"`
	Errors  []FieldError
}

// ContributionFormData is the form's page; Current is the stored
// contribution when someone saved it meanwhile (409).
type ContributionFormData struct {
	Form        ContributionForm
	Donors      []models.DonorOrganization
	States      []models.MemberState
	Paragraphs  []models.OperativeRef
	Currencies  []models.Currency
	Current     *models.ContributionInput
	Secretariat bool // the person may say who reported it
}

// ContributionStepForm is one workflow step as submitted.
type ContributionStepForm struct {
	To      string `form:"to" validate:"required,oneof=committed paid cancelled"`
	On      string `form:"on" validate:"required,datetime=2006-01-02"`
	Note    string `form:"note" validate:"max=2000"`
	Version int    `form:"version"`
	Errors  []FieldError
	Stale   bool
}

// ContributionPageData is one contribution's page.
type ContributionPageData struct {
	Page      models.ContributionPage
	Recipient *models.MemberState
	Steps     []models.Transition[models.ContributionStatus]
	CanEdit   bool
	CanVerify bool
	Step      ContributionStepForm
	Use       models.ContributionUse // what it has funded
}

func contributionHref(id int64) templ.SafeURL {
	return templ.SafeURL("/contributions/" + strconv.FormatInt(id, 10))
}

// contributionAmount writes the amount with its currency.
func contributionAmount(ctx context.Context, c models.Contribution) string {
	return formatMoney(ctx, c.Amount, c.Currency)
}

// contributionUSD writes the US-dollar equivalent, or says the rate is
// missing.
func contributionUSD(ctx context.Context, r ContributionRow) string { return usdOrMissing(ctx, r.USD) }

// usdOrMissing writes an equivalent in US dollars, or says the month has
// no rate.
func usdOrMissing(ctx context.Context, usd *decimal.Decimal) string {
	if usd == nil {
		return t(ctx, "contribution.rate_missing")
	}
	return formatMoney(ctx, *usd, "USD")
}

// figureText writes a US-dollar total and, when contributions were left
// out for want of a rate, how many.
func figureText(ctx context.Context, f models.USDFigure) string {
	s := formatMoney(ctx, f.USD, "USD")
	if f.MissingCount > 0 {
		s += " " + tn(ctx, "contribution.left_out", f.MissingCount)
	}
	return s
}

// ContributionColumns are the list's columns; the exports use them with
// the codes and exact figures a spreadsheet wants.
func ContributionColumns() []Column[ContributionRow] {
	return []Column[ContributionRow]{
		{Header: "contribution.col_title", RowHeader: true,
			Text: func(_ context.Context, r ContributionRow) string { return r.Title },
			Cell: func(_ context.Context, r ContributionRow) templ.Component {
				return contributionLink(r.ID, r.Title, r.Language)
			}},
		{Header: "contribution.col_donor", Text: func(ctx context.Context, r ContributionRow) string { return r.Donor.LocalName(lang(ctx)) }},
		{Header: "contribution.col_kind", Text: func(ctx context.Context, r ContributionRow) string {
			return t(ctx, "contribution_kind."+string(r.Kind))
		}},
		{Header: "contribution.col_amount", Text: func(ctx context.Context, r ContributionRow) string { return contributionAmount(ctx, r.Contribution) }},
		{Header: "contribution.col_usd", Text: contributionUSD},
		{Header: "contribution.col_status", Text: func(ctx context.Context, r ContributionRow) string {
			return t(ctx, "contribution_status."+string(r.Status))
		},
			Cell: func(_ context.Context, r ContributionRow) templ.Component { return contributionStatusBadge(r.Status) }},
		{Header: "contribution.col_value_date", Text: func(ctx context.Context, r ContributionRow) string { return formatDate(ctx, r.ValueDate) }},
		{Header: "contribution.col_verified", Text: func(ctx context.Context, r ContributionRow) string { return yesNo(ctx, r.Verified) }},
	}
}

// ContributionExportColumns are the export's columns.
func ContributionExportColumns() []Column[ContributionRow] {
	cols := []Column[ContributionRow]{
		{Header: "contribution.col_id", Text: func(_ context.Context, r ContributionRow) string { return strconv.FormatInt(r.ID, 10) }},
		{Header: "contribution.col_donor_code", Text: func(_ context.Context, r ContributionRow) string { return r.Donor.Slug }},
	}
	for _, c := range ContributionColumns() {
		if c.Header == "contribution.col_amount" || c.Header == "contribution.col_usd" {
			continue
		}
		c.Cell = nil
		cols = append(cols, c)
	}
	return append(cols,
		Column[ContributionRow]{Header: "contribution.col_amount_exact", Text: func(_ context.Context, r ContributionRow) string { return r.Amount.StringFixedBank(2) }},
		Column[ContributionRow]{Header: "contribution.col_currency", Text: func(_ context.Context, r ContributionRow) string { return r.Currency }},
		Column[ContributionRow]{Header: "contribution.col_usd_exact", Text: func(_ context.Context, r ContributionRow) string {
			if r.USD == nil {
				return ""
			}
			return r.USD.StringFixedBank(2)
		}},
		Column[ContributionRow]{Header: "contribution.col_earmark", Text: func(ctx context.Context, r ContributionRow) string { return t(ctx, "earmark."+r.Earmark) }},
		Column[ContributionRow]{Header: "contribution.col_public", Text: func(ctx context.Context, r ContributionRow) string { return yesNo(ctx, r.Public) }},
	)
}

func contributionFormTitle(ctx context.Context, f ContributionForm) string {
	if f.ID != 0 {
		return t(ctx, "contribution.edit")
	}
	return t(ctx, "contribution.new")
}

func contributionFormAction(f ContributionForm) string {
	if f.ID != 0 {
		return string(contributionHref(f.ID)) + "/edit"
	}
	return "/contributions"
}

// scheduleRows is the instalment rows the form offers: those typed, and
// two empty ones to add more (at least three).
func scheduleRows(in models.ContributionInput) []struct{} {
	n := len(in.InstalmentYear) + 2
	if n < 3 {
		n = 3
	}
	return make([]struct{}, n)
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// contributionConflictRows sets the saved version beside the person's.
func contributionConflictRows(ctx context.Context, theirs, yours models.ContributionInput) []conflictRow {
	row := func(id, a, b string) conflictRow { return newConflictRow(t(ctx, id), a, b) }
	return []conflictRow{
		row("contribution.col_title", theirs.Title, yours.Title),
		row("needs.description", theirs.Description, yours.Description),
		row("contribution.col_amount", theirs.Amount+" "+theirs.Currency, yours.Amount+" "+yours.Currency),
		row("contribution.col_value_date", theirs.ValueDate, yours.ValueDate),
		row("contribution.col_earmark", theirs.Earmark, yours.Earmark),
		row("contribution.valuation", theirs.Valuation, yours.Valuation),
	}
}

func donorChoices(ctx context.Context, ds []models.DonorOrganization, empty string) []Option {
	opts := []Option{{Value: "", Label: empty}}
	for _, d := range ds {
		opts = append(opts, Option{Value: d.Slug, Label: d.LocalName(lang(ctx))})
	}
	return opts
}
