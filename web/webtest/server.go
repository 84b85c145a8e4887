// Package webtest runs the real CTAP server for tests: over a fresh
// PostgreSQL database, on a real listener, with clients that keep cookies
// and learn how many SQL statements each of their requests cost.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"ctap/models/dbtest"
	"ctap/web"
	"ctap/web/i18n"
)

// Server is a running CTAP over its own database.
type Server struct {
	URL    string
	DB     *gorm.DB
	Config web.Config
	Web    *web.Server

	mu         sync.Mutex
	statements map[string]int // by request ID
}

// Option adjusts the configuration before the server is built.
type Option func(*web.Config)

// DepsOption adjusts the server's dependencies (test hooks).
type DepsOption func(*web.Deps)

// Setup gathers options of both kinds for NewServerWith.
type Setup struct {
	Config []Option
	Deps   []DepsOption
	// Listener, when set, is where the server listens (a test that must
	// know the address before the server exists, to register it at a
	// provider, makes it first).
	Listener net.Listener
}

// NewServer starts CTAP on a fresh database; it stops when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	db := dbtest.New(t)
	return NewServerOn(t, db, opts...)
}

// NewServerOn starts CTAP over an existing database.
func NewServerOn(t testing.TB, db *gorm.DB, opts ...Option) *Server {
	t.Helper()
	return NewServerWith(t, db, Setup{Config: opts})
}

// NewServerWith starts CTAP over db with configuration and dependency
// options.
func NewServerWith(t testing.TB, db *gorm.DB, setup Setup) *Server {
	t.Helper()
	opts := setup.Config
	s := &Server{DB: db, statements: map[string]int{}}
	// The listener comes first: the base URL (and the development OpenID
	// Provider's issuer) must name its port.
	ts := httptest.NewUnstartedServer(nil)
	if setup.Listener != nil {
		_ = ts.Listener.Close()
		ts.Listener = setup.Listener
	}
	s.URL = "http://" + ts.Listener.Addr().String()
	cfg, err := web.LoadConfig(func(k string) string {
		switch k {
		case "DATABASE_URL":
			return "postgres://unused@127.0.0.1/unused" // the handle is passed in
		case "CTAP_BASE_URL":
			return s.URL
		case "CTAP_DEV_IDP":
			return "true"
		case "CTAP_SIGNIN_RATE":
			return "600"
		case "CTAP_DASHBOARD_CACHE_TTL":
			return "0s" // tests change the records and read the figures at once
		case "CTAP_JOBS":
			return "false" // a test that needs the queue worked asks (Mailpit.WithMail)
		}
		return ""
	}, web.ModeServe)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(&cfg)
	}
	s.Config = cfg
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	deps := web.Deps{
		DB: db, Logger: logger, Catalogue: cat, DevAccounts: s.devAccounts(), DevInviteePassword: Password,
		StatementObserver: func(_ *http.Request, id string, n int) {
			s.mu.Lock()
			s.statements[id] = n
			s.mu.Unlock()
		},
	}
	for _, o := range setup.Deps {
		o(&deps)
	}
	srv, err := web.New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	s.Web = srv
	ts.Config.Handler = srv
	ts.Start()
	ctx, cancel := context.WithCancel(context.Background())
	srv.Start(ctx)
	t.Cleanup(func() {
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		if err := srv.StopJobs(stop); err != nil {
			t.Logf("stop the job queue: %v", err)
		}
		cancel()
		ts.Close()
	})
	if srv.DevIDP() != nil {
		// Discovery runs in the background; the tests sign in at once.
		deadline := time.Now().Add(10 * time.Second)
		for !srv.SignInReady() {
			if time.Now().After(deadline) {
				t.Fatal("the development OpenID Provider was not discovered within 10 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return s
}

// testWriter sends the server's warnings and errors to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Statements returns how many SQL statements the request that answered
// resp issued.
func (s *Server) Statements(t testing.TB, resp *Response) int {
	t.Helper()
	id := resp.Header.Get("X-Request-Id")
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.statements[id]
	if !ok {
		t.Fatalf("no statement count recorded for request %q", id)
	}
	return n
}

// Client is a browser-like HTTP client: it keeps cookies and does not
// follow redirects, so tests see each step.
type Client struct {
	HTTP   *http.Client
	server *Server
	header http.Header
}

// Client returns a new client with an empty cookie jar.
func (s *Server) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{
		server: s,
		header: http.Header{},
		HTTP: &http.Client{
			Jar: jar,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
}

// SetHeader sets a header sent with every request (e.g. Accept-Language).
func (c *Client) SetHeader(k, v string) { c.header.Set(k, v) }

// Response is an answer with its body read.
type Response struct {
	*http.Response
	Body string
}

// Get requests a path of the server.
func (c *Client) Get(t testing.TB, path string) *Response {
	t.Helper()
	return c.Do(t, http.MethodGet, path, nil)
}

// PostForm submits a form.
func (c *Client) PostForm(t testing.TB, path string, form url.Values) *Response {
	t.Helper()
	return c.Do(t, http.MethodPost, path, form)
}

// Do sends a request; form, when not nil, is the urlencoded body.
func (c *Client) Do(t testing.TB, method, path string, form url.Values) *Response {
	t.Helper()
	target := path
	if strings.HasPrefix(path, "/") {
		target = c.server.URL + path
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return &Response{Response: resp, Body: string(b)}
}

// Follow requests the Location a redirect answer points to.
func (c *Client) Follow(t testing.TB, resp *Response) *Response {
	t.Helper()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("no redirect to follow (status %d)", resp.StatusCode)
	}
	return c.Get(t, loc.String())
}

// SignInReadyWithin waits up to seconds for discovery of the OpenID
// Provider, failing the test when it does not happen.
func (s *Server) SignInReadyWithin(t testing.TB, seconds int) bool {
	t.Helper()
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	for !s.Web.SignInReady() {
		if time.Now().After(deadline) {
			t.Fatalf("the OpenID Provider was not discovered within %d s", seconds)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}
