package models

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// The figures of a report, counted in SQL as the person generating may see
// them (the visibility scopes of visibility.go, through the lists' own
// queries), each beside the address of the filtered list it was counted
// from. A report costs a fixed number of statements whatever the data:
// one per family of figures.

// countReport counts every figure of a period's report.
func countReport(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, period ReportingPeriod) (ReportContent, error) {
	res, err := LatestResolution(ctx, db)
	if err != nil {
		return ReportContent{}, err
	}
	c := ReportContent{
		Symbol: res.Symbol, PeriodTitle: period.Title, OpensOn: period.OpensOn.Format(time.DateOnly),
		ClosesOn: period.ClosesOn.Format(time.DateOnly), Year: period.ClosesOn.Year(), GeneratedAt: time.Now().UTC(),
		Excerpts: []ReportExcerpt{},
	}
	c.Paragraphs = append(c.Paragraphs, introduction(c, period)...)
	steps := []func(context.Context, *gorm.DB, *ReferenceCache, *User, ReportingPeriod, *ReportContent) error{
		ratificationParagraphs, deliveredParagraphs, requestedParagraphs, progressParagraphs, contributionParagraphs,
	}
	for _, step := range steps {
		if err := step(ctx, db, ref, u, period, &c); err != nil {
			return c, err
		}
	}
	c.Paragraphs = append(c.Paragraphs, ReportParagraph{Key: "conclusions", Section: SectionConclusions,
		Message: "report.p.conclusions", Figures: []ReportFigure{}})
	return c, nil
}

// ReportSelfLink begins the link of a figure counted from a page of the
// report itself (its list of the period's validated progress reports),
// whose address is known once the report is stored: the views resolve it
// (views.FigureHref).
const ReportSelfLink = "report:"

