package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

// progressFixture is a database with an open period and the people who
// act on progress reports.
type progressFixture struct {
	ctx      context.Context
	db       *gorm.DB
	period   models.ReportingPeriod
	closed   models.ReportingPeriod
	ken, fra int
	people   map[string]*models.User
}

func newProgressFixture(t *testing.T) progressFixture {
	t.Helper()
	ctx := context.Background()
	db := dbtest.New(t)
	f := progressFixture{ctx: ctx, db: db}
	var err error
	if f.period, err = models.EnsureDemoPeriod(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := db.Where("title->>'en' LIKE 'Report to the seventy-first session%'").Take(&f.closed).Error; err != nil {
		t.Fatalf("the 2016 period is not in the migration: %v", err)
	}
	ken, err := models.MemberStateByISO3(ctx, db, "KEN")
	if err != nil {
		t.Fatal(err)
	}
	fra, err := models.MemberStateByISO3(ctx, db, "FRA")
	if err != nil {
		t.Fatal(err)
	}
	f.ken, f.fra = ken.ID, fra.ID
	person := func(role models.Role, state *int) *models.User {
		r := role
		return &models.User{Status: models.StatusActive, Role: &r, MemberStateID: state, Email: string(role) + "@example.org", Name: string(role)}
	}
	f.people = map[string]*models.User{
		"anonymous":       nil,
		"viewer":          person(models.RoleViewer, nil),
		"donor":           person(models.RoleDonor, nil),
		"focal_point_ken": person(models.RoleFocalPoint, &f.ken),
		"focal_point_fra": person(models.RoleFocalPoint, &f.fra),
		"secretariat":     person(models.RoleSecretariat, nil),
		"admin":           person(models.RoleAdmin, nil),
	}
	return f
}

func (f progressFixture) ev(u *models.User) models.AuditContext {
	return models.AuditContext{Actor: u, ActorNote: "test"}
}

func (f progressFixture) save(t *testing.T, n int, seen int, narrative string) models.ProgressReport {
	t.Helper()
	r, err := models.SaveProgress(f.ctx, f.db, f.people["focal_point_ken"], f.ken, f.period, n, seen,
		models.ProgressInput{Implementation: "in_progress", Narrative: narrative, Measures: "A law.",
			EvidenceLabel: []string{"Act", ""}, EvidenceURL: []string{"https://example.org/act", ""}},
		f.ev(f.people["focal_point_ken"]))
	if err != nil {
		t.Fatalf("save paragraph %d: %v", n, err)
	}
	return r
}

func TestProgressWorkflowTransitionsAreAllowedAndRefusedForEachRole(t *testing.T) {
	f := newProgressFixture(t)
	r := f.save(t, 1, 0, "The State has drafted a law.")
	steps := []struct {
		from, to models.ProgressStatus
		allowed  []string
	}{
		{models.ProgressDraft, models.ProgressSubmitted, []string{"focal_point_ken", "admin"}},
		{models.ProgressSubmitted, models.ProgressValidated, []string{"secretariat", "admin"}},
		{models.ProgressSubmitted, models.ProgressReturned, []string{"secretariat", "admin"}},
		{models.ProgressReturned, models.ProgressSubmitted, []string{"focal_point_ken", "admin"}},
		// Steps the table does not have, for anyone.
		{models.ProgressDraft, models.ProgressValidated, nil},
		{models.ProgressDraft, models.ProgressReturned, nil},
		{models.ProgressSubmitted, models.ProgressDraft, nil},
		{models.ProgressValidated, models.ProgressReturned, nil},
		{models.ProgressValidated, models.ProgressSubmitted, nil},
		{models.ProgressReturned, models.ProgressValidated, nil},
	}
	for _, st := range steps {
		for role, u := range f.people {
			want := false
			for _, a := range st.allowed {
				want = want || a == role
			}
			name := string(st.from) + "→" + string(st.to) + " by " + role
			if err := f.db.Exec("UPDATE progress_reports SET status = ?, version = version + 1 WHERE id = ?", st.from, r.ID).Error; err != nil {
				t.Fatal(err)
			}
			var version int
			f.db.Raw("SELECT version FROM progress_reports WHERE id = ?", r.ID).Scan(&version)
			if _, ok := models.ProgressWorkflow.Find(u, f.ken, st.from, st.to); ok != want {
				t.Errorf("%s: the table says %v, want %v", name, ok, want)
			}
			_, err := models.TransitionProgress(f.ctx, f.db, u, f.ken, f.period, 1, version, st.to, "Please add the decree.", f.ev(u))
			var status string
			f.db.Raw("SELECT status FROM progress_reports WHERE id = ?", r.ID).Scan(&status)
			if want {
				if err != nil {
					t.Errorf("%s: refused: %v", name, err)
				} else if status != string(st.to) {
					t.Errorf("%s: status %s after the step", name, status)
				}
				continue
			}
			if p, ok := models.ProblemsOf(err); !ok || p["to"].ID != "workflow.not_allowed" {
				t.Errorf("%s: allowed or refused for another reason: %v", name, err)
			}
			if status != string(st.from) {
				t.Errorf("%s: refused, yet the status became %s", name, status)
			}
		}
	}

	// Returning a report needs the Secretariat's comment.
	f.db.Exec("UPDATE progress_reports SET status = 'submitted', version = 50 WHERE id = ?", r.ID)
	_, err := models.TransitionProgress(f.ctx, f.db, f.people["secretariat"], f.ken, f.period, 1, 50, models.ProgressReturned, "  ", f.ev(f.people["secretariat"]))
	if p, ok := models.ProblemsOf(err); !ok || p["note"].ID != "validation.required" {
		t.Errorf("a return without a comment: %v", err)
	}
	// A step on an outdated version is refused.
	_, err = models.TransitionProgress(f.ctx, f.db, f.people["secretariat"], f.ken, f.period, 1, 49, models.ProgressValidated, "", f.ev(f.people["secretariat"]))
	if !errors.Is(err, models.ErrStaleVersion) {
		t.Errorf("a step on version 49 of 50: %v", err)
	}
	// The State cannot submit in a closed period.
	f.db.Exec(`INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, narrative)
		VALUES (?, ?, 1, 'planned', 'Old.')`, f.ken, f.closed.ID)
	_, err = models.TransitionProgress(f.ctx, f.db, f.people["focal_point_ken"], f.ken, f.closed, 1, 1, models.ProgressSubmitted, "", f.ev(nil))
	if p, ok := models.ProblemsOf(err); !ok || p["to"].ID != "progress.period_not_open" {
		t.Errorf("a submission in a closed period: %v", err)
	}
	// Every step left a version and an audit event.
	var versions, events int64
	f.db.Raw("SELECT count(*) FROM progress_report_versions WHERE report_id = ? AND kind = 'transition'", r.ID).Scan(&versions)
	f.db.Raw("SELECT count(*) FROM audit_events WHERE action = ? AND target_id = ?", models.ActionProgressTransition, fmt.Sprint(r.ID)).Scan(&events)
	if versions != 8 || events != 8 {
		t.Errorf("%d versions and %d audit events for the 8 steps taken", versions, events)
	}
}

func TestProgressVisibilityAgreesWithItsScopeForEveryRole(t *testing.T) {
	f := newProgressFixture(t)
	f.save(t, 2, 0, "Kenya's narrative.")
	if _, err := models.SaveProgress(f.ctx, f.db, f.people["focal_point_fra"], f.fra, f.period, 2, 0,
		models.ProgressInput{Implementation: "planned"}, f.ev(nil)); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]bool{ // KEN, FRA
		"anonymous": {false, false}, "viewer": {false, false}, "donor": {false, false},
		"focal_point_ken": {true, false}, "focal_point_fra": {false, true},
		"secretariat": {true, true}, "admin": {true, true},
	}
	for role, u := range f.people {
		for i, state := range []int{f.ken, f.fra} {
			pred := models.CanSeeProgress(u, state)
			rows, err := models.StateProgress(f.ctx, f.db, u, state, f.period.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, found, err := models.ProgressFor(f.ctx, f.db, u, state, f.period.ID, 2)
			if err != nil {
				t.Fatal(err)
			}
			if pred != want[role][i] || (len(rows) == 1) != pred || found != pred {
				t.Errorf("%s on State %d: predicate %v, list %d rows, one report found %v; want %v", role, state, pred, len(rows), found, want[role][i])
			}
		}
	}
}

func TestProgressEvidenceAcceptsOnlyWebAddresses(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://www.un.org/counterterrorism/", true},
		{"http://example.org/report.pdf", true},
		{"HTTPS://EXAMPLE.ORG/x", true},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"ftp://example.org/file", false},
		{"//example.org/x", false},
		{"/relative", false},
		{"http://", false},
		{"https://exa mple.org", false},
		{"mailto:someone@example.org", false},
	} {
		_, err := models.ValidateProgress(models.ProgressInput{
			Implementation: "planned", EvidenceLabel: []string{"", "Link"}, EvidenceURL: []string{"", tc.url},
		})
		p, _ := models.ProblemsOf(err)
		if got := p["evidence_url_2"].ID == ""; got != tc.ok {
			t.Errorf("%q: accepted %v, want %v (%v)", tc.url, got, tc.ok, err)
		}
	}

	// Nothing is stored when a link is refused.
	f := newProgressFixture(t)
	_, err := models.SaveProgress(f.ctx, f.db, f.people["focal_point_ken"], f.ken, f.period, 3, 0, models.ProgressInput{
		Implementation: "planned", Narrative: "Text.", EvidenceLabel: []string{"Bad"}, EvidenceURL: []string{"javascript:alert(1)"},
	}, f.ev(nil))
	if p, ok := models.ProblemsOf(err); !ok || p["evidence_url_1"].ID != "validation.url" {
		t.Fatalf("javascript: link: %v", err)
	}
	var n int64
	f.db.Raw("SELECT count(*) FROM progress_reports").Scan(&n)
	if n != 0 {
		t.Errorf("%d reports stored after a refused link", n)
	}
	// A label without an address, or an address without a label, is refused
	// beside the row's own control.
	_, err = models.ValidateProgress(models.ProgressInput{Implementation: "planned",
		EvidenceLabel: []string{"Only a label", ""}, EvidenceURL: []string{"", "https://example.org"}})
	p, _ := models.ProblemsOf(err)
	if p["evidence_url_1"].ID != "validation.required" || p["evidence_label_2"].ID != "validation.required" {
		t.Errorf("incomplete rows: %v", err)
	}
}

