package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ctap/models"
	"ctap/web/webtest"
)

// progressServer is a portal with an open reporting period and a client
// per role (focal points of Kenya and France).
type progressServer struct {
	srv     *webtest.Server
	period  models.ReportingPeriod
	clients map[string]*webtest.Client
}

func newProgressServer(t *testing.T) progressServer {
	t.Helper()
	srv := webtest.NewServer(t)
	p, err := models.EnsureDemoPeriod(context.Background(), srv.DB)
	if err != nil {
		t.Fatal(err)
	}
	return progressServer{srv: srv, period: p, clients: signInAll(t, srv, []testAccount{
		{"viewer", "viewer@example.org", models.RoleViewer, ""},
		{"donor", "donor.nor@example.org", models.RoleDonor, "norway"},
		{"focal_point", "focal.ken@example.org", models.RoleFocalPoint, "KEN"},
		{"focal_point_fra", "focal.fra@example.org", models.RoleFocalPoint, "FRA"},
		{"secretariat", "secretariat@example.org", models.RoleSecretariat, ""},
		{"admin", "admin@example.org", models.RoleAdmin, ""},
	})}
}

func (ps progressServer) path(p string) string {
	sep := "?"
	if strings.Contains(p, "?") {
		sep = "&"
	}
	return p + sep + "period=" + fmt.Sprint(ps.period.ID)
}

// edit submits the edit form of Kenya's paragraph n as role, on version
// seen, with evidence rows as label, url pairs.
func (ps progressServer) edit(t *testing.T, role string, n, seen int, impl, narrative string, evidence ...string) *webtest.Response {
	t.Helper()
	c := ps.clients[role]
	form := c.Get(t, ps.path(fmt.Sprintf("/states/KEN/progress/%d/edit", n)))
	if form.StatusCode != http.StatusOK {
		t.Fatalf("edit form of paragraph %d as %s: %d", n, role, form.StatusCode)
	}
	v := url.Values{"_csrf": {webtest.CSRFToken(t, form)}, "version": {fmt.Sprint(seen)},
		"implementation": {impl}, "narrative": {narrative}, "measures": {"A national law."}}
	for i := 0; i+1 < len(evidence); i += 2 {
		v.Add("evidence_label", evidence[i])
		v.Add("evidence_url", evidence[i+1])
	}
	return c.PostForm(t, ps.path(fmt.Sprintf("/states/KEN/progress/%d/edit", n)), v)
}

func (ps progressServer) step(t *testing.T, role string, n, seen int, to, note string) *webtest.Response {
	t.Helper()
	c := ps.clients[role]
	page := c.Get(t, ps.path(fmt.Sprintf("/states/KEN/progress/%d", n)))
	return c.PostForm(t, ps.path(fmt.Sprintf("/states/KEN/progress/%d/transition", n)), url.Values{
		"_csrf": {webtest.CSRFToken(t, page)}, "version": {fmt.Sprint(seen)}, "to": {to}, "note": {note},
	})
}

func (ps progressServer) report(t *testing.T, n int) (models.ProgressReport, bool) {
	t.Helper()
	var r models.ProgressReport
	err := ps.srv.DB.Where("period_id = ? AND paragraph_number = ? AND member_state_id = (SELECT id FROM member_states WHERE iso3 = 'KEN')", ps.period.ID, n).Take(&r).Error
	return r, err == nil
}

