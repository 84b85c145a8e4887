package models_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"ctap/models"
	"ctap/models/dbtest"
)

// The bench replays a page's recorded statements against PostgreSQL alone,
// so each recorded statement must run by itself and select what the
// original did.
func TestARecorderKeepsEachStatementWithItsArgumentsSoItReplaysAlone(t *testing.T) {
	db := dbtest.New(t)
	ctx, rec := models.WithStatementRecorder(context.Background())

	kenya, err := models.MemberStateByISO3(ctx, db, "KEN")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := db.WithContext(ctx).Raw(
		"SELECT name FROM member_states WHERE iso3 IN ? AND name <> ? AND created_at < ? ORDER BY iso3",
		[]string{"FRA", "KEN"}, "Côte d'Ivoire", time.Now().Add(time.Hour),
	).Scan(&names).Error; err != nil {
		t.Fatal(err)
	}

	if got := rec.Count(); got != 2 {
		t.Fatalf("counted %d statements, want 2", got)
	}
	recorded := rec.Recorded()
	if len(recorded) != 2 {
		t.Fatalf("recorded %d statements, want 2: %q", len(recorded), recorded)
	}
	for _, s := range recorded {
		if strings.Contains(s, "$1") {
			t.Errorf("a placeholder was left in %q", s)
		}
	}
	if !strings.Contains(recorded[1], "'Côte d''Ivoire'") {
		t.Errorf("the quote in a string argument was not escaped: %q", recorded[1])
	}

	// Replayed on a plain connection, with no arguments, each statement
	// selects what the original did.
	var replayedKenya string
	if err := db.Raw("SELECT iso3 FROM (" + recorded[0] + ") AS r").Row().Scan(&replayedKenya); err != nil {
		t.Fatalf("replay %q: %v", recorded[0], err)
	}
	if replayedKenya != kenya.ISO3 {
		t.Errorf("the replayed lookup found %q, want %q", replayedKenya, kenya.ISO3)
	}
	var replayedNames []string
	if err := db.Raw(recorded[1]).Scan(&replayedNames).Error; err != nil {
		t.Fatalf("replay %q: %v", recorded[1], err)
	}
	if len(names) != 2 || !slices.Equal(replayedNames, names) {
		t.Errorf("the replayed list found %q, the original %q (want two States)", replayedNames, names)
	}
}

// Bytes and times are what GORM's own explanation gets wrong: '<binary>',
// and milliseconds with no zone. A session's data is bytes, and every
// request commits its session, so a replay must write them back intact.
func TestRecordedBytesAndTimesReadBackUnchanged(t *testing.T) {
	db := dbtest.New(t)
	ctx, rec := models.WithStatementRecorder(context.Background())
	data := []byte{0, 0xff, '\n', '\\', '\''}
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.FixedZone("EAT", 3*60*60))
	var none *time.Time
	type row struct {
		B    []byte
		T    time.Time
		None *time.Time
	}
	const query = "SELECT ?::bytea AS b, ?::timestamptz AS t, ?::timestamptz AS none"
	var original, replayed row
	if err := db.WithContext(ctx).Raw(query, data, at, none).Scan(&original).Error; err != nil {
		t.Fatal(err)
	}
	recorded := rec.Recorded()
	if len(recorded) != 1 {
		t.Fatalf("recorded %q, want one statement", recorded)
	}
	if err := db.Raw(recorded[0]).Scan(&replayed).Error; err != nil {
		t.Fatalf("replay %q: %v", recorded[0], err)
	}
	if !bytes.Equal(original.B, data) || !bytes.Equal(replayed.B, data) {
		t.Errorf("bytes %q read back as %q, replayed as %q (%s)", data, original.B, replayed.B, recorded[0])
	}
	if !original.T.Equal(at) || !replayed.T.Equal(at) {
		t.Errorf("time %s read back as %s, replayed as %s (%s)", at, original.T, replayed.T, recorded[0])
	}
	if replayed.None != nil {
		t.Errorf("a nil time replayed as %s (%s)", replayed.None, recorded[0])
	}
}

func TestAPlainCounterRecordsNothing(t *testing.T) {
	db := dbtest.New(t)
	ctx, counter := models.WithStatementCounter(context.Background())
	if _, err := models.MemberStateByISO3(ctx, db, "KEN"); err != nil {
		t.Fatal(err)
	}
	if counter.Count() != 1 {
		t.Errorf("counted %d statements, want 1", counter.Count())
	}
	if got := counter.Recorded(); got != nil {
		t.Errorf("a plain counter recorded %q", got)
	}
}
