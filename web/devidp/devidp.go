// Package devidp is a small OpenID Provider for development and tests. The
// portal mounts it at /dev-idp so that signing in works without a real
// identity provider; it must never be mounted in production.
//
// It is built on github.com/zitadel/oidc/v3/pkg/op with an in-memory
// storage: the code flow only, confidential clients authenticating with
// client_secret_basic or client_secret_post, PKCE with S256, RS256 ID tokens
// signed by a key generated at New, and a plain HTML sign-in form for the
// accounts given in Config (and those its Lookup finds).
package devidp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// Account is a user who can sign in.
type Account struct {
	Email         string // also the username typed on the sign-in form
	Name          string
	Password      string
	EmailVerified bool
}

// Client is a registered relying party.
type Client struct {
	ID, Secret             string
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	IDTokenLifetime        time.Duration // 0 means 5 minutes
}

// Config configures a Provider.
type Config struct {
	// Issuer is the absolute URL of the provider including the path it is
	// mounted at, e.g. "http://127.0.0.1:8080/dev-idp". Requests reach
	// ServeHTTP with that full path. A trailing slash is dropped.
	Issuer        string
	Accounts      []Account
	Clients       []Client
	StylesheetURL string // optional <link rel="stylesheet"> for the sign-in page
	// PortalURL, when set, is linked from every page of the provider, so
	// a person who came to sign in can go back without signing in.
	PortalURL string
	Logger    *slog.Logger

	// Lookup, when set, is asked at sign-in for an email none of the
	// Accounts has, and may return an account for it (the portal answers
	// for the addresses it has invited, so an administrator can try an
	// invitation at once). An account found is kept like one added with
	// AddAccount, so its tokens and a later sign-in keep working.
	Lookup func(ctx context.Context, email string) (Account, bool)

	// Hooks for tests of a relying party; nil in normal use.

	// OverrideNonce, when set, is called with the nonce of each
	// authorization request; the ID token carries its result as nonce.
	OverrideNonce func(nonce string) string
}

// Provider is the development OpenID Provider. It is an http.Handler and is
// safe for concurrent use.
type Provider struct {
	issuer        string
	pathPrefix    string // the issuer's path, "" at the root
	op            *op.Provider
	store         *storage
	page          *template.Template
	stylesheetURL string
	portalURL     string
	logger        *slog.Logger
}

const (
	loginPath     = "/login"
	loggedOutPath = "/logged-out"
	loginIDField  = "authRequestID"
)

// New builds a provider for cfg, generating its signing and encryption keys.
func New(cfg Config) (*Provider, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	issuer := strings.TrimSuffix(cfg.Issuer, "/")
	prefix, err := issuerPath(issuer)
	if err != nil {
		return nil, err
	}

	clients := make(map[string]*client, len(cfg.Clients))
	for _, c := range cfg.Clients {
		oc, err := newClient(c, issuer+loginPath)
		if err != nil {
			return nil, err
		}
		if _, dup := clients[oc.id]; dup {
			return nil, fmt.Errorf("devidp: client %q registered twice", oc.id)
		}
		clients[oc.id] = oc
	}

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("devidp: generate signing key: %w", err)
	}
	keyID, err := randomID()
	if err != nil {
		return nil, err
	}
	var cryptoKey [32]byte
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		return nil, fmt.Errorf("devidp: generate encryption key: %w", err)
	}

	store := &storage{
		clients:       clients,
		signing:       signingKey{id: keyID, key: rsaKey},
		overrideNonce: cfg.OverrideNonce,
		lookup:        cfg.Lookup,
		logger:        logger,
		now:           time.Now,
		accounts:      make(map[string]account, len(cfg.Accounts)),
		subjects:      make(map[string]string, len(cfg.Accounts)),
		authRequests:  make(map[string]*authRequest),
		codes:         make(map[string]string),
		tokens:        make(map[string]accessToken),
	}
	for _, a := range cfg.Accounts {
		key := normaliseEmail(a.Email)
		if _, dup := store.accounts[key]; dup && key != "" {
			return nil, fmt.Errorf("devidp: account %s listed twice", key)
		}
		if err := store.putAccount(a); err != nil {
			return nil, err
		}
	}

	opConfig := &op.Config{
		CryptoKey:                cryptoKey,
		CryptoKeyId:              keyID,
		DefaultLogoutRedirectURI: issuer + loggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedScopes:          []string{"openid", "email", "profile"},
		SupportedClaims: []string{
			"sub", "aud", "exp", "iat", "iss", "auth_time", "nonce", "amr",
			"azp", "c_hash", "at_hash", "name", "email", "email_verified",
		},
	}
	provider, err := op.NewProvider(opConfig, store, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		return nil, fmt.Errorf("devidp: create OpenID provider for %s: %w", issuer, err)
	}

	page, err := template.New("devidp").Parse(pageTemplates)
	if err != nil {
		return nil, fmt.Errorf("devidp: parse page templates: %w", err)
	}

	return &Provider{
		issuer:        issuer,
		pathPrefix:    prefix,
		op:            provider,
		store:         store,
		page:          page,
		stylesheetURL: cfg.StylesheetURL,
		portalURL:     cfg.PortalURL,
		logger:        logger,
	}, nil
}

