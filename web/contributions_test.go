package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// contributionServer is a portal with a client per role: Norway's donor,
// the EU's donor, Kenya's and France's focal points, the Secretariat.
type contributionServer struct {
	srv     *webtest.Server
	clients map[string]*webtest.Client
}

func newContributionServer(t *testing.T) contributionServer {
	t.Helper()
	srv := webtest.NewServer(t)
	return contributionServer{srv: srv, clients: signInAll(t, srv, []testAccount{
		{"viewer", "viewer@example.org", models.RoleViewer, ""},
		{"donor_nor", "donor.nor@example.org", models.RoleDonor, "norway"},
		{"donor_eu", "donor.eu@example.org", models.RoleDonor, "european-union"},
		{"focal_ken", "focal.ken@example.org", models.RoleFocalPoint, "KEN"},
		{"focal_fra", "focal.fra@example.org", models.RoleFocalPoint, "FRA"},
		{"secretariat", "secretariat@example.org", models.RoleSecretariat, ""},
	})}
}

// pledge records a contribution through the form as role.
func (cs contributionServer) pledge(t *testing.T, role string, form url.Values) *webtest.Response {
	t.Helper()
	c := cs.clients[role]
	page := c.Get(t, "/contributions/new")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("the form as %s: %d", role, page.StatusCode)
	}
	form.Set("_csrf", webtest.CSRFToken(t, page))
	return c.PostForm(t, "/contributions", form)
}

func pledgeForm(title string, public bool) url.Values {
	v := url.Values{"donor": {"norway"}, "kind": {"financial"}, "title": {title}, "amount": {"150000"},
		"currency": {"USD"}, "value_date": {"2026-03-01"}, "earmark": {"state"}, "recipient": {"KEN"}}
	if public {
		v.Set("public", "true")
	}
	return v
}

func TestContributionsAreRecordedShownAndExportedAsEachRoleMay(t *testing.T) {
	cs := newContributionServer(t)
	for _, p := range []struct {
		title  string
		public bool
	}{{"Public border training grant", true}, {"Private prosecutor mentoring grant", false}} {
		if r := cs.pledge(t, "donor_nor", pledgeForm(p.title, p.public)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("pledge %q: %d %s", p.title, r.StatusCode, r.Body)
		}
	}
	var private int64
	if err := cs.srv.DB.Raw("SELECT id FROM contributions WHERE title LIKE 'Private%'").Scan(&private).Error; err != nil {
		t.Fatal(err)
	}
	// Who sees the private one: Norway's users, Kenya (the recipient), the
	// Secretariat; not the public, the EU or France.
	sees := map[string]bool{"anonymous": false, "viewer": false, "donor_nor": true, "donor_eu": false,
		"focal_ken": true, "focal_fra": false, "secretariat": true}
	for role, want := range sees {
		c := cs.clients[role]
		list := c.Get(t, "/contributions")
		if !strings.Contains(list.Body, "Public border training grant") {
			t.Errorf("%s does not see the public contribution in the list", role)
		}
		if got := strings.Contains(list.Body, "Private prosecutor mentoring grant"); got != want {
			t.Errorf("%s sees the private one in the list: %v, want %v", role, got, want)
		}
		csv := c.Get(t, "/contributions?format=csv")
		if got := strings.Contains(csv.Body, "Private prosecutor mentoring grant"); got != want {
			t.Errorf("%s finds the private one in the CSV: %v, want %v", role, got, want)
		}
		page := c.Get(t, fmt.Sprintf("/contributions/%d", private))
		if got := page.StatusCode == http.StatusOK; got != want {
			t.Errorf("%s opens the private one: %d, want allowed=%v", role, page.StatusCode, want)
		}
		if !want && page.StatusCode != http.StatusNotFound {
			t.Errorf("%s gets %d for a contribution it may not see, want 404", role, page.StatusCode)
		}
	}

	// A pledge for another organization is refused beside the field, the
	// input kept, and nothing stored.
	bad := pledgeForm("A grant in the EU's name", false)
	bad.Set("donor", "european-union")
	bad.Set("amount", "-3")
	r := cs.pledge(t, "donor_nor", bad)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a bad pledge: %d, want 422", r.StatusCode)
	}
	for _, want := range []string{"A grant in the EU&#39;s name", "You may record contributions only for your own organization.", "The amount cannot be negative."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	var n int64
	cs.srv.DB.Table("contributions").Count(&n)
	if n != 2 {
		t.Errorf("%d contributions stored, want 2", n)
	}

	// The Secretariat confirms receipt; the donor may not.
	path := fmt.Sprintf("/contributions/%d", private)
	step := func(role, to string, version int) *webtest.Response {
		c := cs.clients[role]
		page := c.Get(t, path)
		return c.PostForm(t, path+"/transition", url.Values{"_csrf": {webtest.CSRFToken(t, page)},
			"version": {fmt.Sprint(version)}, "to": {to}, "on": {"2026-04-01"}})
	}
	if r := step("donor_nor", "paid", 1); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("the donor confirms its own receipt: %d, want 422", r.StatusCode)
	}
	if r := step("secretariat", "paid", 1); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the Secretariat confirms receipt: %d %s", r.StatusCode, r.Body)
	}
	if r := step("secretariat", "paid", 1); r.StatusCode != http.StatusConflict && r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a step on an outdated version: %d, want 409 or 422", r.StatusCode)
	}
	page := cs.clients["donor_nor"].Get(t, path)
	for _, want := range []string{"Paid", "1 April 2026", "150,000.00\u00a0USD"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the paid contribution's page lacks %q", want)
		}
	}
	var audit int64
	cs.srv.DB.Table("audit_events").Where("action = ?", "contribution.status_changed").Count(&audit)
	if audit != 1 {
		t.Errorf("%d audit rows for the step, want 1", audit)
	}

	// Funding on the list counts the paid one; the pledge stays beside.
	list := cs.clients["secretariat"].Get(t, "/contributions")
	if !strings.Contains(list.Body, "150,000.00\u00a0USD") {
		t.Errorf("the list's figures lack the funding of 150,000.00 USD")
	}
}

