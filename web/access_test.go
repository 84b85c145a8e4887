package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web"
	"ctap/web/webtest"
)

// withContactEmail sets CTAP_CONTACT_EMAIL's setting.
func withContactEmail(email string) webtest.Option {
	return func(cfg *web.Config) { cfg.ContactEmail = email }
}

// providerForm walks from the portal's /auth/login to the development
// provider's sign-in form and returns it.
func providerForm(t *testing.T, c *webtest.Client) *webtest.Response {
	t.Helper()
	resp := c.Get(t, "/auth/login")
	for resp.StatusCode == http.StatusFound || resp.StatusCode == http.StatusSeeOther {
		resp = c.Follow(t, resp)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/dev-idp/login") {
		t.Fatalf("no sign-in form: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	return resp
}

func TestAnInvitedAddressSignsInAtTheDevelopmentProviderWithItsRole(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "admin@example.org", models.RoleAdmin, "")
	admin := srv.Client()
	admin.SignIn(t, "admin@example.org")
	form := admin.Get(t, "/admin/invitations/new")
	ok := admin.PostForm(t, "/admin/invitations", url.Values{"_csrf": {webtest.CSRFToken(t, form)},
		"email": {"New.Person@Example.org"}, "role": {"focal_point"}, "state": {"CIV"}})
	if ok.StatusCode != http.StatusSeeOther {
		t.Fatalf("invitation: %d", ok.StatusCode)
	}

	// The provider was never given this address: it knows it from the
	// invitation, with the test password.
	invitee := srv.Client()
	r := invitee.SignIn(t, "new.person@example.org")
	if loc := r.Header.Get("Location"); loc != "/states/CIV" {
		t.Fatalf("the invitee landed on %q, want /states/CIV", loc)
	}
	var u models.User
	if err := srv.DB.Where("email = ?", "new.person@example.org").Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	if !u.HasRole(models.RoleFocalPoint) {
		t.Errorf("the invitee is %s with role %q, want an active focal point", u.Status, u.RoleName())
	}
	// The invitation is accepted now; the account still signs in.
	if r := srv.Client().SignIn(t, "new.person@example.org"); r.Header.Get("Location") != "/states/CIV" {
		t.Errorf("second sign-in landed on %q", r.Header.Get("Location"))
	}
}

func TestAnAddressWithoutInvitationIsRefusedByTheDevelopmentProvider(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "revoked@example.org", models.RoleViewer, "")
	var inv models.Invitation
	srv.DB.Where("email = ?", "revoked@example.org").Take(&inv)
	if err := models.RevokeInvitation(context.Background(), srv.DB, inv.ID, models.AuditContext{ActorNote: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"stranger@example.org", "revoked@example.org"} {
		c := srv.Client()
		form := providerForm(t, c)
		resp := c.PostForm(t, form.Request.URL.String(), url.Values{
			"username": {email}, "password": {webtest.Password},
			"authRequestID": {form.Request.URL.Query().Get("authRequestID")},
		})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Body, "The email address or password is wrong") {
			t.Errorf("%s: %d, want the form again with its error", email, resp.StatusCode)
		}
	}
	var n int64
	srv.DB.Model(&models.User{}).Where("email IN ?", []string{"stranger@example.org", "revoked@example.org"}).Count(&n)
	if n != 0 {
		t.Errorf("%d accounts made for addresses without invitation", n)
	}
}

func TestTheProvidersSignInPageLinksBackToThePortal(t *testing.T) {
	srv := webtest.NewServer(t)
	form := providerForm(t, srv.Client())
	if !strings.Contains(form.Body, `<a href="`+srv.URL+`/">Back to the portal</a>`) {
		t.Errorf("the sign-in page has no link back to the portal:\n%s", form.Body)
	}
}

