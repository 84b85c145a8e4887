package devidp_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"ctap/web/devidp"
)

const (
	clientID     = "portal"
	clientSecret = "portal-secret"
	aliceEmail   = "alice@example.org"
	alicePass    = "alice-password"
)

// harness is a test server with the provider mounted at /dev-idp, a relying
// party's callback at /auth/callback and its post-logout page at /signed-out.
type harness struct {
	t        *testing.T
	srv      *httptest.Server
	issuer   string
	idp      *devidp.Provider
	provider *oidc.Provider
}

func newHarness(t *testing.T, configure func(cfg *devidp.Config, serverURL string)) *harness {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	issuer := srv.URL + "/dev-idp"
	cfg := devidp.Config{
		Issuer: issuer,
		Accounts: []devidp.Account{
			{Email: aliceEmail, Name: "Alice Example", Password: alicePass, EmailVerified: true},
		},
		Clients: []devidp.Client{{
			ID:                     clientID,
			Secret:                 clientSecret,
			RedirectURIs:           []string{srv.URL + "/auth/callback"},
			PostLogoutRedirectURIs: []string{srv.URL + "/signed-out"},
		}},
		StylesheetURL: "/assets/app.css",
		Logger:        slog.New(slog.DiscardHandler),
	}
	if configure != nil {
		configure(&cfg, srv.URL)
	}
	idp, err := devidp.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mux.Handle("/dev-idp/", idp)
	mux.HandleFunc("GET /auth/callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		_, _ = io.WriteString(w, url.Values{
			"code":  {q.Get("code")},
			"state": {q.Get("state")},
			"error": {q.Get("error")},
		}.Encode())
	})
	mux.HandleFunc("GET /signed-out", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "signed out, state="+r.URL.Query().Get("state"))
	})

	provider, err := oidc.NewProvider(t.Context(), issuer)
	if err != nil {
		t.Fatalf("oidc.NewProvider: %v", err)
	}
	return &harness{t: t, srv: srv, issuer: issuer, idp: idp, provider: provider}
}

func (h *harness) oauthConfig(id, secret string, style oauth2.AuthStyle) *oauth2.Config {
	ep := h.provider.Endpoint()
	ep.AuthStyle = style
	return &oauth2.Config{
		ClientID:     id,
		ClientSecret: secret,
		Endpoint:     ep,
		RedirectURL:  h.srv.URL + "/auth/callback",
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// browser is a cookie-keeping client that follows redirects, as a user's
// browser does.
func (h *harness) browser() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 5 * time.Second}
}

// authorization is one run of the browser part of the code flow.
type authorization struct {
	conf     *oauth2.Config
	state    string
	nonce    string
	verifier string
}

func (h *harness) newAuthorization(conf *oauth2.Config) *authorization {
	return &authorization{
		conf:     conf,
		state:    oauth2.GenerateVerifier(),
		nonce:    oauth2.GenerateVerifier(),
		verifier: oauth2.GenerateVerifier(),
	}
}

func (a *authorization) url() string {
	return a.conf.AuthCodeURL(a.state, oidc.Nonce(a.nonce), oauth2.S256ChallengeOption(a.verifier))
}

var (
	hiddenIDRe = regexp.MustCompile(`<input type="hidden" name="authRequestID" value="([^"]+)">`)
	actionRe   = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
)

// loginPage is the sign-in form as the browser received it.
type loginPage struct {
	url    *url.URL
	status int
	body   string
}

func readPage(t *testing.T, resp *http.Response) loginPage {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", resp.Request.URL, err)
	}
	return loginPage{url: resp.Request.URL, status: resp.StatusCode, body: string(body)}
}

// openLogin follows the authorization URL to the sign-in form.
func (h *harness) openLogin(b *http.Client, authURL string) loginPage {
	h.t.Helper()
	resp, err := b.Get(authURL)
	if err != nil {
		h.t.Fatalf("GET authorization URL: %v", err)
	}
	page := readPage(h.t, resp)
	if page.status != http.StatusOK || !strings.HasPrefix(page.url.String(), h.issuer+"/login?") {
		h.t.Fatalf("authorization ended at %s with %d, want the sign-in form:\n%s", page.url, page.status, page.body)
	}
	return page
}