// TestANeedShowsWhatFundsIt: a donor pledges against a need shared with
// donors from the need's page; once the Secretariat confirms receipt, the
// need shows the amount funded, the share and the gap.
func TestANeedShowsWhatFundsIt(t *testing.T) {
	cs := newContributionServer(t)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: cs.srv.DB}
	var focal models.User
	if err := cs.srv.DB.Where("email = ?", "focal.ken@example.org").Take(&focal).Error; err != nil {
		t.Fatal(err)
	}
	need, err := models.CreateNeed(ctx, cs.srv.DB, ref, &focal, models.NeedInput{
		State: "KEN", Title: "Forensic laboratory equipment", Paragraphs: []string{"7"}, Theme: "criminal_justice",
		Priority: "high", Modality: "equipment", Cost: "400000", Currency: "USD", Visibility: "donors",
	}, models.AuditContext{Actor: &focal})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.TransitionNeed(ctx, cs.srv.DB, &focal, need.ID, need.Version, models.NeedSubmitted, "", nil, models.AuditContext{Actor: &focal}); err != nil {
		t.Fatal(err)
	}
	needPath := fmt.Sprintf("/needs/%d", need.ID)
	page := cs.clients["donor_nor"].Get(t, needPath)
	if !strings.Contains(page.Body, "Pledge against this need") {
		t.Fatalf("the donor is not offered to pledge against a shared need")
	}
	form := cs.clients["donor_nor"].Get(t, "/contributions/new?need="+fmt.Sprint(need.ID))
	if !strings.Contains(form.Body, fmt.Sprintf(`name="need" type="text" value="%d"`, need.ID)) && !strings.Contains(form.Body, fmt.Sprintf(`value="%d"`, need.ID)) {
		t.Errorf("the pledge form does not carry the need")
	}
	v := url.Values{"_csrf": {webtest.CSRFToken(t, form)}, "donor": {"norway"}, "kind": {"financial"},
		"title": {"Laboratory grant"}, "amount": {"100000"}, "currency": {"USD"}, "value_date": {"2026-03-01"},
		"earmark": {"need"}, "need": {fmt.Sprint(need.ID)}}
	r := cs.clients["donor_nor"].PostForm(t, "/contributions", v)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pledge against the need: %d %s", r.StatusCode, r.Body)
	}
	contribution := r.Header.Get("Location")
	sec := cs.clients["secretariat"]
	cpage := sec.Get(t, contribution)
	if r := sec.PostForm(t, contribution+"/transition", url.Values{"_csrf": {webtest.CSRFToken(t, cpage)},
		"version": {"1"}, "to": {"paid"}, "on": {"2026-04-01"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm receipt: %d", r.StatusCode)
	}
	for _, role := range []string{"donor_nor", "focal_ken", "secretariat"} {
		body := cs.clients[role].Get(t, needPath).Body
		for _, want := range []string{"Laboratory grant", "100,000.00\u00a0USD", "25 %", "300,000.00\u00a0USD"} {
			if !strings.Contains(body, want) {
				t.Errorf("the need's page as %s lacks %q", role, want)
			}
		}
	}
	// The list of needs not fully funded counts what each donor may see:
	// Norway its private grant, the EU not; anonymous visitors do not see
	// a need shared with donors only.
	for role, gap := range map[string]string{"donor_nor": "300,000.00", "donor_eu": "400,000.00"} {
		body := cs.clients[role].Get(t, "/needs?funding=gap&sort=gap").Body
		row := tableRowWith(body, "Forensic laboratory equipment")
		if row == "" || !strings.Contains(row, gap) {
			t.Errorf("the funding gap list as %s: row %q, want the need with a gap of %s", role, row, gap)
		}
	}
	if body := cs.srv.Client().Get(t, "/needs?funding=gap").Body; strings.Contains(body, "Forensic laboratory equipment") {
		t.Error("an anonymous visitor sees a need shared with donors only in the funding gap list")
	}

	// A private need of another State cannot be earmarked.
	private, err := models.CreateNeed(ctx, cs.srv.DB, ref, &focal, models.NeedInput{
		State: "KEN", Title: "Private need", Paragraphs: []string{"7"}, Theme: "criminal_justice",
		Priority: "high", Modality: "equipment", Visibility: "state",
	}, models.AuditContext{Actor: &focal})
	if err != nil {
		t.Fatal(err)
	}
	v.Set("need", fmt.Sprint(private.ID))
	v.Set("_csrf", webtest.CSRFToken(t, cs.clients["donor_nor"].Get(t, "/contributions/new")))
	if r := cs.clients["donor_nor"].PostForm(t, "/contributions", v); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Choose a need that is open and that you may see.") {
		t.Errorf("an earmark to a private need: %d, want 422 with the message", r.StatusCode)
	}
}

