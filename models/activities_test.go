package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

// activityFixture is a database with the people of the activity tests and a
// paid Norwegian contribution of 100,000 US dollars.
type activityFixture struct {
	db           *gorm.DB
	ref          *models.ReferenceCache
	secretariat  *models.User
	focalKEN     *models.User
	focalFRA     *models.User
	donorNOR     *models.User
	donorEU      *models.User
	contribution int64
}

func newActivityFixture(t *testing.T) activityFixture {
	t.Helper()
	db := dbtest.New(t)
	f := activityFixture{db: db, ref: &models.ReferenceCache{DB: db},
		secretariat: roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, ""),
		focalKEN:    roleUser(t, db, "focal.ken@example.org", models.RoleFocalPoint, "KEN"),
		focalFRA:    roleUser(t, db, "focal.fra@example.org", models.RoleFocalPoint, "FRA"),
		donorNOR:    roleUser(t, db, "donor.nor@example.org", models.RoleDonor, "norway"),
		donorEU:     roleUser(t, db, "donor.eu@example.org", models.RoleDonor, "european-union"),
	}
	if err := db.Raw(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status, paid_on, reported_by, public)
		VALUES ((SELECT id FROM donor_organizations WHERE slug = 'norway'), 'financial', 'Norwegian grant', 100000, 'USD', '2026-01-10', 'paid', '2026-01-10', 'donor', false)
		RETURNING id`).Scan(&f.contribution).Error; err != nil {
		t.Fatal(err)
	}
	return f
}

func (f activityFixture) workshop(title string, states ...string) models.ActivityInput {
	return models.ActivityInput{
		Kind: "regional_workshop", Title: title, StartDate: "2026-03-02", EndDate: "2026-03-05",
		City: "Nairobi", PlaceState: "KEN", States: states, Paragraphs: []string{"4", "5"}, Partners: []string{"cted"},
	}
}

func (f activityFixture) create(t *testing.T, in models.ActivityInput) models.Activity {
	t.Helper()
	a, err := models.CreateActivity(context.Background(), f.db, f.ref, f.secretariat, in, models.AuditContext{Actor: f.secretariat})
	if err != nil {
		t.Fatalf("create %q: %v", in.Title, err)
	}
	return a
}

func (f activityFixture) deliver(t *testing.T, a models.Activity) models.Activity {
	t.Helper()
	a, err := models.TransitionActivity(context.Background(), f.db, f.secretariat, a.ID, a.Version, models.ActivityDelivered,
		time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), "", models.AuditContext{Actor: f.secretariat})
	if err != nil {
		t.Fatalf("deliver %q: %v", a.Title, err)
	}
	return a
}

func TestTheActivityWorkflowTableAllowsEachStepToTheSecretariatOnly(t *testing.T) {
	f := newActivityFixture(t)
	for _, tc := range []struct {
		who  *models.User
		from models.ActivityStatus
		to   models.ActivityStatus
		ok   bool
	}{
		{f.secretariat, models.ActivityPlanned, models.ActivityDelivered, true},
		{f.secretariat, models.ActivityPlanned, models.ActivityCancelled, true},
		{f.secretariat, models.ActivityDelivered, models.ActivityCancelled, false},
		{f.secretariat, models.ActivityCancelled, models.ActivityPlanned, false},
		{f.focalKEN, models.ActivityPlanned, models.ActivityDelivered, false},
		{f.donorNOR, models.ActivityPlanned, models.ActivityDelivered, false},
		{nil, models.ActivityPlanned, models.ActivityDelivered, false},
	} {
		_, ok := models.ActivityWorkflow.FindFor(models.ActivityActors(tc.who), tc.from, tc.to)
		if ok != tc.ok {
			t.Errorf("%v: %s → %s allowed=%v, want %v", roleOf(tc.who), tc.from, tc.to, ok, tc.ok)
		}
	}
	if _, ok := models.ActivityWorkflow.FindFor(models.ActivityActors(f.secretariat), models.ActivityPlanned, models.ActivityCancelled); ok {
		tr, _ := models.ActivityWorkflow.FindFor(models.ActivityActors(f.secretariat), models.ActivityPlanned, models.ActivityCancelled)
		if !tr.NoteRequired {
			t.Error("cancelling an activity does not require a reason")
		}
	}
}

func roleOf(u *models.User) string {
	if u == nil || u.Role == nil {
		return "anonymous"
	}
	return string(*u.Role)
}

func TestBadActivityInputIsRefusedFieldByField(t *testing.T) {
	f := newActivityFixture(t)
	ctx := context.Background()
	var frenchNeed int64
	if err := f.db.Raw(`INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status)
		VALUES ((SELECT id FROM member_states WHERE iso3 = 'FRA'), 'French need', 'criminal_justice', 'high', 'training', 'public', 'accepted') RETURNING id`).
		Scan(&frenchNeed).Error; err != nil {
		t.Fatal(err)
	}
	in := models.ActivityInput{Kind: "party", Title: "", StartDate: "2026-03-05", EndDate: "2026-03-01",
		States: nil, Paragraphs: []string{"99"}, Partners: []string{"nobody"}, Needs: fmt.Sprint(frenchNeed),
		FundingContribution: []string{fmt.Sprint(f.contribution)}, FundingAmount: []string{"-5"}}
	_, err := models.CreateActivity(ctx, f.db, f.ref, f.secretariat, in, models.AuditContext{Actor: f.secretariat})
	p, ok := models.ProblemsOf(err)
	if !ok {
		t.Fatalf("bad input: %v, want problems", err)
	}
	want := map[string]string{
		"kind": "validation.choose", "title": "validation.required", "end_date": "activity.end_before_start",
		"city": "activity.place_required", "states": "activity.states_required", "paragraphs": "validation.unknown_paragraph",
		"partners": "validation.choose", "needs": "activity.need_of_other_state", "funding_0": "validation.amount_negative",
	}
	for field, id := range want {
		if p[field].ID != id {
			t.Errorf("%s: %q, want %q", field, p[field].ID, id)
		}
	}
	var n int64
	f.db.Table("activities").Count(&n)
	if n != 0 {
		t.Errorf("%d activities stored from bad input", n)
	}
	if _, err := models.CreateActivity(ctx, f.db, f.ref, f.focalKEN, f.workshop("By a focal point", "KEN"), models.AuditContext{}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("a focal point records an activity: %v, want forbidden", err)
	}
}

// TestFundingDrawnNeverExceedsTheContribution draws on the 100,000-dollar
// contribution from two activities, then from two at once.
func TestFundingDrawnNeverExceedsTheContribution(t *testing.T) {
	f := newActivityFixture(t)
	ctx := context.Background()
	in := f.workshop("First workshop", "KEN")
	in.FundingContribution, in.FundingAmount = []string{fmt.Sprint(f.contribution)}, []string{"70000"}
	f.create(t, in)
	second := f.workshop("Second workshop", "KEN")
	second.FundingContribution, second.FundingAmount = []string{fmt.Sprint(f.contribution)}, []string{"30000.01"}
	_, err := models.CreateActivity(ctx, f.db, f.ref, f.secretariat, second, models.AuditContext{Actor: f.secretariat})
	if p, ok := models.ProblemsOf(err); !ok || p["funding_0"].ID != "activity.overdrawn" {
		t.Fatalf("drawing 30,000.01 of the 30,000 left: %v, want refused beside the row", err)
	}
	second.FundingAmount = []string{"30000"}
	f.create(t, second)

	// Two activities draw 60,000 each from a fresh 100,000 at the same time:
	// exactly one succeeds.
	var fresh int64
	if err := f.db.Raw(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status, paid_on, reported_by)
		VALUES ((SELECT id FROM donor_organizations WHERE slug = 'norway'), 'financial', 'Fresh grant', 100000, 'USD', '2026-01-10', 'paid', '2026-01-10', 'donor')
		RETURNING id`).Scan(&fresh).Error; err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			in := f.workshop(fmt.Sprintf("Concurrent workshop %d", i), "KEN")
			in.FundingContribution, in.FundingAmount = []string{fmt.Sprint(fresh)}, []string{"60000"}
			_, errs[i] = models.CreateActivity(ctx, f.db, f.ref, f.secretariat, in, models.AuditContext{Actor: f.secretariat})
		}(i)
	}
	wg.Wait()
	succeeded := 0
	for _, err := range errs {
		if err == nil {
			succeeded++
		} else if p, ok := models.ProblemsOf(err); !ok || p["funding_0"].ID != "activity.overdrawn" {
			t.Errorf("the refused concurrent draw: %v, want overdrawn", err)
		}
	}
	if succeeded != 1 {
		t.Errorf("%d of two concurrent draws of 60,000 on 100,000 succeeded, want 1", succeeded)
	}
	var drawn string
	f.db.Raw(`SELECT sum(amount)::text FROM activity_funding WHERE contribution_id = ?`, fresh).Scan(&drawn)
	if drawn != "60000.0000" {
		t.Errorf("drawn on the fresh grant: %s, want 60000.0000", drawn)
	}
}