// submit posts the sign-in form of page, as the browser does, and follows
// the redirects.
func (h *harness) submit(b *http.Client, page loginPage, username, password string) *http.Response {
	h.t.Helper()
	id := hiddenIDRe.FindStringSubmatch(page.body)
	action := actionRe.FindStringSubmatch(page.body)
	if id == nil || action == nil {
		h.t.Fatalf("no sign-in form in:\n%s", page.body)
	}
	target, err := page.url.Parse(action[1])
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := b.PostForm(target.String(), url.Values{
		"authRequestID": {id[1]},
		"username":      {username},
		"password":      {password},
	})
	if err != nil {
		h.t.Fatalf("POST sign-in form: %v", err)
	}
	return resp
}

// signIn runs the browser part and returns the code the relying party's
// callback received.
func (h *harness) signIn(a *authorization, username, password string) string {
	h.t.Helper()
	b := h.browser()
	page := h.openLogin(b, a.url())
	resp := h.submit(b, page, username, password)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/auth/callback" {
		h.t.Fatalf("sign-in ended at %s with %d:\n%s", resp.Request.URL, resp.StatusCode, body)
	}
	got, err := url.ParseQuery(string(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if e := got.Get("error"); e != "" {
		h.t.Fatalf("callback got error %q", e)
	}
	if got.Get("state") != a.state {
		h.t.Fatalf("callback state = %q, want %q", got.Get("state"), a.state)
	}
	if got.Get("code") == "" {
		h.t.Fatal("callback got no code")
	}
	return got.Get("code")
}

func (h *harness) exchange(a *authorization, code string) (*oauth2.Token, error) {
	return a.conf.Exchange(h.t.Context(), code, oauth2.VerifierOption(a.verifier))
}

type idClaims struct {
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name"`
}

// verify checks the ID token of tok as the relying party does.
func (h *harness) verify(tok *oauth2.Token, cfg *oidc.Config) (*oidc.IDToken, error) {
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		h.t.Fatal("token response has no id_token")
	}
	return h.provider.Verifier(cfg).Verify(h.t.Context(), raw)
}

func (h *harness) mustVerify(tok *oauth2.Token) (*oidc.IDToken, idClaims) {
	h.t.Helper()
	idt, err := h.verify(tok, &oidc.Config{ClientID: clientID})
	if err != nil {
		h.t.Fatalf("verify ID token: %v", err)
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		h.t.Fatal(err)
	}
	return idt, c
}

func wantSubject(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return "dev-" + hex.EncodeToString(sum[:16])
}

func TestCodeFlowWithPKCE(t *testing.T) {
	h := newHarness(t, nil)

	var subjects []string
	for i, run := range []struct {
		username string
		style    oauth2.AuthStyle
	}{
		{aliceEmail, oauth2.AuthStyleInHeader},          // client_secret_basic
		{"Alice@Example.ORG", oauth2.AuthStyleInParams}, // client_secret_post, email in another case
	} {
		a := h.newAuthorization(h.oauthConfig(clientID, clientSecret, run.style))
		code := h.signIn(a, run.username, alicePass)
		tok, err := h.exchange(a, code)
		if err != nil {
			t.Fatalf("run %d: exchange: %v", i, err)
		}
		idt, claims := h.mustVerify(tok)
		if idt.Nonce != a.nonce {
			t.Errorf("run %d: nonce = %q, want %q", i, idt.Nonce, a.nonce)
		}
		if claims.Email != aliceEmail || !claims.EmailVerified || claims.Name != "Alice Example" {
			t.Errorf("run %d: claims = %+v", i, claims)
		}
		if idt.Issuer != h.issuer || len(idt.Audience) != 1 || idt.Audience[0] != clientID {
			t.Errorf("run %d: iss %q aud %v", i, idt.Issuer, idt.Audience)
		}
		if ttl := time.Until(idt.Expiry); ttl < 4*time.Minute || ttl > 5*time.Minute+time.Second {
			t.Errorf("run %d: ID token expires in %v, want the default 5 minutes", i, ttl)
		}

		info, err := h.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(tok))
		if err != nil {
			t.Fatalf("run %d: userinfo: %v", i, err)
		}
		var infoClaims idClaims
		if err := info.Claims(&infoClaims); err != nil {
			t.Fatal(err)
		}
		if info.Subject != idt.Subject || infoClaims != claims {
			t.Errorf("run %d: userinfo %s %+v, ID token %s %+v", i, info.Subject, infoClaims, idt.Subject, claims)
		}
		subjects = append(subjects, idt.Subject)
	}
	if subjects[0] != subjects[1] {
		t.Errorf("subject changed between sign-ins: %q, %q", subjects[0], subjects[1])
	}
	if subjects[0] != wantSubject(aliceEmail) || strings.Contains(subjects[0], "@") {
		t.Errorf("subject = %q, want %q", subjects[0], wantSubject(aliceEmail))
	}
}

