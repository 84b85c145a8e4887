package handlers

import (
	"context"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"ctap/models"
)

// The API's records: needs, contributions, activities and progress. Each
// list filters like its page, reads through its visibility scope
// (models.NeedsVisibleTo, ContributionsVisibleTo, ActivitiesVisibleTo,
// ProgressVisibleTo, by way of the list functions the pages use) and
// pages with the same keyset cursor.

type needStatusParam string

// Schema lists the needs' statuses.
func (needStatusParam) Schema(huma.Registry) *huma.Schema { return enumSchema(models.NeedStatuses()) }

type needVisibilityParam string

// Schema lists who a need may be shared with.
func (needVisibilityParam) Schema(huma.Registry) *huma.Schema {
	return enumSchema(models.NeedVisibilities())
}

type themeParam string

// Schema lists the resolution's themes.
func (themeParam) Schema(huma.Registry) *huma.Schema { return enumSchema(models.NeedThemes()) }

type priorityParam string

// Schema lists the priorities.
func (priorityParam) Schema(huma.Registry) *huma.Schema { return enumSchema(models.NeedPriorities) }

type needSortParam string

// Schema lists the needs' orders.
func (needSortParam) Schema(huma.Registry) *huma.Schema { return enumSchema(models.NeedSorts()) }

type contributionStatusParam string

// Schema lists the contributions' statuses.
func (contributionStatusParam) Schema(huma.Registry) *huma.Schema {
	return enumSchema(models.ContributionStatuses())
}

type contributionKindParam string

// Schema lists the kinds of contribution.
func (contributionKindParam) Schema(huma.Registry) *huma.Schema {
	return enumSchema([]models.ContributionKind{models.ContributionFinancial, models.ContributionInKind})
}

type contributionSortParam string

// Schema lists the contributions' orders.
func (contributionSortParam) Schema(huma.Registry) *huma.Schema {
	return enumSchema(models.ContributionSorts())
}

type activityKindParam string

// Schema lists the kinds of activity.
func (activityKindParam) Schema(huma.Registry) *huma.Schema {
	return enumSchema(models.ActivityKinds())
}

type activityStatusParam string

// Schema lists the activities' statuses.
func (activityStatusParam) Schema(huma.Registry) *huma.Schema {
	return enumSchema(models.ActivityStatuses())
}

type progressStatusParam string

// Schema lists the progress reports' statuses.
func (progressStatusParam) Schema(huma.Registry) *huma.Schema {
	return enumSchema(models.ProgressStatuses())
}

// NeedsInput filters the needs like /needs.
type NeedsInput struct {
	ListParams
	State      string              `query:"state" pattern:"^[A-Za-z]{3}$" doc:"The need's State (ISO3)."`
	Group      regionalGroupParam  `query:"group" doc:"Regional group of the need's State."`
	Paragraph  int                 `query:"paragraph" minimum:"0" maximum:"999" doc:"Operative paragraph the need serves."`
	Theme      themeParam          `query:"theme"`
	Status     needStatusParam     `query:"status"`
	Priority   priorityParam       `query:"priority"`
	Visibility needVisibilityParam `query:"visibility"`
	Q          string              `query:"q" maxLength:"100" doc:"Part of the title."`
	Funding    string              `query:"funding" enum:"gap" doc:"gap: needs shared with donors, open, not fully funded."`
	Sort       needSortParam       `query:"sort" doc:"updated (default, newest first), created, title, target or gap."`
}

// ContributionsInput filters the contributions like /contributions.
type ContributionsInput struct {
	ListParams
	Donor     string                  `query:"donor" maxLength:"100" doc:"Donor organization (slug)."`
	Recipient string                  `query:"recipient" pattern:"^[A-Za-z]{3}$" doc:"Recipient State (ISO3)."`
	Status    contributionStatusParam `query:"status"`
	Kind      contributionKindParam   `query:"kind"`
	Theme     themeParam              `query:"theme"`
	Paragraph int                     `query:"paragraph" minimum:"0" maximum:"999"`
	Year      int                     `query:"year" minimum:"0" maximum:"2100" doc:"Year of the value date."`
	Verified  string                  `query:"verified" enum:"yes,no" doc:"Verified by the Secretariat."`
	Sort      contributionSortParam   `query:"sort" doc:"value_date (default, newest first), updated or amount."`
}

