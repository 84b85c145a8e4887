package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/shopspring/decimal"

	"ctap/models"
	"ctap/views/charts"
)

// ActivityFilterForm is the list's filter as the person set it.
type ActivityFilterForm struct {
	State, Group, Kind, Paragraph, Partner, Year, Status, Donor string
}

// Query_ is the filter as a query string, for pagination and export links.
func (f ActivityFilterForm) Query_() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"state": f.State, "group": f.Group, "kind": f.Kind, "paragraph": f.Paragraph,
		"partner": f.Partner, "year": f.Year, "status": f.Status, "donor": f.Donor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// Active tells whether any filter is set.
func (f ActivityFilterForm) Active() bool { return len(f.Query_()) > 0 }

// ImportPageData is an import page: the CSV pasted (kept when refused),
// the field problems and each problem of the file, translated.
type ImportPageData struct {
	CSV      string
	Errors   []FieldError
	Problems []string
}

// ActivityRow is an activity as lists and exports show it, with the names
// of the States it served.
type ActivityRow struct {
	models.ActivityRow
	States []models.MemberState
}

// ActivitiesData is the list of activities.
type ActivitiesData struct {
	Rows        []ActivityRow
	Summary     models.ActivitySummary
	Filter      ActivityFilterForm
	States      []models.MemberState
	Paragraphs  []models.OperativeRef
	Partners    []models.PartnerOrganization
	Donors      []models.DonorOrganization
	Nav         PageNav
	ExportQuery string
	CanCreate   bool
}

// ActivityForm is the activity form as submitted.
type ActivityForm struct {
	models.ActivityInput
	ID      int64 `form:"-"`
	Version int   `form:"version"`
	Errors  []FieldError
}

// ActivityFormData is the new or edit page.
type ActivityFormData struct {
	Form       ActivityForm
	States     []models.MemberState
	Paragraphs []models.OperativeRef
	Partners   []models.PartnerOrganization
	Stale      bool // the activity was saved meanwhile: the person's version is shown
}

// ActivityStepForm is one workflow step as submitted.
type ActivityStepForm struct {
	To      string `form:"to" validate:"required,max=40"`
	On      string `form:"on" validate:"required,datetime=2006-01-02"`
	Note    string `form:"note" validate:"max=2000"`
	Version int    `form:"version"`
	Errors  []FieldError
	Stale   bool
}

// ActivityResultsForm is the results form as submitted.
type ActivityResultsForm struct {
	models.ActivityResultsInput
	Version int `form:"version"`
	Errors  []FieldError
}

// FeedbackForm is a State's confirmation as submitted.
type FeedbackForm struct {
	models.FeedbackInput
	State  string `form:"state" validate:"required,len=3"`
	Errors []FieldError
}

// ActivityPageData is one activity's page.
type ActivityPageData struct {
	Page        models.ActivityPage
	States      []models.MemberState // of Page.States, in the same order
	Place       *models.MemberState
	Steps       []models.Transition[models.ActivityStatus]
	Step        ActivityStepForm
	CanEdit     bool
	CanResults  bool
	Confirmable *models.MemberState // the State whose participation the person may confirm
	Feedback    FeedbackForm
	// CanLinkOutcome: the person links outcomes (the Secretariat, once
	// delivered), choosing among Candidates, what the States recorded since.
	CanLinkOutcome bool
	Candidates     []models.OutcomeCandidate
	Outcome        OutcomeForm
}

// OutcomeForm is an outcome as linked.
type OutcomeForm struct {
	models.OutcomeInput
	Errors []FieldError
}

// stateOf finds a State among the page's.
func (d ActivityPageData) stateOf(id int) models.MemberState {
	for _, s := range d.States {
		if s.ID == id {
			return s
		}
	}
	return models.MemberState{}
}

// outcomeText describes an outcome.
func outcomeText(ctx context.Context, d ActivityPageData, o models.ActivityOutcome) string {
	s := d.stateOf(o.MemberStateID)
	if o.Kind == "treaty" {
		return tf(ctx, "activity.outcome_treaty", "State", s.LocalName(lang(ctx)), "Instrument", o.Instrument,
			"Action", t(ctx, "treaty.kind."+o.Action), "Date", briefDate(ctx, o.Date))
	}
	return tf(ctx, "activity.outcome_progress", "State", s.LocalName(lang(ctx)), "N", o.Paragraph, "Period", o.Period.In(lang(ctx)))
}

