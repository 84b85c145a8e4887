package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web"
	"ctap/web/webtest"
)

// What anyone can send: a NUL byte or bytes that are not UTF-8 in a path,
// a query or a form is a 400, not a 500 with an error in the log.
func TestMalformedTextInARequestIsABadRequest(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	srv.Invite(t, "admin@example.org", models.RoleAdmin, "")
	admin := srv.Client()
	admin.SignIn(t, "admin@example.org")
	anon := srv.Client()
	for _, path := range []string{"/donors/a%00b", "/search?q=%ff", "/needs?q=a%00", "/states?q=%c3%28", "/needs?%ff=1"} {
		if r := anon.Get(t, path); r.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", path, r.StatusCode)
		}
	}
	if r := admin.Get(t, "/admin/audit?action=%ff"); r.StatusCode != http.StatusBadRequest {
		t.Errorf("the audit filtered by invalid UTF-8: %d, want 400", r.StatusCode)
	}
	page := admin.Get(t, "/account/tokens")
	form := url.Values{"_csrf": {webtest.CSRFToken(t, page)}, "name": {"partner\x00system"}, "expires": {"30"}}
	// A form's field is the form mechanism's: the message beside it.
	if r := admin.PostForm(t, "/account/tokens", form); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a form with a NUL byte: %d, want 422", r.StatusCode)
	}
	// The same pages with clean text still answer.
	if r := anon.Get(t, "/search?q=Kenya"); r.StatusCode != http.StatusOK {
		t.Errorf("a clean search: %d", r.StatusCode)
	}
}

// HEAD is answered as GET is, without the body.
func TestHeadIsAnsweredLikeGet(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	c := srv.Client()
	for path, want := range map[string]int{"/": http.StatusOK, "/states/KEN": http.StatusOK, "/no-such-page": http.StatusNotFound, "/healthz": http.StatusOK} {
		r := c.Do(t, http.MethodHead, path, nil)
		if r.StatusCode != want || r.Body != "" {
			t.Errorf("HEAD %s: %d with %d bytes, want %d and no body", path, r.StatusCode, len(r.Body), want)
		}
		if want == http.StatusOK && !strings.HasPrefix(r.Header.Get("Content-Type"), "text/") {
			t.Errorf("HEAD %s: Content-Type %q, want the GET's", path, r.Header.Get("Content-Type"))
		}
	}
}

// Made-up method names are counted under one label: otherwise each would be
// a series of its own and /metrics would grow without end.
func TestUnknownMethodsAddNoMetricsSeries(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	c := srv.Client()
	for i := range 50 {
		c.Do(t, fmt.Sprintf("MADEUP%d", i), "/", nil)
	}
	metrics := c.Get(t, "/metrics").Body
	if strings.Contains(metrics, `method="MADEUP`) {
		t.Error("a made-up method has a series of its own in /metrics")
	}
	if !strings.Contains(metrics, `method="other"`) {
		t.Error("made-up methods are not counted under \"other\"")
	}
}

// Immutable assets, the probes and the metrics carry no cookie and do not
// vary by Cookie; signed-in pages are never stored by a cache, public ones
// may be.
func TestCookiesAndCachingByKindOfAnswer(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	anon := srv.Client()
	home := anon.Get(t, "/")
	var asset string
	if i := strings.Index(home.Body, `href="/assets/`); i >= 0 {
		rest := home.Body[i+len(`href="`):]
		asset = rest[:strings.IndexByte(rest, '"')]
	}
	if asset == "" {
		t.Fatal("the home page links no stylesheet under /assets/")
	}
	for _, path := range []string{asset, "/healthz", "/readyz", "/metrics"} {
		r := srv.Client().Get(t, path)
		if r.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, r.StatusCode)
		}
		if ck := r.Header.Values("Set-Cookie"); len(ck) != 0 {
			t.Errorf("%s sets cookies: %v", path, ck)
		}
		for _, v := range r.Header.Values("Vary") {
			if strings.Contains(v, "Cookie") {
				t.Errorf("%s varies by Cookie", path)
			}
		}
	}
	if cc := home.Header.Get("Cache-Control"); strings.Contains(cc, "no-store") {
		t.Errorf("the public home page is sent with Cache-Control %q", cc)
	}
	viewer := srv.Client()
	viewer.SignIn(t, "viewer@example.org")
	for _, path := range []string{"/", "/account", "/needs", "/states/KEN"} {
		if cc := viewer.Get(t, path).Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("signed in, %s is sent with Cache-Control %q, want no-store", path, cc)
		}
	}
}