// ActivitiesInput filters the activities like /activities.
type ActivitiesInput struct {
	ListParams
	State     string              `query:"state" pattern:"^[A-Za-z]{3}$" doc:"A State the activity served (ISO3)."`
	Group     regionalGroupParam  `query:"group"`
	Kind      activityKindParam   `query:"kind"`
	Paragraph int                 `query:"paragraph" minimum:"0" maximum:"999"`
	Partner   string              `query:"partner" maxLength:"100" doc:"Partner organization (slug)."`
	Year      int                 `query:"year" minimum:"0" maximum:"2100" doc:"Year of the start date."`
	Status    activityStatusParam `query:"status"`
	Donor     string              `query:"donor" maxLength:"100" doc:"Funded by a contribution of this donor (slug)."`
}

// ProgressInput selects progress reports by State and period.
type ProgressInput struct {
	ListParams
	State     string              `query:"state" pattern:"^[A-Za-z]{3}$" doc:"The reporting State (ISO3)."`
	Period    int64               `query:"period" minimum:"0" doc:"Reporting period (its id, from /periods)."`
	Paragraph int                 `query:"paragraph" minimum:"0" maximum:"999"`
	Status    progressStatusParam `query:"status"`
}

// IDInput names one record.
type IDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

// APINeed is a technical-assistance need.
type APINeed struct {
	ID            int64  `json:"id"`
	State         string `json:"state" pattern:"^[A-Z]{3}$"`
	Title         string `json:"title"`
	Description   string `json:"description,omitempty" doc:"Only on a single need."`
	Language      string `json:"language" enum:"ar,zh,en,fr,ru,es" doc:"The language the title and description are written in."`
	Paragraphs    []int  `json:"paragraphs" doc:"Operative paragraphs the need serves."`
	Theme         string `json:"theme"`
	Priority      string `json:"priority"`
	Modality      string `json:"modality"`
	EstimatedCost *Money `json:"estimated_cost,omitempty"`
	CostUSD       *Money `json:"cost_usd,omitempty" doc:"With funding=gap or sort=gap: the cost in US dollars."`
	GapUSD        *Money `json:"gap_usd,omitempty" doc:"With funding=gap or sort=gap: what is not yet funded, in US dollars."`
	TargetStart   string `json:"target_start,omitempty" format:"date"`
	TargetEnd     string `json:"target_end,omitempty" format:"date"`
	Visibility    string `json:"visibility"`
	Status        string `json:"status"`
	CreatedAt     string `json:"created_at" format:"date-time"`
	UpdatedAt     string `json:"updated_at" format:"date-time"`
	URL           string `json:"url"`
}

// APIContribution is a voluntary contribution.
type APIContribution struct {
	ID          int64  `json:"id"`
	Donor       string `json:"donor" doc:"Donor organization (slug)."`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty" doc:"Only on a single contribution."`
	Language    string `json:"language" enum:"ar,zh,en,fr,ru,es" doc:"The language the title and description are written in."`
	Amount      Money  `json:"amount" doc:"A financial amount, or an in-kind contribution's valuation."`
	USD         *Money `json:"usd,omitempty" doc:"Equivalent in US dollars at the UN operational rate of the value date's month; absent without a rate."`
	ValueDate   string `json:"value_date" format:"date"`
	Status      string `json:"status"`
	PledgedOn   string `json:"pledged_on,omitempty" format:"date"`
	CommittedOn string `json:"committed_on,omitempty" format:"date"`
	PaidOn      string `json:"paid_on,omitempty" format:"date"`
	InKindType  string `json:"in_kind_type,omitempty"`
	Theme       string `json:"theme,omitempty"`
	Paragraph   int    `json:"paragraph,omitempty"`
	Recipient   string `json:"recipient,omitempty" doc:"Recipient State (ISO3)."`
	NeedID      int64  `json:"need_id,omitempty" doc:"The need it is earmarked to, when the caller may see it."`
	Verified    bool   `json:"verified"`
	Public      bool   `json:"public"`
	UpdatedAt   string `json:"updated_at" format:"date-time"`
	URL         string `json:"url"`
}

