package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ReportingPeriod is a round of reporting on the resolution: States report
// their progress between its opening and its closing, by its due date. The
// Secretariat and administrators manage them.
type ReportingPeriod struct {
	ID        int64
	Title     Localized
	OpensOn   time.Time `gorm:"type:date"`
	DueOn     time.Time `gorm:"type:date"`
	ClosesOn  time.Time `gorm:"type:date"`
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Today is the current date in UTC, the day periods open and close by.
func Today() time.Time {
	y, m, d := time.Now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// IsOpen reports whether States may report in the period on day today.
func (p ReportingPeriod) IsOpen(today time.Time) bool {
	return !today.Before(p.OpensOn) && !today.After(p.ClosesOn)
}

// Phase is "upcoming", "open" or "closed" on day today.
func (p ReportingPeriod) Phase(today time.Time) string {
	switch {
	case today.Before(p.OpensOn):
		return "upcoming"
	case today.After(p.ClosesOn):
		return "closed"
	}
	return "open"
}

func (p ReportingPeriod) auditView() map[string]any {
	return map[string]any{
		"title_en": p.Title["en"], "title_fr": p.Title["fr"],
		"opens_on": p.OpensOn.Format("2006-01-02"), "due_on": p.DueOn.Format("2006-01-02"),
		"closes_on": p.ClosesOn.Format("2006-01-02"),
	}
}

// PeriodInput is a period as the administration form submits it.
type PeriodInput struct {
	TitleEN  string `form:"title_en" validate:"required,max=200"`
	TitleFR  string `form:"title_fr" validate:"max=200"`
	OpensOn  string `form:"opens_on" validate:"required,datetime=2006-01-02"`
	DueOn    string `form:"due_on" validate:"required,datetime=2006-01-02"`
	ClosesOn string `form:"closes_on" validate:"required,datetime=2006-01-02"`
}

// InputOf restates a stored period as the form shows it.
func (p ReportingPeriod) InputOf() PeriodInput {
	return PeriodInput{
		TitleEN: p.Title["en"], TitleFR: p.Title["fr"], OpensOn: p.OpensOn.Format("2006-01-02"),
		DueOn: p.DueOn.Format("2006-01-02"), ClosesOn: p.ClosesOn.Format("2006-01-02"),
	}
}

// ValidatePeriod checks a period's meaning and returns the period it
// describes (not stored): a title in English, and opens ≤ due ≤ closes.
func ValidatePeriod(in PeriodInput) (ReportingPeriod, error) {
	p := Problems{}
	checkText(p, "title_en", in.TitleEN, true, 200)
	checkText(p, "title_fr", in.TitleFR, false, 200)
	out := ReportingPeriod{Title: Localized{"en": strings.TrimSpace(in.TitleEN)}}
	if fr := strings.TrimSpace(in.TitleFR); fr != "" {
		out.Title["fr"] = fr
	}
	date := func(field, raw string) *time.Time {
		if strings.TrimSpace(raw) == "" {
			p.Add(field, "validation.required")
			return nil
		}
		return parseDate(p, field, raw)
	}
	opens, due, closes := date("opens_on", in.OpensOn), date("due_on", in.DueOn), date("closes_on", in.ClosesOn)
	if opens != nil && closes != nil && closes.Before(*opens) {
		p.Add("closes_on", "period.closes_before_opens")
	}
	if opens != nil && due != nil && due.Before(*opens) {
		p.Add("due_on", "period.due_before_opens")
	}
	if due != nil && closes != nil && closes.Before(*due) {
		p.Add("closes_on", "period.closes_before_due")
	}
	if opens != nil {
		out.OpensOn = *opens
	}
	if due != nil {
		out.DueOn = *due
	}
	if closes != nil {
		out.ClosesOn = *closes
	}
	return out, p.Err()
}

// CreatePeriod stores a new reporting period, audited.
func CreatePeriod(ctx context.Context, db *gorm.DB, in PeriodInput, ev AuditContext) (ReportingPeriod, error) {
	p, err := ValidatePeriod(in)
	if err != nil {
		return p, err
	}
	p.Version = 1
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&p).Error; err != nil {
			return err
		}
		return recordChange(tx, ev, ActionPeriodCreated, Target("period", p.ID), nil, p.auditView())
	})
	if err != nil {
		return p, fmt.Errorf("create period: %w", err)
	}
	return p, nil
}

// UpdatePeriod saves an edit made on version seen; ErrStaleVersion when
// someone saved first.
func UpdatePeriod(ctx context.Context, db *gorm.DB, id int64, seen int, in PeriodInput, ev AuditContext) (ReportingPeriod, error) {
	next, err := ValidatePeriod(in)
	if err != nil {
		return next, err
	}
	var out ReportingPeriod
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur ReportingPeriod
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&cur, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("period %d", id))
		}
		if cur.Version != seen {
			return fmt.Errorf("period %d at version %d, edit made on %d: %w", id, cur.Version, seen, ErrStaleVersion)
		}
		before, after := cur.auditView(), next.auditView()
		if SameValues(before, after) {
			out = cur
			return nil
		}
		if err := updateVersioned(tx, "reporting_periods", id, seen, map[string]any{
			"title": next.Title, "opens_on": next.OpensOn, "due_on": next.DueOn, "closes_on": next.ClosesOn,
		}); err != nil {
			return err
		}
		if err := recordChange(tx, ev, ActionPeriodEdited, Target("period", id), before, after); err != nil {
			return err
		}
		next.ID, next.Version, next.CreatedAt = id, seen+1, cur.CreatedAt
		out = next
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("update period %d: %w", id, err)
	}
	return out, nil
}

