package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/views"
	"ctap/web/i18n"
	"ctap/web/reqctx"
)

// reportFixture is a small, known dataset for the 2016 period (1 January
// to 30 June 2016; activities and contributions of 2016), every figure of
// the report counted by hand beside it.
type reportFixture struct {
	db          *gorm.DB
	ref         *models.ReferenceCache
	secretariat *models.User
	focalKEN    *models.User
	period      int64
	delivered   int64 // the national workshop, which met a need
}

func sqlID(t *testing.T, db *gorm.DB, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := db.Raw(sql, args...).Scan(&id).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return id
}

func newReportFixture(t *testing.T) reportFixture {
	t.Helper()
	db := dbtest.New(t)
	f := reportFixture{db: db, ref: &models.ReferenceCache{DB: db},
		secretariat: roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, ""),
		focalKEN:    roleUser(t, db, "focal.ken@example.org", models.RoleFocalPoint, "KEN"),
	}
	f.period = sqlID(t, db, `SELECT id FROM reporting_periods WHERE opens_on = '2016-01-01'`)
	state := func(iso3 string) string { return "(SELECT id FROM member_states WHERE iso3 = '" + iso3 + "')" }
	inst := func(n int) string {
		return "(SELECT id FROM instruments ORDER BY sort_order LIMIT 1 OFFSET " + string(rune('0'+n)) + ")"
	}

	// Treaties: Kenya joins the first instrument in the period, France had
	// joined it in 2010; Kenya only signs the second, France accedes to it
	// after the period. Parties at the end: 2; new: 1 (African).
	sqlID(t, db, `INSERT INTO treaty_actions (member_state_id, instrument_id, kind, action_date) VALUES
		(`+state("KEN")+`, `+inst(0)+`, 'accession', '2016-03-01'),
		(`+state("FRA")+`, `+inst(0)+`, 'accession', '2010-05-01'),
		(`+state("KEN")+`, `+inst(1)+`, 'signature', '2016-02-01'),
		(`+state("FRA")+`, `+inst(1)+`, 'accession', '2016-07-15') RETURNING 0`)

	// Activities: two delivered in 2016 (Kenya; Kenya and Uganda), one
	// planned in 2016 and one delivered in 2015, neither counted.
	activity := func(kind, start, status string, paras string, women, men, prosecutors, judges int) int64 {
		delivered := "NULL"
		if status == "delivered" {
			delivered = "'" + start + "'"
		}
		return sqlID(t, db, `INSERT INTO activities (kind, title, start_date, end_date, city, paragraphs, status, delivered_on,
			women, men, prosecutors, judges) VALUES (?, ?, ?, ?, 'Nairobi', ?::int[], ?, `+delivered+`, ?, ?, ?, ?) RETURNING id`,
			kind, kind+" "+start, start, start, paras, status, women, men, prosecutors, judges)
	}
	f.delivered = activity("national_workshop", "2016-03-01", "delivered", "{4,5}", 10, 5, 15, 0)
	course := activity("training_course", "2016-04-01", "delivered", "{5}", 2, 3, 0, 5)
	planned := activity("mentoring", "2016-05-01", "planned", "{6}", 0, 0, 0, 0)
	old := activity("mentoring", "2015-05-01", "delivered", "{6}", 1, 0, 1, 0)
	for _, link := range []struct {
		id  int64
		iso string
	}{{f.delivered, "KEN"}, {course, "KEN"}, {course, "UGA"}, {planned, "FRA"}, {old, "FRA"}} {
		sqlID(t, db, `INSERT INTO activity_states (activity_id, member_state_id) VALUES (?, `+state(link.iso)+`) RETURNING 0`, link.id)
	}
	sqlID(t, db, `INSERT INTO activity_partners (activity_id, partner_id) VALUES (?, (SELECT id FROM partner_organizations WHERE slug = 'cted')) RETURNING 0`, f.delivered)

	// Needs: Kenya's met by the workshop, Kenya's draft, France's submitted.
	need := func(iso, status, theme, paras string) int64 {
		return sqlID(t, db, `INSERT INTO needs (member_state_id, title, paragraphs, theme, priority, modality, status)
			VALUES (`+state(iso)+`, ?, ?::int[], ?, 'high', 'training', ?) RETURNING id`, iso+" "+status, paras, theme, status)
	}
	met := need("KEN", "met", "criminal_justice", "{4}")
	need("KEN", "draft", "criminal_justice", "{5}")
	need("FRA", "submitted", "internet", "{5}")
	sqlID(t, db, `INSERT INTO need_met_by (need_id, activity_id) VALUES (?, ?) RETURNING 0`, met, f.delivered)

	// Progress: three validated reports from two States, one submitted.
	progress := func(iso string, n int, impl, status string) {
		sqlID(t, db, `INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, narrative, status)
			VALUES (`+state(iso)+`, ?, ?, ?, ?, ?) RETURNING id`, f.period, n, impl, iso+" on paragraph", status)
	}
	progress("KEN", 5, "in_progress", "validated")
	progress("FRA", 5, "fully_implemented", "validated")
	progress("KEN", 4, "planned", "validated")
	progress("FRA", 4, "planned", "submitted")

	// Contributions, all in US dollars: Norway paid 1,000 and pledged 500
	// in 2016 and committed 700 in 2015; the EU gave experts worth 300 in
	// 2016; Norway's cancelled 2014 grant counts nowhere. Norway's payment
	// of 1,000 funds the workshop.
	contribution := func(donor, kind, amount, date, status, inKind string) int64 {
		paid, cancelled := "NULL", "NULL"
		switch status {
		case "paid":
			paid = "'" + date + "'"
		case "cancelled":
			cancelled = "'" + date + "'"
		}
		var typ any
		if inKind != "" {
			typ = inKind
		}
		return sqlID(t, db, `INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status, paid_on,
			cancelled_on, in_kind_type, reported_by) VALUES ((SELECT id FROM donor_organizations WHERE slug = ?), ?, 'A contribution', ?, 'USD', ?, ?, `+paid+`, `+cancelled+`, ?, 'donor')
			RETURNING id`, donor, kind, amount, date, status, typ)
	}
	paid := contribution("norway", "financial", "1000", "2016-02-01", "paid", "")
	contribution("norway", "financial", "500", "2016-03-01", "pledged", "")
	contribution("norway", "financial", "700", "2015-06-01", "committed", "")
	contribution("european-union", "in_kind", "300", "2016-04-01", "committed", "experts")
	contribution("norway", "financial", "900", "2014-06-01", "cancelled", "")
	sqlID(t, db, `INSERT INTO activity_funding (activity_id, contribution_id, amount) VALUES (?, ?, 200) RETURNING 0`, f.delivered, paid)
	return f
}

