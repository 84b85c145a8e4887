package models

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// SearchKind is a kind of record /search finds.
type SearchKind string

const (
	SearchParagraphs    SearchKind = "paragraph"
	SearchNeeds         SearchKind = "need"
	SearchContributions SearchKind = "contribution"
	SearchActivities    SearchKind = "activity"
	SearchProgress      SearchKind = "progress"
	SearchStates        SearchKind = "state"
	SearchInstruments   SearchKind = "instrument"
	SearchReports       SearchKind = "report"
)

// SearchKinds lists the kinds in the order results are grouped.
func SearchKinds() []SearchKind {
	return []SearchKind{SearchParagraphs, SearchStates, SearchInstruments, SearchNeeds, SearchActivities, SearchContributions, SearchProgress, SearchReports}
}

// SearchQuery is what a person searches for: words (websearch syntax:
// quotes, OR, minus), optionally one kind, one State, one operative
// paragraph, in the reader's language (which decides the stemming).
type SearchQuery struct {
	Text      string
	Kind      SearchKind // "" for every kind
	StateID   int
	Paragraph int
	Lang      string
}

// searchConfig is the text search configuration of a language: its
// stemmer with accents ignored, else simple (no stemming, accents
// ignored) for a language PostgreSQL cannot stem.
func searchConfig(lang string) string {
	switch lang {
	case "en":
		return "ctap_en"
	case "fr":
		return "ctap_fr"
	}
	return "ctap_simple"
}

// SearchHit is one record found, with an excerpt whose matching words are
// between HighlightStart and HighlightStop (views turn them into <mark>,
// after escaping the text).
type SearchHit struct {
	Kind      SearchKind
	ID        int64
	Title     string
	Excerpt   string
	StateID   *int
	Paragraph *int
	PeriodID  *int64 // a progress report's period
	Rank      float32
}

// The excerpt's markers: control characters no stored text holds.
const (
	HighlightStart = "\x02"
	HighlightStop  = "\x03"
)

// SearchResults are one page of hits with the count of each kind.
type SearchResults struct {
	Counts map[SearchKind]int
	Page   Page[SearchHit]
}

// Total is the number of hits over every kind.
func (r SearchResults) Total() int {
	n := 0
	for _, c := range r.Counts {
		n += c
	}
	return n
}

// searchSource says how one kind is searched: its table, the visibility
// scope its list uses (every hit, count and excerpt goes through it), its
// title and text, and how it is narrowed to a State and a paragraph.
type searchSource struct {
	kind      SearchKind
	table     string
	scope     func(*gorm.DB) *gorm.DB
	title     string // SQL expression
	text      string // SQL expression the excerpt is cut from
	state     string // SQL condition on ?; "" when the kind has no State
	paragraph string // SQL condition on ?; "" when none
	stateCol  string // SQL expression of the record's State, or NULL
	paraCol   string // SQL expression of the record's paragraph, or NULL
	extra     string // a condition every record of the kind meets
	// config, when set, is the configuration the kind's query is parsed
	// with (a name is not stemmed: "Ivoire" must not become "ivoir").
	config string
}

