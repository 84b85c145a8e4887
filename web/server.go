// Package web is CTAP's HTTP server: the routes, the middleware, sessions,
// sign-in and the development OpenID Provider.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/pressly/goose/v3"
	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"

	"ctap/assets"
	"ctap/handlers"
	"ctap/migrations"
	"ctap/models"
	"ctap/web/devidp"
	"ctap/web/i18n"
	"ctap/web/jobs"
	"ctap/web/mailer"
)

// Deps are what the server is built from; cmd/ctap wires them.
type Deps struct {
	DB        *gorm.DB
	Logger    *slog.Logger
	Catalogue *i18n.Catalogue
	// StatementObserver, when set, is told how many SQL statements each
	// request issued (tests assert it; the metric always records it).
	StatementObserver func(r *http.Request, requestID string, statements int)
	// DevAccounts are the development OpenID Provider's accounts, when it
	// is mounted.
	DevAccounts []devidp.Account
	// DevInviteePassword, when set, is the password with which any address
	// that has an open invitation signs in at the development provider
	// (`demo` under ctap dev), so an administrator can try an invitation.
	DevInviteePassword string
	// Test hooks: the development provider's nonce override, and the
	// relying party's clock (to see expired ID tokens refused).
	DevOverrideNonce func(string) string
	OIDCNow          func() time.Time
	// JobsEvery and JobsNow set how often the scheduled jobs run and their
	// clock (tests run the reminders on a chosen day).
	JobsEvery time.Duration
	JobsNow   func() time.Time
}

// Server is the configured Echo instance and what it needs to run.
type Server struct {
	Echo      *echo.Echo
	cfg       Config
	db        *gorm.DB
	logger    *slog.Logger
	handlers  *handlers.Handlers
	metrics   *metrics
	goose     *goose.Provider
	catalogue *i18n.Catalogue
	observe   func(r *http.Request, requestID string, statements int)
	sessions  *scs.SessionManager
	oidc      *oidcClient
	devIDP    *devidp.Provider
	jobs      *jobs.Queue
	rules     []Route
}

// New builds the server: middleware and routes, nothing listening yet.
func New(cfg Config, deps Deps) (*Server, error) {
	sqlDB, err := deps.DB.DB()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	provider, err := migrations.NewProvider(sqlDB, nil)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s := &Server{
		Echo:      echo.New(),
		cfg:       cfg,
		db:        deps.DB,
		logger:    deps.Logger,
		goose:     provider,
		catalogue: deps.Catalogue,
		observe:   deps.StatementObserver,
		metrics:   newMetrics(prometheus.NewRegistry(), sqlDB),
	}
	s.metrics.recordSQL = sqlRecording{dir: cfg.BenchSQLDir, logger: deps.Logger} // off unless CTAP_BENCH_SQL_DIR
	if cfg.DevIDP && cfg.OIDC.Issuer == cfg.BaseURL.String()+DevIDPPath {
		if cfg.OIDC.ClientSecret == "" {
			// The provider and the portal share this process: a fresh
			// secret at every start is enough.
			cfg.OIDC.ClientSecret = randomSecret()
			s.cfg = cfg
		}
		s.devIDP, err = devidp.New(devidp.Config{
			Issuer:   cfg.OIDC.Issuer,
			Accounts: deps.DevAccounts,
			Clients: []devidp.Client{{
				ID: cfg.OIDC.ClientID, Secret: cfg.OIDC.ClientSecret,
				RedirectURIs:           []string{cfg.BaseURL.String() + "/auth/callback"},
				PostLogoutRedirectURIs: []string{cfg.BaseURL.String() + "/"},
			}},
			StylesheetURL: assets.URL("css/app.css"),
			PortalURL:     cfg.BaseURL.String() + "/",
			Logger:        deps.Logger,
			OverrideNonce: deps.DevOverrideNonce,
			Lookup:        s.invitedDevAccount(deps.DevInviteePassword),
		})
		if err != nil {
			return nil, fmt.Errorf("web: development OpenID Provider: %w", err)
		}
	}
	s.oidc = newOIDCClient(cfg.OIDC, cfg.BaseURL.String()+"/auth/callback", deps.Logger)
	if deps.OIDCNow != nil {
		s.oidc.now = deps.OIDCNow
	}
	s.sessions = newSessionManager(cfg, &models.SessionStore{DB: deps.DB, IdleTimeout: cfg.SessionIdle})
	reference := &models.ReferenceCache{DB: deps.DB}
	var sender *mailer.Sender
	if cfg.SMTPURL != "" {
		if sender, err = mailer.New(cfg.SMTPURL, cfg.MailFrom, deps.Catalogue.Localizer("en").T("site.short_name")); err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
	}
	s.jobs, err = jobs.New(jobs.Config{
		DB: deps.DB, Catalogue: deps.Catalogue, Reference: reference, Mail: sender, BaseURL: cfg.BaseURL.String(),
		ReminderDays: cfg.ReminderDays, Logger: deps.Logger, Every: deps.JobsEvery, Now: deps.JobsNow,
	})
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.handlers = &handlers.Handlers{
		DB:                   deps.DB,
		Logger:               deps.Logger,
		Catalogue:            deps.Catalogue,
		Ready:                s.ready,
		LanguageCookieSecure: cfg.Secure(),
		Sessions:             s.sessions,
		SignIn:               s.oidc,
		SignInPolicy:         models.SignInPolicy{BootstrapAdmins: cfg.BootstrapAdmins},
		GroupRoles:           cfg.OIDC.GroupRoles,
		BaseURL:              cfg.BaseURL.String(),
		SessionIdle:          cfg.SessionIdle,
		Reference:            reference,
		Jobs:                 s.jobs,
		Dashboards:           &models.DashboardCache{DB: deps.DB, TTL: cfg.DashboardCacheTTL},
		MailpitURL:           cfg.MailpitURL,
		Validate:             models.NewFormChecker(),
	}
	if cfg.TrustProxy {
		s.Echo.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		s.Echo.IPExtractor = echo.ExtractIPDirect()
	}
	s.Echo.HideBanner = true
	s.Echo.HidePort = true
	s.Echo.HTTPErrorHandler = s.handleError
	s.Echo.Server.ReadHeaderTimeout = 10 * time.Second
	s.Echo.Server.ReadTimeout = 30 * time.Second
	s.Echo.Server.WriteTimeout = 60 * time.Second
	s.Echo.Server.IdleTimeout = 120 * time.Second
	s.middleware(deps.Catalogue)
	s.routes()
	return s, nil
}