func TestWrongPassword(t *testing.T) {
	h := newHarness(t, nil)
	a := h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader))
	b := h.browser()
	page := h.openLogin(b, a.url())

	for _, creds := range [][2]string{{aliceEmail, "wrong"}, {"nobody@example.org", alicePass}} {
		retry := readPage(t, h.submit(b, page, creds[0], creds[1]))
		if retry.status != http.StatusUnauthorized {
			t.Fatalf("%s: status %d, want 401", creds[0], retry.status)
		}
		for _, want := range []string{
			`role="alert"`,
			`name="password" type="password"`,
			`value="` + creds[0] + `"`,
			`<button type="submit">Sign in</button>`,
		} {
			if !strings.Contains(retry.body, want) {
				t.Errorf("%s: re-rendered form lacks %s:\n%s", creds[0], want, retry.body)
			}
		}
		page = retry
	}

	// The form that came back still signs in.
	resp := h.submit(b, page, aliceEmail, alicePass)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/auth/callback" {
		t.Fatalf("sign-in after a wrong password ended at %s with %d", resp.Request.URL, resp.StatusCode)
	}
}

func TestLoginPageMarkup(t *testing.T) {
	h := newHarness(t, nil)
	a := h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader))
	page := h.openLogin(h.browser(), a.url())

	for _, want := range []string{
		"<!doctype html>\n<html lang=\"en\">",
		"<title>Development sign-in</title>",
		`<link rel="stylesheet" href="/assets/app.css">`,
		"<main>",
		"<h1>Development sign-in</h1>",
		"development and tests only",
		`<form method="post" action="/dev-idp/login">`,
		`<label for="username">`,
		`<input id="username" name="username" type="email" autocomplete="username"`,
		`<label for="password">`,
		`<input id="password" name="password" type="password" autocomplete="current-password"`,
		`<input type="hidden" name="authRequestID" value="`,
		`<button type="submit">Sign in</button>`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("sign-in page lacks %q", want)
		}
	}
	for _, banned := range []string{"<script", "<style", "style=", "javascript:"} {
		if strings.Contains(strings.ToLower(page.body), banned) {
			t.Errorf("sign-in page contains %q", banned)
		}
	}
	if handler := regexp.MustCompile(`(?i)\son[a-z]+=`).FindString(page.body); handler != "" {
		t.Errorf("sign-in page has an event handler attribute %q", handler)
	}
	if strings.Contains(page.body, `role="alert"`) {
		t.Error("fresh sign-in page shows an alert")
	}
}

func TestCodeIsSingleUse(t *testing.T) {
	h := newHarness(t, nil)
	conf := h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader)

	t.Run("replay", func(t *testing.T) {
		a := h.newAuthorization(conf)
		code := h.signIn(a, aliceEmail, alicePass)
		if _, err := h.exchange(a, code); err != nil {
			t.Fatalf("first exchange: %v", err)
		}
		_, err := h.exchange(a, code)
		wantOAuthError(t, err, "invalid_grant")
	})

	t.Run("PKCE verifier required", func(t *testing.T) {
		a := h.newAuthorization(conf)
		code := h.signIn(a, aliceEmail, alicePass)
		_, err := conf.Exchange(t.Context(), code)
		wantOAuthError(t, err, "invalid_request")
	})

	t.Run("wrong PKCE verifier", func(t *testing.T) {
		a := h.newAuthorization(conf)
		code := h.signIn(a, aliceEmail, alicePass)
		_, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
		wantOAuthError(t, err, "invalid_grant")
	})

	t.Run("wrong client secret", func(t *testing.T) {
		a := h.newAuthorization(conf)
		code := h.signIn(a, aliceEmail, alicePass)
		bad := h.oauthConfig(clientID, "not-the-secret", oauth2.AuthStyleInHeader)
		_, err := bad.Exchange(t.Context(), code, oauth2.VerifierOption(a.verifier))
		wantOAuthError(t, err, "invalid_client")
	})
}

