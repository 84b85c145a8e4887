package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"ctap/assets"
	"ctap/handlers"
	"ctap/web/i18n"
	"ctap/web/reqctx"
)

// middleware installs the chain every request goes through, outermost first.
func (s *Server) middleware(cat *i18n.Catalogue) {
	e := s.Echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestID())
	e.Use(s.secureHeaders)
	e.Use(s.metrics.middleware)
	e.Use(s.accessLog())
	// Errors become pages here, inside the metrics and the access log, so
	// both see the status the visitor got.
	e.Use(s.metrics.countStatements(s.observe))
	// Compression wraps the error pages too: nothing is written after it.
	e.Use(compression())
	e.Use(handleErrorsHere)
	e.Use(s.recoverPanics)
	e.Use(middleware.BodyLimit(s.cfg.BodyLimit))
	e.Use(refuseMalformedText)
	e.Use(requestContext(cat, s.devIDP != nil, s.cfg.ContactEmail))
	for _, m := range append(s.sessionMiddleware(), s.csrfMiddleware()...) {
		e.Use(withoutCookies(m))
	}
	e.Use(noStoreWhenSignedIn)
}

// withoutCookies leaves out of a middleware the requests cookies have no
// part in: the JSON API (cookies never authenticate it, nor are they set
// on its answers), the assets (immutable, shared by every visitor), the
// probes and the metrics. None of them reads or sets the session or the
// CSRF cookie, so none varies by Cookie.
func withoutCookies(m echo.MiddlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		withM := m(next)
		return func(c echo.Context) error {
			if isAPI(c) || cookieless(c.Request().URL.Path) {
				return next(c)
			}
			return withM(c)
		}
	}
}

func cookieless(path string) bool {
	return strings.HasPrefix(path, "/assets/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// noStoreWhenSignedIn keeps what a signed-in person is shown out of every
// cache, the browser's own included: a shared computer's next user
// pressing Back, or a proxy, must not see it. Public pages stay cacheable.
func noStoreWhenSignedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if reqctx.User(c.Request().Context()) != nil {
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		}
		return next(c)
	}
}

// refuseMalformedText answers 400 to a request whose path or query holds
// a NUL byte or bytes that are not UTF-8: PostgreSQL refuses such text,
// and anyone could otherwise turn it into a 500 and an error in the log at
// will. A form's fields are the form mechanism's: it says so beside the
// field, with the input back (models.checkText).
func refuseMalformedText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		bad := !cleanText(r.URL.Path)
		// c.QueryParams parses the query once for the whole request.
		for k, vs := range c.QueryParams() {
			bad = bad || !cleanText(k) || slices.ContainsFunc(vs, func(v string) bool { return !cleanText(v) })
		}
		if bad {
			return echo.NewHTTPError(http.StatusBadRequest, "a NUL byte or text that is not UTF-8")
		}
		return next(c)
	}
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func handleErrorsHere(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := next(c); err != nil {
			c.Error(err)
		}
		return nil
	}
}

// recoverPanics turns a panic into a 500 page and a log line with its stack.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				stack := make([]byte, 8<<10)
				stack = stack[:runtime.Stack(stack, false)]
				s.logger.Error("panic", "panic", fmt.Sprint(r), "stack", string(stack),
					"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

// accessLog writes one structured line per request.
func (s *Server) accessLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, LogLatency: true,
		LogRemoteIP: true, LogRequestID: true, LogRoutePath: true, LogResponseSize: true,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return p == "/healthz" || p == "/readyz" || p == "/metrics"
		},
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			s.logger.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method),
				slog.String("uri", v.URI),
				slog.String("route", v.RoutePath),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.Int64("bytes", v.ResponseSize),
				slog.String("ip", v.RemoteIP),
				slog.String("request_id", v.RequestID),
			)
			return nil
		},
	})
}

// secureHeaders sets the headers every answer carries. The
// Content-Security-Policy allows nothing inline: pages need no script and
// style only from the portal's own stylesheets. Its form-action names the
// OpenID Provider besides the portal (see extraFormOrigins); as discovery
// may add an origin once it succeeds, the policy is rebuilt when the
// discovered provider changes, and reused otherwise.
func (s *Server) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	var built atomic.Pointer[policyFor]
	hsts := s.cfg.Secure()
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", s.contentSecurityPolicy(&built))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// policyFor is the Content-Security-Policy built for one state of
// discovery (provider nil: not discovered yet).
type policyFor struct {
	provider *oidcProvider
	csp      string
}

