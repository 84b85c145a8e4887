package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// The dashboard: what the records the viewer may see add up to, for the
// signed-in dashboard and the public charts of the home page. Every figure
// is read through the visibility scopes (NeedsVisibleTo,
// ContributionsVisibleTo, ProgressVisibleTo), and the money through the
// conversion and the figures the contributions' pages use
// (ContributionTotals, needCostUSDExpr), so the dashboard and the lists it
// links to agree.

// Dashboard is every figure of the dashboard.
type Dashboard struct {
	// Ratifications are, for each instrument that has parties, the years
	// in which States became parties (treaty status is public).
	Ratifications []InstrumentParties
	// Period is the current reporting period (CurrentPeriod's choice);
	// nil when there is none.
	Period *ReportingPeriod
	// Progress is the validated reports of Period the viewer may see, by
	// paragraph and implementation status.
	Progress      []ParagraphDistribution
	NeedsByStatus []NeedStatusCount // in NeedStatuses' order, zeros included
	NeedsByTheme  []NeedThemeCount  // in NeedThemes' order, themes without needs left out
	// Funding is, for each year with a contribution or a costed need, the
	// contributions of that year and the cost of the needs recorded then.
	Funding []YearFunding
	// CountedAt is when the figures were counted (a kept copy is older
	// than the request: DashboardCache).
	CountedAt time.Time
}

// InstrumentParties is how many States became parties to one instrument
// each year (its consents to be bound: ratification, acceptance,
// approval, accession or succession), oldest first.
type InstrumentParties struct {
	InstrumentID int           `json:"instrument"`
	Years        []YearParties `json:"years"`
}

// YearParties is the parties an instrument gained in a year and how many
// it had at the year's end.
type YearParties struct {
	Year    int `json:"year"`
	Joined  int `json:"joined"`
	Parties int `json:"parties"`
}

// Parties is how many parties the instrument has as of the last year.
func (p InstrumentParties) Parties() int {
	if len(p.Years) == 0 {
		return 0
	}
	return p.Years[len(p.Years)-1].Parties
}

// PartiesAt is how many parties the instrument had at the end of year.
func (p InstrumentParties) PartiesAt(year int) int {
	n := 0
	for _, y := range p.Years {
		if y.Year > year {
			break
		}
		n = y.Parties
	}
	return n
}

// ParagraphDistribution is the validated reports on one operative paragraph
// by implementation status.
type ParagraphDistribution struct {
	Paragraph int
	Counts    []ImplementationCount // in Implementations' order, zeros included
	Total     int
}

// NeedThemeCount is how many needs have one theme.
type NeedThemeCount struct {
	Theme string `json:"theme"`
	Count int    `json:"count"`
}

// YearFunding is one year's contributions (read by ContributionTotals'
// figures: Funding, Paid) against the cost of the needs recorded that
// year.
type YearFunding struct {
	Year          int
	Contributions ContributionTotals
	// NeedsCostUSD is the cost in US dollars of the year's needs that have
	// one (NeedsCosted of them); NeedsUncosted have no estimated cost or
	// no rate for its currency.
	NeedsCostUSD  decimal.Decimal
	NeedsCosted   int
	NeedsUncosted int
}

// uncostedNeedStatuses leave out what is not, or no longer, asked for: a
// draft, a declined or a withdrawn need has no cost to fund.
func uncostedNeedStatuses() []NeedStatus { return []NeedStatus{NeedDraft, NeedDeclined, NeedWithdrawn} }

// dashboardTotalsRow is totalsRow as the statement writes it in JSON, with
// its year.
type dashboardTotalsRow struct {
	Year       int                `json:"year"`
	Kind       ContributionKind   `json:"kind"`
	Status     ContributionStatus `json:"status"`
	Currency   string             `json:"currency"`
	HasRate    bool               `json:"has_rate"`
	Count      int                `json:"count"`
	Amount     decimal.Decimal    `json:"amount"`
	USD        decimal.Decimal    `json:"usd"`
	PaidAmount decimal.Decimal    `json:"paid_amount"`
	PaidUSD    decimal.Decimal    `json:"paid_usd"`
}

