package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

func TestRatesAreValidatedField(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: db}
	_, last := models.RateMonthBounds(models.Today())
	beyond := last.AddDate(0, 1, 0).Format("2006-01")
	for _, tc := range []struct {
		name                  string
		currency, month, rate string
		field, id             string // "" when valid
		want                  string // the rate stored, when valid
	}{
		{"a rate", "EUR", "2024-01", "0.915", "", "", "0.915"},
		{"a code in lower case", " eur ", "2024-01", "0.915", "", "", "0.915"},
		{"digits grouped by spaces", "KES", "2024-01", "3 650.25", "", "", "3650.25"},
		{"eight decimals", "EUR", "2024-01", "0.12345678", "", "", "0.12345678"},
		{"trailing zeros beyond eight", "EUR", "2024-01", "1.100000000", "", "", "1.1"},
		{"the largest rate", "EUR", "2024-01", "999999999999.99999999", "", "", "999999999999.99999999"},
		{"January 2000", "EUR", "2000-01", "1", "", "", "1"},
		{"next month", "EUR", last.Format("2006-01"), "1", "", "", "1"},
		{"no currency", "", "2024-01", "1", "currency", "validation.required", ""},
		{"an unknown currency", "XYZ", "2024-01", "1", "currency", "validation.unknown_currency", ""},
		{"the US dollar", "USD", "2024-01", "1", "currency", "rates.usd", ""},
		{"a currency in invalid UTF-8", "E\xffR", "2024-01", "1", "currency", "validation.invalid_text", ""},
		{"no month", "EUR", "", "1", "month", "validation.required", ""},
		{"a month 13", "EUR", "2024-13", "1", "month", "rates.month_format", ""},
		{"a month without its zero", "EUR", "2024-1", "1", "month", "rates.month_format", ""},
		{"a date", "EUR", "2024-01-01", "1", "month", "rates.month_format", ""},
		{"before 2000", "EUR", "1999-12", "1", "month", "rates.month_range", ""},
		{"after next month", "EUR", beyond, "1", "month", "rates.month_range", ""},
		{"no rate", "EUR", "2024-01", " ", "rate", "validation.required", ""},
		{"zero", "EUR", "2024-01", "0", "rate", "rates.not_positive", ""},
		{"zero with decimals", "EUR", "2024-01", "0.00000000", "rate", "rates.not_positive", ""},
		{"negative", "EUR", "2024-01", "-0.915", "rate", "rates.not_positive", ""},
		{"nine decimals", "EUR", "2024-01", "0.123456789", "rate", "rates.too_many_decimals", ""},
		{"a trillion", "EUR", "2024-01", "1000000000000", "rate", "rates.too_large", ""},
		{"huge", "EUR", "2024-01", strings.Repeat("9", 30), "rate", "rates.too_large", ""},
		{"a decimal comma", "EUR", "2024-01", "0,915", "rate", "rates.number", ""},
		{"an exponent", "EUR", "2024-01", "9.15e-1", "rate", "rates.number", ""},
		{"a sign", "EUR", "2024-01", "+0.915", "rate", "rates.number", ""},
		{"not a number", "EUR", "2024-01", "NaN", "rate", "rates.number", ""},
		{"a rate in invalid UTF-8", "EUR", "2024-01", "0.9\xff", "rate", "validation.invalid_text", ""},
		{"a control character", "EUR", "2024-01\x01", "1", "month", "validation.invalid_text", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := models.ValidateRate(ctx, ref, models.RateInput{Currency: tc.currency, Month: tc.month, Rate: tc.rate})
			if tc.id == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !r.UnitsPerUSD.Equal(decimal.RequireFromString(tc.want)) || r.Currency != strings.ToUpper(strings.TrimSpace(tc.currency)) || r.MonthKey() != tc.month {
					t.Errorf("rate %s %s %s, want %s %s %s", r.Currency, r.MonthKey(), r.UnitsPerUSD, tc.currency, tc.month, tc.want)
				}
				return
			}
			p, ok := models.ProblemsOf(err)
			if !ok || p[tc.field].ID != tc.id {
				t.Errorf("problems %v, want %s on %s", err, tc.id, tc.field)
			}
			if len(p) != 1 {
				t.Errorf("problems %v, want one", p)
			}
		})
	}
}

