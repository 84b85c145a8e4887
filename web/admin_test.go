package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// signedInAdmin returns a client signed in as the demo administrator.
func signedInAdmin(t *testing.T, srv *webtest.Server) *webtest.Client {
	t.Helper()
	srv.Invite(t, "admin@example.org", models.RoleAdmin, "")
	c := srv.Client()
	c.SignIn(t, "admin@example.org")
	return c
}

func userByEmail(t *testing.T, srv *webtest.Server, email string) models.User {
	t.Helper()
	var u models.User
	if err := srv.DB.Where("email = ?", email).Take(&u).Error; err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

func TestTheAdminInvitesAFocalPointWhoThenSignsInWithThatRole(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)

	form := admin.Get(t, "/admin/invitations/new")
	if form.StatusCode != http.StatusOK {
		t.Fatalf("invitation form: %d", form.StatusCode)
	}
	tok := webtest.CSRFToken(t, form)

	// A rejected form comes back with the input and a message per field.
	bad := admin.PostForm(t, "/admin/invitations", url.Values{"_csrf": {tok}, "email": {"not-an-email"}, "role": {"focal_point"}})
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad invitation: %d", bad.StatusCode)
	}
	for _, want := range []string{"Enter a valid email address", `value="not-an-email"`, "A focal point needs exactly one Member State", `aria-invalid="true"`} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("rejected form lacks %q", want)
		}
	}

	ok := admin.PostForm(t, "/admin/invitations", url.Values{"_csrf": {tok}, "email": {"Focal.IDN@example.org"}, "role": {"focal_point"}, "state": {"IDN"}})
	if ok.StatusCode != http.StatusSeeOther || ok.Header.Get("Location") != "/admin/invitations" {
		t.Fatalf("invitation: %d %q", ok.StatusCode, ok.Header.Get("Location"))
	}
	list := admin.Follow(t, ok)
	if !strings.Contains(list.Body, "Invitation created for focal.idn@example.org") || !strings.Contains(list.Body, "Indonesia") {
		t.Error("the invitation is not shown")
	}
	dup := admin.PostForm(t, "/admin/invitations", url.Values{"_csrf": {tok}, "email": {"focal.idn@example.org"}, "role": {"viewer"}})
	if dup.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(dup.Body, "already an open invitation") {
		t.Errorf("second invitation for the same email: %d", dup.StatusCode)
	}

	focal := srv.Client()
	if r := focal.SignIn(t, "focal.idn@example.org"); r.Header.Get("Location") != "/states/IDN" {
		t.Errorf("the invited focal point landed on %q", r.Header.Get("Location"))
	}
	var events int64
	srv.DB.Model(&models.AuditEvent{}).Where(`(action = 'invitation.created' AND after->>'email' = 'focal.idn@example.org')
		OR (action = 'user.role_bound_by_invitation' AND after->>'email' = 'focal.idn@example.org')`).Count(&events)
	if events != 2 {
		t.Errorf("%d audit events for the invitation and its binding, want 2", events)
	}
}

func TestTheAdminApprovesChangesDisablesAndEnablesAUser(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	srv.Client().SignIn(t, "newcomer@example.org")
	u := userByEmail(t, srv, "newcomer@example.org")
	path := fmt.Sprintf("/admin/users/%d", u.ID)

	list := admin.Get(t, "/admin/users?status=pending")
	if !strings.Contains(list.Body, "newcomer@example.org") || strings.Contains(list.Body, "admin@example.org") {
		t.Error("the pending filter does not show exactly the pending user")
	}

	post := func(version int, status, role, state string) *webtest.Response {
		page := admin.Get(t, path)
		return admin.PostForm(t, path, url.Values{
			"_csrf": {webtest.CSRFToken(t, page)}, "version": {fmt.Sprint(version)},
			"status": {status}, "role": {role}, "state": {state},
		})
	}
	if r := post(u.Version, "active", "focal_point", ""); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "exactly one Member State") {
		t.Fatalf("approval without a State: %d", r.StatusCode)
	}
	r := post(u.Version, "active", "focal_point", "KEN")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
	}
	u = userByEmail(t, srv, "newcomer@example.org")
	if !u.HasRole(models.RoleFocalPoint) {
		t.Fatalf("after approval: %s %s", u.Status, u.RoleName())
	}
	if r := post(u.Version, "active", "viewer", ""); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("role change: %d", r.StatusCode)
	}
	u = userByEmail(t, srv, "newcomer@example.org")
	// Disabling is asked about first; the answer disables.
	if r := post(u.Version, "disabled", "viewer", ""); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.StatusCode)
	} else if r := answerYes(t, admin, admin.Follow(t, r)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed disable: %d", r.StatusCode)
	}
	u = userByEmail(t, srv, "newcomer@example.org")
	if r := post(u.Version, "active", "viewer", ""); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.StatusCode)
	}
	u = userByEmail(t, srv, "newcomer@example.org")
	if !u.HasRole(models.RoleViewer) {
		t.Errorf("after enabling: %s %s", u.Status, u.RoleName())
	}

	audit := admin.Get(t, "/admin/audit?action=user.")
	for _, want := range []string{"Approved an account", "Changed an account’s role", "Disabled an account", "Enabled an account again",
		"admin@example.org", "127.0.0.1", "<dt>Role</dt><dd>Viewer</dd>"} {
		if !strings.Contains(audit.Body, want) {
			t.Errorf("audit trail lacks %q", want)
		}
	}
	if os.Getenv("CTAP_DUMP") != "" {
		_ = os.WriteFile("/tmp/admin11-audit.html", []byte(audit.Body), 0o644)
	}
	if strings.Contains(audit.Body, "<td>Signed in</td>") {
		t.Error("the user. filter shows sign-in events")
	}
}

