package devidp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

const (
	// authRequestLifetime bounds the whole sign-in: from the authorization
	// request, through the sign-in form, to the code exchange.
	authRequestLifetime = 10 * time.Minute
	// accessTokenLifetime is how long an access token opens the userinfo endpoint.
	accessTokenLifetime = time.Hour
	// defaultIDTokenLifetime applies when Client.IDTokenLifetime is 0.
	defaultIDTokenLifetime = 5 * time.Minute
)

// errNotFound is wrapped by every lookup of something that does not exist,
// has expired or was already used.
var errNotFound = errors.New("devidp: not found")

// storage is the in-memory op.Storage of one Provider. Clients and the
// signing key are fixed at New; accounts, auth requests, codes and access
// tokens change at run time under mu.
type storage struct {
	clients       map[string]*client // by client ID; read-only after New
	signing       signingKey
	overrideNonce func(string) string
	lookup        func(ctx context.Context, email string) (Account, bool)
	logger        *slog.Logger

	mu           sync.Mutex
	now          func() time.Time
	accounts     map[string]account      // by lowercase email
	subjects     map[string]string       // subject to lowercase email
	authRequests map[string]*authRequest // by ID
	codes        map[string]string       // code to auth request ID
	tokens       map[string]accessToken  // by token ID
}

var (
	_ op.Storage                   = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest = (*storage)(nil)
)

type account struct {
	Account
	subject string
}

type accessToken struct {
	subject  string
	clientID string
	scopes   []string
	expires  time.Time
}

// SubjectFor derives the stable, opaque subject of an account from its
// lowercase email, so the email itself never becomes the identifier.
func SubjectFor(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return "dev-" + hex.EncodeToString(sum[:16])
}

func normaliseEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("devidp: random identifier: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// putAccount adds or replaces the account with the same (case-insensitive) email.
func (s *storage) putAccount(a Account) error {
	key := normaliseEmail(a.Email)
	if key == "" {
		return errors.New("devidp: account has no email")
	}
	if a.Password == "" {
		return fmt.Errorf("devidp: account %s has no password", key)
	}
	a.Email = strings.TrimSpace(a.Email)
	acc := account{Account: a, subject: SubjectFor(key)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[key] = acc
	s.subjects[acc.subject] = key
	return nil
}

func (s *storage) setVerified(email string, verified bool) bool {
	key := normaliseEmail(email)
	s.mu.Lock()
	defer s.mu.Unlock()
	acc, ok := s.accounts[key]
	if !ok {
		return false
	}
	acc.EmailVerified = verified
	s.accounts[key] = acc
	return true
}

// checkPassword returns the subject of the account whose email matches
// username case-insensitively and whose password is password. An email
// no account has is looked up (Config.Lookup), and the account found kept.
func (s *storage) checkPassword(ctx context.Context, username, password string) (string, bool) {
	key := normaliseEmail(username)
	s.mu.Lock()
	acc, found := s.accounts[key]
	s.mu.Unlock()
	if !found && key != "" && s.lookup != nil {
		// Asked outside the lock: the lookup may be slow (a query).
		if a, ok := s.lookup(ctx, key); ok && normaliseEmail(a.Email) == key {
			if err := s.putAccount(a); err != nil {
				s.logger.WarnContext(ctx, "devidp: account looked up but not kept", slog.Any("error", err))
			} else {
				s.mu.Lock()
				acc, found = s.accounts[key]
				s.mu.Unlock()
			}
		}
	}
	// Compare digests so the time taken does not depend on the lengths, and
	// compare even for an unknown account.
	want := sha256.Sum256([]byte(acc.Password))
	got := sha256.Sum256([]byte(password))
	match := subtle.ConstantTimeCompare(want[:], got[:]) == 1
	if !found || !match {
		return "", false
	}
	return acc.subject, true
}

func (s *storage) accountBySubject(subject string) (account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key, ok := s.subjects[subject]
	if !ok {
		return account{}, false
	}
	acc, ok := s.accounts[key]
	return acc, ok
}

// sweepLocked forgets expired auth requests, their codes and expired access tokens.
func (s *storage) sweepLocked(now time.Time) {
	for id, ar := range s.authRequests {
		if !now.Before(ar.expires) {
			delete(s.authRequests, id)
		}
	}
	for code, id := range s.codes {
		if _, ok := s.authRequests[id]; !ok {
			delete(s.codes, code)
		}
	}
	for id, t := range s.tokens {
		if !now.Before(t.expires) {
			delete(s.tokens, id)
		}
	}
}

// liveAuthRequestLocked returns the auth request with the given ID unless it
// is unknown or expired.
func (s *storage) liveAuthRequestLocked(id string) (*authRequest, error) {
	ar, ok := s.authRequests[id]
	if !ok {
		return nil, fmt.Errorf("auth request %q: %w", id, errNotFound)
	}
	if !s.now().Before(ar.expires) {
		delete(s.authRequests, id)
		return nil, fmt.Errorf("auth request %q expired: %w", id, errNotFound)
	}
	return ar, nil
}

// authRequestForLogin returns a copy of the pending auth request shown by the
// sign-in form.
func (s *storage) authRequestForLogin(id string) (*authRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, err := s.liveAuthRequestLocked(id)
	if err != nil {
		return nil, err
	}
	return ar.clone(), nil
}

var errAlreadyDone = errors.New("devidp: sign-in already completed")

// completeLogin records that subject signed in for the auth request.
func (s *storage) completeLogin(id, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, err := s.liveAuthRequestLocked(id)
	if err != nil {
		return err
	}
	if ar.done {
		return fmt.Errorf("auth request %q: %w", id, errAlreadyDone)
	}
	ar.done = true
	ar.subject = subject
	ar.authTime = s.now()
	return nil
}

// CreateAuthRequest implements op.AuthStorage. The op has already checked
// the client, redirect_uri, response_type and scopes.
func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if !slices.Contains(req.Scopes, oidc.ScopeOpenID) {
		return nil, oidc.ErrInvalidScope().WithDescription("the openid scope is required")
	}
	if req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("only the S256 code_challenge_method is supported")
	}
	// form_post answers with the op's auto-submitting page, which needs inline
	// script; fragment is for implicit flows. Only the query mode is offered.
	if req.ResponseMode != "" && req.ResponseMode != oidc.ResponseModeQuery {
		return nil, oidc.ErrInvalidRequest().WithDescription("only the query response_mode is supported")
	}
	id, err := randomID()
	if err != nil {
		return nil, err
	}
	idTokenNonce := req.Nonce
	if s.overrideNonce != nil {
		idTokenNonce = s.overrideNonce(req.Nonce)
	}
	ar := &authRequest{
		id:           id,
		clientID:     req.ClientID,
		redirectURI:  req.RedirectURI,
		state:        req.State,
		nonce:        idTokenNonce,
		scopes:       slices.Clone([]string(req.Scopes)),
		responseType: req.ResponseType,
		responseMode: req.ResponseMode,
	}
	if req.CodeChallenge != "" {
		ar.codeChallenge = &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: req.CodeChallengeMethod}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	ar.expires = now.Add(authRequestLifetime)
	s.authRequests[id] = ar
	return ar.clone(), nil
}

