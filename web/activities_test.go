package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

var activityPathRE = regexp.MustCompile(`^/activities/(\d+)$`)

// postForm opens page for its CSRF token and posts form to action.
func postForm(t *testing.T, c *webtest.Client, page, action string, form url.Values) *webtest.Response {
	t.Helper()
	p := c.Get(t, page)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", page, p.StatusCode)
	}
	form.Set("_csrf", webtest.CSRFToken(t, p))
	return c.PostForm(t, action, form)
}

// TestTheSecretariatRecordsAnActivityAndKenyaConfirmsIt walks an activity
// through its pages: a refused form keeps its input, the saved activity is
// delivered, its results recorded, Kenya's focal point confirms, the need
// it answers is marked met citing it, and each role sees what it may.
func TestTheSecretariatRecordsAnActivityAndKenyaConfirmsIt(t *testing.T) {
	cs := newContributionServer(t)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: cs.srv.DB}
	var focal, sec models.User
	cs.srv.DB.Where("email = ?", "focal.ken@example.org").Take(&focal)
	cs.srv.DB.Where("email = ?", "secretariat@example.org").Take(&sec)
	need, err := models.CreateNeed(ctx, cs.srv.DB, ref, &focal, models.NeedInput{
		State: "KEN", Title: "Training of prosecutors", Paragraphs: []string{"5"}, Theme: "criminal_justice",
		Priority: "high", Modality: "training", Visibility: "donors",
	}, models.AuditContext{Actor: &focal})
	if err != nil {
		t.Fatal(err)
	}
	version := need.Version
	for _, step := range []struct {
		who *models.User
		to  models.NeedStatus
	}{{&focal, models.NeedSubmitted}, {&sec, models.NeedUnderReview}, {&sec, models.NeedAccepted}, {&sec, models.NeedInDelivery}} {
		n, err := models.TransitionNeed(ctx, cs.srv.DB, step.who, need.ID, version, step.to, "", nil, models.AuditContext{Actor: step.who})
		if err != nil {
			t.Fatal(err)
		}
		version = n.Version
	}

	var grant int64
	if err := cs.srv.DB.Raw(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status, paid_on, reported_by, public)
		VALUES ((SELECT id FROM donor_organizations WHERE slug = 'norway'), 'financial', 'Norwegian grant for East Africa', 100000, 'USD',
			'2026-01-10', 'paid', '2026-01-10', 'donor', false) RETURNING id`).Scan(&grant).Error; err != nil {
		t.Fatal(err)
	}

	s := cs.clients["secretariat"]
	form := url.Values{"funding_contribution": {fmt.Sprint(grant)}, "funding_amount": {"40000"}, "kind": {"regional_workshop"}, "title": {"Regional workshop on prosecuting terrorism"},
		"start_date": {"2026-10-05"}, "end_date": {"2026-10-01"}, "city": {"Nairobi"}, "place_state": {"KEN"},
		"states": {"KEN", "UGA", "TZA"}, "paragraphs": {"4", "5"}, "partners": {"cted"}, "needs": {fmt.Sprint(need.ID)}}
	r := postForm(t, s, "/activities/new", "/activities", form)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "The end date cannot be before the start date.") ||
		!strings.Contains(r.Body, "Regional workshop on prosecuting terrorism") {
		t.Fatalf("an end before the start: %d, want 422 with the message and the title kept", r.StatusCode)
	}
	form.Set("end_date", "2026-10-08")
	r = postForm(t, s, "/activities/new", "/activities", form)
	if r.StatusCode != http.StatusSeeOther || !activityPathRE.MatchString(r.Header.Get("Location")) {
		t.Fatalf("the activity: %d to %q: %s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	path := r.Header.Get("Location")
	page := s.Get(t, path)
	for _, want := range []string{"Kenya", "Uganda", "Tanzania", "Counter-Terrorism Committee Executive Directorate", "Training of prosecutors", "Planned"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the activity's page lacks %q", want)
		}
	}
	// Planned and private: Kenya's focal point and Norway's donor (whose
	// grant funds it) see it; France's, the EU's and anonymous visitors do
	// not.
	for role, want := range map[string]int{"focal_ken": http.StatusOK, "donor_nor": http.StatusOK,
		"focal_fra": http.StatusNotFound, "donor_eu": http.StatusNotFound} {
		if got := cs.clients[role].Get(t, path).StatusCode; got != want {
			t.Errorf("%s opens the planned activity: %d, want %d", role, got, want)
		}
	}
	if got := cs.srv.Client().Get(t, path).StatusCode; got != http.StatusNotFound {
		t.Errorf("anonymous opens the planned activity: %d, want 404", got)
	}

	r = postForm(t, s, path, path+"/transition", url.Values{"version": {"1"}, "to": {"delivered"}, "on": {"2026-10-08"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("deliver: %d %s", r.StatusCode, r.Body)
	}
	bad := url.Values{"version": {"2"}, "women": {"12"}, "men": {"20"}, "prosecutors": {"10"}}
	if r := postForm(t, s, path+"/results", path+"/results", bad); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "the two must agree") {
		t.Errorf("participants that do not add up: %d, want 422 with the message", r.StatusCode)
	}
	good := url.Values{"version": {"2"}, "women": {"12"}, "men": {"20"}, "prosecutors": {"14"}, "judges": {"10"}, "police": {"8"},
		"document_title": {"Handbook on prosecuting terrorism"}, "document_kind": {"manual"}, "document_url": {"https://example.org/handbook.pdf"}}
	if r := postForm(t, s, path+"/results", path+"/results", good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("results: %d %s", r.StatusCode, r.Body)
	}

	// Kenya later accedes to an instrument: the Secretariat links it as an
	// outcome of the workshop.
	var action int64
	if err := cs.srv.DB.Raw(`INSERT INTO treaty_actions (member_state_id, instrument_id, kind, action_date)
		VALUES ((SELECT id FROM member_states WHERE iso3 = 'KEN'), (SELECT id FROM instruments ORDER BY sort_order LIMIT 1), 'accession', '2026-11-20')
		RETURNING id`).Scan(&action).Error; err != nil {
		t.Fatal(err)
	}
	if r := postForm(t, s, path, path+"/outcomes", url.Values{"outcome": {"treaty:999999"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Choose something a beneficiary State recorded since the activity began.") {
		t.Errorf("an outcome that is not the States': %d, want 422 with the message", r.StatusCode)
	}
	if r := postForm(t, s, path, path+"/outcomes", url.Values{"outcome": {fmt.Sprintf("treaty:%d", action)}, "outcome_note": {"Drafted at the workshop."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("link the accession: %d %s", r.StatusCode, r.Body)
	}
	if page := s.Get(t, path); !strings.Contains(page.Body, "Accession on 20 November 2026") || !strings.Contains(page.Body, "Drafted at the workshop.") {
		t.Error("the activity's page does not show the accession it led to")
	}

	k := cs.clients["focal_ken"]
	kpage := k.Get(t, path)
	if !strings.Contains(kpage.Body, "Confirm the participation of Kenya") {
		t.Fatal("Kenya's focal point is not offered to confirm Kenya's participation")
	}
	if r := postForm(t, k, path, path+"/confirm", url.Values{"state": {"KEN"}, "version": {"1"}, "rating": {"5"}, "feedback": {"Very useful."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.Body)
	}
	if r := postForm(t, cs.clients["focal_fra"], "/activities", path+"/confirm", url.Values{"state": {"KEN"}, "version": {"2"}}); r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusForbidden {
		t.Errorf("France's focal point confirms for Kenya: %d, want 404 or 403", r.StatusCode)
	}
	page = s.Get(t, path)
	for _, want := range []string{"32 participants, by sex", "Handbook on prosecuting terrorism", "5 out of 5", "Very useful."} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the delivered activity's page lacks %q", want)
		}
	}

	// The grant shows what it funded and what is left; Norway's page what
	// its money delivered, to its donor.
	gpage := cs.clients["donor_nor"].Get(t, fmt.Sprintf("/contributions/%d", grant))
	for _, want := range []string{"Regional workshop on prosecuting terrorism", "40,000.00\u00a0USD", "60,000.00\u00a0USD"} {
		if !strings.Contains(gpage.Body, want) {
			t.Errorf("the grant's page lacks %q", want)
		}
	}
	dpage := cs.clients["donor_nor"].Get(t, "/donors/norway")
	if !strings.Contains(dpage.Body, "What its contributions delivered") || !strings.Contains(dpage.Body, "32 participants, by sex") {
		t.Error("Norway's page does not show what its grant delivered to its donor")
	}
	if strings.Contains(cs.srv.Client().Get(t, "/donors/norway").Body, "Regional workshop on prosecuting terrorism") {
		t.Error("an anonymous visitor sees an activity funded by Norway's private grant, not public yet")
	}

	// The need shows it, and is met only citing it.
	needPath := fmt.Sprintf("/needs/%d", need.ID)
	npage := s.Get(t, needPath)
	if !strings.Contains(npage.Body, "Regional workshop on prosecuting terrorism") {
		t.Error("the need's page does not show the activity that answers it")
	}
	if r := postForm(t, s, needPath, needPath+"/transition", url.Values{"version": {fmt.Sprint(version)}, "to": {"met"}, "note": {"Done."}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Cite at least one delivered activity") {
		t.Errorf("met without citing: %d, want 422 with the message", r.StatusCode)
	}
	id := activityPathRE.FindStringSubmatch(path)[1]
	if r := postForm(t, s, needPath, needPath+"/transition", url.Values{"version": {fmt.Sprint(version)}, "to": {"met"}, "note": {"Done."}, "activities": {id}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("met citing the workshop: %d %s", r.StatusCode, r.Body)
	}
	if !strings.Contains(s.Get(t, needPath).Body, "met the need") {
		t.Error("the met need does not say which activity met it")
	}

	// The map shades the three States, each a link to the list filtered by it.
	all := s.Get(t, "/activities")
	for _, code := range []string{"KEN", "UGA", "TZA"} {
		if !strings.Contains(all.Body, `href="/activities?state=`+code+`"`) {
			t.Errorf("the map does not link %s to its activities", code)
		}
	}
	if strings.Contains(all.Body, `href="/activities?state=FRA"`) {
		t.Error("the map shades France, which the workshop did not serve")
	}

	// Kenya's page shows the assistance it received, and the map the States
	// the workshop reached with it; France's shows none.
	kenya := k.Get(t, "/states/KEN").Body
	if !strings.Contains(kenya, "Technical assistance received") || !strings.Contains(kenya, `href="/activities?state=UGA"`) {
		t.Error("Kenya's page does not show the assistance received and its map")
	}
	if !strings.Contains(s.Get(t, "/states/FRA").Body, "No activity of technical assistance for this State") {
		t.Error("France's page does not say it received no assistance")
	}

	// The list, for the Secretariat and filtered by State.
	list := s.Get(t, "/activities?state=UGA")
	if !strings.Contains(list.Body, "Regional workshop on prosecuting terrorism") || !strings.Contains(list.Body, "1 activity") {
		t.Error("the list filtered by Uganda does not show the workshop")
	}
	if list := s.Get(t, "/activities?state=FRA"); strings.Contains(list.Body, "Regional workshop on prosecuting terrorism") {
		t.Error("the list filtered by France shows the workshop")
	}
	csv := s.Get(t, "/activities?format=csv")
	if !strings.Contains(csv.Body, "KEN TZA UGA") || !strings.Contains(csv.Body, "Regional workshop on prosecuting terrorism") {
		t.Errorf("the CSV export lacks the workshop and its States: %s", csv.Body)
	}
}

// TestActivityPagesIssueTheSameStatementsWith10And5000Activities counts
// the list, an activity's page, a donor's page with what its money
// delivered, the funding contribution's page and a State's page with its
// map, as each role.
func TestActivityPagesIssueTheSameStatementsWith10And5000Activities(t *testing.T) {
	cs := newContributionServer(t)
	// Norway's grant funds half the activities: its page's "delivered"
	// section sums them.
	var grant int64
	if err := cs.srv.DB.Raw(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status, paid_on, reported_by, public)
		VALUES ((SELECT id FROM donor_organizations WHERE slug = 'norway'), 'financial', 'Counted grant', 100000000, 'USD',
			'2026-01-10', 'paid', '2026-01-10', 'donor', true) RETURNING id`).Scan(&grant).Error; err != nil {
		t.Fatal(err)
	}
	add := func(n int) {
		t.Helper()
		err := cs.srv.DB.Exec(`
			WITH a AS (
				INSERT INTO activities (kind, title, start_date, end_date, city, paragraphs, status, delivered_on, public,
					women, men, prosecutors, judges)
				SELECT (ARRAY['national_workshop', 'regional_workshop', 'training_course'])[1 + g % 3], 'Counted activity ' || g,
					DATE '2024-01-01' + (g % 900), DATE '2024-01-03' + (g % 900), 'Nairobi', ARRAY[4 + g % 11],
					CASE WHEN g % 2 = 0 THEN 'delivered' ELSE 'planned' END,
					CASE WHEN g % 2 = 0 THEN DATE '2024-01-03' + (g % 900) END, g % 3 = 0,
					CASE WHEN g % 2 = 0 THEN 5 ELSE 0 END, CASE WHEN g % 2 = 0 THEN 5 ELSE 0 END,
					CASE WHEN g % 2 = 0 THEN 6 ELSE 0 END, CASE WHEN g % 2 = 0 THEN 4 ELSE 0 END
				FROM generate_series(1, ?) g
				RETURNING id
			)
			, st AS (
				INSERT INTO activity_states (activity_id, member_state_id)
				SELECT a.id, s.id FROM a JOIN member_states s ON s.iso3 IN ('KEN', 'UGA')
			)
			INSERT INTO activity_funding (activity_id, contribution_id, amount)
			SELECT a.id, ?, 1 FROM a WHERE a.id % 2 = 0`, n, grant).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cs.clients {
		c.Get(t, "/")
	}
	pages := []string{"/activities", "/activities?state=KEN&status=delivered", "/activities/2", "/donors/norway",
		fmt.Sprintf("/contributions/%d", grant), "/states/KEN"}
	count := func() map[string]int {
		out := map[string]int{}
		for role, c := range cs.clients {
			for _, p := range pages {
				if resp := c.Get(t, p); resp.StatusCode == http.StatusOK {
					out[role+" "+p] = cs.srv.Statements(t, resp)
				}
			}
		}
		for _, p := range pages {
			if resp := cs.srv.Client().Get(t, p); resp.StatusCode == http.StatusOK {
				out["anonymous "+p] = cs.srv.Statements(t, resp)
			}
		}
		return out
	}
	add(10)
	small := count()
	add(4990)
	large := count()
	if len(small) < 2*len(cs.clients) {
		t.Fatalf("only %d pages answered: %v", len(small), small)
	}
	for page, n := range small {
		if n > maxStatements {
			t.Errorf("%s: %d statements, want at most %d", page, n, maxStatements)
		}
		if large[page] != n {
			t.Errorf("%s: %d statements with 10 activities, %d with 5,000", page, n, large[page])
		}
	}
	t.Logf("statements: %v", small)
}

