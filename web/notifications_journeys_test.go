package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/web"
	"ctap/web/webtest"
)

// The notification journeys, on the demo data as `make run` serves it,
// with Mailpit catching the mail: a need submitted reaches the Secretariat
// in the portal and by email; an overdue State's focal point is reminded
// once, however often the scheduler runs.

// demoMailServer serves the demo data with the job queue worked, its
// scheduled jobs run every few seconds, and the mail caught by mail (shown
// at /dev-mail).
func demoMailServer(t *testing.T, mail *webtest.Mailpit, every time.Duration) *webtest.Server {
	t.Helper()
	db := dbtest.New(t)
	if _, err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return webtest.NewServerWith(t, db, webtest.Setup{
		Config: []webtest.Option{mail.WithMail(), func(c *web.Config) { c.MailpitURL = mail.APIURL }},
		Deps:   []webtest.DepsOption{func(d *web.Deps) { d.JobsEvery = every }},
	})
}

// TestJourneyNotificationNeedSubmittedReachesTheSecretariat: Kenya's focal
// point submits a need; the Secretariat sees the count in the header,
// opens the notification, lands on the need, and reads the email that was
// sent, at /dev-mail.
func TestJourneyNotificationNeedSubmittedReachesTheSecretariat(t *testing.T) {
	t.Parallel()
	mail := webtest.StartMailpit(t)
	srv := demoMailServer(t, mail, time.Hour)
	const title = "Mobile forensic laboratory for the coast (journey)"

	sec := webtest.NewBrowserAs(t, "secretariat")
	signInOn(t, sec, srv, "/needs", secretariat)
	if sec.Exists(".notifications-link .nav-count") {
		t.Fatalf("the Secretariat starts with unread notifications: %q", sec.Text(".notifications-link"))
	}

	focal := webtest.NewBrowserAs(t, "focal point")
	focal.Step("open the form of a new need", chromedp.Navigate(srv.URL+"/needs/new"))
	signInWhenAsked(t, focal, kenFocal)
	focal.Step("fill and save a need",
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		webtest.Click(`label[for="paragraph-2"]`),
		webtest.SelectOption("#theme", "Criminal justice systems"),
		webtest.SelectOption("#priority", "High"),
		webtest.SelectOption("#modality", "Equipment"),
		webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	needPath := path(t, focal)
	if !needPathRE.MatchString(needPath) {
		t.Fatalf("after saving, the browser is on %q; the page says %q", needPath, focal.Text("main"))
	}
	focal.Step("submit it to the Secretariat",
		webtest.Click(`label[for="to-submitted"]`),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	if got := needStatus(t, focal); got != "Submitted" {
		t.Fatalf("the need is %q, want Submitted", got)
	}

	sec.Step("come back to the list", chromedp.Navigate(srv.URL+"/needs"))
	if got := sec.Text(".notifications-link"); !strings.Contains(got, "1") {
		t.Errorf("the header's notifications say %q, want 1 unread", got)
	}
	sec.Step("open the notifications", webtest.ClickAndWait(".notifications-link"))
	want := "Kenya submitted the need “" + title + "” for review."
	if got := sec.Text(".notification-list"); !strings.Contains(got, want) {
		t.Fatalf("the notifications read %q, want %q", got, want)
	}
	sec.Step("open the notification", webtest.ClickAndWait(".notification-unread .notification-actions form:first-child button"))
	if got := path(t, sec); got != needPath {
		t.Errorf("opening the notification led to %q, want the need %s", got, needPath)
	}
	if sec.Exists(".notifications-link .nav-count") {
		t.Errorf("after opening it, the header still counts %q", sec.Text(".notifications-link"))
	}

	msg := mail.WaitFor(t, secretariat, "submitted the need", 30*time.Second)
	sec.Step("read the caught mail", chromedp.Navigate(srv.URL+"/dev-mail"))
	if got := sec.Text("main table"); !strings.Contains(got, msg.Subject) {
		t.Fatalf("/dev-mail lists %q, want the email %q", got, msg.Subject)
	}
	sec.Step("open the email", webtest.ClickLink("main table", msg.Subject))
	if got := sec.Text("pre.mail-text"); !strings.Contains(got, srv.URL+needPath) || !strings.Contains(got, want) {
		t.Errorf("the email reads %q, want the sentence and the need's address", got)
	}
}

// TestJourneyNotificationOverdueStateIsRemindedOnce: the demo period was
// due two weeks ago; Kenya has paragraphs left to submit. Its focal point
// signs in; the scheduler runs again and again; the focal point has exactly
// one reminder, in the portal and by email, and the Secretariat sees when
// it went on the period's page.
func TestJourneyNotificationOverdueStateIsRemindedOnce(t *testing.T) {
	t.Parallel()
	mail := webtest.StartMailpit(t)
	srv := demoMailServer(t, mail, 2*time.Second)

	focal := webtest.NewBrowserAs(t, "focal point")
	focal.Step("open the notifications", chromedp.Navigate(srv.URL+"/notifications"))
	signInWhenAsked(t, focal, kenFocal)
	// Two runs of the scheduler after the focal point's account exists.
	runs := func() int {
		var n int
		srv.DB.Raw(`SELECT count(*) FROM river_job WHERE kind = 'send_reminders' AND state = 'completed'`).Scan(&n)
		return n
	}
	start := runs()
	for deadline := time.Now().Add(30 * time.Second); runs() < start+2; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the scheduler ran %d times in 30 s, want 2", runs()-start)
		}
	}
	msg := mail.WaitFor(t, kenFocal, "Overdue", 20*time.Second)
	if !strings.Contains(msg.Text, "Kenya has") || !strings.Contains(msg.Text, "paragraphs still to submit") {
		t.Errorf("the reminder reads:\n%s", msg.Text)
	}
	if got := subjects(mail.To(t, kenFocal), "Overdue"); len(got) != 1 {
		t.Errorf("the focal point received %d reminders by email, want exactly 1: %v", len(got), got)
	}
	focal.Step("look at the notifications", chromedp.Navigate(srv.URL+"/notifications"))
	if got := strings.Count(focal.Text(".notification-list"), "Overdue:"); got != 1 {
		t.Errorf("the portal lists %d reminders, want 1", got)
	}

	sec := webtest.NewBrowserAs(t, "secretariat")
	sec.Step("open the reporting periods", chromedp.Navigate(srv.URL+"/admin/periods"))
	signInWhenAsked(t, sec, secretariat)
	open, err := models.EnsureDemoPeriod(context.Background(), srv.DB) // the period the demo opened
	if err != nil {
		t.Fatal(err)
	}
	sec.Step("open the open period", webtest.ClickLink("main table", open.Title.In("en")))
	if got := sec.Text("#reminders-title + p + .table-scroll, #reminders-title ~ .table-scroll"); !strings.Contains(got, "Kenya") || !strings.Contains(got, "after the due date") {
		t.Errorf("the period's page lists the reminders as %q, want Kenya's", got)
	}
}