// link is a list's address with its filters, in a stable order.
func link(path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func count(name string, n int64, href string) ReportFigure {
	return ReportFigure{Name: name, Kind: FigureCount, Value: strconv.FormatInt(n, 10), Link: href}
}

func countCell(n int64, href string) ReportCell {
	return ReportCell{Text: strconv.FormatInt(n, 10), Kind: FigureCount, Link: href}
}

func usdCell(d decimal.Decimal, href string) ReportCell {
	return ReportCell{Text: d.StringFixed(2), Kind: FigureUSD, Link: href}
}

func labelCell(msg string) ReportCell { return ReportCell{Msg: msg} }

func textCell(s, href string) ReportCell { return ReportCell{Text: s, Kind: FigureText, Link: href} }

func columns(msgs ...string) []ReportCell {
	out := make([]ReportCell, len(msgs))
	for i, m := range msgs {
		out[i] = labelCell(m)
	}
	return out
}

func introduction(c ReportContent, period ReportingPeriod) []ReportParagraph {
	return []ReportParagraph{
		{Key: "intro.mandate", Section: SectionIntroduction, Message: "report.p.intro_mandate", Figures: []ReportFigure{
			{Name: "Symbol", Kind: FigureText, Value: c.Symbol, Link: "/paragraphs/17"},
		}},
		{Key: "intro.scope", Section: SectionIntroduction, Message: "report.p.intro_scope", Figures: []ReportFigure{
			{Name: "Opens", Kind: FigureDate, Value: c.OpensOn, Link: "/admin/periods/" + strconv.FormatInt(period.ID, 10)},
			{Name: "Closes", Kind: FigureDate, Value: c.ClosesOn, Link: "/admin/periods/" + strconv.FormatInt(period.ID, 10)},
			{Name: "Year", Kind: FigureText, Value: strconv.Itoa(c.Year)},
		}},
	}
}

// ratificationParagraphs counts the parties to each instrument at the
// period's end and those that became parties during it, by regional group
// (DeriveTreatyStatus's rule in SQL: a State is a party from its first
// expression of consent): one statement.
func ratificationParagraphs(ctx context.Context, db *gorm.DB, ref *ReferenceCache, _ *User, period ReportingPeriod, c *ReportContent) error {
	var rows []struct {
		InstrumentID  int
		RegionalGroup RegionalGroup
		Parties       int64
		NewParties    int64
	}
	err := db.WithContext(ctx).Raw(`WITH consent AS (
			SELECT member_state_id, instrument_id, min(action_date) AS since
			FROM treaty_actions WHERE kind <> 'signature' GROUP BY member_state_id, instrument_id)
		SELECT consent.instrument_id, ms.regional_group,
			count(*) FILTER (WHERE since <= ?) AS parties,
			count(*) FILTER (WHERE since >= ? AND since <= ?) AS new_parties
		FROM consent JOIN member_states ms ON ms.id = consent.member_state_id
		GROUP BY consent.instrument_id, ms.regional_group`, period.ClosesOn, period.OpensOn, period.ClosesOn).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("report ratification: %w", err)
	}
	insts, err := ref.Instruments(ctx)
	if err != nil {
		return err
	}
	type sums struct{ parties, fresh int64 }
	byInst, byGroup := map[int]sums{}, map[RegionalGroup]sums{}
	var total sums
	for _, r := range rows {
		s := byInst[r.InstrumentID]
		byInst[r.InstrumentID] = sums{s.parties + r.Parties, s.fresh + r.NewParties}
		g := byGroup[r.RegionalGroup]
		byGroup[r.RegionalGroup] = sums{g.parties + r.Parties, g.fresh + r.NewParties}
		total = sums{total.parties + r.Parties, total.fresh + r.NewParties}
	}
	perInstrument := &ReportTable{Caption: "report.t.instruments", Columns: columns("report.col_instrument", "report.col_parties", "report.col_new_parties")}
	for _, in := range insts {
		s := byInst[in.ID]
		perInstrument.Rows = append(perInstrument.Rows, []ReportCell{textCell(in.ShortName, "/instruments"),
			countCell(s.parties, "/instruments"), countCell(s.fresh, "/instruments")})
	}
	perGroup := &ReportTable{Caption: "report.t.instrument_groups", Columns: columns("report.col_group", "report.col_parties", "report.col_new_parties")}
	for _, g := range RegionalGroups() {
		href := link("/instruments", "group", string(g))
		s := byGroup[g]
		perGroup.Rows = append(perGroup.Rows, []ReportCell{{Msg: "group." + string(g), Link: href}, countCell(s.parties, href), countCell(s.fresh, href)})
	}
	c.Paragraphs = append(c.Paragraphs,
		ReportParagraph{Key: "ratification.instruments", Section: SectionRatification, Message: "report.p.ratification", Figures: []ReportFigure{
			{Name: "AsOf", Kind: FigureDate, Value: c.ClosesOn},
			count("Instruments", int64(len(insts)), "/instruments"),
			count("Parties", total.parties, "/instruments"),
			count("NewParties", total.fresh, "/instruments"),
		}, Table: perInstrument},
		ReportParagraph{Key: "ratification.groups", Section: SectionRatification, Message: "report.p.ratification_groups", Figures: []ReportFigure{
			count("NewParties", total.fresh, "/instruments"),
		}, Table: perGroup},
	)
	return nil
}

// deliveredSummary is the activities delivered in the report's year, as
// one statement sums them.
type deliveredSummary struct {
	Count, States, Joint int64
	Participants         `gorm:"embedded"`
	ByKind               []byte
	ByParagraph          []byte
	ByGroup              []byte
	ByPartner            []byte
}