func TestProgressTextsAreBoundedAndMustBeValidUTF8(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    models.ProgressInput
		field string
		id    string
	}{
		{"long narrative", models.ProgressInput{Implementation: "planned", Narrative: strings.Repeat("é", models.MaxNarrative+1)}, "narrative", "validation.too_long"},
		{"long measures", models.ProgressInput{Implementation: "planned", Measures: strings.Repeat("a", models.MaxMeasures+1)}, "measures", "validation.too_long"},
		{"invalid UTF-8", models.ProgressInput{Implementation: "planned", Narrative: "ok \xff\xfe"}, "narrative", "validation.invalid_text"},
		{"control character", models.ProgressInput{Implementation: "planned", Narrative: "bell\x07"}, "narrative", "validation.invalid_text"},
		{"unknown status", models.ProgressInput{Implementation: "done"}, "implementation", "validation.choose"},
	} {
		_, err := models.ValidateProgress(tc.in)
		p, _ := models.ProblemsOf(err)
		if p[tc.field].ID != tc.id {
			t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.id, tc.field)
		}
	}
	if _, err := models.ValidateProgress(models.ProgressInput{Implementation: "planned", Narrative: strings.Repeat("é", models.MaxNarrative)}); err != nil {
		t.Errorf("a narrative of exactly the limit: %v", err)
	}
}

