package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"ctap/handlers"
)

// oidcClient is the relying party. Discovery happens once, in the
// background with retries, so the portal starts (and signed-in users keep
// working) while the provider is unreachable; until it succeeds,
// /auth/login explains that sign-in is unavailable.
type oidcClient struct {
	cfg         OIDCConfig
	redirectURL string
	logger      *slog.Logger
	httpClient  *http.Client
	now         func() time.Time
	ready       atomic.Pointer[oidcProvider]
}

// oidcProvider is what discovery learned.
type oidcProvider struct {
	provider   *oidc.Provider
	verifier   *oidc.IDTokenVerifier
	oauth2     oauth2.Config
	endSession string
}

func newOIDCClient(cfg OIDCConfig, redirectURL string, logger *slog.Logger) *oidcClient {
	return &oidcClient{
		cfg: cfg, redirectURL: redirectURL, logger: logger,
		httpClient: &http.Client{Timeout: 10 * time.Second},
		now:        time.Now,
	}
}

// errProviderUnavailable means discovery has not succeeded yet.
var errProviderUnavailable = errors.New("OpenID Provider not reachable yet")

// get returns the discovered provider, or errProviderUnavailable.
func (c *oidcClient) get() (*oidcProvider, error) {
	if p := c.ready.Load(); p != nil {
		return p, nil
	}
	return nil, errProviderUnavailable
}

// discover tries discovery until it succeeds or ctx ends, backing off from
// one second to a minute between attempts.
func (c *oidcClient) discover(ctx context.Context) {
	wait := time.Second
	for attempt := 1; ; attempt++ {
		err := c.discoverOnce(ctx)
		if err == nil {
			c.logger.Info("OpenID Provider discovered", "issuer", c.cfg.Issuer)
			return
		}
		c.logger.Warn("OpenID Provider unreachable; sign-in is unavailable until it answers",
			"issuer", c.cfg.Issuer, "attempt", attempt, "retry_in", wait.String(), "err", truncateError(err, 300))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Minute)
	}
}

func (c *oidcClient) discoverOnce(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, c.httpClient), 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return fmt.Errorf("discover %s: %w", c.cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&extra)
	c.ready.Store(&oidcProvider{
		provider: p,
		verifier: p.VerifierContext(oidc.ClientContext(context.Background(), c.httpClient),
			&oidc.Config{ClientID: c.cfg.ClientID, Now: c.now}),
		oauth2: oauth2.Config{
			ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret,
			Endpoint: p.Endpoint(), RedirectURL: c.redirectURL, Scopes: c.cfg.Scopes,
		},
		endSession: extra.EndSession,
	})
	return nil
}

// AuthCodeURL starts the authorization code flow with PKCE (S256) and a
// nonce.
func (c *oidcClient) AuthCodeURL(state, nonce, verifier string) (string, error) {
	p, err := c.get()
	if err != nil {
		return "", handlers.ErrProviderUnavailable
	}
	return p.oauth2.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// errNonce and the like name why a callback was refused, for the log and the
// audit trail; the user sees one message.
var (
	errNoIDToken     = errors.New("no id_token in the token response")
	errNonceMismatch = errors.New("ID token nonce does not match")
	errSubjectDiffer = errors.New("UserInfo subject differs from the ID token's")
)

// Exchange trades the code for tokens, verifies the ID token (signature,
// issuer, audience, expiry: go-oidc) and its nonce (left to us), and reads
// email, email_verified and name from the ID token or, when it lacks them,
// from UserInfo, whose subject must match.
func (c *oidcClient) Exchange(ctx context.Context, code, verifier, nonce string) (handlers.ProviderClaims, error) {
	p, err := c.get()
	if err != nil {
		return handlers.ProviderClaims{}, err
	}
	ctx = oidc.ClientContext(ctx, c.httpClient)
	tok, err := p.oauth2.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return handlers.ProviderClaims{}, fmt.Errorf("exchange code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return handlers.ProviderClaims{}, errNoIDToken
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return handlers.ProviderClaims{}, fmt.Errorf("verify ID token: %w", err)
	}
	if idt.Nonce != nonce {
		return handlers.ProviderClaims{}, errNonceMismatch
	}
	var fields map[string]any
	if err := idt.Claims(&fields); err != nil {
		return handlers.ProviderClaims{}, fmt.Errorf("read ID token claims: %w", err)
	}
	out := handlers.ProviderClaims{Issuer: idt.Issuer, Subject: idt.Subject, RawIDToken: raw}
	readClaims(&out, fields, c.cfg.GroupsClaim)
	if out.Email == "" {
		info, err := p.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return handlers.ProviderClaims{}, fmt.Errorf("userinfo: %w", err)
		}
		if info.Subject != idt.Subject {
			return handlers.ProviderClaims{}, errSubjectDiffer
		}
		var ui map[string]any
		if err := info.Claims(&ui); err != nil {
			return handlers.ProviderClaims{}, fmt.Errorf("read userinfo: %w", err)
		}
		readClaims(&out, ui, c.cfg.GroupsClaim)
	}
	if out.Email == "" {
		return handlers.ProviderClaims{}, errors.New("the provider gave no email address")
	}
	return out, nil
}

// readClaims copies the claims CTAP uses; email_verified may be a boolean or,
// from some providers, the string "true".
func readClaims(out *handlers.ProviderClaims, m map[string]any, groupsClaim string) {
	if s, ok := m["email"].(string); ok && s != "" {
		out.Email = s
		switch v := m["email_verified"].(type) {
		case bool:
			out.EmailVerified = v
		case string:
			out.EmailVerified = v == "true"
		case nil:
			// Microsoft Entra ID's optional claim: the email's domain is
			// verified by the tenant.
			if edov, ok := m["xms_edov"].(bool); ok {
				out.EmailVerified = edov
			}
		}
	}
	if s, ok := m["name"].(string); ok && s != "" {
		out.Name = s
	} else if out.Name == "" {
		if s, ok := m["preferred_username"].(string); ok {
			out.Name = s
		}
	}
	if groupsClaim != "" {
		if list, ok := m[groupsClaim].([]any); ok {
			out.Groups = out.Groups[:0]
			for _, g := range list {
				if s, ok := g.(string); ok {
					out.Groups = append(out.Groups, s)
				}
			}
		}
	}
}

// EndSessionURL is the provider's sign-out address, when it advertises one.
func (c *oidcClient) EndSessionURL(idTokenHint, postLogoutRedirect string) (string, bool) {
	p, err := c.get()
	if err != nil || p.endSession == "" {
		return "", false
	}
	u, err := url.Parse(p.endSession)
	if err != nil {
		return "", false
	}
	q := u.Query()
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	q.Set("client_id", c.cfg.ClientID)
	q.Set("post_logout_redirect_uri", postLogoutRedirect)
	u.RawQuery = q.Encode()
	return u.String(), true
}

// Issuer is the provider's issuer URL.
func (c *oidcClient) Issuer() string { return c.cfg.Issuer }

// truncateError keeps a provider's error page from flooding the log.
func truncateError(err error, n int) string {
	s := err.Error()
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
