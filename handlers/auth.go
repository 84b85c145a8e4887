package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"ctap/models"
	"ctap/views"
	"ctap/web/reqctx"
)

// SignInProvider is the OpenID Connect relying party as the handlers see
// it (implemented in package web).
type SignInProvider interface {
	AuthCodeURL(state, nonce, verifier string) (string, error)
	Exchange(ctx context.Context, code, verifier, nonce string) (ProviderClaims, error)
	EndSessionURL(idTokenHint, postLogoutRedirect string) (string, bool)
	Issuer() string
}

// ProviderClaims is what the provider asserted about the person.
type ProviderClaims struct {
	Issuer, Subject, Email, Name string
	EmailVerified                bool
	Groups                       []string
	RawIDToken                   string
}

// ErrProviderUnavailable is returned by AuthCodeURL while discovery has not
// succeeded.
var ErrProviderUnavailable = errors.New("OpenID Provider unavailable")

// pendingSignIn is what a started sign-in keeps server-side, in the
// browser's session, until the provider sends the browser back.
type pendingSignIn struct {
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"`
	Next     string    `json:"x"`
	Started  time.Time `json:"t"`
}

const (
	pendingKey      = "oidc_pending"
	idTokenKey      = "id_token"
	pendingLifetime = 10 * time.Minute
	maxPending      = 5 // sign-ins started in other tabs
)

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (h *Handlers) loadPending(c echo.Context) map[string]pendingSignIn {
	m := map[string]pendingSignIn{}
	if s := h.Sessions.GetString(ctx(c), pendingKey); s != "" {
		_ = json.Unmarshal([]byte(s), &m)
	}
	for state, p := range m {
		if time.Since(p.Started) > pendingLifetime {
			delete(m, state)
		}
	}
	return m
}

func (h *Handlers) savePending(c echo.Context, m map[string]pendingSignIn) {
	if len(m) == 0 {
		h.Sessions.Remove(ctx(c), pendingKey)
		return
	}
	b, _ := json.Marshal(m)
	h.Sessions.Put(ctx(c), pendingKey, string(b))
}

