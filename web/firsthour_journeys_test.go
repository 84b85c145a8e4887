package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/web/webtest"
)

// The first hour of every role: each journey follows the "try this" line
// `make run` prints for a demo account (models.DemoAccount.Try), on the
// demo data, from signing in to the promised result.

// demoServer serves the demo data as `ctap dev` loads it.
func demoServer(t *testing.T) *webtest.Server {
	t.Helper()
	db := dbtest.New(t)
	if _, err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return webtest.NewServerOn(t, db)
}

// tryLine is the "try this" line of a demo account, which the journey
// follows: a change to the line without its journey fails here.
func tryLine(t *testing.T, email, contains string) {
	t.Helper()
	for _, a := range models.DemoAccounts() {
		if a.Email == email {
			if !strings.Contains(a.Try, contains) {
				t.Fatalf("the try-this line of %s is %q; this journey follows %q", email, a.Try, contains)
			}
			return
		}
	}
	t.Fatalf("no demo account %s", email)
}

// signInFromHome signs in from the home page and returns where the
// person landed.
func signInFromHome(t *testing.T, b *webtest.Browser, srv *webtest.Server, email string) string {
	t.Helper()
	b.Step("open the portal", chromedp.Navigate(srv.URL+"/"))
	signInThroughForm(t, b, email)
	return path(t, b)
}