func TestProgressPagesAnswerEachRoleAsThePolicySays(t *testing.T) {
	ps := newProgressServer(t)
	if r := ps.edit(t, "focal_point", 1, 0, "planned", "Kenya plans a law."); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d %s", r.StatusCode, r.Body)
	}
	reader := map[string]bool{"focal_point": true, "secretariat": true, "admin": true}
	editor := map[string]bool{"focal_point": true, "admin": true}
	for role, c := range ps.clients {
		for _, tc := range []struct {
			path string
			ok   bool
		}{
			{"/states/KEN/progress", reader[role]},
			{"/states/KEN/progress/1", reader[role]},
			{"/states/KEN/progress/1/versions/1", reader[role]},
			{"/states/KEN/progress/1/edit", editor[role]},
			{"/states/FRA/progress", role == "focal_point_fra" || role == "secretariat" || role == "admin"},
			{"/states/FRA/progress/1/edit", role == "focal_point_fra" || role == "admin"},
			{"/admin/periods", role == "secretariat" || role == "admin"},
			{"/admin/periods/new", role == "secretariat" || role == "admin"},
		} {
			resp := c.Get(t, ps.path(tc.path))
			got := resp.StatusCode == http.StatusOK
			refused := resp.StatusCode == http.StatusForbidden || (resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/auth/login"))
			if got != tc.ok || (!tc.ok && !refused) {
				t.Errorf("%s as %s: %d, want allowed=%v", tc.path, role, resp.StatusCode, tc.ok)
			}
			if got && tc.path == "/states/KEN/progress/1" && !strings.Contains(resp.Body, "Kenya plans a law.") {
				t.Errorf("%s as %s lacks the narrative", tc.path, role)
			}
		}
	}
	// The overview lists the 17 paragraphs with what is missing.
	page := ps.clients["secretariat"].Get(t, "/states/KEN/progress")
	for _, want := range []string{"Operative paragraph 17", "1 of 17 paragraphs reported", "No report", "Planned", "Draft", ps.period.Title["en"]} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the progress page lacks %q", want)
		}
	}
	if n := strings.Count(page.Body, `<th scope="row"><a href="/states/KEN/progress/`); n != 17 {
		t.Errorf("%d paragraph rows, want 17", n)
	}

	// In a closed period the State may read but not edit: the form sends
	// it back with the reason, and a submitted edit is refused (422).
	var closed int64
	ps.srv.DB.Raw("SELECT id FROM reporting_periods WHERE opens_on = '2016-01-01'").Scan(&closed)
	c := ps.clients["focal_point"]
	edit := fmt.Sprintf("/states/KEN/progress/1/edit?period=%d", closed)
	r := c.Get(t, edit)
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(c.Follow(t, r).Body, "This reporting period is not open") {
		t.Errorf("the edit form of a closed period: %d", r.StatusCode)
	}
	post := c.PostForm(t, edit, url.Values{"_csrf": {csrfCookie(t, ps.srv, c)}, "version": {"0"}, "implementation": {"planned"}})
	if post.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(post.Body, "This reporting period is not open") {
		t.Errorf("an edit in a closed period: %d", post.StatusCode)
	}
}