// Login starts the authorization code flow with PKCE, a single-use state
// and a nonce, remembering where the visitor wants to go afterwards.
func (h *Handlers) Login(c echo.Context) error {
	next := LocalPath(c.QueryParam("next"))
	if u := reqctx.User(ctx(c)); u != nil {
		return c.Redirect(http.StatusSeeOther, h.landing(u, next))
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	target, err := h.SignIn.AuthCodeURL(state, nonce, verifier)
	if err != nil {
		h.Logger.Warn("sign-in unavailable", "err", err)
		return render(c, http.StatusServiceUnavailable, views.SignInProblemPage(views.SignInProblem{
			TitleID: "signin.unavailable_title", MessageID: "signin.unavailable_message", Next: next,
		}))
	}
	pending := h.loadPending(c)
	for len(pending) >= maxPending {
		oldest := ""
		for s, p := range pending {
			if oldest == "" || p.Started.Before(pending[oldest].Started) {
				oldest = s
			}
		}
		delete(pending, oldest)
	}
	pending[state] = pendingSignIn{Nonce: nonce, Verifier: verifier, Next: next, Started: time.Now()}
	h.savePending(c, pending)
	return c.Redirect(http.StatusFound, target)
}

// Callback finishes sign-in: the state must be one this browser started
// (single use), the code is exchanged with the PKCE verifier, the ID token
// verified and its nonce checked; then the account is found or created,
// and the session token renewed.
func (h *Handlers) Callback(c echo.Context) error {
	state := c.QueryParam("state")
	pending := h.loadPending(c)
	p, ok := pending[state]
	if ok {
		delete(pending, state)
		h.savePending(c, pending)
	}
	fail := func(reason string, err error) error {
		h.Logger.Warn("sign-in refused", "reason", reason, "err", err)
		_ = models.RecordEvent(ctx(c), h.DB, h.audit(c), models.ActionSignInFailed, models.AuditTarget{}, map[string]any{"reason": reason})
		return render(c, http.StatusBadRequest, views.SignInProblemPage(views.SignInProblem{
			TitleID: "signin.failed_title", MessageID: "signin.failed_message", Next: p.Next,
		}))
	}
	if state == "" || !ok {
		return fail("unknown or reused state", nil)
	}
	if e := c.QueryParam("error"); e != "" {
		// Anyone can send a browser to the callback with any error text:
		// the audit trail keeps only a code the standards define.
		return fail("provider error: "+providerErrorCode(e), fmt.Errorf("%q: %q", truncate(e, 100), truncate(c.QueryParam("error_description"), 200)))
	}
	code := c.QueryParam("code")
	if code == "" {
		return fail("no code", nil)
	}
	exCtx, cancel := context.WithTimeout(ctx(c), 15*time.Second)
	defer cancel()
	claims, err := h.SignIn.Exchange(exCtx, code, p.Verifier, p.Nonce)
	if err != nil {
		return fail("token exchange or ID token refused", err)
	}
	id := models.Identity{
		Issuer: claims.Issuer, Subject: claims.Subject, Email: claims.Email,
		EmailVerified: claims.EmailVerified, Name: claims.Name,
	}
	if a, ok := h.mapGroups(ctx(c), claims.Groups); ok {
		id.Mapped = &a
	}
	res, err := models.SignIn(ctx(c), h.DB, id, h.SignInPolicy, h.audit(c))
	if err != nil {
		return err
	}
	u, err := models.UserByID(ctx(c), h.DB, res.User.ID) // with its State or organization
	if err != nil {
		return err
	}
	if u.Status == models.StatusDisabled {
		return render(c, http.StatusForbidden, views.SignInProblemPage(views.SignInProblem{
			TitleID: "signin.disabled_title", MessageID: "signin.disabled_message", Contact: true,
		}))
	}
	// A new token at every sign-in: a session fixed before cannot be used;
	// and a new CSRF token with it.
	if err := h.Sessions.RenewToken(ctx(c)); err != nil {
		return fmt.Errorf("renew session: %w", err)
	}
	h.forgetCSRFToken(c)
	h.Sessions.Put(ctx(c), models.SessionUserKey, u.ID)
	h.Sessions.Put(ctx(c), idTokenKey, claims.RawIDToken)
	if u.Status == models.StatusActive {
		h.flash(c, "success", "signin.welcome", map[string]any{"Name": u.DisplayName()})
	}
	return c.Redirect(http.StatusSeeOther, h.landing(&u, p.Next))
}

// landing is where a user goes after signing in: the page they came from,
// else their own place (a focal point's State, a donor's organization).
func (h *Handlers) landing(u *models.User, next string) string {
	if u.Status == models.StatusPending {
		return "/pending"
	}
	if next != "" && next != "/" {
		return next
	}
	switch {
	case u.HasRole(models.RoleFocalPoint) && u.MemberState != nil:
		return "/states/" + u.MemberState.ISO3
	case u.HasRole(models.RoleDonor) && u.DonorOrganization != nil:
		return "/donors/" + u.DonorOrganization.Slug
	case u.HasRole(models.RoleAdmin):
		return "/admin/users"
	case u.HasRole(models.RoleSecretariat):
		return "/review"
	}
	return "/"
}

// mapGroups turns the provider's groups into a role and scope through
// OIDC_GROUP_ROLES; the most powerful mapped role wins.
func (h *Handlers) mapGroups(c context.Context, groups []string) (models.Assignment, bool) {
	best, found := models.Assignment{}, false
	rank := map[models.Role]int{}
	for i, r := range models.Roles() {
		rank[r] = i
	}
	for _, g := range groups {
		spec, ok := h.GroupRoles[g]
		if !ok {
			continue
		}
		role, scope, _ := strings.Cut(spec, ":")
		a := models.Assignment{Role: models.Role(role)}
		switch a.Role {
		case models.RoleFocalPoint:
			s, err := h.Reference.MemberStateByISO3(c, scope)
			if err != nil {
				h.Logger.Warn("OIDC_GROUP_ROLES names an unknown State", "group", g, "scope", scope)
				continue
			}
			a.MemberStateID = &s.ID
		case models.RoleDonor:
			d, err := models.DonorOrganizationBySlug(c, h.DB, scope)
			if err != nil {
				h.Logger.Warn("OIDC_GROUP_ROLES names an unknown donor organization", "group", g, "scope", scope)
				continue
			}
			a.DonorOrganizationID = &d.ID
		}
		if a.Validate() != nil {
			continue
		}
		if !found || rank[a.Role] > rank[best.Role] {
			best, found = a, true
		}
	}
	return best, found
}

// Logout ends the local session (a POST, with its CSRF token) and, when
// the provider advertises an end_session_endpoint, signs out there too.
func (h *Handlers) Logout(c echo.Context) error {
	if u := reqctx.User(ctx(c)); u != nil {
		if err := models.RecordEvent(ctx(c), h.DB, h.audit(c), models.ActionSignOut, models.Target("user", u.ID), nil); err != nil {
			return err
		}
	}
	hint := h.Sessions.GetString(ctx(c), idTokenKey)
	if err := h.Sessions.Destroy(ctx(c)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	h.forgetCSRFToken(c)
	if target, ok := h.SignIn.EndSessionURL(hint, h.BaseURL+"/"); ok && hint != "" {
		return c.Redirect(http.StatusSeeOther, target)
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// Pending is where an account awaiting approval lands: it says why the
// account sees only the public pages and whom to ask.
func (h *Handlers) Pending(c echo.Context) error {
	return render(c, http.StatusOK, views.PendingPage())
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// CSRFCookie is the cookie holding the CSRF token (web's CSRF middleware
// sets it).
const CSRFCookie = "ctap_csrf"

// forgetCSRFToken expires the CSRF cookie when a person signs in or out:
// the next page gets a new token, so a token seen before (on a shared
// computer, or planted by someone else) is worth nothing after.
func (h *Handlers) forgetCSRFToken(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: CSRFCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.LanguageCookieSecure, SameSite: http.SameSiteLaxMode})
}

// providerErrorCode is the error an OpenID Provider sent back, if it is one
// of the codes OAuth 2.0 (RFC 6749, 4.1.2.1) and OpenID Connect Core
// (3.1.2.6) define, else "other".
func providerErrorCode(e string) string {
	switch e {
	case "invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type", "invalid_scope",
		"server_error", "temporarily_unavailable", "interaction_required", "login_required", "account_selection_required",
		"consent_required", "invalid_request_uri", "invalid_request_object", "request_not_supported",
		"request_uri_not_supported", "registration_not_supported":
		return e
	}
	return "other"
}