// TestTheSecretariatImportsActivitiesFromAFile pastes a wrong file, then
// the right one, then the same again.
func TestTheSecretariatImportsActivitiesFromAFile(t *testing.T) {
	cs := newContributionServer(t)
	if r := cs.clients["focal_ken"].Get(t, "/activities/import"); r.StatusCode != http.StatusForbidden {
		t.Errorf("a focal point opens the import: %d, want 403", r.StatusCode)
	}
	s := cs.clients["secretariat"]
	good := "import_key,kind,title,start_date,end_date,states,status,city,women,men,prosecutors,judges\n" +
		"W-1,regional_workshop,Imported regional workshop,2026-02-02,2026-02-05,KEN UGA,delivered,Nairobi,10,14,12,12\n" +
		"W-2,mentoring,Imported mentoring,2027-02-02,2027-03-05,KEN,planned,Nairobi,,,,\n"
	bad := strings.Replace(good, "KEN UGA", "KEN XXX", 1)
	post := func(csv string) *webtest.Response {
		return postForm(t, s, "/activities/import", "/activities/import", url.Values{"csv": {csv}})
	}
	if r := post(bad); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Line 2, column states:") ||
		!strings.Contains(r.Body, "Imported regional workshop") {
		t.Fatalf("a wrong file: %d, want 422 with the problem by line and the text kept", r.StatusCode)
	}
	if r := post(good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the right file: %d %s", r.StatusCode, r.Body)
	}
	if list := s.Get(t, "/activities"); !strings.Contains(list.Body, "2 new, 0 changed, 0 unchanged") || !strings.Contains(list.Body, "Imported mentoring") {
		t.Error("after the import the list does not say what was imported or show it")
	}
	post(good)
	if list := s.Get(t, "/activities"); !strings.Contains(list.Body, "0 new, 0 changed, 2 unchanged") {
		t.Error("importing the same file again does not say that nothing changed")
	}
}

