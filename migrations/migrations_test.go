package migrations_test

import (
	"context"
	"database/sql"
	"go/build"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/peterldowns/pgtestdb"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"ctap/migrations"
	"ctap/models"
	"ctap/models/dbtest"
	"ctap/models/resolution"
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
	for _, name := range []string{"00002_member_states.sql", "00003_instruments.sql", "00004_currencies.sql", "00005_resolution_a_res_70_177.sql"} {
		body, err := migrations.UpSQL(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, body); err != nil {
			t.Fatalf("re-running %s: %v", name, err)
		}
	}
	var states, resolutions, paragraphs, footnotes, refs int
	row := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM member_states), (SELECT count(*) FROM resolutions),
		(SELECT count(*) FROM paragraphs), (SELECT count(*) FROM footnotes), (SELECT count(*) FROM footnote_refs)`)
	if err := row.Scan(&states, &resolutions, &paragraphs, &footnotes, &refs); err != nil {
		t.Fatal(err)
	}
	if states != 193 {
		t.Fatalf("after re-running: %d states", states)
	}
	if resolutions != 1 || paragraphs != 34 || footnotes != 4 || refs != 5 {
		t.Fatalf("after re-running: %d resolutions, %d paragraphs, %d footnotes, %d footnote markers; want 1, 34, 4, 5",
			resolutions, paragraphs, footnotes, refs)
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

// The resolution's migration must hold what the parser reads from the
// official text: paragraphs, their kinds, numbers, addressees and themes,
// footnote markers and footnotes. This is what proves the frozen SQL of
// 00005 right.
func TestTheResolutionMigrationHoldsWhatTheParserReads(t *testing.T) {
	ctx := context.Background()
	sqlDB := emptyDatabase(t)
	if _, err := migrations.Up(ctx, sqlDB, nil); err != nil {
		t.Fatal(err)
	}
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("resolutions/A-RES-70-177.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := resolution.Parse(f)
	if err != nil {
		t.Fatal(err)
	}

	var res models.Resolution
	if err := db.Where("symbol = ?", doc.Symbol).Take(&res).Error; err != nil {
		t.Fatalf("resolution %s after migrating: %v", doc.Symbol, err)
	}
	if res.Title != doc.Title || !res.AdoptedOn.Equal(doc.AdoptedOn) || res.Session != doc.Session ||
		res.CommitteeReport != doc.CommitteeReport || res.Meeting != doc.Meeting {
		t.Errorf("stored resolution %+v,\nparsed %q %s session %d %q %q", res,
			doc.Title, doc.AdoptedOn.Format("2006-01-02"), doc.Session, doc.CommitteeReport, doc.Meeting)
	}
	text, err := models.LoadResolutionText(ctx, db, res)
	if err != nil {
		t.Fatal(err)
	}
	compareParagraphs(t, "preambular", text.Preamble, doc.Preamble)
	compareParagraphs(t, "operative", text.Operative, doc.Operative)

	type note struct {
		Number int
		Body   string
	}
	var stored, parsed []note
	for _, n := range text.Footnotes {
		stored = append(stored, note{n.Number, n.Body})
	}
	for _, n := range doc.Footnotes {
		parsed = append(parsed, note{n.Number, n.Body})
	}
	if !reflect.DeepEqual(stored, parsed) {
		t.Errorf("footnotes:\nstored %+v\nparsed %+v", stored, parsed)
	}
}

// paragraphFacts is what a stored or parsed paragraph says, in one form.
type paragraphFacts struct {
	Number     int
	Body       string
	Addressees []string
	Theme      string
	Refs       []resolution.FootnoteRef
}

func compareParagraphs(t *testing.T, kind string, stored []models.Paragraph, parsed []resolution.Paragraph) {
	t.Helper()
	if len(stored) != len(parsed) {
		t.Errorf("%s paragraphs: %d stored, %d parsed", kind, len(stored), len(parsed))
	}
	for i := range min(len(stored), len(parsed)) {
		s, p := stored[i], parsed[i]
		if string(s.Kind) != kind {
			t.Errorf("%s paragraph %d is stored as %s", kind, s.Number, s.Kind)
		}
		got := paragraphFacts{Number: s.Number, Body: s.Body, Addressees: []string(s.Addressees)}
		if s.Theme != nil {
			got.Theme = *s.Theme
		}
		for _, r := range s.Refs {
			got.Refs = append(got.Refs, resolution.FootnoteRef{Number: r.FootnoteNumber, Position: r.Position})
		}
		want := paragraphFacts{Number: p.Number, Body: p.Body, Theme: string(p.Theme), Refs: p.Refs}
		for _, a := range p.Addressees {
			want.Addressees = append(want.Addressees, string(a))
		}
		if len(got.Addressees) == 0 && len(want.Addressees) == 0 {
			got.Addressees, want.Addressees = nil, nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s paragraph %d:\nstored %+v\nparsed %+v", kind, p.Number, got, want)
		}
	}
}

// Every migration is SQL but the job queue's, which runs River's pinned
// migrator: none runs CTAP's Go code (whose later changes would otherwise
// change what a fresh install holds), and the package that applies them
// does not import the models.
func TestMigrationsAreSQLAndDoNotDependOnGoCode(t *testing.T) {
	p, err := migrations.NewProvider(emptyDatabase(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	sources := p.ListSources()
	if len(sources) == 0 {
		t.Fatal("no migrations")
	}
	for _, s := range sources {
		if s.Type != goose.TypeSQL && s.Version != 16 {
			t.Errorf("migration %d (%s) is a %s migration, want SQL", s.Version, s.Path, s.Type)
		}
	}
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if imp == "ctap" || strings.HasPrefix(imp, "ctap/") {
			t.Errorf("package migrations imports %s", imp)
		}
	}
}

// Rolling version 5 back removes the resolution with everything that hangs
// from it; applying it again brings it back.
func TestTheResolutionMigrationRollsBack(t *testing.T) {
	ctx := context.Background()
	db := emptyDatabase(t)
	p, err := migrations.NewProvider(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		t.Helper()
		if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM resolutions) + (SELECT count(*) FROM paragraphs)
			+ (SELECT count(*) FROM footnotes) + (SELECT count(*) FROM footnote_refs)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	full := count()
	if _, err := p.DownTo(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("after rolling back to version 4, %d rows of the resolution remain", n)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != full {
		t.Fatalf("after migrating up again: %d rows, want %d", n, full)
	}
}