func TestProgressIsEditedSubmittedReturnedResubmittedAndValidated(t *testing.T) {
	ps := newProgressServer(t)
	r := ps.edit(t, "focal_point", 2, 0, "in_progress", "Kenya trains prosecutors.",
		"Training plan", "https://example.org/plan.pdf", "", "", "", "")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != ps.path("/states/KEN/progress/2") {
		t.Fatalf("save: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	page := ps.clients["focal_point"].Follow(t, r)
	for _, want := range []string{"Report saved.", "Kenya trains prosecutors.", `href="https://example.org/plan.pdf"`, "Training plan", "Submit to the Secretariat"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the paragraph page lacks %q", want)
		}
	}
	// The edit form shows the existing row and three empty ones.
	form := ps.clients["focal_point"].Get(t, ps.path("/states/KEN/progress/2/edit"))
	if !strings.Contains(form.Body, `id="evidence_url_4"`) || strings.Contains(form.Body, `id="evidence_url_5"`) {
		t.Error("the edit form does not show one existing evidence row and three empty ones")
	}
	if r := ps.step(t, "focal_point", 2, 1, "submitted", ""); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.StatusCode)
	}
	// The Secretariat returns it: a comment is required.
	if r := ps.step(t, "secretariat", 2, 2, "returned", ""); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "This field is required.") {
		t.Errorf("return without a comment: %d", r.StatusCode)
	}
	// The focal point cannot validate their own report.
	if r := ps.step(t, "focal_point", 2, 2, "validated", ""); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not for you") {
		t.Errorf("validation by the State: %d", r.StatusCode)
	}
	if r := ps.step(t, "secretariat", 2, 2, "returned", "Please add the number of prosecutors trained."); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d %s", r.StatusCode, r.Body)
	}
	back := ps.clients["focal_point"].Get(t, ps.path("/states/KEN/progress/2/edit"))
	if !strings.Contains(back.Body, "Please add the number of prosecutors trained.") {
		t.Error("the State does not see the Secretariat's comment on the edit form")
	}
	if r := ps.edit(t, "focal_point", 2, 3, "in_progress", "Kenya trained 120 prosecutors.", "Training plan", "https://example.org/plan.pdf"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit after return: %d", r.StatusCode)
	}
	if r := ps.step(t, "focal_point", 2, 4, "submitted", "Added the figures."); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", r.StatusCode)
	}
	if r := ps.step(t, "secretariat", 2, 5, "validated", ""); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("validate: %d", r.StatusCode)
	}
	rep, _ := ps.report(t, 2)
	if rep.Status != models.ProgressValidated || rep.Version != 6 || rep.ReturnComment != "" {
		t.Errorf("after validation: %s v%d %q", rep.Status, rep.Version, rep.ReturnComment)
	}
	var events int64
	ps.srv.DB.Model(&models.AuditEvent{}).Where("action IN ? AND target_id = ?",
		[]string{string(models.ActionProgressSaved), string(models.ActionProgressTransition)}, fmt.Sprint(rep.ID)).Count(&events)
	if events != 6 {
		t.Errorf("%d audit events for 2 saves and 4 steps", events)
	}
	list := ps.clients["secretariat"].Get(t, ps.path("/states/KEN/progress/2"))
	for _, want := range []string{"Version 6", "Version 1", "Status changed", "Validated", "Returned"} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("the versions list lacks %q", want)
		}
	}

	// /paragraphs/2 shows the distribution to those who may see progress.
	for role, c := range ps.clients {
		body := c.Get(t, "/paragraphs/2").Body
		shown := strings.Contains(body, "Where States stand")
		want := role == "focal_point" || role == "focal_point_fra" || role == "secretariat" || role == "admin"
		if shown != want {
			t.Errorf("/paragraphs/2 as %s: distribution shown %v", role, shown)
		}
		if shown && !strings.Contains(body, "Validated reports of 1 States") {
			t.Errorf("/paragraphs/2 as %s does not count the validated report", role)
		}
		if link := strings.Contains(body, `href="/states/KEN/progress/2"`); link != (role == "focal_point") {
			t.Errorf("/paragraphs/2 as %s: link to Kenya's report shown %v", role, link)
		}
	}
	resp := ps.clients["secretariat"].Get(t, "/paragraphs/2")
	if n := ps.srv.Statements(t, resp); n > 6 {
		t.Errorf("/paragraphs/2 with the distribution: %d statements", n)
	}
}

func TestProgressSaveOnAnOutdatedVersionIsRefusedShowingBoth(t *testing.T) {
	ps := newProgressServer(t)
	if r := ps.edit(t, "focal_point", 3, 0, "planned", "First text."); r.StatusCode != http.StatusSeeOther {
		t.Fatal(r.StatusCode)
	}
	if r := ps.edit(t, "admin", 3, 1, "in_progress", "The admin's text."); r.StatusCode != http.StatusSeeOther {
		t.Fatal(r.StatusCode)
	}
	stale := ps.edit(t, "focal_point", 3, 1, "planned", "The focal point's late text.")
	if stale.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: %d", stale.StatusCode)
	}
	for _, want := range []string{"Someone else saved this report", "The admin&#39;s text.", "The focal point&#39;s late text.", "Saved meanwhile", "Yours", `name="version" value="2"`} {
		if !strings.Contains(stale.Body, want) {
			t.Errorf("the conflict page lacks %q", want)
		}
	}
	if r, _ := ps.report(t, 3); r.Narrative != "The admin's text." || r.Version != 2 {
		t.Errorf("the stale save was applied: %q v%d", r.Narrative, r.Version)
	}
}