// deliveredParagraphs counts the activities the Office delivered in the
// report's year that u may see (the /activities list with
// ?status=delivered&year=): by kind, operative paragraph, the States
// reached by regional group, the officials trained by sex and profession,
// the partners and the joint initiatives: one statement.
func deliveredParagraphs(ctx context.Context, db *gorm.DB, _ *ReferenceCache, u *User, _ ReportingPeriod, c *ReportContent) error {
	f := ActivityFilter{Year: c.Year, Status: ActivityDelivered}
	year := strconv.Itoa(c.Year)
	matching := activitiesQuery(subqueryContext(), db, u, f).Select(`activities.id, activities.kind, activities.paragraphs,
		activities.women, activities.men, activities.sex_not_stated, activities.prosecutors, activities.judges, activities.police,
		activities.legislators, activities.central_authority, activities.financial_intelligence, activities.other_profession`)
	var s deliveredSummary
	err := db.WithContext(ctx).Raw(`WITH a AS MATERIALIZED (?)
		SELECT count(*) AS count,
		(SELECT count(DISTINCT s.member_state_id) FROM activity_states s JOIN a ON a.id = s.activity_id) AS states,
		(SELECT count(*) FROM a WHERE EXISTS (SELECT 1 FROM activity_partners ap WHERE ap.activity_id = a.id)) AS joint,
		coalesce(sum(a.women), 0) AS women, coalesce(sum(a.men), 0) AS men, coalesce(sum(a.sex_not_stated), 0) AS sex_not_stated,
		coalesce(sum(a.prosecutors), 0) AS prosecutors, coalesce(sum(a.judges), 0) AS judges, coalesce(sum(a.police), 0) AS police,
		coalesce(sum(a.legislators), 0) AS legislators, coalesce(sum(a.central_authority), 0) AS central_authority,
		coalesce(sum(a.financial_intelligence), 0) AS financial_intelligence, coalesce(sum(a.other_profession), 0) AS other_profession,
		(SELECT coalesce(jsonb_object_agg(k.kind, k.n), '{}') FROM (SELECT kind, count(*) AS n FROM a GROUP BY kind) k) AS by_kind,
		(SELECT coalesce(jsonb_object_agg(p.n, p.c), '{}') FROM (SELECT x.n, count(*) AS c FROM a, unnest(a.paragraphs) AS x(n) GROUP BY x.n) p) AS by_paragraph,
		(SELECT coalesce(jsonb_object_agg(g.regional_group, jsonb_build_array(g.states, g.activities)), '{}') FROM (
			SELECT ms.regional_group, count(DISTINCT s.member_state_id) AS states, count(DISTINCT s.activity_id) AS activities
			FROM activity_states s JOIN a ON a.id = s.activity_id JOIN member_states ms ON ms.id = s.member_state_id
			GROUP BY ms.regional_group) g) AS by_group,
		(SELECT coalesce(jsonb_agg(jsonb_build_array(o.slug, o.name ->> 'en', o.n) ORDER BY o.n DESC, o.slug), '[]') FROM (
			SELECT po.slug, po.name, count(*) AS n FROM activity_partners ap JOIN a ON a.id = ap.activity_id
			JOIN partner_organizations po ON po.id = ap.partner_id GROUP BY po.slug, po.name) o) AS by_partner
		FROM a`, matching).Scan(&s).Error
	if err != nil {
		return fmt.Errorf("report activities: %w", err)
	}
	var byKind map[string]int64
	var byParagraph map[string]int64
	var byGroup map[string][2]int64
	var byPartner [][3]any
	for _, d := range []struct {
		raw []byte
		to  any
	}{{s.ByKind, &byKind}, {s.ByParagraph, &byParagraph}, {s.ByGroup, &byGroup}, {s.ByPartner, &byPartner}} {
		if err := json.Unmarshal(d.raw, d.to); err != nil {
			return fmt.Errorf("report activities: %w", err)
		}
	}
	all := link("/activities", "status", "delivered", "year", year)
	kinds := &ReportTable{Caption: "report.t.activity_kinds", Columns: columns("report.col_kind", "report.col_activities")}
	for _, k := range ActivityKinds() {
		href := link("/activities", "status", "delivered", "year", year, "kind", string(k))
		kinds.Rows = append(kinds.Rows, []ReportCell{{Msg: "activity_kind." + string(k), Link: href}, countCell(byKind[string(k)], href)})
	}
	paragraphs := &ReportTable{Caption: "report.t.activity_paragraphs", Columns: columns("report.col_paragraph", "report.col_activities")}
	for n := 4; n <= 14; n++ {
		href := link("/activities", "status", "delivered", "year", year, "paragraph", strconv.Itoa(n))
		paragraphs.Rows = append(paragraphs.Rows, []ReportCell{textCell(strconv.Itoa(n), "/paragraphs/"+strconv.Itoa(n)),
			countCell(byParagraph[strconv.Itoa(n)], href)})
	}
	groups := &ReportTable{Caption: "report.t.activity_groups", Columns: columns("report.col_group", "report.col_states_reached", "report.col_activities")}
	for _, g := range RegionalGroups() {
		href := link("/activities", "status", "delivered", "year", year, "group", string(g))
		v := byGroup[string(g)]
		groups.Rows = append(groups.Rows, []ReportCell{{Msg: "group." + string(g), Link: href}, countCell(v[0], href), countCell(v[1], href)})
	}
	p := s.Participants
	trained := &ReportTable{Caption: "report.t.participants", Columns: columns("report.col_profession", "report.col_officials")}
	for i, prof := range Professions {
		trained.Rows = append(trained.Rows, []ReportCell{labelCell("profession." + prof), countCell(int64(p.ByProfession()[i]), all)})
	}
	partners := &ReportTable{Caption: "report.t.partners", Columns: columns("report.col_partner", "report.col_activities")}
	for _, row := range byPartner {
		slug, _ := row[0].(string)
		name, _ := row[1].(string)
		n, _ := row[2].(float64)
		href := link("/activities", "status", "delivered", "year", year, "partner", slug)
		partners.Rows = append(partners.Rows, []ReportCell{textCell(name, href), countCell(int64(n), href)})
	}
	c.Paragraphs = append(c.Paragraphs,
		ReportParagraph{Key: "assistance.delivered", Section: SectionAssistance, Subheading: "report.sub_delivered",
			Message: "report.p.delivered", Figures: []ReportFigure{
				{Name: "Year", Kind: FigureText, Value: year},
				count("Activities", s.Count, all),
				count("States", s.States, all),
			}, Table: kinds},
		ReportParagraph{Key: "assistance.paragraphs", Section: SectionAssistance, Message: "report.p.delivered_paragraphs",
			Figures: []ReportFigure{}, Table: paragraphs},
		ReportParagraph{Key: "assistance.groups", Section: SectionAssistance, Message: "report.p.delivered_groups",
			Figures: []ReportFigure{count("States", s.States, all)}, Table: groups},
		ReportParagraph{Key: "assistance.participants", Section: SectionAssistance, Message: "report.p.participants", Figures: []ReportFigure{
			count("Officials", int64(p.Total()), all),
			count("Women", int64(p.Women), all),
			count("Men", int64(p.Men), all),
			count("NotStated", int64(p.SexNotStated), all),
		}, Table: trained},
		ReportParagraph{Key: "assistance.partners", Section: SectionAssistance, Message: "report.p.partners", Figures: []ReportFigure{
			count("Joint", s.Joint, all),
			count("Partners", int64(len(byPartner)), all),
		}, Table: partners},
	)
	return nil
}

