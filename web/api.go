package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humaecho"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"ctap/handlers"
	"ctap/models"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// The JSON API lives under handlers.APIPrefix. Cookies never
// authenticate it (the session and CSRF middleware skip it, see isAPI), so
// it needs no CSRF token and a page of another site cannot drive it with
// the visitor's session: a caller is anonymous, or the person of the
// personal access token in its Authorization header.

// isAPI tells whether a request is for the JSON API.
func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == handlers.APIPrefix || strings.HasPrefix(p, handlers.APIPrefix+"/")
}

// apiKey is where the rate limiter finds whose request it is.
const apiKey = "ctap.api_caller"

// mountAPI registers the API's operations on a group whose middleware
// authenticates the token, limits its rate and answers conditional GETs,
// and records each operation's route with the permission that guards it.
func (s *Server) mountAPI() {
	g := s.Echo.Group(handlers.APIPrefix, s.apiAuthenticate, s.apiRateLimit(), apiConditional, guard(policy.ReadPublic))
	cfg := huma.Config{
		OpenAPI: &huma.OpenAPI{
			OpenAPI: "3.1.0",
			Info: &huma.Info{
				Title:   "CTAP API",
				Version: "1.0.0",
				Description: "Read-only access to what the portal records on resolution 70/177: its paragraphs, " +
					"Member States, instruments and treaty status, needs, contributions, activities, progress, " +
					"reporting periods and donors. Without a token a caller reads what the public pages show; " +
					"with a personal access token (created at /account/tokens, sent as `Authorization: Bearer`) " +
					"it reads what its person may see. Amounts are decimal strings with their currency; dates " +
					"are ISO 8601; errors are application/problem+json (RFC 9457). Every GET answers with an " +
					"ETag and honours If-None-Match.",
			},
			Servers: []*huma.Server{{URL: s.cfg.BaseURL.String() + handlers.APIPrefix}},
			Components: &huma.Components{
				Schemas: huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer),
				SecuritySchemes: map[string]*huma.SecurityScheme{
					"token": {Type: "http", Scheme: "bearer", Description: "A personal access token from /account/tokens."},
				},
			},
			OnAddOperation: []huma.AddOpFunc{documentConditionalGET},
		},
		OpenAPIPath:                  "/openapi",
		Formats:                      huma.DefaultFormats,
		DefaultFormat:                "application/json",
		RejectUnknownQueryParameters: true,
	}
	api := humaecho.NewWithGroup(s.Echo, g, cfg)
	s.handlers.RegisterAPI(api)
	s.handlers.OpenAPI = api.OpenAPI()
	for path, item := range api.OpenAPI().Paths {
		if item.Get != nil {
			s.rules = append(s.rules, Route{Method: http.MethodGet, Path: handlers.APIPrefix + echoPath(path), Permission: policy.ReadPublic})
		}
	}
	for _, p := range []string{"/openapi.json", "/openapi.yaml", "/openapi-3.0.json", "/openapi-3.0.yaml"} {
		s.rules = append(s.rules, Route{Method: http.MethodGet, Path: handlers.APIPrefix + p, Permission: policy.ReadPublic})
	}
	// An address under the prefix that names no operation goes to the
	// group's not-found route, which Echo adds with the group's
	// middleware: handleError answers it as the API answers, with a
	// problem document.
}

// echoPath writes an OpenAPI path ("/needs/{id}") as Echo's ("/needs/:id").
func echoPath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			parts[i] = ":" + part[1:len(part)-1]
		}
	}
	return strings.Join(parts, "/")
}

// documentConditionalGET adds to every GET what apiConditional does: the
// ETag of its answer, If-None-Match, and the 304 answer; and that a token
// may authenticate it.
func documentConditionalGET(oapi *huma.OpenAPI, op *huma.Operation) {
	if op.Method != http.MethodGet {
		return
	}
	op.Security = []map[string][]string{{}, {"token": {}}}
	op.Parameters = append(op.Parameters, &huma.Param{
		Name: "If-None-Match", In: "header", Schema: &huma.Schema{Type: huma.TypeString},
		Description: "An ETag from an earlier answer: 304 Not Modified when the answer is still the same.",
	})
	if op.Responses == nil {
		op.Responses = map[string]*huma.Response{}
	}
	op.Responses["304"] = &huma.Response{Description: "Not Modified: the answer is the one of the ETag sent."}
	if ok := op.Responses["200"]; ok != nil {
		if ok.Headers == nil {
			ok.Headers = map[string]*huma.Param{}
		}
		ok.Headers["ETag"] = &huma.Param{Schema: &huma.Schema{Type: huma.TypeString}, Description: "Identifies this answer; send it back as If-None-Match."}
	}
}