// LoadDashboard reads every figure of the dashboard as u (nil: anonymous)
// may see them on day today: one statement, whatever the number of
// records, each set of records read once (materialized CTEs) and every
// aggregate taken in SQL.
func LoadDashboard(ctx context.Context, db *gorm.DB, u *User, today time.Time) (Dashboard, error) {
	day := today.Format("2006-01-02")
	needs := db.WithContext(subqueryContext()).Table("needs").Scopes(NeedsVisibleTo(u)).Joins(needRateJoin).
		Select(`needs.status, needs.theme, extract(year FROM needs.created_at AT TIME ZONE 'UTC')::int AS year,
			` + needCostUSDExpr + ` AS cost_usd`)
	contributions := convertedContributions(subqueryContext(), db, u, ContributionFilter{}).
		Where("contributions.status <> ?", ContributionCancelled). // they count nowhere
		Select("extract(year FROM contributions.value_date)::int AS year, " + totalsSelect).
		Group("year, " + totalsGroup)
	// The validated reports of the current period (p, below) the viewer
	// may see.
	progress := db.WithContext(subqueryContext()).Table("progress_reports").Scopes(ProgressVisibleTo(u)).
		Where("progress_reports.status = ?", ProgressValidated).
		Where("progress_reports.period_id = (SELECT id FROM p)").
		Select("progress_reports.paragraph_number, progress_reports.implementation, count(*) AS n").
		Group("progress_reports.paragraph_number, progress_reports.implementation")
	var row struct {
		Ratifications []byte
		Period        []byte
		Progress      []byte
		NeedsByStatus []byte
		NeedsByTheme  []byte
		NeedsByYear   []byte
		FundingByYear []byte
	}
	// The current period is CurrentPeriod's choice: the latest open today,
	// else the latest already opened, else the latest.
	err := db.WithContext(ctx).Raw(`WITH n AS MATERIALIZED (?),
		c AS MATERIALIZED (?),
		p AS MATERIALIZED (SELECT id, title, opens_on, due_on, closes_on FROM reporting_periods
			ORDER BY (opens_on <= ?::date AND closes_on >= ?::date) DESC, (opens_on <= ?::date) DESC, opens_on DESC, id DESC
			LIMIT 1),
		r AS MATERIALIZED (?),
		t AS MATERIALIZED (SELECT instrument_id, extract(year FROM action_date)::int AS year, count(*) AS joined
			FROM treaty_actions WHERE kind <> 'signature' AND action_date <= ?::date GROUP BY 1, 2)
		SELECT
		(SELECT coalesce(jsonb_agg(jsonb_build_object('instrument', i.instrument_id, 'years', i.years) ORDER BY i.instrument_id), '[]')
			FROM (SELECT instrument_id, jsonb_agg(jsonb_build_object('year', year, 'joined', joined, 'parties', parties) ORDER BY year) AS years
				FROM (SELECT instrument_id, year, joined,
					sum(joined) OVER (PARTITION BY instrument_id ORDER BY year) AS parties FROM t) y
				GROUP BY instrument_id) i) AS ratifications,
		(SELECT to_jsonb(p) FROM p) AS period,
		(SELECT coalesce(jsonb_agg(jsonb_build_object('paragraph', paragraph_number, 'implementation', implementation, 'count', n)
			ORDER BY paragraph_number, implementation), '[]') FROM r) AS progress,
		(SELECT coalesce(jsonb_agg(jsonb_build_object('status', status, 'count', k)), '[]')
			FROM (SELECT status, count(*) AS k FROM n GROUP BY status) s) AS needs_by_status,
		(SELECT coalesce(jsonb_agg(jsonb_build_object('theme', theme, 'count', k)), '[]')
			FROM (SELECT theme, count(*) AS k FROM n GROUP BY theme) s) AS needs_by_theme,
		(SELECT coalesce(jsonb_agg(jsonb_build_object('year', year, 'cost_usd', cost, 'costed', costed, 'uncosted', uncosted)), '[]')
			FROM (SELECT year, coalesce(sum(cost_usd), 0) AS cost, count(cost_usd) AS costed,
				count(*) - count(cost_usd) AS uncosted
				FROM n WHERE status NOT IN ? GROUP BY year) s) AS needs_by_year,
		(SELECT coalesce(jsonb_agg(to_jsonb(c)), '[]') FROM c) AS funding_by_year`,
		needs, contributions, day, day, day, progress, day, uncostedNeedStatuses()).Scan(&row).Error
	if err != nil {
		return Dashboard{}, fmt.Errorf("load dashboard: %w", err)
	}
	return assembleDashboard(row.Ratifications, row.Period, row.Progress, row.NeedsByStatus, row.NeedsByTheme,
		row.NeedsByYear, row.FundingByYear)
}