// issuerPath validates the issuer and returns its path, without a trailing slash.
func issuerPath(issuer string) (string, error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return "", fmt.Errorf("devidp: issuer %q: %w", issuer, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("devidp: issuer %q: scheme must be http or https", issuer)
	case u.Host == "":
		return "", fmt.Errorf("devidp: issuer %q: host missing", issuer)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("devidp: issuer %q: no user info, query or fragment allowed", issuer)
	case u.RawPath != "":
		return "", fmt.Errorf("devidp: issuer %q: path must not need escaping", issuer)
	}
	return strings.TrimSuffix(u.Path, "/"), nil
}

func newClient(c Client, loginURL string) (*client, error) {
	if c.ID == "" {
		return nil, errors.New("devidp: client without an ID")
	}
	if c.Secret == "" {
		return nil, fmt.Errorf("devidp: client %q: secret missing", c.ID)
	}
	if len(c.RedirectURIs) == 0 {
		return nil, fmt.Errorf("devidp: client %q: no redirect URI", c.ID)
	}
	for _, uri := range slices.Concat(c.RedirectURIs, c.PostLogoutRedirectURIs) {
		u, err := url.Parse(uri)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
			return nil, fmt.Errorf("devidp: client %q: redirect URI %q must be an absolute http(s) URL without fragment", c.ID, uri)
		}
	}
	lifetime := c.IDTokenLifetime
	switch {
	case lifetime < 0:
		return nil, fmt.Errorf("devidp: client %q: negative ID token lifetime", c.ID)
	case lifetime == 0:
		lifetime = defaultIDTokenLifetime
	}
	return &client{
		id:                     c.ID,
		secret:                 c.Secret,
		redirectURIs:           slices.Clone(c.RedirectURIs),
		postLogoutRedirectURIs: slices.Clone(c.PostLogoutRedirectURIs),
		idTokenLifetime:        lifetime,
		loginURL:               loginURL,
	}, nil
}

// ServeHTTP serves the provider's endpoints below the issuer's path:
// discovery at /.well-known/openid-configuration, /keys, /authorize,
// /authorize/callback, /oauth/token, /userinfo, /end_session (and the op's
// /oauth/introspect, /revoke, /healthz, /ready), plus the sign-in form at
// /login and the signed-out page at /logged-out.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, p.pathPrefix)
	if !ok || !strings.HasPrefix(rest, "/") {
		http.NotFound(w, r)
		return
	}
	switch rest {
	case loginPath:
		p.serveLogin(w, r)
	case loggedOutPath:
		p.serveLoggedOut(w, r)
	default:
		// The op's router matches paths relative to the issuer.
		http.StripPrefix(p.pathPrefix, p.op).ServeHTTP(w, r)
	}
}

// AddAccount adds an account, or replaces the one with the same email
// (compared case-insensitively). An account without email or password is
// refused and logged. Safe for concurrent use.
func (p *Provider) AddAccount(a Account) {
	if err := p.store.putAccount(a); err != nil {
		p.logger.Error("devidp: account not added", slog.Any("error", err))
	}
}

// SetAccountVerified sets whether the email of the account is verified,
// as the next ID token or userinfo response reports it. Safe for
// concurrent use.
func (p *Provider) SetAccountVerified(email string, verified bool) {
	if !p.store.setVerified(email, verified) {
		p.logger.Warn("devidp: no account to mark verified", slog.String("email", email))
	}
}

// callbackURL is where the sign-in form sends the browser once the user is
// known: the op's /authorize/callback, which issues the code. The op builds
// it from the issuer in the context, which its own router sets but which the
// sign-in form (outside that router) must set itself.
func (p *Provider) callbackURL(ctx context.Context, authRequestID string) string {
	return op.AuthCallbackURL(p.op)(op.ContextWithIssuer(ctx, p.issuer), authRequestID)
}
