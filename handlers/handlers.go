// Package handlers turns HTTP requests into calls on models and renders the
// answer with views. A handler parses and validates its input, asks the
// policy, calls models and renders; it holds no SQL.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"ctap/web/i18n"
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
	return c.Redirect(http.StatusSeeOther, LocalPath(c.QueryParam("next")))
}

// LanguageCookie is the name of the cookie holding the chosen language.
func LanguageCookie() string { return langCookie }
