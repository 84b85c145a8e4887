// Package dbtest gives each test its own PostgreSQL database, cloned from a
// template that the migrations built once, so tests run against the real
// schema and reference data and stay fast.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/common"
	"gorm.io/gorm"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver pgtestdb connects with

	"ctap/migrations"
	"ctap/models"
)

// ServerURL is where the tests' PostgreSQL listens: CTAP_TEST_DATABASE_URL,
// which `make test` sets after provisioning, else the usual local server.
func ServerURL() string {
	if u := os.Getenv("CTAP_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Config is the pgtestdb configuration for the tests' server.
func Config(t testing.TB) pgtestdb.Config {
	t.Helper()
	u, err := url.Parse(ServerURL())
	if err != nil {
		t.Fatalf("CTAP_TEST_DATABASE_URL is malformed: %v", err)
	}
	pw, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	opts := u.Query()
	if opts.Get("sslmode") == "" {
		opts.Set("sslmode", "disable")
	}
	db := u.Path
	if len(db) > 0 {
		db = db[1:]
	}
	if db == "" {
		db = "postgres"
	}
	return pgtestdb.Config{
		DriverName:                "pgx",
		Host:                      u.Hostname(),
		Port:                      port,
		User:                      u.User.Username(),
		Password:                  pw,
		Database:                  db,
		Options:                   opts.Encode(),
		ForceTerminateConnections: true,
	}
}

// migrator builds the template with CTAP's own migrations. Every migration
// is SQL, so its hash covers the SQL files and the Go code that applies
// them (package migrations, tests aside): a changed migration makes a new
// template, a changed model does not.
type migrator struct{}

func (migrator) Hash() (string, error) {
	h := common.NewRecursiveHash()
	if err := h.AddDirs(migrations.Files(), "*.sql", "."); err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	files, err := filepath.Glob(filepath.Join(root, "migrations", "*.go"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("hash migrations: %w", err)
		}
		h.Add(b)
	}
	return h.String(), nil
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	_, err := migrations.Up(ctx, db, nil)
	return err
}

// repoRoot finds the project's root from this file's location.
func repoRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("dbtest: cannot locate the source tree")
	}
	return filepath.Join(filepath.Dir(file), "..", ".."), nil
}

// URL creates a fresh, migrated database for the test and returns its
// connection URL; it is dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	conf := pgtestdb.Custom(t, Config(t), migrator{})
	return conf.URL()
}

// New returns a GORM handle on a fresh, migrated database.
func New(t testing.TB) *gorm.DB {
	t.Helper()
	db, err := models.Open(context.Background(), URL(t), models.PoolConfig{MaxOpenConns: 10, MaxIdleConns: 10})
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	return db
}
