package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"ctap/handlers"
	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// sessionCookie names the session cookie.
const sessionCookie = "ctap_session"

// newSessionManager keeps sessions in PostgreSQL (models.SessionStore), so
// they survive restarts and are valid on every replica.
func newSessionManager(cfg Config, store *models.SessionStore) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = cfg.SessionLifetime // absolute; the store enforces the idle timeout
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.Secure()
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false // a browser session cookie; the server decides expiry
	return sm
}

// sessionMiddleware loads the session and its user in one query, ends the
// session of a disabled or deleted account, and puts the user and any flash
// message in the request context.
func (s *Server) sessionMiddleware() []echo.MiddlewareFunc {
	prepare := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, _ := models.WithSessionSlot(c.Request().Context())
			ctx = models.WithSessionMeta(ctx, models.SessionMeta{IP: c.RealIP(), UserAgent: c.Request().UserAgent()})
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
	loadUser := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx := c.Request().Context()
			slot := models.SessionSlotFrom(ctx)
			var user *models.User
			if id := s.sessions.GetInt64(ctx, models.SessionUserKey); id != 0 {
				switch {
				case slot == nil || slot.User == nil || slot.User.ID != id:
					_ = s.sessions.Destroy(ctx) // the account is gone
				case slot.User.Status == models.StatusDisabled:
					return s.signOutDisabled(c, id)
				default:
					user = slot.User
					ctx = reqctx.WithWaiting(ctx, slot.Waiting)
				}
			}
			ctx = reqctx.WithUser(ctx, user)
			if f, ok := handlers.PopFlash(s.sessions, ctx); ok {
				ctx = reqctx.WithFlash(ctx, f)
			}
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
	return []echo.MiddlewareFunc{prepare, echo.WrapMiddleware(s.sessions.LoadAndSave), loadUser}
}

// signOutDisabled ends every session of a disabled account and sends the
// browser to the home page, in a fresh anonymous session whose flash says
// why it was signed out and whom to ask: a page to land on, not a refusal.
func (s *Server) signOutDisabled(c echo.Context, userID int64) error {
	ctx := c.Request().Context()
	if err := s.sessions.Destroy(ctx); err != nil {
		return fmt.Errorf("end the session of disabled user %d: %w", userID, err)
	}
	if err := models.DeleteUserSessions(ctx, s.db, userID); err != nil {
		return fmt.Errorf("end the sessions of disabled user %d: %w", userID, err)
	}
	msg := views.DisabledSignedOutMessage(ctx)
	handlers.PutFlash(s.sessions, ctx, reqctx.Flash{Kind: "error", Message: msg})
	return c.Redirect(http.StatusSeeOther, "/")
}

// csrfMiddleware requires a valid token on every state-changing request,
// from any browser: the token rides in a hidden form field (or the
// X-CSRF-Token header) and is checked against its HttpOnly cookie. A
// cross-site state-changing request is refused before that.
func (s *Server) csrfMiddleware() []echo.MiddlewareFunc {
	fetchMetadata := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions &&
				r.Header.Get("Sec-Fetch-Site") == "cross-site" && !isDevIDP(c) {
				return echo.NewHTTPError(http.StatusForbidden, "cross-site request")
			}
			// Echo lets same-origin browser requests through on this header
			// alone; CTAP wants the token every time.
			r.Header.Del("Sec-Fetch-Site")
			// An empty cookie and an empty token are equal to Echo's
			// comparison: a request must carry a token it was given.
			if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions && !isDevIDP(c) {
				if k, err := r.Cookie(handlers.CSRFCookie); err == nil && k.Value == "" {
					return echo.NewHTTPError(http.StatusForbidden, "invalid CSRF token")
				}
			}
			return next(c)
		}
	}
	csrf := middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     handlers.CSRFCookie,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.cfg.Secure(),
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   int((12 * time.Hour).Seconds()),
		Skipper:        isDevIDP, // the provider's own form posts to itself
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "invalid CSRF token")
		},
	})
	toContext := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if tok, ok := c.Get("csrf").(string); ok {
				c.SetRequest(c.Request().WithContext(reqctx.WithCSRFToken(c.Request().Context(), tok)))
			}
			return next(c)
		}
	}
	return []echo.MiddlewareFunc{fetchMetadata, csrf, toContext}
}

func isDevIDP(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == DevIDPPath || strings.HasPrefix(p, DevIDPPath+"/")
}

// guard lets a request through when the policy grants perm; otherwise an
// anonymous visitor is sent to sign in, a pending account to its waiting
// page, and anyone else gets 403.
func guard(perm policy.Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := reqctx.User(c.Request().Context())
			if policy.Anyone(u, perm) {
				return next(c)
			}
			safe := c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead
			switch {
			case u == nil && safe:
				return c.Redirect(http.StatusSeeOther, "/auth/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			case u != nil && u.Status == models.StatusPending && safe:
				return c.Redirect(http.StatusSeeOther, "/pending")
			}
			return models.ErrForbidden
		}
	}
}

// Route is one registered route and the permission that guards it.
type Route struct {
	Method     string
	Path       string
	Permission policy.Permission
}

// handle registers a route behind the policy; every route goes through it,
// so none can exist without a rule.
func (s *Server) handle(method, path string, perm policy.Permission, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	s.rules = append(s.rules, Route{Method: method, Path: path, Permission: perm})
	s.Echo.Add(method, path, h, append([]echo.MiddlewareFunc{guard(perm)}, mw...)...)
}

// signInLimiter limits sign-in attempts per client address. Its memory is
// per replica: behind N replicas an address gets at most N times the rate.
func (s *Server) signInLimiter() echo.MiddlewareFunc {
	perSecond := float64(s.cfg.SignInPerMinute) / 60
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(perSecond), Burst: s.cfg.SignInPerMinute, ExpiresIn: 10 * time.Minute,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			return echo.NewHTTPError(http.StatusTooManyRequests, "too many sign-in attempts")
		},
	})
}

// Routes lists every route with its permission (the policy test walks it).
func (s *Server) Routes() []Route { return append([]Route(nil), s.rules...) }

// startBackground runs discovery and the expired-session sweep until ctx
// ends.
func (s *Server) startBackground(ctx context.Context) {
	go s.oidc.discover(ctx)
	go func() {
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if n, err := models.DeleteExpiredSessions(ctx, s.db, s.cfg.SessionIdle); err != nil {
					s.logger.Warn("sweep expired sessions", "err", err)
				} else if n > 0 {
					s.logger.Info("swept expired sessions", "count", n)
				}
			}
		}
	}()
}
