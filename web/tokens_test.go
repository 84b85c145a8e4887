package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctap/models"
	"ctap/web/webtest"
)

var secretPattern = regexp.MustCompile(`ctap_[A-Za-z0-9_-]{43}`)

// createToken submits the tokens page's form as a browser would.
func createToken(t *testing.T, c *webtest.Client, form url.Values) *webtest.Response {
	t.Helper()
	page := c.Get(t, "/account/tokens")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("tokens page: %d", page.StatusCode)
	}
	form.Set("_csrf", webtest.CSRFToken(t, page))
	return c.PostForm(t, "/account/tokens", form)
}

func TestAnAccessTokensSecretIsShownOnceAndTheTokenRevokedThroughItsQuestion(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	c := srv.Client()
	c.SignIn(t, "focal.ken@example.org")

	if !strings.Contains(c.Get(t, "/account").Body, `href="/account/tokens"`) {
		t.Error("the account page does not link to the tokens")
	}
	page := c.Get(t, "/account/tokens")
	def := time.Now().UTC().AddDate(0, 0, 90).Format(time.DateOnly)
	if !strings.Contains(page.Body, `value="`+def+`"`) || !strings.Contains(page.Body, `<label for="name">`) {
		t.Errorf("the form does not offer a name and an expiry in 90 days (%s)", def)
	}

	// Without the CSRF token, nothing is made.
	if r := c.PostForm(t, "/account/tokens", url.Values{"name": {"Forged"}, "expires_on": {def}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("without CSRF: %d, want 403", r.StatusCode)
	}

	created := createToken(t, c, url.Values{"name": {"Nightly export"}, "expires_on": {def}})
	if created.StatusCode != http.StatusOK {
		t.Fatalf("create: %d", created.StatusCode)
	}
	if cc := created.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	secret := secretPattern.FindString(created.Body)
	if secret == "" {
		t.Fatal("the new token's secret is not shown")
	}
	for _, want := range []string{`readonly`, `value="` + secret + `"`, "Bearer " + secret, "/api/v1/needs", "will not be shown again"} {
		if !strings.Contains(created.Body, want) {
			t.Errorf("the new token's page lacks %q", want)
		}
	}
	var stored []byte
	if err := srv.DB.Raw(`SELECT token_hash FROM access_tokens WHERE name = 'Nightly export'`).Row().Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(secret)); !bytes.Equal(stored, sum[:]) {
		t.Error("what is stored is not the secret's hash")
	}

	// The list never shows it again.
	list := c.Get(t, "/account/tokens")
	if secretPattern.MatchString(list.Body) || strings.Contains(list.Body, secret) {
		t.Fatal("the list shows a secret")
	}
	for _, want := range []string{"Nightly export", "Never used", "Active"} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	if _, _, err := models.AuthenticateAccessToken(context.Background(), srv.DB, secret, "192.0.2.1", time.Now()); err != nil {
		t.Fatalf("the new token does not authenticate: %v", err)
	}
	if list = c.Get(t, "/account/tokens"); !strings.Contains(list.Body, "from 192.0.2.1") {
		t.Error("the list does not say where the token was last used from")
	}

	var tok models.AccessToken
	srv.DB.Raw(`SELECT id, version FROM access_tokens WHERE name = 'Nightly export'`).Scan(&tok)
	revoke := "/account/tokens/" + strconv.FormatInt(tok.ID, 10) + "/revoke"

	// Another person's token is not theirs to see or revoke: 404.
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	other := srv.Client()
	other.SignIn(t, "viewer@example.org")
	if r := other.Get(t, revoke); r.StatusCode != http.StatusNotFound {
		t.Errorf("another person's question: %d, want 404", r.StatusCode)
	}
	if r := other.PostForm(t, revoke, url.Values{"_csrf": {csrfCookie(t, srv, other)}, "version": {strconv.Itoa(tok.Version)}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("another person's revocation: %d, want 404", r.StatusCode)
	}
	if strings.Contains(other.Get(t, "/account/tokens").Body, "Nightly export") {
		t.Error("another person lists the token")
	}
	// Without the CSRF token, nothing is revoked.
	if r := c.PostForm(t, revoke, url.Values{"version": {strconv.Itoa(tok.Version)}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("revocation without CSRF: %d, want 403", r.StatusCode)
	}

	// The list's link asks first; the answer revokes.
	if !strings.Contains(list.Body, `href="`+revoke+`"`) {
		t.Error("the list does not link to the revocation")
	}
	ask := c.Get(t, revoke)
	if !strings.Contains(ask.Body, "Revoke the token “Nightly export”?") {
		t.Fatal("no question before revoking")
	}
	r := answerYes(t, c, ask)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	after := c.Follow(t, r)
	if !strings.Contains(after.Body, "The token “Nightly export” is revoked.") || !strings.Contains(after.Body, "Revoked") {
		t.Error("the list does not say the token is revoked")
	}
	if strings.Contains(after.Body, `href="`+revoke+`"`) {
		t.Error("a revoked token can still be revoked from the list")
	}
	if _, _, err := models.AuthenticateAccessToken(context.Background(), srv.DB, secret, "192.0.2.1", time.Now()); !errors.Is(err, models.ErrTokenInvalid) {
		t.Errorf("the revoked token still authenticates: %v", err)
	}
	// The same question answered again (another window) is a conflict.
	if again := answerYes(t, c, ask); again.StatusCode != http.StatusConflict || !strings.Contains(again.Body, "changed since you opened the page") {
		t.Errorf("revoking twice: %d", again.StatusCode)
	}
	var events int
	srv.DB.Raw(`SELECT count(*) FROM audit_events WHERE action IN ('token.created', 'token.revoked')`).Scan(&events)
	if events != 2 {
		t.Errorf("%d audit events, want creation and revocation", events)
	}
}

func TestARefusedTokenFormComesBackWithItsInputAndMessages(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	c := srv.Client()
	c.SignIn(t, "viewer@example.org")

	for _, tc := range []struct {
		form url.Values
		want []string
	}{
		{url.Values{"name": {""}, "expires_on": {"2001-01-01"}}, []string{"This field is required.", "Choose a day after today.", `value="2001-01-01"`}},
		{url.Values{"name": {"Kept name"}, "expires_on": {time.Now().UTC().AddDate(2, 0, 0).Format(time.DateOnly)}}, []string{"a token lives at most one year", `value="Kept name"`}},
	} {
		r := createToken(t, c, tc.form)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", tc.form, r.StatusCode)
		}
		for _, want := range tc.want {
			if !strings.Contains(r.Body, want) {
				t.Errorf("%v: the page lacks %q", tc.form, want)
			}
		}
		if secretPattern.MatchString(r.Body) {
			t.Error("a refused form shows a secret")
		}
	}
	var n int
	srv.DB.Raw(`SELECT count(*) FROM access_tokens`).Scan(&n)
	if n != 0 {
		t.Errorf("%d tokens made by refused forms", n)
	}

	// In French too, every word from the catalogue.
	c.SetHeader("Accept-Language", "fr")
	r := createToken(t, c, url.Values{"name": {""}, "expires_on": {"hier"}})
	for _, want := range []string{"Jetons d’accès", "Saisissez une date au format AAAA-MM-JJ."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the French page lacks %q", want)
		}
	}
}