// TestResultsAddUpBySexAndProfession records the participants of two
// delivered activities and checks the sums a page shows against a fixture.
func TestResultsAddUpBySexAndProfession(t *testing.T) {
	f := newActivityFixture(t)
	ctx := context.Background()
	a := f.deliver(t, f.create(t, f.workshop("Regional workshop", "KEN", "UGA", "TZA")))
	b := f.deliver(t, f.create(t, f.workshop("National workshop", "KEN")))
	planned := f.create(t, f.workshop("Planned workshop", "UGA"))
	save := func(act models.Activity, in models.ActivityResultsInput) error {
		return models.SaveActivityResults(ctx, f.db, f.secretariat, act.ID, act.Version, in, models.AuditContext{Actor: f.secretariat})
	}
	bad := models.ActivityResultsInput{Women: "12", Men: "20", Prosecutors: "10", Judges: "10"}
	if p, ok := models.ProblemsOf(save(a, bad)); !ok || p["prosecutors"].ID != "activity.professions_sum" {
		t.Errorf("32 by sex and 20 by profession: want refused")
	}
	if err := save(a, models.ActivityResultsInput{Women: "12", Men: "20", Prosecutors: "10", Judges: "10", Police: "12",
		DocumentKind: []string{"manual"}, DocumentTitle: []string{"Handbook"}, DocumentURL: []string{"https://example.org/handbook.pdf"}}); err != nil {
		t.Fatal(err)
	}
	if err := save(b, models.ActivityResultsInput{Women: "5", Men: "4", SexNotStated: "1", Legislators: "6", FinancialIntelligence: "4"}); err != nil {
		t.Fatal(err)
	}
	if err := save(planned, models.ActivityResultsInput{Women: "1", Legislators: "1"}); err == nil {
		t.Error("results recorded for a planned activity")
	}
	s, err := models.SummarizeActivities(ctx, f.db, f.secretariat, models.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := models.Participants{Women: 17, Men: 24, SexNotStated: 1, Prosecutors: 10, Judges: 10, Police: 12, Legislators: 6, FinancialIntelligence: 4}
	if s.Participants != want || s.Count != 3 || s.Delivered != 2 || s.StatesCount != 3 {
		t.Errorf("summary %+v, want 3 activities, 2 delivered, 3 States, participants %+v", s, want)
	}
	byState := map[int]int{}
	for _, sc := range s.ByState {
		byState[sc.MemberStateID] = sc.Count
	}
	for iso3, want := range map[string]int{"KEN": 2, "UGA": 2, "TZA": 1, "FRA": 0} {
		st, err := f.ref.MemberStateByISO3(ctx, iso3)
		if err != nil {
			t.Fatal(err)
		}
		if byState[st.ID] != want {
			t.Errorf("%s served by %d activities, want %d", iso3, byState[st.ID], want)
		}
	}
	if len(s.ByQuarter) != 1 || s.ByQuarter[0] != (models.QuarterCount{Year: 2026, Quarter: 1, Family: "training", Count: 3}) {
		t.Errorf("by quarter %+v, want the three workshops in 2026 Q1", s.ByQuarter)
	}
	page, err := models.ActivityByID(ctx, f.db, f.secretariat, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if page.Activity.Participants.Total() != 32 || len(page.Documents) != 1 || page.Documents[0].Title != "Handbook" || len(page.States) != 3 {
		t.Errorf("the activity's page: %+v", page)
	}
}

// TestEachRoleSeesTheActivitiesItMay checks lists and pages as each role.
func TestEachRoleSeesTheActivitiesItMay(t *testing.T) {
	f := newActivityFixture(t)
	ctx := context.Background()
	publicDelivered := f.workshop("Public and delivered", "UGA")
	publicDelivered.Public = true
	f.deliver(t, f.create(t, publicDelivered))
	publicPlanned := f.workshop("Public but planned", "UGA")
	publicPlanned.Public = true
	f.create(t, publicPlanned)
	f.create(t, f.workshop("For Kenya", "KEN"))
	funded := f.workshop("Funded by Norway", "UGA")
	funded.FundingContribution, funded.FundingAmount = []string{fmt.Sprint(f.contribution)}, []string{"1000"}
	f.create(t, funded)

	all := []string{"For Kenya", "Funded by Norway", "Public and delivered", "Public but planned"}
	for _, tc := range []struct {
		who  *models.User
		want []string
	}{
		{f.secretariat, all},
		{f.focalKEN, []string{"For Kenya", "Public and delivered"}},
		{f.focalFRA, []string{"Public and delivered"}},
		{f.donorNOR, []string{"Funded by Norway", "Public and delivered"}},
		{f.donorEU, []string{"Public and delivered"}},
		{nil, []string{"Public and delivered"}},
	} {
		page, err := models.ListActivities(ctx, f.db, tc.who, models.ActivityFilter{}, models.PageRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range page.Items {
			got = append(got, r.Title)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s lists %v, want %v", roleOf(tc.who), got, tc.want)
		}
		var ids []int64
		f.db.Table("activities").Order("id").Pluck("id", &ids)
		seen := 0
		for _, id := range ids {
			if _, err := models.ActivityByID(ctx, f.db, tc.who, id); err == nil {
				seen++
			} else if !errors.Is(err, models.ErrNotFound) {
				t.Fatal(err)
			}
		}
		if seen != len(tc.want) {
			t.Errorf("%s opens %d activity pages, want %d", roleOf(tc.who), seen, len(tc.want))
		}
	}
	// Funded by Norway, as the EU's donor: the private contribution's link
	// stays private.
	page, err := models.ListActivities(ctx, f.db, f.donorEU, models.ActivityFilter{DonorID: mustDonor(t, f.db, "norway")}, models.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 0 {
		t.Errorf("the EU's donor filters by Norway's private funding and finds %d activities", len(page.Items))
	}
}

func mustDonor(t *testing.T, db *gorm.DB, slug string) int {
	t.Helper()
	d, err := models.DonorOrganizationBySlug(context.Background(), db, slug)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func TestABeneficiaryStateConfirmsItsParticipation(t *testing.T) {
	f := newActivityFixture(t)
	ctx := context.Background()
	a := f.create(t, f.workshop("Regional workshop", "KEN", "UGA"))
	kenya, err := f.ref.MemberStateByISO3(ctx, "KEN")
	if err != nil {
		t.Fatal(err)
	}
	confirm := func(u *models.User, version int) error {
		return models.ConfirmParticipation(ctx, f.db, u, a.ID, kenya.ID, models.FeedbackInput{Rating: "4", Feedback: "Useful.", Version: version},
			models.AuditContext{Actor: u})
	}
	if err := confirm(f.focalKEN, 1); err == nil {
		t.Error("participation confirmed before the activity was delivered")
	}
	f.deliver(t, a)
	if err := confirm(f.focalFRA, 1); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("France's focal point confirms for Kenya: %v, want forbidden", err)
	}
	if err := confirm(f.focalKEN, 1); err != nil {
		t.Fatal(err)
	}
	if err := confirm(f.focalKEN, 1); !errors.Is(err, models.ErrStaleVersion) {
		t.Errorf("a second confirmation on the old version: %v, want stale", err)
	}
	page, err := models.ActivityByID(ctx, f.db, f.focalKEN, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range page.States {
		if s.MemberStateID == kenya.ID && (s.ConfirmedAt == nil || s.Rating == nil || *s.Rating != 4 || s.Feedback != "Useful.") {
			t.Errorf("Kenya's row after confirming: %+v", s)
		}
	}
}
