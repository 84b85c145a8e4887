// Package migrations holds CTAP's schema as numbered SQL files, and the
// reference data that comes with it, embedded in the binary and applied by
// goose under a PostgreSQL advisory lock.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed *.sql
var sqlFiles embed.FS

//go:embed resolutions/*.txt
var resolutionTexts embed.FS

// lockID is the advisory lock every replica takes before migrating, so two
// starting at once cannot race; the number is arbitrary but fixed.
const lockID = 70177_2015

// SQLFiles exposes the embedded migration files (test templates hash them).
func SQLFiles() fs.FS { return sqlFiles }

// NewProvider builds the goose provider over db with CTAP's SQL and Go
// migrations.
func NewProvider(db *sql.DB, logger *slog.Logger) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID))
	if err != nil {
		return nil, fmt.Errorf("migrations: lock: %w", err)
	}
	opts := []goose.ProviderOption{
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(goMigrations()...),
	}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sqlFiles, opts...)
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