// AuthRequestByID implements op.AuthStorage.
func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, err := s.liveAuthRequestLocked(id)
	if err != nil {
		return nil, err
	}
	return ar.clone(), nil
}

// AuthRequestByCode implements op.AuthStorage. A code is good for one
// lookup: it is forgotten here, together with its auth request, so a
// replayed code (or a concurrent second exchange) is refused with
// invalid_grant even before the first exchange has finished.
func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.codes[code]
	if !ok {
		return nil, fmt.Errorf("authorization code: %w", errNotFound)
	}
	delete(s.codes, code)
	ar, err := s.liveAuthRequestLocked(id)
	if err != nil {
		return nil, err
	}
	delete(s.authRequests, id)
	if !ar.done {
		return nil, fmt.Errorf("auth request %q has no signed-in user: %w", id, errNotFound)
	}
	return ar.clone(), nil
}

// SaveAuthCode implements op.AuthStorage. Each auth request gets one code,
// so replaying the op's callback URL cannot mint a second one.
func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, err := s.liveAuthRequestLocked(id)
	if err != nil {
		return err
	}
	if ar.codeIssued {
		return oidc.ErrInvalidRequest().WithDescription("an authorization code was already issued for this request")
	}
	ar.codeIssued = true
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest implements op.AuthStorage.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.authRequests, id)
	for code, codeID := range s.codes {
		if codeID == id {
			delete(s.codes, code)
		}
	}
	return nil
}

// CreateAccessToken implements op.AuthStorage for the code flow.
func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	ar, ok := req.(*authRequest)
	if !ok {
		return "", time.Time{}, fmt.Errorf("devidp: access token for %T: only the authorization code flow is supported", req)
	}
	id, err := randomID()
	if err != nil {
		return "", time.Time{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	expires := s.now().Add(accessTokenLifetime)
	s.tokens[id] = accessToken{
		subject:  ar.subject,
		clientID: ar.clientID,
		scopes:   slices.Clone(ar.scopes),
		expires:  expires,
	}
	return id, expires, nil
}

// CreateAccessAndRefreshTokens implements op.AuthStorage. No client is
// registered for the refresh_token grant, so the op never calls it.
func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("devidp: refresh tokens are not supported")
}

// TokenRequestByRefreshToken implements op.AuthStorage.
func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