func wantOAuthError(t *testing.T, err error, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v, want an OAuth error %s", err, code)
	}
	if re.ErrorCode != code {
		t.Fatalf("error code = %q (%s), want %q", re.ErrorCode, re.ErrorDescription, code)
	}
}

func TestOverrideNonce(t *testing.T) {
	h := newHarness(t, func(cfg *devidp.Config, _ string) {
		cfg.OverrideNonce = func(nonce string) string { return "tampered-" + nonce }
	})
	a := h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInParams))
	tok, err := h.exchange(a, h.signIn(a, aliceEmail, alicePass))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	idt, _ := h.mustVerify(tok)
	if idt.Nonce != "tampered-"+a.nonce {
		t.Fatalf("nonce = %q, want the overridden %q", idt.Nonce, "tampered-"+a.nonce)
	}
}

func TestIDTokenLifetime(t *testing.T) {
	h := newHarness(t, func(cfg *devidp.Config, serverURL string) {
		cfg.Clients = append(cfg.Clients, devidp.Client{
			ID:              "short",
			Secret:          "short-secret",
			RedirectURIs:    []string{serverURL + "/auth/callback"},
			IDTokenLifetime: time.Second,
		})
	})
	inAMinute := func() time.Time { return time.Now().Add(time.Minute) }

	a := h.newAuthorization(h.oauthConfig("short", "short-secret", oauth2.AuthStyleInHeader))
	tok, err := h.exchange(a, h.signIn(a, aliceEmail, alicePass))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	// exp is whole seconds, so a 1s token may already be past; verify it
	// as of a moment ago to check it is otherwise valid.
	aMomentAgo := func() time.Time { return time.Now().Add(-2 * time.Second) }
	if _, err := h.verify(tok, &oidc.Config{ClientID: "short", Now: aMomentAgo}); err != nil {
		t.Fatalf("1s token refused: %v", err)
	}
	_, err = h.verify(tok, &oidc.Config{ClientID: "short", Now: inAMinute})
	var expired *oidc.TokenExpiredError
	if !errors.As(err, &expired) {
		t.Fatalf("1s token verified a minute later: err = %v, want expired", err)
	}

	// The default lifetime (5 minutes) still holds a minute later.
	a = h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader))
	tok, err = h.exchange(a, h.signIn(a, aliceEmail, alicePass))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if _, err := h.verify(tok, &oidc.Config{ClientID: clientID, Now: inAMinute}); err != nil {
		t.Fatalf("default-lifetime token refused a minute later: %v", err)
	}
}

func TestEndSession(t *testing.T) {
	h := newHarness(t, nil)

	var discovery struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := h.provider.Claims(&discovery); err != nil {
		t.Fatal(err)
	}
	if discovery.EndSession != h.issuer+"/end_session" {
		t.Fatalf("end_session_endpoint = %q", discovery.EndSession)
	}

	a := h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader))
	tok, err := h.exchange(a, h.signIn(a, aliceEmail, alicePass))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	idToken, _ := tok.Extra("id_token").(string)

	logout := func(postLogout string) *http.Response {
		t.Helper()
		q := url.Values{
			"id_token_hint":            {idToken},
			"post_logout_redirect_uri": {postLogout},
			"state":                    {"bye-123"},
		}
		b := h.browser()
		b.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := b.Get(discovery.EndSession + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	resp := logout(h.srv.URL + "/signed-out")
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("end_session status %d, want 302", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != h.srv.URL+"/signed-out?state=bye-123" {
		t.Fatalf("end_session redirected to %q", loc)
	}

	resp = logout("https://evil.example/")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unregistered post_logout_redirect_uri: status %d, want 400 (Location %q)", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestAddAccountAtRunTime(t *testing.T) {
	h := newHarness(t, nil)
	h.idp.AddAccount(devidp.Account{Email: "Bob@Example.org", Name: "Bob", Password: "bob-password"})

	a := h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader))
	tok, err := h.exchange(a, h.signIn(a, "bob@example.ORG", "bob-password"))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	idt, claims := h.mustVerify(tok)
	if idt.Subject != wantSubject("bob@example.org") || claims.Email != "Bob@Example.org" || claims.Name != "Bob" {
		t.Errorf("sub %q claims %+v", idt.Subject, claims)
	}
	// email_verified is present and false, not merely absent.
	var raw map[string]any
	if err := idt.Claims(&raw); err != nil {
		t.Fatal(err)
	}
	if v, ok := raw["email_verified"]; !ok || v != false {
		t.Errorf("ID token email_verified = %v (present %v), want false", v, ok)
	}

	info, err := h.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	var infoRaw map[string]any
	if err := info.Claims(&infoRaw); err != nil {
		t.Fatal(err)
	}
	if v, ok := infoRaw["email_verified"]; !ok || v != false {
		t.Errorf("userinfo email_verified = %v (present %v), want false", v, ok)
	}

	h.idp.SetAccountVerified("BOB@example.org", true)
	info, err = h.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	if !info.EmailVerified {
		t.Error("userinfo email_verified still false after SetAccountVerified")
	}
}

