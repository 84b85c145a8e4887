package devidp

import (
	"log/slog"
	"net/url"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// authRequest is a pending authorization request; it implements op.AuthRequest.
// The storage hands the op copies, so a stored request changes only under the
// storage's lock.
type authRequest struct {
	id            string
	clientID      string
	redirectURI   string
	state         string
	nonce         string // as it goes into the ID token (after Config.OverrideNonce)
	scopes        []string
	responseType  oidc.ResponseType
	responseMode  oidc.ResponseMode
	codeChallenge *oidc.CodeChallenge
	expires       time.Time

	done       bool
	subject    string
	authTime   time.Time
	codeIssued bool
}

var _ op.AuthRequest = (*authRequest)(nil)

func (a *authRequest) clone() *authRequest {
	c := *a
	c.scopes = slices.Clone(a.scopes)
	if a.codeChallenge != nil {
		cc := *a.codeChallenge
		c.codeChallenge = &cc
	}
	return &c
}

func (a *authRequest) GetID() string       { return a.id }
func (a *authRequest) GetACR() string      { return "" }
func (a *authRequest) GetClientID() string { return a.clientID }
func (a *authRequest) GetNonce() string    { return a.nonce }
func (a *authRequest) GetState() string    { return a.state }
func (a *authRequest) GetSubject() string  { return a.subject }
func (a *authRequest) Done() bool          { return a.done }
func (a *authRequest) GetScopes() []string { return a.scopes }

func (a *authRequest) GetRedirectURI() string             { return a.redirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType { return a.responseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.responseMode }
func (a *authRequest) GetAuthTime() time.Time             { return a.authTime }
func (a *authRequest) GetAudience() []string              { return []string{a.clientID} }

func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.codeChallenge }

func (a *authRequest) GetAMR() []string {
	if a.done {
		return []string{"pwd"}
	}
	return nil
}

// LogValue keeps the op's logs of a request short and free of secrets.
func (a *authRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", a.id),
		slog.String("client_id", a.clientID),
		slog.String("redirect_uri", a.redirectURI),
		slog.Bool("done", a.done),
	)
}

// client is a registered relying party; it implements op.Client. It is a
// confidential web client of the code flow, authenticating with its secret
// (client_secret_basic, or client_secret_post since op.Config.AuthMethodPost
// is on: the op checks the secret from either place for a basic client).
type client struct {
	id                     string
	secret                 string
	redirectURIs           []string
	postLogoutRedirectURIs []string
	idTokenLifetime        time.Duration
	loginURL               string // the sign-in page, without the query
}

var _ op.Client = (*client)(nil)

func (c *client) GetID() string                    { return c.id }
func (c *client) RedirectURIs() []string           { return slices.Clone(c.redirectURIs) }
func (c *client) PostLogoutRedirectURIs() []string { return slices.Clone(c.postLogoutRedirectURIs) }
func (c *client) ApplicationType() op.ApplicationType {
	return op.ApplicationTypeWeb
}
func (c *client) AuthMethod() oidc.AuthMethod { return oidc.AuthMethodBasic }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode}
}

// LoginURL is where the op sends the browser after storing an auth request.
func (c *client) LoginURL(authRequestID string) string {
	return c.loginURL + "?" + url.Values{loginIDField: {authRequestID}}.Encode()
}

func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration      { return c.idTokenLifetime }

// DevMode stays off: http redirect URIs are accepted anyway for a
// confidential client of the code flow, and dev mode would also loosen the
// redirect URI checks.
func (c *client) DevMode() bool            { return false }
func (c *client) ClockSkew() time.Duration { return 0 }

func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

// IsScopeAllowed refuses every scope beyond the standard ones the op allows anyway.
func (c *client) IsScopeAllowed(string) bool { return false }

// IDTokenUserinfoClaimsAssertion puts the email and profile claims into the
// ID token although an access token is issued too; otherwise the op would
// leave them to the userinfo endpoint.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