func searchSources(u *User, lang string) []searchSource {
	name := "member_states.name"
	// An issued report's text is stored in each of ReportSearchLanguages;
	// the excerpt is cut from the reader's, else the English.
	reportLang := "en"
	if lang == "fr" {
		name = "member_states.name_fr"
		reportLang = "fr"
	}
	return []searchSource{
		// The 193 States and 19 instruments: their stored search_doc
		// (migration 21), scanned whole (too few rows for an index).
		{kind: SearchStates, table: "member_states", title: name, text: "''",
			state: "member_states.id = ?", stateCol: "member_states.id", paraCol: "NULL::int", config: "ctap_simple"},
		{kind: SearchInstruments, table: "instruments", title: "instruments.short_name", text: "instruments.title",
			stateCol: "NULL::int", paraCol: "NULL::int"},
		{kind: SearchParagraphs, table: "paragraphs", title: "'OP ' || paragraphs.number", text: "paragraphs.body",
			paragraph: "paragraphs.number = ?", stateCol: "NULL::int", paraCol: "paragraphs.number",
			extra: "paragraphs.kind = 'operative' AND paragraphs.resolution_id = (SELECT id FROM resolutions ORDER BY adopted_on DESC, id DESC LIMIT 1)"},
		{kind: SearchNeeds, table: "needs", scope: NeedsVisibleTo(u), title: "needs.title", text: "needs.description",
			state: "needs.member_state_id = ?", paragraph: "? = ANY (needs.paragraphs)",
			stateCol: "needs.member_state_id", paraCol: "NULL::int"},
		{kind: SearchActivities, table: "activities", scope: ActivitiesVisibleTo(u), title: "activities.title", text: "activities.description",
			state:     "EXISTS (SELECT 1 FROM activity_states st WHERE st.activity_id = activities.id AND st.member_state_id = ?)",
			paragraph: "? = ANY (activities.paragraphs)", stateCol: "NULL::int", paraCol: "NULL::int"},
		{kind: SearchContributions, table: "contributions", scope: ContributionsVisibleTo(u), title: "contributions.title",
			text: "contributions.description", state: "contributions.recipient_state_id = ?",
			stateCol: "contributions.recipient_state_id", paraCol: "NULL::int"},
		{kind: SearchProgress, table: "progress_reports", scope: ProgressVisibleTo(u), title: "''", text: "progress_reports.narrative || ' ' || progress_reports.measures",
			state: "progress_reports.member_state_id = ?", paragraph: "progress_reports.paragraph_number = ?",
			stateCol: "progress_reports.member_state_id", paraCol: "progress_reports.paragraph_number"},
		// Issued reports only, by anyone (ReportsIssued): their text was
		// stored when they were issued (migration 23); the title is the
		// period's, which the view words as the report's.
		{kind: SearchReports, table: "reports", scope: ReportsIssued,
			title: "coalesce(nullif(reports.content->'period_title'->>'" + reportLang + "', ''), reports.content->'period_title'->>'en')",
			text:  "coalesce(reports.search_text_" + reportLang + ", '')", stateCol: "NULL::int", paraCol: "NULL::int"},
	}
}

func (s searchSource) periodCol() string {
	if s.kind == SearchProgress {
		return "progress_reports.period_id"
	}
	return "NULL::bigint"
}

// SearchCap bounds what one search reads of each kind: it counts at most
// SearchCap records of a kind (the page says "1,000+") and ranks at most
// the SearchCap newest of them, so a word every record holds ("training")
// costs about what a rare one does rather than ranking every record.
const SearchCap = 1000

// where is the kind's records u may see that match the query, narrowed as
// asked: the conditions only, on a statement of its own. ok is false when
// the kind cannot be narrowed that way (none of it matches).
func (s searchSource) where(db *gorm.DB, q SearchQuery, cfg string) (*gorm.DB, bool) {
	if (q.StateID != 0 && s.state == "") || (q.Paragraph != 0 && s.paragraph == "") {
		return nil, false
	}
	if s.config != "" {
		cfg = s.config
	}
	sel := db.WithContext(subqueryContext()).Table(s.table)
	if s.scope != nil {
		sel = sel.Scopes(s.scope)
	}
	// The document is tested against the query as written, so that the
	// planner sees a constant it folds once and a GIN index it can use.
	sel = sel.Where(s.table+".search_doc @@ websearch_to_tsquery('"+cfg+"', ?)", q.Text)
	if s.extra != "" {
		sel = sel.Where(s.extra)
	}
	if q.StateID != 0 {
		sel = sel.Where(s.state, q.StateID)
	}
	if q.Paragraph != 0 {
		sel = sel.Where(s.paragraph, q.Paragraph)
	}
	return sel, true
}

// counted is the kind's count, up to SearchCap: any SearchCap matches
// stop the scan, none is ranked or sorted.
func (s searchSource) counted(db *gorm.DB, q SearchQuery, cfg string) (*gorm.DB, bool) {
	sel, ok := s.where(db, q, cfg)
	if !ok {
		return nil, false
	}
	return db.WithContext(subqueryContext()).Table("(?) AS m", sel.Select("1").Limit(SearchCap)).
		Select("'" + string(s.kind) + "' AS kind, count(*) AS n"), true
}

