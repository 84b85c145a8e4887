package web

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"ctap/models"
)

// Config is everything the server reads from its environment.
type Config struct {
	Addr        string   // CTAP_ADDR
	BaseURL     *url.URL // CTAP_BASE_URL
	DatabaseURL string   // DATABASE_URL
	Pool        models.PoolConfig
	AutoMigrate bool // CTAP_AUTO_MIGRATE
	LogLevel    string
	BodyLimit   string // CTAP_BODY_LIMIT, e.g. "2M"

	ShutdownTimeout time.Duration

	OIDC OIDCConfig
	// DevIDP mounts the development OpenID Provider at /dev-idp (always
	// under `ctap dev`; under `serve` only with CTAP_DEV_IDP=true).
	DevIDP          bool
	BootstrapAdmins []string      // CTAP_BOOTSTRAP_ADMINS
	SessionLifetime time.Duration // CTAP_SESSION_LIFETIME: absolute
	SessionIdle     time.Duration // CTAP_SESSION_IDLE_TIMEOUT
	SignInPerMinute int           // CTAP_SIGNIN_RATE: attempts per address
	APIPerMinute    int           // CTAP_API_RATE: API requests per token (per address without one)
	TrustProxy      bool          // CTAP_TRUST_PROXY: client address from X-Forwarded-For
	// BenchSQLDir (CTAP_BENCH_SQL_DIR, unset by default) is for `make bench`
	// only: when set, a request carrying X-Bench-Record-SQL: <name> has its
	// SQL statements, arguments written in, saved to <dir>/<name>.sql, so
	// the bench can replay them against PostgreSQL alone. Never set it in
	// production: any client could then make the server write files there.
	BenchSQLDir string
	// PprofAddr (CTAP_PPROF_ADDR, unset by default) is a second, separate
	// listener serving Go's profiles (/debug/pprof/) for `make profile`.
	// It must be a loopback address: profiles show the process's insides
	// and are never served on the portal's own address.
	PprofAddr string
	// MetricsToken (CTAP_METRICS_TOKEN, unset by default) restricts
	// /metrics to requests carrying it as a bearer token (Prometheus's
	// authorization.credentials); unset, /metrics is open, as the probes
	// are.
	MetricsToken string

	// Mail: SMTPURL (CTAP_SMTP_URL, smtp:// or smtps://, credentials in
	// the user part) and MailFrom (CTAP_MAIL_FROM); without them
	// notifications stay in the portal.
	SMTPURL  string
	MailFrom string
	// Jobs (CTAP_JOBS, true) works the job queue in this process: emails
	// and reminders. Every replica may; River shares the work out.
	Jobs bool
	// ReminderDays (CTAP_REMINDER_DAYS, "14,3"): the days before a
	// period's due date on which States that have not reported are
	// reminded; overdue States are reminded once a week.
	ReminderDays []int
	// MailpitURL (CTAP_MAILPIT_URL, development only): the API of the
	// Mailpit that catches the mail, which /dev-mail shows.
	MailpitURL string
	// DashboardCacheTTL (CTAP_DASHBOARD_CACHE_TTL, 1m) is how long the
	// dashboards' figures (the home page's public ones, each signed-in
	// class's) are kept before they are added up again; 0 adds them up on
	// every request.
	DashboardCacheTTL time.Duration
	// ContactEmail (CTAP_CONTACT_EMAIL, unset by default) is where people
	// write to the administrators: the banner of an account awaiting
	// approval and the message of a disabled one give it. Unset, they say
	// to contact the administrators, without an address.
	ContactEmail string
}

// OIDCConfig is the relying party's configuration.
type OIDCConfig struct {
	Issuer       string   // OIDC_ISSUER
	ClientID     string   // OIDC_CLIENT_ID
	ClientSecret string   // OIDC_CLIENT_SECRET
	Scopes       []string // OIDC_SCOPES
	// GroupsClaim names the ID-token claim listing the user's groups
	// (OIDC_GROUPS_CLAIM); GroupRoles maps a group to a role with its scope
	// (OIDC_GROUP_ROLES: "ctap-admins=admin,ctap-ken=focal_point:KEN").
	GroupsClaim string
	GroupRoles  map[string]string
}

// Secure tells whether the portal is served over https, which decides HSTS
// and the Secure attribute of cookies.
func (c Config) Secure() bool { return c.BaseURL != nil && c.BaseURL.Scheme == "https" }

// Mode says which command reads the configuration: dev supplies defaults
// that serve must be given explicitly.
type Mode int

const (
	ModeServe Mode = iota
	ModeDev
	ModeCLI // migrate, seed, import: only the database
)

// Getenv reads one variable; os.Getenv in production, a map in tests.
type Getenv func(string) string

