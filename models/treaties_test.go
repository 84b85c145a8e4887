package models_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// The status is derived from the actions as of a date, by one rule.
func TestTreatyStatusIsDerivedFromEverySequenceOfActions(t *testing.T) {
	asOf := day("2020-06-30")
	before, same, after := day("2010-01-01"), asOf, day("2021-01-01")
	ev := func(k models.TreatyActionKind, d time.Time) models.TreatyEvent {
		return models.TreatyEvent{Kind: k, Date: d}
	}
	for _, tc := range []struct {
		name   string
		events []models.TreatyEvent
		want   models.TreatyStatus
	}{
		{"nothing", nil, models.TreatyNotParty},
		{"signature", []models.TreatyEvent{ev(models.TreatySignature, before)}, models.TreatySignatory},
		{"signature on the day", []models.TreatyEvent{ev(models.TreatySignature, same)}, models.TreatySignatory},
		{"signature after the date", []models.TreatyEvent{ev(models.TreatySignature, after)}, models.TreatyNotParty},
		{"signature then ratification", []models.TreatyEvent{ev(models.TreatySignature, before), ev(models.TreatyRatification, before.AddDate(1, 0, 0))}, models.TreatyParty},
		{"ratification listed before the signature", []models.TreatyEvent{ev(models.TreatyRatification, before.AddDate(1, 0, 0)), ev(models.TreatySignature, before)}, models.TreatyParty},
		{"ratification on the day", []models.TreatyEvent{ev(models.TreatySignature, before), ev(models.TreatyRatification, same)}, models.TreatyParty},
		{"ratification after the date", []models.TreatyEvent{ev(models.TreatySignature, before), ev(models.TreatyRatification, after)}, models.TreatySignatory},
		{"signature and ratification after the date", []models.TreatyEvent{ev(models.TreatySignature, after), ev(models.TreatyRatification, after)}, models.TreatyNotParty},
		{"acceptance", []models.TreatyEvent{ev(models.TreatySignature, before), ev(models.TreatyAcceptance, before)}, models.TreatyParty},
		{"approval", []models.TreatyEvent{ev(models.TreatySignature, before), ev(models.TreatyApproval, before)}, models.TreatyParty},
		{"accession", []models.TreatyEvent{ev(models.TreatyAccession, before)}, models.TreatyParty},
		{"accession after the date", []models.TreatyEvent{ev(models.TreatyAccession, after)}, models.TreatyNotParty},
		{"succession", []models.TreatyEvent{ev(models.TreatySuccession, before)}, models.TreatyParty},
		{"signature then accession", []models.TreatyEvent{ev(models.TreatySignature, before), ev(models.TreatyAccession, before)}, models.TreatyParty},
		{"signature, succession after the date", []models.TreatyEvent{ev(models.TreatySignature, before), ev(models.TreatySuccession, after)}, models.TreatySignatory},
		{"a time of day does not matter", []models.TreatyEvent{ev(models.TreatyAccession, asOf.Add(23*time.Hour))}, models.TreatyParty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := models.DeriveTreatyStatus(tc.events, asOf); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}

	// And exhaustively: every signature (none, before, after the date)
	// with every act of consent (none, each kind before or after).
	dates := map[string]*time.Time{"none": nil, "before": &before, "after": &after}
	for sigName, sig := range dates {
		for _, kind := range append([]models.TreatyActionKind{""}, models.TreatyConsentKinds()...) {
			for consentName, consent := range dates {
				if (kind == "") != (consent == nil) {
					continue
				}
				var events []models.TreatyEvent
				if sig != nil {
					events = append(events, ev(models.TreatySignature, *sig))
				}
				if consent != nil {
					events = append(events, ev(kind, *consent))
				}
				want := models.TreatyNotParty
				if sig == &before {
					want = models.TreatySignatory
				}
				if consent == &before {
					want = models.TreatyParty
				}
				if got := models.DeriveTreatyStatus(events, asOf); got != want {
					t.Errorf("signature %s, %q %s: got %s, want %s", sigName, kind, consentName, got, want)
				}
			}
		}
	}
}

func treatyUser(role models.Role, stateID *int) *models.User {
	return &models.User{Status: models.StatusActive, Role: &role, MemberStateID: stateID, Email: string(role) + "@example.org"}
}

func instrument(t *testing.T, ref *models.ReferenceCache, code string) models.Instrument {
	t.Helper()
	in, err := ref.InstrumentByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestTreatyEditsAreCheckedAgainstTheInstrumentTheSignatureAndToday(t *testing.T) {
	hague := models.Instrument{Code: "hague-1970", AdoptedOn: day("1970-12-16"), OpenForSignature: true}
	amendment := models.Instrument{Code: "cppnm-amendment-2005", AdoptedOn: day("2005-07-08")}
	today := day("2024-05-01")
	for _, tc := range []struct {
		name  string
		in    models.TreatyInput
		field string
		id    string
		inst  *models.Instrument
	}{
		{"an amendment ratified without signature", models.TreatyInput{ConsentKind: "ratification", ConsentDate: "2010-01-01"}, "", "", &amendment},
		{"an amendment signed", models.TreatyInput{SignatureDate: "2006-01-01"}, "signature_date", "treaty.no_signature", &amendment},
		{"fine", models.TreatyInput{SignatureDate: "1971-01-01", ConsentKind: "ratification", ConsentDate: "1972-01-01", Level: "partial"}, "", "", nil},
		{"accession alone", models.TreatyInput{ConsentKind: "accession", ConsentDate: "1990-01-01"}, "", "", nil},
		{"signature in the future", models.TreatyInput{SignatureDate: "2024-05-02"}, "signature_date", "treaty.date_future", nil},
		{"signature before adoption", models.TreatyInput{SignatureDate: "1970-12-15"}, "signature_date", "treaty.date_before_adoption", nil},
		{"consent before adoption", models.TreatyInput{ConsentKind: "succession", ConsentDate: "1960-01-01"}, "consent_date", "treaty.date_before_adoption", nil},
		{"ratification without signature", models.TreatyInput{ConsentKind: "ratification", ConsentDate: "1990-01-01"}, "consent_kind", "treaty.needs_signature", nil},
		{"approval before the signature", models.TreatyInput{SignatureDate: "1990-01-02", ConsentKind: "approval", ConsentDate: "1990-01-01"}, "consent_date", "treaty.consent_before_signature", nil},
		{"a date without a kind", models.TreatyInput{ConsentDate: "1990-01-01"}, "consent_kind", "treaty.consent_kind_required", nil},
		{"a kind without a date", models.TreatyInput{ConsentKind: "accession"}, "consent_date", "treaty.consent_date_required", nil},
		{"not a date", models.TreatyInput{SignatureDate: "1990-02-30"}, "signature_date", "validation.date", nil},
		{"a note without a level", models.TreatyInput{Note: "Act 12 of 2003"}, "level", "treaty.level_required", nil},
		{"invalid text", models.TreatyInput{Level: "partial", Note: "bad \xff"}, "note", "validation.invalid_text", nil},
		{"over-long note", models.TreatyInput{Level: "partial", Note: strings.Repeat("é", 1001)}, "note", "validation.too_long", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inst := hague
			if tc.inst != nil {
				inst = *tc.inst
			}
			_, err := models.ValidateTreatyInput(inst, tc.in, today)
			p, _ := models.ProblemsOf(err)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if p[tc.field].ID != tc.id {
				t.Errorf("problems %v, want %s on %s", p, tc.id, tc.field)
			}
		})
	}
}

func TestAStaleTreatySaveIsRefusedAndAFreshOneAudited(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: db}
	ken, _ := ref.MemberStateByISO3(ctx, "KEN")
	fp := treatyUser(models.RoleFocalPoint, &ken.ID)
	inst := instrument(t, ref, "terrorist-financing-1999")

	in := models.TreatyInput{SignatureDate: "2001-12-04", Level: "drafting"}
	if err := models.SaveTreatyRecord(ctx, db, fp, ken.ID, inst, in, models.AuditContext{Actor: fp}); err != nil {
		t.Fatal(err)
	}
	rec, _ := models.LoadTreatyRecord(ctx, db, ken.ID, inst.ID)
	if rec.Status(time.Now()) != models.TreatySignatory || rec.Incorporation == nil || rec.Incorporation.Level != models.IncorporationDrafting {
		t.Fatalf("record after the first save: %+v", rec)
	}
	// The same form again (versions 0): someone saved first.
	if err := models.SaveTreatyRecord(ctx, db, fp, ken.ID, inst, in, models.AuditContext{Actor: fp}); !errors.Is(err, models.ErrStaleVersion) {
		t.Fatalf("stale save: %v, want ErrStaleVersion", err)
	}
	next := rec.InputOf()
	next.ConsentKind, next.ConsentDate = "ratification", "2003-06-27"
	if err := models.SaveTreatyRecord(ctx, db, fp, ken.ID, inst, next, models.AuditContext{Actor: fp}); err != nil {
		t.Fatal(err)
	}
	// Saving it unchanged writes nothing.
	rec, _ = models.LoadTreatyRecord(ctx, db, ken.ID, inst.ID)
	if err := models.SaveTreatyRecord(ctx, db, fp, ken.ID, inst, rec.InputOf(), models.AuditContext{Actor: fp}); err != nil {
		t.Fatal(err)
	}
	after, _ := models.LoadTreatyRecord(ctx, db, ken.ID, inst.ID)
	if rec.Status(time.Now()) != models.TreatyParty || after.Versions() != rec.Versions() {
		t.Errorf("after ratification: %v, versions %+v then %+v", rec.Status(time.Now()), rec.Versions(), after.Versions())
	}
	if n := countAudit(t, db, "treaty.%"); n != 3 {
		t.Errorf("%d treaty audit events, want 3 (signature, incorporation, ratification)", n)
	}
	// Another State's focal point, a donor and the Secretariat may not.
	fra, _ := ref.MemberStateByISO3(ctx, "FRA")
	for _, u := range []*models.User{treatyUser(models.RoleFocalPoint, &fra.ID), treatyUser(models.RoleSecretariat, nil), treatyUser(models.RoleDonor, nil), nil} {
		if err := models.SaveTreatyRecord(ctx, db, u, ken.ID, inst, after.InputOf(), models.AuditContext{}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("save as %v: %v, want ErrForbidden", u, err)
		}
	}
}

