package migrations

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
)

// jobQueueVersion is migration 16: the tables of River, the job queue in
// PostgreSQL that sends emails and runs reminders (river_job, river_leader,
// river_queue...). River keeps its own schema history (river_migration);
// this migration applies it up to riverSchemaVersion under goose's lock, so
// replicas starting at once apply it once. It runs outside goose's
// transaction: River gives each of its versions its own, since one of them
// adds an enum value that the next one uses, which PostgreSQL refuses within
// a single transaction.
const jobQueueVersion = 16

// riverSchemaVersion pins River's schema to the newest River v0.51.2 ships: a
// later River that needs more adds a migration with a higher target, so a
// fresh install always holds what this migration made.
const riverSchemaVersion = 8

func jobQueueMigration() *goose.Migration {
	migrate := func(direction rivermigrate.Direction, target int) func(context.Context, *sql.DB) error {
		return func(ctx context.Context, db *sql.DB) error {
			m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
			if err != nil {
				return fmt.Errorf("job queue schema: %w", err)
			}
			if _, err := m.Migrate(ctx, direction, &rivermigrate.MigrateOpts{TargetVersion: target}); err != nil {
				return fmt.Errorf("job queue schema %s: %w", direction, err)
			}
			return nil
		}
	}
	return goose.NewGoMigration(jobQueueVersion,
		&goose.GoFunc{RunDB: migrate(rivermigrate.DirectionUp, riverSchemaVersion), Mode: goose.TransactionDisabled},
		&goose.GoFunc{RunDB: migrate(rivermigrate.DirectionDown, -1), Mode: goose.TransactionDisabled},
	)
}
