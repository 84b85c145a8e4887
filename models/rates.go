package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The UN operational rates of exchange: for each currency and month, how
// many units of the currency one US dollar buys. Administrators keep them,
// one by one or from a CSV file; a contribution's US-dollar equivalent is
// its amount divided by the rate of its value date's month (the US dollar
// itself needs none), computed in SQL where the contributions are read.

// ExchangeRate is the operational rate of one currency for one month.
type ExchangeRate struct {
	Currency    string          `gorm:"primaryKey"`
	Month       time.Time       `gorm:"primaryKey;type:date"` // the first of the month
	UnitsPerUSD decimal.Decimal `gorm:"column:units_per_usd;type:numeric(20,8)"`
	Version     int
	UpdatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// rateMonthLayout is how a month is written in forms, files and addresses.
const rateMonthLayout = "2006-01"

// MonthKey writes the rate's month as YYYY-MM.
func (r ExchangeRate) MonthKey() string { return r.Month.Format(rateMonthLayout) }

// Key names the rate in the audit trail and addresses: "EUR/2024-01".
func (r ExchangeRate) Key() string { return r.Currency + "/" + r.MonthKey() }

func (r ExchangeRate) auditView() map[string]any {
	return map[string]any{"currency": r.Currency, "month": r.MonthKey(), "units_per_usd": r.UnitsPerUSD.String()}
}

// RateInput is a rate as the administration form submits it.
type RateInput struct {
	Currency string `form:"currency" validate:"required,len=3"`
	Month    string `form:"month" validate:"required,max=40"`
	Rate     string `form:"rate" validate:"required,max=40"`
}

// InputOf restates a stored rate as the form shows it.
func (r ExchangeRate) InputOf() RateInput {
	return RateInput{Currency: r.Currency, Month: r.MonthKey(), Rate: r.UnitsPerUSD.String()}
}

// CanManageRates tells whether u keeps the exchange rates: administrators.
func CanManageRates(u *User) bool { return u.HasRole(RoleAdmin) }

// rateFields names the fields (or the file's columns) a rate's problems are
// reported against.
type rateFields struct{ Currency, Month, Rate string }

var (
	formRateFields = rateFields{"currency", "month", "rate"}
	fileRateFields = rateFields{"currency", "month", "units_per_usd"}
)

// maxRate bounds a rate: numeric(20, 8) holds less than 10^12.
var maxRate = decimal.New(1, 12)

// rateMaxDecimals is the precision the rates are published and stored in.
const rateMaxDecimals = 8

var (
	rateMonthPattern  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}$`)
	rateNumberPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	rateGrouping      = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "\u2009", "")
)

// RateMonthBounds are the first and the last month a rate may be kept for:
// January 2000 and the month after today's (UTC).
func RateMonthBounds(today time.Time) (first, last time.Time) {
	y, m, _ := today.UTC().Date()
	return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
}

// ParseRateMonth reads a month written YYYY-MM as its first day (UTC).
func ParseRateMonth(raw string) (time.Time, bool) {
	if !rateMonthPattern.MatchString(raw) {
		return time.Time{}, false
	}
	m, err := time.Parse(rateMonthLayout, raw)
	return m, err == nil
}

// checkRate checks one rate's currency, month and units per US dollar and
// returns the rate they describe; problems go to p against the fields f
// names. The error is the reference data's, never the input's.
func checkRate(ctx context.Context, ref *ReferenceCache, p Problems, f rateFields, currency, month, rate string, today time.Time) (ExchangeRate, error) {
	var out ExchangeRate
	for _, c := range []struct{ field, value string }{{f.Currency, currency}, {f.Month, month}, {f.Rate, rate}} {
		if !utf8.ValidString(c.value) || hasControl(c.value) {
			p.Add(c.field, "validation.invalid_text")
		} else if strings.TrimSpace(c.value) == "" {
			p.Add(c.field, "validation.required")
		}
	}

	if _, bad := p[f.Currency]; !bad {
		code := strings.ToUpper(strings.TrimSpace(currency))
		cur, ok, err := ref.Currency(ctx, code)
		switch {
		case err != nil:
			return out, err
		case code == "USD":
			p.Add(f.Currency, "rates.usd")
		case !ok:
			p.Add(f.Currency, "validation.unknown_currency")
		default:
			out.Currency = cur.Code
		}
	}

	if _, bad := p[f.Month]; !bad {
		first, last := RateMonthBounds(today)
		m, ok := ParseRateMonth(strings.TrimSpace(month))
		switch {
		case !ok:
			p.Add(f.Month, "rates.month_format")
		case m.Before(first) || m.After(last):
			p.Add(f.Month, "rates.month_range", "First", first.Format(rateMonthLayout), "Last", last.Format(rateMonthLayout))
		default:
			out.Month = m
		}
	}

	if _, bad := p[f.Rate]; !bad {
		if d, ok := parseRate(p, f.Rate, rate); ok {
			out.UnitsPerUSD = d
		}
	}
	return out, nil
}

// parseRate reads a rate: digits with a point before the decimals, spaces
// between groups of digits allowed; never a float.
func parseRate(p Problems, field, raw string) (decimal.Decimal, bool) {
	s := rateGrouping.Replace(strings.TrimSpace(raw))
	if strings.HasPrefix(s, "-") && rateNumberPattern.MatchString(s[1:]) {
		p.Add(field, "rates.not_positive")
		return decimal.Decimal{}, false
	}
	if len(s) > 40 || !rateNumberPattern.MatchString(s) {
		p.Add(field, "rates.number")
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	switch {
	case err != nil:
		p.Add(field, "rates.number")
	case !d.IsPositive():
		p.Add(field, "rates.not_positive")
	case d.GreaterThanOrEqual(maxRate):
		p.Add(field, "rates.too_large")
	case !d.Equal(d.Truncate(rateMaxDecimals)):
		p.Add(field, "rates.too_many_decimals", "Max", rateMaxDecimals)
	default:
		return d, true
	}
	return decimal.Decimal{}, false
}

// ValidateRate checks a rate's meaning and returns the rate it describes
// (not stored): a known currency other than the US dollar, a month between
// January 2000 and next month, and a positive rate below 10^12 with at
// most eight decimals.
func ValidateRate(ctx context.Context, ref *ReferenceCache, in RateInput) (ExchangeRate, error) {
	p := Problems{}
	r, err := checkRate(ctx, ref, p, formRateFields, in.Currency, in.Month, in.Rate, Today())
	if err != nil {
		return r, err
	}
	return r, p.Err()
}

// RateByKey loads the rate of a currency for a month.
func RateByKey(ctx context.Context, db *gorm.DB, currency string, month time.Time) (ExchangeRate, error) {
	var r ExchangeRate
	err := db.WithContext(ctx).Where("currency = ? AND month = ?", currency, month.Format("2006-01-02")).Take(&r).Error
	if err != nil {
		return r, notFound(err, fmt.Sprintf("exchange rate %s/%s", currency, month.Format(rateMonthLayout)))
	}
	return r, nil
}

// SaveRate stores the rate of a currency for a month as made on version
// seen: 0 adds it (ErrStaleVersion if someone added it meanwhile), another
// version changes it (ErrStaleVersion if someone saved since). The change
// and its audit row commit together; saving the stored rate unchanged
// writes nothing.
func SaveRate(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, in RateInput, seen int, ev AuditContext) (ExchangeRate, error) {
	if !CanManageRates(u) {
		return ExchangeRate{}, fmt.Errorf("save exchange rate: %w", ErrForbidden)
	}
	next, err := ValidateRate(ctx, ref, in)
	if err != nil {
		return next, err
	}
	var out ExchangeRate
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur ExchangeRate
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("currency = ? AND month = ?", next.Currency, next.Month.Format("2006-01-02")).Take(&cur).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound) && seen != 0:
			return fmt.Errorf("exchange rate %s: %w", next.Key(), ErrNotFound)
		case errors.Is(err, gorm.ErrRecordNotFound):
			next.Version, next.UpdatedBy = 1, actorName(ev)
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("CreatedAt", "UpdatedAt").Create(&next)
			if res.Error != nil {
				return fmt.Errorf("insert exchange rate %s: %w", next.Key(), res.Error)
			}
			if res.RowsAffected == 0 {
				return fmt.Errorf("exchange rate %s added meanwhile: %w", next.Key(), ErrStaleVersion)
			}
			out = next
			return recordChange(tx, ev, ActionRateCreated, AuditTarget{Type: "exchange_rate", ID: next.Key()}, nil, next.auditView())
		case err != nil:
			return fmt.Errorf("exchange rate %s: %w", next.Key(), err)
		case cur.Version != seen:
			return fmt.Errorf("exchange rate %s at version %d, edit made on %d: %w", cur.Key(), cur.Version, seen, ErrStaleVersion)
		case cur.UnitsPerUSD.Equal(next.UnitsPerUSD):
			out = cur
			return nil
		}
		now := time.Now().UTC()
		res := tx.Table("exchange_rates").Where("currency = ? AND month = ? AND version = ?", cur.Currency, cur.Month.Format("2006-01-02"), seen).
			Updates(map[string]any{"units_per_usd": next.UnitsPerUSD, "version": seen + 1, "updated_by": actorName(ev), "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("update exchange rate %s: %w", cur.Key(), res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("exchange rate %s is no longer at version %d: %w", cur.Key(), seen, ErrStaleVersion)
		}
		out = cur
		out.UnitsPerUSD, out.Version, out.UpdatedBy, out.UpdatedAt = next.UnitsPerUSD, seen+1, actorName(ev), now
		return recordChange(tx, ev, ActionRateChanged, AuditTarget{Type: "exchange_rate", ID: cur.Key()}, cur.auditView(), out.auditView())
	})
	if err != nil {
		if _, ok := ProblemsOf(err); ok {
			return out, err
		}
		return out, fmt.Errorf("save exchange rate: %w", err)
	}
	return out, nil
}

// RateFilter narrows the list of rates: one currency, one year.
type RateFilter struct {
	Currency string // "" for every currency
	Year     int    // 0 for every year
}

func rateOrder() Order {
	return Order{Keys: []SortKey{{"exchange_rates.month", "date"}, {"exchange_rates.currency", "char(3)"}}, Desc: true}
}

// ListRates returns one page of the rates, the latest month first: one
// statement.
func ListRates(ctx context.Context, db *gorm.DB, f RateFilter, req PageRequest) (Page[ExchangeRate], error) {
	q := db.WithContext(ctx).Model(&ExchangeRate{})
	if f.Currency != "" {
		q = q.Where("exchange_rates.currency = ?", f.Currency)
	}
	if f.Year != 0 {
		from := time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		q = q.Where("exchange_rates.month >= ? AND exchange_rates.month < ?", from.Format("2006-01-02"), from.AddDate(1, 0, 0).Format("2006-01-02"))
	}
	p, err := paginate(q, rateOrder(), req, func(r ExchangeRate) []any {
		return []any{r.Month.Format("2006-01-02"), r.Currency}
	})
	if err != nil {
		return p, fmt.Errorf("list exchange rates: %w", err)
	}
	return p, nil
}

// Rates import ------------------------------------------------------------

// RateImportColumns are the columns of a rates file, in the order the page
// documents them (the header may list them in any order).
var RateImportColumns = []string{"currency", "month", "units_per_usd"}

// MaxRateImportRows bounds one import (some 160 currencies for ten years
// fit).
const MaxRateImportRows = 20000

// RateImportResult counts what an import did.
type RateImportResult struct {
	Rows      int `json:"rows"`
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

// rateImportBatch bounds the rows one INSERT writes.
const rateImportBatch = 1000

// ImportRates reads a CSV file of rates (header currency, month,
// units_per_usd in any order; UTF-8 with or without a byte-order mark) and
// stores them: every row is checked, and when any is wrong nothing is
// stored and every problem is returned by line and column (an
// *ImportError). Otherwise each rate is added, or changed (its next
// version) when the file gives another figure; one the file repeats as
// stored is left alone, so importing the same file again changes nothing.
// Each change is audited, and the import itself once, in the same
// transaction.
func ImportRates(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, r io.Reader, ev AuditContext) (RateImportResult, error) {
	var res RateImportResult
	if !CanManageRates(u) {
		return res, fmt.Errorf("import exchange rates: %w", ErrForbidden)
	}
	rows, err := readRateImport(ctx, ref, r, Today())
	if _, refused := ImportProblemsOf(err); refused {
		return res, err
	}
	if err != nil {
		return res, fmt.Errorf("import exchange rates: %w", err)
	}
	res.Rows = len(rows)
	currencies := make(pq.StringArray, len(rows))
	months := make(pq.StringArray, len(rows))
	for i, row := range rows {
		currencies[i], months[i] = row.Currency, row.Month.Format("2006-01-02")
	}
	by := actorName(ev)
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing []ExchangeRate
		if err := tx.Where("(currency, month) IN (SELECT c, m FROM unnest(?::char(3)[], ?::date[]) AS k(c, m))", currencies, months).
			Clauses(clause.Locking{Strength: "UPDATE"}).Find(&existing).Error; err != nil {
			return fmt.Errorf("existing exchange rates: %w", err)
		}
		stored := make(map[string]ExchangeRate, len(existing))
		for _, e := range existing {
			stored[e.Key()] = e
		}
		var added []ExchangeRate
		var changed []rateChange
		for _, row := range rows {
			cur, ok := stored[row.Key()]
			switch {
			case !ok:
				r := row
				r.Version, r.UpdatedBy = 1, by
				added = append(added, r)
			case cur.UnitsPerUSD.Equal(row.UnitsPerUSD):
				res.Unchanged++
			default:
				changed = append(changed, rateChange{before: cur, after: row})
			}
		}
		if err := insertRates(tx, added); err != nil {
			return err
		}
		if err := updateRates(tx, changed, by); err != nil {
			return err
		}
		res.Added, res.Changed = len(added), len(changed)
		if err := auditRateImport(tx, ev, added, changed); err != nil {
			return err
		}
		return recordChange(tx, ev, ActionRatesImported, AuditTarget{Type: "rate_import"}, nil, res)
	})
	if err != nil {
		return RateImportResult{}, fmt.Errorf("import exchange rates: %w", err)
	}
	return res, nil
}

// rateChange is a stored rate and the figure a file gives it.
type rateChange struct{ before, after ExchangeRate }

// insertRates adds new rates, a thousand to a statement; one added by
// someone else meanwhile makes the import stale.
func insertRates(tx *gorm.DB, added []ExchangeRate) error {
	for start := 0; start < len(added); start += rateImportBatch {
		batch := added[start:min(start+rateImportBatch, len(added))]
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("CreatedAt", "UpdatedAt").Create(&batch)
		if res.Error != nil {
			return fmt.Errorf("insert exchange rates: %w", res.Error)
		}
		if res.RowsAffected != int64(len(batch)) {
			return fmt.Errorf("exchange rates added meanwhile: %w", ErrStaleVersion)
		}
	}
	return nil
}

// updateRates moves the changed rates to the file's figures and their next
// version, in one statement.
func updateRates(tx *gorm.DB, changed []rateChange, by string) error {
	if len(changed) == 0 {
		return nil
	}
	currencies := make(pq.StringArray, len(changed))
	months := make(pq.StringArray, len(changed))
	rates := make(pq.StringArray, len(changed))
	versions := make(pq.Int64Array, len(changed))
	for i, c := range changed {
		currencies[i], months[i] = c.before.Currency, c.before.Month.Format("2006-01-02")
		rates[i], versions[i] = c.after.UnitsPerUSD.String(), int64(c.before.Version)
	}
	res := tx.Exec(`UPDATE exchange_rates AS e
		SET units_per_usd = v.rate, version = e.version + 1, updated_by = ?, updated_at = now()
		FROM unnest(?::char(3)[], ?::date[], ?::numeric[], ?::int[]) AS v(currency, month, rate, version)
		WHERE e.currency = v.currency AND e.month = v.month AND e.version = v.version`,
		by, currencies, months, rates, versions)
	if res.Error != nil {
		return fmt.Errorf("update exchange rates: %w", res.Error)
	}
	if res.RowsAffected != int64(len(changed)) {
		return fmt.Errorf("exchange rates changed meanwhile: %w", ErrStaleVersion)
	}
	return nil
}

// auditRateImport records each rate an import adds or changes, as SaveRate
// does one by one (rate.created, rate.changed), a thousand rows to a
// statement.
func auditRateImport(tx *gorm.DB, ev AuditContext, added []ExchangeRate, changed []rateChange) error {
	events := make([]AuditEvent, 0, len(added)+len(changed))
	event := func(action AuditAction, r ExchangeRate, before, after any) error {
		e, err := newAuditEvent(ev, action, AuditTarget{Type: "exchange_rate", ID: r.Key()}, before, after)
		if err != nil {
			return err
		}
		events = append(events, e)
		return nil
	}
	for _, r := range added {
		if err := event(ActionRateCreated, r, nil, r.auditView()); err != nil {
			return err
		}
	}
	for _, c := range changed {
		after := c.before
		after.UnitsPerUSD = c.after.UnitsPerUSD
		if err := event(ActionRateChanged, c.before, c.before.auditView(), after.auditView()); err != nil {
			return err
		}
	}
	if len(events) == 0 {
		return nil
	}
	if err := tx.Omit("At").CreateInBatches(&events, rateImportBatch).Error; err != nil {
		return fmt.Errorf("audit %s: %w", ActionRatesImported, err)
	}
	return nil
}

// rateImportFile is the rates' CSV file.
var rateImportFile = importFile{Required: RateImportColumns, MaxRows: MaxRateImportRows}

// readRateImport parses the file and checks each row on its own and
// against the file's other rows.
func readRateImport(ctx context.Context, ref *ReferenceCache, r io.Reader, today time.Time) ([]ExchangeRate, error) {
	var ps importProblems
	var rows []ExchangeRate
	first := map[string]int{} // "EUR/2024-01" → the line that gives it
	err := rateImportFile.read(r, &ps, func(rec importRecord) error {
		p := Problems{}
		rate, err := checkRate(ctx, ref, p, fileRateFields, rec.Cell("currency"), rec.Cell("month"), rec.Cell("units_per_usd"), today)
		if err != nil {
			return err
		}
		if len(p) > 0 {
			ps.addChecked(rec.Line, p, RateImportColumns, func(f string) string { return f })
			return nil
		}
		if prev, dup := first[rate.Key()]; dup {
			ps.add(rec.Line, "month", "rates.import_duplicate", "Line", prev)
			return nil
		}
		first[rate.Key()] = rec.Line
		rows = append(rows, rate)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, ps.err()
}
