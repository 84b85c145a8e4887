// Package migrations holds CTAP's schema as numbered SQL files, and the
// reference data that comes with it (the resolution included), embedded in
// the binary and applied by goose under a PostgreSQL advisory lock. Every
// migration is plain SQL but one: the job queue's tables, which River's own
// migrator makes to a pinned version (jobqueue.go). None calls CTAP's Go
// code, whose later changes would otherwise change what a fresh install
// holds.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed *.sql
var files embed.FS

// lockID is the advisory lock every replica takes before migrating, so two
// starting at once cannot race; the number is arbitrary but fixed.
const lockID = 70177_2015

// Files exposes the embedded migration files, which test templates hash.
func Files() fs.FS { return files }

// NewProvider builds the goose provider over db with CTAP's SQL migrations.
func NewProvider(db *sql.DB, logger *slog.Logger) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID))
	if err != nil {
		return nil, fmt.Errorf("migrations: lock: %w", err)
	}
	opts := []goose.ProviderOption{
		goose.WithSessionLocker(locker),
		// Go migrations registered elsewhere in the binary are not CTAP's.
		goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(jobQueueMigration()),
	}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, files, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Up applies every pending migration.
func Up(ctx context.Context, db *sql.DB, logger *slog.Logger) ([]*goose.MigrationResult, error) {
	p, err := NewProvider(db, logger)
	if err != nil {
		return nil, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return res, fmt.Errorf("migrations: apply: %w", err)
	}
	return res, nil
}

// Pending tells whether the database is behind the binary's schema, with the
// current and the target versions.
func Pending(ctx context.Context, db *sql.DB) (pending bool, current, target int64, err error) {
	p, err := NewProvider(db, nil)
	if err != nil {
		return false, 0, 0, err
	}
	current, target, err = p.GetVersions(ctx)
	if err != nil {
		return false, 0, 0, fmt.Errorf("migrations: versions: %w", err)
	}
	return current < target, current, target, nil
}

// UpSQL returns the Up section of an embedded SQL migration (tests re-run it
// to prove the reference data loads are idempotent).
func UpSQL(name string) (string, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("migrations: %w", err)
	}
	s := string(b)
	if i := strings.Index(s, "-- +goose Down"); i >= 0 {
		s = s[:i]
	}
	return s, nil
}
