package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"ctap/models"
	"ctap/models/dbtest"

	"gorm.io/gorm"
)

// people are the points of view the needs' tests take.
type people struct {
	focalKEN, focalFRA, donor, viewer, secretariat, admin *models.User
}

func roleUser(t *testing.T, db *gorm.DB, email string, role models.Role, scope string) *models.User {
	t.Helper()
	ctx := context.Background()
	a, err := models.ResolveScope(ctx, db, role, scope)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.CreateInvitation(ctx, db, models.NewInvitation{Email: email, Assignment: a}, models.AuditContext{}); err != nil {
		t.Fatal(err)
	}
	res, err := models.SignIn(ctx, db, models.Identity{Issuer: "https://idp.example", Subject: email, Email: email, EmailVerified: true}, models.SignInPolicy{}, models.AuditContext{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := models.UserByID(ctx, db, res.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &u
}

func newPeople(t *testing.T, db *gorm.DB) people {
	return people{
		focalKEN:    roleUser(t, db, "focal.ken@example.org", models.RoleFocalPoint, "KEN"),
		focalFRA:    roleUser(t, db, "focal.fra@example.org", models.RoleFocalPoint, "FRA"),
		donor:       roleUser(t, db, "donor@example.org", models.RoleDonor, "norway"),
		viewer:      roleUser(t, db, "viewer@example.org", models.RoleViewer, ""),
		secretariat: roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, ""),
		admin:       roleUser(t, db, "admin@example.org", models.RoleAdmin, ""),
	}
}

func validNeed(state string) models.NeedInput {
	return models.NeedInput{
		State: state, Title: "Training of prosecutors on terrorist financing", Description: "Two workshops.",
		Paragraphs: []string{"2", "7"}, Theme: "criminal_justice", Priority: "high", Modality: "training",
		Cost: "12500.505", Currency: "USD", TargetStart: "2027-01-15", TargetEnd: "2027-06-30", Visibility: "state",
	}
}

func TestTheNeedWorkflowTableAllowsEachStepToItsActorOnly(t *testing.T) {
	db := dbtest.New(t)
	p := newPeople(t, db)
	var ken int
	db.Raw("SELECT id FROM member_states WHERE iso3 = 'KEN'").Scan(&ken)
	roles := map[string]*models.User{
		"focal point of the State": p.focalKEN, "focal point of another State": p.focalFRA, "donor": p.donor,
		"viewer": p.viewer, "secretariat": p.secretariat, "admin": p.admin, "anonymous": nil,
	}
	state := []string{"focal point of the State", "admin"}
	secretariat := []string{"secretariat", "admin"}
	// The specification, written out independently of models.NeedWorkflow:
	// every step not listed here is refused to everyone.
	allowed := map[[2]models.NeedStatus][]string{
		{models.NeedDraft, models.NeedSubmitted}:       state,
		{models.NeedSubmitted, models.NeedUnderReview}: secretariat,
		{models.NeedUnderReview, models.NeedAccepted}:  secretariat,
		{models.NeedUnderReview, models.NeedDeclined}:  secretariat,
		{models.NeedAccepted, models.NeedInDelivery}:   secretariat,
		{models.NeedInDelivery, models.NeedMet}:        secretariat,
		{models.NeedDraft, models.NeedWithdrawn}:       state,
		{models.NeedSubmitted, models.NeedWithdrawn}:   state,
		{models.NeedUnderReview, models.NeedWithdrawn}: state,
		{models.NeedAccepted, models.NeedWithdrawn}:    state,
		{models.NeedWithdrawn, models.NeedDraft}:       state,
	}
	for _, from := range models.NeedStatuses() {
		for _, to := range models.NeedStatuses() {
			for role, u := range roles {
				_, got := models.NeedWorkflow.Find(u, ken, from, to)
				want := false
				for _, r := range allowed[[2]models.NeedStatus{from, to}] {
					want = want || r == role
				}
				if got != want {
					t.Errorf("%s → %s by %s: allowed=%v, want %v", from, to, role, got, want)
				}
			}
		}
	}
}

func TestANeedGoesThroughItsWorkflowWithHistoryAndAudit(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	ref := &models.ReferenceCache{DB: db}
	ev := func(u *models.User) models.AuditContext { return models.AuditContext{Actor: u} }

	n, err := models.CreateNeed(ctx, db, ref, p.focalKEN, validNeed("KEN"), ev(p.focalKEN))
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != models.NeedDraft || n.EstimatedCost.Decimal.String() != "12500.5" {
		t.Fatalf("created need: status %s, cost %s; want a draft costing 12500.50 (half-even to cents)", n.Status, n.EstimatedCost.Decimal)
	}
	steps := []struct {
		who   *models.User
		to    models.NeedStatus
		note  string
		cited []int64
		want  error // nil, or the problem's field
	}{
		{p.secretariat, models.NeedSubmitted, "", nil, errors.New("to")}, // only the State submits
		{p.focalKEN, models.NeedSubmitted, "", nil, nil},
		{p.focalKEN, models.NeedUnderReview, "", nil, errors.New("to")}, // only the Secretariat reviews
		{p.secretariat, models.NeedUnderReview, "", nil, nil},
		{p.secretariat, models.NeedDeclined, "", nil, errors.New("note")}, // declining needs a reason
		{p.secretariat, models.NeedAccepted, "Fits the 2027 programme.", nil, nil},
		{p.focalFRA, models.NeedWithdrawn, "not mine", nil, errors.New("to")},
		{p.secretariat, models.NeedInDelivery, "", nil, nil},
		{p.secretariat, models.NeedMet, "Delivered in June.", nil, errors.New("activities")},         // met only citing activities
		{p.secretariat, models.NeedMet, "Delivered in June.", []int64{-1}, errors.New("activities")}, // that met it
		{p.secretariat, models.NeedMet, "Delivered in June.", []int64{0}, nil},                       // 0: the delivered activity, -1: another
	}
	version := n.Version
	var act models.Activity
	for _, s := range steps {
		if s.to == models.NeedMet && act.ID == 0 {
			var err error
			// The activity that meets the need, delivered.
			act, err = models.CreateActivity(ctx, db, ref, p.secretariat, models.ActivityInput{Kind: "training_course",
				Title: "Course for prosecutors", StartDate: "2026-06-01", EndDate: "2026-06-05", City: "Nairobi",
				States: []string{"KEN"}, Needs: fmt.Sprint(n.ID)}, ev(p.secretariat))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := models.TransitionActivity(ctx, db, p.secretariat, act.ID, act.Version, models.ActivityDelivered,
				time.Date(2026, 6, 5, 0, 0, 0, 0, time.UTC), "", ev(p.secretariat)); err != nil {
				t.Fatal(err)
			}
		}
		for i, id := range s.cited {
			s.cited[i] = act.ID + id*1000
		}
		got, err := models.TransitionNeed(ctx, db, s.who, n.ID, version, s.to, s.note, s.cited, ev(s.who))
		if s.want == nil {
			if err != nil {
				t.Fatalf("%s by %s: %v", s.to, s.who.Email, err)
			}
			version = got.Version
			continue
		}
		probs, ok := models.ProblemsOf(err)
		if !ok || probs[s.want.Error()].ID == "" {
			t.Fatalf("%s by %s: err %v, want a problem on %q", s.to, s.who.Email, err, s.want)
		}
	}
	np, err := models.NeedByID(ctx, db, p.secretariat, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if np.Need.Status != models.NeedMet {
		t.Errorf("final status %s, want met", np.Need.Status)
	}
	var steps2 []string
	for _, e := range np.History {
		steps2 = append(steps2, e.Kind+":"+derefS(e.ToStatus)+":"+e.Note)
	}
	want := "created:draft:|transition:submitted:|transition:under_review:|transition:accepted:Fits the 2027 programme.|transition:in_delivery:|transition:met:Delivered in June."
	if got := strings.Join(steps2, "|"); got != want {
		t.Errorf("history\n got %s\nwant %s", got, want)
	}
	var audited int64
	db.Raw("SELECT count(*) FROM audit_events WHERE target_type = 'need' AND target_id = ?", fmt.Sprint(n.ID)).Scan(&audited)
	if audited != 6 { // created + 5 transitions; refused steps leave no trace
		t.Errorf("%d audit events for the need, want 6", audited)
	}
	// A closed need cannot be edited any more.
	if _, err := models.UpdateNeed(ctx, db, ref, p.focalKEN, n.ID, np.Need.Version, validNeed("KEN"), ev(p.focalKEN)); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("editing a met need: %v, want ErrForbidden", err)
	}
}

func derefS(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestAStaleEditIsRefusedAndAnUnchangedOneSavesNothing(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	ref := &models.ReferenceCache{DB: db}
	n, err := models.CreateNeed(ctx, db, ref, p.focalKEN, validNeed("KEN"), models.AuditContext{Actor: p.focalKEN})
	if err != nil {
		t.Fatal(err)
	}
	first := validNeed("KEN")
	first.Title = "First editor's title"
	if _, err := models.UpdateNeed(ctx, db, ref, p.focalKEN, n.ID, n.Version, first, models.AuditContext{Actor: p.focalKEN}); err != nil {
		t.Fatal(err)
	}
	second := validNeed("KEN")
	second.Title = "Second editor's title"
	if _, err := models.UpdateNeed(ctx, db, ref, p.secretariat, n.ID, n.Version, second, models.AuditContext{Actor: p.secretariat}); !errors.Is(err, models.ErrStaleVersion) {
		t.Fatalf("a save on an outdated version: %v, want ErrStaleVersion", err)
	}
	np, _ := models.NeedByID(ctx, db, p.secretariat, n.ID)
	if np.Need.Title != "First editor's title" || np.Need.Version != 2 {
		t.Errorf("after the refused save: %q at version %d, want the first editor's at 2", np.Need.Title, np.Need.Version)
	}
	if _, err := models.UpdateNeed(ctx, db, ref, p.focalKEN, n.ID, 2, first, models.AuditContext{Actor: p.focalKEN}); err != nil {
		t.Fatal(err)
	}
	np, _ = models.NeedByID(ctx, db, p.secretariat, n.ID)
	if np.Need.Version != 2 || len(np.History) != 2 {
		t.Errorf("saving without a change made version %d and %d history steps, want 2 and 2", np.Need.Version, len(np.History))
	}
	if np.History[1].Kind != "edited" || strings.Join(np.History[1].Changed, ",") != "title" {
		t.Errorf("the edit's history step says %s %v, want edited [title]", np.History[1].Kind, np.History[1].Changed)
	}
}

func TestBadNeedInputIsRefusedFieldByFieldAndStoresNothing(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	ref := &models.ReferenceCache{DB: db}
	for _, tc := range []struct {
		name  string
		edit  func(*models.NeedInput)
		field string
	}{
		{"unknown paragraph", func(in *models.NeedInput) { in.Paragraphs = []string{"2", "18"} }, "paragraphs"},
		{"paragraph that is not a number", func(in *models.NeedInput) { in.Paragraphs = []string{"two"} }, "paragraphs"},
		{"no paragraph", func(in *models.NeedInput) { in.Paragraphs = nil }, "paragraphs"},
		{"foreign State", func(in *models.NeedInput) { in.State = "FRA" }, "state"},
		{"unknown State", func(in *models.NeedInput) { in.State = "XXX" }, "state"},
		{"negative amount", func(in *models.NeedInput) { in.Cost = "-5" }, "cost"},
		{"over-long amount", func(in *models.NeedInput) { in.Cost = "1000000000000000" }, "cost"},
		{"amount in scientific notation", func(in *models.NeedInput) { in.Cost = "1e9" }, "cost"},
		{"amount that is text", func(in *models.NeedInput) { in.Cost = "a lot" }, "cost"},
		{"unknown currency", func(in *models.NeedInput) { in.Currency = "XYZ" }, "currency"},
		{"amount without currency", func(in *models.NeedInput) { in.Currency = "" }, "currency"},
		{"end before start", func(in *models.NeedInput) { in.TargetEnd = "2026-12-31" }, "target_end"},
		{"impossible date", func(in *models.NeedInput) { in.TargetStart = "2027-02-30" }, "target_start"},
		{"10,000-character title", func(in *models.NeedInput) { in.Title = strings.Repeat("x", 10000) }, "title"},
		{"empty title", func(in *models.NeedInput) { in.Title = "   " }, "title"},
		{"invalid UTF-8", func(in *models.NeedInput) { in.Description = "caf\xe9" }, "description"},
		{"control characters", func(in *models.NeedInput) { in.Title = "bell\x07" }, "title"},
		{"unknown theme", func(in *models.NeedInput) { in.Theme = "weather" }, "theme"},
		{"unknown priority", func(in *models.NeedInput) { in.Priority = "urgent" }, "priority"},
		{"unknown modality", func(in *models.NeedInput) { in.Modality = "magic" }, "modality"},
		{"unknown visibility", func(in *models.NeedInput) { in.Visibility = "secret" }, "visibility"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validNeed("KEN")
			tc.edit(&in)
			_, err := models.CreateNeed(ctx, db, ref, p.focalKEN, in, models.AuditContext{Actor: p.focalKEN})
			probs, ok := models.ProblemsOf(err)
			if !ok {
				t.Fatalf("err %v, want a validation error", err)
			}
			if _, ok := probs[tc.field]; !ok {
				t.Errorf("problems %v, want one on %s", probs, tc.field)
			}
		})
	}
	var n int64
	db.Raw("SELECT count(*) FROM needs").Scan(&n)
	if n != 0 {
		t.Errorf("%d needs stored from bad input", n)
	}
}

// visibilityFixture stores needs of two States in every visibility and a
// spread of statuses, straight into the table.
func visibilityFixture(t *testing.T, db *gorm.DB) {
	t.Helper()
	err := db.Exec(`INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status)
		SELECT s.id, s.iso3 || ' ' || v || ' ' || st, 'criminal_justice', 'high', 'training', v, st
		FROM member_states s, unnest(ARRAY['state','donors','public']) v,
			unnest(ARRAY['draft','submitted','accepted','declined','withdrawn']) st
		WHERE s.iso3 IN ('KEN', 'FRA')`).Error
	if err != nil {
		t.Fatal(err)
	}
}

func TestEachRoleSeesTheNeedsItMayInListsCountsExportsAndPages(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	visibilityFixture(t, db)
	var all []models.Need
	db.Order("id").Find(&all)

	// What each role sees, by title, written out from the product's rule.
	expect := func(u *models.User, n models.Need) bool {
		own := strings.HasPrefix(n.Title, "KEN")
		open := n.Status != models.NeedDraft && n.Status != models.NeedWithdrawn
		switch u {
		case p.secretariat, p.admin:
			return true
		case p.focalKEN:
			return own || (open && n.Visibility == "public")
		case p.donor:
			return open && (n.Visibility == "donors" || n.Visibility == "public")
		}
		return open && n.Visibility == "public"
	}
	for name, u := range map[string]*models.User{"focal point": p.focalKEN, "other focal point": p.focalFRA, "donor": p.donor,
		"viewer": p.viewer, "secretariat": p.secretariat, "admin": p.admin, "anonymous": nil} {
		t.Run(name, func(t *testing.T) {
			want := map[string]bool{}
			for _, n := range all {
				e := expect(u, n)
				if u == p.focalFRA {
					e = strings.HasPrefix(n.Title, "FRA") || (n.Status != "draft" && n.Status != "withdrawn" && n.Visibility == "public")
				}
				if e {
					want[n.Title] = true
				}
				if got := models.CanSeeNeed(u, n.MemberStateID, n.Visibility, n.Status); got != e {
					t.Errorf("CanSeeNeed(%s) = %v, want %v", n.Title, got, e)
				}
				_, err := models.NeedByID(ctx, db, u, n.ID)
				if e != (err == nil) || (err != nil && !errors.Is(err, models.ErrNotFound)) {
					t.Errorf("page of %s: err %v, want visible=%v", n.Title, err, e)
				}
			}
			page, err := models.ListNeeds(ctx, db, u, models.NeedFilter{}, models.PageRequest{Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			exported, err := models.ExportNeeds(ctx, db, u, models.NeedFilter{})
			if err != nil {
				t.Fatal(err)
			}
			count, err := models.CountNeeds(ctx, db, u, models.NeedFilter{})
			if err != nil {
				t.Fatal(err)
			}
			byStatus, err := models.CountNeedsByStatus(ctx, db, u, 0)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, c := range byStatus {
				sum += c.Count
			}
			for label, got := range map[string][]models.Need{"list": page.Items, "export": exported} {
				titles := map[string]bool{}
				for _, n := range got {
					titles[n.Title] = true
				}
				if fmt.Sprint(sortedKeys(titles)) != fmt.Sprint(sortedKeys(want)) {
					t.Errorf("%s shows %v\nwant %v", label, sortedKeys(titles), sortedKeys(want))
				}
			}
			if int(count) != len(want) || sum != len(want) {
				t.Errorf("count %d, count by status %d, want %d", count, sum, len(want))
			}
		})
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func TestTheNeedsListPagesForwardAndBackWithoutLosingARow(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	// Ties in every order (and costs unknown for some) test the cursors.
	if err := db.Exec(`INSERT INTO needs (member_state_id, title, theme, priority, modality, status, updated_at, target_start,
			estimated_cost, cost_currency)
		SELECT (SELECT id FROM member_states WHERE iso3 = 'KEN'), 'Need ' || lpad(g::text, 3, '0'), 'criminal_justice', 'high', 'training', 'submitted',
			now() - make_interval(mins => g % 7), CASE WHEN g % 3 = 0 THEN NULL ELSE date '2027-01-01' + g % 5 END,
			CASE WHEN g % 4 = 0 THEN NULL ELSE (g % 9) * 1000.5 END, CASE WHEN g % 4 = 0 THEN NULL ELSE 'USD' END
		FROM generate_series(1, 123) g`).Error; err != nil {
		t.Fatal(err)
	}
	for _, sort := range models.NeedSorts() {
		t.Run(sort, func(t *testing.T) {
			f := models.NeedFilter{Sort: sort}
			var pages [][]models.Need
			req := models.PageRequest{Limit: 50}
			for {
				pg, err := models.ListNeeds(ctx, db, p.secretariat, f, req)
				if err != nil {
					t.Fatal(err)
				}
				pages = append(pages, pg.Items)
				if len(pages) > 1 && pg.Prev == "" {
					t.Errorf("page %d has no link back", len(pages))
				}
				if pg.Next == "" {
					break
				}
				req = models.PageRequest{After: pg.Next, Limit: 50}
			}
			seen := map[int64]bool{}
			for _, pg := range pages {
				for _, n := range pg {
					if seen[n.ID] {
						t.Errorf("need %d shown twice", n.ID)
					}
					seen[n.ID] = true
				}
			}
			if len(pages) != 3 || len(seen) != 123 {
				t.Fatalf("%d pages, %d needs; want 3 pages of all 123", len(pages), len(seen))
			}
			// Back from the last page: the second page, not the first.
			last, _ := models.ListNeeds(ctx, db, p.secretariat, f, models.PageRequest{After: encodeAfter(t, db, p, f, 2), Limit: 50})
			back, err := models.ListNeeds(ctx, db, p.secretariat, f, models.PageRequest{Before: last.Prev, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids(back.Items)) != fmt.Sprint(ids(pages[1])) {
				t.Errorf("previous from the third page shows %v, want the second page %v", ids(back.Items), ids(pages[1]))
			}
			if back.Prev == "" || back.Next == "" {
				t.Errorf("the second page, reached backwards, links prev=%q next=%q; want both", back.Prev, back.Next)
			}
		})
	}
}

// encodeAfter returns the cursor that leads to page n (1-based, n ≥ 2).
func encodeAfter(t *testing.T, db *gorm.DB, p people, f models.NeedFilter, n int) string {
	t.Helper()
	req := models.PageRequest{Limit: 50}
	var next string
	for i := 1; i <= n; i++ {
		pg, err := models.ListNeeds(context.Background(), db, p.secretariat, f, req)
		if err != nil {
			t.Fatal(err)
		}
		next = pg.Next
		req = models.PageRequest{After: next, Limit: 50}
	}
	return next
}

func ids(ns []models.Need) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}
