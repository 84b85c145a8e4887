package web_test

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/web"
	"ctap/web/webtest"
)

// TestJourneySignInAndOutThroughDex signs in, in a real Chromium, on the
// sign-in form of Dex (a real OpenID Provider run as its own process), then
// signs out with the header's button. The portal's Content-Security-Policy
// holds the redirects that follow a form's submission to its form-action:
// the sign-out form's POST is answered with a redirect to the provider's
// end_session_endpoint, which the browser must be allowed to follow.
//
// Dex v2.45.1 implements no RP-initiated logout and advertises no
// end_session_endpoint, so besides Dex as it is, the journey is walked with
// one added to what discovery found: at Dex's own origin (the issuer's,
// where Dex answers 404 but the browser must get there), and on another
// origin, where a stand-in sign-out page sends the browser back to the
// portal's post_logout_redirect_uri.
func TestJourneySignInAndOutThroughDex(t *testing.T) {
	t.Parallel()

	t.Run("Dex as it is, without an end_session_endpoint", func(t *testing.T) {
		srv, dex := portalOnDex(t)
		b := webtest.NewBrowser(t)
		signInThroughDex(t, b, srv, dex)
		b.Step("sign out from the header", webtest.Click(".account-menu form.sign-out-form button"))
		loc := waitForLocation(t, b, func(u *url.URL) bool { return "http://"+u.Host == srv.URL && u.Path == "/" })
		if loc == nil {
			t.Fatalf("after signing out the browser is on %s, want the portal's home %s/", b.Location(), srv.URL)
		}
		assertSignedOut(t, b, srv, dex)
	})

	t.Run("end_session_endpoint at Dex's origin", func(t *testing.T) {
		srv, dex := portalOnDex(t)
		endSession := dex.Issuer + "/end_session"
		srv.Web.AdvertiseEndSession(endSession)
		b := webtest.NewBrowser(t)
		signInThroughDex(t, b, srv, dex)
		b.Step("sign out from the header", webtest.Click(".account-menu form.sign-out-form button"))
		loc := waitForLocation(t, b, func(u *url.URL) bool { return u.Host == dex.Addr })
		if loc == nil {
			t.Fatalf("after signing out the browser is on %s: it never reached Dex's end_session_endpoint %s "+
				"(the portal's form-action must allow the provider's origin)", b.Location(), endSession)
		}
		if got := loc.Scheme + "://" + loc.Host + loc.Path; got != endSession {
			t.Errorf("sign-out led to %s, want the end_session_endpoint %s", got, endSession)
		}
		checkEndSessionQuery(t, loc.Query(), srv, dex)

		// Dex did nothing (it has no such page), but the portal's own
		// session is over.
		b.Step("come back to the portal", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".account-menu")))
		assertSignedOut(t, b, srv, dex)
	})

	t.Run("end_session_endpoint on another origin", func(t *testing.T) {
		srv, dex := portalOnDex(t)
		var (
			mu     sync.Mutex
			seen   url.Values
			visits int
		)
		signOutPage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen, visits = r.URL.Query(), visits+1
			mu.Unlock()
			back := r.URL.Query().Get("post_logout_redirect_uri")
			if back != srv.URL+"/" {
				http.Error(w, "unregistered post_logout_redirect_uri", http.StatusBadRequest)
				return
			}
			http.Redirect(w, r, back, http.StatusFound)
		}))
		t.Cleanup(signOutPage.Close)
		srv.Web.AdvertiseEndSession(signOutPage.URL + "/oidc/logout")

		b := webtest.NewBrowser(t)
		signInThroughDex(t, b, srv, dex)
		b.Step("sign out from the header", webtest.Click(".account-menu form.sign-out-form button"))
		loc := waitForLocation(t, b, func(u *url.URL) bool {
			mu.Lock()
			defer mu.Unlock()
			return visits > 0 && "http://"+u.Host == srv.URL && u.Path == "/"
		})
		mu.Lock()
		got, n := seen, visits
		mu.Unlock()
		if n == 0 {
			t.Fatalf("after signing out the browser is on %s: it never reached the end_session_endpoint on %s "+
				"(the portal's form-action must allow the origin discovery gave it)", b.Location(), signOutPage.URL)
		}
		checkEndSessionQuery(t, got, srv, dex)
		if loc == nil {
			t.Fatalf("after the provider's sign-out the browser is on %s, want the portal's home %s/", b.Location(), srv.URL)
		}
		assertSignedOut(t, b, srv, dex)
	})
}

