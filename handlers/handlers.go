// Package handlers turns HTTP requests into calls on models and renders the
// answer with views. A handler parses and validates its input, asks the
// policy, calls models and renders; it holds no SQL.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/danielgtaylor/huma/v2"
	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"ctap/models"
	"ctap/web/i18n"
	"ctap/web/jobs"
	"ctap/web/reqctx"
)

// Handlers holds what every handler depends on.
type Handlers struct {
	DB        *gorm.DB
	Logger    *slog.Logger
	Catalogue *i18n.Catalogue
	// Ready reports whether the database is reachable and its schema current.
	Ready func(ctx context.Context) error
	// LanguageCookieSecure marks the language cookie Secure on https sites.
	LanguageCookieSecure bool

	Sessions     *scs.SessionManager
	SignIn       SignInProvider
	SignInPolicy models.SignInPolicy
	// GroupRoles maps provider groups to "role" or "role:SCOPE".
	GroupRoles map[string]string
	// BaseURL is the portal's public address, e.g. https://ctap.example.org.
	BaseURL     string
	SessionIdle time.Duration
	// Reference is the read-only cache of the States and instruments.
	Reference *models.ReferenceCache
	// Validate checks the shape of decoded forms (see form.go).
	Validate *models.FormChecker
	// Dashboards keeps the dashboards' figures for a short while, one copy
	// per visibility class (CTAP_DASHBOARD_CACHE_TTL).
	Dashboards *models.DashboardCache
	// Jobs lists and retries the job queue's failing jobs (/admin/jobs).
	Jobs *jobs.Queue
	// OpenAPI is the API's description, which /api renders (set once the
	// API's operations are registered).
	OpenAPI *huma.OpenAPI
	// MailpitURL is the development mail catcher's API (/dev-mail), "" when
	// none.
	MailpitURL string
}

// audit describes who acts in this request, for the audit trail.
func (h *Handlers) audit(c echo.Context) models.AuditContext {
	return models.AuditContext{
		Actor:     reqctx.User(ctx(c)),
		IP:        c.RealIP(),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
	}
}

// flashKey is the session value holding the next page's message.
const flashKey = "flash"

// flash leaves a translated message for the page the redirect leads to.
func (h *Handlers) flash(c echo.Context, kind, messageID string, data map[string]any) {
	msg := localizer(c).Data(messageID, data)
	h.Sessions.Put(ctx(c), flashKey, kind+"|"+msg)
}

// PutFlash leaves a message, already translated, for the next page; for
// middleware, which has no handler to call flash.
func PutFlash(sm *scs.SessionManager, c context.Context, f reqctx.Flash) {
	sm.Put(c, flashKey, f.Kind+"|"+f.Message)
}

// flashCount is flash for a message whose words follow a count ("1 other
// session", "5 other sessions"): the catalogue's plural forms choose.
func (h *Handlers) flashCount(c echo.Context, kind, messageID string, count int, data map[string]any) {
	msg := localizer(c).Plural(messageID, count, data)
	h.Sessions.Put(ctx(c), flashKey, kind+"|"+msg)
}

// PopFlash takes the message left by the previous request, if any.
func PopFlash(sm *scs.SessionManager, c context.Context) (reqctx.Flash, bool) {
	s := sm.PopString(c, flashKey)
	if s == "" {
		return reqctx.Flash{}, false
	}
	kind, msg, _ := strings.Cut(s, "|")
	return reqctx.Flash{Kind: kind, Message: msg}, true
}

// redirectAfterPost sends the browser on with 303, as every successful
// form submission does.
func redirectAfterPost(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}

// render writes a page into a buffer first, so a failed render never sends
// half a page, then sends it with the given status.
func render(c echo.Context, status int, page templ.Component) error {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := page.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// Render is render for the web package's error handler.
func Render(c echo.Context, status int, page templ.Component) error { return render(c, status, page) }

// localizer is the request's language.
func localizer(c echo.Context) *i18n.Localizer {
	return reqctx.Localizer(c.Request().Context())
}

// ctx is the request's context.
func ctx(c echo.Context) context.Context { return c.Request().Context() }

// langCookie remembers the visitor's language for a year.
const langCookie = "ctap_lang"

// SetLanguage remembers the chosen language and goes back to the page the
// visitor was on.
func (h *Handlers) SetLanguage(c echo.Context) error {
	tag := c.Param("tag")
	if !h.Catalogue.Supported(tag) {
		return echo.ErrNotFound
	}
	c.SetCookie(&http.Cookie{
		Name:     langCookie,
		Value:    tag,
		Path:     "/",
		Expires:  time.Now().AddDate(1, 0, 0),
		HttpOnly: true,
		Secure:   h.LanguageCookieSecure,
		SameSite: http.SameSiteLaxMode,
	})
	// A signed-in person's emails follow the language they read in.
	if u := reqctx.User(ctx(c)); u != nil && u.Status == models.StatusActive {
		if err := models.RememberLanguage(ctx(c), h.DB, u.ID, tag); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, LocalPath(c.QueryParam("next")))
}

// LanguageCookie is the name of the cookie holding the chosen language.
func LanguageCookie() string { return langCookie }