func (f reportFixture) ev() models.AuditContext { return models.AuditContext{Actor: f.secretariat} }

// reportText renders a report as the handlers do when it is issued: the
// view's plain text in each language's catalogue.
func reportText(t *testing.T) models.ReportRenderer {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return func(c models.ReportContent, lang string) (string, error) {
		ctx := reqctx.WithLocalizer(context.Background(), cat.Localizer(lang))
		return views.ReportPlainText(ctx, views.ReportDocument{Content: c}), nil
	}
}

func (f reportFixture) generate(t *testing.T, seen int) models.Report {
	t.Helper()
	r, err := models.GenerateReport(context.Background(), f.db, f.ref, f.secretariat, f.period, seen, f.ev())
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return r
}

func figure(t *testing.T, c models.ReportContent, key, name string) models.ReportFigure {
	t.Helper()
	p, _, ok := c.Paragraph(key)
	if !ok {
		t.Fatalf("no paragraph %s", key)
	}
	fig, ok := p.Figure(name)
	if !ok {
		t.Fatalf("paragraph %s has no figure %s", key, name)
	}
	return fig
}

// row finds the table row of a paragraph whose heading cell says label (a
// message ID or a value) and returns its cells' values.
func row(t *testing.T, c models.ReportContent, key, label string) []string {
	t.Helper()
	p, _, _ := c.Paragraph(key)
	if p.Table == nil {
		t.Fatalf("paragraph %s has no table", key)
	}
	for _, r := range p.Table.Rows {
		if r[0].Msg == label || r[0].Text == label {
			out := make([]string, len(r)-1)
			for i, cell := range r[1:] {
				out[i] = cell.Text
			}
			return out
		}
	}
	t.Fatalf("paragraph %s has no row %s", key, label)
	return nil
}