// portalOnDex starts Dex and a portal that signs in through it, with
// jane@example.org invited.
func portalOnDex(t *testing.T) (*webtest.Server, *webtest.Dex) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	dex := webtest.StartDex(t, webtest.DexOptions{
		RedirectURIs: []string{base + "/auth/callback"},
		Users:        []webtest.DexUser{{Email: "jane@example.org", Password: "jane-password", Username: "Jane Dex"}},
	})
	srv := webtest.NewServerWith(t, dbtest.New(t), webtest.Setup{
		Listener: ln,
		Config: []webtest.Option{func(c *web.Config) {
			c.DevIDP = false
			c.OIDC.Issuer, c.OIDC.ClientID, c.OIDC.ClientSecret = dex.Issuer, dex.ClientID, dex.ClientSecret
		}},
	})
	srv.SignInReadyWithin(t, 10)
	srv.Invite(t, "jane@example.org", models.RoleSecretariat, "")
	return srv, dex
}

// signInThroughDex follows the header's Sign in link to Dex, fills in its
// form and comes back to the portal signed in.
func signInThroughDex(t *testing.T, b *webtest.Browser, srv *webtest.Server, dex *webtest.Dex) {
	t.Helper()
	b.Step("open the overview", chromedp.Navigate(srv.URL+"/"))
	b.Step("follow Sign in",
		webtest.ClickLink(".account-menu", "Sign in"),
		chromedp.WaitVisible(chromedp.CSS("input[name="+webtest.DexLoginField+"]")))
	if u, err := url.Parse(b.Location()); err != nil || u.Host != dex.Addr {
		t.Fatalf("Sign in led to %s, want Dex's sign-in form at %s", b.Location(), dex.Addr)
	}
	b.Step("type the email address and the password",
		chromedp.SendKeys(chromedp.CSS("input[name="+webtest.DexLoginField+"]"), "jane@example.org"),
		chromedp.SendKeys(chromedp.CSS("input[name="+webtest.DexPasswordField+"]"), "jane-password"))
	b.Step("log in at Dex",
		webtest.ClickAndWait("#submit-login"),
		chromedp.WaitVisible(chromedp.CSS(".account-menu")))
	if loc := b.Location(); !strings.HasPrefix(loc, srv.URL+"/") || strings.Contains(loc, "/auth/") {
		t.Fatalf("after logging in at Dex the browser is on %s, want a page of the portal", loc)
	}
	if !b.Exists(".account-menu form.sign-out-form") {
		t.Fatalf("after logging in at Dex the header offers no Sign out: %q", b.Text(".account-menu"))
	}
	if got := b.Text(".account-menu .account-name"); got != "Jane Dex" {
		t.Errorf("the header's account name is %q, want Jane Dex", got)
	}
}

// waitForLocation polls the browser's location until ok accepts it, for up
// to ten seconds; nil when it never does.
func waitForLocation(t *testing.T, b *webtest.Browser, ok func(*url.URL) bool) *url.URL {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		u, err := url.Parse(b.Location())
		if err == nil && ok(u) {
			return u
		}
		if time.Now().After(deadline) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkEndSessionQuery checks what the portal asked of the provider: end the
// session of the ID token Dex issued to this client, then come back home.
func checkEndSessionQuery(t *testing.T, q url.Values, srv *webtest.Server, dex *webtest.Dex) {
	t.Helper()
	if got := q.Get("post_logout_redirect_uri"); got != srv.URL+"/" {
		t.Errorf("post_logout_redirect_uri %q, want %q", got, srv.URL+"/")
	}
	if got := q.Get("client_id"); got != dex.ClientID {
		t.Errorf("client_id %q, want %q", got, dex.ClientID)
	}
	parts := strings.Split(q.Get("id_token_hint"), ".")
	if len(parts) != 3 {
		t.Fatalf("id_token_hint %q is not a JWT", q.Get("id_token_hint"))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Iss   string `json:"iss"`
		Aud   any    `json:"aud"`
		Email string `json:"email"`
	}
	if err == nil {
		err = json.Unmarshal(payload, &claims)
	}
	if err != nil {
		t.Fatalf("id_token_hint payload: %v", err)
	}
	if claims.Iss != dex.Issuer || claims.Email != "jane@example.org" {
		t.Errorf("id_token_hint is for %s from %s, want jane@example.org's from Dex %s", claims.Email, claims.Iss, dex.Issuer)
	}
}

// assertSignedOut checks, on a page of the portal, that the header offers
// Sign in, and that /account sends the browser to Dex's sign-in form.
func assertSignedOut(t *testing.T, b *webtest.Browser, srv *webtest.Server, dex *webtest.Dex) {
	t.Helper()
	if got := b.Text(".account-menu a"); got != "Sign in" {
		t.Errorf("after signing out the header's account link says %q, want Sign in", got)
	}
	if b.Exists("form.sign-out-form") {
		t.Error("after signing out the page still offers Sign out")
	}
	b.Step("open /account signed out",
		chromedp.Navigate(srv.URL+"/account"),
		chromedp.WaitVisible(chromedp.CSS("input[name="+webtest.DexLoginField+"]")))
	if u, err := url.Parse(b.Location()); err != nil || u.Host != dex.Addr {
		t.Errorf("/account signed out ends on %s, want Dex's sign-in form", b.Location())
	}
}