// APIParticipants counts an activity's participants.
type APIParticipants struct {
	Total                 int `json:"total"`
	Women                 int `json:"women"`
	Men                   int `json:"men"`
	SexNotStated          int `json:"sex_not_stated"`
	Prosecutors           int `json:"prosecutors"`
	Judges                int `json:"judges"`
	Police                int `json:"police"`
	Legislators           int `json:"legislators"`
	CentralAuthority      int `json:"central_authority"`
	FinancialIntelligence int `json:"financial_intelligence"`
	OtherProfession       int `json:"other_profession"`
}

// APIDocument is a document an activity produced.
type APIDocument struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// APIOutcome is a result an activity contributed to: a treaty action or a
// progress report.
type APIOutcome struct {
	Kind       string `json:"kind" enum:"treaty,progress"`
	State      string `json:"state"`
	Instrument string `json:"instrument,omitempty"`
	Action     string `json:"action,omitempty"`
	Date       string `json:"date,omitempty"`
	Paragraph  int    `json:"paragraph,omitempty"`
	Note       string `json:"note,omitempty"`
}

// APIActivity is technical assistance the Office delivered or plans.
type APIActivity struct {
	ID           int64           `json:"id"`
	Kind         string          `json:"kind"`
	Title        string          `json:"title"`
	Description  string          `json:"description,omitempty" doc:"Only on a single activity."`
	Language     string          `json:"language" enum:"ar,zh,en,fr,ru,es" doc:"The language the title and description are written in."`
	StartDate    string          `json:"start_date" format:"date"`
	EndDate      string          `json:"end_date" format:"date"`
	Online       bool            `json:"online"`
	City         string          `json:"city,omitempty"`
	States       []string        `json:"states" doc:"States served (ISO3)."`
	Paragraphs   []int           `json:"paragraphs"`
	Themes       []string        `json:"themes"`
	Status       string          `json:"status"`
	DeliveredOn  string          `json:"delivered_on,omitempty" format:"date"`
	Participants APIParticipants `json:"participants"`
	Partners     []string        `json:"partners,omitempty" doc:"Only on a single activity: partner organizations (slugs)."`
	Needs        []int64         `json:"needs,omitempty" doc:"Only on a single activity: needs it answers that the caller may see."`
	Funding      []APIFunding    `json:"funding,omitempty" doc:"Only on a single activity: contributions that fund it that the caller may see."`
	Documents    []APIDocument   `json:"documents,omitempty" doc:"Only on a single activity."`
	Outcomes     []APIOutcome    `json:"outcomes,omitempty" doc:"Only on a single activity."`
	UpdatedAt    string          `json:"updated_at" format:"date-time"`
	URL          string          `json:"url"`
}

// APIFunding is a contribution's share of an activity.
type APIFunding struct {
	Contribution int64  `json:"contribution"`
	Donor        string `json:"donor"`
	Amount       Money  `json:"amount"`
}

// APIProgress is a State's report on one operative paragraph for one
// reporting period.
type APIProgress struct {
	ID             int64         `json:"id"`
	State          string        `json:"state"`
	Period         int64         `json:"period"`
	Paragraph      int           `json:"paragraph"`
	Implementation string        `json:"implementation"`
	Narrative      string        `json:"narrative"`
	Measures       string        `json:"measures"`
	Language       string        `json:"language" enum:"ar,zh,en,fr,ru,es" doc:"The language the narrative and measures are written in."`
	Evidence       []APIEvidence `json:"evidence"`
	Status         string        `json:"status"`
	UpdatedAt      string        `json:"updated_at" format:"date-time"`
	URL            string        `json:"url"`
}

// APIEvidence is a document or address a progress report cites.
type APIEvidence struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

const timestamp = "2006-01-02T15:04:05.999999Z07:00"

func (h *Handlers) iso3Of(ctx context.Context, id int) string {
	s, ok, err := h.Reference.MemberStateByID(ctx, id)
	if err != nil || !ok {
		return ""
	}
	return s.ISO3
}

