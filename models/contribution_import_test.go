package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

const contributionFile = `import_key,donor,kind,title,amount,currency,value_date,status,status_date,earmark,recipient,in_kind_type,valuation,public,verified
NOR-2026-01,norway,financial,Border management grant,"1,000,000.00",NOK,2026-01-15,paid,2026-02-01,state,KEN,,,yes,yes
EU-2026-07,european-union,in_kind,Two experts for six months,120000,EUR,2026-03-01,committed,2026-03-10,none,,experts,Daily rates of the EU roster,no,
NOR-2026-02,norway,financial,Pledge for 2027,250000,USD,2026-06-30,pledged,,none,,,,true,false
`

func importContributions(t *testing.T, db *gorm.DB, u *models.User, file string) (models.ContributionImportResult, error) {
	t.Helper()
	ref := &models.ReferenceCache{DB: db}
	return models.ImportContributions(context.Background(), db, ref, models.NewFormChecker(), u, strings.NewReader(file),
		models.AuditContext{Actor: u})
}

// TestAContributionFileIsImportedOnceAndAgainChangesNothing imports a file
// of three contributions, again unchanged, then with one amount changed.
func TestAContributionFileIsImportedOnceAndAgainChangesNothing(t *testing.T) {
	db := dbtest.New(t)
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	res, err := importContributions(t, db, sec, contributionFile)
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.ContributionImportResult{Rows: 3, Created: 3}) {
		t.Errorf("first import: %+v", res)
	}
	var stored []models.Contribution
	if err := db.Order("import_key").Find(&stored).Error; err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(stored))
	for i, c := range stored {
		got[i] = fmt.Sprintf("%s %s %s %s %s paid=%v committed=%v public=%v verified=%v v%d", *c.ImportKey, c.Status, c.Amount.StringFixed(2), c.Currency,
			c.Earmark, dateOf(c.PaidOn), dateOf(c.CommittedOn), c.Public, c.Verified, c.Version)
	}
	want := []string{
		"EU-2026-07 committed 120000.00 EUR none paid= committed=2026-03-10 public=false verified=false v1",
		"NOR-2026-01 paid 1000000.00 NOK state paid=2026-02-01 committed= public=true verified=true v1",
		"NOR-2026-02 pledged 250000.00 USD none paid= committed= public=true verified=false v1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("stored:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	audits := func() int64 {
		var n int64
		db.Table("audit_events").Where("action LIKE 'contribution.%'").Count(&n)
		return n
	}
	if n := audits(); n != 4 {
		t.Errorf("%d audit rows after the first import, want 3 creations and the import", n)
	}

	res, err = importContributions(t, db, sec, contributionFile)
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.ContributionImportResult{Rows: 3, Unchanged: 3}) {
		t.Errorf("the same file again: %+v, want all unchanged", res)
	}
	if n := audits(); n != 5 {
		t.Errorf("%d audit rows after the second import, want only the import added", n)
	}

	changed := strings.Replace(contributionFile, "120000,EUR", "125000,EUR", 1)
	res, err = importContributions(t, db, sec, changed)
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.ContributionImportResult{Rows: 3, Changed: 1, Unchanged: 2}) {
		t.Errorf("one amount changed: %+v", res)
	}
	var eu models.Contribution
	if err := db.Where("import_key = 'EU-2026-07'").Take(&eu).Error; err != nil {
		t.Fatal(err)
	}
	if !eu.Amount.Equal(dec("125000")) || eu.Version != 2 {
		t.Errorf("the changed contribution: %s at version %d, want 125000 at version 2", eu.Amount, eu.Version)
	}
}

func dateOf(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format("2006-01-02")
}

// TestABadContributionFileIsRefusedWholeWithEveryProblem imports a file
// with one good row and a wrong cell on each other line: nothing is
// stored, and each problem names its line and column.
func TestABadContributionFileIsRefusedWholeWithEveryProblem(t *testing.T) {
	db := dbtest.New(t)
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	focal := roleUser(t, db, "focal.fra@example.org", models.RoleFocalPoint, "FRA")
	var private int64
	if err := db.Raw(`INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status)
		VALUES ((SELECT id FROM member_states WHERE iso3 = 'KEN'), 'Private', 'criminal_justice', 'high', 'training', 'state', 'draft') RETURNING id`).
		Scan(&private).Error; err != nil {
		t.Fatal(err)
	}
	file := `import_key,donor,kind,title,amount,currency,value_date,status,earmark,need,public
K1,norway,financial,Good row,1000,USD,2026-01-01,paid,none,,no
K2,norway,financial,Negative,-5,USD,2026-01-01,paid,none,,no
K3,norway,financial,Unknown currency,5,XYZ,2026-01-01,paid,none,,no
K4,atlantis,financial,Unknown donor,5,USD,2026-01-01,paid,none,,no
K1,norway,financial,Key twice,5,USD,2026-01-01,paid,none,,no
K6,norway,financial,Bad status,5,USD,2026-01-01,received,none,,no
K7,norway,financial,Bad yes or no,5,USD,2026-01-01,paid,none,,maybe
K8,norway,financial,Private need,5,USD,2026-01-01,pledged,need,` + fmt.Sprint(private) + `,no
,norway,financial,No key,5,USD,2026-01-01,paid,none,,no
K10,norway,gift,Bad kind,5,USD,2026-01-01,paid,none,,no
`
	_, err := importContributions(t, db, sec, file)
	problems, refused := models.ImportProblemsOf(err)
	if !refused {
		t.Fatalf("a bad file: %v, want it refused", err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprintf("%d %s %s", p.Line, p.Column, p.ID))
	}
	want := []string{
		"3 amount validation.amount_negative",
		"4 currency validation.unknown_currency",
		"5 donor contribution.unknown_donor",
		"6 import_key contribution.import_duplicate",
		"7 status validation.choose",
		"8 public contribution.import_yes_no",
		"9 need contribution.unknown_need",
		"10 import_key validation.required",
		"11 kind validation.choose",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var n int64
	db.Model(&models.Contribution{}).Count(&n)
	if n != 0 {
		t.Errorf("%d contributions stored from a refused file, want none", n)
	}
	if _, err := importContributions(t, db, focal, contributionFile); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("a focal point imports: %v, want forbidden", err)
	}
}
