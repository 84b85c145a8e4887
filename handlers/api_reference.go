package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"ctap/models"
)

// The API's reference data: the resolution, Member States, instruments
// and treaty status, reporting periods, donors. Everyone reads them; the
// donors' totals count only the contributions the caller may see.

// APIParagraph is one paragraph of resolution 70/177.
type APIParagraph struct {
	Kind   string `json:"kind" enum:"preambular,operative"`
	Number int    `json:"number"`
	Body   string `json:"body" doc:"The paragraph as adopted, in English."`
	Theme  string `json:"theme,omitempty" doc:"An operative paragraph's theme."`
	URL    string `json:"url,omitempty" doc:"The paragraph's page (operative paragraphs)."`
}

// APIState is one Member State.
type APIState struct {
	ISO3          string `json:"iso3" pattern:"^[A-Z]{3}$"`
	ISO2          string `json:"iso2" pattern:"^[A-Z]{2}$"`
	M49           string `json:"m49" pattern:"^[0-9]{3}$"`
	Name          Names  `json:"name"`
	RegionalGroup string `json:"regional_group"`
	URL           string `json:"url"`
}

// APIInstrument is one of the international conventions and protocols.
type APIInstrument struct {
	Code             string `json:"code"`
	ShortName        string `json:"short_name"`
	Title            string `json:"title"`
	AdoptedOn        string `json:"adopted_on" format:"date"`
	AdoptedAt        string `json:"adopted_at"`
	Depositary       string `json:"depositary"`
	EntryIntoForceOn string `json:"entry_into_force_on,omitempty" format:"date"`
	OpenForSignature bool   `json:"open_for_signature"`
}

// APITreatyStatus is a State's status on every instrument, as of a day.
type APITreatyStatus struct {
	State       string            `json:"state" pattern:"^[A-Z]{3}$"`
	AsOf        string            `json:"as_of" format:"date"`
	Instruments map[string]string `json:"instruments" doc:"Instrument code to status: party, signatory or not_party."`
	Parties     int               `json:"parties" doc:"Instruments the State is a party to."`
}

// APIPeriod is one reporting period.
type APIPeriod struct {
	ID       int64  `json:"id"`
	Title    Names  `json:"title"`
	OpensOn  string `json:"opens_on" format:"date"`
	DueOn    string `json:"due_on" format:"date"`
	ClosesOn string `json:"closes_on" format:"date"`
}

// APIFigure is a total in US dollars over some contributions, with what
// could not be converted (no rate for its month) left out and listed.
type APIFigure struct {
	USD          Money   `json:"usd"`
	Count        int     `json:"count" doc:"Contributions counted."`
	NotConverted []Money `json:"not_converted" doc:"Amounts left out of the total, by currency, for want of a rate."`
}

func figureOf(f models.USDFigure) APIFigure {
	out := APIFigure{USD: moneyOf(f.USD, "USD"), Count: f.Count, NotConverted: []Money{}}
	for _, m := range f.Missing {
		out.NotConverted = append(out.NotConverted, moneyOf(m.Amount, m.Currency))
	}
	return out
}

// APIDonor is a donor organization with the totals of the contributions
// the caller may see.
type APIDonor struct {
	Slug        string    `json:"slug"`
	Name        Names     `json:"name"`
	Kind        string    `json:"kind"`
	MemberState string    `json:"member_state,omitempty" doc:"ISO3 code when the donor is a Member State."`
	Funding     APIFigure `json:"funding" doc:"Financial contributions committed or paid."`
	Paid        APIFigure `json:"paid" doc:"What was received: paid contributions and the paid instalments of committed ones."`
	Pledged     APIFigure `json:"pledged" doc:"Financial pledges not yet committed."`
	InKind      APIFigure `json:"in_kind" doc:"In-kind contributions committed or given, at their valuation."`
	URL         string    `json:"url"`
}

type regionalGroupParam string

// Schema lists the regional groups.
func (regionalGroupParam) Schema(huma.Registry) *huma.Schema {
	return enumSchema(models.RegionalGroups())
}

type donorSortParam string

// Schema lists the donors' orders.
func (donorSortParam) Schema(huma.Registry) *huma.Schema { return enumSchema(models.DonorSorts()) }

// StatesInput filters the Member States like /states.
type StatesInput struct {
	ListParams
	Group regionalGroupParam `query:"group" doc:"Regional group."`
	Q     string             `query:"q" maxLength:"100" doc:"Part of the English or French name, or an exact ISO3, ISO2 or M49 code."`
}

// ISO3Input names one State.
type ISO3Input struct {
	ISO3 string `path:"iso3" pattern:"^[A-Za-z]{3}$" doc:"ISO 3166-1 alpha-3 code."`
}