// addContributions adds n contributions over every donor, status, kind and
// earmark, a tenth of them to need (public), in one statement.
func addContributions(t *testing.T, srv *webtest.Server, n int, need int64) {
	t.Helper()
	err := srv.DB.Exec(`
		INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status,
			paid_on, cancelled_on, in_kind_type, earmark, need_id, recipient_state_id, reported_by, public)
		SELECT d.id, CASE WHEN g % 7 = 0 THEN 'in_kind' ELSE 'financial' END, 'Counted contribution ' || g,
			1000 + g, (ARRAY['USD', 'EUR', 'NOK'])[1 + g % 3], DATE '2026-01-01' + (g % 300),
			(ARRAY['pledged', 'committed', 'paid', 'cancelled'])[1 + g % 4],
			CASE WHEN g % 4 = 2 THEN DATE '2026-06-01' END, CASE WHEN g % 4 = 3 THEN DATE '2026-06-01' END,
			CASE WHEN g % 7 = 0 THEN 'experts' END,
			CASE WHEN g % 10 = 0 THEN 'need' ELSE 'none' END, CASE WHEN g % 10 = 0 THEN ?::bigint END,
			CASE WHEN g % 10 = 0 THEN (SELECT member_state_id FROM needs WHERE id = ?) END,
			'donor', g % 2 = 0
		FROM generate_series(1, ?) AS g
		JOIN LATERAL (SELECT id FROM donor_organizations ORDER BY id OFFSET (g % 35) LIMIT 1) d ON true`, need, need, n).Error
	if err != nil {
		t.Fatalf("contributions: %v", err)
	}
}

