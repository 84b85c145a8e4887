package models

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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
	case "ar", "zh", "en", "fr", "ru", "es":
		return "ctap_" + lang // migrations 20 and 25
	}
	return "ctap_simple"
}

// isHan tells whether r is a CJK ideograph: the ranges migration 25's
// ctap_han_spaced indexes one by one.
func isHan(r rune) bool {
	return (r >= 0x3400 && r <= 0x4DBF) || (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0xF900 && r <= 0xFAFF)
}

// searchText is what a person typed, as the text search parses it:
// Chinese is written without spaces and indexed character by character
// (migration 25), so each run of Chinese characters becomes a phrase of
// its characters, in quotes unless the person quoted it already:
// 恐怖主义 融资 is searched as "恐 怖 主 义" "融 资". Other text is
// unchanged.
func searchText(typed string) string {
	if !strings.ContainsFunc(typed, isHan) {
		return typed
	}
	var b strings.Builder
	quoted, inRun := false, false
	for _, r := range typed {
		if isHan(r) {
			if !inRun {
				// Apart from a word before it, but not from a space, a
				// minus or an opening quote.
				if s := b.String(); s != "" && !strings.HasSuffix(s, " ") && !strings.HasSuffix(s, "-") && !strings.HasSuffix(s, `"`) {
					b.WriteByte(' ')
				}
				if !quoted {
					b.WriteByte('"')
				}
				inRun = true
			} else {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			continue
		}
		if inRun {
			if !quoted {
				b.WriteByte('"')
			}
			// Apart from a word after it.
			if r != ' ' && r != '"' {
				b.WriteByte(' ')
			}
			inRun = false
		}
		if r == '"' {
			quoted = !quoted
		}
		b.WriteRune(r)
	}
	if inRun && !quoted {
		b.WriteByte('"')
	}
	return b.String()
}

// joinHan takes out the spaces an excerpt cut from text spaced for the
// index (ctap_han_spaced) has between Chinese characters, keeping the
// highlight markers where they are.
func joinHan(excerpt string) string {
	if !strings.ContainsFunc(excerpt, isHan) {
		return excerpt
	}
	// Each character with its bytes as written (an invalid byte stays as
	// it is).
	type char struct {
		r     rune
		bytes string
	}
	var cs []char
	for i := 0; i < len(excerpt); {
		r, n := utf8.DecodeRuneInString(excerpt[i:])
		cs = append(cs, char{r, excerpt[i : i+n]})
		i += n
	}
	// neighbour is the nearest character from i in direction step that is
	// neither a highlight marker nor a space.
	neighbour := func(i, step int) rune {
		for ; i >= 0 && i < len(cs); i += step {
			if b := cs[i].bytes; b != HighlightStart && b != HighlightStop && b != " " {
				return cs[i].r
			}
		}
		return 0
	}
	var b strings.Builder
	for i, c := range cs {
		if c.bytes == " " && isHan(neighbour(i-1, -1)) && isHan(neighbour(i+1, 1)) {
			continue
		}
		b.WriteString(c.bytes)
	}
	// One mark over a matched phrase, not one per character.
	return strings.ReplaceAll(b.String(), HighlightStop+HighlightStart, "")
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
	// Language is what the excerpt (and a record's title) is written in:
	// a record's own language, English for the resolution and the
	// instruments, the reader's for a report and a State.
	Language string
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
// condition its list uses as a scope (every hit, count and excerpt goes
// through it), its title and text, and how it is narrowed to a State and a
// paragraph.
type searchSource struct {
	kind      SearchKind
	table     string
	visible   condition
	title     string // SQL expression
	text      string // SQL expression the excerpt is cut from
	state     string // SQL condition on ?; "" when the kind has no State
	paragraph string // SQL condition on ?; "" when none
	stateCol  string // SQL expression of the record's State, or NULL
	paraCol   string // SQL expression of the record's paragraph, or NULL
	langCol   string // SQL expression of the language the text is in
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
	if slices.Contains(ReportSearchLanguages(), lang) {
		reportLang = lang
	}
	nameLang := "en"
	switch lang {
	case "fr", "ar", "zh", "ru", "es":
		// The UN's French short name; CLDR's in the others (migration 25).
		name, nameLang = "member_states.name_"+lang, lang
	}
	return []searchSource{
		// The 193 States and 19 instruments: their stored search_doc
		// (migration 21), scanned whole (too few rows for an index).
		{kind: SearchStates, table: "member_states", title: name, text: "''",
			state: "member_states.id = ?", stateCol: "member_states.id", paraCol: "NULL::int", config: "ctap_simple",
			langCol: "'" + nameLang + "'"},
		{kind: SearchInstruments, table: "instruments", title: "instruments.short_name", text: "instruments.title",
			stateCol: "NULL::int", paraCol: "NULL::int", langCol: "'en'"},
		{kind: SearchParagraphs, table: "paragraphs", title: "'OP ' || paragraphs.number", text: "paragraphs.body",
			paragraph: "paragraphs.number = ?", stateCol: "NULL::int", paraCol: "paragraphs.number", langCol: "'en'",
			extra: "paragraphs.kind = 'operative' AND paragraphs.resolution_id = (SELECT id FROM resolutions ORDER BY adopted_on DESC, id DESC LIMIT 1)"},
		{kind: SearchNeeds, table: "needs", visible: needsVisibleWhere(u), title: "needs.title", text: "needs.description",
			state: "needs.member_state_id = ?", paragraph: "? = ANY (needs.paragraphs)",
			stateCol: "needs.member_state_id", paraCol: "NULL::int", langCol: "needs.language"},
		{kind: SearchActivities, table: "activities", visible: activitiesVisibleWhere(u), title: "activities.title", text: "activities.description",
			state:     "EXISTS (SELECT 1 FROM activity_states st WHERE st.activity_id = activities.id AND st.member_state_id = ?)",
			paragraph: "? = ANY (activities.paragraphs)", stateCol: "NULL::int", paraCol: "NULL::int", langCol: "activities.language"},
		{kind: SearchContributions, table: "contributions", visible: contributionsVisibleWhere(u), title: "contributions.title",
			text: "contributions.description", state: "contributions.recipient_state_id = ?",
			stateCol: "contributions.recipient_state_id", paraCol: "NULL::int", langCol: "contributions.language"},
		{kind: SearchProgress, table: "progress_reports", visible: progressVisibleWhere(u), title: "''", text: "progress_reports.narrative || ' ' || progress_reports.measures",
			state: "progress_reports.member_state_id = ?", paragraph: "progress_reports.paragraph_number = ?",
			stateCol: "progress_reports.member_state_id", paraCol: "progress_reports.paragraph_number", langCol: "progress_reports.language"},
		// Issued reports only, by anyone (ReportsIssued): their text was
		// stored when they were issued (migration 23); the title is the
		// period's, which the view words as the report's.
		{kind: SearchReports, table: "reports", visible: reportsIssuedWhere(),
			title: "coalesce(nullif(reports.content->'period_title'->>'" + reportLang + "', ''), reports.content->'period_title'->>'en')",
			text:  "coalesce(reports.search_text_" + reportLang + ", '')", stateCol: "NULL::int", paraCol: "NULL::int",
			langCol: "'" + reportLang + "'"},
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

// searchSQL is a statement written piece by piece, its arguments in the
// order of their placeholders.
type searchSQL struct {
	b    strings.Builder
	args []any
}

func (w *searchSQL) add(sql string, args ...any) {
	w.b.WriteString(sql)
	w.args = append(w.args, args...)
}

// expr is the statement as one GORM expression, written out once where it
// is placed. (Given to Raw as text, GORM would take the @@ of the text
// search match for a named argument and copy the text byte by byte; as a
// Raw subquery, it would rewrite its finished SQL once per argument.)
func (w *searchSQL) expr() clause.Expr { return gorm.Expr(w.b.String(), w.args...) }

// searchable tells whether the kind can be narrowed as q asks (a State, a
// paragraph); one that cannot has no match.
func (s searchSource) searchable(q SearchQuery) bool {
	return (q.StateID == 0 || s.state != "") && (q.Paragraph == 0 || s.paragraph != "")
}

// from writes the FROM and WHERE of the kind's records u may see that
// match the query, narrowed as asked. The document is tested against the
// query as written, so that the planner sees a constant it folds once and
// a GIN index it can use.
func (s searchSource) from(w *searchSQL, q SearchQuery, cfg string) {
	w.add(" FROM "+s.table+" WHERE "+s.table+".search_doc @@ websearch_to_tsquery('"+cfg+"', ?)", q.Text)
	if s.visible.sql != "" {
		w.add(" AND ("+s.visible.sql+")", s.visible.args...)
	}
	if s.extra != "" {
		w.add(" AND (" + s.extra + ")")
	}
	if q.StateID != 0 {
		w.add(" AND ("+s.state+")", q.StateID)
	}
	if q.Paragraph != 0 {
		w.add(" AND ("+s.paragraph+")", q.Paragraph)
	}
}

// counted writes the kind's count, up to SearchCap: any SearchCap matches
// stop the scan, none is ranked or sorted.
func (s searchSource) counted(w *searchSQL, q SearchQuery, cfg string) {
	w.add("(SELECT '" + string(s.kind) + "' AS kind, count(*) AS n FROM (SELECT 1")
	s.from(w, q, cfg)
	w.add(" LIMIT " + strconv.Itoa(SearchCap) + ") AS m)")
}

// candidates writes the kind's SearchCap newest matches with the columns a
// hit needs, each ranked (the excerpt is cut later, for the page's rows
// only). Ranking reads each record's whole document, so only these are
// ranked. The query is parsed once, in a subquery PostgreSQL runs once, not
// once for each row ranked: a prepared statement's generic plan does not
// fold websearch_to_tsquery of a parameter into a constant.
func (s searchSource) candidates(w *searchSQL, q SearchQuery, cfg string) {
	w.add("(SELECT c.kind, c.id, c.title, c.body, c.state_id, c.paragraph, c.period_id, c.language, "+
		"ts_rank_cd(c.doc, (SELECT websearch_to_tsquery('"+cfg+"', ?)))::real AS rank FROM (SELECT '"+string(s.kind)+"' AS kind, "+
		s.table+".id, "+s.title+" AS title, "+s.text+" AS body, "+s.stateCol+" AS state_id, "+s.paraCol+" AS paragraph, "+
		s.periodCol()+" AS period_id, "+s.langCol+"::text AS language, "+s.table+".search_doc AS doc", q.Text)
	s.from(w, q, cfg)
	w.add(" ORDER BY " + s.table + ".id DESC LIMIT " + strconv.Itoa(SearchCap) + ") AS c)")
}

// Search finds what u may see matching q: the count of each kind (up to
// SearchCap), and one page of hits (of q.Kind, or of every kind), best
// first, each with its excerpt. Two statements whatever the data: the
// counts, and the page. Both are written as text around each kind's
// visibility condition, the same condition its list's scope applies.
func Search(ctx context.Context, db *gorm.DB, u *User, q SearchQuery, req PageRequest) (SearchResults, error) {
	res := SearchResults{Counts: map[SearchKind]int{}}
	q.Text = searchText(strings.TrimSpace(q.Text))
	if q.Text == "" {
		return res, nil
	}
	cfg := searchConfig(q.Lang)
	var counts, hits searchSQL
	for _, s := range searchSources(u, q.Lang) {
		if !s.searchable(q) {
			continue
		}
		kindCfg := cfg
		if s.config != "" {
			kindCfg = s.config
		}
		if counts.b.Len() > 0 {
			counts.add(" UNION ALL ")
		}
		s.counted(&counts, q, kindCfg)
		if q.Kind == "" || q.Kind == s.kind {
			if hits.b.Len() > 0 {
				hits.add(" UNION ALL ")
			}
			s.candidates(&hits, q, kindCfg)
		}
	}
	if counts.b.Len() == 0 {
		return res, nil
	}
	var rows []struct {
		Kind SearchKind
		N    int
	}
	if err := db.WithContext(ctx).Raw("?", counts.expr()).Scan(&rows).Error; err != nil {
		return res, fmt.Errorf("search counts: %w", err)
	}
	for _, r := range rows {
		if r.N > 0 {
			res.Counts[r.Kind] = r.N
		}
	}
	if hits.b.Len() == 0 || (q.Kind != "" && res.Counts[q.Kind] == 0) || (q.Kind == "" && res.Total() == 0) {
		return res, nil
	}
	// ts_headline is in the outer select over the sorted, limited page:
	// PostgreSQL computes it for the page's rows only. In Chinese the
	// excerpt is cut from the text spaced as it is indexed, each character
	// a word (joinHan takes the spaces out again).
	body, words := "hits.body", "MaxFragments=2, MaxWords=30, MinWords=12"
	if q.Lang == "zh" {
		// One fragment: in fragments, PostgreSQL cuts a Chinese phrase's
		// excerpt down to the phrase alone.
		body, words = "ctap_han_spaced(hits.body)", "MaxWords=60, MinWords=24"
	}
	page := db.WithContext(ctx).Table("(?) AS hits", hits.expr()).
		Select("hits.kind, hits.id, hits.title, hits.state_id, hits.paragraph, hits.period_id, hits.language, hits.rank, "+
			"ts_headline('"+cfg+"', "+body+", (SELECT websearch_to_tsquery('"+cfg+"', ?)), "+
			"'StartSel=\"\x02\", StopSel=\"\x03\", "+words+", FragmentDelimiter=\" … \"') AS excerpt", q.Text)
	order := Order{Keys: []SortKey{{Expr: "hits.rank", Type: "real"}, {Expr: "hits.kind", Type: "text"}, {Expr: "hits.id", Type: "bigint"}}, Desc: true}
	p, err := paginate(page, order, req, func(h SearchHit) []any { return []any{h.Rank, string(h.Kind), h.ID} })
	if err != nil {
		return res, fmt.Errorf("search hits: %w", err)
	}
	if q.Lang == "zh" {
		for i := range p.Items {
			p.Items[i].Excerpt = joinHan(p.Items[i].Excerpt)
		}
	}
	res.Page = p
	return res, nil
}

// Capped tells whether a count reached SearchCap: there may be more.
func (r SearchResults) Capped(k SearchKind) bool { return r.Counts[k] >= SearchCap }

// ValidSearchKind tells whether k names a kind /search offers.
func ValidSearchKind(k SearchKind) bool { return slices.Contains(SearchKinds(), k) }
