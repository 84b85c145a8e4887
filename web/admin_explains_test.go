package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// besideField returns the message shown beside a form field (its
// field-error paragraph), unescaped, or "" when there is none.
func besideField(body, field string) string {
	m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(field) + `-error">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// answerYes submits a confirmation page's form, with the values it carries.
func answerYes(t *testing.T, c *webtest.Client, ask *webtest.Response) *webtest.Response {
	t.Helper()
	action := regexp.MustCompile(`<section class="confirmation"[\s\S]*?<form method="post" action="([^"]*)"`).FindStringSubmatch(ask.Body)
	if action == nil {
		t.Fatalf("no confirmation form on %s", ask.Request.URL)
	}
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)"`).FindAllStringSubmatch(ask.Body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	return c.PostForm(t, html.UnescapeString(action[1]), form)
}

func invite(t *testing.T, admin *webtest.Client, form url.Values) *webtest.Response {
	t.Helper()
	page := admin.Get(t, "/admin/invitations/new")
	form.Set("_csrf", webtest.CSRFToken(t, page))
	return admin.PostForm(t, "/admin/invitations", form)
}

func sessionsOf(t *testing.T, srv *webtest.Server, email string) int64 {
	t.Helper()
	var n int64
	srv.DB.Raw(`SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?`, email).Scan(&n)
	return n
}

