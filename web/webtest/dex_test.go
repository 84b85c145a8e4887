package webtest

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

func TestDexDiscovery(t *testing.T) {
	d := StartDex(t, DexOptions{RedirectURIs: []string{"http://127.0.0.1:1/callback"}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, d.Issuer)
	if err != nil {
		t.Fatalf("oidc.NewProvider(%s): %v", d.Issuer, err)
	}
	ep := p.Endpoint()
	if want := d.Issuer + "/auth"; ep.AuthURL != want {
		t.Errorf("auth endpoint = %q, want %q", ep.AuthURL, want)
	}
	if want := d.Issuer + "/token"; ep.TokenURL != want {
		t.Errorf("token endpoint = %q, want %q", ep.TokenURL, want)
	}
	if !strings.HasPrefix(d.Issuer, "http://127.0.0.1:") || !strings.HasSuffix(d.Issuer, "/dex") {
		t.Errorf("issuer = %q, want http://127.0.0.1:PORT/dex", d.Issuer)
	}
}

// TestDexAuthCodeFlow drives one authorization code flow end to end over
// HTTP, as the portal will: auth URL, Dex's sign-in form, redirect back with
// a code, code exchange, ID token verification.
func TestDexAuthCodeFlow(t *testing.T) {
	// The relying party's callback: it records code and state.
	var mu sync.Mutex
	var gotCode, gotState string
	rp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		gotCode, gotState = r.URL.Query().Get("code"), r.URL.Query().Get("state")
		mu.Unlock()
		if e := r.URL.Query().Get("error"); e != "" {
			http.Error(w, e+": "+r.URL.Query().Get("error_description"), http.StatusBadRequest)
			return
		}
		w.Write([]byte("signed in"))
	}))
	defer rp.Close()
	redirectURI := rp.URL + "/callback"

	user := DexUser{Email: "jane.doe@un.example", Password: "correct horse battery staple", UserID: "jane-0001"}
	d := StartDex(t, DexOptions{
		ClientID:     "ctap-portal",
		ClientSecret: "s3cret",
		RedirectURIs: []string{redirectURI},
		Users:        []DexUser{user},
	})

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	provider, err := oidc.NewProvider(ctx, d.Issuer)
	if err != nil {
		t.Fatalf("oidc.NewProvider: %v", err)
	}
	conf := &oauth2.Config{
		ClientID:     d.ClientID,
		ClientSecret: d.ClientSecret,
		Endpoint:     provider.Endpoint(),
		RedirectURL:  redirectURI,
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
	const state, nonce = "state-123", "nonce-456"
	authURL := conf.AuthCodeURL(state, oidc.Nonce(nonce))

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var hops []string
	client := &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			hops = append(hops, via[len(via)-1].Method+" "+via[len(via)-1].URL.Path+" -> "+req.URL.Path)
			if len(via) > 10 {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}

	// A wrong password first: Dex shows the form again with an error.
	if _, err := d.Login(client, authURL, user.Email, "wrong"); err == nil {
		t.Fatal("Login with a wrong password succeeded")
	} else if !strings.Contains(err.Error(), "rejected") {
		t.Fatalf("Login with a wrong password: %v", err)
	}

	hops = nil
	resp, err := d.Login(client, authURL, user.Email, user.Password)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	resp.Body.Close()
	t.Logf("redirects: %q", hops)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/callback" {
		t.Fatalf("sign-in ended at %s (%s), want 200 at %s", resp.Request.URL, resp.Status, redirectURI)
	}
	// Only one connector and skipApprovalScreen: no selection page, no approval page.
	want := []string{
		"GET /dex/auth -> /dex/auth/local",
		"GET /dex/auth/local -> /dex/auth/local/login",
		"POST /dex/auth/local/login -> /callback",
	}
	if strings.Join(hops, "\n") != strings.Join(want, "\n") {
		t.Errorf("redirects = %q, want %q", hops, want)
	}

	mu.Lock()
	code, gotSt := gotCode, gotState
	mu.Unlock()
	if code == "" || gotSt != state {
		t.Fatalf("callback got code=%q state=%q, want a code and state %q", code, gotSt, state)
	}

	tok, err := conf.Exchange(ctx, code)
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	rawID, ok := tok.Extra("id_token").(string)
	if !ok || rawID == "" {
		t.Fatal("token response has no id_token")
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: d.ClientID}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("verifying ID token: %v", err)
	}
	if idt.Nonce != nonce {
		t.Errorf("nonce = %q, want %q", idt.Nonce, nonce)
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if claims.Email != user.Email || !claims.EmailVerified {
		t.Errorf("email = %q (verified %v), want %q (verified)", claims.Email, claims.EmailVerified, user.Email)
	}
	if claims.Name != "jane.doe" {
		t.Errorf("name = %q, want the default username %q", claims.Name, "jane.doe")
	}
	if idt.Subject == "" {
		t.Error("empty sub")
	}
	t.Logf("sub=%s email=%s name=%s", idt.Subject, claims.Email, claims.Name)

	// The user info endpoint agrees.
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	if ui.Email != user.Email || ui.Subject != idt.Subject {
		t.Errorf("userinfo email=%q sub=%q, want %q %q", ui.Email, ui.Subject, user.Email, idt.Subject)
	}
}