// PeriodByID loads one period.
func PeriodByID(ctx context.Context, db *gorm.DB, id int64) (ReportingPeriod, error) {
	var p ReportingPeriod
	if err := db.WithContext(ctx).Take(&p, id).Error; err != nil {
		return p, notFound(err, fmt.Sprintf("period %d", id))
	}
	return p, nil
}

func periodOrder() Order {
	return Order{Keys: []SortKey{{"reporting_periods.opens_on", "date"}, {"reporting_periods.id", "bigint"}}, Desc: true}
}

// ListPeriods returns one page of the periods, newest first: one statement.
func ListPeriods(ctx context.Context, db *gorm.DB, req PageRequest) (Page[ReportingPeriod], error) {
	p, err := paginate(db.WithContext(ctx).Model(&ReportingPeriod{}), periodOrder(), req, func(r ReportingPeriod) []any {
		return []any{r.OpensOn.Format("2006-01-02"), strconv.FormatInt(r.ID, 10)}
	})
	if err != nil {
		return p, fmt.Errorf("list periods: %w", err)
	}
	return p, nil
}

// maxChooserPeriods bounds the periods a progress page offers to choose
// from (one a year or so: decades of them).
const maxChooserPeriods = 100

// PeriodChoice is the period a progress page shows and the periods it
// offers, newest first.
type PeriodChoice struct {
	Chosen  ReportingPeriod
	Periods []ReportingPeriod
	// Current is true when Chosen is the period open today.
	Current bool
}

// ChoosePeriod reads the periods (one statement) and picks the one asked
// for (id, 0 for none) or else the current one: the latest open today,
// failing that the latest already opened, failing that the latest. It is
// ErrNotFound when there is no period at all or id names none.
func ChoosePeriod(ctx context.Context, db *gorm.DB, id int64, today time.Time) (PeriodChoice, error) {
	var c PeriodChoice
	o := periodOrder()
	if err := db.WithContext(ctx).Order(o.Keys[0].Expr + " DESC, " + o.Keys[1].Expr + " DESC").Limit(maxChooserPeriods).Find(&c.Periods).Error; err != nil {
		return c, fmt.Errorf("periods: %w", err)
	}
	if id != 0 {
		for _, p := range c.Periods {
			if p.ID == id {
				c.Chosen, c.Current = p, p.IsOpen(today)
				return c, nil
			}
		}
		p, err := PeriodByID(ctx, db, id) // an old period beyond the list
		c.Chosen, c.Current = p, err == nil && p.IsOpen(today)
		return c, err
	}
	cur, ok := CurrentPeriod(c.Periods, today)
	if !ok {
		return c, fmt.Errorf("no reporting period: %w", ErrNotFound)
	}
	c.Chosen, c.Current = cur, cur.IsOpen(today)
	return c, nil
}

// CurrentPeriod picks, from periods newest first, the latest open today;
// failing that the latest already opened; failing that the latest.
func CurrentPeriod(periods []ReportingPeriod, today time.Time) (ReportingPeriod, bool) {
	if len(periods) == 0 {
		return ReportingPeriod{}, false
	}
	for _, p := range periods {
		if p.IsOpen(today) {
			return p, true
		}
	}
	for _, p := range periods {
		if !today.Before(p.OpensOn) {
			return p, true
		}
	}
	return periods[0], true
}

// openPeriod returns the latest period open today, ErrNoOpenPeriod when
// none is.
func openPeriod(tx *gorm.DB, today time.Time) (ReportingPeriod, error) {
	var p ReportingPeriod
	err := tx.Where("opens_on <= ? AND closes_on >= ?", today, today).Order("opens_on DESC, id DESC").Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, ErrNoOpenPeriod
	}
	return p, err
}

// ErrNoOpenPeriod: no reporting period is open today.
var ErrNoOpenPeriod = errors.New("no reporting period is open")

// EnsureDemoPeriod makes sure a reporting period is open today, adding one
// for this year when none is (the demo seed and the tests call it). Running
// it again adds nothing.
func EnsureDemoPeriod(ctx context.Context, db *gorm.DB) (ReportingPeriod, error) {
	today := Today()
	p, err := openPeriod(db.WithContext(ctx), today)
	if err == nil || !errors.Is(err, ErrNoOpenPeriod) {
		return p, err
	}
	y := today.Year()
	session := y - 1945
	// Due two weeks ago (by 31 October at the latest, on 15 January at the
	// earliest), so the demo shows States late with their reports and the
	// reminders they were sent.
	due := today.AddDate(0, 0, -14)
	if last := time.Date(y, 10, 31, 0, 0, 0, 0, time.UTC); due.After(last) {
		due = last
	}
	if first := time.Date(y, 1, 15, 0, 0, 0, 0, time.UTC); due.Before(first) {
		due = first
	}
	in := PeriodInput{
		TitleEN:  fmt.Sprintf("Report to the %s session (%d) (demo)", englishOrdinal(session), y),
		TitleFR:  fmt.Sprintf("Rapport à la %de session (%d) (démo)", session, y),
		OpensOn:  fmt.Sprintf("%d-01-01", y),
		DueOn:    due.Format(time.DateOnly),
		ClosesOn: fmt.Sprintf("%d-12-31", y),
	}
	return CreatePeriod(ctx, db, in, AuditContext{ActorNote: "ctap seed --demo"})
}

func englishOrdinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