func TestTheReportCountsEveryFigureOfAKnownDataset(t *testing.T) {
	f := newReportFixture(t)
	c := f.generate(t, 0).Content

	if got := figure(t, c, "intro.mandate", "Symbol").Value; got != "A/RES/70/177" {
		t.Errorf("symbol %q", got)
	}
	for _, tc := range []struct{ key, name, want, link string }{
		{"ratification.instruments", "Parties", "2", "/instruments"},
		{"ratification.instruments", "NewParties", "1", "/instruments"},
		{"assistance.delivered", "Activities", "2", "/activities?status=delivered&year=2016"},
		{"assistance.delivered", "States", "2", "/activities?status=delivered&year=2016"},
		{"assistance.participants", "Officials", "20", ""},
		{"assistance.participants", "Women", "12", ""},
		{"assistance.participants", "Men", "8", ""},
		{"assistance.partners", "Joint", "1", ""},
		{"needs.overview", "Needs", "3", "/needs"},
		{"needs.overview", "States", "2", ""},
		{"needs.overview", "Met", "1", "/needs?status=met"},
		{"progress.overview", "States", "2", ""},
		{"progress.overview", "Reports", "3", ""},
		{"contributions.overview", "Committed", "1000.00", "/contributions?kind=financial&year=2016"},
		{"contributions.overview", "Paid", "1000.00", ""},
		{"contributions.overview", "Pledged", "500.00", "/contributions?status=pledged&year=2016"},
		{"contributions.overview", "InKind", "300.00", "/contributions?kind=in_kind&year=2016"},
		{"contributions.overview", "WithoutRate", "0", ""},
	} {
		fig := figure(t, c, tc.key, tc.name)
		if fig.Value != tc.want {
			t.Errorf("%s %s = %s, want %s", tc.key, tc.name, fig.Value, tc.want)
		}
		if tc.link != "" && fig.Link != tc.link {
			t.Errorf("%s %s links to %s, want %s", tc.key, tc.name, fig.Link, tc.link)
		}
	}
	for _, tc := range []struct {
		key, label string
		want       []string
	}{
		{"ratification.groups", "group.african", []string{"1", "1"}},
		{"ratification.groups", "group.western_european_other", []string{"1", "0"}},
		{"assistance.delivered", "activity_kind.national_workshop", []string{"1"}},
		{"assistance.delivered", "activity_kind.training_course", []string{"1"}},
		{"assistance.delivered", "activity_kind.mentoring", []string{"0"}},
		{"assistance.paragraphs", "4", []string{"1"}},
		{"assistance.paragraphs", "5", []string{"2"}},
		{"assistance.paragraphs", "6", []string{"0"}},
		{"assistance.groups", "group.african", []string{"2", "2"}},
		{"assistance.groups", "group.western_european_other", []string{"0", "0"}},
		{"assistance.participants", "profession.prosecutors", []string{"15"}},
		{"assistance.participants", "profession.judges", []string{"5"}},
		{"needs.overview", "need_status.met", []string{"1"}},
		{"needs.overview", "need_status.draft", []string{"1"}},
		{"needs.overview", "need_status.submitted", []string{"1"}},
		{"needs.themes", "theme.criminal_justice", []string{"2", "1"}},
		{"needs.themes", "theme.internet", []string{"1", "0"}},
		{"needs.paragraphs", "5", []string{"2"}},
		{"needs.groups", "group.african", []string{"2", "1", "1"}},
		{"needs.groups", "group.western_european_other", []string{"1", "1", "0"}},
		{"needs.met", "KEN met", []string{"KEN", "national_workshop 2016-03-01"}},
		// paragraph, States that reported, then the six statuses in order.
		{"progress.overview", "5", []string{"2", "0", "0", "1", "0", "1", "0"}},
		{"progress.overview", "4", []string{"1", "0", "1", "0", "0", "0", "0"}},
		{"contributions.overview", "Norway", []string{"2016", "1000.00", "1000.00", "500.00", "0.00"}},
		{"contributions.in_kind", "in_kind_type.experts", []string{"300.00", "0.00"}},
		{"contributions.funded", "Norway", []string{"1", "1"}},
	} {
		got := row(t, c, tc.key, tc.label)
		if len(got) != len(tc.want) {
			t.Errorf("%s row %s = %v, want %v", tc.key, tc.label, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s row %s = %v, want %v", tc.key, tc.label, got, tc.want)
				break
			}
		}
	}
	p, _, _ := c.Paragraph("assistance.partners")
	if len(p.Table.Rows) != 1 || p.Table.Rows[0][1].Text != "1" || p.Table.Rows[0][0].Link != "/activities?partner=cted&status=delivered&year=2016" {
		t.Errorf("partners table %+v", p.Table.Rows)
	}
	g, _, _ := c.Paragraph("needs.groups")
	if g.Table.Rows[0][1].Link != "/needs?group=african" {
		t.Errorf("needs of the African group link to %s", g.Table.Rows[0][1].Link)
	}
	// The list the group's figure links to counts the same needs.
	if n, err := models.CountNeeds(context.Background(), f.db, f.secretariat, models.NeedFilter{Group: models.GroupAfrican}); err != nil || n != 2 {
		t.Errorf("/needs?group=african counts %d needs (%v), want 2 as the report", n, err)
	}
	// Norway's 2015 commitment is its own row.
	p, _, _ = c.Paragraph("contributions.overview")
	if len(p.Table.Rows) != 3 {
		t.Errorf("contributions by donor and year: %d rows, want 3 (Norway 2016, EU 2016, Norway 2015)", len(p.Table.Rows))
	}
	if last := p.Table.Rows[2]; last[0].Text != "Norway" || last[1].Text != "2015" || last[2].Text != "700.00" || last[3].Text != "0.00" {
		t.Errorf("Norway 2015: %+v", last)
	}
}

