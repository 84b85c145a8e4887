package models_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

// seedReader reads a seeded database in the tests of the seeds.
type seedReader struct {
	t   *testing.T
	ctx context.Context
	db  *gorm.DB
}

func (r seedReader) count(query string, args ...any) int64 {
	r.t.Helper()
	var n int64
	if err := r.db.Raw(query, args...).Scan(&n).Error; err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (r seedReader) strings(query string, args ...any) []string {
	r.t.Helper()
	var out []string
	if err := r.db.Raw(query, args...).Scan(&out).Error; err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return out
}

// tableCounts are the rows of every table the seeds fill.
func (r seedReader) tableCounts() map[string]int64 {
	r.t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"needs", "need_events", "reporting_periods", "progress_reports",
		"progress_report_versions", "treaty_actions", "treaty_incorporations", "invitations"} {
		out[table] = r.count("SELECT count(*) FROM " + table)
	}
	return out
}

func (r seedReader) state(iso3 string) models.MemberState {
	r.t.Helper()
	s, err := models.MemberStateByISO3(r.ctx, r.db, iso3)
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

// periods returns the period open today and the 2016 one of the migration.
func (r seedReader) periods() (open, closed models.ReportingPeriod) {
	r.t.Helper()
	if err := r.db.Where("opens_on <= current_date AND closes_on >= current_date").Order("opens_on DESC").Take(&open).Error; err != nil {
		r.t.Fatalf("no period open today: %v", err)
	}
	if err := r.db.Where("title->>'en' = 'Report to the seventy-first session (2016)'").Take(&closed).Error; err != nil {
		r.t.Fatalf("the 2016 period of the migration: %v", err)
	}
	return open, closed
}

func seedPerson(role models.Role, state *int) *models.User {
	r := role
	return &models.User{Status: models.StatusActive, Role: &r, MemberStateID: state, Email: string(role) + "@example.org", Name: string(role)}
}

// checkNeedHistories checks every need's history against the workflow
// table: it starts with the creation of a draft, each transition leaves
// the status the one before reached, the last reaches the need's status,
// a step that needs a note has one, and the version counts the steps.
func (r seedReader) checkNeedHistories() {
	r.t.Helper()
	var needs []models.Need
	if err := r.db.Select("id, status, version, status_changed_at, created_at, updated_at").Find(&needs).Error; err != nil {
		r.t.Fatal(err)
	}
	var events []models.NeedEvent
	if err := r.db.Order("need_id, at, id").Find(&events).Error; err != nil {
		r.t.Fatal(err)
	}
	byNeed := map[int64][]models.NeedEvent{}
	for _, e := range events {
		byNeed[e.NeedID] = append(byNeed[e.NeedID], e)
	}
	bad := 0
	fail := func(n models.Need, format string, args ...any) {
		if bad++; bad <= 10 {
			r.t.Errorf("need %d (%s): "+format, append([]any{n.ID, n.Status}, args...)...)
		}
	}
	for _, n := range needs {
		h := byNeed[n.ID]
		if len(h) == 0 || h[0].Kind != "created" || h[0].ToStatus == nil || *h[0].ToStatus != string(models.NeedDraft) {
			fail(n, "history does not start with a created draft: %+v", h)
			continue
		}
		status := models.NeedDraft
		for _, e := range h[1:] {
			if e.Kind != "transition" {
				continue
			}
			if e.FromStatus == nil || e.ToStatus == nil || models.NeedStatus(*e.FromStatus) != status {
				fail(n, "transition %+v does not leave %s", e, status)
				break
			}
			to := models.NeedStatus(*e.ToStatus)
			found := false
			for _, tr := range models.NeedWorkflow {
				if tr.From == status && tr.To == to {
					found = true
					if tr.NoteRequired && strings.TrimSpace(e.Note) == "" {
						fail(n, "step %s → %s without the note it needs", status, to)
					}
				}
			}
			if !found {
				fail(n, "step %s → %s is not in the workflow", status, to)
			}
			status = to
		}
		if status != n.Status {
			fail(n, "history ends in %s", status)
		}
		if n.Version != len(h) {
			fail(n, "version %d after %d steps", n.Version, len(h))
		}
		last := h[len(h)-1].At
		if !n.CreatedAt.Equal(h[0].At) || n.UpdatedAt.Before(last) || n.StatusChangedAt.After(n.UpdatedAt) {
			fail(n, "times created %v updated %v status %v, history %v…%v", n.CreatedAt, n.UpdatedAt, n.StatusChangedAt, h[0].At, last)
		}
	}
}

// checkReportVersions checks that every report's versions run from 1 to
// its version and that the last stands as the report does.
func (r seedReader) checkReportVersions() {
	r.t.Helper()
	if n := r.count(`SELECT count(*) FROM progress_reports p WHERE
		p.version <> (SELECT count(*) FROM progress_report_versions v WHERE v.report_id = p.id)
		OR p.version <> (SELECT max(version) FROM progress_report_versions v WHERE v.report_id = p.id)
		OR NOT EXISTS (SELECT 1 FROM progress_report_versions v WHERE v.report_id = p.id AND v.version = p.version
			AND v.status = p.status AND v.return_comment = p.return_comment AND v.narrative = p.narrative
			AND v.implementation = p.implementation AND v.evidence = p.evidence)`); n != 0 {
		r.t.Errorf("%d reports whose versions do not end in the report", n)
	}
	if n := r.count(`SELECT count(*) FROM progress_reports WHERE status = 'returned' AND return_comment = ''`); n != 0 {
		r.t.Errorf("%d returned reports without the Secretariat's comment", n)
	}
	if n := r.count(`SELECT count(*) FROM progress_reports WHERE status IN ('submitted', 'validated', 'returned')
		AND narrative = '' AND implementation <> 'not_applicable'`); n != 0 {
		r.t.Errorf("%d reports submitted without a narrative", n)
	}
	if n := r.count(`SELECT count(*) FROM progress_reports, jsonb_array_elements(evidence) e WHERE e->>'url' NOT LIKE 'https://%'`); n != 0 {
		r.t.Errorf("%d evidence links that are not https", n)
	}
}

// checkTreatyActions checks every action against the rules a person's edit
// meets: dated between the instrument's adoption and today, and a
// ratification, acceptance or approval after a signature.
func (r seedReader) checkTreatyActions() {
	r.t.Helper()
	if n := r.count(`SELECT count(*) FROM treaty_actions t JOIN instruments i ON i.id = t.instrument_id
		WHERE t.action_date < i.adopted_on OR t.action_date > current_date`); n != 0 {
		r.t.Errorf("%d treaty actions dated before the instrument or after today", n)
	}
	if n := r.count(`SELECT count(*) FROM treaty_actions c WHERE c.kind IN ('ratification', 'acceptance', 'approval')
		AND NOT EXISTS (SELECT 1 FROM treaty_actions s WHERE s.member_state_id = c.member_state_id
			AND s.instrument_id = c.instrument_id AND s.kind = 'signature' AND s.action_date <= c.action_date)`); n != 0 {
		r.t.Errorf("%d ratifications, acceptances or approvals without an earlier signature", n)
	}
}

func TestTheDemoSeedFillsTheWorkspaceTablesOnce(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	r := seedReader{t, ctx, db}
	summary, err := models.SeedDemo(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(summary)
	open, closed := r.periods()
	if open.ID == closed.ID {
		t.Fatal("the open period is the 2016 one")
	}

	// Needs: twenty States and more, the demo focal points' among them,
	// every status and visibility, all labelled.
	if n := r.count("SELECT count(DISTINCT member_state_id) FROM needs"); n < 20 {
		t.Errorf("needs of %d States, want 20 or more", n)
	}
	for _, iso3 := range []string{"KEN", "FRA", "IDN"} {
		if n := r.count("SELECT count(*) FROM needs WHERE member_state_id = ?", r.state(iso3).ID); n == 0 {
			t.Errorf("no need of %s", iso3)
		}
	}
	statuses := r.strings("SELECT DISTINCT status FROM needs")
	for _, s := range models.NeedStatuses() {
		if !contains(statuses, string(s)) {
			t.Errorf("no need in status %s (have %v)", s, statuses)
		}
	}
	visibilities := r.strings("SELECT DISTINCT visibility FROM needs")
	for _, v := range models.NeedVisibilities() {
		if !contains(visibilities, string(v)) {
			t.Errorf("no need with visibility %s", v)
		}
	}
	if n := r.count("SELECT count(*) FROM needs WHERE title NOT LIKE '% (demo)'"); n != 0 {
		t.Errorf("%d demo needs not labelled (demo)", n)
	}
	if n := r.count("SELECT count(*) FROM needs WHERE estimated_cost IS NOT NULL"); n == 0 {
		t.Error("no need has an estimated cost")
	}
	r.checkNeedHistories()
	ken := r.state("KEN")
	if n := r.count("SELECT count(*) FROM needs WHERE member_state_id = ? AND status = 'draft'", ken.ID); n < 2 {
		t.Errorf("Kenya has %d draft needs, want some", n)
	}
	if n := r.count("SELECT count(*) FROM needs WHERE member_state_id = ? AND status = 'under_review'", ken.ID); n != 1 {
		t.Errorf("Kenya has %d needs under review, want one", n)
	}

	// Progress: validated and returned reports in both periods, Kenya's
	// paragraph 2 not started in the open one.
	for _, p := range []models.ReportingPeriod{closed, open} {
		for _, s := range models.ProgressStatuses() {
			if n := r.count("SELECT count(*) FROM progress_reports WHERE period_id = ? AND status = ?", p.ID, s); n == 0 {
				t.Errorf("period %q has no %s report", p.Title["en"], s)
			}
		}
		if n := r.count("SELECT count(DISTINCT member_state_id) FROM progress_reports WHERE period_id = ?", p.ID); n < 20 {
			t.Errorf("period %q has reports of %d States, want 20 or more", p.Title["en"], n)
		}
	}
	if n := r.count("SELECT count(*) FROM progress_reports WHERE member_state_id = ? AND period_id = ? AND paragraph_number = 2", ken.ID, open.ID); n != 0 {
		t.Error("Kenya has reported on paragraph 2 in the open period: the journey that reports it has nothing to do")
	}
	for _, s := range []models.ProgressStatus{models.ProgressReturned, models.ProgressDraft} {
		if n := r.count("SELECT count(*) FROM progress_reports WHERE member_state_id = ? AND period_id = ? AND status = ?", ken.ID, open.ID, s); n == 0 {
			t.Errorf("Kenya has no %s report in the open period", s)
		}
	}
	if n := r.count("SELECT count(*) FROM progress_report_versions WHERE kind = 'carried'"); n == 0 {
		t.Error("no report was carried forward")
	}
	r.checkReportVersions()

	// Treaties: every State has acted on some instrument; the derived
	// statuses mix parties, signatories and States not party; Kenya is
	// not party to some instrument.
	if n := r.count("SELECT count(DISTINCT member_state_id) FROM treaty_actions"); n != 193 {
		t.Errorf("treaty actions for %d States, want 193", n)
	}
	if n := r.count("SELECT count(DISTINCT level) FROM treaty_incorporations"); n != int64(len(models.IncorporationLevels())) {
		t.Errorf("%d incorporation levels used, want every one", n)
	}
	r.checkTreatyActions()
	ref := &models.ReferenceCache{DB: db}
	m, err := models.LoadTreatyMatrix(ctx, db, ref, "", models.TreatyToday())
	if err != nil {
		t.Fatal(err)
	}
	mix := map[models.TreatyStatus]int{}
	kenyaNotParty := 0
	for si, s := range m.States {
		for _, st := range m.Cells[si] {
			mix[st]++
			if s.ISO3 == "KEN" && st != models.TreatyParty {
				kenyaNotParty++
			}
		}
	}
	for _, st := range models.TreatyStatuses() {
		if mix[st] == 0 {
			t.Errorf("no State is %s to any instrument: %v", st, mix)
		}
	}
	if mix[models.TreatyParty] < mix[models.TreatyNotParty] {
		t.Errorf("fewer parties than States not party: %v", mix)
	}
	if kenyaNotParty == 0 {
		t.Error("Kenya is party to every instrument: a journey cannot record a ratification")
	}
	recs, err := models.LoadTreatyRecords(ctx, db, ken.ID)
	if err != nil {
		t.Fatal(err)
	}
	signatoryOnly := false
	for _, rec := range recs {
		signatoryOnly = signatoryOnly || rec.Status(models.TreatyToday()) == models.TreatySignatory
	}
	if !signatoryOnly {
		t.Error("Kenya has signed no instrument it has not ratified")
	}

	// The pages' model functions read the seeded data; Kenya's page shows
	// its focal point what to do.
	checkWorkspaceReads(t, db, ken, open)
	o, err := models.LoadStateOverview(ctx, db, ref, seedPerson(models.RoleFocalPoint, &ken.ID), ken, models.Today())
	if err != nil {
		t.Fatal(err)
	}
	waiting := attentionCounts(o.Attention)
	for _, k := range []models.AttentionKind{models.AttentionProgressReturned, models.AttentionProgressDraft,
		models.AttentionProgressMissing, models.AttentionNeedsDraft} {
		if waiting[k] == 0 {
			t.Errorf("Kenya's page does not show %s: %+v", k, o.Attention)
		}
	}

	// Running it again adds nothing.
	before := r.tableCounts()
	again, err := models.SeedDemo(ctx, db)
	if err != nil {
		t.Fatalf("second demo seed: %v", err)
	}
	if after := r.tableCounts(); !sameCounts(before, after) {
		t.Errorf("the second demo seed added rows: %v, then %v (%s)", before, after, again)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func sameCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// checkWorkspaceReads calls the model functions behind the needs list, the
// progress pages, the treaty matrix, a State's page and the review queue
// on the seeded data, as the people who see them.
func checkWorkspaceReads(t *testing.T, db *gorm.DB, ken models.MemberState, open models.ReportingPeriod) {
	t.Helper()
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: db}
	focal := seedPerson(models.RoleFocalPoint, &ken.ID)
	sec := seedPerson(models.RoleSecretariat, nil)
	donor := seedPerson(models.RoleDonor, nil)
	for name, u := range map[string]*models.User{"secretariat": sec, "focal point of Kenya": focal, "donor": donor, "anonymous": nil} {
		for _, sort := range models.NeedSorts() {
			page, err := models.ListNeeds(ctx, db, u, models.NeedFilter{Sort: sort}, models.PageRequest{Limit: 20})
			if err != nil {
				t.Fatalf("needs list for %s by %s: %v", name, sort, err)
			}
			if len(page.Items) == 0 {
				t.Errorf("needs list for %s by %s is empty", name, sort)
			}
			if page.Next != "" {
				if _, err := models.ListNeeds(ctx, db, u, models.NeedFilter{Sort: sort}, models.PageRequest{After: page.Next, Limit: 20}); err != nil {
					t.Errorf("second page for %s by %s: %v", name, sort, err)
				}
			}
		}
	}
	counts, err := models.CountNeedsByStatus(ctx, db, focal, ken.ID)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range counts {
		total += c.Count
	}
	if total == 0 {
		t.Error("Kenya's focal point counts no need of Kenya")
	}
	if n, err := models.CountNeeds(ctx, db, nil, models.NeedFilter{Status: models.NeedDraft}); err != nil || n != 0 {
		t.Errorf("anonymous sees %d draft needs (%v)", n, err)
	}

	rows, err := models.StateProgress(ctx, db, focal, ken.ID, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("Kenya's progress page is empty")
	}
	versions, err := models.ProgressVersions(ctx, db, rows[0].ID, models.PageRequest{})
	if err != nil || len(versions.Items) != rows[0].Version {
		t.Errorf("versions of report %d: %d for version %d (%v)", rows[0].ID, len(versions.Items), rows[0].Version, err)
	}
	if latest, prev, err := models.ProgressVersionPair(ctx, db, rows[0].ID, rows[0].Version); err != nil || latest.Version != rows[0].Version || (rows[0].Version > 1) != (prev != nil) {
		t.Errorf("version pair of report %d: %v", rows[0].ID, err)
	}
	d, err := models.DistributionFor(ctx, db, 1, models.Today())
	if err != nil || d.Period == nil || d.Total == 0 {
		t.Errorf("distribution of paragraph 1: %+v (%v)", d, err)
	}

	o, err := models.LoadStateOverview(ctx, db, ref, focal, ken, models.Today())
	if err != nil {
		t.Fatal(err)
	}
	if o.Progress == nil || o.NeedsTotal == 0 || len(o.Attention) == 0 {
		t.Errorf("Kenya's page for its focal point has nothing waiting: %+v", o.Attention)
	}
	q, err := models.LoadReviewQueue(ctx, db, sec)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Needs) == 0 || len(q.Progress) == 0 {
		t.Errorf("the review queue is empty: %d needs, %d reports", len(q.Needs), len(q.Progress))
	}
}

func TestTheScaleSeedAddsNeedsEachTimeAndProgressOnce(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	r := seedReader{t, ctx, db}
	if _, err := models.SeedDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	demo := r.tableCounts()
	if _, err := models.SeedScale(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	once := r.tableCounts()
	if got := once["needs"] - demo["needs"]; got != 2000 {
		t.Errorf("scale 1 added %d needs, want 2000", got)
	}
	open, closed := r.periods()
	paragraphs := r.count(`SELECT count(*) FROM paragraphs WHERE kind = 'operative'
		AND resolution_id = (SELECT id FROM resolutions ORDER BY adopted_on DESC, id DESC LIMIT 1)`)
	for _, p := range []models.ReportingPeriod{closed, open} {
		if n := r.count("SELECT count(DISTINCT member_state_id) FROM progress_reports WHERE period_id = ?", p.ID); n != 193 {
			t.Errorf("period %q has reports of %d States, want 193", p.Title["en"], n)
		}
		if n := r.count("SELECT count(*) FROM progress_reports WHERE period_id = ?", p.ID); n != 193*paragraphs {
			t.Errorf("period %q has %d reports, want one per State and operative paragraph (%d)", p.Title["en"], n, 193*paragraphs)
		}
	}
	synthetic := "FROM needs WHERE title LIKE 'Synthetic need %'"
	if n := r.count("SELECT count(DISTINCT member_state_id) " + synthetic); n != 193 {
		t.Errorf("synthetic needs of %d States, want 193", n)
	}
	for column, want := range map[string]int{"status": len(models.NeedStatuses()), "visibility": len(models.NeedVisibilities()),
		"priority": len(models.NeedPriorities), "theme": len(models.NeedThemes()), "modality": len(models.NeedModalities)} {
		if n := r.count("SELECT count(DISTINCT " + column + ") " + synthetic); n != int64(want) {
			t.Errorf("synthetic needs have %d values of %s, want %d", n, column, want)
		}
	}
	r.checkNeedHistories()
	r.checkReportVersions()
	r.checkTreatyActions()

	// A second unit adds needs only, and the sequences still serve the
	// portal's own inserts.
	if _, err := models.SeedScale(ctx, db, 1); err != nil {
		t.Fatalf("second scale seed: %v", err)
	}
	twice := r.tableCounts()
	for table, n := range once {
		want := n
		switch table {
		case "needs":
			want = n + 2000
		case "need_events":
			want = n + (once["need_events"] - demo["need_events"])
		case "invitations":
			continue // the users' part of the seed adds them each time
		}
		if twice[table] != want {
			t.Errorf("after the second scale seed %s has %d rows, want %d", table, twice[table], want)
		}
	}
	admin := seedPerson(models.RoleAdmin, nil)
	in := validNeed("KEN")
	if _, err := models.CreateNeed(ctx, db, &models.ReferenceCache{DB: db}, admin, in, models.AuditContext{ActorNote: "test"}); err != nil {
		t.Errorf("a need created after the scale seed: %v", err)
	}
	checkWorkspaceReads(t, db, r.state("KEN"), open)
}