func rateCount(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.ExchangeRate{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func storedRate(t *testing.T, db *gorm.DB, currency, month string) models.ExchangeRate {
	t.Helper()
	m, _ := models.ParseRateMonth(month)
	r, err := models.RateByKey(context.Background(), db, currency, m)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAStaleRateSaveIsRefusedAndEachChangeAudited(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: db}
	admin := roleUser(t, db, "admin@example.org", models.RoleAdmin, "")
	ev := models.AuditContext{Actor: admin}
	in := models.RateInput{Currency: "EUR", Month: "2024-01", Rate: "0.915"}

	r, err := models.SaveRate(ctx, db, ref, admin, in, 0, ev)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || r.UpdatedBy == "" {
		t.Errorf("new rate: version %d, updated by %q", r.Version, r.UpdatedBy)
	}
	// Added again from a form opened before: someone added it first.
	in.Rate = "0.92"
	if _, err := models.SaveRate(ctx, db, ref, admin, in, 0, ev); !errors.Is(err, models.ErrStaleVersion) {
		t.Fatalf("second add: %v, want ErrStaleVersion", err)
	}
	if _, err := models.SaveRate(ctx, db, ref, admin, in, 1, ev); err != nil {
		t.Fatal(err)
	}
	// An edit made on version 1 after version 2 was saved.
	in.Rate = "0.93"
	if _, err := models.SaveRate(ctx, db, ref, admin, in, 1, ev); !errors.Is(err, models.ErrStaleVersion) {
		t.Fatalf("stale edit: %v, want ErrStaleVersion", err)
	}
	got := storedRate(t, db, "EUR", "2024-01")
	if got.Version != 2 || !got.UnitsPerUSD.Equal(decimal.RequireFromString("0.92")) {
		t.Errorf("after the stale edit: version %d, rate %s; want 2, 0.92", got.Version, got.UnitsPerUSD)
	}
	// Saving the same figure again writes nothing.
	in.Rate = "0.92000"
	if r, err := models.SaveRate(ctx, db, ref, admin, in, 2, ev); err != nil || r.Version != 2 {
		t.Errorf("unchanged save: version %d, %v", r.Version, err)
	}
	if n := countAudit(t, db, "rate.created"); n != 1 {
		t.Errorf("%d rate.created events, want 1", n)
	}
	if n := countAudit(t, db, "rate.changed"); n != 1 {
		t.Errorf("%d rate.changed events, want 1", n)
	}
	var e models.AuditEvent
	if err := db.Where("action = 'rate.changed'").Take(&e).Error; err != nil {
		t.Fatal(err)
	}
	var before, after map[string]string
	_ = json.Unmarshal(e.Before, &before)
	_ = json.Unmarshal(e.After, &after)
	if e.TargetType != "exchange_rate" || e.TargetID != "EUR/2024-01" || before["units_per_usd"] != "0.915" || after["units_per_usd"] != "0.92" ||
		e.ActorID == nil || *e.ActorID != admin.ID {
		t.Errorf("audit event %+v, before %v, after %v", e, before, after)
	}

	// Invalid input is refused before anything is written; an edit of a
	// rate nobody added is not found.
	if _, err := models.SaveRate(ctx, db, ref, admin, models.RateInput{Currency: "USD", Month: "2024-01", Rate: "1"}, 0, ev); err == nil {
		t.Error("a rate for the US dollar was saved")
	}
	if _, err := models.SaveRate(ctx, db, ref, admin, models.RateInput{Currency: "JPY", Month: "2024-01", Rate: "141.47"}, 3, ev); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("an edit of a rate never added: %v, want ErrNotFound", err)
	}
	// Only administrators keep the rates.
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	for _, u := range []*models.User{sec, nil} {
		if _, err := models.SaveRate(ctx, db, ref, u, models.RateInput{Currency: "JPY", Month: "2024-01", Rate: "141.47"}, 0, models.AuditContext{Actor: u}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("save as %v: %v, want ErrForbidden", u, err)
		}
	}
	if n := rateCount(t, db); n != 1 {
		t.Errorf("%d rates stored, want 1", n)
	}
}

// A rate and its audit row commit together: when the audit row cannot be
// written (a NUL byte, which PostgreSQL refuses in text), the rate is not
// stored either, nor changed.
func TestARateIsStoredOnlyWithItsAuditRow(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: db}
	admin := roleUser(t, db, "admin@example.org", models.RoleAdmin, "")
	broken := models.AuditContext{Actor: admin, RequestID: "req\x00"}

	in := models.RateInput{Currency: "EUR", Month: "2024-01", Rate: "0.915"}
	if _, err := models.SaveRate(ctx, db, ref, admin, in, 0, broken); err == nil {
		t.Fatal("the save succeeded without its audit row")
	}
	if n := rateCount(t, db); n != 0 {
		t.Fatalf("%d rates stored without their audit row", n)
	}
	if _, err := models.SaveRate(ctx, db, ref, admin, in, 0, models.AuditContext{Actor: admin}); err != nil {
		t.Fatal(err)
	}
	in.Rate = "0.92"
	if _, err := models.SaveRate(ctx, db, ref, admin, in, 1, broken); err == nil {
		t.Fatal("the edit succeeded without its audit row")
	}
	if r := storedRate(t, db, "EUR", "2024-01"); r.Version != 1 || !r.UnitsPerUSD.Equal(decimal.RequireFromString("0.915")) {
		t.Errorf("the rate changed without its audit row: version %d, %s", r.Version, r.UnitsPerUSD)
	}
	if _, err := importRates(t, db, ref, admin, broken, "valid.csv"); err == nil {
		t.Fatal("the import succeeded without its audit rows")
	}
	if n := rateCount(t, db); n != 1 {
		t.Errorf("%d rates after an import whose audit failed, want 1", n)
	}
}

