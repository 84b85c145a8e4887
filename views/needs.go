package views

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/shopspring/decimal"

	"ctap/models"
)

// NeedRow is a need with its State, as lists and exports show it.
type NeedRow struct {
	Need  models.Need
	State models.MemberState
}

// NeedFilterForm is the list's filter as the person set it.
type NeedFilterForm struct {
	State, Paragraph, Theme, Status, Priority, Visibility, Query, Sort string
	Funding                                                            string // "gap": not fully funded
	Group                                                              string // a regional group (the report's links)
}

// Query_ is the filter as a query string, for pagination and export links.
func (f NeedFilterForm) Query_() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"state": f.State, "paragraph": f.Paragraph, "theme": f.Theme, "status": f.Status,
		"priority": f.Priority, "visibility": f.Visibility, "q": f.Query, "sort": f.Sort, "funding": f.Funding, "group": f.Group} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// Active tells whether any filter is set.
func (f NeedFilterForm) Active() bool {
	return len(f.Query_()) > 0 && !(len(f.Query_()) == 1 && f.Sort != "")
}

// NeedsData is the list of needs.
type NeedsData struct {
	Rows        []NeedRow
	Total       int64
	Filter      NeedFilterForm
	States      []models.MemberState
	Paragraphs  []models.OperativeRef
	Nav         PageNav
	ExportQuery string
	CanCreate   bool
	WithFunding bool // the rows carry their funding: show it
}

// NeedForm is the need form as submitted: the input, and the version the
// person edited.
type NeedForm struct {
	models.NeedInput
	ID      int64 `form:"-"`
	Version int   `form:"version"`
	Errors  []FieldError
}

// NeedFormData is the new or edit page.
type NeedFormData struct {
	Form       NeedForm
	States     []models.MemberState
	Paragraphs []models.OperativeRef
	Currencies []models.Currency
	Current    *NeedRow // set on a stale save: the version saved meanwhile
}

// TransitionForm is one workflow step as submitted.
type TransitionForm struct {
	To      string `form:"to" validate:"required,max=40"`
	Note    string `form:"note" validate:"max=2000"`
	Version int    `form:"version"`
	// Activities are the activities cited when a need is marked met.
	Activities []string `form:"activities" validate:"max=100,dive,number,max=19"`
	Errors     []FieldError
	Stale      bool
}