func TestInvalidSignInRequests(t *testing.T) {
	var now time.Time
	var mu sync.Mutex
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if now.IsZero() {
			return time.Now()
		}
		return now
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = time.Now().Add(d)
	}
	h := newHarness(t, nil)
	devidp.SetClock(h.idp, clock)
	conf := h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader)

	t.Run("unknown", func(t *testing.T) {
		resp, err := http.PostForm(h.issuer+"/login", url.Values{
			"authRequestID": {"does-not-exist"}, "username": {aliceEmail}, "password": {alicePass},
		})
		if err != nil {
			t.Fatal(err)
		}
		page := readPage(t, resp)
		if page.status != http.StatusBadRequest || !strings.Contains(page.body, "unknown or has expired") {
			t.Fatalf("status %d:\n%s", page.status, page.body)
		}
		resp, err = http.Get(h.issuer + "/login?authRequestID=does-not-exist")
		if err != nil {
			t.Fatal(err)
		}
		if page := readPage(t, resp); page.status != http.StatusBadRequest {
			t.Fatalf("GET: status %d:\n%s", page.status, page.body)
		}
	})

	t.Run("expired before sign-in", func(t *testing.T) {
		defer advance(0)
		a := h.newAuthorization(conf)
		b := h.browser()
		page := h.openLogin(b, a.url())
		advance(11 * time.Minute)
		got := readPage(t, h.submit(b, page, aliceEmail, alicePass))
		if got.status != http.StatusBadRequest || !strings.Contains(got.body, `role="alert"`) {
			t.Fatalf("status %d:\n%s", got.status, got.body)
		}
	})

	t.Run("expired before exchange", func(t *testing.T) {
		defer advance(0)
		a := h.newAuthorization(conf)
		code := h.signIn(a, aliceEmail, alicePass)
		advance(11 * time.Minute)
		_, err := h.exchange(a, code)
		wantOAuthError(t, err, "invalid_grant")
	})

	t.Run("already completed", func(t *testing.T) {
		a := h.newAuthorization(conf)
		b := h.browser()
		page := h.openLogin(b, a.url())
		h.submit(b, page, aliceEmail, alicePass).Body.Close()
		got := readPage(t, h.submit(b, page, aliceEmail, alicePass))
		if got.status != http.StatusBadRequest || !strings.Contains(got.body, "already been completed") {
			t.Fatalf("status %d:\n%s", got.status, got.body)
		}
	})
}