func TestAPendingAccountReadsPublicPagesUnderABanner(t *testing.T) {
	srv := webtest.NewServer(t, withContactEmail("ctap-admins@example.org"))
	c := srv.Client()
	r := c.SignIn(t, "newcomer@example.org")
	if r.Header.Get("Location") != "/pending" {
		t.Fatalf("newcomer landed on %q, want /pending", r.Header.Get("Location"))
	}
	page := c.Follow(t, r)
	for _, want := range []string{"awaiting approval", "newcomer@example.org", "write to ctap-admins@example.org"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("/pending lacks %q", want)
		}
	}
	for _, path := range []string{"/", "/needs", "/paragraphs", "/states", "/states/KEN", "/paragraphs/1"} {
		resp := c.Get(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("pending account on %s: %d %q", path, resp.StatusCode, resp.Header.Get("Location"))
			continue
		}
		if !strings.Contains(resp.Body, `id="pending-banner"`) || !strings.Contains(resp.Body, "To ask the administrators, write to ctap-admins@example.org.") {
			t.Errorf("%s has no banner with the contact address", path)
		}
		if strings.Contains(resp.Body, `class="workspace"`) {
			t.Errorf("%s shows a workspace to a pending account", path)
		}
	}
	// What it reads is what a visitor reads.
	if mine, visitor := c.Get(t, "/needs").Body, srv.Client().Get(t, "/needs").Body; strings.Count(mine, "<tr") != strings.Count(visitor, "<tr") {
		t.Errorf("a pending account sees %d rows of needs, a visitor %d", strings.Count(mine, "<tr"), strings.Count(visitor, "<tr"))
	}
	for _, path := range []string{"/account", "/admin/users", "/dashboard", "/needs/new"} {
		if resp := c.Get(t, path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/pending" {
			t.Errorf("pending account on %s: %d %q, want sent to /pending", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	tok := webtest.CSRFToken(t, page)
	if resp := c.PostForm(t, "/account/sessions/end-others", url.Values{"_csrf": {tok}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("pending account POST: %d", resp.StatusCode)
	}
	// Signing out still works.
	if resp := c.PostForm(t, "/auth/logout", url.Values{"_csrf": {tok}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("pending account sign-out: %d", resp.StatusCode)
	}
}

func TestThePendingBannerWithoutAContactAddress(t *testing.T) {
	srv := webtest.NewServer(t)
	c := srv.Client()
	c.SignIn(t, "newcomer@example.org")
	body := c.Get(t, "/paragraphs").Body
	if !strings.Contains(body, "To ask, contact the portal&#39;s administrators.") && !strings.Contains(body, "To ask, contact the portal's administrators.") {
		t.Errorf("the banner does not say to contact the administrators")
	}
	if strings.Contains(body, "write to") {
		t.Error("the banner gives an address none was set for")
	}
	// Visitors and active accounts see no banner.
	if strings.Contains(srv.Client().Get(t, "/paragraphs").Body, `id="pending-banner"`) {
		t.Error("a visitor sees the pending banner")
	}
}

func TestADisabledAccountLandsOnAPageSayingWhy(t *testing.T) {
	srv := webtest.NewServer(t, withContactEmail("ctap-admins@example.org"))
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	c := srv.Client()
	c.SignIn(t, "viewer@example.org")
	var u models.User
	srv.DB.Where("email = ?", "viewer@example.org").Take(&u)
	if _, err := models.ChangeUser(context.Background(), srv.DB, u.ID, models.UserChange{Version: u.Version, Status: models.StatusDisabled}, models.AuditContext{ActorNote: "test"}); err != nil {
		t.Fatal(err)
	}
	r := c.Get(t, "/account")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("a disabled account's next request: %d %q, want sent to /", r.StatusCode, r.Header.Get("Location"))
	}
	home := c.Follow(t, r)
	if home.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", home.StatusCode)
	}
	for _, want := range []string{"Your account has been disabled, so you were signed out.", "write to ctap-admins@example.org", "Sign in"} {
		if !strings.Contains(home.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Said once; the visitor goes on as anonymous.
	if again := c.Get(t, "/"); strings.Contains(again.Body, "has been disabled") {
		t.Error("the message shows again on the next page")
	}
	var sessions int64
	srv.DB.Table("sessions").Where("user_id = ?", u.ID).Count(&sessions)
	if sessions != 0 {
		t.Errorf("%d sessions left for a disabled account", sessions)
	}
	// Signing in again says the same, with a way back.
	again := srv.Client().SignIn(t, "viewer@example.org")
	for _, want := range []string{"This account is disabled", "write to ctap-admins@example.org", `href="/"`} {
		if !strings.Contains(again.Body, want) {
			t.Errorf("the sign-in of a disabled account lacks %q", want)
		}
	}
}

func TestStatesSearchIgnoresAccentsAndCaseAndTakesTheCodes(t *testing.T) {
	srv := webtest.NewServer(t)
	c := srv.Client()
	for _, q := range []string{"cote", "CÔTE", "CIV", "384", "ivoire"} {
		resp := c.Get(t, "/states?q="+url.QueryEscape(q))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", q, resp.StatusCode)
		}
		if !strings.Contains(resp.Body, `href="/states/CIV"`) || !strings.Contains(resp.Body, "1 of 193") {
			t.Errorf("/states?q=%s does not find Côte d'Ivoire alone", q)
		}
	}
}
