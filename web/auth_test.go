package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/web"
	"ctap/web/webtest"
)

func TestAnInvitedFocalPointSignsInAndLandsOnTheirStatesPage(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	c := srv.Client()

	resp := c.SignIn(t, "focal.ken@example.org")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/states/KEN" {
		t.Fatalf("callback: %d to %q: %s", resp.StatusCode, resp.Header.Get("Location"), resp.Body)
	}
	page := c.Follow(t, resp)
	for _, want := range []string{"Kenya", "Your workspace", "Wanjiru Focal Point, Kenya (demo)", "Focal point", "You are signed in"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("landing page lacks %q", want)
		}
	}
	// Another State's page has no workspace for them.
	if other := c.Get(t, "/states/FRA"); strings.Contains(other.Body, "Your workspace") {
		t.Error("a Kenyan focal point sees a workspace on France's page")
	}

	// The user is keyed by the provider's issuer and subject, not the email.
	var u models.User
	if err := srv.DB.Where("lower(email) = ?", "focal.ken@example.org").Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	if u.Issuer != srv.URL+web.DevIDPPath || !strings.HasPrefix(u.Subject, "dev-") || u.Subject == u.Email {
		t.Errorf("user keyed by (%q, %q)", u.Issuer, u.Subject)
	}
}

func TestSignInReturnsToTheLocalPageTheUserCameFromNeverAnotherHost(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	c := srv.Client()
	resp := c.SignInFrom(t, "/auth/login?next=%2Finstruments%3Fx%3D1", "viewer@example.org", webtest.Password)
	if loc := resp.Header.Get("Location"); loc != "/instruments?x=1" {
		t.Errorf("next=/instruments?x=1 landed on %q", loc)
	}
	c2 := srv.Client()
	resp = c2.SignInFrom(t, "/auth/login?next=https%3A%2F%2Fevil.example%2F", "viewer@example.org", webtest.Password)
	if loc := resp.Header.Get("Location"); strings.Contains(loc, "evil") || !strings.HasPrefix(loc, "/") {
		t.Errorf("next=https://evil.example/ landed on %q", loc)
	}
}

func TestSignOutIsAPostThatEndsTheSessionAndSignsOutAtTheProvider(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	c := srv.Client()
	c.SignIn(t, "viewer@example.org")
	account := c.Get(t, "/account")
	if account.StatusCode != http.StatusOK {
		t.Fatalf("/account: %d", account.StatusCode)
	}

	if r := c.Get(t, "/auth/logout"); r.StatusCode != http.StatusMethodNotAllowed && r.StatusCode != http.StatusNotFound {
		t.Errorf("GET /auth/logout: %d, want it refused", r.StatusCode)
	}
	resp := c.PostForm(t, "/auth/logout", url.Values{"_csrf": {webtest.CSRFToken(t, account)}})
	loc, _ := resp.Location()
	if resp.StatusCode != http.StatusSeeOther || loc == nil || !strings.HasPrefix(loc.Path, web.DevIDPPath+"/end_session") {
		t.Fatalf("sign-out: %d to %v, want the provider's end_session_endpoint", resp.StatusCode, loc)
	}
	if loc.Query().Get("id_token_hint") == "" || loc.Query().Get("post_logout_redirect_uri") != srv.URL+"/" {
		t.Errorf("end-session request lacks its hint or return address: %s", loc)
	}
	back := c.Follow(t, resp)
	if back.StatusCode != http.StatusFound && back.StatusCode != http.StatusSeeOther {
		t.Errorf("provider end-session: %d", back.StatusCode)
	}
	if r := c.Get(t, "/account"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/auth/login") {
		t.Errorf("after sign-out /account answered %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	var n int64
	srv.DB.Model(&models.AuditEvent{}).Where("action = 'auth.sign_out'").Count(&n)
	if n != 1 {
		t.Errorf("%d sign-out audit events", n)
	}
}

func TestTheSessionCookieIsHttpOnlyLaxAndSecureOnHTTPS(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	resp := srv.Client().SignIn(t, "viewer@example.org")
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "ctap_session" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("the callback set no session cookie")
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Secure {
		t.Errorf("session cookie on http: %+v", session)
	}

	secure := webtest.NewServer(t, func(c *web.Config) {
		u := *c.BaseURL
		u.Scheme = "https"
		c.BaseURL = &u
	})
	r := secure.Client().Get(t, "/")
	for _, ck := range r.Cookies() {
		if ck.Name == "ctap_csrf" && (!ck.Secure || !ck.HttpOnly) {
			t.Errorf("CSRF cookie on an https portal: %+v", ck)
		}
	}
}

func TestATamperedStateIsRefused(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	c := srv.Client()
	start := c.Get(t, "/auth/login")
	authURL, _ := start.Location()
	state := authURL.Query().Get("state")
	for _, bad := range []string{"", state + "x", "forged"} {
		r := c.Get(t, "/auth/callback?code=anything&state="+url.QueryEscape(bad))
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "Sign-in could not be completed") {
			t.Errorf("state %q: %d", bad, r.StatusCode)
		}
	}
	if r := c.Get(t, "/account"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("signed in after tampered callbacks: /account %d", r.StatusCode)
	}
}

func TestAReplayedCodeIsRefused(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	victim := srv.Client()
	resp := victim.SignIn(t, "viewer@example.org")
	callback := resp.Request.URL
	code := callback.Query().Get("code")

	// The same callback again: its state was used up.
	if r := victim.Get(t, callback.RequestURI()); r.StatusCode != http.StatusBadRequest {
		t.Errorf("replayed callback: %d", r.StatusCode)
	}
	// The code with a fresh, valid state in another browser: the provider
	// refuses a code it already exchanged.
	attacker := srv.Client()
	fresh := attacker.Get(t, "/auth/login")
	loc, _ := fresh.Location()
	r := attacker.Get(t, "/auth/callback?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(loc.Query().Get("state")))
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("replayed code: %d", r.StatusCode)
	}
	if a := attacker.Get(t, "/account"); a.StatusCode == http.StatusOK {
		t.Error("a replayed code signed someone in")
	}
}

func TestAWrongNonceIsRefused(t *testing.T) {
	srv := webtest.NewServerWith(t, dbtest.New(t), webtest.Setup{Deps: []webtest.DepsOption{func(d *web.Deps) {
		d.DevOverrideNonce = func(string) string { return "not-the-nonce-we-sent" }
	}}})
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	c := srv.Client()
	r := c.SignIn(t, "viewer@example.org")
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("wrong nonce: %d", r.StatusCode)
	}
	var n int64
	srv.DB.Model(&models.User{}).Count(&n)
	if n != 0 {
		t.Errorf("%d users created from a token with a wrong nonce", n)
	}
}