func ints(a []int32) []int {
	out := make([]int, len(a))
	for i, v := range a {
		out[i] = int(v)
	}
	return out
}

func (h *Handlers) needOf(ctx context.Context, n models.Need) APINeed {
	out := APINeed{ID: n.ID, State: h.iso3Of(ctx, n.MemberStateID), Title: n.Title, Description: n.Description, Language: n.Language,
		Paragraphs: ints(n.Paragraphs), Theme: n.Theme, Priority: n.Priority, Modality: n.Modality,
		CostUSD: nullUSD(n.Funding.CostUSD), GapUSD: nullUSD(n.Funding.GapUSD),
		TargetStart: datePtr(n.TargetStart), TargetEnd: datePtr(n.TargetEnd),
		Visibility: string(n.Visibility), Status: string(n.Status),
		CreatedAt: n.CreatedAt.UTC().Format(timestamp), UpdatedAt: n.UpdatedAt.UTC().Format(timestamp),
		URL: h.pageLink("/needs/" + strconv.FormatInt(n.ID, 10))}
	if n.EstimatedCost.Valid && n.CostCurrency != nil {
		m := moneyOf(n.EstimatedCost.Decimal, *n.CostCurrency)
		out.EstimatedCost = &m
	}
	return out
}

func (h *Handlers) contributionOf(ctx context.Context, c models.Contribution, donor string, usd *Money) APIContribution {
	out := APIContribution{ID: c.ID, Donor: donor, Kind: string(c.Kind), Title: c.Title, Description: c.Description, Language: c.Language,
		Amount: moneyOf(c.Amount, c.Currency), USD: usd, ValueDate: dateOf(c.ValueDate), Status: string(c.Status),
		PledgedOn: datePtr(c.PledgedOn), CommittedOn: datePtr(c.CommittedOn), PaidOn: datePtr(c.PaidOn),
		Verified: c.Verified, Public: c.Public, UpdatedAt: c.UpdatedAt.UTC().Format(timestamp),
		URL: h.pageLink("/contributions/" + strconv.FormatInt(c.ID, 10))}
	if c.InKindType != nil {
		out.InKindType = *c.InKindType
	}
	if c.Theme != nil {
		out.Theme = *c.Theme
	}
	if c.ParagraphNumber != nil {
		out.Paragraph = *c.ParagraphNumber
	}
	if c.RecipientStateID != nil {
		out.Recipient = h.iso3Of(ctx, *c.RecipientStateID)
	}
	return out
}

func (h *Handlers) activityOf(a models.Activity, states []string) APIActivity {
	p := a.Participants
	if states == nil {
		states = []string{}
	}
	themes := []string(a.Themes)
	if themes == nil {
		themes = []string{}
	}
	return APIActivity{ID: a.ID, Kind: string(a.Kind), Title: a.Title, Language: a.Language, StartDate: dateOf(a.StartDate), EndDate: dateOf(a.EndDate),
		Online: a.Online, City: a.City, States: states, Paragraphs: ints(a.Paragraphs), Themes: themes,
		Status: string(a.Status), DeliveredOn: datePtr(a.DeliveredOn),
		Participants: APIParticipants{Total: p.Total(), Women: p.Women, Men: p.Men, SexNotStated: p.SexNotStated,
			Prosecutors: p.Prosecutors, Judges: p.Judges, Police: p.Police, Legislators: p.Legislators,
			CentralAuthority: p.CentralAuthority, FinancialIntelligence: p.FinancialIntelligence, OtherProfession: p.OtherProfession},
		UpdatedAt: a.UpdatedAt.UTC().Format(timestamp), URL: h.pageLink("/activities/" + strconv.FormatInt(a.ID, 10))}
}

// donorSlugs maps the donor organizations' ids to their slugs.
func donorSlugs(donors []models.DonorOrganization) map[int]string {
	out := make(map[int]string, len(donors))
	for _, d := range donors {
		out[d.ID] = d.Slug
	}
	return out
}

// donorParam checks a donor's slug in a filter, 0 when empty.
func donorParam(donors []models.DonorOrganization, slug string) (int, error) {
	if slug == "" {
		return 0, nil
	}
	for _, d := range donors {
		if d.Slug == slug {
			return d.ID, nil
		}
	}
	return 0, unknownValue("donor", slug, "no donor organization has this slug")
}