// NumberInput names one operative paragraph.
type NumberInput struct {
	Number int `path:"number" minimum:"1" maximum:"999"`
}

// SlugInput names one donor organization.
type SlugInput struct {
	Slug string `path:"slug" maxLength:"100"`
}

// TreatyStatusInput filters the treaty status like /instruments.
type TreatyStatusInput struct {
	ListParams
	Group regionalGroupParam `query:"group" doc:"Regional group."`
	State string             `query:"state" pattern:"^[A-Za-z]{3}$" doc:"One State (ISO3)."`
}

// DonorsInput orders the donors like /donors.
type DonorsInput struct {
	ListParams
	Sort donorSortParam `query:"sort" doc:"name (default) or funding (largest first)."`
}

func (h *Handlers) stateOf(s models.MemberState) APIState {
	return APIState{ISO3: s.ISO3, ISO2: s.ISO2, M49: s.M49, Name: Names{En: s.Name, Fr: s.NameFr},
		RegionalGroup: string(s.RegionalGroup), URL: h.pageLink("/states/" + s.ISO3)}
}

func instrumentOf(i models.Instrument) APIInstrument {
	return APIInstrument{Code: i.Code, ShortName: i.ShortName, Title: i.Title, AdoptedOn: dateOf(i.AdoptedOn),
		AdoptedAt: i.AdoptedAt, Depositary: i.Depositary, EntryIntoForceOn: datePtr(i.EntryIntoForceOn), OpenForSignature: i.OpenForSignature}
}

func (h *Handlers) paragraphOf(p models.Paragraph) APIParagraph {
	out := APIParagraph{Kind: string(p.Kind), Number: p.Number, Body: p.Body}
	if p.Theme != nil {
		out.Theme = *p.Theme
	}
	if p.Kind != models.Preambular {
		out.URL = h.pageLink("/paragraphs/" + strconv.Itoa(p.Number))
	}
	return out
}