// The tokens pages, and the account page that leads to them, seen in a
// browser: no serious accessibility fault (axe), and nothing wider than a
// laptop's or a phone's screen, the new token's page with its long secret
// and example request included.
func TestBrowserTokenPagesAreAccessibleAndFitAPhone(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	b := webtest.NewBrowserAs(t, "viewer")
	signInBrowser(t, b, srv, "viewer@example.org")
	check := func(page string) {
		t.Helper()
		if vs := webtest.SeriousOrWorse(b.Axe(t, page)); len(vs) > 0 {
			t.Error(webtest.FormatViolations(page, vs))
		}
		for _, width := range []int{laptopWidth, phoneWidth} {
			b.SetViewport(width, 800)
			for _, o := range b.Overflow(t, page) {
				if !o.Scrolls || width > phoneWidth {
					t.Errorf("%s at %d px: %s overflows (%+v)", page, width, o.Path, o)
				}
			}
		}
		b.SetViewport(laptopWidth, 800)
	}
	b.Step("open the account", chromedp.Navigate(srv.URL+"/account"))
	check("/account")
	b.Step("follow its link to the tokens", webtest.ClickAndWait(`a[href="/account/tokens"]`))
	check("/account/tokens (none yet)")
	b.Step("create a token",
		chromedp.SendKeys(chromedp.CSS(`#name`), "Nightly export of the needs"),
		webtest.ClickAndWait(`form[action="/account/tokens"] button[type=submit]`))
	if !b.Exists(`#token-secret[readonly]`) {
		t.Fatal("the new token's page shows no secret")
	}
	check("(the new token's page)")
	b.Step("back to the list", chromedp.Navigate(srv.URL+"/account/tokens"))
	check("/account/tokens (one token)")
	b.Step("ask to revoke it", webtest.ClickAndWait(`a[href$="/revoke"]`))
	check("/account/tokens/:id/revoke")
}
