package migrations_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/peterldowns/pgtestdb"

	"ctap/migrations"
	"ctap/models/dbtest"
)

// emptyDatabase is a fresh database with no schema at all.
func emptyDatabase(t *testing.T) *sql.DB {
	t.Helper()
	return pgtestdb.New(t, dbtest.Config(t), pgtestdb.NoopMigrator{})
}

func TestMigrationsApplyToAnEmptyDatabaseAndReapplyAsNoOp(t *testing.T) {
	ctx := context.Background()
	db := emptyDatabase(t)

	applied, err := migrations.Up(ctx, db, nil)
	if err != nil {
		t.Fatalf("first Up: %v", err)
	}
	if len(applied) == 0 {
		t.Fatal("first Up applied nothing on an empty database")
	}
	pending, current, target, err := migrations.Pending(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if pending || current != target {
		t.Fatalf("after Up: pending=%v current=%d target=%d", pending, current, target)
	}

	again, err := migrations.Up(ctx, db, nil)
	if err != nil {
		t.Fatalf("second Up: %v", err)
	}
	if len(again) != 0 {
		t.Fatalf("second Up applied %d migrations, want none", len(again))
	}

	var states, instruments, currencies, resolutions int
	row := db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM member_states), (SELECT count(*) FROM instruments),
		(SELECT count(*) FROM currencies), (SELECT count(*) FROM resolutions)`)
	if err := row.Scan(&states, &instruments, &currencies, &resolutions); err != nil {
		t.Fatal(err)
	}
	if states != 193 || instruments != 19 || resolutions != 1 || currencies < 150 {
		t.Fatalf("reference data: %d states, %d instruments, %d currencies, %d resolutions", states, instruments, currencies, resolutions)
	}
}

func TestReferenceDataMigrationsAreIdempotent(t *testing.T) {
	ctx := context.Background()
	db := emptyDatabase(t)
	if _, err := migrations.Up(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	// Re-running a data file's statements must change nothing and fail on
	// nothing: each is an upsert.
	for _, name := range []string{"00002_member_states.sql", "00003_instruments.sql", "00004_currencies.sql"} {
		body, err := migrations.UpSQL(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, body); err != nil {
			t.Fatalf("re-running %s: %v", name, err)
		}
	}
	var states int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM member_states").Scan(&states); err != nil {
		t.Fatal(err)
	}
	if states != 193 {
		t.Fatalf("after re-running: %d states", states)
	}
}

func TestPendingReportsASchemaThatIsBehind(t *testing.T) {
	ctx := context.Background()
	db := emptyDatabase(t)
	pending, current, target, err := migrations.Pending(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !pending || current != 0 || target == 0 {
		t.Fatalf("empty database: pending=%v current=%d target=%d", pending, current, target)
	}
}