func importRates(t *testing.T, db *gorm.DB, ref *models.ReferenceCache, u *models.User, ev models.AuditContext, name string) (models.RateImportResult, error) {
	t.Helper()
	f, err := os.Open("../testdata/rates/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return models.ImportRates(context.Background(), db, ref, u, f, ev)
}

type rateRow struct {
	Currency    string
	Month       time.Time
	UnitsPerUSD decimal.Decimal
	Version     int
	UpdatedAt   time.Time
}

func allRates(t *testing.T, db *gorm.DB) []rateRow {
	t.Helper()
	var out []rateRow
	if err := db.Table("exchange_rates").Order("currency, month").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func TestARatesFileWithOneBadRowImportsNothing(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: db}
	admin := roleUser(t, db, "admin@example.org", models.RoleAdmin, "")
	ev := models.AuditContext{Actor: admin}

	_, err := importRates(t, db, ref, admin, ev, "one_bad_row.csv")
	problems, ok := models.ImportProblemsOf(err)
	if !ok {
		t.Fatalf("import: %v, want an ImportError", err)
	}
	if len(problems) != 1 || problems[0].Line != 4 || problems[0].Column != "units_per_usd" || problems[0].ID != "rates.not_positive" {
		t.Errorf("problems %+v, want line 4, column units_per_usd, not positive", problems)
	}
	if n := rateCount(t, db); n != 0 {
		t.Errorf("%d rates stored from a refused file", n)
	}
	if n := countAudit(t, db, "rate%"); n != 0 {
		t.Errorf("%d audit events for a refused file", n)
	}

	// Every problem of a file at once, by line and column.
	_, err = importRates(t, db, ref, admin, ev, "bad_rows.csv")
	problems, _ = models.ImportProblemsOf(err)
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprintf("%d %s %s", p.Line, p.Column, p.ID))
	}
	want := []string{
		"2 currency validation.unknown_currency",
		"3 currency rates.usd",
		"4 month rates.month_format",
		"5 month rates.month_range",
		"6 units_per_usd rates.not_positive",
		"7 units_per_usd rates.too_many_decimals",
		"8 units_per_usd rates.too_large",
		"9  import.columns",
		"11 month rates.import_duplicate",
		"12  import.columns",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(problems) > 8 && problems[8].Data["Line"] != 10 {
		t.Errorf("the duplicate names line %v, want 10", problems[8].Data["Line"])
	}

	var tooMany strings.Builder
	tooMany.WriteString("currency,month,units_per_usd\n")
	for i := 0; i <= models.MaxRateImportRows; i++ {
		fmt.Fprintf(&tooMany, "EUR,2024-01,%d\n", i+1)
	}
	for _, tc := range []struct{ name, body, id string }{
		{"empty", "", "import.empty"},
		{"header only", "currency,month,units_per_usd\n", "import.empty"},
		{"a header in UTF-16", "\xff\xfec\x00u\x00r\x00", "import.header"},
		{"a wrong header", "code,month,rate\nEUR,2024-01,0.915\n", "import.header"},
		{"a missing column", "currency,month\nEUR,2024-01\n", "import.header"},
		{"a column twice", "currency,month,units_per_usd,month\nEUR,2024-01,0.915,2024-01\n", "import.header"},
		{"a broken quote", "currency,month,units_per_usd\n\"EUR,2024-01,0.915\n", "import.unreadable"},
		{"invalid UTF-8", "currency,month,units_per_usd\nE\xffR,2024-01,0.915\n", "validation.invalid_text"},
		{"too many rows", tooMany.String(), "import.too_many"},
	} {
		_, err := models.ImportRates(ctx, db, ref, admin, strings.NewReader(tc.body), ev)
		problems, _ := models.ImportProblemsOf(err)
		if len(problems) == 0 || problems[0].ID != tc.id {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.id)
		}
	}
	if n := rateCount(t, db); n != 0 {
		t.Errorf("%d rates stored from refused files", n)
	}
	// Only administrators import.
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	if _, err := importRates(t, db, ref, sec, models.AuditContext{Actor: sec}, "valid.csv"); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("import by the Secretariat: %v, want ErrForbidden", err)
	}
}