// outcomeHref is where an outcome is recorded.
func outcomeHref(d ActivityPageData, o models.ActivityOutcome) templ.SafeURL {
	s := d.stateOf(o.MemberStateID)
	if o.Kind == "treaty" {
		return templ.SafeURL("/states/" + s.ISO3 + "/treaties")
	}
	return templ.SafeURL("/states/" + s.ISO3 + "/progress")
}

// candidateOptions are the outcomes the Secretariat may link.
func candidateOptions(ctx context.Context, d ActivityPageData) []Option {
	opts := []Option{{Value: "", Label: t(ctx, "needs.choose")}}
	for _, c := range d.Candidates {
		opts = append(opts, Option{Value: c.Ref, Label: d.stateOf(c.MemberStateID).LocalName(lang(ctx)) + ": " + c.Label + " (" + formatDate(ctx, c.Date) + ")"})
	}
	return opts
}

// ActivityResultsData is the results page.
type ActivityResultsData struct {
	Activity models.Activity
	Form     ActivityResultsForm
}

func activityHref(id int64) templ.SafeURL {
	return templ.SafeURL("/activities/" + strconv.FormatInt(id, 10))
}

// activityPlace writes where an activity took place.
func activityPlace(ctx context.Context, a models.Activity, place *models.MemberState) string {
	var parts []string
	if a.City != "" {
		parts = append(parts, a.City)
	}
	if place != nil {
		parts = append(parts, place.LocalName(lang(ctx)))
	}
	if a.Online {
		parts = append(parts, t(ctx, "activity.online"))
	}
	return strings.Join(parts, ", ")
}

// activityDates writes the dates as a span.
func activityDates(ctx context.Context, a models.Activity) string {
	if a.StartDate.Equal(a.EndDate) {
		return formatDate(ctx, a.StartDate)
	}
	return tf(ctx, "activity.dates", "Start", formatDate(ctx, a.StartDate), "End", formatDate(ctx, a.EndDate))
}

// stateNames writes the States' names.
func stateNames(ctx context.Context, states []models.MemberState) string {
	names := make([]string, len(states))
	for i, s := range states {
		names[i] = s.LocalName(lang(ctx))
	}
	return strings.Join(names, ", ")
}

func partnerOptions(ctx context.Context, ps []models.PartnerOrganization, empty string) []Option {
	opts := []Option{{Value: "", Label: empty}}
	for _, p := range ps {
		opts = append(opts, Option{Value: p.Slug, Label: p.Name.In(lang(ctx))})
	}
	return opts
}

// ActivityColumns are the list's columns; the exports use them with the
// codes and figures a spreadsheet wants.
func ActivityColumns() []Column[ActivityRow] {
	return []Column[ActivityRow]{
		{Header: "activity.col_title", RowHeader: true,
			Text: func(_ context.Context, r ActivityRow) string { return r.Title },
			Cell: func(_ context.Context, r ActivityRow) templ.Component { return activityLink(r.Activity) }},
		{Header: "activity.col_kind", Text: func(ctx context.Context, r ActivityRow) string { return t(ctx, "activity_kind."+string(r.Kind)) }},
		{Header: "activity.col_dates", Text: func(ctx context.Context, r ActivityRow) string { return activityDates(ctx, r.Activity) }},
		{Header: "activity.col_states", Text: func(ctx context.Context, r ActivityRow) string { return stateNames(ctx, r.States) }},
		{Header: "activity.col_paragraphs", Text: func(_ context.Context, r ActivityRow) string { return paragraphList(r.Paragraphs) }},
		{Header: "activity.col_status", Text: func(ctx context.Context, r ActivityRow) string { return t(ctx, "activity_status."+string(r.Status)) },
			Cell: func(_ context.Context, r ActivityRow) templ.Component { return activityStatusBadge(r.Status) }},
		{Header: "activity.col_participants", Text: func(ctx context.Context, r ActivityRow) string {
			if r.Status != models.ActivityDelivered {
				return ""
			}
			return strconv.Itoa(r.Participants.Total())
		}},
	}
}