// contentSecurityPolicy returns the policy for the provider discovered now,
// building it the first time that provider is seen.
func (s *Server) contentSecurityPolicy(built *atomic.Pointer[policyFor]) string {
	var p *oidcProvider
	if s.oidc != nil {
		p = s.oidc.ready.Load()
	}
	if b := built.Load(); b != nil && b.provider == p {
		return b.csp
	}
	formAction := "'self'"
	for _, o := range s.extraFormOrigins(p) {
		formAction += " " + o
	}
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"font-src 'self'",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action " + formAction,
		"frame-ancestors 'none'",
	}, "; ")
	built.Store(&policyFor{provider: p, csp: csp})
	return csp
}

// extraFormOrigins are origins a form may lead to besides the portal: the
// OpenID Provider, whose pages a sign-in or sign-out redirects to. Browsers
// apply form-action to the redirects that follow a form's submission, so
// without them the sign-out form's POST to /auth/logout, answered with a
// redirect to the provider's end_session_endpoint, goes nowhere. They are
// the configured issuer's origin, known from the start, and the origin of
// the end_session_endpoint that discovery (p, nil until it succeeds)
// advertised, when it is elsewhere. Origins equal to the portal's own are
// left to 'self'.
func (s *Server) extraFormOrigins(p *oidcProvider) []string {
	self := ""
	if s.cfg.BaseURL != nil {
		self = originOf(s.cfg.BaseURL.String())
	}
	var out []string
	add := func(raw string) {
		o := originOf(raw)
		if o == "" || o == self || slices.Contains(out, o) {
			return
		}
		out = append(out, o)
	}
	add(s.cfg.OIDC.Issuer)
	if p != nil {
		add(p.endSession)
	}
	return out
}

// originOf is the scheme://host[:port] of an absolute http(s) URL, as a
// Content-Security-Policy source; "" for anything else, or for a host that
// could not stand in a policy.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	host := strings.ToLower(u.Host)
	if strings.ContainsAny(host, " \t\r\n;,'\"") {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + host
}

// requestContext puts the language, the catalogue, the path, the request
// ID and the administrators' address into the request context, where
// handlers and views read them.
func requestContext(cat *i18n.Catalogue, dev bool, contactEmail string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			choice := ""
			if ck, err := r.Cookie(handlers.LanguageCookie()); err == nil {
				choice = ck.Value
			}
			l := cat.Pick(choice, r.Header.Get("Accept-Language"))
			ctx := reqctx.WithLocalizer(r.Context(), l)
			ctx = reqctx.WithCatalogue(ctx, cat)
			ctx = reqctx.WithPath(ctx, r.URL.RequestURI())
			ctx = reqctx.WithRequestID(ctx, c.Response().Header().Get(echo.HeaderXRequestID))
			ctx = reqctx.WithContactEmail(ctx, contactEmail)
			if dev {
				ctx = reqctx.WithDevMode(ctx, true)
			}
			c.SetRequest(r.WithContext(ctx))
			// An asset, a probe or the metrics are the same in every
			// language: they vary by neither (an error page among them
			// still speaks the visitor's language).
			if !cookieless(r.URL.Path) {
				c.Response().Header().Set("Content-Language", l.Tag)
				c.Response().Header().Add("Vary", "Accept-Language, Cookie")
			}
			return next(c)
		}
	}
}

// compression gzips answers of 1 KiB or more for clients that accept it,
// with klauspost/compress's gzhttp at the fastest level: CPU is what limits
// throughput, and the fastest level still shrinks HTML about fivefold. The
// development provider (which sets its own lengths) and /metrics (which
// compresses itself) are left alone.
func compression() echo.MiddlewareFunc {
	wrap, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzip.BestSpeed), gzhttp.MinSize(1024))
	if err != nil {
		panic(fmt.Sprintf("compression: %v", err)) // the options above are constants
	}
	gz := echo.WrapMiddleware(func(h http.Handler) http.Handler { return wrap(h) })
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		compressed := gz(next)
		return func(c echo.Context) error {
			if isDevIDP(c) || c.Request().URL.Path == "/metrics" {
				return next(c)
			}
			// Echo's adapter leaves the context on a response over gzhttp's
			// pooled writer, released once the handler returns: put the
			// outer response back, with what was written through it.
			outer := c.Response()
			err := compressed(c)
			inner := c.Response()
			outer.Status, outer.Size, outer.Committed = inner.Status, inner.Size, inner.Committed
			c.SetResponse(outer)
			return err
		}
	}
}

// serveAsset answers a content-hashed asset name with a one-year immutable
// cache lifetime; an unknown or outdated name is the portal's 404.
func serveAsset(c echo.Context) error {
	name := strings.TrimPrefix(c.Request().URL.Path, assets.Prefix)
	b, contentType, ok := assets.Lookup(name)
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, contentType, b)
}