// assembleDashboard decodes the statement's figures and puts them in the
// order the page shows.
func assembleDashboard(ratifications, period, progress, byStatus, byTheme, needsByYear, fundingByYear []byte) (Dashboard, error) {
	var d Dashboard
	var (
		periodRow *struct {
			ID       int64     `json:"id"`
			Title    Localized `json:"title"`
			OpensOn  string    `json:"opens_on"`
			DueOn    string    `json:"due_on"`
			ClosesOn string    `json:"closes_on"`
		}
		progressRows []struct {
			Paragraph      int            `json:"paragraph"`
			Implementation Implementation `json:"implementation"`
			Count          int            `json:"count"`
		}
		statusRows []struct {
			Status NeedStatus `json:"status"`
			Count  int        `json:"count"`
		}
		themeRows []NeedThemeCount
		needYears []struct {
			Year     int             `json:"year"`
			CostUSD  decimal.Decimal `json:"cost_usd"`
			Costed   int             `json:"costed"`
			Uncosted int             `json:"uncosted"`
		}
		totals []dashboardTotalsRow
	)
	for _, f := range []struct {
		name string
		src  []byte
		dst  any
	}{
		{"ratifications", ratifications, &d.Ratifications}, {"period", period, &periodRow},
		{"progress", progress, &progressRows}, {"needs by status", byStatus, &statusRows},
		{"needs by theme", byTheme, &themeRows}, {"needs by year", needsByYear, &needYears},
		{"funding by year", fundingByYear, &totals},
	} {
		if len(f.src) == 0 {
			continue // no period: NULL
		}
		if err := json.Unmarshal(f.src, f.dst); err != nil {
			return d, fmt.Errorf("load dashboard: %s: %w", f.name, err)
		}
	}
	if periodRow != nil {
		p := ReportingPeriod{ID: periodRow.ID, Title: periodRow.Title}
		for _, dt := range []struct {
			raw string
			dst *time.Time
		}{{periodRow.OpensOn, &p.OpensOn}, {periodRow.DueOn, &p.DueOn}, {periodRow.ClosesOn, &p.ClosesOn}} {
			v, err := time.Parse("2006-01-02", dt.raw)
			if err != nil {
				return d, fmt.Errorf("load dashboard: period date: %w", err)
			}
			*dt.dst = v
		}
		d.Period = &p
	}

	for _, r := range progressRows {
		if len(d.Progress) == 0 || d.Progress[len(d.Progress)-1].Paragraph != r.Paragraph {
			pp := ParagraphDistribution{Paragraph: r.Paragraph}
			for _, i := range Implementations() {
				pp.Counts = append(pp.Counts, ImplementationCount{Implementation: i})
			}
			d.Progress = append(d.Progress, pp)
		}
		last := &d.Progress[len(d.Progress)-1]
		for i := range last.Counts {
			if last.Counts[i].Implementation == r.Implementation {
				last.Counts[i].Count += r.Count
			}
		}
		last.Total += r.Count
	}

	counts := map[NeedStatus]int{}
	for _, r := range statusRows {
		counts[r.Status] = r.Count
	}
	for _, s := range NeedStatuses() {
		d.NeedsByStatus = append(d.NeedsByStatus, NeedStatusCount{Status: s, Count: counts[s]})
	}
	order := inListOrder(NeedThemes())
	d.NeedsByTheme = themeRows
	slices.SortFunc(d.NeedsByTheme, func(a, b NeedThemeCount) int { return order(a.Theme, b.Theme) })

	years := map[int]*YearFunding{}
	year := func(y int) *YearFunding {
		if years[y] == nil {
			years[y] = &YearFunding{Year: y}
		}
		return years[y]
	}
	for _, r := range needYears {
		f := year(r.Year)
		f.NeedsCostUSD, f.NeedsCosted, f.NeedsUncosted = r.CostUSD, r.Costed, r.Uncosted
	}
	for _, r := range totals {
		f := year(r.Year)
		f.Contributions.rows = append(f.Contributions.rows, totalsRow{Kind: r.Kind, Status: r.Status, Currency: r.Currency,
			HasRate: r.HasRate, Count: r.Count, Amount: r.Amount, USD: r.USD, PaidAmount: r.PaidAmount, PaidUSD: r.PaidUSD})
	}
	for _, f := range years {
		d.Funding = append(d.Funding, *f)
	}
	slices.SortFunc(d.Funding, func(a, b YearFunding) int { return a.Year - b.Year })
	d.CountedAt = time.Now().UTC()
	return d, nil
}