func TestConcurrentSignIns(t *testing.T) {
	h := newHarness(t, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Go(func() {
			email := fmt.Sprintf("user%d@example.org", i)
			h.idp.AddAccount(devidp.Account{Email: email, Name: email, Password: "pw"})
			h.idp.SetAccountVerified(email, i%2 == 0)
			a := h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader))
			tok, err := h.exchange(a, h.signIn(a, email, "pw"))
			if err != nil {
				errs <- err
				return
			}
			idt, claims := h.mustVerify(tok)
			if idt.Subject != wantSubject(email) || claims.EmailVerified != (i%2 == 0) {
				errs <- fmt.Errorf("%s: sub %s claims %+v", email, idt.Subject, claims)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	good := devidp.Client{ID: "c", Secret: "s", RedirectURIs: []string{"http://127.0.0.1/cb"}}
	for name, cfg := range map[string]devidp.Config{
		"no issuer":        {Clients: []devidp.Client{good}},
		"relative issuer":  {Issuer: "/dev-idp"},
		"issuer query":     {Issuer: "http://127.0.0.1/dev-idp?x=1"},
		"duplicate client": {Issuer: "http://127.0.0.1/dev-idp", Clients: []devidp.Client{good, good}},
		"no secret":        {Issuer: "http://127.0.0.1/dev-idp", Clients: []devidp.Client{{ID: "c", RedirectURIs: good.RedirectURIs}}},
		"no redirect":      {Issuer: "http://127.0.0.1/dev-idp", Clients: []devidp.Client{{ID: "c", Secret: "s"}}},
		"account no pass":  {Issuer: "http://127.0.0.1/dev-idp", Accounts: []devidp.Account{{Email: "a@example.org"}}},
	} {
		if _, err := devidp.New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}

func TestDiscovery(t *testing.T) {
	h := newHarness(t, nil)
	resp, err := http.Get(h.issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"issuer":                 h.issuer,
		"authorization_endpoint": h.issuer + "/authorize",
		"token_endpoint":         h.issuer + "/oauth/token",
		"userinfo_endpoint":      h.issuer + "/userinfo",
		"jwks_uri":               h.issuer + "/keys",
		"end_session_endpoint":   h.issuer + "/end_session",
	} {
		if d[key] != want {
			t.Errorf("%s = %v, want %s", key, d[key], want)
		}
	}
	if got := fmt.Sprint(d["code_challenge_methods_supported"]); got != "[S256]" {
		t.Errorf("code_challenge_methods_supported = %s", got)
	}
	if got := fmt.Sprint(d["token_endpoint_auth_methods_supported"]); !strings.Contains(got, "client_secret_basic") || !strings.Contains(got, "client_secret_post") {
		t.Errorf("token_endpoint_auth_methods_supported = %s", got)
	}

	// Paths outside the issuer's are not the provider's.
	for _, path := range []string{"/dev-idpx/keys", "/keys"} {
		rec := httptest.NewRecorder()
		h.idp.ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), http.MethodGet, path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, rec.Code)
		}
	}
}

func TestLookupSignsInAnAccountNotGivenAtStart(t *testing.T) {
	var asked []string
	h := newHarness(t, func(cfg *devidp.Config, _ string) {
		cfg.Lookup = func(_ context.Context, email string) (devidp.Account, bool) {
			asked = append(asked, email)
			if email != "invited@example.org" {
				return devidp.Account{}, false
			}
			return devidp.Account{Email: email, Password: "invited-password", EmailVerified: true}, true
		}
	})

	a := h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader))
	tok, err := h.exchange(a, h.signIn(a, "Invited@Example.org", "invited-password"))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	idt, claims := h.mustVerify(tok)
	if idt.Subject != wantSubject("invited@example.org") || claims.Email != "invited@example.org" || !claims.EmailVerified {
		t.Errorf("sub %q claims %+v", idt.Subject, claims)
	}

	// A known account is not looked up; an unknown one without an answer,
	// or with the wrong password, is refused.
	b := h.browser()
	page := h.openLogin(b, h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader)).url())
	for _, creds := range [][2]string{{"stranger@example.org", "invited-password"}, {"invited@example.org", "wrong"}} {
		retry := readPage(t, h.submit(b, page, creds[0], creds[1]))
		if retry.status != http.StatusUnauthorized {
			t.Fatalf("%s: status %d, want 401", creds[0], retry.status)
		}
		page = retry
	}
	resp := h.submit(b, page, aliceEmail, alicePass)
	resp.Body.Close()
	if resp.Request.URL.Path != "/auth/callback" {
		t.Fatalf("alice's sign-in ended at %s", resp.Request.URL)
	}
	if want := []string{"invited@example.org", "stranger@example.org"}; !slices.Equal(asked, want) {
		t.Errorf("looked up %v, want %v", asked, want)
	}
}

func TestEveryPageLinksBackToThePortal(t *testing.T) {
	h := newHarness(t, func(cfg *devidp.Config, serverURL string) { cfg.PortalURL = serverURL + "/" })
	a := h.newAuthorization(h.oauthConfig(clientID, clientSecret, oauth2.AuthStyleInHeader))
	b := h.browser()
	page := h.openLogin(b, a.url())
	wrong := readPage(t, h.submit(b, page, aliceEmail, "wrong"))
	unknown := readPage(t, mustGet(t, b, h.issuer+"/login?authRequestID=unknown"))
	for name, body := range map[string]string{"sign-in": page.body, "wrong password": wrong.body, "unknown request": unknown.body} {
		if !strings.Contains(body, `<a href="`+h.srv.URL+`/">Back to the portal</a>`) {
			t.Errorf("%s page has no link back to the portal:\n%s", name, body)
		}
	}
}

func mustGet(t *testing.T, b *http.Client, u string) *http.Response {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