func TestAnExpiredIDTokenIsRefused(t *testing.T) {
	srv := webtest.NewServerWith(t, dbtest.New(t), webtest.Setup{Deps: []webtest.DepsOption{func(d *web.Deps) {
		// The portal's clock runs an hour ahead of the provider's: every ID
		// token it receives has expired.
		d.OIDCNow = func() time.Time { return time.Now().Add(time.Hour) }
	}}})
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	if r := srv.Client().SignIn(t, "viewer@example.org"); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("expired ID token: %d", r.StatusCode)
	}
}

func TestAnInvitationBindsOnlyWithAVerifiedEmail(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.AddAccount("unverified@example.org", "Una Verified", false)
	srv.Invite(t, "unverified@example.org", models.RoleSecretariat, "")

	c := srv.Client()
	r := c.SignIn(t, "unverified@example.org")
	if r.Header.Get("Location") != "/pending" {
		t.Fatalf("unverified email landed on %q, want /pending", r.Header.Get("Location"))
	}

	srv.Web.DevIDP().SetAccountVerified("unverified@example.org", true)
	c2 := srv.Client()
	r = c2.SignIn(t, "unverified@example.org")
	if loc := r.Header.Get("Location"); loc == "/pending" {
		t.Fatalf("verified email still pending")
	}
	var u models.User
	srv.DB.Where("email = ?", "unverified@example.org").Take(&u)
	if !u.HasRole(models.RoleSecretariat) {
		t.Errorf("after a verified sign-in: status %s role %s", u.Status, u.RoleName())
	}
}

func TestADisabledUserIsCutOffAtOnce(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "focal.fra@example.org", models.RoleFocalPoint, "FRA")
	c := srv.Client()
	c.SignIn(t, "focal.fra@example.org")
	if r := c.Get(t, "/account"); r.StatusCode != http.StatusOK {
		t.Fatalf("/account before: %d", r.StatusCode)
	}
	var u models.User
	srv.DB.Where("email = ?", "focal.fra@example.org").Take(&u)
	if _, err := models.ChangeUser(context.Background(), srv.DB, u.ID, models.UserChange{Version: u.Version, Status: models.StatusDisabled}, models.AuditContext{ActorNote: "test"}); err != nil {
		t.Fatal(err)
	}
	if r := c.Get(t, "/account"); r.StatusCode == http.StatusOK {
		t.Fatal("a disabled user still reaches their account")
	}
	var sessions int64
	srv.DB.Table("sessions").Where("user_id = ?", u.ID).Count(&sessions)
	if sessions != 0 {
		t.Errorf("%d sessions left for a disabled user", sessions)
	}
	// Signing in again is refused.
	if r := srv.Client().SignIn(t, "focal.fra@example.org"); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "This account is disabled") {
		t.Errorf("a disabled user signing in: %d", r.StatusCode)
	}
}