// maxMetNeeds bounds the needs met the report names (the count says how
// many there are; the list is the most recent).
const maxMetNeeds = 25

// requestedParagraphs counts the needs u may see (the /needs list): by
// status, theme, operative paragraph and regional group, and names the
// needs met with the activities the Secretariat cited: one statement.
func requestedParagraphs(ctx context.Context, db *gorm.DB, _ *ReferenceCache, u *User, _ ReportingPeriod, c *ReportContent) error {
	var s struct {
		Count, States                           int64
		ByStatus, ByTheme, ByParagraph, ByGroup []byte
		Met                                     []byte
	}
	cited := activitiesQuery(subqueryContext(), db, u, ActivityFilter{}).Select("activities.id")
	err := db.WithContext(ctx).Raw(`WITH n AS MATERIALIZED (?)
		SELECT count(*) AS count, count(DISTINCT n.member_state_id) AS states,
		(SELECT coalesce(jsonb_object_agg(x.status, x.c), '{}') FROM (SELECT status, count(*) AS c FROM n GROUP BY status) x) AS by_status,
		(SELECT coalesce(jsonb_object_agg(x.theme, jsonb_build_array(x.c, x.met)), '{}') FROM (
			SELECT theme, count(*) AS c, count(*) FILTER (WHERE status = 'met') AS met FROM n GROUP BY theme) x) AS by_theme,
		(SELECT coalesce(jsonb_object_agg(x.p, x.c), '{}') FROM (SELECT p, count(*) AS c FROM n, unnest(n.paragraphs) AS p GROUP BY p) x) AS by_paragraph,
		(SELECT coalesce(jsonb_object_agg(x.regional_group, jsonb_build_array(x.c, x.states, x.met)), '{}') FROM (
			SELECT ms.regional_group, count(*) AS c, count(DISTINCT n.member_state_id) AS states,
				count(*) FILTER (WHERE n.status = 'met') AS met
			FROM n JOIN member_states ms ON ms.id = n.member_state_id GROUP BY ms.regional_group) x) AS by_group,
		(SELECT coalesce(jsonb_agg(jsonb_build_array(x.id, x.title, x.iso3, x.activities) ORDER BY x.status_changed_at DESC, x.id DESC), '[]') FROM (
			SELECT n.id, n.title, ms.iso3, n.status_changed_at,
				(SELECT coalesce(jsonb_agg(jsonb_build_array(ac.id, ac.title) ORDER BY ac.start_date, ac.id), '[]')
					FROM need_met_by m JOIN activities ac ON ac.id = m.activity_id
					WHERE m.need_id = n.id AND ac.id IN (?)) AS activities
			FROM n JOIN member_states ms ON ms.id = n.member_state_id
			WHERE n.status = 'met' ORDER BY n.status_changed_at DESC, n.id DESC LIMIT ?) x) AS met
		FROM n`, needsQuery(subqueryContext(), db, u, NeedFilter{}), cited, maxMetNeeds).Scan(&s).Error
	if err != nil {
		return fmt.Errorf("report needs: %w", err)
	}
	var byStatus, byParagraph map[string]int64
	var byTheme map[string][2]int64
	var byGroup map[string][3]int64
	var met [][4]json.RawMessage
	for _, d := range []struct {
		raw []byte
		to  any
	}{{s.ByStatus, &byStatus}, {s.ByTheme, &byTheme}, {s.ByParagraph, &byParagraph}, {s.ByGroup, &byGroup}, {s.Met, &met}} {
		if err := json.Unmarshal(d.raw, d.to); err != nil {
			return fmt.Errorf("report needs: %w", err)
		}
	}
	statuses := &ReportTable{Caption: "report.t.need_statuses", Columns: columns("report.col_status", "report.col_needs")}
	for _, st := range NeedStatuses() {
		href := link("/needs", "status", string(st))
		statuses.Rows = append(statuses.Rows, []ReportCell{{Msg: "need_status." + string(st), Link: href}, countCell(byStatus[string(st)], href)})
	}
	themes := &ReportTable{Caption: "report.t.need_themes", Columns: columns("report.col_theme", "report.col_needs", "report.col_met")}
	for _, th := range NeedThemes() {
		v, ok := byTheme[th]
		if !ok {
			continue
		}
		href := link("/needs", "theme", th)
		themes.Rows = append(themes.Rows, []ReportCell{{Msg: "theme." + th, Link: href}, countCell(v[0], href),
			countCell(v[1], link("/needs", "theme", th, "status", "met"))})
	}
	paras := &ReportTable{Caption: "report.t.need_paragraphs", Columns: columns("report.col_paragraph", "report.col_needs")}
	var numbers []int
	for k := range byParagraph {
		if n, err := strconv.Atoi(k); err == nil {
			numbers = append(numbers, n)
		}
	}
	slices.Sort(numbers)
	for _, n := range numbers {
		href := link("/needs", "paragraph", strconv.Itoa(n))
		paras.Rows = append(paras.Rows, []ReportCell{textCell(strconv.Itoa(n), "/paragraphs/"+strconv.Itoa(n)), countCell(byParagraph[strconv.Itoa(n)], href)})
	}
	groups := &ReportTable{Caption: "report.t.need_groups", Columns: columns("report.col_group", "report.col_needs", "report.col_states", "report.col_met")}
	for _, g := range RegionalGroups() {
		v := byGroup[string(g)]
		href := link("/needs", "group", string(g))
		groups.Rows = append(groups.Rows, []ReportCell{{Msg: "group." + string(g), Link: href}, countCell(v[0], href), countCell(v[1], href),
			countCell(v[2], link("/needs", "group", string(g), "status", "met"))})
	}
	metTable := &ReportTable{Caption: "report.t.needs_met", Columns: columns("report.col_need", "report.col_state", "report.col_cited")}
	for _, m := range met {
		var id int64
		var title, iso3 string
		var acts [][2]json.RawMessage
		if err := errorsJoin(json.Unmarshal(m[0], &id), json.Unmarshal(m[1], &title), json.Unmarshal(m[2], &iso3), json.Unmarshal(m[3], &acts)); err != nil {
			return fmt.Errorf("report needs met: %w", err)
		}
		needCell := textCell(title, "/needs/"+strconv.FormatInt(id, 10))
		stateCell := textCell(iso3, "/states/"+iso3)
		if len(acts) == 0 {
			metTable.Rows = append(metTable.Rows, []ReportCell{needCell, stateCell, {Msg: "report.none_cited"}})
		}
		for _, a := range acts {
			var aid int64
			var atitle string
			if err := errorsJoin(json.Unmarshal(a[0], &aid), json.Unmarshal(a[1], &atitle)); err != nil {
				return fmt.Errorf("report needs met: %w", err)
			}
			metTable.Rows = append(metTable.Rows, []ReportCell{needCell, stateCell, textCell(atitle, "/activities/"+strconv.FormatInt(aid, 10))})
		}
	}
	c.Paragraphs = append(c.Paragraphs,
		ReportParagraph{Key: "needs.overview", Section: SectionAssistance, Subheading: "report.sub_requested", Message: "report.p.needs",
			Figures: []ReportFigure{
				count("Needs", s.Count, "/needs"),
				count("States", s.States, "/needs"),
				count("Met", byStatus[string(NeedMet)], link("/needs", "status", "met")),
				count("InDelivery", byStatus[string(NeedInDelivery)], link("/needs", "status", "in_delivery")),
			}, Table: statuses},
		ReportParagraph{Key: "needs.themes", Section: SectionAssistance, Message: "report.p.needs_themes", Figures: []ReportFigure{}, Table: themes},
		ReportParagraph{Key: "needs.paragraphs", Section: SectionAssistance, Message: "report.p.needs_paragraphs", Figures: []ReportFigure{}, Table: paras},
		ReportParagraph{Key: "needs.groups", Section: SectionAssistance, Message: "report.p.needs_groups", Figures: []ReportFigure{}, Table: groups},
		ReportParagraph{Key: "needs.met", Section: SectionAssistance, Message: "report.p.needs_met", Figures: []ReportFigure{
			count("Met", byStatus[string(NeedMet)], link("/needs", "status", "met")),
			count("Listed", int64(len(met)), link("/needs", "status", "met")),
		}, Table: metTable},
	)
	return nil
}