func TestAChangeOnAnOutdatedVersionIsRefusedShowingBoth(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	srv.Client().SignIn(t, "viewer@example.org")
	u := userByEmail(t, srv, "viewer@example.org")
	path := fmt.Sprintf("/admin/users/%d", u.ID)
	page := admin.Get(t, path)
	tok := webtest.CSRFToken(t, page)

	first := admin.PostForm(t, path, url.Values{"_csrf": {tok}, "version": {fmt.Sprint(u.Version)}, "status": {"active"}, "role": {"secretariat"}})
	if first.StatusCode != http.StatusSeeOther {
		t.Fatalf("first change: %d", first.StatusCode)
	}
	stale := admin.PostForm(t, path, url.Values{"_csrf": {tok}, "version": {fmt.Sprint(u.Version)}, "status": {"disabled"}, "role": {"viewer"}})
	if stale.StatusCode != http.StatusConflict {
		t.Fatalf("stale change: %d", stale.StatusCode)
	}
	for _, want := range []string{"Someone else changed this account", "Secretariat", "You submitted", "Disabled, Viewer"} {
		if !strings.Contains(stale.Body, want) {
			t.Errorf("conflict page lacks %q", want)
		}
	}
	if got := userByEmail(t, srv, "viewer@example.org"); !got.HasRole(models.RoleSecretariat) {
		t.Errorf("the stale change was applied: %s %s", got.Status, got.RoleName())
	}
}

func TestTheLastActiveAdminCannotDemoteOrDisableThemselves(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	me := userByEmail(t, srv, "admin@example.org")
	path := fmt.Sprintf("/admin/users/%d", me.ID)
	for _, change := range []url.Values{
		{"status": {"active"}, "role": {"viewer"}},
		{"status": {"disabled"}, "role": {"admin"}},
	} {
		page := admin.Get(t, path)
		change.Set("_csrf", webtest.CSRFToken(t, page))
		change.Set("version", fmt.Sprint(userByEmail(t, srv, "admin@example.org").Version))
		r := admin.PostForm(t, path, change)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "last active administrator") {
			t.Errorf("%v: %d", change, r.StatusCode)
		}
	}
	if got := userByEmail(t, srv, "admin@example.org"); !got.HasRole(models.RoleAdmin) {
		t.Fatal("the last admin lost their role")
	}
}

func TestAdminListsAreFilteredAndPaginatedInBoundedQueries(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := signedInAdmin(t, srv)
	for i := 0; i < 60; i++ {
		srv.DB.Exec(`INSERT INTO users (issuer, subject, email, status) VALUES ('https://idp.example', ?, ?, 'pending')`, fmt.Sprint("s", i), fmt.Sprintf("p%02d@example.org", i))
	}
	first := admin.Get(t, "/admin/users")
	if !strings.Contains(first.Body, `rel="next"`) || strings.Count(first.Body, "<tr>") != 51 {
		t.Fatalf("first page: %d rows, next link %v", strings.Count(first.Body, "<tr>")-1, strings.Contains(first.Body, `rel="next"`))
	}
	n := srv.Statements(t, first)
	if n > 6 {
		t.Errorf("/admin/users issued %d statements", n)
	}
	i := strings.Index(first.Body, `href="/admin/users?after=`)
	next := first.Body[i+6:]
	next = strings.ReplaceAll(next[:strings.IndexByte(next, '"')], "&amp;", "&")
	second := admin.Get(t, next)
	if rows := strings.Count(second.Body, "<tr>") - 1; rows != 11 {
		t.Errorf("second page: %d rows, want 11", rows)
	}
	audit := admin.Get(t, "/admin/audit")
	if n := srv.Statements(t, audit); n > 6 {
		t.Errorf("/admin/audit issued %d statements", n)
	}
}