// ActivityExportColumns are the export's columns: the list's, with codes
// and the participants by sex and profession.
func ActivityExportColumns() []Column[ActivityRow] {
	cols := []Column[ActivityRow]{
		{Header: "activity.col_id", Text: func(_ context.Context, r ActivityRow) string { return strconv.FormatInt(r.ID, 10) }},
	}
	for _, c := range ActivityColumns() {
		c.Cell = nil
		cols = append(cols, c)
	}
	cols = append(cols,
		Column[ActivityRow]{Header: "activity.col_state_codes", Text: func(_ context.Context, r ActivityRow) string { return r.StateCodes }},
		Column[ActivityRow]{Header: "activity.col_start", Text: func(_ context.Context, r ActivityRow) string { return isoDate(r.StartDate) }},
		Column[ActivityRow]{Header: "activity.col_end", Text: func(_ context.Context, r ActivityRow) string { return isoDate(r.EndDate) }},
		Column[ActivityRow]{Header: "activity.women", Text: func(_ context.Context, r ActivityRow) string { return strconv.Itoa(r.Women) }},
		Column[ActivityRow]{Header: "activity.men", Text: func(_ context.Context, r ActivityRow) string { return strconv.Itoa(r.Men) }},
		Column[ActivityRow]{Header: "activity.sex_not_stated", Text: func(_ context.Context, r ActivityRow) string { return strconv.Itoa(r.SexNotStated) }},
	)
	for i, name := range models.Professions {
		i := i
		cols = append(cols, Column[ActivityRow]{Header: "profession." + name, Text: func(_ context.Context, r ActivityRow) string {
			return strconv.Itoa(r.Participants.ByProfession()[i])
		}})
	}
	return cols
}

// professionCounts pairs each profession with its count, for the results.
func professionCounts(p models.Participants) []struct {
	Name  string
	Count int
} {
	counts := p.ByProfession()
	out := make([]struct {
		Name  string
		Count int
	}, len(models.Professions))
	for i, name := range models.Professions {
		out[i].Name, out[i].Count = name, counts[i]
	}
	return out
}

// selectedState tells whether the form chose the State iso3.
func selectedState(states []string, iso3 string) bool {
	for _, s := range states {
		if strings.EqualFold(s, iso3) {
			return true
		}
	}
	return false
}

// partnerChoices are the partners as checkboxes offer them.
func partnerChoices(ctx context.Context, ps []models.PartnerOrganization) []Option {
	return partnerOptions(ctx, ps, "")[1:]
}

func activityFormTitle(ctx context.Context, f ActivityForm) string {
	if f.ID != 0 {
		return t(ctx, "activity.edit_title")
	}
	return t(ctx, "activity.new")
}

func activityFormAction(f ActivityForm) string {
	if f.ID != 0 {
		return "/activities/" + strconv.FormatInt(f.ID, 10) + "/edit"
	}
	return "/activities"
}

// fundingRows are the funding rows the form shows: those typed, and two
// empty ones to add more.
func fundingRows(in models.ActivityInput) []struct{} {
	return make([]struct{}, max(len(in.FundingContribution), len(in.FundingAmount))+2)
}

// documentRows are the document rows the results form shows: those typed,
// and two empty ones.
func documentRows(in models.ActivityResultsInput) []struct{} {
	return make([]struct{}, len(in.DocumentTitle)+2)
}

// resultValue is the typed count of a profession.
func resultValue(in models.ActivityResultsInput, name string) string {
	switch name {
	case "prosecutors":
		return in.Prosecutors
	case "judges":
		return in.Judges
	case "police":
		return in.Police
	case "legislators":
		return in.Legislators
	case "central_authority":
		return in.CentralAuthority
	case "financial_intelligence":
		return in.FinancialIntelligence
	}
	return in.OtherProfession
}

func ratingOptions(ctx context.Context) []Option {
	opts := []Option{{Value: "", Label: t(ctx, "activity.no_rating")}}
	for n := 5; n >= 1; n-- {
		opts = append(opts, Option{Value: strconv.Itoa(n), Label: tf(ctx, "activity.rating_of", "N", n)})
	}
	return opts
}

