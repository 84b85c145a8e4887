package views

import (
	"context"
	"html"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/shopspring/decimal"

	"ctap/models"
)

// SearchForm is /search's query as the person typed it.
type SearchForm struct {
	Text, Kind, State, Paragraph string
}

// SearchData is /search.
type SearchData struct {
	Form       SearchForm
	Results    models.SearchResults
	States     []models.MemberState
	StatesByID map[int]models.MemberState
	Paragraphs []models.OperativeRef
	Nav        PageNav
}

// kindHref is the search narrowed to one kind ("" for all), the rest of
// the query kept.
func (d SearchData) kindHref(kind string) string {
	v := url.Values{"q": {d.Form.Text}}
	if kind != "" {
		v.Set("kind", kind)
	}
	if d.Form.State != "" {
		v.Set("state", d.Form.State)
	}
	if d.Form.Paragraph != "" {
		v.Set("paragraph", d.Form.Paragraph)
	}
	return "/search?" + v.Encode()
}

// searchHitHref is the page of a hit.
func (d SearchData) searchHitHref(h models.SearchHit) string {
	id := strconv.FormatInt(h.ID, 10)
	switch h.Kind {
	case models.SearchNeeds:
		return "/needs/" + id
	case models.SearchContributions:
		return "/contributions/" + id
	case models.SearchActivities:
		return "/activities/" + id
	case models.SearchStates:
		if h.StateID != nil {
			return "/states/" + d.StatesByID[*h.StateID].ISO3
		}
	case models.SearchInstruments:
		return "/instruments"
	case models.SearchReports:
		return ReportHref(h.ID)
	case models.SearchParagraphs:
		if h.Paragraph != nil {
			return "/paragraphs/" + strconv.Itoa(*h.Paragraph)
		}
	case models.SearchProgress:
		if h.StateID != nil && h.Paragraph != nil {
			href := "/states/" + d.StatesByID[*h.StateID].ISO3 + "/progress/" + strconv.Itoa(*h.Paragraph)
			if h.PeriodID != nil {
				href += "?period=" + strconv.FormatInt(*h.PeriodID, 10)
			}
			return href
		}
	}
	return "/search"
}

// searchHitTitle names a hit: its title, or what it is when it has none
// (a progress report: its State and paragraph).
func (d SearchData) searchHitTitle(ctx context.Context, h models.SearchHit) string {
	switch h.Kind {
	case models.SearchProgress:
		if h.StateID != nil && h.Paragraph != nil {
			return tf(ctx, "search.progress_title", "State", d.StatesByID[*h.StateID].LocalName(lang(ctx)), "N", *h.Paragraph)
		}
	case models.SearchParagraphs:
		if h.Paragraph != nil {
			return paragraphLabel(ctx, *h.Paragraph)
		}
	case models.SearchReports:
		// The hit's title is the report's period: named as the report is.
		return tf(ctx, "report.title", "Period", h.Title)
	}
	return h.Title
}

// searchHitTitleLang marks a hit's title with the language it is written
// in: a record's own title, or a State's name in the reader's language;
// the others are the page's own words.
func searchHitTitleLang(h models.SearchHit) templ.Attributes {
	switch h.Kind {
	case models.SearchNeeds, models.SearchContributions, models.SearchActivities, models.SearchStates:
		return ContentLang(h.Language)
	}
	return templ.Attributes{"dir": "auto"}
}

// highlighted is an excerpt with its matching words marked: the text is
// escaped first, then the markers the database put around the matches
// become <mark> elements, so nothing a record holds is ever markup.
func highlighted(excerpt string) templ.Component {
	s := html.EscapeString(excerpt)
	s = strings.ReplaceAll(s, models.HighlightStart, "<mark>")
	s = strings.ReplaceAll(s, models.HighlightStop, "</mark>")
	return templ.Raw(s)
}

// searchKindLabel is a kind with its count: "1,000+" when the count
// reached models.SearchCap (the search stopped counting there).
func searchKindLabel(ctx context.Context, k models.SearchKind, r models.SearchResults) string {
	return searchCount(ctx, "search.kind."+string(k), r.Counts[k], r.Capped(k))
}

// searchAllLabel is every kind's count, "+" when any kind's was capped.
func searchAllLabel(ctx context.Context, r models.SearchResults) string {
	capped := false
	for _, k := range models.SearchKinds() {
		capped = capped || r.Capped(k)
	}
	return searchCount(ctx, "search.all", r.Total(), capped)
}

func searchCount(ctx context.Context, id string, n int, capped bool) string {
	count := formatDecimal(ctx, decimal.NewFromInt(int64(n)), 0)
	if capped {
		count += "+"
	}
	return loc(ctx).Plural(id, n, map[string]any{"Count": count})
}

func searchTitle(ctx context.Context, text string) string {
	if text == "" {
		return t(ctx, "search.title")
	}
	return tf(ctx, "search.title_for", "Query", text)
}