func (h *Handlers) registerReferenceAPI(api huma.API) {
	apiGet(api, "list-paragraphs", "/paragraphs", "Resolution", "Paragraphs of resolution 70/177",
		"The preambular paragraphs, then the operative ones, as adopted.",
		func(ctx context.Context, in *struct{ ListParams }) (*ListOutput[APIParagraph], error) {
			res, err := models.LatestResolution(ctx, h.DB)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			text, err := models.LoadResolutionText(ctx, h.DB, res)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			var all []APIParagraph
			for _, p := range append(text.Preamble, text.Operative...) {
				all = append(all, h.paragraphOf(p))
			}
			// Preambular paragraphs first ("p"), then operative ("q"),
			// each by number: a key that sorts as the list does.
			return pageSlice(in.ListParams, all, func(p APIParagraph) string {
				prefix := "q"
				if p.Kind == string(models.Preambular) {
					prefix = "p"
				}
				return fmt.Sprintf("%s%04d", prefix, p.Number)
			})
		})
	apiGet(api, "get-paragraph", "/paragraphs/{number}", "Resolution", "One operative paragraph", "",
		func(ctx context.Context, in *NumberInput) (*ItemOutput[APIParagraph], error) {
			res, err := models.LatestResolution(ctx, h.DB)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			p, _, _, err := models.OperativeParagraph(ctx, h.DB, res, in.Number)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			return &ItemOutput[APIParagraph]{Body: h.paragraphOf(p)}, nil
		})
	apiGet(api, "list-states", "/states", "Member States", "Member States",
		"The 193 Member States by ISO3 code, filtered like /states.",
		func(ctx context.Context, in *StatesInput) (*ListOutput[APIState], error) {
			states, err := h.Reference.FilterMemberStates(ctx, models.StateFilter{Group: models.RegionalGroup(in.Group), Query: in.Q})
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			all := make([]APIState, len(states))
			for i, s := range states {
				all[i] = h.stateOf(s)
			}
			sortBy(all, func(s APIState) string { return s.ISO3 })
			return pageSlice(in.ListParams, all, func(s APIState) string { return s.ISO3 })
		})
	apiGet(api, "get-state", "/states/{iso3}", "Member States", "One Member State", "",
		func(ctx context.Context, in *ISO3Input) (*ItemOutput[APIState], error) {
			s, err := h.Reference.MemberStateByISO3(ctx, strings.ToUpper(in.ISO3))
			if err != nil {
				return nil, notFound("Member State")
			}
			return &ItemOutput[APIState]{Body: h.stateOf(s)}, nil
		})
	apiGet(api, "list-instruments", "/instruments", "Treaties", "International conventions and protocols", "",
		func(ctx context.Context, in *struct{ ListParams }) (*ListOutput[APIInstrument], error) {
			list, err := h.Reference.Instruments(ctx)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			all := make([]APIInstrument, len(list))
			for i, inst := range list {
				all[i] = instrumentOf(inst)
			}
			// Instruments keep their conventional order; the key is it.
			keys := make(map[string]string, len(list))
			for _, inst := range list {
				keys[inst.Code] = fmt.Sprintf("%06d", inst.SortOrder)
			}
			return pageSlice(in.ListParams, all, func(i APIInstrument) string { return keys[i.Code] + i.Code })
		})
	apiGet(api, "list-treaty-status", "/treaty-status", "Treaties", "Treaty status of every State",
		"Each State's status on each instrument today, derived from the recorded signatures and consents, like the matrix on /instruments.",
		func(ctx context.Context, in *TreatyStatusInput) (*ListOutput[APITreatyStatus], error) {
			only, err := h.stateParam(ctx, "state", in.State)
			if err != nil {
				return nil, err
			}
			m, err := models.LoadTreatyMatrix(ctx, h.DB, h.Reference, models.RegionalGroup(in.Group), models.TreatyToday())
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			var all []APITreatyStatus
			for si, s := range m.States {
				if only.ID != 0 && s.ID != only.ID {
					continue
				}
				row := APITreatyStatus{State: s.ISO3, AsOf: dateOf(m.AsOf), Instruments: map[string]string{}, Parties: m.InstrumentsPerState[si]}
				for ii, inst := range m.Instruments {
					row.Instruments[inst.Code] = string(m.Cells[si][ii])
				}
				all = append(all, row)
			}
			sortBy(all, func(s APITreatyStatus) string { return s.State })
			return pageSlice(in.ListParams, all, func(s APITreatyStatus) string { return s.State })
		})
	apiGet(api, "list-periods", "/periods", "Progress", "Reporting periods", "Newest first.",
		func(ctx context.Context, in *struct{ ListParams }) (*ListOutput[APIPeriod], error) {
			page, err := models.ListPeriods(ctx, h.DB, in.request())
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			return mapPage(in.ListParams, page, periodOf), nil
		})
	apiGet(api, "list-donors", "/donors", "Contributions", "Donors with their totals",
		"Every donor organization, with the totals of the contributions the caller may see (the public ones without a token).",
		func(ctx context.Context, in *DonorsInput) (*ListOutput[APIDonor], error) {
			sort := models.DonorSort(in.Sort)
			if sort == "" {
				sort = models.DonorSortName
			}
			list, err := models.DonorTotalsList(ctx, h.DB, apiUser(ctx), sort)
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			all := make([]APIDonor, len(list))
			keys := make(map[string]string, len(list))
			for i, d := range list {
				all[i] = h.donorOf(ctx, d)
				keys[d.Organization.Slug] = fmt.Sprintf("%06d", i)
			}
			// The order is the model's (by name or by funding); the key is
			// the position in it, so a cursor walks it as given.
			return pageSlice(in.ListParams, all, func(d APIDonor) string { return keys[d.Slug] })
		})
	apiGet(api, "get-donor", "/donors/{slug}", "Contributions", "One donor with its totals", "",
		func(ctx context.Context, in *SlugInput) (*ItemOutput[APIDonor], error) {
			// One organization and its totals, as its page reads them, not
			// every donor's totals to keep one.
			d, err := models.DonorOrganizationBySlug(ctx, h.DB, in.Slug)
			if err != nil {
				return nil, notFound("donor")
			}
			totals, err := models.LoadContributionTotals(ctx, h.DB, apiUser(ctx), models.ContributionFilter{DonorID: d.ID})
			if err != nil {
				return nil, h.apiFailure(ctx, err)
			}
			return &ItemOutput[APIDonor]{Body: h.donorOf(ctx, models.DonorTotals{Organization: d, Totals: totals})}, nil
		})
}

func periodOf(p models.ReportingPeriod) APIPeriod {
	return APIPeriod{ID: p.ID, Title: Names{En: p.Title["en"], Fr: p.Title["fr"]},
		OpensOn: dateOf(p.OpensOn), DueOn: dateOf(p.DueOn), ClosesOn: dateOf(p.ClosesOn)}
}

func (h *Handlers) donorOf(ctx context.Context, d models.DonorTotals) APIDonor {
	o := d.Organization
	out := APIDonor{Slug: o.Slug, Name: Names{En: o.Name, Fr: o.NameFr}, Kind: o.Kind,
		Funding: figureOf(d.Totals.Funding()), Paid: figureOf(d.Totals.Paid()), Pledged: figureOf(d.Totals.Pledged()),
		InKind: figureOf(d.Totals.InKind()),
		URL:    h.pageLink("/donors/" + o.Slug)}
	if o.MemberStateID != nil {
		if s, ok, _ := h.Reference.MemberStateByID(ctx, *o.MemberStateID); ok {
			out.MemberState = s.ISO3
		}
	}
	return out
}