func TestProgressRefusesUnsafeLinksAndBadTextBesideTheField(t *testing.T) {
	ps := newProgressServer(t)
	r := ps.edit(t, "focal_point", 4, 0, "planned", "Text.", "Fine", "https://example.org", "Evil", "javascript:alert(1)")
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("javascript: link: %d", r.StatusCode)
	}
	for _, want := range []string{
		`<p class="field-error" id="evidence_url_2-error">Enter a web address starting with http:// or https://.</p>`,
		`id="evidence_url_2" name="evidence_url" type="url" value="javascript:alert(1)"`,
		`href="#evidence_url_2"`, `value="https://example.org"`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the rejected form lacks %q", want)
		}
	}
	if strings.Contains(r.Body, `href="javascript:`) {
		t.Error("the rejected link became a link")
	}
	if _, found := ps.report(t, 4); found {
		t.Error("a report was stored despite the refused link")
	}

	long := ps.edit(t, "focal_point", 4, 0, "planned", strings.Repeat("a", models.MaxNarrative+1))
	if long.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(long.Body, `id="narrative-error">Use at most 10000 characters.`) {
		t.Errorf("over-long narrative: %d", long.StatusCode)
	}
	bad := ps.edit(t, "focal_point", 4, 0, "planned", "bad \xff text")
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `id="narrative-error">This text contains characters`) {
		t.Errorf("invalid UTF-8: %d", bad.StatusCode)
	}
	if _, found := ps.report(t, 4); found {
		t.Error("a report was stored despite the refused text")
	}
}

func TestProgressVersionPageShowsTheNarrativeDifference(t *testing.T) {
	ps := newProgressServer(t)
	ps.edit(t, "focal_point", 5, 0, "planned", "Kenya drafted a bill on hostage taking.")
	ps.edit(t, "focal_point", 5, 1, "in_progress", "Kenya adopted a law on hostage taking.")
	page := ps.clients["secretariat"].Get(t, ps.path("/states/KEN/progress/5/versions/2"))
	if page.StatusCode != http.StatusOK {
		t.Fatalf("version page: %d", page.StatusCode)
	}
	for _, want := range []string{"drafted</del>", "bill</del>", "adopted</ins>", "law</ins>", " a ", "on hostage taking.", "Version 1", "Version 2", "Planned", "In progress"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the difference page lacks %q", want)
		}
	}
	if n := ps.srv.Statements(t, page); n > 6 {
		t.Errorf("version page: %d statements", n)
	}
	if r := ps.clients["secretariat"].Get(t, ps.path("/states/KEN/progress/5/versions/9")); r.StatusCode != http.StatusNotFound {
		t.Errorf("a version that does not exist: %d", r.StatusCode)
	}
}

