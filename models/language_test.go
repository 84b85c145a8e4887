package models_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"ctap/models"
	"ctap/models/dbtest"
)

// A need keeps the language it is written in: one of the six, English
// when the input does not say, a problem beside the field otherwise; an
// edit changing only the language is a change, in the history and the
// audit trail.
func TestANeedKeepsTheLanguageItIsWrittenIn(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: db}
	p := newPeople(t, db)
	ev := models.AuditContext{Actor: p.focalKEN}

	in := validNeed("KEN")
	in.Language = "de"
	_, err := models.CreateNeed(ctx, db, ref, p.focalKEN, in, ev)
	if pr, ok := models.ProblemsOf(err); !ok || pr["language"].ID != "validation.language" {
		t.Fatalf("a need in German: %v, want a problem beside the language", err)
	}

	in.Language = ""
	n, err := models.CreateNeed(ctx, db, ref, p.focalKEN, in, ev)
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	db.Raw("SELECT language FROM needs WHERE id = ?", n.ID).Scan(&stored)
	if stored != "en" {
		t.Errorf("a need whose input names no language is stored in %q, want en", stored)
	}

	in.Language = "ru"
	if _, err := models.UpdateNeed(ctx, db, ref, p.focalKEN, n.ID, n.Version, in, ev); err != nil {
		t.Fatal(err)
	}
	db.Raw("SELECT language FROM needs WHERE id = ?", n.ID).Scan(&stored)
	if stored != "ru" {
		t.Errorf("the edited need is stored in %q, want ru", stored)
	}
	var changed string
	db.Raw(`SELECT array_to_string(changed, ',') FROM need_events WHERE need_id = ? AND kind = 'edited'`, n.ID).Scan(&changed)
	if changed != "language" {
		t.Errorf("the edit's history says %q changed, want language", changed)
	}
	var audited int64
	if err := db.Raw(`SELECT count(*) FROM audit_events WHERE target_type = 'need' AND target_id = ? AND after->>'language' = 'ru'`,
		strconv.FormatInt(n.ID, 10)).Scan(&audited).Error; err != nil {
		t.Fatal(err)
	}
	if audited != 1 {
		t.Errorf("%d audit rows record the language ru, want 1", audited)
	}
}

// An import file may name the language of each row's text; a row without
// it is English, one naming a seventh language is refused by line and
// column.
func TestAContributionFileMayNameEachRowsLanguage(t *testing.T) {
	db := dbtest.New(t)
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	file := `import_key,donor,kind,title,amount,currency,value_date,status,language
NOR-1,norway,financial,Subvention pour la gestion des frontières,1000,NOK,2026-01-15,pledged,FR
NOR-2,norway,financial,Border grant,2000,NOK,2026-01-15,pledged,
`
	if _, err := importContributions(t, db, sec, file); err != nil {
		t.Fatal(err)
	}
	var got []string
	db.Raw(`SELECT import_key || ' ' || language FROM contributions ORDER BY import_key`).Scan(&got)
	if strings.Join(got, ",") != "NOR-1 fr,NOR-2 en" {
		t.Errorf("stored %v, want NOR-1 in French and NOR-2 in English", got)
	}

	_, err := importContributions(t, db, sec, strings.Replace(file, ",FR\n", ",de\n", 1))
	if err == nil || !strings.Contains(err.Error(), "language") {
		t.Errorf("a row in German: %v, want it refused at its language column", err)
	}
}
