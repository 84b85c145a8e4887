package web

import (
	"fmt"
	"net/url"
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
	return c, nil
}

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