func TestProgressVersionsAreKeptAndStaleSavesRefused(t *testing.T) {
	f := newProgressFixture(t)
	r := f.save(t, 4, 0, "The State adopted a law in 2015.")
	r = f.save(t, 4, r.Version, "The State adopted a new counter-terrorism law in 2016.")
	if r.Version != 2 {
		t.Fatalf("after two saves: version %d", r.Version)
	}
	// Saving the same content again makes no new version.
	if same := f.save(t, 4, 2, "The State adopted a new counter-terrorism law in 2016."); same.Version != 2 {
		t.Errorf("an unchanged save moved to version %d", same.Version)
	}
	// Someone saving on version 1 is refused, and nothing changes.
	_, err := models.SaveProgress(f.ctx, f.db, f.people["admin"], f.ken, f.period, 4, 1,
		models.ProgressInput{Implementation: "planned", Narrative: "Overwritten."}, f.ev(nil))
	if !errors.Is(err, models.ErrStaleVersion) {
		t.Fatalf("a save on version 1 of 2: %v", err)
	}
	cur, prev, err := models.ProgressVersionPair(f.ctx, f.db, r.ID, 2)
	if err != nil || prev == nil {
		t.Fatalf("versions 2 and 1: %v", err)
	}
	if prev.Narrative != "The State adopted a law in 2015." || cur.Narrative != "The State adopted a new counter-terrorism law in 2016." {
		t.Errorf("kept versions: %q, %q", prev.Narrative, cur.Narrative)
	}
	if len(cur.Evidence) != 1 || cur.Evidence[0].URL != "https://example.org/act" || cur.SavedBy != "focal_point" {
		t.Errorf("version 2 kept %+v by %q", cur.Evidence, cur.SavedBy)
	}
	page, err := models.ProgressVersions(f.ctx, f.db, r.ID, models.PageRequest{})
	if err != nil || len(page.Items) != 2 || page.Items[0].Version != 2 {
		t.Errorf("versions list: %+v, %v", page.Items, err)
	}

	diff := models.WordDiff(prev.Narrative, cur.Narrative)
	var removed, added, same []string
	for _, d := range diff {
		switch d.Op {
		case models.DiffRemoved:
			removed = append(removed, d.Text)
		case models.DiffAdded:
			added = append(added, d.Text)
		default:
			same = append(same, d.Text)
		}
	}
	if strings.Join(removed, "|") != "2015" || strings.Join(added, "|") != "new counter-terrorism |2016" {
		t.Errorf("difference: removed %q, added %q", removed, added)
	}
	if !strings.HasPrefix(strings.Join(same, ""), "The State adopted a ") {
		t.Errorf("unchanged words: %q", same)
	}

	// A validated report edited again starts a new draft; a submitted one
	// cannot be edited.
	sec := f.people["secretariat"]
	if _, err := models.TransitionProgress(f.ctx, f.db, f.people["focal_point_ken"], f.ken, f.period, 4, 2, models.ProgressSubmitted, "", f.ev(nil)); err != nil {
		t.Fatal(err)
	}
	_, err = models.SaveProgress(f.ctx, f.db, f.people["focal_point_ken"], f.ken, f.period, 4, 3, models.ProgressInput{Implementation: "planned"}, f.ev(nil))
	if p, ok := models.ProblemsOf(err); !ok || p["_form"].ID != "progress.not_editable" {
		t.Errorf("editing a submitted report: %v", err)
	}
	if _, err := models.TransitionProgress(f.ctx, f.db, sec, f.ken, f.period, 4, 3, models.ProgressValidated, "", f.ev(sec)); err != nil {
		t.Fatal(err)
	}
	again := f.save(t, 4, 4, "The State adopted a new law in 2016, and a decree.")
	if again.Status != models.ProgressDraft || again.Version != 5 {
		t.Errorf("an edit after validation: %s, version %d", again.Status, again.Version)
	}
	// Only the State edits.
	if _, err := models.SaveProgress(f.ctx, f.db, sec, f.ken, f.period, 4, 5, models.ProgressInput{Implementation: "planned"}, f.ev(sec)); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("the Secretariat editing a State's report: %v", err)
	}
}

