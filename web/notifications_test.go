package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/views"
	"ctap/web"
	"ctap/web/reqctx"
	"ctap/web/webtest"
)

// mailServer runs CTAP with its job queue worked and its mail sent to
// smtpURL; every is how often the scheduled jobs (digests, reminders) run.
func mailServer(t *testing.T, smtpURL string, every time.Duration) *webtest.Server {
	t.Helper()
	return webtest.NewServerWith(t, dbtest.New(t), webtest.Setup{
		Config: []webtest.Option{webtest.WithSMTP(smtpURL)},
		Deps:   []webtest.DepsOption{func(d *web.Deps) { d.JobsEvery = every }},
	})
}

// submitNewNeed has a focal point record a need and submit it; it returns
// the need's path.
func submitNewNeed(t *testing.T, focal *webtest.Client, title string) string {
	t.Helper()
	page := focal.Get(t, "/needs/new")
	created := focal.PostForm(t, "/needs", needForm(webtest.CSRFToken(t, page), "title", title, "visibility", "state"))
	if created.StatusCode != http.StatusSeeOther {
		t.Fatalf("create need: %d", created.StatusCode)
	}
	path := created.Header.Get("Location")
	needPage := focal.Get(t, path)
	submitted := focal.PostForm(t, path+"/transition", url.Values{"_csrf": {webtest.CSRFToken(t, needPage)}, "to": {"submitted"}, "version": {"1"}})
	if submitted.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit need: %d", submitted.StatusCode)
	}
	return path
}

var unreadCount = regexp.MustCompile(`class="notifications-link">[^<]*<span class="nav-count"><span aria-hidden="true">(\d+)</span>`)