func TestProgressCarryForwardOverHTTPIsIdempotent(t *testing.T) {
	ps := newProgressServer(t)
	ps.srv.DB.Exec(`INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, narrative, status)
		SELECT ms.id, p.id, n, 'planned', 'From 2016.', 'validated'
		FROM member_states ms, reporting_periods p, generate_series(1, 3) n
		WHERE ms.iso3 = 'KEN' AND p.opens_on = '2016-01-01'`)
	c := ps.clients["focal_point"]
	page := c.Get(t, "/states/KEN/progress")
	if !strings.Contains(page.Body, "Start from the previous period’s answers") {
		t.Fatal("the progress page offers no carry-forward")
	}
	tok := webtest.CSRFToken(t, page)
	r := c.PostForm(t, "/states/KEN/progress/carry-forward", url.Values{"_csrf": {tok}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("carry-forward: %d %s", r.StatusCode, r.Body)
	}
	if body := c.Follow(t, r).Body; !strings.Contains(body, "3 paragraphs started from") || !strings.Contains(body, "3 of 17 paragraphs reported") {
		t.Error("the carried drafts are not shown")
	}
	again := c.Follow(t, c.PostForm(t, "/states/KEN/progress/carry-forward", url.Values{"_csrf": {tok}}))
	if !strings.Contains(again.Body, "Nothing to copy") {
		t.Error("a second carry-forward does not say it copied nothing")
	}
	var n int64
	ps.srv.DB.Raw("SELECT count(*) FROM progress_reports WHERE period_id = ?", ps.period.ID).Scan(&n)
	if n != 3 {
		t.Errorf("%d reports in the open period after two carry-forwards", n)
	}
	if r := ps.clients["secretariat"].PostForm(t, "/states/KEN/progress/carry-forward", url.Values{"_csrf": {csrfCookie(t, ps.srv, ps.clients["secretariat"])}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("the Secretariat carrying forward for Kenya: %d", r.StatusCode)
	}
}

func TestAdminPeriodsAreCreatedValidatedAndVersionChecked(t *testing.T) {
	ps := newProgressServer(t)
	c := ps.clients["secretariat"]
	list := c.Get(t, "/admin/periods")
	for _, want := range []string{"Report to the seventy-first session (2016)", "Closed", "Open", ps.period.Title["en"]} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("the periods list lacks %q", want)
		}
	}
	fr := ps.clients["secretariat"]
	fr.SetHeader("Accept-Language", "fr")
	if !strings.Contains(fr.Get(t, "/admin/periods").Body, "Rapport à la soixante et onzième session (2016)") {
		t.Error("the 2016 period has no French title")
	}
	fr.SetHeader("Accept-Language", "en")

	form := c.Get(t, "/admin/periods/new")
	tok := webtest.CSRFToken(t, form)
	bad := c.PostForm(t, "/admin/periods", url.Values{"_csrf": {tok}, "title_en": {"Report (2031)"},
		"opens_on": {"2031-06-01"}, "due_on": {"2031-05-01"}, "closes_on": {"2031-04-01"}})
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("closing before opening: %d", bad.StatusCode)
	}
	for _, want := range []string{"The closing date cannot be before the opening date.", `value="Report (2031)"`, `aria-invalid="true"`} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("the rejected period form lacks %q", want)
		}
	}
	ok := c.PostForm(t, "/admin/periods", url.Values{"_csrf": {tok}, "title_en": {"Report (2031)"}, "title_fr": {"Rapport (2031)"},
		"opens_on": {"2031-01-01"}, "due_on": {"2031-05-31"}, "closes_on": {"2031-06-30"}})
	if ok.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", ok.StatusCode, ok.Body)
	}
	var p models.ReportingPeriod
	ps.srv.DB.Where("title->>'en' = 'Report (2031)'").Take(&p)
	path := fmt.Sprintf("/admin/periods/%d", p.ID)
	edit := func(version int, closes string) *webtest.Response {
		return c.PostForm(t, path, url.Values{"_csrf": {tok}, "version": {fmt.Sprint(version)}, "title_en": {"Report (2031)"},
			"opens_on": {"2031-01-01"}, "due_on": {"2031-05-31"}, "closes_on": {closes}})
	}
	if r := edit(1, "2031-07-31"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.StatusCode)
	}
	stale := edit(1, "2031-08-31")
	if stale.StatusCode != http.StatusConflict {
		t.Fatalf("stale edit: %d", stale.StatusCode)
	}
	for _, want := range []string{"Someone else changed this period", "2031-07-31", "2031-08-31"} {
		if !strings.Contains(stale.Body, want) {
			t.Errorf("the conflict page lacks %q", want)
		}
	}
	var events int64
	ps.srv.DB.Model(&models.AuditEvent{}).Where("action IN ('period.created', 'period.edited') AND target_id = ?", fmt.Sprint(p.ID)).Count(&events)
	if events != 2 {
		t.Errorf("%d audit events for a period created and edited", events)
	}
}