// LoadConfig reads and validates the configuration. Each error names the
// variable and says what is expected.
func LoadConfig(env Getenv, mode Mode) (Config, error) {
	c := Config{
		Addr:            env("CTAP_ADDR"),
		DatabaseURL:     env("DATABASE_URL"),
		LogLevel:        strings.ToLower(env("CTAP_LOG_LEVEL")),
		BodyLimit:       env("CTAP_BODY_LIMIT"),
		ShutdownTimeout: 20 * time.Second,
	}
	if c.DatabaseURL == "" {
		return c, fmt.Errorf("DATABASE_URL is not set: give the PostgreSQL connection URL, e.g. postgres://ctap@127.0.0.1:5432/ctap?sslmode=disable")
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return c, fmt.Errorf("DATABASE_URL is malformed: it must be a postgres:// URL")
	}
	var err error
	if c.Pool.MaxOpenConns, err = intVar(env, "CTAP_DB_MAX_OPEN_CONNS", 20, 1, 1000); err != nil {
		return c, err
	}
	if c.Pool.MaxIdleConns, err = intVar(env, "CTAP_DB_MAX_IDLE_CONNS", c.Pool.MaxOpenConns, 0, 1000); err != nil {
		return c, err
	}
	if c.Pool.ConnMaxLifetime, err = durationVar(env, "CTAP_DB_CONN_MAX_LIFETIME", 30*time.Minute); err != nil {
		return c, err
	}
	if c.ShutdownTimeout, err = durationVar(env, "CTAP_SHUTDOWN_TIMEOUT", 20*time.Second); err != nil {
		return c, err
	}
	if c.AutoMigrate, err = boolVar(env, "CTAP_AUTO_MIGRATE", false); err != nil {
		return c, err
	}
	switch c.LogLevel {
	case "", "debug", "info", "warn", "error":
	default:
		return c, fmt.Errorf("CTAP_LOG_LEVEL is malformed: use debug, info, warn or error")
	}
	if c.BodyLimit == "" {
		c.BodyLimit = "2M"
	} else if !validSize(c.BodyLimit) {
		return c, fmt.Errorf("CTAP_BODY_LIMIT is malformed: give a size such as 512K or 2M")
	}
	if mode == ModeCLI {
		return c, nil
	}

	if c.Addr == "" {
		if mode == ModeDev {
			c.Addr = "127.0.0.1:8080"
		} else {
			c.Addr = ":8080"
		}
	}
	base := env("CTAP_BASE_URL")
	if base == "" {
		if mode != ModeDev {
			return c, fmt.Errorf("CTAP_BASE_URL is not set: give the public address of the portal, e.g. https://ctap.example.org")
		}
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "127.0.0.1" + host
		}
		base = "http://" + host
	}
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return c, fmt.Errorf("CTAP_BASE_URL is malformed: it must be an absolute http(s) URL such as https://ctap.example.org")
	}
	c.BaseURL = u

	if c.DevIDP, err = boolVar(env, "CTAP_DEV_IDP", mode == ModeDev); err != nil {
		return c, err
	}
	if c.SessionLifetime, err = durationVar(env, "CTAP_SESSION_LIFETIME", 12*time.Hour); err != nil {
		return c, err
	}
	if c.SessionIdle, err = durationVar(env, "CTAP_SESSION_IDLE_TIMEOUT", time.Hour); err != nil {
		return c, err
	}
	if c.SignInPerMinute, err = intVar(env, "CTAP_SIGNIN_RATE", 20, 1, 10000); err != nil {
		return c, err
	}
	if c.APIPerMinute, err = intVar(env, "CTAP_API_RATE", 600, 1, 1000000); err != nil {
		return c, err
	}
	if c.TrustProxy, err = boolVar(env, "CTAP_TRUST_PROXY", false); err != nil {
		return c, err
	}
	if c.BenchSQLDir = env("CTAP_BENCH_SQL_DIR"); c.BenchSQLDir != "" {
		if fi, err := os.Stat(c.BenchSQLDir); err != nil || !fi.IsDir() {
			return c, fmt.Errorf("CTAP_BENCH_SQL_DIR is not a directory: create it, or leave the variable unset outside `make bench`")
		}
	}
	if c.MetricsToken = env("CTAP_METRICS_TOKEN"); c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return c, fmt.Errorf("CTAP_METRICS_TOKEN is too short: give at least 16 random characters")
	}
	if c.PprofAddr = env("CTAP_PPROF_ADDR"); c.PprofAddr != "" {
		host, _, err := net.SplitHostPort(c.PprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return c, fmt.Errorf("CTAP_PPROF_ADDR must be a loopback address with a port, such as 127.0.0.1:6060")
		}
	}
	if v := env("CTAP_DASHBOARD_CACHE_TTL"); v == "0" || v == "0s" {
		c.DashboardCacheTTL = 0 // no cache: the figures are added up on every request
	} else if c.DashboardCacheTTL, err = durationVar(env, "CTAP_DASHBOARD_CACHE_TTL", time.Minute); err != nil {
		return c, err
	}
	if c.Jobs, err = boolVar(env, "CTAP_JOBS", true); err != nil {
		return c, err
	}
	if c.ReminderDays, err = models.ParseReminderDays(env("CTAP_REMINDER_DAYS")); err != nil {
		return c, fmt.Errorf("CTAP_REMINDER_DAYS is malformed: %w", err)
	}
	c.SMTPURL, c.MailFrom = env("CTAP_SMTP_URL"), env("CTAP_MAIL_FROM")
	if c.SMTPURL != "" && c.MailFrom == "" {
		if mode != ModeDev {
			return c, fmt.Errorf("CTAP_MAIL_FROM is not set: give the address the portal's emails come from, e.g. ctap@example.org")
		}
		c.MailFrom = "ctap@localhost"
	}
	if c.MailpitURL = strings.TrimSuffix(env("CTAP_MAILPIT_URL"), "/"); c.MailpitURL != "" && !c.DevIDP {
		return c, fmt.Errorf("CTAP_MAILPIT_URL is for development only (ctap dev, or CTAP_DEV_IDP=true)")
	}
	if c.ContactEmail = strings.TrimSpace(env("CTAP_CONTACT_EMAIL")); c.ContactEmail != "" && !models.ValidEmail(c.ContactEmail) {
		return c, fmt.Errorf("CTAP_CONTACT_EMAIL is malformed: give one plain email address, e.g. ctap-admins@example.org")
	}
	for _, e := range strings.Split(env("CTAP_BOOTSTRAP_ADMINS"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			if !strings.Contains(e, "@") {
				return c, fmt.Errorf("CTAP_BOOTSTRAP_ADMINS is malformed: give email addresses separated by commas")
			}
			c.BootstrapAdmins = append(c.BootstrapAdmins, strings.ToLower(e))
		}
	}
	if err := c.loadOIDC(env); err != nil {
		return c, err
	}
	return c, nil
}