// An empty CSRF cookie with an empty token is no token; and signing in or
// out gives a new token, so one seen before is worth nothing after.
func TestCSRFTokensAreNeitherEmptyNorKeptAcrossSignIn(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	c := srv.Client()
	u, _ := url.Parse(srv.URL)
	csrfCookie := func() string {
		for _, ck := range c.HTTP.Jar.Cookies(u) {
			if ck.Name == "ctap_csrf" {
				return ck.Value
			}
		}
		return ""
	}
	c.Get(t, "/")
	before := csrfCookie()
	if before == "" {
		t.Fatal("the home page set no CSRF cookie")
	}
	c.SignIn(t, "viewer@example.org")
	signedIn := c.Get(t, "/account")
	after := webtest.CSRFToken(t, signedIn)
	if after == before {
		t.Error("the CSRF token seen before signing in is still the token after")
	}
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "ctap_csrf", Value: "", Path: "/"}})
	if r := c.PostForm(t, "/auth/logout", url.Values{"_csrf": {""}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("an empty token with an empty cookie: %d, want 403", r.StatusCode)
	}
	// With the token of the page, signing out works and the next page
	// has another token.
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "ctap_csrf", Value: after, Path: "/"}})
	if r := c.PostForm(t, "/auth/logout", url.Values{"_csrf": {after}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing out: %d", r.StatusCode)
	}
	if c.Get(t, "/"); csrfCookie() == after || csrfCookie() == "" {
		t.Error("the CSRF token of the signed-in session survived signing out")
	}
}

// The callback is reachable by anyone with any error text: the audit trail
// keeps a code the standards define, never the text sent.
func TestAProvidersErrorTextIsNotStoredVerbatim(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	for _, c := range []struct{ sent, stored string }{
		{"access_denied", "provider error: access_denied"},
		{"<script>alert(1)</script> call +1 555 0100", "provider error: other"},
	} {
		cl := srv.Client()
		start := cl.Get(t, "/auth/login")
		loc, err := start.Location()
		if err != nil {
			t.Fatalf("sign-in did not redirect to the provider: %d", start.StatusCode)
		}
		state := loc.Query().Get("state")
		back := cl.Get(t, "/auth/callback?"+url.Values{"state": {state}, "error": {c.sent}, "error_description": {"Call our help desk"}}.Encode())
		if back.StatusCode != http.StatusBadRequest {
			t.Errorf("a provider error: %d, want the 400 sign-in problem page", back.StatusCode)
		}
		var reasons []string
		if err := srv.DB.Raw(`SELECT after->>'reason' FROM audit_events WHERE action = ? ORDER BY id DESC LIMIT 1`,
			models.ActionSignInFailed).Scan(&reasons).Error; err != nil {
			t.Fatal(err)
		}
		if len(reasons) != 1 || reasons[0] != c.stored {
			t.Errorf("error %q is in the audit trail as %q, want %q", c.sent, reasons, c.stored)
		}
	}
}

// Starting a sign-in and coming back from the provider are limited apart:
// a flood of returns does not stop people starting to sign in.
func TestSignInAndCallbackAreLimitedApart(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t, func(c *web.Config) { c.SignInPerMinute = 3 })
	c := srv.Client()
	for range 5 {
		c.Get(t, "/auth/callback?state=forged")
	}
	if r := c.Get(t, "/auth/callback?state=forged"); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the sixth forged return: %d, want 429", r.StatusCode)
	}
	if r := c.Get(t, "/auth/login"); r.StatusCode != http.StatusFound {
		t.Errorf("starting a sign-in after the returns were limited: %d, want the redirect to the provider", r.StatusCode)
	}
}

// /metrics can be kept to the monitoring system: with CTAP_METRICS_TOKEN
// set, only a request bearing it reads them.
func TestMetricsCanRequireAToken(t *testing.T) {
	t.Parallel()
	const token = "a-long-random-metrics-token"
	srv := webtest.NewServer(t, func(c *web.Config) { c.MetricsToken = token })
	c := srv.Client()
	if r := c.Get(t, "/metrics"); r.StatusCode != http.StatusUnauthorized || strings.Contains(r.Body, "http_requests") {
		t.Errorf("/metrics without the token: %d", r.StatusCode)
	}
	c.SetHeader("Authorization", "Bearer wrong-token-of-the-same-size")
	if r := c.Get(t, "/metrics"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics with a wrong token: %d", r.StatusCode)
	}
	c.SetHeader("Authorization", "Bearer "+token)
	if r := c.Get(t, "/metrics"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "ctap_") {
		t.Errorf("/metrics with the token: %d", r.StatusCode)
	}
}