// Cited reads the activities cited as numbers (the validation library
// checked their shape).
func (f TransitionForm) Cited() []int64 {
	var out []int64
	for _, a := range f.Activities {
		if id, err := strconv.ParseInt(a, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// Cites tells whether the form cites activity id.
func (f TransitionForm) Cites(id int64) bool { return slices.Contains(f.Cited(), id) }

// NeedPageData is one need's page.
type NeedPageData struct {
	Need        models.Need
	State       models.MemberState
	History     []models.NeedEvent
	Transitions []models.Transition[models.NeedStatus]
	CanEdit     bool
	Transition  TransitionForm
	Funding     models.NeedFunding
	CanPledge   bool // the person may record a contribution against the need
	Activities  []models.NeedActivity
}

// offersMet tells whether one of the steps offered marks the need met.
func (d NeedPageData) offersMet() bool {
	for _, tr := range d.Transitions {
		if tr.To == models.NeedMet {
			return true
		}
	}
	return false
}

// deliveredActivities are the activities a need may be marked met by.
func (d NeedPageData) deliveredActivities() []models.NeedActivity {
	var out []models.NeedActivity
	for _, a := range d.Activities {
		if a.Status == models.ActivityDelivered {
			out = append(out, a)
		}
	}
	return out
}

func needHref(id int64) templ.SafeURL { return templ.SafeURL("/needs/" + strconv.FormatInt(id, 10)) }

// paragraphList writes "2, 5, 13".
func paragraphList(ps []int32) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = strconv.Itoa(int(p))
	}
	return strings.Join(parts, ", ")
}

// needCost writes the estimated cost with its currency, "" when none.
func needCost(ctx context.Context, n models.Need) string {
	if !n.EstimatedCost.Valid || n.CostCurrency == nil {
		return ""
	}
	return formatMoney(ctx, n.EstimatedCost.Decimal, *n.CostCurrency)
}

// NeedColumns are the list's columns; the exports use the same ones with
// the details a spreadsheet wants.
func NeedColumns(withFunding bool) []Column[NeedRow] {
	cols := []Column[NeedRow]{
		{Header: "needs.col_title", RowHeader: true,
			Text: func(_ context.Context, r NeedRow) string { return r.Need.Title },
			Cell: func(_ context.Context, r NeedRow) templ.Component { return needLink(r.Need) }},
		{Header: "needs.col_state", Text: func(ctx context.Context, r NeedRow) string { return r.State.LocalName(lang(ctx)) }},
		{Header: "needs.col_paragraphs", Text: func(_ context.Context, r NeedRow) string { return paragraphList(r.Need.Paragraphs) }},
		{Header: "needs.col_theme", Text: func(ctx context.Context, r NeedRow) string { return t(ctx, "theme."+r.Need.Theme) }},
		{Header: "needs.col_priority", Text: func(ctx context.Context, r NeedRow) string { return t(ctx, "priority."+r.Need.Priority) }},
		{Header: "needs.col_status", Text: func(ctx context.Context, r NeedRow) string { return t(ctx, "need_status."+string(r.Need.Status)) },
			Cell: func(ctx context.Context, r NeedRow) templ.Component { return needStatusBadge(r.Need.Status) }},
		{Header: "needs.col_cost", Text: func(ctx context.Context, r NeedRow) string { return needCost(ctx, r.Need) }},
		{Header: "needs.col_updated", Text: func(ctx context.Context, r NeedRow) string { return formatDate(ctx, r.Need.UpdatedAt) }},
	}
	if withFunding {
		cols = append(cols,
			Column[NeedRow]{Header: "needs.col_funded_usd", Text: func(ctx context.Context, r NeedRow) string {
				return formatUSD(ctx, r.Need.Funding.FundedUSD.Decimal)
			}},
			Column[NeedRow]{Header: "needs.col_gap_usd", Text: func(ctx context.Context, r NeedRow) string {
				if !r.Need.Funding.GapUSD.Valid {
					return t(ctx, "needs.gap_unknown")
				}
				return formatUSD(ctx, r.Need.Funding.GapUSD.Decimal)
			}},
		)
	}
	return cols
}

// NeedExportColumns are the export's columns: the list's, plus the codes
// and exact figures a spreadsheet works with.
func NeedExportColumns(withFunding bool) []Column[NeedRow] {
	cols := []Column[NeedRow]{
		{Header: "needs.col_id", Text: func(_ context.Context, r NeedRow) string { return strconv.FormatInt(r.Need.ID, 10) }},
		{Header: "needs.col_iso3", Text: func(_ context.Context, r NeedRow) string { return r.State.ISO3 }},
	}
	for _, c := range NeedColumns(false) {
		if c.Header == "needs.col_cost" {
			continue
		}
		c.Cell = nil
		cols = append(cols, c)
	}
	cols = append(cols,
		Column[NeedRow]{Header: "needs.col_modality", Text: func(ctx context.Context, r NeedRow) string { return t(ctx, "modality."+r.Need.Modality) }},
		Column[NeedRow]{Header: "needs.col_amount", Text: func(_ context.Context, r NeedRow) string {
			if !r.Need.EstimatedCost.Valid {
				return ""
			}
			return r.Need.EstimatedCost.Decimal.StringFixedBank(2)
		}},
		Column[NeedRow]{Header: "needs.col_currency", Text: func(_ context.Context, r NeedRow) string {
			if r.Need.CostCurrency == nil {
				return ""
			}
			return *r.Need.CostCurrency
		}},
		Column[NeedRow]{Header: "needs.col_target_start", Text: func(_ context.Context, r NeedRow) string { return isoDatePtr(r.Need.TargetStart) }},
		Column[NeedRow]{Header: "needs.col_target_end", Text: func(_ context.Context, r NeedRow) string { return isoDatePtr(r.Need.TargetEnd) }},
		Column[NeedRow]{Header: "needs.col_visibility", Text: func(ctx context.Context, r NeedRow) string { return t(ctx, "visibility."+string(r.Need.Visibility)) }},
	)
	if withFunding {
		cols = append(cols,
			Column[NeedRow]{Header: "needs.col_cost_usd", Text: func(_ context.Context, r NeedRow) string { return nullFixed(r.Need.Funding.CostUSD) }},
			Column[NeedRow]{Header: "needs.col_funded_usd", Text: func(_ context.Context, r NeedRow) string { return nullFixed(r.Need.Funding.FundedUSD) }},
			Column[NeedRow]{Header: "needs.col_gap_usd", Text: func(_ context.Context, r NeedRow) string { return nullFixed(r.Need.Funding.GapUSD) }},
		)
	}
	return cols
}

// nullFixed writes an exact figure to the cent for a spreadsheet, "" when
// unknown.
func nullFixed(d decimal.NullDecimal) string {
	if !d.Valid {
		return ""
	}
	return d.Decimal.StringFixedBank(2)
}

func paragraphOptions(ctx context.Context, ps []models.OperativeRef, empty string) []Option {
	opts := []Option{}
	if empty != "" {
		opts = append(opts, Option{Value: "", Label: empty})
	}
	for _, p := range ps {
		opts = append(opts, Option{Value: strconv.Itoa(p.Number), Label: tf(ctx, "needs.paragraph_option", "N", p.Number, "Theme", t(ctx, "theme."+p.Theme))})
	}
	return opts
}

// enumOptions offers the values of an enumeration, each labelled by its
// message (prefix + value).
func enumOptions[S ~string](ctx context.Context, prefix string, values []S, empty string) []Option {
	opts := []Option{}
	if empty != "" {
		opts = append(opts, Option{Value: "", Label: empty})
	}
	for _, v := range values {
		opts = append(opts, Option{Value: string(v), Label: t(ctx, prefix+string(v))})
	}
	return opts
}

func currencyOptions(ctx context.Context, list []models.Currency) []Option {
	opts := []Option{{Value: "", Label: t(ctx, "needs.no_currency")}}
	for _, c := range list {
		opts = append(opts, Option{Value: c.Code, Label: c.Code + " — " + c.Name})
	}
	return opts
}

func isoDatePtr(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format("2006-01-02")
}

func selected(values []string, v string) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}