func (h *Handlers) registerRecordsAPI(api huma.API) {
	apiGet(api, "list-needs", "/needs", "Needs", "Technical-assistance needs",
		"The needs the caller may see (public ones without a token), filtered like /needs; the same rows as the page's CSV export.",
		func(ctx context.Context, in *NeedsInput) (*ListOutput[APINeed], error) {
			s, err := h.stateParam(ctx, "state", in.State)
			if err != nil {
				return nil, err
			}
			f := models.NeedFilter{MemberStateID: s.ID, Group: models.RegionalGroup(in.Group), Paragraph: in.Paragraph,
				Theme: string(in.Theme), Status: models.NeedStatus(in.Status), Priority: string(in.Priority),
				Visibility: models.NeedVisibility(in.Visibility), Query: in.Q, FundingGap: in.Funding == "gap", Sort: string(in.Sort)}
			if f.Sort == "updated" {
				f.Sort = ""
			}
			page, err := models.ListNeeds(ctx, h.DB, apiUser(ctx), f, in.request())
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			return mapPage(in.ListParams, page, func(n models.Need) APINeed {
				out := h.needOf(ctx, n)
				out.Description = "" // lists leave out the long text, like the page
				return out
			}), nil
		})
	apiGet(api, "get-need", "/needs/{id}", "Needs", "One need", "",
		func(ctx context.Context, in *IDInput) (*ItemOutput[APINeed], error) {
			np, err := models.NeedByID(ctx, h.DB, apiUser(ctx), in.ID)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			return &ItemOutput[APINeed]{Body: h.needOf(ctx, np.Need)}, nil
		})
	apiGet(api, "list-contributions", "/contributions", "Contributions", "Voluntary contributions",
		"The contributions the caller may see (public ones without a token), filtered like /contributions; the same rows as the page's CSV export.",
		func(ctx context.Context, in *ContributionsInput) (*ListOutput[APIContribution], error) {
			donors, err := models.ListDonorOrganizations(ctx, h.DB)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			f := models.ContributionFilter{Status: models.ContributionStatus(in.Status), Kind: models.ContributionKind(in.Kind),
				Theme: string(in.Theme), Paragraph: in.Paragraph, Year: in.Year}
			if f.DonorID, err = donorParam(donors, in.Donor); err != nil {
				return nil, err
			}
			s, err := h.stateParam(ctx, "recipient", in.Recipient)
			if err != nil {
				return nil, err
			}
			f.RecipientStateID = s.ID
			if in.Verified != "" {
				v := in.Verified == "yes"
				f.Verified = &v
			}
			sort := string(in.Sort)
			if sort == "value_date" {
				sort = ""
			}
			page, err := models.ListContributions(ctx, h.DB, apiUser(ctx), f, sort, in.request())
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			slugs := donorSlugs(donors)
			return mapPage(in.ListParams, page, func(r models.ContributionRow) APIContribution {
				out := h.contributionOf(ctx, r.Contribution, slugs[r.DonorOrganizationID], usdOf(r.USD))
				out.Description = ""
				return out
			}), nil
		})
	apiGet(api, "get-contribution", "/contributions/{id}", "Contributions", "One contribution", "",
		func(ctx context.Context, in *IDInput) (*ItemOutput[APIContribution], error) {
			p, err := models.ContributionByID(ctx, h.DB, apiUser(ctx), in.ID)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			out := h.contributionOf(ctx, p.Contribution, p.Donor.Slug, usdOf(p.USD))
			if p.Need == nil {
				out.NeedID = 0 // earmarked to a need the caller may not see
			} else {
				out.NeedID = p.Need.ID
			}
			return &ItemOutput[APIContribution]{Body: out}, nil
		})
	apiGet(api, "list-activities", "/activities", "Activities", "Technical assistance delivered",
		"The activities the caller may see, filtered like /activities, with their participants.",
		func(ctx context.Context, in *ActivitiesInput) (*ListOutput[APIActivity], error) {
			s, err := h.stateParam(ctx, "state", in.State)
			if err != nil {
				return nil, err
			}
			f := models.ActivityFilter{StateID: s.ID, Group: string(in.Group), Kind: models.ActivityKind(in.Kind),
				Paragraph: in.Paragraph, Year: in.Year, Status: models.ActivityStatus(in.Status)}
			if in.Partner != "" {
				p, err := models.PartnerBySlug(ctx, h.DB, in.Partner)
				if err != nil {
					return nil, unknownValue("partner", in.Partner, "no partner organization has this slug")
				}
				f.Partner = p.Slug
			}
			if in.Donor != "" {
				donors, err := models.ListDonorOrganizations(ctx, h.DB)
				if err != nil {
					return nil, h.apiFailure(ctx, err)
				}
				if f.DonorID, err = donorParam(donors, in.Donor); err != nil {
					return nil, err
				}
			}
			page, err := models.ListActivities(ctx, h.DB, apiUser(ctx), f, in.request())
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			return mapPage(in.ListParams, page, func(r models.ActivityRow) APIActivity {
				return h.activityOf(r.Activity, r.States())
			}), nil
		})
	apiGet(api, "get-activity", "/activities/{id}", "Activities", "One activity with its results", "",
		func(ctx context.Context, in *IDInput) (*ItemOutput[APIActivity], error) {
			p, err := models.ActivityByID(ctx, h.DB, apiUser(ctx), in.ID)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			var states []string
			for _, s := range p.States {
				states = append(states, h.iso3Of(ctx, s.MemberStateID))
			}
			out := h.activityOf(p.Activity, states)
			out.Description = p.Activity.Description
			for _, pa := range p.Partners {
				out.Partners = append(out.Partners, pa.Slug)
			}
			for _, n := range p.Needs {
				out.Needs = append(out.Needs, n.ID)
			}
			for _, f := range p.Funding {
				out.Funding = append(out.Funding, APIFunding{Contribution: f.ContributionID, Donor: f.DonorSlug, Amount: moneyOf(f.Amount, f.Currency)})
			}
			for _, d := range p.Documents {
				out.Documents = append(out.Documents, APIDocument(d))
			}
			for _, o := range p.Outcomes {
				out.Outcomes = append(out.Outcomes, APIOutcome{Kind: o.Kind, State: h.iso3Of(ctx, o.MemberStateID),
					Instrument: o.Instrument, Action: o.Action, Date: o.Date, Paragraph: o.Paragraph, Note: o.Note})
			}
			return &ItemOutput[APIActivity]{Body: out}, nil
		})
	apiGet(api, "list-progress", "/progress", "Progress", "Progress against each paragraph",
		"The progress reports the caller may see (a State's focal points see their State's, the Secretariat every State's; none without a token), by period, State and paragraph.",
		func(ctx context.Context, in *ProgressInput) (*ListOutput[APIProgress], error) {
			s, err := h.stateParam(ctx, "state", in.State)
			if err != nil {
				return nil, err
			}
			f := models.ProgressFilter{StateID: s.ID, PeriodID: in.Period, Paragraph: in.Paragraph, Status: models.ProgressStatus(in.Status)}
			page, err := models.ListProgress(ctx, h.DB, apiUser(ctx), f, in.request())
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			return mapPage(in.ListParams, page, func(r models.ProgressReport) APIProgress {
				iso3 := h.iso3Of(ctx, r.MemberStateID)
				out := APIProgress{ID: r.ID, State: iso3, Period: r.PeriodID, Paragraph: r.ParagraphNumber,
					Implementation: string(r.Implementation), Narrative: r.Narrative, Measures: r.Measures, Language: r.Language,
					Evidence: []APIEvidence{}, Status: string(r.Status), UpdatedAt: r.UpdatedAt.UTC().Format(timestamp),
					URL: h.pageLink("/states/" + iso3 + "/progress/" + strconv.Itoa(r.ParagraphNumber) + "?period=" + strconv.FormatInt(r.PeriodID, 10))}
				for _, e := range r.Evidence {
					out.Evidence = append(out.Evidence, APIEvidence(e))
				}
				return out
			}), nil
		})
}