func unread(t *testing.T, c *webtest.Client) int {
	t.Helper()
	m := unreadCount.FindStringSubmatch(c.Get(t, "/account").Body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestASubmittedNeedReachesTheSecretariatInThePortalAndByEmailInItsLanguage(t *testing.T) {
	t.Parallel()
	mail := webtest.StartMailpit(t)
	srv := mailServer(t, mail.SMTPURL, time.Hour)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	sec := signedInAs(t, srv, "secretariat@example.org", models.RoleSecretariat, "")
	// The Secretariat reads the portal in French: its emails follow.
	sec.Get(t, "/lang/fr")

	// An invitation goes out by email, with the sign-in link (one accepted
	// before its email left is not sent: the person is in already).
	srv.Invite(t, "focal2.ken@example.org", models.RoleFocalPoint, "KEN")
	inv := mail.WaitFor(t, "focal2.ken@example.org", "invited", 20*time.Second)
	if !strings.Contains(inv.Text, srv.URL+"/auth/login") || !strings.Contains(inv.Text, "Focal point (Kenya)") {
		t.Errorf("the invitation's email:\n%s", inv.Text)
	}

	if n := unread(t, sec); n != 0 {
		t.Fatalf("the Secretariat starts with %d unread", n)
	}
	needPath := submitNewNeed(t, focal, "Forensic laboratory equipment")
	if n := unread(t, sec); n != 1 {
		t.Fatalf("after the submission the header counts %d unread, want 1", n)
	}
	list := sec.Get(t, "/notifications")
	if !strings.Contains(list.Body, "Kenya a soumis le besoin « Forensic laboratory equipment » pour examen.") {
		t.Fatalf("the notifications page does not say it in French:\n%s", list.Body)
	}

	msg := mail.WaitFor(t, "secretariat@example.org", "a soumis le besoin", 20*time.Second)
	if !strings.Contains(msg.Text, srv.URL+needPath) || !strings.Contains(msg.HTML, `href="`+srv.URL+needPath+`"`) {
		t.Errorf("the email does not link to the need, in text and HTML:\n%s\n%s", msg.Text, msg.HTML)
	}
	if !strings.Contains(msg.HTML, `lang="fr"`) || !strings.Contains(msg.Text, "Bonjour") {
		t.Errorf("the email is not in French:\n%s", msg.Text)
	}
	if got := subjects(mail.To(t, "focal.ken@example.org"), "need"); len(got) != 0 {
		t.Errorf("the focal point who submitted was emailed about it: %v", got)
	}

	// Opening it leads to the need and marks it read.
	id := regexp.MustCompile(`/notifications/(\d+)/open`).FindStringSubmatch(list.Body)
	if id == nil {
		t.Fatal("no way to open the notification")
	}
	opened := sec.PostForm(t, "/notifications/"+id[1]+"/open", url.Values{"_csrf": {webtest.CSRFToken(t, list)}})
	if opened.StatusCode != http.StatusSeeOther || opened.Header.Get("Location") != needPath {
		t.Fatalf("open: %d to %q, want %s", opened.StatusCode, opened.Header.Get("Location"), needPath)
	}
	if n := unread(t, sec); n != 0 {
		t.Errorf("after opening, %d unread", n)
	}
	// Someone else's notification is not theirs to open.
	other := focal.Get(t, "/notifications")
	if r := focal.PostForm(t, "/notifications/"+id[1]+"/read", url.Values{"_csrf": {webtest.CSRFToken(t, other)}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("a focal point marking the Secretariat's notification: %d, want 404", r.StatusCode)
	}
}

func TestEachPersonsDeliveryChoiceIsHonoured(t *testing.T) {
	t.Parallel()
	mail := webtest.StartMailpit(t)
	srv := mailServer(t, mail.SMTPURL, 2*time.Second)
	for _, e := range []string{"at.once@example.org", "portal.only@example.org", "daily@example.org"} {
		srv.AddAccount(e, "", true)
	}
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	atOnce := signedInAs(t, srv, "at.once@example.org", models.RoleSecretariat, "")
	portal := signedInAs(t, srv, "portal.only@example.org", models.RoleSecretariat, "")
	daily := signedInAs(t, srv, "daily@example.org", models.RoleSecretariat, "")

	choose := func(c *webtest.Client, delivery string) {
		t.Helper()
		page := c.Get(t, "/account")
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)
		r := c.PostForm(t, "/account/notifications", url.Values{"_csrf": {webtest.CSRFToken(t, page)}, "version": {version[1]},
			"language": {"en"}, "need_submitted": {delivery}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("choose %s: %d", delivery, r.StatusCode)
		}
		if got := c.Get(t, "/account"); !strings.Contains(got.Body, `<option value="`+delivery+`" selected`) {
			t.Fatalf("the account page does not show the choice %s", delivery)
		}
	}
	choose(portal, "portal")
	choose(daily, "digest")

	// A wrong value comes back beside its field; a stale form is a 409.
	page := portal.Get(t, "/account")
	bad := portal.PostForm(t, "/account/notifications", url.Values{"_csrf": {webtest.CSRFToken(t, page)}, "version": {"1"},
		"language": {"xx"}, "need_submitted": {"pigeon"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `id="language-error"`) ||
		!strings.Contains(bad.Body, `id="need_submitted-error"`) {
		t.Errorf("a wrong choice: %d, want 422 with the messages beside the fields", bad.StatusCode)
	}
	stale := portal.PostForm(t, "/account/notifications", url.Values{"_csrf": {webtest.CSRFToken(t, page)}, "version": {"1"},
		"language": {"en"}, "need_submitted": {"email"}})
	if stale.StatusCode != http.StatusConflict {
		t.Errorf("a stale form: %d, want 409", stale.StatusCode)
	}

	submitNewNeed(t, focal, "Border management training")
	mail.WaitFor(t, "at.once@example.org", "submitted the need", 20*time.Second)
	digest := mail.WaitFor(t, "daily@example.org", "1 notification today", 30*time.Second)
	if !strings.Contains(digest.Text, "Kenya submitted the need “Border management training” for review.") {
		t.Errorf("the digest:\n%s", digest.Text)
	}
	if got := subjects(mail.To(t, "portal.only@example.org"), "need"); len(got) != 0 {
		t.Errorf("the person who chose the portal only was emailed: %v", got)
	}
	for _, c := range []*webtest.Client{atOnce, portal, daily} {
		if n := unread(t, c); n != 1 {
			t.Errorf("every choice shows the notification in the portal: %d unread", n)
		}
	}
	// The digest goes once a day: the next runs send nothing more.
	time.Sleep(5 * time.Second)
	if got := subjects(mail.To(t, "daily@example.org"), "notification"); len(got) != 1 {
		t.Errorf("the daily person received %v, want one digest", got)
	}
}

func TestAFailingEmailIsShownToAdminsAndRetried(t *testing.T) {
	t.Parallel()
	smtpAddr := webtest.FreeAddr(t) // nothing listens there yet: the mail server is down
	srv := mailServer(t, "smtp://"+smtpAddr, time.Hour)
	admin := signedInAs(t, srv, "admin@example.org", models.RoleAdmin, "")
	srv.Invite(t, "new.admin@example.org", models.RoleAdmin, "") // never signs in: its email must go

	deadline := time.Now().Add(20 * time.Second)
	var page *webtest.Response
	for {
		page = admin.Get(t, "/admin/jobs")
		if strings.Count(page.Body, "Invitation email") >= 1 && strings.Contains(page.Body, "connection refused") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the failing invitation email never showed on /admin/jobs:\n%s", page.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	id := regexp.MustCompile(`/admin/jobs/(\d+)/retry`).FindStringSubmatch(page.Body)
	if id == nil {
		t.Fatal("no retry button")
	}
	// The mail server comes back; the administrator retries at once.
	mail := webtest.StartMailpitAt(t, smtpAddr)
	r := admin.PostForm(t, "/admin/jobs/"+id[1]+"/retry", url.Values{"_csrf": {webtest.CSRFToken(t, page)}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: %d", r.StatusCode)
	}
	mail.WaitFor(t, "new.admin@example.org", "invited", 20*time.Second)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if !strings.Contains(admin.Get(t, "/admin/jobs").Body, "/admin/jobs/"+id[1]+"/retry") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the delivered job still shows as failing")
		}
	}
	var audited int
	srv.DB.Raw(`SELECT count(*) FROM audit_events WHERE action = 'job.retried' AND target_id = ?`, id[1]).Scan(&audited)
	if audited != 1 {
		t.Errorf("the retry was audited %d times, want once", audited)
	}
}

// Every notification's email reads as a finished sentence in each of the
// six languages a person may choose, and differs from the English one.
func TestEveryNotificationReadsInEveryLanguage(t *testing.T) {
	cat := mustCatalogue(t)
	params := models.NotificationParams{"Title": "Forensic laboratory", "State": "KEN", "Paragraph": "7",
		"Period": "2016 reports", "PeriodFr": "Rapports 2016", "Donor": "Norway", "Due": "2031-03-31", "Stage": "before-3", "Missing": "4"}
	states := views.StateNames{"KEN": {ISO3: "KEN", Name: "Kenya", NameFr: "Kenya"}}
	to := models.Recipient{Email: "someone@example.org", Name: "Amina"}
	for _, k := range models.NotificationKinds() {
		seen := map[string]string{}
		for _, l := range cat.Languages() {
			tag := l.Tag
			ctx := reqctx.WithLocalizer(reqctx.WithCatalogue(context.Background(), cat), cat.Localizer(tag))
			n := models.Notification{Kind: k, Link: "/needs/1", Params: params}
			subject, d := views.NotificationEmail(ctx, n, to, states, "https://ctap.example.org")
			text := views.EmailText(d)
			for _, s := range []string{subject, text} {
				if strings.Contains(s, "no value") || strings.Contains(s, "{{") || strings.Contains(s, "notify.") {
					t.Errorf("%s in %s is not a finished sentence: %q", k, tag, s)
				}
			}
			if !strings.Contains(text, "https://ctap.example.org/needs/1") || !strings.Contains(text, "https://ctap.example.org/account") {
				t.Errorf("%s in %s lacks its link or the way to change the choice:\n%s", k, tag, text)
			}
			seen[tag] = subject
		}
		if len(seen) != 6 {
			t.Errorf("%s was written in %d languages, want the six", k, len(seen))
		}
		for tag, subject := range seen {
			if tag != "en" && subject == seen["en"] {
				t.Errorf("%s reads the same in English and %s: %q", k, tag, subject)
			}
		}
	}
}

// subjects lists the subjects of the messages that contain word.
func subjects(msgs []webtest.MailpitMessage, word string) []string {
	var out []string
	for _, m := range msgs {
		if strings.Contains(m.Subject, word) {
			out = append(out, m.Subject)
		}
	}
	return out
}

func TestADonorKeepsItsInterestsAndHearsOfTheMatchingNeeds(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	donor := signedInAs(t, srv, "donor.nor@example.org", models.RoleDonor, "norway")
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")

	if r := donor.Get(t, "/donors/sweden/interests"); r.StatusCode != http.StatusForbidden {
		t.Errorf("another organization's interests: %d, want 403", r.StatusCode)
	}
	if !strings.Contains(donor.Get(t, "/donors/norway").Body, `href="/donors/norway/interests"`) {
		t.Error("the organization's page does not lead its donor to the interests")
	}
	page := donor.Get(t, "/donors/norway/interests")
	tok := webtest.CSRFToken(t, page)
	bad := donor.PostForm(t, "/donors/norway/interests", url.Values{"_csrf": {tok}, "version": {"0"},
		"themes": {"criminal_justice", "astrology"}, "regional_groups": {"african"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `id="themes-error"`) ||
		!strings.Contains(bad.Body, `value="african" checked`) {
		t.Errorf("an unknown theme: %d, want 422 with the message and the choices kept", bad.StatusCode)
	}
	ok := donor.PostForm(t, "/donors/norway/interests", url.Values{"_csrf": {tok}, "version": {"0"},
		"themes": {"criminal_justice"}, "regional_groups": {"african"}})
	if ok.StatusCode != http.StatusSeeOther {
		t.Fatalf("save interests: %d", ok.StatusCode)
	}
	if stale := donor.PostForm(t, "/donors/norway/interests", url.Values{"_csrf": {tok}, "version": {"0"},
		"themes": {"internet"}}); stale.StatusCode != http.StatusConflict {
		t.Errorf("a stale save: %d, want 409", stale.StatusCode)
	}

	// Kenya (African Group) shares a criminal-justice need with donors.
	form := needForm(webtest.CSRFToken(t, focal.Get(t, "/needs/new")), "title", "Prosecutors' training", "visibility", "donors")
	created := focal.PostForm(t, "/needs", form)
	path := created.Header.Get("Location")
	focal.PostForm(t, path+"/transition", url.Values{"_csrf": {webtest.CSRFToken(t, focal.Get(t, path))}, "to": {"submitted"}, "version": {"1"}})
	list := donor.Get(t, "/notifications")
	if !strings.Contains(list.Body, "A need matching your interests is open for funding: “Prosecutors’ training” (Kenya).") &&
		!strings.Contains(list.Body, "A need matching your interests is open for funding: “Prosecutors&#39; training” (Kenya).") {
		t.Errorf("the donor was not told of the matching need:\n%s", list.Body)
	}
}

func TestThePeriodPageShowsWhichStatesWereRemindedWhen(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	sec := signedInAs(t, srv, "secretariat@example.org", models.RoleSecretariat, "")
	signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	ctx := context.Background()
	p, err := models.CreatePeriod(ctx, srv.DB, models.PeriodInput{TitleEN: "2031 reports", OpensOn: "2031-01-01", DueOn: "2031-03-31", ClosesOn: "2031-06-30"}, models.AuditContext{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.RunReminders(ctx, srv.DB, time.Date(2031, 3, 28, 0, 0, 0, 0, time.UTC), []int{14, 3}); err != nil {
		t.Fatal(err)
	}
	page := sec.Get(t, "/admin/periods/"+strconv.FormatInt(p.ID, 10))
	if !strings.Contains(page.Body, ">Kenya</a>") || !strings.Contains(page.Body, "3 days before the due date:") ||
		!strings.Contains(page.Body, "(1 focal points)") {
		t.Errorf("the period's page does not show Kenya's reminder:\n%s", page.Body)
	}
	if n := srv.Statements(t, page); n > 6 {
		t.Errorf("the period's page costs %d statements", n)
	}
}

// An email is written in its recipient's language, whatever the language
// of the person whose action it reports: a need submitted from an English
// page reaches a Secretariat officer who reads Arabic in Arabic and one
// who reads Russian in Russian, subject, text and HTML.
func TestANotificationEmailIsInItsRecipientsLanguageNotTheActors(t *testing.T) {
	t.Parallel()
	mail := webtest.StartMailpit(t)
	srv := mailServer(t, mail.SMTPURL, time.Hour)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	signedInAs(t, srv, "arabic@example.org", models.RoleSecretariat, "")
	signedInAs(t, srv, "russian@example.org", models.RoleSecretariat, "")
	// Their language as their account keeps it (the pages offer Arabic and
	// Russian once their layout is checked; emails need not wait).
	for email, lang := range map[string]string{"arabic@example.org": "ar", "russian@example.org": "ru"} {
		if err := srv.DB.Exec(`UPDATE users SET language = ? WHERE email = ?`, lang, email).Error; err != nil {
			t.Fatal(err)
		}
	}

	submitNewNeed(t, focal, "Forensic laboratory equipment")

	for _, c := range []struct {
		to, subject, greeting, footer, lang string
	}{
		{"arabic@example.org", "قُدِّم الاحتياج “Forensic laboratory equipment” للاستعراض", "السيد/السيدة", "تتلقى هذه الرسالة", "ar"},
		{"russian@example.org", "потребность «Forensic laboratory equipment» представлена на рассмотрение", "Уважаемый(ая)", "Вы получили это сообщение", "ru"},
	} {
		msg := mail.WaitFor(t, c.to, c.subject, 20*time.Second)
		if !strings.Contains(msg.Text, c.greeting) || !strings.Contains(msg.HTML, c.greeting) {
			t.Errorf("the email to %s does not greet in its language:\n%s", c.to, msg.Text)
		}
		if !strings.Contains(msg.Text, c.footer) {
			t.Errorf("the email to %s lacks its footer in its language:\n%s", c.to, msg.Text)
		}
		if !strings.Contains(msg.HTML, `lang="`+c.lang+`"`) {
			t.Errorf("the HTML email to %s is not marked %s", c.to, c.lang)
		}
		if strings.Contains(msg.Text, "submitted the need") || strings.Contains(msg.Subject, "submitted") {
			t.Errorf("the email to %s is in the actor's English:\n%s", c.to, msg.Text)
		}
	}
}