// VisibilityClass names the records u may see, for caching what they add
// up to: the scopes of visibility.go decide from the account's status,
// role, State and donor organization only, so two people with the same
// class see the same records. Anonymous visitors (and pending accounts)
// are "public".
func VisibilityClass(u *User) string {
	if u == nil || u.Status != StatusActive || u.Role == nil {
		return "public"
	}
	class := string(*u.Role)
	if u.MemberStateID != nil {
		class += ":state=" + strconv.Itoa(*u.MemberStateID)
	}
	if u.DonorOrganizationID != nil {
		class += ":donor=" + strconv.Itoa(*u.DonorOrganizationID)
	}
	return class
}

// DashboardCache keeps each visibility class's dashboard figures for TTL:
// they add up every record the class may see, which at production scale
// costs the database from tens of milliseconds (the public records) to
// more than a second (the Secretariat's, all of them) per request, for
// figures that change a few times an hour. Everyone of a class shares one
// copy (at most one per State, donor organization and role); the page says
// when they were counted, and a change shows within TTL. TTL 0 counts
// them on every request.
type DashboardCache struct {
	DB  *gorm.DB
	TTL time.Duration
	// Now is the clock the TTL is measured on (time.Now when nil; tests
	// move it).
	Now func() time.Time

	mu      sync.Mutex
	entries map[string]*dashboardEntry
}

type dashboardEntry struct {
	mu      sync.Mutex // one count at a time per class; other classes go on
	figures Dashboard
	day     time.Time
	until   time.Time
}

// Get returns the figures u's class may see as of today, counted again
// when older than the TTL or from another day. The callers of one class
// wait for one count.
func (c *DashboardCache) Get(ctx context.Context, u *User, today time.Time) (Dashboard, error) {
	if c.TTL <= 0 {
		return LoadDashboard(ctx, c.DB, u, today)
	}
	key := VisibilityClass(u)
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]*dashboardEntry{}
	}
	e, ok := c.entries[key]
	if !ok {
		e = &dashboardEntry{}
		c.entries[key] = e
	}
	c.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	if now.Before(e.until) && e.day.Equal(today) {
		return e.figures, nil
	}
	figures, err := LoadDashboard(ctx, c.DB, u, today)
	if err != nil {
		return figures, err
	}
	e.figures, e.day, e.until = figures, today, now.Add(c.TTL)
	return figures, nil
}