func TestProgressCarryForwardCopiesAnswersOnceAndAudits(t *testing.T) {
	f := newProgressFixture(t)
	// Kenya's answers to the 2016 period, recorded then.
	if err := f.db.Exec(`INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, narrative, measures, evidence, status)
		VALUES (?, ?, 1, 'fully_implemented', 'Ratified all.', 'Acts.', '[{"label":"Gazette","url":"https://example.org/g"}]', 'validated'),
		       (?, ?, 2, 'planned', 'A plan.', '', '[]', 'validated'),
		       (?, ?, 3, 'in_progress', 'Training.', '', '[]', 'submitted')`,
		f.ken, f.closed.ID, f.ken, f.closed.ID, f.ken, f.closed.ID).Error; err != nil {
		t.Fatal(err)
	}
	// Paragraph 2 already has this period's answer: it is kept.
	f.save(t, 2, 0, "This year's own answer.")
	all := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}
	u := f.people["focal_point_ken"]
	res, err := models.CarryForward(f.ctx, f.db, u, f.ken, all, f.ev(u))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Paragraphs) != 2 || res.Paragraphs[0] != 1 || res.Paragraphs[1] != 3 || res.From.ID != f.closed.ID || res.To.ID != f.period.ID {
		t.Fatalf("carried %+v", res)
	}
	r, found, err := models.ProgressFor(f.ctx, f.db, u, f.ken, f.period.ID, 1)
	if err != nil || !found {
		t.Fatalf("paragraph 1 after carrying: %v", err)
	}
	if r.Implementation != models.ImplFully || r.Narrative != "Ratified all." || r.Measures != "Acts." || len(r.Evidence) != 1 ||
		r.Evidence[0].Label != "Gazette" || r.Status != models.ProgressDraft || r.Version != 1 {
		t.Errorf("carried report: %+v", r)
	}
	if own, _, _ := models.ProgressFor(f.ctx, f.db, u, f.ken, f.period.ID, 2); own.Narrative != "This year's own answer." {
		t.Errorf("paragraph 2 was overwritten: %q", own.Narrative)
	}
	var versions int64
	f.db.Raw("SELECT count(*) FROM progress_report_versions WHERE report_id = ? AND kind = 'carried' AND version = 1", r.ID).Scan(&versions)
	if versions != 1 {
		t.Errorf("%d carried versions of paragraph 1", versions)
	}

	// Again: nothing more is copied, nothing more audited.
	res, err = models.CarryForward(f.ctx, f.db, u, f.ken, all, f.ev(u))
	if err != nil || len(res.Paragraphs) != 0 {
		t.Errorf("second carry-forward: %+v, %v", res, err)
	}
	var reports, events int64
	f.db.Raw("SELECT count(*) FROM progress_reports WHERE period_id = ?", f.period.ID).Scan(&reports)
	f.db.Raw("SELECT count(*) FROM audit_events WHERE action = ?", models.ActionProgressCarried).Scan(&events)
	if reports != 3 || events != 1 {
		t.Errorf("after two carry-forwards: %d reports, %d audit events; want 3 and 1", reports, events)
	}
	// Another State's focal point, or the Secretariat, cannot do it for Kenya.
	for _, role := range []string{"focal_point_fra", "secretariat", "viewer"} {
		if _, err := models.CarryForward(f.ctx, f.db, f.people[role], f.ken, all, f.ev(nil)); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("%s carrying forward for Kenya: %v", role, err)
		}
	}
}

