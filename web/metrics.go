package web

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ctap/models"
)

// metrics are the Prometheus figures /metrics exposes: requests and their
// durations by route, and the database pool.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	sql      *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, db *sql.DB) *metrics {
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ctap_http_requests_total",
			Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ctap_http_request_duration_seconds",
			Help:    "HTTP request durations by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
		sql: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ctap_sql_statements_per_request",
			Help:    "SQL statements one request issued, by route.",
			Buckets: []float64{0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 50},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(
		m.requests, m.duration, m.sql,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "ctap"),
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// countStatements counts the SQL statements each request issues, for the
// metric and for tests.
func (m *metrics) countStatements(observe func(*http.Request, string, int)) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, counter := models.WithStatementCounter(c.Request().Context())
			c.SetRequest(c.Request().WithContext(ctx))
			err := next(c)
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			m.sql.WithLabelValues(c.Request().Method, route).Observe(float64(counter.Count()))
			if observe != nil {
				observe(c.Request(), c.Response().Header().Get(echo.HeaderXRequestID), counter.Count())
			}
			return err
		}
	}
}

// middleware records every request under its route pattern (not its path,
// which would make one series per State).
func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil {
			if he, ok := err.(*echo.HTTPError); ok {
				status = he.Code
			} else if status < 400 {
				status = http.StatusInternalServerError
			}
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return err
	}
}