func themeList(ctx context.Context, themes []string) string {
	names := make([]string, len(themes))
	for i, th := range themes {
		names[i] = t(ctx, "theme."+th)
	}
	return strings.Join(names, ", ")
}

func partnerNames(ctx context.Context, ps []models.ActivityPartner) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name.In(lang(ctx))
	}
	return strings.Join(names, ", ")
}

// activitiesMap is the map of the States the activities summed reached,
// each linking to the list of activities filtered by q and the State.
func activitiesMap(ctx context.Context, id string, sum models.ActivitySummary, states []models.MemberState, q url.Values) charts.WorldMap {
	byID := make(map[int]models.MemberState, len(states))
	for _, s := range states {
		byID[s.ID] = s
	}
	m := charts.WorldMap{
		ID: id, Title: t(ctx, "activity.map_title"), Desc: t(ctx, "activity.map_desc"),
		Caption: t(ctx, "activity.map_caption"), NameHeader: t(ctx, "states.col_name"), ValueHeader: t(ctx, "activity.figure_activities"),
		Legend: charts.MapLegend{Title: t(ctx, "activity.map_legend"), None: t(ctx, "activity.map_none")},
		Format: func(n int) string { return formatDecimal(ctx, decimal.NewFromInt(int64(n)), 0) },
	}
	if q == nil {
		q = url.Values{}
	}
	for _, sc := range sum.ByState {
		s, ok := byID[sc.MemberStateID]
		if !ok {
			continue
		}
		q.Set("state", s.ISO3)
		m.Entries = append(m.Entries, charts.MapEntry{Code: s.M49, ISO3: s.ISO3, Name: s.LocalName(lang(ctx)),
			Href: "/activities?" + q.Encode(), Value: sc.Count})
	}
	return m
}

// timelineQuarters is how many quarters the timeline shows: the latest
// ones the listed activities began in.
const timelineQuarters = 12

// activitiesTimeline is the activities by quarter they began in, stacked
// by family of kind, the latest twelve quarters, with its table.
func activitiesTimeline(ctx context.Context, id string, sum models.ActivitySummary) charts.StackedChart {
	families := models.ActivityFamilies()
	fills := []charts.Fill{charts.Solid, charts.Striped, charts.Dotted}
	c := charts.StackedChart{
		ID: id, Title: t(ctx, "activity.timeline_title"), Desc: t(ctx, "activity.timeline_desc"),
		Table: charts.Table{Caption: t(ctx, "activity.timeline_caption"), Headers: []string{t(ctx, "activity.quarter")}},
	}
	for i, f := range families {
		c.Series = append(c.Series, charts.Series{Label: t(ctx, "activity_family."+f), Fill: fills[i]})
		c.Table.Headers = append(c.Table.Headers, t(ctx, "activity_family."+f))
	}
	c.Table.Headers = append(c.Table.Headers, t(ctx, "activity.figure_activities"))
	type quarter struct{ year, q int }
	var order []quarter
	counts := map[quarter][]int{}
	for _, qc := range sum.ByQuarter {
		k := quarter{qc.Year, qc.Quarter}
		if _, ok := counts[k]; !ok {
			order = append(order, k)
			counts[k] = make([]int, len(families))
		}
		for i, f := range families {
			if f == qc.Family {
				counts[k][i] += qc.Count
			}
		}
	}
	if len(order) > timelineQuarters {
		order = order[len(order)-timelineQuarters:]
	}
	for _, k := range order {
		label := tf(ctx, "activity.quarter_label", "Year", k.year, "Q", k.q)
		bar := charts.StackedBar{Label: label}
		row := charts.Row{Header: label}
		total := 0
		for _, n := range counts[k] {
			bar.Values = append(bar.Values, float64(n))
			row.Cells = append(row.Cells, charts.Cell{Text: strconv.Itoa(n), Num: true})
			total += n
		}
		bar.Display = strconv.Itoa(total)
		row.Cells = append(row.Cells, charts.Cell{Text: strconv.Itoa(total), Num: true})
		c.Bars = append(c.Bars, bar)
		c.Table.Rows = append(c.Table.Rows, row)
	}
	return c
}

// briefDate writes a YYYY-MM-DD date as the page writes dates.
func briefDate(ctx context.Context, iso string) string {
	d, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return formatDate(ctx, d)
}