// TestContributionPagesIssueTheSameStatementsWith10And10000Contributions
// counts the list, a contribution and a need's page as each role.
func TestContributionPagesIssueTheSameStatementsWith10And10000Contributions(t *testing.T) {
	cs := newContributionServer(t)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: cs.srv.DB}
	var focal models.User
	if err := cs.srv.DB.Where("email = ?", "focal.ken@example.org").Take(&focal).Error; err != nil {
		t.Fatal(err)
	}
	need, err := models.CreateNeed(ctx, cs.srv.DB, ref, &focal, models.NeedInput{
		State: "KEN", Title: "Counted need", Paragraphs: []string{"7"}, Theme: "criminal_justice",
		Priority: "high", Modality: "equipment", Cost: "400000", Currency: "EUR", Visibility: "public",
	}, models.AuditContext{Actor: &focal})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.TransitionNeed(ctx, cs.srv.DB, &focal, need.ID, need.Version, models.NeedSubmitted, "", nil, models.AuditContext{Actor: &focal}); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs.clients {
		c.Get(t, "/") // the first page after signing in also saves the session
	}
	pages := []string{"/contributions", "/contributions?status=paid&kind=financial", "/contributions/2", fmt.Sprintf("/needs/%d", need.ID),
		"/needs?funding=gap&sort=gap"}
	count := func() map[string]int {
		out := map[string]int{}
		for role, c := range cs.clients {
			for _, p := range pages {
				resp := c.Get(t, p)
				if resp.StatusCode == http.StatusOK {
					out[role+" "+p] = cs.srv.Statements(t, resp)
				}
			}
		}
		return out
	}
	addContributions(t, cs.srv, 10, need.ID)
	small := count()
	addContributions(t, cs.srv, 9990, need.ID)
	large := count()
	if len(small) < 5*len(cs.clients) {
		t.Fatalf("only %d pages answered: %v", len(small), small)
	}
	for page, n := range small {
		if n > maxStatements {
			t.Errorf("%s: %d statements, want at most %d", page, n, maxStatements)
		}
		if large[page] != n {
			t.Errorf("%s: %d statements with 10 contributions, %d with 10,000", page, n, large[page])
		}
	}
	t.Logf("statements: %v", small)
}

// tableRowWith returns the table row of body that contains text, "" if
// none does.
func tableRowWith(body, text string) string {
	for _, row := range strings.Split(body, "<tr") {
		if i := strings.Index(row, "</tr>"); i >= 0 && strings.Contains(row[:i], text) {
			return row[:i]
		}
	}
	return ""
}

// TestTheSecretariatImportsContributionsFromAFile pastes a wrong file
// (refused whole, with its problems beside the field and the text kept),
// then the right one, then the same again.
func TestTheSecretariatImportsContributionsFromAFile(t *testing.T) {
	cs := newContributionServer(t)
	if r := cs.clients["donor_nor"].Get(t, "/contributions/import"); r.StatusCode != http.StatusForbidden {
		t.Errorf("a donor opens the import: %d, want 403", r.StatusCode)
	}
	sec := cs.clients["secretariat"]
	if list := sec.Get(t, "/contributions"); !strings.Contains(list.Body, `href="/contributions/import"`) {
		t.Error("the Secretariat's list does not link to the import")
	}
	good := "import_key,donor,kind,title,amount,currency,value_date,status,earmark,recipient,public\n" +
		"NOR-1,norway,financial,Imported border grant,250000,USD,2026-02-01,paid,state,KEN,yes\n" +
		"EU-1,european-union,financial,Imported pledge,10000,EUR,2026-03-01,pledged,none,,no\n"
	bad := strings.Replace(good, "250000,USD", "-250000,USD", 1)
	post := func(csv string) *webtest.Response {
		page := sec.Get(t, "/contributions/import")
		return sec.PostForm(t, "/contributions/import", url.Values{"_csrf": {webtest.CSRFToken(t, page)}, "csv": {csv}})
	}
	r := post(bad)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong file: %d, want 422", r.StatusCode)
	}
	for _, want := range []string{"Nothing was imported", "Line 2, column amount:", "Imported border grant"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the refused import lacks %q", want)
		}
	}
	var n int64
	cs.srv.DB.Model(&models.Contribution{}).Where("import_key IS NOT NULL").Count(&n)
	if n != 0 {
		t.Fatalf("%d contributions stored from a refused file", n)
	}
	if r := post(good); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/contributions" {
		t.Fatalf("the right file: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if list := sec.Get(t, "/contributions"); !strings.Contains(list.Body, "2 new, 0 changed, 0 unchanged") ||
		!strings.Contains(list.Body, "Imported border grant") {
		t.Error("after the import the list does not say what was imported or show it")
	}
	post(good)
	if list := sec.Get(t, "/contributions"); !strings.Contains(list.Body, "0 new, 0 changed, 2 unchanged") {
		t.Error("importing the same file again does not say that nothing changed")
	}
	// What the file marked public is public; the rest is not.
	anon := cs.srv.Client().Get(t, "/donors/norway").Body
	if !strings.Contains(anon, "Imported border grant") {
		t.Error("the imported public contribution is not on Norway's public page")
	}
	if strings.Contains(cs.srv.Client().Get(t, "/donors/european-union").Body, "Imported pledge") {
		t.Error("the imported private pledge shows on the EU's public page")
	}
}