// loadOIDC reads the relying party's settings. With the development
// provider and no OIDC_ISSUER, the portal signs in against its own /dev-idp.
func (c *Config) loadOIDC(env Getenv) error {
	o := &c.OIDC
	o.Issuer = strings.TrimSuffix(env("OIDC_ISSUER"), "/")
	o.ClientID = env("OIDC_CLIENT_ID")
	o.ClientSecret = env("OIDC_CLIENT_SECRET")
	o.GroupsClaim = env("OIDC_GROUPS_CLAIM")
	o.Scopes = strings.Fields(strings.ReplaceAll(env("OIDC_SCOPES"), ",", " "))
	if len(o.Scopes) == 0 {
		o.Scopes = []string{"openid", "email", "profile"}
	}
	hasOpenID := false
	for _, s := range o.Scopes {
		hasOpenID = hasOpenID || s == "openid"
	}
	if !hasOpenID {
		return fmt.Errorf("OIDC_SCOPES is malformed: it must include openid")
	}
	if o.Issuer == "" && c.DevIDP {
		o.Issuer = c.BaseURL.String() + DevIDPPath
		if o.ClientID == "" {
			o.ClientID = DevIDPClientID
		}
	}
	if o.Issuer == "" {
		return fmt.Errorf("OIDC_ISSUER is not set: give the URL of your OpenID Provider, e.g. https://login.example.org/realms/ctap")
	}
	if u, err := url.Parse(o.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("OIDC_ISSUER is malformed: it must be the provider's absolute URL")
	}
	if o.ClientID == "" {
		return fmt.Errorf("OIDC_CLIENT_ID is not set: give the client ID registered for CTAP at the OpenID Provider")
	}
	if o.ClientSecret == "" && !(c.DevIDP && o.Issuer == c.BaseURL.String()+DevIDPPath) {
		return fmt.Errorf("OIDC_CLIENT_SECRET is not set: give the client secret registered for CTAP at the OpenID Provider")
	}
	if m := strings.TrimSpace(env("OIDC_GROUP_ROLES")); m != "" {
		if o.GroupsClaim == "" {
			o.GroupsClaim = "groups"
		}
		o.GroupRoles = map[string]string{}
		for _, pair := range strings.Split(m, ",") {
			group, role, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if !ok || group == "" || role == "" {
				return fmt.Errorf("OIDC_GROUP_ROLES is malformed: give group=role pairs separated by commas, e.g. ctap-admins=admin,ctap-kenya=focal_point:KEN")
			}
			o.GroupRoles[group] = role
		}
	}
	return nil
}

// The development OpenID Provider's address and client.
const (
	DevIDPPath     = "/dev-idp"
	DevIDPClientID = "ctap-dev"
)

func intVar(env Getenv, name string, def, min, max int) (int, error) {
	v := env(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("%s is malformed: give a whole number from %d to %d", name, min, max)
	}
	return n, nil
}

func durationVar(env Getenv, name string, def time.Duration) (time.Duration, error) {
	v := env(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s is malformed: give a duration such as 30s, 15m or 12h", name)
	}
	return d, nil
}

func boolVar(env Getenv, name string, def bool) (bool, error) {
	v := env(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s is malformed: use true or false", name)
	}
	return b, nil
}

func validSize(s string) bool {
	s = strings.ToUpper(s)
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i <= 0 {
		return i == -1 && s != ""
	}
	switch s[i:] {
	case "B", "K", "KB", "M", "MB":
		return true
	}
	return false
}
