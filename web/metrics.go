package web

import (
	"crypto/subtle"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
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
	// recordSQL saves the statements of requests that ask for it, for the
	// bench; off unless CTAP_BENCH_SQL_DIR is set.
	recordSQL sqlRecording
}

// sqlRecording writes the SQL statements of a request carrying
// X-Bench-Record-SQL: <name> to <dir>/<name>.sql, one statement per entry
// separated by a line "-- next", so the bench can replay a page's exact
// work against PostgreSQL alone. With no dir it does nothing.
type sqlRecording struct {
	dir    string // Config.BenchSQLDir
	logger *slog.Logger
}

// BenchRecordSQLHeader names the file a request's statements are written to.
const BenchRecordSQLHeader = "X-Bench-Record-SQL"

// benchRecordName is what the header may say: a file name that cannot
// leave the directory.
var benchRecordName = regexp.MustCompile(`^[a-z0-9-]{1,100}$`)

// name returns the file name r asks its statements to be written to, if
// recording is on and the name is acceptable.
func (rec sqlRecording) name(r *http.Request) (string, bool) {
	if rec.dir == "" {
		return "", false
	}
	name := r.Header.Get(BenchRecordSQLHeader)
	if name == "" {
		return "", false
	}
	if !benchRecordName.MatchString(name) {
		rec.logger.Warn("statements not recorded: "+BenchRecordSQLHeader+" must match "+benchRecordName.String(), "name", name)
		return "", false
	}
	return name, true
}

// write saves the statements under name. It writes a temporary file and
// renames it, so a reader never sees half a recording.
func (rec sqlRecording) write(name string, statements []string) error {
	f, err := os.CreateTemp(rec.dir, "."+name+"-*.tmp")
	if err != nil {
		return fmt.Errorf("record statements: %w", err)
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	var body string
	if len(statements) > 0 {
		body = strings.Join(statements, "\n-- next\n") + "\n"
	}
	_, err = io.WriteString(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("record statements in %s: %w", f.Name(), err)
	}
	path := filepath.Join(rec.dir, name+".sql")
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("record statements in %s: %w", path, err)
	}
	return nil
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
			newCounter := models.WithStatementCounter
			recordAs, record := m.recordSQL.name(c.Request())
			if record {
				newCounter = models.WithStatementRecorder
			}
			ctx, counter := newCounter(c.Request().Context())
			c.SetRequest(c.Request().WithContext(ctx))
			err := next(c)
			if record {
				// The answer may be on its way already; the bench reads the
				// file once it has the whole answer, which the server sends
				// only after this returns.
				if werr := m.recordSQL.write(recordAs, counter.Recorded()); werr != nil {
					m.recordSQL.logger.Error("bench: statements not recorded", "err", werr)
				}
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			m.sql.WithLabelValues(methodLabel(c), route).Observe(float64(counter.Count()))
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
		method := methodLabel(c)
		m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

// methodLabel is the request's method for the metrics: one of HTTP's own,
// else "other". Anyone may send any word as a method; each would otherwise
// become a series of its own, and thousands of them the size of /metrics.
func methodLabel(c echo.Context) string {
	switch m := c.Request().Method; m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// metricsHandler serves the metrics, to the holder of Config.MetricsToken
// only when one is set (compared in constant time).
func (s *Server) metricsHandler() echo.HandlerFunc {
	serve := echo.WrapHandler(s.metrics.handler())
	if s.cfg.MetricsToken == "" {
		return serve
	}
	want := []byte("Bearer " + s.cfg.MetricsToken)
	return func(c echo.Context) error {
		if subtle.ConstantTimeCompare([]byte(c.Request().Header.Get(echo.HeaderAuthorization)), want) != 1 {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
			return echo.NewHTTPError(http.StatusUnauthorized, "metrics need their token")
		}
		return serve(c)
	}
}