// candidates are the kind's SearchCap newest matches with the columns a hit
// needs, each ranked (the excerpt is cut later, for the page's rows only).
// Ranking reads each record's whole document, so only these are ranked.
func (s searchSource) candidates(db *gorm.DB, q SearchQuery, cfg string) (*gorm.DB, bool) {
	sel, ok := s.where(db, q, cfg)
	if !ok {
		return nil, false
	}
	if s.config != "" {
		cfg = s.config
	}
	sel = sel.Select("'" + string(s.kind) + "' AS kind, " + s.table + ".id, " + s.title + " AS title, " + s.text + " AS body, " +
		s.stateCol + " AS state_id, " + s.paraCol + " AS paragraph, " + s.periodCol() + " AS period_id, " + s.table + ".search_doc AS doc").
		Order(s.table + ".id DESC").Limit(SearchCap)
	// The query is parsed once, in a subquery PostgreSQL runs once, not
	// once for each row ranked: a prepared statement's generic plan does
	// not fold websearch_to_tsquery of a parameter into a constant.
	return db.WithContext(subqueryContext()).Table("(?) AS c", sel).
		Select("c.kind, c.id, c.title, c.body, c.state_id, c.paragraph, c.period_id, "+
			"ts_rank_cd(c.doc, (SELECT websearch_to_tsquery('"+cfg+"', ?)))::real AS rank", q.Text), true
}

// Search finds what u may see matching q: the count of each kind (up to
// SearchCap), and one page of hits (of q.Kind, or of every kind), best
// first, each with its excerpt. Two statements whatever the data: the
// counts, and the page.
func Search(ctx context.Context, db *gorm.DB, u *User, q SearchQuery, req PageRequest) (SearchResults, error) {
	res := SearchResults{Counts: map[SearchKind]int{}}
	q.Text = strings.TrimSpace(q.Text)
	if q.Text == "" {
		return res, nil
	}
	cfg := searchConfig(q.Lang)
	var counts, hits []string
	var countArgs, hitArgs []any
	for _, s := range searchSources(u, q.Lang) {
		n, ok := s.counted(db, q, cfg)
		if !ok {
			continue
		}
		counts = append(counts, "(?)")
		countArgs = append(countArgs, n)
		if q.Kind == "" || q.Kind == s.kind {
			c, _ := s.candidates(db, q, cfg)
			hits = append(hits, "(?)")
			hitArgs = append(hitArgs, c)
		}
	}
	if len(counts) == 0 {
		return res, nil
	}
	var rows []struct {
		Kind SearchKind
		N    int
	}
	if err := db.WithContext(ctx).Raw(strings.Join(counts, " UNION ALL "), countArgs...).Scan(&rows).Error; err != nil {
		return res, fmt.Errorf("search counts: %w", err)
	}
	for _, r := range rows {
		if r.N > 0 {
			res.Counts[r.Kind] = r.N
		}
	}
	if len(hits) == 0 || (q.Kind != "" && res.Counts[q.Kind] == 0) || (q.Kind == "" && res.Total() == 0) {
		return res, nil
	}
	union := db.WithContext(subqueryContext()).Raw(strings.Join(hits, " UNION ALL "), hitArgs...)
	// ts_headline is in the outer select over the sorted, limited page:
	// PostgreSQL computes it for the page's rows only.
	page := db.WithContext(ctx).Table("(?) AS hits", union).
		Select("hits.kind, hits.id, hits.title, hits.state_id, hits.paragraph, hits.period_id, hits.rank, "+
			"ts_headline('"+cfg+"', hits.body, (SELECT websearch_to_tsquery('"+cfg+"', ?)), "+
			"'StartSel=\"\x02\", StopSel=\"\x03\", MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=\" … \"') AS excerpt", q.Text)
	order := Order{Keys: []SortKey{{Expr: "hits.rank", Type: "real"}, {Expr: "hits.kind", Type: "text"}, {Expr: "hits.id", Type: "bigint"}}, Desc: true}
	p, err := paginate(page, order, req, func(h SearchHit) []any { return []any{h.Rank, string(h.Kind), h.ID} })
	if err != nil {
		return res, fmt.Errorf("search hits: %w", err)
	}
	res.Page = p
	return res, nil
}

// Capped tells whether a count reached SearchCap: there may be more.
func (r SearchResults) Capped(k SearchKind) bool { return r.Counts[k] >= SearchCap }

// ValidSearchKind tells whether k names a kind /search offers.
func ValidSearchKind(k SearchKind) bool { return slices.Contains(SearchKinds(), k) }