func TestAReportCountsOnlyWhatItsAuthorMaySee(t *testing.T) {
	f := newReportFixture(t)
	// A focal point may not draft reports at all.
	if _, err := models.GenerateReport(context.Background(), f.db, f.ref, f.focalKEN, f.period, 0, models.AuditContext{Actor: f.focalKEN}); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a focal point generated a report: %v", err)
	}
}

func TestEditedWordingSurvivesRegenerationAndAChangedFigureIsFlagged(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	r := f.generate(t, 0)

	// A token keeps the figure current; the typed "2 States" does not.
	in := models.ParagraphInput{Text: "The Office delivered {Activities} activities to 2 States.", Version: r.Version}
	r, err := models.EditReportParagraph(ctx, f.db, f.secretariat, r.ID, "assistance.delivered", in, f.ev())
	if err != nil {
		t.Fatal(err)
	}
	if n := r.Content.Flagged(); n != 0 {
		t.Errorf("%d paragraphs flagged right after the edit", n)
	}

	// A third delivered activity, in Tanzania, changes two figures.
	id := sqlID(t, f.db, `INSERT INTO activities (kind, title, start_date, end_date, city, status, delivered_on)
		VALUES ('expert_advice', 'Advice', '2016-05-01', '2016-05-01', 'Dodoma', 'delivered', '2016-05-01') RETURNING id`)
	sqlID(t, f.db, `INSERT INTO activity_states (activity_id, member_state_id) VALUES (?, (SELECT id FROM member_states WHERE iso3 = 'TZA')) RETURNING 0`, id)
	r = f.generate(t, r.Version)

	p, _, _ := r.Content.Paragraph("assistance.delivered")
	if p.Edited == nil || p.Edited.Text != in.Text {
		t.Fatalf("the wording was lost: %+v", p.Edited)
	}
	changes := p.ChangedFigures()
	if len(changes) != 2 || changes[0].Name != "Activities" || changes[0].Was != "2" || changes[0].Now != "3" ||
		changes[1].Name != "States" || changes[1].Now != "3" {
		t.Errorf("changed figures %+v, want Activities 2→3 and States 2→3", changes)
	}
	if r.Content.Flagged() != 1 {
		t.Errorf("%d paragraphs flagged, want 1", r.Content.Flagged())
	}
	// Saving the wording again accepts the new figures.
	r, err = models.EditReportParagraph(ctx, f.db, f.secretariat, r.ID, "assistance.delivered",
		models.ParagraphInput{Text: "The Office delivered {Activities} activities to {States} States.", Version: r.Version}, f.ev())
	if err != nil {
		t.Fatal(err)
	}
	if r.Content.Flagged() != 0 {
		t.Errorf("still flagged after the wording was saved over the new figures")
	}
	// Going back to the generated wording drops the Secretariat's.
	back, err := models.EditReportParagraph(ctx, f.db, f.secretariat, r.ID, "intro.scope",
		models.ParagraphInput{Text: "Covered period.", Version: r.Version}, f.ev())
	if err != nil {
		t.Fatal(err)
	}
	back, err = models.EditReportParagraph(ctx, f.db, f.secretariat, r.ID, "intro.scope",
		models.ParagraphInput{Restore: true, Version: back.Version}, f.ev())
	if err != nil {
		t.Fatal(err)
	}
	if p, _, _ := back.Content.Paragraph("intro.scope"); p.Edited != nil {
		t.Errorf("the restored paragraph still has the wording %q", p.Edited.Text)
	}
	r = back
	// A token the paragraph has no figure for is refused.
	_, err = models.EditReportParagraph(ctx, f.db, f.secretariat, r.ID, "assistance.delivered",
		models.ParagraphInput{Text: "{Nonsense}", Version: r.Version}, f.ev())
	if p, ok := models.ProblemsOf(err); !ok || p["text"].ID != "report.unknown_figure" {
		t.Errorf("unknown token: %v", err)
	}
	// An edit made on an old version is stale.
	_, err = models.EditReportParagraph(ctx, f.db, f.secretariat, r.ID, "conclusions",
		models.ParagraphInput{Text: "Conclusions.", Version: r.Version - 1}, f.ev())
	if !errors.Is(err, models.ErrStaleVersion) {
		t.Errorf("stale edit: %v", err)
	}

	versions, err := models.ReportVersions(ctx, f.db, r.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, v := range versions {
		kinds = append(kinds, v.Kind)
	}
	if want := []string{"edited", "edited", "edited", "regenerated", "edited", "generated"}; !slices.Equal(kinds, want) {
		t.Errorf("versions %v, want %v (newest first)", kinds, want)
	}
	v, err := models.ReportVersionByNumber(ctx, f.db, r.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := figure(t, v.Content, "assistance.delivered", "Activities").Value; got != "2" {
		t.Errorf("version 1 says %s activities, want 2 as it was", got)
	}
}

func TestTheReportWorkflowTable(t *testing.T) {
	f := newReportFixture(t)
	for _, tc := range []struct {
		who      *models.User
		from, to models.ReportStatus
		ok       bool
		note     bool
	}{
		{f.secretariat, models.ReportDraft, models.ReportReview, true, false},
		{f.secretariat, models.ReportReview, models.ReportDraft, true, true},
		{f.secretariat, models.ReportReview, models.ReportIssued, true, false},
		{f.secretariat, models.ReportDraft, models.ReportIssued, false, false},
		{f.secretariat, models.ReportIssued, models.ReportDraft, false, false},
		{f.focalKEN, models.ReportDraft, models.ReportReview, false, false},
		{f.focalKEN, models.ReportReview, models.ReportIssued, false, false},
	} {
		tr, ok := models.ReportWorkflow.FindFor(models.ReportActors(tc.who), tc.from, tc.to)
		if ok != tc.ok || (ok && tr.NoteRequired != tc.note) {
			t.Errorf("%s → %s by %s: allowed %v (note %v), want %v (note %v)", tc.from, tc.to, *tc.who.Role, ok, tr.NoteRequired, tc.ok, tc.note)
		}
	}
}

func TestAnIssuedReportNeverChanges(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	r := f.generate(t, 0)
	var err error
	if _, err = models.TransitionReport(ctx, f.db, f.secretariat, r.ID, r.Version, models.ReportDraft, "", reportText(t), f.ev()); err == nil {
		t.Fatal("a draft went to draft")
	}
	if r, err = models.TransitionReport(ctx, f.db, f.secretariat, r.ID, r.Version, models.ReportReview, "", reportText(t), f.ev()); err != nil {
		t.Fatal(err)
	}
	if _, err = models.TransitionReport(ctx, f.db, f.secretariat, r.ID, r.Version, models.ReportDraft, "", reportText(t), f.ev()); err == nil {
		t.Error("returned to draft without a reason")
	}
	if r, err = models.TransitionReport(ctx, f.db, f.secretariat, r.ID, r.Version, models.ReportIssued, "", reportText(t), f.ev()); err != nil {
		t.Fatal(err)
	}
	if r.Status != models.ReportIssued {
		t.Fatalf("status %s", r.Status)
	}
	if _, err := models.EditReportParagraph(ctx, f.db, f.secretariat, r.ID, "conclusions",
		models.ParagraphInput{Text: "Late words.", Version: r.Version}, f.ev()); !errors.Is(err, models.ErrReportIssued) {
		t.Errorf("edit of an issued report: %v", err)
	}
	if _, err := models.GenerateReport(ctx, f.db, f.ref, f.secretariat, f.period, r.Version, f.ev()); !errors.Is(err, models.ErrReportIssued) {
		t.Errorf("regeneration of an issued report: %v", err)
	}
	if _, err := models.ChooseExcerpt(ctx, f.db, f.ref, f.secretariat, r.ID, models.ExcerptInput{ProgressID: 1, Quote: true, Version: r.Version}, f.ev()); !errors.Is(err, models.ErrReportIssued) {
		t.Errorf("excerpt in an issued report: %v", err)
	}
	if _, err := models.TransitionReport(ctx, f.db, f.secretariat, r.ID, r.Version, models.ReportDraft, "why", reportText(t), f.ev()); !errors.Is(err, models.ErrReportIssued) {
		t.Errorf("transition of an issued report: %v", err)
	}
	// Not even a direct write gets past the database.
	if err := f.db.Exec(`UPDATE reports SET content = '{}' WHERE id = ?`, r.ID).Error; err == nil {
		t.Error("the database let an issued report change")
	}
	got, err := models.ReportByID(ctx, f.db, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != r.Version || got.IssuedAt == nil {
		t.Errorf("issued report at version %d (issued %v), want %d", got.Version, got.IssuedAt, r.Version)
	}
}

func TestExcerptsQuoteValidatedNarrativesAndFollowThem(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	r := f.generate(t, 0)
	page, err := models.ValidatedNarratives(ctx, f.db, f.secretariat, f.period, 5, models.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 {
		t.Fatalf("%d validated narratives on paragraph 5, want 2", len(page.Items))
	}
	pick := page.Items[0]
	if r, err = models.ChooseExcerpt(ctx, f.db, f.ref, f.secretariat, r.ID, models.ExcerptInput{ProgressID: pick.ID, Quote: true, Version: r.Version}, f.ev()); err != nil {
		t.Fatal(err)
	}
	if len(r.Content.Excerpts) != 1 || r.Content.Excerpts[0].Paragraph != 5 {
		t.Fatalf("excerpts %+v", r.Content.Excerpts)
	}
	// The submitted report cannot be quoted.
	submitted := sqlID(t, f.db, `SELECT id FROM progress_reports WHERE status = 'submitted'`)
	if _, err := models.ChooseExcerpt(ctx, f.db, f.ref, f.secretariat, r.ID, models.ExcerptInput{ProgressID: submitted, Quote: true, Version: r.Version}, f.ev()); err == nil {
		t.Error("quoted a narrative that is not validated")
	}
	// A regeneration refreshes the quoted text and drops a narrative no
	// longer validated.
	sqlID(t, f.db, `UPDATE progress_reports SET narrative = 'Revised narrative' WHERE id = ? RETURNING 0`, pick.ID)
	r = f.generate(t, r.Version)
	if len(r.Content.Excerpts) != 1 || r.Content.Excerpts[0].Text != "Revised narrative" {
		t.Errorf("excerpts after regeneration %+v", r.Content.Excerpts)
	}
	sqlID(t, f.db, `UPDATE progress_reports SET status = 'returned' WHERE id = ? RETURNING 0`, pick.ID)
	r = f.generate(t, r.Version)
	if len(r.Content.Excerpts) != 0 {
		t.Errorf("a returned narrative is still quoted: %+v", r.Content.Excerpts)
	}
}

func TestTheDemoSeedDraftsThe2016ReportOnce(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	for range 2 {
		if _, err := models.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	var reports, versions int64
	db.Model(&models.Report{}).Count(&reports)
	db.Model(&models.ReportVersion{}).Count(&versions)
	if reports != 1 || versions != 2 {
		t.Fatalf("%d reports with %d versions after two seeds, want 1 with 2 (generated, conclusions written)", reports, versions)
	}
	var r models.Report
	if err := db.Take(&r).Error; err != nil {
		t.Fatal(err)
	}
	p, _, _ := r.Content.Paragraph("conclusions")
	if r.Status != models.ReportDraft || p.Edited == nil {
		t.Errorf("the demo report is %s, conclusions %+v: want a draft with its conclusions written", r.Status, p.Edited)
	}
	if figure(t, r.Content, "progress.overview", "Reports").Value == "0" {
		t.Error("the demo report counts no validated progress report for 2016")
	}
}

func TestTwoPeopleGeneratingThePeriodsFirstReportAtOnceMakeOne(t *testing.T) {
	f := newReportFixture(t)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := models.GenerateReport(context.Background(), f.db, f.ref, f.secretariat, f.period, 0, f.ev())
			errs <- err
		}()
	}
	stale := 0
	for range 2 {
		if err := <-errs; errors.Is(err, models.ErrStaleVersion) {
			stale++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	f.db.Model(&models.Report{}).Count(&n)
	if n != 1 || stale > 1 {
		t.Errorf("%d reports, %d generations refused as stale: want 1 report", n, stale)
	}
}