// TestAdministratorsKeepThePartners adds a partner, refuses a bad and a
// taken short name, edits it, and finds it offered on the activity form.
func TestAdministratorsKeepThePartners(t *testing.T) {
	srv := webtest.NewServer(t)
	clients := signInAll(t, srv, []testAccount{
		{"admin", "admin@example.org", models.RoleAdmin, ""},
		{"secretariat", "secretariat@example.org", models.RoleSecretariat, ""},
	})
	a := clients["admin"]
	if r := clients["secretariat"].Get(t, "/admin/partners"); r.StatusCode != http.StatusForbidden {
		t.Errorf("the Secretariat opens the partners: %d, want 403", r.StatusCode)
	}
	form := url.Values{"name_en": {"Global Counterterrorism Forum"}, "name_fr": {"Forum mondial de lutte contre le terrorisme"},
		"kind": {"other"}, "slug": {"Global Forum"}}
	if r := postForm(t, a, "/admin/partners/new", "/admin/partners", form); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Use lower-case letters, digits and hyphens.") || !strings.Contains(r.Body, "Global Counterterrorism Forum") {
		t.Errorf("a bad short name: %d, want 422 with the message and the input kept", r.StatusCode)
	}
	form.Set("slug", "cted")
	if r := postForm(t, a, "/admin/partners/new", "/admin/partners", form); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Another partner already has this short name.") {
		t.Errorf("a taken short name: %d, want 422", r.StatusCode)
	}
	form.Set("slug", "gctf")
	if r := postForm(t, a, "/admin/partners/new", "/admin/partners", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a new partner: %d %s", r.StatusCode, r.Body)
	}
	edit := url.Values{"name_en": {"Global Counterterrorism Forum (GCTF)"}, "kind": {"other"}, "slug": {"gctf"}, "version": {"1"}}
	if r := postForm(t, a, "/admin/partners/gctf", "/admin/partners/gctf", edit); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("an edit: %d %s", r.StatusCode, r.Body)
	}
	if r := postForm(t, a, "/admin/partners/gctf", "/admin/partners/gctf", edit); r.StatusCode != http.StatusConflict {
		t.Errorf("an edit on the old version: %d, want 409", r.StatusCode)
	}
	if !strings.Contains(clients["secretariat"].Get(t, "/activities/new").Body, "Global Counterterrorism Forum (GCTF)") {
		t.Error("the activity form does not offer the new partner")
	}
	var audited int64
	srv.DB.Table("audit_events").Where("action = ?", "activity.partner_saved").Count(&audited)
	if audited != 2 {
		t.Errorf("%d audit rows for the partner, want 2", audited)
	}
}