// invitedDevAccount is the development provider's lookup of an address it
// was not given: one with an open invitation signs in with password. Nil
// (no lookup) without a password.
func (s *Server) invitedDevAccount(password string) func(context.Context, string) (devidp.Account, bool) {
	if password == "" {
		return nil
	}
	return func(ctx context.Context, email string) (devidp.Account, bool) {
		ok, err := models.HasOpenInvitation(ctx, s.db, email)
		if err != nil {
			s.logger.WarnContext(ctx, "development sign-in: invitation not looked up", "err", err)
			return devidp.Account{}, false
		}
		if !ok {
			return devidp.Account{}, false
		}
		// The invitation binds only to a verified address.
		return devidp.Account{Email: email, Password: password, EmailVerified: true}, true
	}
}

// ready reports whether the database answers and its schema is current.
func (s *Server) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	current, target, err := s.goose.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	if current < target {
		return fmt.Errorf("schema at %d, binary expects %d: %w", current, target, handlers.ErrSchemaBehind)
	}
	return nil
}

// Run listens on the configured address until ctx is cancelled (SIGTERM),
// then drains requests for up to the shutdown timeout.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	s.Start(ctx)
	if s.cfg.PprofAddr != "" {
		if err := serveProfiles(ctx, s.cfg.PprofAddr, s.logger); err != nil {
			return err
		}
	}
	// The server's handler is s, not Echo itself: s answers HEAD (ServeHTTP).
	srv := s.Echo.Server
	srv.Handler = s
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("web: %w", err)
	case <-ctx.Done():
	}
	s.logger.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.Echo.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	if s.cfg.Jobs {
		// A job cut short is rescued and run again by another worker.
		if err := s.jobs.Stop(shutdownCtx); err != nil {
			return fmt.Errorf("web: shutdown: %w", err)
		}
	}
	return nil
}

// ServeHTTP serves a request (tests drive the server through it too). A
// HEAD is routed as its GET: Echo routes HEAD to no route (405), and net/http
// drops the body written for the original HEAD request itself.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		get := r.WithContext(r.Context()) // a shallow copy
		get.Method = http.MethodGet
		r = get
	}
	s.Echo.ServeHTTP(w, r)
}

// Start begins the background work (OpenID Provider discovery, the sweep of
// expired sessions) until ctx ends; Run calls it, tests that serve through
// their own listener call it themselves.
func (s *Server) Start(ctx context.Context) {
	// The reference data is loaded before the first request, so no page
	// pays for it (and every page's statement count is its own).
	warm, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.handlers.Reference.Warm(warm); err != nil {
		s.logger.Warn("reference data not loaded yet; the first page that needs it will load it", "err", err)
	}
	s.startBackground(ctx)
	if s.cfg.Jobs {
		if err := s.jobs.Start(ctx); err != nil {
			s.logger.Error("the job queue did not start: emails and reminders wait", "err", err)
		}
	}
}

// StopJobs stops working the job queue, letting running jobs finish
// within ctx (tests stop it before their database goes).
func (s *Server) StopJobs(ctx context.Context) error {
	if !s.cfg.Jobs {
		return nil
	}
	return s.jobs.Stop(ctx)
}

// SignInReady reports whether discovery of the OpenID Provider succeeded.
func (s *Server) SignInReady() bool { _, err := s.oidc.get(); return err == nil }

// DevIDP returns the mounted development OpenID Provider, or nil.
func (s *Server) DevIDP() *devidp.Provider { return s.devIDP }

func randomSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