func TestAnInvitationForAnExistingAccountGivesItTheRoleAtOnce(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)

	// A pending account (signed in, waiting for a role) gets it at once.
	srv.AddAccount("waiting@example.org", "Wai Ting", true)
	srv.Client().SignIn(t, "waiting@example.org")
	if sessionsOf(t, srv, "waiting@example.org") == 0 {
		t.Fatal("the pending person has no session to end")
	}
	r := invite(t, admin, url.Values{"email": {"Waiting@example.org"}, "role": {"focal_point"}, "state": {"KEN"}})
	u := userByEmail(t, srv, "waiting@example.org")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/admin/users/%d", u.ID) {
		t.Fatalf("invitation of a pending account: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if !u.HasRole(models.RoleFocalPoint) {
		t.Errorf("the pending account is %s %s, want an active focal point", u.Status, u.RoleName())
	}
	page := admin.Follow(t, r)
	if !strings.Contains(html.UnescapeString(page.Body), "waiting@example.org already had an account: it now has the role Focal point") {
		t.Error("the flash does not say the role was applied")
	}
	if n := sessionsOf(t, srv, "waiting@example.org"); n != 0 {
		t.Errorf("%d sessions left after the role was applied", n)
	}
	var open, audited int64
	srv.DB.Model(&models.Invitation{}).Where("email = ? AND revoked_at IS NULL AND accepted_at IS NULL", "waiting@example.org").Count(&open)
	if open != 0 {
		t.Errorf("%d open invitations left that nobody can accept", open)
	}
	srv.DB.Model(&models.AuditEvent{}).Where("action = ? AND target_id = ? AND actor_email = ? AND after->>'role' = 'focal_point'",
		models.ActionInvitationApplied, fmt.Sprint(u.ID), "admin@example.org").Count(&audited)
	if audited != 1 {
		t.Errorf("%d audit rows for the applied invitation, want 1", audited)
	}

	// An active account changes role.
	r = invite(t, admin, url.Values{"email": {"waiting@example.org"}, "role": {"secretariat"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invitation of an active account: %d", r.StatusCode)
	}
	if u := userByEmail(t, srv, "waiting@example.org"); !u.HasRole(models.RoleSecretariat) {
		t.Errorf("the active account is %s %s, want secretariat", u.Status, u.RoleName())
	}
	// The same role again changes nothing, and says so beside the email.
	r = invite(t, admin, url.Values{"email": {"waiting@example.org"}, "role": {"secretariat"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(besideField(r.Body, "email"), "already has this role") {
		t.Errorf("the same role again: %d, beside the email %q", r.StatusCode, besideField(r.Body, "email"))
	}
}

func TestAnInvitationForADisabledAccountIsRefusedBesideTheEmail(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	srv.AddAccount("gone@example.org", "", true)
	srv.Client().SignIn(t, "gone@example.org")
	if err := srv.DB.Exec(`UPDATE users SET status = 'disabled', role = 'viewer' WHERE email = 'gone@example.org'`).Error; err != nil {
		t.Fatal(err)
	}

	r := invite(t, admin, url.Values{"email": {"gone@example.org"}, "role": {"viewer"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invitation of a disabled account: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if got := besideField(r.Body, "email"); !strings.Contains(got, "is disabled: enable it first") {
		t.Errorf("beside the email: %q", got)
	}
	if !strings.Contains(r.Body, `value="gone@example.org"`) {
		t.Error("the input is not kept")
	}
	var n int64
	srv.DB.Model(&models.Invitation{}).Where("email = ?", "gone@example.org").Count(&n)
	if u := userByEmail(t, srv, "gone@example.org"); n != 0 || u.Status != models.StatusDisabled {
		t.Errorf("after the refusal: %d invitations, account %s", n, u.Status)
	}
}

func TestAnInvitationCannotTakeTheLastAdministratorsRole(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	r := invite(t, admin, url.Values{"email": {"admin@example.org"}, "role": {"viewer"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(besideField(r.Body, "role"), "last active administrator") {
		t.Errorf("demoting the last admin by invitation: %d, beside the role %q", r.StatusCode, besideField(r.Body, "role"))
	}
	if u := userByEmail(t, srv, "admin@example.org"); !u.HasRole(models.RoleAdmin) {
		t.Error("the last admin lost their role")
	}
}

func TestAnInvitationWithAScopeItsRoleCannotHaveIsRefused(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	for _, tc := range []struct {
		form         url.Values
		field, words string
	}{
		{url.Values{"email": {"d@example.org"}, "role": {"donor"}, "donor": {"norway"}, "state": {"KEN"}}, "state", "Only a focal point has a Member State"},
		{url.Values{"email": {"v@example.org"}, "role": {"viewer"}, "donor": {"norway"}}, "donor", "Only a donor has a donor organization"},
		{url.Values{"email": {"f@example.org"}, "role": {"focal_point"}}, "state", "A focal point needs exactly one Member State"},
	} {
		r := invite(t, admin, tc.form)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(besideField(r.Body, tc.field), tc.words) {
			t.Errorf("%v: %d, beside %s %q", tc.form, r.StatusCode, tc.field, besideField(r.Body, tc.field))
		}
		if !strings.Contains(r.Body, `value="`+tc.form.Get("email")+`"`) {
			t.Errorf("%v: the input is not kept", tc.form)
		}
	}
	var n int64
	srv.DB.Model(&models.Invitation{}).Where("email IN ?", []string{"d@example.org", "v@example.org", "f@example.org"}).Count(&n)
	if n != 0 {
		t.Errorf("%d invitations opened with a misfit scope", n)
	}
}

func TestRevokingAnInvitationAsksFirstOnAPageOfItsOwn(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	srv.Invite(t, "later@example.org", models.RoleViewer, "")
	var inv models.Invitation
	srv.DB.Where("email = ?", "later@example.org").Take(&inv)
	path := fmt.Sprintf("/admin/invitations/%d/revoke", inv.ID)

	list := admin.Get(t, "/admin/invitations")
	if !strings.Contains(list.Body, `href="`+path+`"`) {
		t.Fatal("the list does not link to the question")
	}
	ask := admin.Get(t, path)
	if ask.StatusCode != http.StatusOK || !strings.Contains(ask.Body, "Revoke the invitation of later@example.org as Viewer?") ||
		!strings.Contains(ask.Body, `action="`+path+`"`) || !strings.Contains(ask.Body, `href="/admin/invitations"`) {
		t.Fatalf("the question: %d", ask.StatusCode)
	}
	srv.DB.Take(&inv, inv.ID)
	if inv.RevokedAt != nil {
		t.Fatal("asking revoked the invitation")
	}
	r := admin.PostForm(t, path, url.Values{"_csrf": {webtest.CSRFToken(t, ask)}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	srv.DB.Take(&inv, inv.ID)
	if inv.RevokedAt == nil {
		t.Error("the invitation is still open")
	}
	if again := admin.Get(t, path); again.StatusCode != http.StatusNotFound {
		t.Errorf("asking about a revoked invitation: %d", again.StatusCode)
	}
}

func TestDisablingAUserAsksFirstOnAPageOfItsOwn(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	srv.AddAccount("leaving@example.org", "Lea Ving", true)
	srv.Invite(t, "leaving@example.org", models.RoleViewer, "")
	leaving := srv.Client()
	leaving.SignIn(t, "leaving@example.org")
	u := userByEmail(t, srv, "leaving@example.org")
	path := fmt.Sprintf("/admin/users/%d", u.ID)

	page := admin.Get(t, path)
	if !strings.Contains(page.Body, `href="`+path+`/disable"`) {
		t.Fatal("the account's page does not link to the question")
	}
	ask := admin.Get(t, path+"/disable")
	if ask.StatusCode != http.StatusOK || !strings.Contains(ask.Body, "Disable the account of Lea Ving (leaving@example.org)?") {
		t.Fatalf("the question: %d", ask.StatusCode)
	}
	if got := userByEmail(t, srv, "leaving@example.org"); got.Status != models.StatusActive {
		t.Fatal("asking disabled the account")
	}
	// Choosing Disabled on the account's form leads to the same question.
	r := admin.PostForm(t, path, url.Values{"_csrf": {webtest.CSRFToken(t, page)}, "version": {fmt.Sprint(u.Version)}, "status": {"disabled"}, "role": {"viewer"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), path+"/disable?") {
		t.Fatalf("disabling from the form: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if got := userByEmail(t, srv, "leaving@example.org"); got.Status != models.StatusActive {
		t.Fatal("the form disabled the account without asking")
	}
	ask = admin.Follow(t, r)
	if !strings.Contains(ask.Body, `action="`+path+`"`) {
		t.Fatal("the question does not post to the account's form")
	}
	r = answerYes(t, admin, ask)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed disabling: %d", r.StatusCode)
	}
	if got := userByEmail(t, srv, "leaving@example.org"); got.Status != models.StatusDisabled {
		t.Errorf("after confirming: %s", got.Status)
	}
	// The disabled account's session is inert: its next request ends it,
	// signed out and told why.
	if r := leaving.Get(t, "/account"); r.StatusCode == http.StatusOK && strings.Contains(r.Body, "Lea Ving") {
		t.Error("the disabled account still reads its account page")
	}
	if n := sessionsOf(t, srv, "leaving@example.org"); n != 0 {
		t.Errorf("%d sessions left for the disabled account after its next request", n)
	}
}

func TestEndingAUsersSessionsAsksFirstOnAPageOfItsOwn(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	srv.AddAccount("laptop@example.org", "", true)
	srv.Invite(t, "laptop@example.org", models.RoleViewer, "")
	srv.Client().SignIn(t, "laptop@example.org")
	srv.Client().SignIn(t, "laptop@example.org")
	u := userByEmail(t, srv, "laptop@example.org")
	path := fmt.Sprintf("/admin/users/%d/sessions/end", u.ID)

	if page := admin.Get(t, fmt.Sprintf("/admin/users/%d", u.ID)); !strings.Contains(page.Body, "2 live sessions") || !strings.Contains(page.Body, `href="`+path+`"`) {
		t.Fatal("the account's page does not show its sessions with a link to end them")
	}
	ask := admin.Get(t, path)
	if ask.StatusCode != http.StatusOK || !strings.Contains(ask.Body, "out of their 2 sessions?") {
		t.Fatalf("the question: %d", ask.StatusCode)
	}
	if n := sessionsOf(t, srv, "laptop@example.org"); n != 2 {
		t.Fatalf("asking ended sessions: %d left", n)
	}
	r := admin.PostForm(t, path, url.Values{"_csrf": {webtest.CSRFToken(t, ask)}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("end sessions: %d", r.StatusCode)
	}
	if got := admin.Follow(t, r); !strings.Contains(got.Body, "laptop@example.org was signed out of 2 sessions.") {
		t.Error("the flash does not count the sessions in words")
	}
	if n := sessionsOf(t, srv, "laptop@example.org"); n != 0 {
		t.Errorf("%d sessions left", n)
	}
	var audited int64
	srv.DB.Model(&models.AuditEvent{}).Where("action = ? AND target_id = ?", models.ActionUserSessionsEnded, fmt.Sprint(u.ID)).Count(&audited)
	if audited != 1 {
		t.Errorf("%d audit rows, want 1", audited)
	}
}

func TestEndingOtherSessionsAsksFirstAndCountsInWords(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.AddAccount("roaming@example.org", "", true)
	srv.Invite(t, "roaming@example.org", models.RoleViewer, "")
	for i := 0; i < 2; i++ {
		srv.Client().SignIn(t, "roaming@example.org")
	}
	c := srv.Client()
	c.SignIn(t, "roaming@example.org")

	account := c.Get(t, "/account")
	if !strings.Contains(account.Body, `href="/account/sessions/end-others"`) {
		t.Fatal("the account page does not link to the question")
	}
	ask := c.Get(t, "/account/sessions/end-others")
	if ask.StatusCode != http.StatusOK || !strings.Contains(ask.Body, "Sign out of 2 other sessions?") {
		t.Fatalf("the question: %d", ask.StatusCode)
	}
	if n := sessionsOf(t, srv, "roaming@example.org"); n != 3 {
		t.Fatalf("asking ended sessions: %d left", n)
	}
	r := c.PostForm(t, "/account/sessions/end-others", url.Values{"_csrf": {webtest.CSRFToken(t, ask)}})
	if got := c.Follow(t, r); !strings.Contains(got.Body, "Signed out of 2 other sessions.") {
		t.Errorf("after ending: %d", r.StatusCode)
	}
	if n := sessionsOf(t, srv, "roaming@example.org"); n != 1 {
		t.Errorf("%d sessions left, want this one", n)
	}
}

func TestTheLastAdminMessageSitsBesideTheChangedField(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	me := userByEmail(t, srv, "admin@example.org")
	path := fmt.Sprintf("/admin/users/%d", me.ID)
	for _, tc := range []struct {
		change url.Values
		field  string
	}{
		{url.Values{"status": {"active"}, "role": {"viewer"}}, "role"},
		{url.Values{"status": {"disabled"}, "role": {"admin"}}, "status"},
		{url.Values{"status": {"pending"}, "role": {"admin"}}, "status"},
	} {
		page := admin.Get(t, path)
		tc.change.Set("_csrf", webtest.CSRFToken(t, page))
		tc.change.Set("version", fmt.Sprint(me.Version))
		r := admin.PostForm(t, path, tc.change)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(besideField(r.Body, tc.field), "last active administrator") {
			t.Errorf("%v: %d, beside %s %q", tc.change, r.StatusCode, tc.field, besideField(r.Body, tc.field))
		}
	}
}

func TestTheAuditTrailReadsAsSentencesInTheReadersLanguage(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	srv.Client().SignIn(t, "newcomer@example.org")
	u := userByEmail(t, srv, "newcomer@example.org")
	page := admin.Get(t, fmt.Sprintf("/admin/users/%d", u.ID))
	if r := admin.PostForm(t, fmt.Sprintf("/admin/users/%d", u.ID), url.Values{"_csrf": {webtest.CSRFToken(t, page)},
		"version": {fmt.Sprint(u.Version)}, "status": {"active"}, "role": {"focal_point"}, "state": {"KEN"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	if r := invite(t, admin, url.Values{"email": {"later@example.org"}, "role": {"viewer"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", r.StatusCode)
	}
	var norway models.DonorOrganization
	srv.DB.Where("slug = ?", "norway").Take(&norway)
	if err := models.RecordEvent(t.Context(), srv.DB, models.AuditContext{ActorNote: "ctap seed --demo"}, models.ActionDonorInterests,
		models.Target("donor_organization", int64(norway.ID)), map[string]any{"paragraphs": []int{3, 4}}); err != nil {
		t.Fatal(err)
	}
	newcomer := userByEmail(t, srv, "newcomer@example.org")

	en := admin.Get(t, "/admin/audit")
	if n := srv.Statements(t, en); n > 6 {
		t.Errorf("/admin/audit issued %d statements", n)
	}
	for _, want := range []string{
		"Ada Admin (demo) (admin@example.org)",
		"<td>Approved an account</td>",
		fmt.Sprintf(`<a href="/admin/users/%d">%s</a>`, newcomer.ID, html.EscapeString(newcomer.DisplayName())),
		"<td>Invited someone</td>", `<a href="/admin/invitations">later@example.org</a>`,
		"<td>Saved a donor’s interests</td>", `<a href="/donors/norway">Norway</a>`, "ctap seed --demo",
		"<dt>Role</dt><dd>Focal point</dd>", "<dt>Member State</dt><dd>Kenya</dd>", "<dt>Paragraphs</dt><dd>3, 4</dd>",
	} {
		if !strings.Contains(en.Body, want) {
			t.Errorf("the English trail lacks %q", want)
		}
	}
	for _, raw := range []string{"member_state_id", "user.approved", "invitation.created", "expires_at"} {
		if strings.Contains(en.Body, raw) {
			t.Errorf("the trail shows the raw %q", raw)
		}
	}
	if regexp.MustCompile(`\d{2}:\d{2}:\d{2}\.\d+`).MatchString(en.Body) {
		t.Error("the trail shows a timestamp to the nanosecond")
	}

	admin.Get(t, "/lang/fr")
	fr := admin.Get(t, "/admin/audit")
	for _, want := range []string{
		"<td>Approbation d’un compte</td>", "<td>Invitation d’une personne</td>", "<td>Enregistrement des intérêts d’un donateur</td>",
		`<a href="/donors/norway">` + html.EscapeString(norway.NameFr) + `</a>`, "<dt>Rôle</dt>",
	} {
		if !strings.Contains(fr.Body, want) {
			t.Errorf("the French trail lacks %q", want)
		}
	}
}