func TestImportingTheSameRatesFileTwiceChangesNothing(t *testing.T) {
	db := dbtest.New(t)
	ref := &models.ReferenceCache{DB: db}
	admin := roleUser(t, db, "admin@example.org", models.RoleAdmin, "")
	ev := models.AuditContext{Actor: admin}

	// valid.csv starts with a byte-order mark, lists its columns in
	// another order and ends its lines with CR LF.
	res, err := importRates(t, db, ref, admin, ev, "valid.csv")
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.RateImportResult{Rows: 6, Added: 6}) {
		t.Errorf("first import: %+v", res)
	}
	first := allRates(t, db)
	if len(first) != 6 || first[0].Currency != "EUR" || first[0].Month.Format("2006-01") != "2024-01" || !first[0].UnitsPerUSD.Equal(decimal.RequireFromString("0.915")) {
		t.Fatalf("rates after the first import: %+v", first)
	}
	if n := countAudit(t, db, "rate.created"); n != 6 {
		t.Errorf("%d rate.created events, want 6", n)
	}

	res, err = importRates(t, db, ref, admin, ev, "valid.csv")
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.RateImportResult{Rows: 6, Unchanged: 6}) {
		t.Errorf("second import: %+v", res)
	}
	if second := allRates(t, db); fmt.Sprint(second) != fmt.Sprint(first) {
		t.Errorf("the second import changed the rates:\n%v\n%v", first, second)
	}
	if n := countAudit(t, db, "rate.%"); n != 6 {
		t.Errorf("%d rate events after the second import, want 6", n)
	}
	if n := countAudit(t, db, "rates.imported"); n != 2 {
		t.Errorf("%d import events, want 2", n)
	}

	// A file changing one rate (148.1 is 148.10) and adding another.
	res, err = importRates(t, db, ref, admin, ev, "changed.csv")
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.RateImportResult{Rows: 7, Added: 1, Changed: 1, Unchanged: 5}) {
		t.Errorf("third import: %+v", res)
	}
	if r := storedRate(t, db, "EUR", "2024-02"); r.Version != 2 || !r.UnitsPerUSD.Equal(decimal.RequireFromString("0.93")) {
		t.Errorf("the changed rate: version %d, %s", r.Version, r.UnitsPerUSD)
	}
	if r := storedRate(t, db, "JPY", "2024-02"); r.Version != 1 {
		t.Errorf("an unchanged rate moved to version %d", r.Version)
	}
	var e models.AuditEvent
	if err := db.Where("action = 'rate.changed'").Take(&e).Error; err != nil {
		t.Fatal(err)
	}
	if e.TargetID != "EUR/2024-02" || !strings.Contains(string(e.Before), `"0.926"`) || !strings.Contains(string(e.After), `"0.93"`) {
		t.Errorf("rate.changed event: %s %s → %s", e.TargetID, e.Before, e.After)
	}

	// The list: the latest month first, filtered by currency and year, in
	// pages.
	ctx := context.Background()
	page, err := models.ListRates(ctx, db, models.RateFilter{}, models.PageRequest{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range page.Items {
		keys = append(keys, r.Key())
	}
	if strings.Join(keys, " ") != "EUR/2024-03 KES/2024-02 JPY/2024-02" || page.Next == "" || page.Prev != "" {
		t.Errorf("first page %v (next %q, prev %q)", keys, page.Next, page.Prev)
	}
	page, err = models.ListRates(ctx, db, models.RateFilter{}, models.PageRequest{Limit: 3, After: page.Next})
	if err != nil {
		t.Fatal(err)
	}
	keys = keys[:0]
	for _, r := range page.Items {
		keys = append(keys, r.Key())
	}
	if strings.Join(keys, " ") != "EUR/2024-02 KES/2024-01 JPY/2024-01" {
		t.Errorf("second page %v", keys)
	}
	for _, tc := range []struct {
		f    models.RateFilter
		want int
	}{{models.RateFilter{Currency: "EUR"}, 3}, {models.RateFilter{Year: 2024}, 7}, {models.RateFilter{Year: 2023}, 0}, {models.RateFilter{Currency: "JPY", Year: 2024}, 2}} {
		page, err := models.ListRates(ctx, db, tc.f, models.PageRequest{})
		if err != nil || len(page.Items) != tc.want {
			t.Errorf("filter %+v: %d rates, %v; want %d", tc.f, len(page.Items), err, tc.want)
		}
	}
}