func countAudit(t *testing.T, db *gorm.DB, like string) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.AuditEvent{}).Where("action LIKE ?", like).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func importFile(t *testing.T, db *gorm.DB, ref *models.ReferenceCache, name string) (models.TreatyImportResult, error) {
	t.Helper()
	f, err := os.Open("../testdata/treaties/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sec := treatyUser(models.RoleSecretariat, nil)
	return models.ImportTreatyActions(context.Background(), db, ref, sec, f, models.AuditContext{Actor: sec})
}

type actionRow struct {
	ID            int64
	MemberStateID int
	InstrumentID  int
	Kind          string
	ActionDate    time.Time
	Version       int
	UpdatedAt     time.Time
}

func allActions(t *testing.T, db *gorm.DB) []actionRow {
	t.Helper()
	var out []actionRow
	if err := db.Table("treaty_actions").Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func TestATreatyImportWithOneBadRowImportsNothing(t *testing.T) {
	db := dbtest.New(t)
	ref := &models.ReferenceCache{DB: db}
	_, err := importFile(t, db, ref, "one_bad_row.csv")
	problems, ok := models.ImportProblemsOf(err)
	if !ok {
		t.Fatalf("import: %v, want an ImportError", err)
	}
	if len(problems) != 1 || problems[0].Line != 5 || problems[0].Column != "date" || problems[0].ID != "treaty.date_before_adoption" {
		t.Errorf("problems %+v, want line 5, column date, before adoption", problems)
	}
	if rows := allActions(t, db); len(rows) != 0 {
		t.Errorf("%d actions stored from a refused file", len(rows))
	}
	if n := countAudit(t, db, "treaty.%"); n != 0 {
		t.Errorf("%d audit events for a refused file", n)
	}

	// Every problem of a file is reported at once, by line and column.
	_, err = importFile(t, db, ref, "bad_rows.csv")
	problems, _ = models.ImportProblemsOf(err)
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprintf("%d %s %s", p.Line, p.Column, p.ID))
	}
	want := []string{
		"2 iso3 validation.unknown_state",
		"3 instrument treaty.unknown_instrument",
		"4 action treaty.unknown_action",
		"5 date validation.date",
		"6 action treaty.needs_signature",
		"8 date treaty.consent_before_signature",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	for _, tc := range []struct{ name, body, id string }{
		{"empty", "", "import.empty"},
		{"header only", "iso3,instrument,action,date\n", "import.empty"},
		{"wrong header", "state,treaty,kind,when\nKEN,hague-1970,signature,1971-01-01\n", "import.header"},
		{"short row", "iso3,instrument,action,date\nKEN,hague-1970\n", "import.columns"},
		{"future", "iso3,instrument,action,date\nKEN,hague-1970,signature," + time.Now().AddDate(1, 0, 0).Format("2006-01-02") + "\n", "treaty.date_future"},
		{"invalid UTF-8", "iso3,instrument,action,date\nK\xffN,hague-1970,signature,1971-01-01\n", "validation.invalid_text"},
	} {
		sec := treatyUser(models.RoleSecretariat, nil)
		_, err := models.ImportTreatyActions(context.Background(), db, ref, sec, strings.NewReader(tc.body), models.AuditContext{Actor: sec})
		problems, _ := models.ImportProblemsOf(err)
		if len(problems) == 0 || problems[0].ID != tc.id {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.id)
		}
	}
	if rows := allActions(t, db); len(rows) != 0 {
		t.Errorf("%d actions stored from refused files", len(rows))
	}
}