func TestJourneyFirstHourSecretariatReviewsTheOldestNeed(t *testing.T) {
	t.Parallel()
	tryLine(t, secretariat, "start the review of the oldest submitted need and accept it")
	srv := demoServer(t)
	sec := webtest.NewBrowserAs(t, "secretariat")
	if got := signInFromHome(t, sec, srv, secretariat); got != "/review" {
		t.Fatalf("the Secretariat lands on %q, want its review queue /review", got)
	}
	if got := sec.Text(".site-nav [aria-current=page]"); !strings.Contains(got, "Review") {
		t.Errorf("the navigation highlights %q on the review queue", got)
	}
	for _, want := range []string{"needs", "contributions to verify"} {
		if !strings.Contains(strings.ToLower(sec.Text("main")), want) {
			t.Errorf("the review queue does not show %q", want)
		}
	}
	title := sec.Text("#review-needs-caption ~ tbody tr:first-child th, table.data-table tbody tr:first-child th")
	state := sec.Text("table.data-table tbody tr:first-child td")
	sec.Step("open the oldest submitted need", webtest.ClickLink("table.data-table tbody", title))
	// The State's focal points are told: sign one in to read it.
	iso3 := map[string]string{"Kenya": "KEN", "France": "FRA", "Indonesia": "IDN"}[state]
	var focal *webtest.Client
	if iso3 != "" {
		focal = srv.Client()
		focal.SignIn(t, "focal."+strings.ToLower(iso3)+"@example.org")
	}
	if sec.Exists(`label[for="to-under_review"]`) {
		sec.Step("start the review",
			webtest.Click(`label[for="to-under_review"]`),
			chromedp.SendKeys(chromedp.CSS("#note"), "Checking the budget."),
			webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	}
	sec.Step("accept the need",
		webtest.Click(`label[for="to-accepted"]`),
		chromedp.SendKeys(chromedp.CSS("#note"), "Accepted for next year's programme."),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	if got := needStatus(t, sec); got != "Accepted" {
		t.Fatalf("the need is %q, want Accepted", got)
	}
	if focal != nil {
		if notes := focal.Get(t, "/notifications"); !strings.Contains(notes.Body, "accepted the need") {
			t.Errorf("the focal point of %s was not told", state)
		}
	}
}

func TestJourneyFirstHourKenyaAnswersTheReturnedReport(t *testing.T) {
	t.Parallel()
	tryLine(t, kenFocal, "open the report on paragraph 3 the Secretariat returned")
	srv := demoServer(t)
	focal := webtest.NewBrowserAs(t, "focal point")
	if got := signInFromHome(t, focal, srv, kenFocal); got != "/states/KEN" {
		t.Fatalf("Kenya's focal point lands on %q, want its workspace /states/KEN", got)
	}
	if got := focal.Text("main"); !strings.Contains(got, "Your workspace") {
		t.Error("the workspace does not say it is the focal point's own")
	}
	focal.Step("open Kenya's progress", chromedp.Navigate(srv.URL+"/states/KEN/progress"))
	focal.Step("open paragraph 3", webtest.ClickLink("table.data-table tbody", "Operative paragraph 3"))
	if got := progressStatus(t, focal); got != "Returned" {
		t.Fatalf("paragraph 3 is %q, want Returned", got)
	}
	focal.Step("follow Edit the report",
		webtest.ClickLink(".actions-row", "Edit the report"),
		chromedp.WaitVisible(chromedp.CSS("#narrative")))
	focal.Step("answer the comment", chromedp.SendKeys(chromedp.CSS("#narrative"), " The implementing decree was adopted in March."))
	focal.Step("save the report", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	focal.Step("submit it to the Secretariat",
		chromedp.SendKeys(chromedp.CSS("#note-submitted"), "The decree answers the comment."),
		webtest.ClickAndWait(progressStepButton("submitted")))
	if got := progressStatus(t, focal); got != "Submitted" {
		t.Fatalf("after submitting, the report is %q", got)
	}
}

func TestJourneyFirstHourFranceFollowsItsReminder(t *testing.T) {
	t.Parallel()
	tryLine(t, "focal.fra@example.org", "open /notifications: France's report is overdue")
	mail := webtest.StartMailpit(t)
	srv := demoMailServer(t, mail, 2*time.Second)
	focal := webtest.NewBrowserAs(t, "focal point")
	focal.Step("open the notifications", chromedp.Navigate(srv.URL+"/notifications"))
	signInWhenAsked(t, focal, "focal.fra@example.org")
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(focal.Text("main"), "Overdue: France has"); {
		if time.Now().After(deadline) {
			t.Fatalf("no reminder for France within 30 s: %q", focal.Text("main"))
		}
		time.Sleep(time.Second)
		focal.Step("reload the notifications", chromedp.Reload())
	}
	focal.Step("open the reminder", webtest.ClickAndWait(".notification-unread .notification-actions form:first-child button"))
	if got := path(t, focal); got != "/states/FRA/progress" {
		t.Errorf("the reminder led to %q, want France's progress", got)
	}
	if !focal.Exists("table.data-table") {
		t.Error("France's progress does not list its paragraphs")
	}
}

func TestJourneyFirstHourIndonesiaSubmitsANeed(t *testing.T) {
	t.Parallel()
	tryLine(t, "focal.idn@example.org", "record a need at /needs/new and submit it")
	srv := demoServer(t)
	const title = "Training of border guards on travel document fraud (journey)"
	focal := webtest.NewBrowserAs(t, "focal point")
	focal.Step("open the form of a new need", chromedp.Navigate(srv.URL+"/needs/new"))
	signInWhenAsked(t, focal, "focal.idn@example.org")
	focal.Step("fill and save the need",
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		webtest.Click(`label[for="paragraph-7"]`),
		webtest.SelectOption("#theme", "Criminal justice systems"),
		webtest.SelectOption("#priority", "Medium"),
		webtest.SelectOption("#modality", "Training"),
		webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	focal.Step("submit it",
		webtest.Click(`label[for="to-submitted"]`),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	if got := needStatus(t, focal); got != "Submitted" {
		t.Fatalf("the need is %q, want Submitted", got)
	}
	sec := srv.Client()
	sec.SignIn(t, secretariat)
	if queue := sec.Get(t, "/review"); !strings.Contains(queue.Body, title) {
		t.Error("the need is not in the Secretariat's review queue")
	}
}

func TestJourneyFirstHourNorwayPledgesToTheLargestGap(t *testing.T) {
	t.Parallel()
	tryLine(t, "donor.nor@example.org", "pledge to the need with the largest gap")
	srv := demoServer(t)
	donor := webtest.NewBrowserAs(t, "donor")
	donor.Step("open the needs waiting for funding", chromedp.Navigate(srv.URL+"/needs?funding=gap&sort=gap"))
	signInThroughForm(t, donor, "donor.nor@example.org")
	first := donor.Text("table.data-table tbody tr:first-child th a")
	donor.Step("open the need with the largest gap", webtest.ClickLink("table.data-table tbody", first))
	needPath := path(t, donor)
	donor.Step("follow Pledge against this need",
		webtest.ClickLink("section[aria-labelledby=funding-title]", "Pledge against this need"),
		chromedp.WaitVisible(chromedp.CSS("#title")))
	donor.Step("fill and save the pledge",
		chromedp.SendKeys(chromedp.CSS("#title"), "Norway's first-hour pledge"),
		chromedp.SendKeys(chromedp.CSS("#amount"), "25000"),
		webtest.Click(`label[for="public"]`),
		webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	donor.Step("go back to the need", chromedp.Navigate(srv.URL+needPath))
	if got := donor.Text("main"); !strings.Contains(got, "Norway's first-hour pledge") && !strings.Contains(got, "Norway’s first-hour pledge") {
		t.Error("the need does not show the pledge")
	}
}

func TestJourneyFirstHourTheEUReadsItsDashboard(t *testing.T) {
	t.Parallel()
	tryLine(t, "donor.eu@example.org", "open /dashboard")
	srv := demoServer(t)
	donor := webtest.NewBrowserAs(t, "donor")
	donor.Step("open the dashboard", chromedp.Navigate(srv.URL+"/dashboard"))
	signInWhenAsked(t, donor, "donor.eu@example.org")
	if got := donor.Text("main"); !strings.Contains(got, "Funding") || !donor.Exists("main svg") || !donor.Exists("main table") {
		t.Errorf("the dashboard lacks its funding chart and table: %q", got)
	}
	if got := donor.Text(".site-nav [aria-current=page]"); !strings.Contains(got, "Dashboard") {
		t.Errorf("the navigation highlights %q on the dashboard", got)
	}
}

func TestJourneyFirstHourTheViewerReadsTreatyStatus(t *testing.T) {
	t.Parallel()
	tryLine(t, "viewer@example.org", "open /instruments")
	srv := demoServer(t)
	viewer := webtest.NewBrowserAs(t, "viewer")
	viewer.Step("open the instruments", chromedp.Navigate(srv.URL+"/instruments"))
	signInThroughForm(t, viewer, "viewer@example.org")
	if got := viewer.Text("main"); !strings.Contains(got, "Kenya") || !strings.Contains(got, "Tokyo") {
		t.Errorf("the instruments page does not show the States' status: %.200q", got)
	}
	viewer.Step("open the dashboard", chromedp.Navigate(srv.URL+"/dashboard"))
	if !viewer.Exists("#ratifications-title") {
		t.Error("the dashboard has no chart of the parties over time")
	}
}

func TestJourneyFirstHourTheAdminInvitesSomeoneAndTriesTheAccount(t *testing.T) {
	t.Parallel()
	tryLine(t, "admin@example.org", "invite someone at /admin/invitations/new, then sign in as them")
	srv := demoServer(t)
	const invitee = "new.colleague@example.org"
	admin := webtest.NewBrowserAs(t, "admin")
	admin.Step("open the invitation form", chromedp.Navigate(srv.URL+"/admin/invitations/new"))
	signInWhenAsked(t, admin, "admin@example.org")
	admin.Step("invite a viewer",
		chromedp.SendKeys(chromedp.CSS("#email"), invitee),
		webtest.SelectOption("#role", "Viewer"),
		webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if got := admin.Text("main"); !strings.Contains(got, invitee) {
		t.Fatalf("the invitations list does not show %s", invitee)
	}
	them := webtest.NewBrowserAs(t, "invitee")
	if got := signInFromHome(t, them, srv, invitee); got == "/pending" {
		t.Fatalf("the invited person lands pending")
	}
	them.Step("open the account", chromedp.Navigate(srv.URL+"/account"))
	if got := them.Text("main"); !strings.Contains(got, "Viewer") {
		t.Errorf("the invited person's account does not show the role given: %.300q", got)
	}
}

func TestJourneyFirstHourTheNewcomerWaitsAndReadsPublicPages(t *testing.T) {
	t.Parallel()
	tryLine(t, "newcomer@example.org", "the account awaits approval; public pages stay readable")
	srv := demoServer(t)
	b := webtest.NewBrowserAs(t, "newcomer")
	landed := signInFromHome(t, b, srv, "newcomer@example.org")
	if landed != "/pending" {
		t.Errorf("the newcomer lands on %q, want /pending", landed)
	}
	b.Step("open the needs", chromedp.Navigate(srv.URL+"/needs"))
	if got := path(t, b); got != "/needs" {
		t.Fatalf("the newcomer cannot read the public needs: on %q", got)
	}
	if got := b.Text("body"); !regexp.MustCompile(`(?i)awaits approval|awaiting approval`).MatchString(got) {
		t.Error("no banner says the account awaits approval")
	}
}