func TestPeriodDatesMustFollowOneAnother(t *testing.T) {
	f := newProgressFixture(t)
	for _, tc := range []struct {
		in    models.PeriodInput
		field string
		id    string
	}{
		{models.PeriodInput{TitleEN: "P", OpensOn: "2030-06-01", DueOn: "2030-06-01", ClosesOn: "2030-05-01"}, "closes_on", "period.closes_before_opens"},
		{models.PeriodInput{TitleEN: "P", OpensOn: "2030-06-01", DueOn: "2030-05-01", ClosesOn: "2030-07-01"}, "due_on", "period.due_before_opens"},
		{models.PeriodInput{TitleEN: "P", OpensOn: "2030-06-01", DueOn: "2030-08-01", ClosesOn: "2030-07-01"}, "closes_on", "period.closes_before_due"},
		{models.PeriodInput{TitleEN: "", OpensOn: "2030-06-01", DueOn: "2030-06-01", ClosesOn: "2030-07-01"}, "title_en", "validation.required"},
		{models.PeriodInput{TitleEN: "P", OpensOn: "2030-02-30", DueOn: "2030-06-01", ClosesOn: "2030-07-01"}, "opens_on", "validation.date"},
		{models.PeriodInput{TitleEN: "P", DueOn: "2030-06-01", ClosesOn: "2030-07-01"}, "opens_on", "validation.required"},
	} {
		_, err := models.CreatePeriod(f.ctx, f.db, tc.in, f.ev(nil))
		if p, _ := models.ProblemsOf(err); p[tc.field].ID != tc.id {
			t.Errorf("%+v: %v, want %s on %s", tc.in, err, tc.id, tc.field)
		}
	}
	p, err := models.CreatePeriod(f.ctx, f.db, models.PeriodInput{TitleEN: "Report (2030)", TitleFR: "Rapport (2030)",
		OpensOn: "2030-01-01", DueOn: "2030-05-31", ClosesOn: "2030-06-30"}, f.ev(nil))
	if err != nil {
		t.Fatal(err)
	}
	if p.Title.In("fr") != "Rapport (2030)" {
		t.Errorf("French title: %v", p.Title)
	}
	in := p.InputOf()
	in.ClosesOn = "2030-07-31"
	if _, err := models.UpdatePeriod(f.ctx, f.db, p.ID, 1, in, f.ev(nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := models.UpdatePeriod(f.ctx, f.db, p.ID, 1, p.InputOf(), f.ev(nil)); !errors.Is(err, models.ErrStaleVersion) {
		t.Errorf("an edit on version 1 of 2: %v", err)
	}
	// The database refuses disordered dates too.
	if err := f.db.Exec(`UPDATE reporting_periods SET closes_on = '2029-01-01' WHERE id = ?`, p.ID).Error; err == nil {
		t.Error("the database accepted a period closing before it opens")
	}
	// The demo's open period is made once.
	again, err := models.EnsureDemoPeriod(f.ctx, f.db)
	if err != nil || again.ID != f.period.ID || !again.IsOpen(models.Today()) {
		t.Errorf("EnsureDemoPeriod again: %+v, %v", again, err)
	}
}

func TestProgressDistributionCountsValidatedReportsOfTheCurrentPeriod(t *testing.T) {
	f := newProgressFixture(t)
	states := []string{"KEN", "FRA", "IDN", "DEU", "BRA"}
	for i, iso := range states {
		s, _ := models.MemberStateByISO3(f.ctx, f.db, iso)
		status, impl := "validated", "planned"
		if i == 0 {
			impl = "fully_implemented"
		}
		if i == 4 {
			status = "submitted"
		}
		f.db.Exec(`INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, status)
			VALUES (?, ?, 5, ?, ?), (?, ?, 5, 'not_started', 'validated')`, s.ID, f.period.ID, impl, status, s.ID, f.closed.ID)
	}
	d, err := models.DistributionFor(f.ctx, f.db, 5, models.Today())
	if err != nil {
		t.Fatal(err)
	}
	if d.Period == nil || d.Period.ID != f.period.ID || d.Total != 4 {
		t.Fatalf("distribution: %+v", d)
	}
	got := map[models.Implementation]int{}
	for _, c := range d.Counts {
		got[c.Implementation] = c.Count
	}
	if got[models.ImplPlanned] != 3 || got[models.ImplFully] != 1 || got[models.ImplNotStarted] != 0 || len(d.Counts) != 6 {
		t.Errorf("counts: %v", d.Counts)
	}
}