func TestImportingTheSameTreatyFileTwiceChangesNothing(t *testing.T) {
	db := dbtest.New(t)
	ref := &models.ReferenceCache{DB: db}
	res, err := importFile(t, db, ref, "valid.csv")
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.TreatyImportResult{Rows: 7, Created: 7}) {
		t.Errorf("first import: %+v", res)
	}
	first := allActions(t, db)
	saved := countAudit(t, db, "treaty.action_%")

	res, err = importFile(t, db, ref, "valid.csv")
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.TreatyImportResult{Rows: 7, Unchanged: 7}) {
		t.Errorf("second import: %+v", res)
	}
	if second := allActions(t, db); fmt.Sprint(second) != fmt.Sprint(first) {
		t.Errorf("the second import changed the actions:\n%v\n%v", first, second)
	}
	if n := countAudit(t, db, "treaty.action_%"); n != saved || saved != 7 {
		t.Errorf("action audit events: %d after the first import, %d after the second", saved, n)
	}
	if n := countAudit(t, db, "treaty.imported"); n != 2 {
		t.Errorf("%d import events, want 2", n)
	}

	// The matrix shows what was imported.
	m, err := models.LoadTreatyMatrix(context.Background(), db, ref, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]models.TreatyStatus{}
	for si, s := range m.States {
		for ii, in := range m.Instruments {
			if st := m.Cells[si][ii]; st != models.TreatyNotParty {
				status[s.ISO3+" "+in.Code] = st
			}
		}
	}
	want := map[string]models.TreatyStatus{
		"KEN terrorist-financing-1999": models.TreatyParty, "KEN terrorist-bombings-1997": models.TreatyParty,
		"FRA terrorist-financing-1999": models.TreatyParty, "FRA nuclear-terrorism-2005": models.TreatySignatory,
		"BRA hostages-1979": models.TreatyParty,
	}
	if fmt.Sprint(status) != fmt.Sprint(want) {
		t.Errorf("matrix %v, want %v", status, want)
	}
	ken := -1
	for i, s := range m.States {
		if s.ISO3 == "KEN" {
			ken = i
		}
	}
	if m.InstrumentsPerState[ken] != 2 {
		t.Errorf("Kenya is party to %d instruments, want 2", m.InstrumentsPerState[ken])
	}

	// A later file moving a date updates that action alone; one naming
	// another act of consent than the one recorded is refused.
	sec := treatyUser(models.RoleSecretariat, nil)
	res, err = models.ImportTreatyActions(context.Background(), db, ref, sec, strings.NewReader(
		"iso3,instrument,action,date\nKEN,terrorist-financing-1999,ratification,2003-06-28\nKEN,terrorist-financing-1999,signature,2001-12-04\n"), models.AuditContext{Actor: sec})
	if err != nil || res != (models.TreatyImportResult{Rows: 2, Updated: 1, Unchanged: 1}) {
		t.Errorf("update import: %+v, %v", res, err)
	}
	_, err = models.ImportTreatyActions(context.Background(), db, ref, sec, strings.NewReader(
		"iso3,instrument,action,date\nKEN,terrorist-financing-1999,accession,2004-01-01\n"), models.AuditContext{Actor: sec})
	if p, _ := models.ImportProblemsOf(err); len(p) != 1 || p[0].ID != "treaty.consent_exists" {
		t.Errorf("a second act of consent: %v", err)
	}
	// Only the Secretariat and admins import.
	fp := treatyUser(models.RoleFocalPoint, &m.States[ken].ID)
	if _, err := models.ImportTreatyActions(context.Background(), db, ref, fp, strings.NewReader("iso3,instrument,action,date\n"), models.AuditContext{}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("import by a focal point: %v", err)
	}
}