func exportQuery(q, format string) string {
	if q == "" {
		return "format=" + format
	}
	return q + "&format=" + format
}

func derefStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// changedList names the fields an edit changed, in the page's language.
func changedList(ctx context.Context, fields []string) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = t(ctx, "need_field."+f)
	}
	return strings.Join(names, ", ")
}

func needFormTitle(ctx context.Context, f NeedForm) string {
	if f.ID != 0 {
		return t(ctx, "needs.edit_title")
	}
	return t(ctx, "needs.new_title")
}

func needFormAction(f NeedForm) string {
	if f.ID != 0 {
		return "/needs/" + strconv.FormatInt(f.ID, 10) + "/edit"
	}
	return "/needs"
}

func needFormCrumbs(ctx context.Context, f NeedForm) []Crumb {
	crumbs := []Crumb{{Label: t(ctx, "needs.title"), Href: "/needs"}}
	if f.ID != 0 {
		crumbs = append(crumbs, Crumb{Label: f.Title, Href: string(needHref(f.ID))})
	}
	return append(crumbs, Crumb{Label: needFormTitle(ctx, f)})
}

// conflictRow is one field of the stale-save comparison.
type conflictRow struct {
	Label, Theirs, Yours string
	Differs              bool
}

func newConflictRow(label, theirs, yours string) conflictRow {
	return conflictRow{Label: label, Theirs: theirs, Yours: yours, Differs: strings.TrimSpace(theirs) != strings.TrimSpace(yours)}
}

// needConflictRows sets the saved version beside the person's, field by
// field, so they can carry over what they typed.
func needConflictRows(ctx context.Context, states []models.MemberState, theirs, yours models.NeedInput) []conflictRow {
	stateName := func(iso3 string) string {
		for _, s := range states {
			if s.ISO3 == iso3 {
				return s.LocalName(lang(ctx))
			}
		}
		return iso3
	}
	row := func(id, a, b string) conflictRow { return newConflictRow(t(ctx, id), a, b) }
	enum := func(prefix, v string) string {
		if v == "" {
			return ""
		}
		return t(ctx, prefix+v)
	}
	cost := func(in models.NeedInput) string { return strings.TrimSpace(in.Cost + " " + in.Currency) }
	dates := func(in models.NeedInput) string { return strings.TrimSpace(in.TargetStart + " – " + in.TargetEnd) }
	return []conflictRow{
		row("needs.col_state", stateName(theirs.State), stateName(yours.State)),
		row("needs.col_title", theirs.Title, yours.Title),
		row("needs.description", theirs.Description, yours.Description),
		row("needs.col_paragraphs", strings.Join(theirs.Paragraphs, ", "), strings.Join(yours.Paragraphs, ", ")),
		row("needs.col_theme", enum("theme.", theirs.Theme), enum("theme.", yours.Theme)),
		row("needs.col_priority", enum("priority.", theirs.Priority), enum("priority.", yours.Priority)),
		row("needs.col_modality", enum("modality.", theirs.Modality), enum("modality.", yours.Modality)),
		row("needs.beneficiaries", theirs.BeneficiaryInstitutions, yours.BeneficiaryInstitutions),
		row("needs.col_cost", cost(theirs), cost(yours)),
		row("needs.target", dates(theirs), dates(yours)),
		row("needs.col_visibility", enum("visibility.", theirs.Visibility), enum("visibility.", yours.Visibility)),
	}
}
