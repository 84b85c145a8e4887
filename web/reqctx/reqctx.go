// Package reqctx carries what middleware learns about a request (the
// signed-in user, the CSRF token, the language, the flash message) in the
// request's context, read through typed accessors by handlers and views.
// Echo's c.Set is invisible to templ; the context is not.
package reqctx

import (
	"context"

	"ctap/models"
	"ctap/web/i18n"
)

type key int

const (
	localizerKey key = iota
	csrfKey
	flashKey
	pathKey
	requestIDKey
	catalogueKey
)

// WithLocalizer records the request's language.
func WithLocalizer(ctx context.Context, l *i18n.Localizer) context.Context {
	return context.WithValue(ctx, localizerKey, l)
}

// Localizer returns the request's language; nil outside a request.
func Localizer(ctx context.Context) *i18n.Localizer {
	l, _ := ctx.Value(localizerKey).(*i18n.Localizer)
	return l
}

// WithCatalogue records the catalogue, for the language switcher.
func WithCatalogue(ctx context.Context, c *i18n.Catalogue) context.Context {
	return context.WithValue(ctx, catalogueKey, c)
}

// Catalogue returns the message catalogue; nil outside a request.
func Catalogue(ctx context.Context) *i18n.Catalogue {
	c, _ := ctx.Value(catalogueKey).(*i18n.Catalogue)
	return c
}

// WithCSRFToken records the token every form of the page must carry.
func WithCSRFToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfKey, token)
}

// CSRFToken returns the request's CSRF token.
func CSRFToken(ctx context.Context) string {
	s, _ := ctx.Value(csrfKey).(string)
	return s
}

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind    string // "success", "info", "error"
	Message string // already translated
}

// WithFlash records the message to show on this page.
func WithFlash(ctx context.Context, f Flash) context.Context {
	return context.WithValue(ctx, flashKey, f)
}

// FlashMessage returns the flash for this page, if any.
func FlashMessage(ctx context.Context) (Flash, bool) {
	f, ok := ctx.Value(flashKey).(Flash)
	return f, ok && f.Message != ""
}

// WithPath records the request's path and query, so the page can link back
// to itself (language switcher, sign-in return).
func WithPath(ctx context.Context, p string) context.Context {
	return context.WithValue(ctx, pathKey, p)
}

// Path returns the request's path and query.
func Path(ctx context.Context) string {
	s, _ := ctx.Value(pathKey).(string)
	return s
}

// WithRequestID records the request ID, shown on error pages for support.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request ID.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

type userKey struct{}

// WithUser records the signed-in user (nil: anonymous).
func WithUser(ctx context.Context, u *models.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// User returns the signed-in user, nil when anonymous.
func User(ctx context.Context) *models.User {
	u, _ := ctx.Value(userKey{}).(*models.User)
	return u
}

type devKey struct{}

// WithDevMode records that the development provider is mounted, so pages
// say they run in development.
func WithDevMode(ctx context.Context, on bool) context.Context {
	return context.WithValue(ctx, devKey{}, on)
}

// DevMode tells whether the portal runs with the development provider.
func DevMode(ctx context.Context) bool {
	on, _ := ctx.Value(devKey{}).(bool)
	return on
}

type waitingKey struct{}

// WithWaiting records the navigation's counts of what waits for the user.
func WithWaiting(ctx context.Context, w models.WaitingCounts) context.Context {
	return context.WithValue(ctx, waitingKey{}, w)
}

// Waiting returns the counts of what waits for the user (zero: nothing).
func Waiting(ctx context.Context) models.WaitingCounts {
	w, _ := ctx.Value(waitingKey{}).(models.WaitingCounts)
	return w
}

type contactKey struct{}

// WithContactEmail records the address people write to the administrators
// at (CTAP_CONTACT_EMAIL), which pages give to those who wait or were
// turned away.
func WithContactEmail(ctx context.Context, email string) context.Context {
	return context.WithValue(ctx, contactKey{}, email)
}

// ContactEmail returns the administrators' address, "" when none is set.
func ContactEmail(ctx context.Context) string {
	s, _ := ctx.Value(contactKey{}).(string)
	return s
}