// The progress page reads the same number of statements whatever the
// number of reports.
func TestProgressPageStatementsDoNotGrowWithReports(t *testing.T) {
	ps := newProgressServer(t)
	c := ps.clients["secretariat"]
	count := func(path string) int {
		resp := c.Get(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return ps.srv.Statements(t, resp)
	}
	insert := func(states int) {
		ps.srv.DB.Exec(`INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, narrative, status)
			SELECT ms.id, ?, n, 'planned', 'Narrative.', 'validated'
			FROM (SELECT id FROM member_states ORDER BY iso3 = 'KEN' DESC, id LIMIT ?) ms, generate_series(1, 17) n
			ON CONFLICT DO NOTHING`, ps.period.ID, states)
	}
	ps.srv.DB.Exec(`INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, status)
		SELECT id, ?, n, 'planned', 'draft' FROM member_states, generate_series(1, 10) n WHERE iso3 = 'KEN'`, ps.period.ID)
	var n int64
	ps.srv.DB.Raw("SELECT count(*) FROM progress_reports").Scan(&n)
	if n != 10 {
		t.Fatalf("%d reports, want 10", n)
	}
	pages := []string{"/states/KEN/progress", ps.path("/states/KEN/progress/1"), "/paragraphs/1"}
	for _, p := range pages {
		count(p) // the reference data loads once per process, at the first page that needs it
	}
	small := map[string]int{}
	for _, p := range pages {
		small[p] = count(p)
		if small[p] > 6 {
			t.Errorf("%s: %d statements", p, small[p])
		}
	}
	insert(59) // 59 States × 17 paragraphs, with Kenya's remaining seven
	ps.srv.DB.Raw("SELECT count(*) FROM progress_reports").Scan(&n)
	if n < 1000 {
		t.Fatalf("%d reports, want at least 1,000", n)
	}
	for _, p := range pages {
		if m := count(p); m != small[p] {
			t.Errorf("%s: %d statements with 10 reports, %d with %d", p, small[p], m, n)
		}
	}
}

// The progress pages, the edit form with its errors and the periods'
// administration have no serious accessibility fault.
func TestProgressPagesAreAccessible(t *testing.T) {
	ps := newProgressServer(t)
	ps.edit(t, "focal_point", 6, 0, "planned", "Kenya drafted a bill.", "Bill", "https://example.org/bill")
	ps.edit(t, "focal_point", 6, 1, "in_progress", "Kenya adopted the law.", "Act", "https://example.org/act")
	b := webtest.NewBrowser(t)
	signInBrowser(t, b, ps.srv, "admin@example.org")
	pages := []string{
		"/states/KEN/progress", ps.path("/states/KEN/progress/6"), ps.path("/states/KEN/progress/6/edit"),
		ps.path("/states/KEN/progress/6/versions/2"), "/admin/periods", "/admin/periods/new", "/paragraphs/6",
	}
	for _, p := range pages {
		if err := b.Run(chromedp.Navigate(ps.srv.URL + p)); err != nil {
			t.Fatalf("opening %s: %v", p, err)
		}
		if vs := webtest.SeriousOrWorse(b.Axe(t, p)); len(vs) > 0 {
			t.Errorf("%s", webtest.FormatViolations(p, vs))
		}
	}
	// The edit form refusing a link, with its messages.
	b.Step("open the edit form", chromedp.Navigate(ps.srv.URL+ps.path("/states/KEN/progress/6/edit")))
	b.Step("enter an unsafe link",
		chromedp.SendKeys(chromedp.CSS(`#evidence_label_2`), "Evil"),
		chromedp.SendKeys(chromedp.CSS(`#evidence_url_2`), "javascript:alert(1)"),
		webtest.ClickAndWait(`form.stacked-form button[type=submit]`))
	if !b.Exists("#evidence_url_2-error") {
		t.Fatal("the refused link has no message beside it")
	}
	if vs := webtest.SeriousOrWorse(b.Axe(t, "(edit form with errors)")); len(vs) > 0 {
		t.Errorf("%s", webtest.FormatViolations("(edit form with errors)", vs))
	}
}
