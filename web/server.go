// Package web is CTAP's HTTP server: the routes, the middleware, sessions,
// sign-in and the development OpenID Provider.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/pressly/goose/v3"
	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"

	"ctap/handlers"
	"ctap/migrations"
	"ctap/web/i18n"
)

// Deps are what the server is built from; cmd/ctap wires them.
type Deps struct {
	DB        *gorm.DB
	Logger    *slog.Logger
	Catalogue *i18n.Catalogue
	// StatementObserver, when set, is told how many SQL statements each
	// request issued (tests assert it; the metric always records it).
	StatementObserver func(r *http.Request, requestID string, statements int)
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
	s.handlers = &handlers.Handlers{
		DB:                   deps.DB,
		Logger:               deps.Logger,
		Catalogue:            deps.Catalogue,
		Ready:                s.ready,
		LanguageCookieSecure: cfg.Secure(),
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
	s.Echo.Listener = ln
	errc := make(chan error, 1)
	go func() { errc <- s.Echo.Start("") }()
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
	return nil
}

// ServeHTTP lets tests drive the server without a listener.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.Echo.ServeHTTP(w, r) }