// TerminateSession implements op.AuthStorage. The provider keeps no
// sign-in session (every authorization shows the form), so there is
// nothing to end; the op then redirects to the post-logout URI.
func (s *storage) TerminateSession(ctx context.Context, userID, clientID string) error {
	s.logger.InfoContext(ctx, "devidp: end session", slog.String("sub", userID), slog.String("client_id", clientID))
	return nil
}

// RevokeToken implements op.AuthStorage for access tokens.
func (s *storage) RevokeToken(_ context.Context, tokenOrTokenID, _, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tokenOrTokenID]
	if !ok {
		return nil // RFC 7009: an unknown token is not an error.
	}
	if t.clientID != clientID {
		return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
	}
	delete(s.tokens, tokenOrTokenID)
	return nil
}

// GetRefreshTokenInfo implements op.AuthStorage.
func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

// SigningKey implements op.AuthStorage.
func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	return s.signing, nil
}

// SignatureAlgorithms implements op.AuthStorage.
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{s.signing.SignatureAlgorithm()}, nil
}

// KeySet implements op.AuthStorage.
func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{s.signing}}, nil
}

// GetClientByClientID implements op.OPStorage.
func (s *storage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	c, ok := s.clients[clientID]
	if !ok {
		return nil, fmt.Errorf("client %q: %w", clientID, errNotFound)
	}
	return c, nil
}

// AuthorizeClientIDSecret implements op.OPStorage.
func (s *storage) AuthorizeClientIDSecret(_ context.Context, clientID, clientSecret string) error {
	var secret string
	c, ok := s.clients[clientID]
	if ok {
		secret = c.secret
	}
	want := sha256.Sum256([]byte(secret))
	got := sha256.Sum256([]byte(clientSecret))
	if subtle.ConstantTimeCompare(want[:], got[:]) != 1 || !ok {
		return fmt.Errorf("devidp: client %q: wrong client secret", clientID)
	}
	return nil
}

// SetUserinfoFromScopes implements op.OPStorage; the op asks implementations
// to leave it empty and to use SetUserinfoFromRequest.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest implements op.CanSetUserinfoFromRequest: the claims
// of the ID token.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return s.setUserinfo(info, req.GetSubject(), scopes)
}

// SetUserinfoFromToken implements op.OPStorage: the userinfo endpoint.
func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	now := s.now()
	s.mu.Unlock()
	if !ok || t.subject != subject || !now.Before(t.expires) {
		return errors.New("devidp: access token unknown or expired")
	}
	return s.setUserinfo(info, subject, t.scopes)
}

func (s *storage) setUserinfo(info *oidc.UserInfo, subject string, scopes []string) error {
	acc, ok := s.accountBySubject(subject)
	if !ok {
		return fmt.Errorf("devidp: account for subject %q: %w", subject, errNotFound)
	}
	info.Subject = acc.subject
	for _, scope := range scopes {
		switch scope {
		case oidc.ScopeEmail:
			info.Email = acc.Email
			info.EmailVerified = oidc.Bool(acc.EmailVerified)
			// The email_verified field is omitempty, so false would vanish;
			// an extra claim of the same name makes false explicit.
			info.AppendClaims("email_verified", acc.EmailVerified)
		case oidc.ScopeProfile:
			info.Name = acc.Name
		}
	}
	return nil
}

// SetIntrospectionFromToken implements op.OPStorage.
func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	now := s.now()
	s.mu.Unlock()
	if !ok || t.subject != subject || t.clientID != clientID || !now.Before(t.expires) {
		return errors.New("devidp: access token unknown, expired or not issued to this client")
	}
	info := new(oidc.UserInfo)
	if err := s.setUserinfo(info, subject, t.scopes); err != nil {
		return err
	}
	resp.SetUserInfo(info)
	resp.Scope = t.scopes
	resp.ClientID = t.clientID
	resp.Audience = []string{t.clientID}
	resp.Expiration = oidc.FromTime(t.expires)
	return nil
}

// GetPrivateClaimsFromScopes implements op.OPStorage; there are no private claims.
func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

// GetKeyByIDAndClientID implements op.OPStorage. Clients authenticate with
// secrets only, so there are no client keys (no private_key_jwt, no JWT
// profile grant).
func (s *storage) GetKeyByIDAndClientID(_ context.Context, keyID, clientID string) (*jose.JSONWebKey, error) {
	return nil, fmt.Errorf("devidp: key %q of client %q: %w", keyID, clientID, errNotFound)
}

// ValidateJWTProfileScopes implements op.OPStorage.
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("devidp: the JWT profile grant is not supported")
}

// Health implements op.Storage.
func (s *storage) Health(context.Context) error {
	return nil
}

// signingKey is the RSA key generated at New.
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

// publicKey is the signing key's public half, published at the JWKS endpoint.
type publicKey struct {
	signing signingKey
}

func (k publicKey) ID() string                         { return k.signing.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.signing.key.PublicKey }