// errorsJoin is the first error of many decodings.
func errorsJoin(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// progressParagraphs counts the validated progress reports of the period
// that u may see (ProgressVisibleTo), by operative paragraph and status,
// with the number of States that reported: one statement.
func progressParagraphs(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, period ReportingPeriod, c *ReportContent) error {
	validated := db.Table("progress_reports").Scopes(ProgressVisibleTo(u)).
		Select("progress_reports.member_state_id, progress_reports.paragraph_number, progress_reports.implementation").
		Where("progress_reports.period_id = ? AND progress_reports.status = ?", period.ID, ProgressValidated)
	var s struct {
		States, Reports int64
		ByParagraph     []byte
	}
	err := db.WithContext(ctx).Raw(`WITH r AS MATERIALIZED (?)
		SELECT count(DISTINCT r.member_state_id) AS states, count(*) AS reports,
		(SELECT coalesce(jsonb_object_agg(x.paragraph_number, x.counts), '{}') FROM (
			SELECT y.paragraph_number, jsonb_object_agg(y.implementation, y.c) AS counts FROM (
				SELECT paragraph_number, implementation, count(*) AS c FROM r GROUP BY paragraph_number, implementation) y
			GROUP BY y.paragraph_number) x) AS by_paragraph
		FROM r`, validated).Scan(&s).Error
	if err != nil {
		return fmt.Errorf("report progress: %w", err)
	}
	var byParagraph map[string]map[string]int64
	if err := json.Unmarshal(s.ByParagraph, &byParagraph); err != nil {
		return fmt.Errorf("report progress: %w", err)
	}
	paras, err := ref.OperativeParagraphs(ctx)
	if err != nil {
		return err
	}
	cols := []string{"report.col_paragraph", "report.col_states_reported"}
	for _, i := range Implementations() {
		cols = append(cols, "implementation."+string(i))
	}
	table := &ReportTable{Caption: "report.t.progress", Columns: columns(cols...)}
	for _, op := range paras {
		counts := byParagraph[strconv.Itoa(op.Number)]
		href := ReportSelfLink + "excerpts?paragraph=" + strconv.Itoa(op.Number)
		var total int64
		for _, n := range counts {
			total += n
		}
		row := []ReportCell{textCell(strconv.Itoa(op.Number), "/paragraphs/"+strconv.Itoa(op.Number)), countCell(total, href)}
		for _, i := range Implementations() {
			row = append(row, countCell(counts[string(i)], href))
		}
		table.Rows = append(table.Rows, row)
	}
	c.Paragraphs = append(c.Paragraphs, ReportParagraph{Key: "progress.overview", Section: SectionProgress, Message: "report.p.progress",
		Figures: []ReportFigure{count("States", s.States, ReportSelfLink+"excerpts"), count("Reports", s.Reports, ReportSelfLink+"excerpts")}, Table: table})
	return nil
}

// donorFunded is what one donor's contributions paid for.
type donorFunded struct {
	DonorID               int
	Activities, Delivered int64
}

// contributionParagraphs sums the voluntary contributions u may see up to
// the end of the report's year (the /contributions list): financial
// committed and paid and the pledges beside them, by donor and year; in
// kind by type; and the activities they funded. Each figure is read from
// ContributionTotals by its one method, so the report agrees with the
// lists to the cent: two statements.
func contributionParagraphs(ctx context.Context, db *gorm.DB, _ *ReferenceCache, u *User, _ ReportingPeriod, c *ReportContent) error {
	until := time.Date(c.Year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	// One statement, two grouping sets: by donor and year, and by in-kind
	// type (DonorBreakdown's shape, its rows read the same way).
	var rows []breakdownRow
	err := convertedContributions(ctx, db, u, ContributionFilter{}).
		Select(`contributions.kind, contributions.status, contributions.currency, `+hasRateExpr+` AS has_rate,
			CASE WHEN GROUPING(contributions.in_kind_type) = 1 THEN 'donor_year' ELSE 'in_kind_type' END AS dimension,
			CASE WHEN GROUPING(contributions.in_kind_type) = 1
				THEN contributions.donor_organization_id::text || '/' || extract(year FROM contributions.value_date)::int::text
				ELSE coalesce(contributions.in_kind_type, '') END AS key,
			count(*) AS count, sum(contributions.amount) AS amount, coalesce(sum(`+usdExpr+`), 0) AS usd,
			sum(`+paidExpr+`) AS paid_amount, coalesce(sum(`+paidUSDExpr+`), 0) AS paid_usd`).
		Where("contributions.value_date < ? AND contributions.status <> ?", until, ContributionCancelled). // they count nowhere
		Group(`contributions.kind, contributions.status, contributions.currency, has_rate,
			GROUPING SETS ((contributions.donor_organization_id, extract(year FROM contributions.value_date)), (contributions.in_kind_type))`).
		Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("report contributions: %w", err)
	}
	var funded []donorFunded
	// The contributions and the activities u may see: a link between them
	// counts only when both ends are visible.
	visible := contributionsQuery(subqueryContext(), db, u, ContributionFilter{}).Select("contributions.id, contributions.donor_organization_id")
	activities := activitiesQuery(subqueryContext(), db, u, ActivityFilter{}).Select("activities.id, activities.status")
	err = db.WithContext(ctx).Raw(`SELECT vc.donor_organization_id AS donor_id, count(DISTINCT f.activity_id) AS activities,
			count(DISTINCT f.activity_id) FILTER (WHERE va.status = 'delivered') AS delivered
		FROM (?) vc JOIN activity_funding f ON f.contribution_id = vc.id JOIN (?) va ON va.id = f.activity_id
		GROUP BY vc.donor_organization_id`, visible, activities).Scan(&funded).Error
	if err != nil {
		return fmt.Errorf("report funded activities: %w", err)
	}
	donors, err := ListDonorOrganizations(ctx, db)
	if err != nil {
		return err
	}
	donorByID := map[int]DonorOrganization{}
	for _, d := range donors {
		donorByID[d.ID] = d
	}

	type key struct{ donor, year int }
	groups := map[key]*ContributionTotals{}
	var all ContributionTotals
	var keys []key
	types := map[string]*ContributionTotals{}
	for _, r := range rows {
		if r.Dimension == "in_kind_type" {
			if types[r.Key] == nil {
				types[r.Key] = &ContributionTotals{}
			}
			types[r.Key].rows = append(types[r.Key].rows, r.totals())
			continue
		}
		donor, year, _ := strings.Cut(r.Key, "/")
		var k key
		k.donor, _ = strconv.Atoi(donor)
		k.year, _ = strconv.Atoi(year)
		if groups[k] == nil {
			groups[k] = &ContributionTotals{}
			keys = append(keys, k)
		}
		groups[k].rows = append(groups[k].rows, r.totals())
		if k.year == c.Year {
			all.rows = append(all.rows, r.totals())
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.year != b.year {
			return b.year - a.year
		}
		return strings.Compare(donorByID[a.donor].Name, donorByID[b.donor].Name)
	})
	byDonor := &ReportTable{Caption: "report.t.contributions", Columns: columns("report.col_donor", "report.col_year",
		"report.col_committed_usd", "report.col_paid_usd", "report.col_pledged_usd", "report.col_in_kind_usd")}
	for _, k := range keys {
		t := groups[k]
		d := donorByID[k.donor]
		y := strconv.Itoa(k.year)
		href := link("/contributions", "donor", d.Slug, "year", y)
		byDonor.Rows = append(byDonor.Rows, []ReportCell{textCell(d.Name, "/donors/"+d.Slug), textCell(y, href),
			usdCell(t.Funding().USD, link("/contributions", "donor", d.Slug, "year", y, "kind", "financial")),
			usdCell(t.Paid().USD, link("/contributions", "donor", d.Slug, "year", y, "kind", "financial")),
			usdCell(t.Pledged().USD, link("/contributions", "donor", d.Slug, "year", y, "status", "pledged")),
			usdCell(t.InKind().USD, link("/contributions", "donor", d.Slug, "year", y, "kind", "in_kind"))})
	}
	inKind := &ReportTable{Caption: "report.t.in_kind", Columns: columns("report.col_in_kind_type", "report.col_value_usd", "report.col_pledged_usd")}
	for _, ty := range InKindTypes {
		t, ok := types[ty]
		if !ok {
			continue
		}
		href := link("/contributions", "kind", "in_kind")
		inKind.Rows = append(inKind.Rows, []ReportCell{{Msg: "in_kind_type." + ty, Link: href}, usdCell(t.InKind().USD, href),
			usdCell(t.InKindPledged().USD, link("/contributions", "kind", "in_kind", "status", "pledged"))})
	}
	fundedTable := &ReportTable{Caption: "report.t.funded", Columns: columns("report.col_donor", "report.col_activities_funded", "report.col_delivered")}
	slices.SortFunc(funded, func(a, b donorFunded) int {
		return strings.Compare(donorByID[a.DonorID].Name, donorByID[b.DonorID].Name)
	})
	for _, f := range funded {
		d := donorByID[f.DonorID]
		fundedTable.Rows = append(fundedTable.Rows, []ReportCell{textCell(d.Name, "/donors/"+d.Slug),
			countCell(f.Activities, link("/activities", "donor", d.Slug)),
			countCell(f.Delivered, link("/activities", "donor", d.Slug, "status", "delivered"))})
	}
	year := strconv.Itoa(c.Year)
	missing := all.Funding().MissingCount + all.Pledged().MissingCount + all.InKind().MissingCount
	c.Paragraphs = append(c.Paragraphs,
		ReportParagraph{Key: "contributions.overview", Section: SectionContributions, Message: "report.p.contributions", Figures: []ReportFigure{
			{Name: "Year", Kind: FigureText, Value: year},
			{Name: "Committed", Kind: FigureUSD, Value: all.Funding().USD.StringFixed(2), Link: link("/contributions", "year", year, "kind", "financial")},
			{Name: "Paid", Kind: FigureUSD, Value: all.Paid().USD.StringFixed(2), Link: link("/contributions", "year", year, "kind", "financial")},
			{Name: "Pledged", Kind: FigureUSD, Value: all.Pledged().USD.StringFixed(2), Link: link("/contributions", "year", year, "status", "pledged")},
			{Name: "InKind", Kind: FigureUSD, Value: all.InKind().USD.StringFixed(2), Link: link("/contributions", "year", year, "kind", "in_kind")},
			count("WithoutRate", int64(missing), link("/contributions", "year", year)),
		}, Table: byDonor},
		ReportParagraph{Key: "contributions.in_kind", Section: SectionContributions, Message: "report.p.in_kind", Figures: []ReportFigure{}, Table: inKind},
		ReportParagraph{Key: "contributions.funded", Section: SectionContributions, Message: "report.p.funded", Figures: []ReportFigure{
			count("Donors", int64(len(funded)), "/donors"),
		}, Table: fundedTable},
	)
	return nil
}