func TestAPostWithoutTheCSRFTokenIsRefused(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	c := srv.Client()
	c.SignIn(t, "viewer@example.org")
	for name, form := range map[string]url.Values{
		"no token":    {},
		"wrong token": {"_csrf": {"forged"}},
	} {
		if r := c.PostForm(t, "/auth/logout", form); r.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, r.StatusCode)
		}
	}
	// A browser's same-origin header alone does not replace the token.
	c.SetHeader("Sec-Fetch-Site", "same-origin")
	if r := c.PostForm(t, "/auth/logout", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("same-origin without token: %d, want 403", r.StatusCode)
	}
	if r := c.Get(t, "/account"); r.StatusCode != http.StatusOK {
		t.Errorf("the refused sign-outs signed the user out: %d", r.StatusCode)
	}
}

func TestSessionsSurviveARestartAndWorkOnEveryReplica(t *testing.T) {
	db := dbtest.New(t)
	one := webtest.NewServerOn(t, db)
	one.Invite(t, "viewer@example.org", models.RoleViewer, "")
	c := one.Client()
	c.SignIn(t, "viewer@example.org")
	u, _ := url.Parse(one.URL)
	var session *http.Cookie
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "ctap_session" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	two := webtest.NewServerOn(t, db)
	req, _ := http.NewRequest(http.MethodGet, two.URL+"/account", nil)
	req.AddCookie(session)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the other replica answered /account with %d", resp.StatusCode)
	}
}

func TestSignInAttemptsAreRateLimitedPerAddress(t *testing.T) {
	srv := webtest.NewServer(t, func(c *web.Config) { c.SignInPerMinute = 3 })
	c := srv.Client()
	var last int
	for i := 0; i < 5; i++ {
		last = c.Get(t, "/auth/login").StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("after 5 attempts: %d, want 429", last)
	}
}

func TestSignInExplainsWhenTheProviderIsUnreachable(t *testing.T) {
	srv := webtest.NewServer(t, func(c *web.Config) {
		c.DevIDP = false
		c.OIDC.Issuer = "http://127.0.0.1:1/unreachable"
		c.OIDC.ClientID, c.OIDC.ClientSecret = "x", "y"
	})
	c := srv.Client()
	r := c.Get(t, "/auth/login")
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(r.Body, "Sign-in is temporarily unavailable") {
		t.Fatalf("/auth/login with the provider down: %d", r.StatusCode)
	}
	if r := c.Get(t, "/states"); r.StatusCode != http.StatusOK {
		t.Errorf("public pages with the provider down: %d", r.StatusCode)
	}
}

func TestTheAccountPageListsSessionsAndSignsOutTheOthers(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	laptop, phone := srv.Client(), srv.Client()
	laptop.SignIn(t, "viewer@example.org")
	phone.SignIn(t, "viewer@example.org")
	page := laptop.Get(t, "/account")
	if strings.Count(page.Body, "<tr>") < 3 || !strings.Contains(page.Body, "This session") {
		t.Fatalf("account page does not list both sessions")
	}
	// The account page links to a question; its answer signs the others out.
	ask := laptop.Get(t, "/account/sessions/end-others")
	if !strings.Contains(ask.Body, "Sign out of 1 other session?") {
		t.Fatal("no question before ending the other session")
	}
	r := answerYes(t, laptop, ask)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("end others: %d", r.StatusCode)
	}
	if got := laptop.Follow(t, r); !strings.Contains(got.Body, "Signed out of 1 other session") {
		t.Error("no confirmation")
	}
	if r := phone.Get(t, "/account"); r.StatusCode == http.StatusOK {
		t.Error("the other session still works")
	}
	if r := laptop.Get(t, "/account"); r.StatusCode != http.StatusOK {
		t.Error("the current session was ended too")
	}
}

func TestBootstrapAdminsBecomeAdminsAtFirstSignIn(t *testing.T) {
	srv := webtest.NewServer(t, func(c *web.Config) { c.BootstrapAdmins = []string{"viewer@example.org"} })
	r := srv.Client().SignIn(t, "viewer@example.org")
	if r.Header.Get("Location") != "/admin/users" {
		t.Fatalf("bootstrap admin landed on %q", r.Header.Get("Location"))
	}
}

func TestProviderGroupsMapToRoles(t *testing.T) {
	// The mapping is applied to the groups claim; the development provider
	// sends none, so this exercises the rule on an identity directly.
	db := dbtest.New(t)
	ken, _ := models.MemberStateByISO3(context.Background(), db, "KEN")
	res, err := models.SignIn(context.Background(), db, models.Identity{
		Issuer: "https://idp.example", Subject: "s1", Email: "a@example.org", EmailVerified: true,
		Mapped: &models.Assignment{Role: models.RoleFocalPoint, MemberStateID: &ken.ID},
	}, models.SignInPolicy{}, models.AuditContext{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.User.HasRole(models.RoleFocalPoint) || res.BoundBy != "groups" {
		t.Fatalf("mapped groups: %+v", res)
	}
}
