package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctap/models"
	"ctap/web/webtest"
)

// The Member State workspace journeys: a need, a progress report, a
// treaty action and two people editing one need, each walked by Kenya's
// focal points and the Secretariat in their own browsers, signing in
// through the development provider's form. They open /needs, /states/KEN/progress, /states/KEN/treaties and
// /instruments directly or through their links, never through the State
// page's layout.

// The people of the journeys, as the development provider names them.
const (
	kenFocal        = "focal.ken@example.org"
	kenFocalName    = "Wanjiru Focal Point, Kenya (demo)"
	secretariat     = "secretariat@example.org"
	secretariatName = "Sam Secretariat (demo)"
)

var needPathRE = regexp.MustCompile(`^/needs/(\d+)$`)

// TestJourneyWorkspaceNeedFromDraftToAccepted: Kenya's focal point records
// a need through the form and submits it; the Secretariat finds it among
// the submitted needs, starts the review and accepts it, explaining each
// step; the focal point sees it accepted, with the history of both notes.
func TestJourneyWorkspaceNeedFromDraftToAccepted(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	srv.Invite(t, kenFocal, models.RoleFocalPoint, "KEN")
	srv.Invite(t, secretariat, models.RoleSecretariat, "")
	const (
		title       = "Training of judges on terrorism financing cases"
		description = "A two-week course for forty judges of the High Court."
		reviewNote  = "Checking the budget with the implementing entity."
		acceptNote  = "Accepted for the 2027 programme."
	)

	focal := webtest.NewBrowserAs(t, "focal point")
	signInOn(t, focal, srv, "/needs", kenFocal)
	focal.Step("follow Record a need",
		webtest.ClickLink(".actions-row", "Record a need"),
		chromedp.WaitVisible(chromedp.CSS("#title")))
	if got := path(t, focal); got != "/needs/new" {
		t.Fatalf("Record a need leads to %q, want /needs/new", got)
	}
	if got := inputValue(t, focal, "#state"); got != "KEN" {
		t.Errorf("the new need's State is %q, want Kenya (KEN) preselected for Kenya's focal point", got)
	}
	focal.Step("fill the need's form",
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SendKeys(chromedp.CSS("#description"), description),
		webtest.Click(`label[for="paragraph-2"]`),
		webtest.Click(`label[for="paragraph-7"]`),
		webtest.SelectOption("#theme", "Criminal justice systems"),
		webtest.SelectOption("#priority", "High"),
		webtest.SelectOption("#modality", "Training"),
		chromedp.SendKeys(chromedp.CSS("#cost"), "48000.00"),
		webtest.SelectOption("#currency", "EUR — Euro"),
		typeDate("#target_start", "2027-03-01"),
		typeDate("#target_end", "2027-03-14"),
		webtest.Click(`label[for="visibility-donors"]`))
	focal.Step("save the need", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	m := needPathRE.FindStringSubmatch(path(t, focal))
	if m == nil {
		t.Fatalf("after saving the new need the browser is on %q, want /needs/{id}; the page says %q", path(t, focal), focal.Text("main"))
	}
	needPath := m[0]
	if got := flash(t, focal); got != "The need was recorded as a draft." {
		t.Errorf("flash %q, want The need was recorded as a draft.", got)
	}
	if got := focal.Text("main h1"); got != title {
		t.Errorf("the need's h1 is %q, want its title %q", got, title)
	}
	if got := needStatus(t, focal); got != "Draft" {
		t.Errorf("the new need's status is %q, want Draft", got)
	}
	details := focal.Text("dl.facts")
	for _, want := range []string{"Kenya", "2, 7", "Criminal justice systems", "High", "Training", "48,000.00\u00a0EUR", "1 March 2027", "14 March 2027"} {
		if !strings.Contains(details, want) {
			t.Errorf("the need's details %q do not show %q as typed in the form", details, want)
		}
	}
	if got := focal.Text("#description-title + p"); got != description {
		t.Errorf("the need's description is %q, want %q", got, description)
	}
	focal.Step("choose Submit to the Secretariat and apply",
		webtest.Click(`label[for="to-submitted"]`),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	if got := flash(t, focal); got != "The need's status was changed." {
		t.Errorf("after submitting, the flash is %q, want The need's status was changed.", got)
	}
	if got := needStatus(t, focal); got != "Submitted" {
		t.Fatalf("after submitting, the need's status is %q, want Submitted", got)
	}

	// The Secretariat, in its own browser.
	sec := webtest.NewBrowserAs(t, "secretariat")
	signInOn(t, sec, srv, "/needs", secretariat)
	sec.Step("show the submitted needs",
		webtest.SelectOption("#status", "Submitted"),
		webtest.ClickAndWait("form.filter-bar button[type=submit]"))
	if got := sec.Location(); !strings.Contains(got, "status=submitted") {
		t.Errorf("the filtered list is %q, want it to keep status=submitted", got)
	}
	if got := sec.Text(".result-count"); got != "1 need" {
		t.Errorf("the submitted needs count %q, want 1 need", got)
	}
	if row := tableRow(t, sec, "table.data-table", title); !strings.Contains(strings.Join(row, "|"), "Submitted") {
		t.Errorf("the list shows the need as %q, want Submitted", row)
	}
	sec.Step("open the need", webtest.ClickLink("table.data-table tbody", title))
	if got := path(t, sec); got != needPath {
		t.Fatalf("the list's link leads to %q, want %s", got, needPath)
	}
	if sec.Exists("#to-submitted") {
		t.Error("the Secretariat is offered to submit the State's need")
	}
	sec.Step("start the review with a note",
		webtest.Click(`label[for="to-under_review"]`),
		chromedp.SendKeys(chromedp.CSS("#note"), reviewNote),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	if got := flash(t, sec); got != "The need's status was changed." {
		t.Errorf("after starting the review, the flash is %q", got)
	}
	if got := needStatus(t, sec); got != "Under review" {
		t.Fatalf("after starting the review, the status is %q, want Under review", got)
	}
	sec.Step("accept the need with a note",
		webtest.Click(`label[for="to-accepted"]`),
		chromedp.SendKeys(chromedp.CSS("#note"), acceptNote),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	if got := needStatus(t, sec); got != "Accepted" {
		t.Fatalf("after accepting, the status is %q, want Accepted", got)
	}

	// The focal point reloads the need's page.
	focal.Step("reload the need's page", chromedp.Reload())
	if got := needStatus(t, focal); got != "Accepted" {
		t.Errorf("the focal point sees the need as %q, want Accepted", got)
	}
	history := texts(t, focal, "ol.history > li")
	// Each step says when it was taken.
	var times []struct{ Datetime, Text string }
	evalJS(t, focal, "reading the history's times", `[...document.querySelectorAll("ol.history > li")].map(li => ({
		Datetime: li.querySelector("time")?.getAttribute("datetime") || "",
		Text: li.querySelector("time")?.innerText.trim() || "",
	}))`, &times)
	for i, tm := range times {
		at, err := time.Parse(time.RFC3339, tm.Datetime)
		if err != nil || time.Since(at).Abs() > time.Hour || tm.Text == "" {
			t.Errorf("history entry %d (%q) is dated %q (datetime %q), want the time it was taken, minutes ago", i+1, history[i], tm.Text, tm.Datetime)
		}
	}
	for _, want := range []struct{ who, what, note string }{
		{kenFocalName, "recorded as a draft", ""},
		{kenFocalName, "moved from Draft to Submitted", ""},
		{secretariatName, "moved from Submitted to Under review", reviewNote},
		{secretariatName, "moved from Under review to Accepted", acceptNote},
	} {
		if !containsEntry(history, want.who, want.what, want.note) {
			t.Errorf("the history %q has no entry by %s saying %q with the note %q", history, want.who, want.what, want.note)
		}
	}
}

// TestJourneyWorkspaceProgressReturnedAndValidated: Kenya's focal point
// reports on paragraph 2 and submits; the Secretariat returns it with a
// comment; the focal point reads the comment, changes the narrative and
// submits again; the Secretariat validates it. The saved versions show the
// change of the narrative.
func TestJourneyWorkspaceProgressReturnedAndValidated(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	if _, err := models.EnsureDemoPeriod(context.Background(), srv.DB); err != nil {
		t.Fatal(err)
	}
	srv.Invite(t, kenFocal, models.RoleFocalPoint, "KEN")
	srv.Invite(t, secretariat, models.RoleSecretariat, "")
	const (
		narrative    = "Kenya trains prosecutors in terrorism cases."
		narrative2   = "Kenya trained 120 prosecutors in terrorism cases."
		measures     = "A national training plan was adopted."
		evidenceName = "Training plan"
		evidenceURL  = "https://example.org/ken/training-plan.pdf"
		comment      = "Please give the number of prosecutors trained."
		resubmitNote = "Added the number of prosecutors."
	)

	focal := webtest.NewBrowserAs(t, "focal point")
	focal.Step("open Kenya's progress", chromedp.Navigate(srv.URL+"/states/KEN/progress"))
	signInWhenAsked(t, focal, kenFocal)
	if got := path(t, focal); got != "/states/KEN/progress" {
		t.Fatalf("after signing in the focal point is on %q, want back on /states/KEN/progress", got)
	}
	if got := focal.Text("main h1"); got != "Progress of Kenya" {
		t.Errorf("h1 %q, want Progress of Kenya", got)
	}
	focal.Step("open paragraph 2", webtest.ClickLink("table.data-table tbody", "Operative paragraph 2"))
	if got := path(t, focal); got != "/states/KEN/progress/2" {
		t.Fatalf("the paragraph's link leads to %q", got)
	}
	focal.Step("follow Edit the report",
		webtest.ClickLink(".actions-row", "Edit the report"),
		chromedp.WaitVisible(chromedp.CSS("#narrative")))
	focal.Step("fill the report",
		webtest.SelectOption("#implementation", "In progress"),
		chromedp.SendKeys(chromedp.CSS("#narrative"), narrative),
		chromedp.SendKeys(chromedp.CSS("#measures"), measures),
		chromedp.SendKeys(chromedp.CSS("#evidence_label_1"), evidenceName),
		chromedp.SendKeys(chromedp.CSS("#evidence_url_1"), evidenceURL))
	focal.Step("save the report", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if got := flash(t, focal); got != "Report saved." {
		t.Errorf("flash %q, want Report saved.", got)
	}
	if got := progressStatus(t, focal); got != "Draft" {
		t.Errorf("the saved report's status is %q, want Draft", got)
	}
	if got := focal.Text("dl.facts"); !strings.Contains(got, "In progress") {
		t.Errorf("the report's facts %q do not say In progress", got)
	}
	if got := focal.Text("#narrative-title + *"); got != narrative {
		t.Errorf("the narrative shown is %q, want %q", got, narrative)
	}
	if got := focal.Text("#measures-title + *"); got != measures {
		t.Errorf("the measures shown are %q, want %q", got, measures)
	}
	if href := attr(t, focal, "ul.progress-evidence a", "href"); href != evidenceURL {
		t.Errorf("the evidence link points to %q, want %s", href, evidenceURL)
	}
	if got := focal.Text("ul.progress-evidence a"); got != evidenceName {
		t.Errorf("the evidence link says %q, want %s", got, evidenceName)
	}
	focal.Step("submit to the Secretariat", webtest.ClickAndWait(progressStepButton("submitted")))
	if got := flash(t, focal); got != "The report’s status was changed." {
		t.Errorf("after submitting, the flash is %q", got)
	}
	if got := progressStatus(t, focal); got != "Submitted" {
		t.Fatalf("after submitting, the status is %q, want Submitted", got)
	}

	// The Secretariat opens the same paragraph and returns it.
	sec := webtest.NewBrowserAs(t, "secretariat")
	sec.Step("open Kenya's report on paragraph 2", chromedp.Navigate(srv.URL+"/states/KEN/progress/2"))
	signInWhenAsked(t, sec, secretariat)
	if got := path(t, sec); got != "/states/KEN/progress/2" {
		t.Fatalf("after signing in the Secretariat is on %q, want /states/KEN/progress/2", got)
	}
	if got := progressStatus(t, sec); got != "Submitted" {
		t.Fatalf("the Secretariat sees the report as %q, want Submitted", got)
	}
	if got := sec.Text("#narrative-title + *"); got != narrative {
		t.Errorf("the Secretariat reads the narrative %q, want %q", got, narrative)
	}
	sec.Step("return the report with a comment",
		chromedp.SendKeys(chromedp.CSS("#note-returned"), comment),
		webtest.ClickAndWait(progressStepButton("returned")))
	if got := progressStatus(t, sec); got != "Returned" {
		t.Fatalf("after returning, the status is %q, want Returned", got)
	}

	// The focal point sees the comment, edits and submits again.
	focal.Step("reload the report", chromedp.Reload())
	if got := progressStatus(t, focal); got != "Returned" {
		t.Errorf("the focal point sees the report as %q, want Returned", got)
	}
	if got := focal.Text(".progress-returned"); !strings.Contains(got, "The Secretariat’s comment") || !strings.Contains(got, comment) {
		t.Errorf("the returned report shows %q, want the Secretariat’s comment %q", got, comment)
	}
	focal.Step("follow Edit the report",
		webtest.ClickLink(".actions-row", "Edit the report"),
		chromedp.WaitVisible(chromedp.CSS("#narrative")))
	if got := focal.Text(".progress-returned"); !strings.Contains(got, comment) {
		t.Errorf("the edit form shows %q, want the Secretariat’s comment beside the form", got)
	}
	if got := inputValue(t, focal, "#evidence_url_1"); got != evidenceURL {
		t.Errorf("the edit form's first link is %q, want the saved %s", got, evidenceURL)
	}
	focal.Step("rewrite the narrative", replaceText("#narrative", narrative2))
	focal.Step("save the report", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if got := flash(t, focal); got != "Report saved." {
		t.Errorf("flash %q, want Report saved.", got)
	}
	if got := focal.Text("#narrative-title + *"); got != narrative2 {
		t.Errorf("the narrative shown is %q, want %q", got, narrative2)
	}
	focal.Step("submit again with a note",
		chromedp.SendKeys(chromedp.CSS("#note-submitted"), resubmitNote),
		webtest.ClickAndWait(progressStepButton("submitted")))
	if got := progressStatus(t, focal); got != "Submitted" {
		t.Fatalf("after submitting again, the status is %q, want Submitted", got)
	}

	// The Secretariat validates.
	sec.Step("reload the report", chromedp.Reload())
	if got := sec.Text("#narrative-title + *"); got != narrative2 {
		t.Errorf("the Secretariat reads the narrative %q, want the new %q", got, narrative2)
	}
	sec.Step("validate the report", webtest.ClickAndWait(progressStepButton("validated")))
	if got := flash(t, sec); got != "The report’s status was changed." {
		t.Errorf("after validating, the flash is %q", got)
	}
	if got := progressStatus(t, sec); got != "Validated" {
		t.Errorf("after validating, the Secretariat sees %q, want Validated", got)
	}
	if sec.Exists(".progress-returned") {
		t.Error("the validated report still shows the return comment")
	}
	focal.Step("reload the report", chromedp.Reload())
	if got := progressStatus(t, focal); got != "Validated" {
		t.Errorf("the focal point sees the report as %q, want Validated", got)
	}

	// The saved versions, and the narrative's change.
	var versions []struct {
		Label, Change, Href string
	}
	evalJS(t, focal, "reading the saved versions", `[...document.querySelectorAll('section[aria-labelledby="versions-title"] tbody tr')].map(tr => ({
		Label: tr.querySelector("th").innerText.trim(),
		Change: tr.children[1].innerText.trim(),
		Href: tr.querySelector("th a")?.getAttribute("href") || "",
	}))`, &versions)
	if len(versions) < 2 {
		t.Fatalf("the versions list shows %d versions (%v), want more than one", len(versions), versions)
	}
	// The newest edit, which changed the narrative (the first is the oldest
	// save, with nothing before it).
	var edit struct{ Label, Change, Href string }
	for _, v := range versions[:len(versions)-1] {
		if v.Change == "Edited" {
			edit = v
			break
		}
	}
	if edit.Href == "" {
		t.Fatalf("the versions list %v has no edit after the first version", versions)
	}
	focal.Step("open "+edit.Label, webtest.ClickAndWait(`section[aria-labelledby="versions-title"] a[href="`+edit.Href+`"]`))
	if got := focal.Text("main h1"); !strings.HasPrefix(got, edit.Label+" of the report on paragraph 2: Kenya") {
		t.Errorf("the version page's h1 is %q, want %s of the report on paragraph 2: Kenya", got, edit.Label)
	}
	if got := strings.Join(texts(t, focal, ".progress-diff del"), " "); !strings.Contains(got, "trains") {
		t.Errorf("the difference view strikes through %q, want the removed word trains", got)
	}
	if got := strings.Join(texts(t, focal, ".progress-diff ins"), " "); !strings.Contains(got, "trained") || !strings.Contains(got, "120") {
		t.Errorf("the difference view underlines %q, want the added words trained 120", got)
	}
}

// TestJourneyWorkspaceRatificationMakesKenyaAParty: Kenya's focal point
// reads the matrix, records Kenya's signature and ratification of the
// Terrorist Financing Convention, and finds Kenya a party in the matrix,
// with one more party counted for the convention.
func TestJourneyWorkspaceRatificationMakesKenyaAParty(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	srv.Invite(t, kenFocal, models.RoleFocalPoint, "KEN")
	const (
		code       = "terrorist-financing-1999"
		instrument = "Terrorist Financing Convention"
	)

	focal := webtest.NewBrowser(t)
	focal.Step("open the instruments", chromedp.Navigate(srv.URL+"/instruments"))
	before := matrixCell(t, focal, "KEN", instrument, code)
	if before.Cell != "Not party" {
		t.Fatalf("before any action the matrix shows Kenya on the %s as %q, want Not party", instrument, before.Cell)
	}

	focal.Step("open Kenya's treaty status", chromedp.Navigate(srv.URL+"/states/KEN/treaties"))
	if focal.Exists(`a[href^="/states/KEN/treaties/"]`) {
		t.Error("Kenya's treaty status offers to record actions to someone not signed in")
	}
	signInThroughForm(t, focal, kenFocal)
	if got := path(t, focal); got != "/states/KEN/treaties" {
		t.Fatalf("after signing in the focal point is on %q, want back on /states/KEN/treaties", got)
	}
	if got := focal.Text("main h1"); got != "Treaty status of Kenya" {
		t.Errorf("h1 %q, want Treaty status of Kenya", got)
	}
	if got := focal.Text(".result-count"); !strings.HasPrefix(got, "Party to 0 of the 19 instruments") {
		t.Errorf("the summary says %q, want Party to 0 of the 19 instruments", got)
	}
	if row := tableRow(t, focal, "table.data-table", instrument); len(row) < 2 || row[1] != "Not party" {
		t.Fatalf("Kenya's row for the %s is %q, want it Not party", instrument, row)
	}
	focal.Step("follow Record actions for the "+instrument,
		webtest.ClickAndWait(`table.data-table a[href="/states/KEN/treaties/`+code+`"]`),
		chromedp.WaitVisible(chromedp.CSS("#signature_date")))
	if got := focal.Text("main h1"); got != instrument {
		t.Errorf("the form's h1 is %q, want %s", got, instrument)
	}
	focal.Step("record the signature and the ratification",
		typeDate("#signature_date", "2001-12-04"),
		webtest.SelectOption("#consent_kind", "Ratification"),
		typeDate("#consent_date", "2003-06-27"))
	focal.Step("save", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if got := path(t, focal); got != "/states/KEN/treaties" {
		t.Fatalf("after saving the focal point is on %q (%q), want /states/KEN/treaties", got, focal.Text("main"))
	}
	if got := flash(t, focal); got != "Treaty status saved." {
		t.Errorf("flash %q, want Treaty status saved.", got)
	}
	if got := focal.Text(".result-count"); !strings.HasPrefix(got, "Party to 1 of the 19 instruments") {
		t.Errorf("the summary says %q, want Party to 1 of the 19 instruments", got)
	}
	row := tableRow(t, focal, "table.data-table", instrument)
	if len(row) < 4 || row[1] != "Party" || !strings.Contains(row[2], "4 December 2001") || !strings.Contains(row[3], "Ratification") || !strings.Contains(row[3], "27 June 2003") {
		t.Errorf("Kenya's row for the %s is %q, want Party, signed 4 December 2001, Ratification 27 June 2003", instrument, row)
	}

	focal.Step("follow the link to the instruments page",
		webtest.ClickLink("main", "See every State’s status on the instruments page"))
	if got := path(t, focal); got != "/instruments" {
		t.Fatalf("the link leads to %q, want /instruments", got)
	}
	after := matrixCell(t, focal, "KEN", instrument, code)
	if after.Cell != "Party" || !strings.Contains(after.Class, "treaty-status-party") {
		t.Errorf("the matrix shows Kenya on the %s (column %q) as %q (class %q), want Party", instrument, after.Header, after.Cell, after.Class)
	}
	if after.RowParties != "1" {
		t.Errorf("Kenya's row counts %q instruments, want 1", after.RowParties)
	}
	for _, c := range []struct{ what, before, after string }{
		{"the matrix's Parties row", before.Parties, after.Parties},
		{"the instruments table", before.Listed, after.Listed},
	} {
		var b, a int
		if _, err := fmt.Sscan(c.before, &b); err != nil {
			t.Errorf("%s counted %q parties before: not a number", c.what, c.before)
			continue
		}
		if _, err := fmt.Sscan(c.after, &a); err != nil || a != b+1 {
			t.Errorf("%s counts %q parties to the %s after the ratification, want %d (one more than %d)", c.what, c.after, instrument, b+1, b)
		}
	}
}

// TestJourneyWorkspaceStaleNeedSaveShowsBothVersions: two of Kenya's focal
// points edit the same draft need in their own browsers; the first saves a
// new title, the second then saves a new description and gets the
// stale-save page with the version saved meanwhile beside its own, nothing
// it typed lost.
func TestJourneyWorkspaceStaleNeedSaveShowsBothVersions(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	const second = "focal2.ken@example.org"
	srv.AddAccount(second, "Otieno Second Focal Point, Kenya", true)
	srv.Invite(t, second, models.RoleFocalPoint, "KEN")
	// The draft, recorded over HTTP as the form would (needs_test.go).
	c := signedInAs(t, srv, kenFocal, models.RoleFocalPoint, "KEN")
	created := c.PostForm(t, "/needs", needForm(webtest.CSRFToken(t, c.Get(t, "/needs/new")), "visibility", "state"))
	if created.StatusCode != http.StatusSeeOther || !needPathRE.MatchString(created.Header.Get("Location")) {
		t.Fatalf("creating the draft: %d %q", created.StatusCode, created.Header.Get("Location"))
	}
	needPath := created.Header.Get("Location")
	const (
		oldTitle       = "Training of judges on terrorism cases"
		oldDescription = "A two-week course."
		newTitle       = "Training of judges and prosecutors on terrorism cases"
		newDescription = "A two-week course in Nairobi for forty judges, with a follow-up session."
	)

	// Both open the edit form.
	open := func(b *webtest.Browser, email string) {
		t.Helper()
		signInOn(t, b, srv, "/needs", email)
		b.Step("open the draft", webtest.ClickLink("table.data-table tbody", oldTitle))
		if got := path(t, b); got != needPath {
			t.Fatalf("%s: the list's link leads to %q, want %s", email, got, needPath)
		}
		b.Step("follow Edit", webtest.ClickLink(".actions-row", "Edit"), chromedp.WaitVisible(chromedp.CSS("#description")))
		if got := path(t, b); got != needPath+"/edit" {
			t.Fatalf("%s: Edit leads to %q, want %s/edit", email, got, needPath)
		}
	}
	first := webtest.NewBrowserAs(t, "first focal point")
	open(first, kenFocal)
	other := webtest.NewBrowserAs(t, "second focal point")
	open(other, second)

	first.Step("change the title", replaceText("#title", newTitle))
	first.Step("save", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if got := flash(t, first); got != "Your changes were saved." {
		t.Fatalf("the first save's flash is %q, want Your changes were saved.", got)
	}
	if got := first.Text("main h1"); got != newTitle {
		t.Errorf("after the first save the h1 is %q, want %q", got, newTitle)
	}

	other.Step("change the description", replaceText("#description", newDescription))
	other.Step("save on the old version", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if got := responseStatus(t, other); got != http.StatusConflict {
		t.Errorf("the second save answered %d, want 409", got)
	}
	if got := path(t, other); got != needPath+"/edit" {
		t.Errorf("the second save ends on %q, want the form %s/edit again", got, needPath)
	}
	if got := other.Text(".error-summary.conflict h2"); got != "Someone saved this need while you were working" {
		t.Fatalf("the stale-save notice says %q, want Someone saved this need while you were working", got)
	}
	if got := other.Text(".error-summary.conflict"); !strings.Contains(got, "nothing you typed is lost") {
		t.Errorf("the stale-save notice %q does not reassure that nothing typed is lost", got)
	}
	if got := texts(t, other, ".error-summary.conflict thead th"); strings.Join(got, "|") != "Field|Saved meanwhile|Yours" {
		t.Errorf("the comparison's columns are %q, want Field, Saved meanwhile, Yours", got)
	}
	for _, want := range [][]string{
		{"Title", newTitle, oldTitle},
		{"Description", oldDescription, newDescription},
	} {
		if got := tableRow(t, other, ".error-summary.conflict table", want[0]); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("the comparison's %s row is %q, want %q", want[0], got, want)
		}
	}
	// The form keeps the second person's version, to save again knowingly.
	if got := inputValue(t, other, "#description"); got != newDescription {
		t.Errorf("the form's description is %q, want the typed %q", got, newDescription)
	}
	if got := inputValue(t, other, "#title"); got != oldTitle {
		t.Errorf("the form's title is %q, want the second person's (unchanged) %q", got, oldTitle)
	}
	if got := inputValue(t, other, `input[name="version"]`); got != "2" {
		t.Errorf("the form's version is %q, want 2 (the version saved meanwhile)", got)
	}

	// The first save stands.
	first.Step("reload the need", chromedp.Reload())
	if got := first.Text("main h1"); got != newTitle {
		t.Errorf("the need's title is %q, want the first save's %q", got, newTitle)
	}
	if got := first.Text("#description-title + p"); got != oldDescription {
		t.Errorf("the need's description is %q, want it unchanged by the refused save: %q", got, oldDescription)
	}
}

// signInOn opens a public page of the portal and signs in from its
// header, coming back to the same page.
func signInOn(t *testing.T, b *webtest.Browser, srv *webtest.Server, page, email string) {
	t.Helper()
	b.Step("open "+page, chromedp.Navigate(srv.URL+page))
	signInThroughForm(t, b, email)
	if got := path(t, b); got != page {
		t.Fatalf("after signing in as %s the browser is on %q, want back on %s", email, got, page)
	}
}

// signInWhenAsked completes the provider's sign-in form that a page for
// the signed-in sent the browser to.
func signInWhenAsked(t *testing.T, b *webtest.Browser, email string) {
	t.Helper()
	b.Step("fill the provider's form as "+email,
		chromedp.WaitVisible(chromedp.CSS("input[name=username]")),
		chromedp.SendKeys(chromedp.CSS("input[name=username]"), email),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), webtest.Password))
	b.Step("submit the provider's form",
		webtest.ClickAndWait("form button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS(".account-menu")))
}

// typeDate types an ISO date into a date input with the keyboard, its
// parts in the order the browser's locale shows them (month, day, year in
// American English), and checks that the input then holds that date.
func typeDate(sel, iso string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		order, err := chromedp.Evaluate[[]string](`new Intl.DateTimeFormat(navigator.language, {year: "numeric", month: "2-digit", day: "2-digit"})
			.formatToParts(new Date(2001, 1, 3)).map(p => p.type).filter(p => p === "year" || p === "month" || p === "day")`)(ctx, t)
		if err != nil {
			return fmt.Errorf("reading the locale's date order: %w", err)
		}
		parts := map[string]string{"year": iso[:4], "month": iso[5:7], "day": iso[8:10]}
		var keys string
		for _, p := range order {
			keys += parts[p]
		}
		if _, err := chromedp.SendKeys(chromedp.CSS(sel), keys)(ctx, t); err != nil {
			return err
		}
		got, err := chromedp.Evaluate[string](`document.querySelector(`+jsQuote(sel)+`).value`)(ctx, t)
		if err != nil {
			return err
		}
		if got != iso {
			return fmt.Errorf("typing %s as %q (the parts in the order %v) into %s gave %q", iso, keys, order, sel, got)
		}
		return nil
	})
}

// replaceText selects the whole text of an input or textarea, as a user
// does before typing over it, and types text in its place.
func replaceText(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.WaitVisible(chromedp.CSS(sel))(ctx, t); err != nil {
			return err
		}
		if _, err := chromedp.Evaluate[bool](`(el => { el.focus(); el.select(); return true })(document.querySelector(`+jsQuote(sel)+`))`)(ctx, t); err != nil {
			return fmt.Errorf("selecting the text of %s: %w", sel, err)
		}
		if _, err := chromedp.KeyEvent(text)(ctx, t); err != nil {
			return err
		}
		got, err := chromedp.Evaluate[string](`document.querySelector(`+jsQuote(sel)+`).value`)(ctx, t)
		if err != nil {
			return err
		}
		if got != text {
			return fmt.Errorf("after typing over %s it holds %q, want %q", sel, got, text)
		}
		return nil
	})
}

// progressStepButton is the button of a report's workflow step to a status.
func progressStepButton(to string) string {
	return `form.progress-step:has(input[name="to"][value="` + to + `"]) button[type=submit]`
}

// flash is the one-time message the page shows.
func flash(t *testing.T, b *webtest.Browser) string {
	t.Helper()
	if !b.Exists(".flash[role=status]") {
		t.Errorf("on %s there is no flash message", b.Location())
		return ""
	}
	return b.Text(".flash[role=status]")
}

// needStatus is the status badge of the need's page.
func needStatus(t *testing.T, b *webtest.Browser) string {
	t.Helper()
	return b.Text(`.actions-row .badge[class*="badge-"]`)
}

// progressStatus is the status badge among the report's facts.
func progressStatus(t *testing.T, b *webtest.Browser) string {
	t.Helper()
	return b.Text(`dl.facts .badge`)
}

// evalJS evaluates a JavaScript expression in the page and decodes its
// value into out.
func evalJS(t *testing.T, b *webtest.Browser, what, js string, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), webtest.ActionTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](js))
	if err == nil {
		err = json.Unmarshal(raw, out)
	}
	if err != nil {
		t.Fatalf("%s on %s: %v", what, b.Location(), err)
	}
}

// inputValue is the current value of a form control.
func inputValue(t *testing.T, b *webtest.Browser, sel string) string {
	t.Helper()
	var v *string
	evalJS(t, b, "reading the value of "+sel, `document.querySelector(`+jsQuote(sel)+`)?.value ?? null`, &v)
	if v == nil {
		t.Fatalf("on %s no form control matches %s", b.Location(), sel)
	}
	return *v
}

// attr is an attribute of the first element matching sel.
func attr(t *testing.T, b *webtest.Browser, sel, name string) string {
	t.Helper()
	var v *string
	evalJS(t, b, "reading "+name+" of "+sel, `document.querySelector(`+jsQuote(sel)+`)?.getAttribute(`+jsQuote(name)+`) ?? null`, &v)
	if v == nil {
		t.Fatalf("on %s no element %s has %s", b.Location(), sel, name)
	}
	return *v
}

// texts is the visible text of every element matching sel.
func texts(t *testing.T, b *webtest.Browser, sel string) []string {
	t.Helper()
	var out []string
	evalJS(t, b, "reading the texts of "+sel, `[...document.querySelectorAll(`+jsQuote(sel)+`)].map(e => e.innerText.trim())`, &out)
	return out
}

// tableRow is the text of each cell of the body row of the table whose row
// header starts with header.
func tableRow(t *testing.T, b *webtest.Browser, table, header string) []string {
	t.Helper()
	var cells []string
	evalJS(t, b, "reading the row "+header+" of "+table, `(() => {
		const tr = [...document.querySelectorAll(`+jsQuote(table+" tbody tr")+`)]
			.find(tr => tr.querySelector("th")?.innerText.trim().startsWith(`+jsQuote(header)+`));
		return tr ? [...tr.children].map(c => c.innerText.trim()) : null;
	})()`, &cells)
	if cells == nil {
		t.Fatalf("on %s the table %s has no row %q", b.Location(), table, header)
	}
	return cells
}

// treatyCell is what the instruments page shows about one State and one
// instrument.
type treatyCell struct {
	Header     string // the matrix column's header
	Cell       string // the State's cell in that column
	Class      string // the class of the cell's status badge
	RowParties string // the State's "Party to" count
	Parties    string // the matrix's Parties row for the instrument
	Listed     string // the instruments table's Parties for the instrument
}

func matrixCell(t *testing.T, b *webtest.Browser, iso3, instrument, code string) treatyCell {
	t.Helper()
	var c *treatyCell
	evalJS(t, b, "reading the matrix", `((iso3, name, code) => {
		const m = document.querySelector("#treaty-matrix");
		if (!m) return null;
		const col = [...m.querySelectorAll("thead th")].findIndex(th => th.innerText.trim() === name);
		const row = [...m.querySelectorAll("tbody tr")].find(tr => tr.querySelector('th a[href="/states/' + iso3 + '/treaties"]'));
		if (col < 1 || !row) return null;
		const parties = [...m.querySelectorAll("tfoot tr")].find(tr => tr.querySelector("th").innerText.trim() === "Parties");
		const listed = document.getElementById(code)?.querySelector("td.num");
		return {
			Header: m.querySelectorAll("thead th")[col].innerText.trim(),
			Cell: row.children[col].innerText.trim(),
			Class: row.children[col].querySelector(".treaty-status")?.className || "",
			RowParties: row.lastElementChild.innerText.trim(),
			Parties: parties ? parties.children[col].innerText.trim() : "",
			Listed: listed ? listed.innerText.trim() : "",
		};
	})(`+jsQuote(iso3)+`, `+jsQuote(instrument)+`, `+jsQuote(code)+`)`, &c)
	if c == nil {
		t.Fatalf("on %s the matrix has no column %q or no row for %s", b.Location(), instrument, iso3)
	}
	return *c
}

// responseStatus is the HTTP status of the page's document.
func responseStatus(t *testing.T, b *webtest.Browser) int {
	t.Helper()
	var n int
	evalJS(t, b, "reading the response status", `performance.getEntriesByType("navigation")[0]?.responseStatus ?? 0`, &n)
	return n
}

// containsEntry reports whether one of the history's entries names who,
// says what and quotes note.
func containsEntry(history []string, who, what, note string) bool {
	for _, e := range history {
		if strings.Contains(e, who) && strings.Contains(e, what) && strings.Contains(e, note) {
			return true
		}
	}
	return false
}

// jsQuote quotes s as a JavaScript string literal.
func jsQuote(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