// problem writes an RFC 9457 problem document.
func problem(c echo.Context, status int, detail string) error {
	body, err := json.Marshal(huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: detail})
	if err != nil {
		return err
	}
	return c.Blob(status, "application/problem+json", body)
}

// apiAuthenticate reads the personal access token, when there is one,
// and puts its person in the request context. A token that is unknown,
// expired, revoked or whose account is no longer active is refused with
// 401, never read as anonymous: the caller must learn its token is wrong.
func (s *Server) apiAuthenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Add("Vary", "Authorization")
		authz := c.Request().Header.Get(echo.HeaderAuthorization)
		if authz == "" {
			c.Set(apiKey, "address:"+c.RealIP())
			return next(c)
		}
		scheme, secret, _ := strings.Cut(authz, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="ctap"`)
			return problem(c, http.StatusUnauthorized, "Send a personal access token as Authorization: Bearer <token>.")
		}
		ctx := c.Request().Context()
		u, tok, err := models.AuthenticateAccessToken(ctx, s.db, strings.TrimSpace(secret), c.RealIP(), time.Now())
		if errors.Is(err, models.ErrTokenInvalid) {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="ctap", error="invalid_token"`)
			return problem(c, http.StatusUnauthorized, "The token is unknown, expired or revoked, or its account is not active.")
		}
		if err != nil {
			return err
		}
		c.Set(apiKey, "token:"+strconv.FormatInt(tok.ID, 10))
		c.Response().Header().Set("Cache-Control", "private, no-cache")
		c.SetRequest(c.Request().WithContext(reqctx.WithUser(ctx, u)))
		return next(c)
	}
}

// apiRateLimit limits each token (each address for anonymous calls) to
// CTAP_API_RATE requests a minute, in bursts of as many. Its memory is
// per replica, like the sign-in limit's.
func (s *Server) apiRateLimit() echo.MiddlewareFunc {
	perMinute := s.cfg.APIPerMinute
	retryAfter := strconv.Itoa(int(math.Ceil(60 / float64(perMinute))))
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(float64(perMinute) / 60), Burst: perMinute, ExpiresIn: 10 * time.Minute,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) {
			key, _ := c.Get(apiKey).(string)
			return key, nil
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", retryAfter)
			return problem(c, http.StatusTooManyRequests, "Too many requests with this token (or from this address); retry after the time given in Retry-After.")
		},
	})
}

// apiConditional gives every successful GET an ETag (a hash of the
// answer) and answers 304 when If-None-Match names it: the database is
// still asked, but an unchanged answer costs the caller no transfer.
func apiConditional(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodGet {
			return next(c)
		}
		res := c.Response()
		buf := &bufferedWriter{ResponseWriter: res.Writer}
		res.Writer = buf
		err := next(c)
		res.Writer = buf.ResponseWriter
		if err != nil || !buf.wrote {
			if buf.wrote {
				buf.flush()
			}
			return err
		}
		if buf.status != http.StatusOK {
			buf.flush()
			return nil
		}
		sum := sha256.Sum256(buf.body.Bytes())
		etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
		res.Header().Set("ETag", etag)
		if matches(c.Request().Header.Get("If-None-Match"), etag) {
			h := res.Header()
			h.Del("Content-Type")
			h.Del("Content-Length")
			res.Status = http.StatusNotModified
			res.Writer.WriteHeader(http.StatusNotModified)
			return nil
		}
		buf.flush()
		return nil
	}
}

// matches tells whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 asks for GET).
func matches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == "*" || v == etag {
			return true
		}
	}
	return false
}

// bufferedWriter holds an answer until its ETag is known.
type bufferedWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (w *bufferedWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
	}
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.body.Write(b)
}

// flush sends what was held.
func (w *bufferedWriter) flush() {
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(w.body.Bytes())
}
