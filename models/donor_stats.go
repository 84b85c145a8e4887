package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// The donors' pages: every organization's totals, and one organization's
// contributions broken down. Every figure goes through contributionsQuery
// (what the viewer may see) and the conversion LoadContributionTotals uses
// (convertedContributions), and is read from a ContributionTotals, so a
// breakdown adds up to the page's headline figures to the cent.

// subqueryContext is the context of a query that only ever runs inside
// another. GORM writes a subquery by a dry run of its callbacks, which the
// request's statement counter (models.RegisterStatementCounting) would
// count as a statement of its own; the enclosing statement, run with the
// request's context, is the one PostgreSQL sees and the one counted.
func subqueryContext() context.Context { return context.Background() }

// VoluntaryContributionsTheme is the theme of the operative paragraph that
// invites voluntary contributions; its page shows their totals.
const VoluntaryContributionsTheme = "voluntary_contributions"

// DonorSort orders the list of donors.
type DonorSort string

const (
	DonorSortName    DonorSort = "name"    // by English name
	DonorSortFunding DonorSort = "funding" // largest funding first
)

// DonorSorts lists the orders the list offers, the default first.
func DonorSorts() []DonorSort { return []DonorSort{DonorSortName, DonorSortFunding} }

// Valid tells whether s is one of DonorSorts.
func (s DonorSort) Valid() bool { return slices.Contains(DonorSorts(), s) }

// DonorTotals is one organization with the sums of its contributions the
// viewer may see.
type DonorTotals struct {
	Organization DonorOrganization
	Totals       ContributionTotals
}

// donorTotalsRow is one organization joined to one group of its
// contributions; the group's columns are NULL for an organization without
// any the viewer may see.
type donorTotalsRow struct {
	ID            int
	Slug          string
	Name          string
	NameFr        string
	Kind          string
	MemberStateID *int
	CKind         *string
	CStatus       *string
	CCurrency     *string
	HasRate       *bool
	Count         *int
	Amount        decimal.NullDecimal
	USD           decimal.NullDecimal
	PaidAmount    decimal.NullDecimal
	PaidUSD       decimal.NullDecimal
}

// DonorTotalsList returns every donor organization with the sums of the
// contributions u may see, sorted: one statement, whatever their number.
// Sorting by funding uses the US-dollar funding as far as rates allow; the
// page says what it leaves out.
func DonorTotalsList(ctx context.Context, db *gorm.DB, u *User, sort DonorSort) ([]DonorTotals, error) {
	sums := convertedContributions(subqueryContext(), db, u, ContributionFilter{}).
		Where("contributions.status <> ?", ContributionCancelled). // they count nowhere
		Select("contributions.donor_organization_id, " + totalsSelect).
		Group("contributions.donor_organization_id, " + totalsGroup)
	var rows []donorTotalsRow
	err := db.WithContext(ctx).Table("donor_organizations d").
		Joins("LEFT JOIN (?) t ON t.donor_organization_id = d.id", sums).
		Select(`d.id, d.slug, d.name, d.name_fr, d.kind, d.member_state_id,
			t.kind AS c_kind, t.status AS c_status, t.currency AS c_currency, t.has_rate,
			t.count, t.amount, t.usd, t.paid_amount, t.paid_usd`).
		Order("d.name, d.id").
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("donor totals: %w", err)
	}
	var out []DonorTotals
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Organization.ID != r.ID {
			out = append(out, DonorTotals{Organization: DonorOrganization{
				ID: r.ID, Slug: r.Slug, Name: r.Name, NameFr: r.NameFr, Kind: r.Kind, MemberStateID: r.MemberStateID,
			}})
		}
		if r.CKind == nil {
			continue // no contribution the viewer may see
		}
		last := &out[len(out)-1]
		last.Totals.rows = append(last.Totals.rows, totalsRow{
			Kind: ContributionKind(*r.CKind), Status: ContributionStatus(*r.CStatus), Currency: deref(r.CCurrency),
			HasRate: r.HasRate != nil && *r.HasRate, Count: derefInt(r.Count),
			Amount: r.Amount.Decimal, USD: r.USD.Decimal, PaidAmount: r.PaidAmount.Decimal, PaidUSD: r.PaidUSD.Decimal,
		})
	}
	if sort == DonorSortFunding {
		slices.SortStableFunc(out, func(a, b DonorTotals) int {
			return b.Totals.Funding().USD.Cmp(a.Totals.Funding().USD)
		})
	}
	return out, nil
}

// Status is the financial contributions in status s (their whole
// amounts), for a chart that stacks committed and paid: together they are
// Funding. Cancelled ones are never summed.
func (t ContributionTotals) Status(s ContributionStatus) USDFigure {
	return t.figure(ContributionFinancial, []ContributionStatus{s}, false)
}

// Breakdown dimensions, as the breakdown statement names its grouping sets.
const (
	dimYear      = "year"
	dimTheme     = "theme"
	dimParagraph = "paragraph"
	dimGroup     = "group"
	dimInKind    = "in_kind_type"
)

// BreakdownEntry is the sums of the contributions sharing one value of a
// dimension: a year, a theme, an operative paragraph's number, a recipient
// State's regional group or an in-kind type; Key "" gathers those without
// one (not earmarked to a theme, a paragraph or a State).
type BreakdownEntry struct {
	Key    string
	Totals ContributionTotals
}

// ContributionBreakdown is one organization's contributions, as the viewer may
// see them, summed whole and by dimension. The year, theme, paragraph and
// regional-group entries hold the financial contributions only; InKind
// holds the in-kind ones by type. Cancelled contributions count nowhere.
type ContributionBreakdown struct {
	Totals      ContributionTotals
	ByYear      []BreakdownEntry // by value date's year, oldest first
	ByTheme     []BreakdownEntry // in NeedThemes' order, then ""
	ByParagraph []BreakdownEntry // by number, then ""
	ByGroup     []BreakdownEntry // in RegionalGroups' order, then ""
	InKind      []BreakdownEntry // in InKindTypes' order
}

// breakdownRow is one group of a grouping set of the breakdown statement.
type breakdownRow struct {
	Dimension  string // "" for the whole
	Key        string
	Kind       ContributionKind
	Status     ContributionStatus
	Currency   string
	HasRate    bool
	Count      int
	Amount     decimal.Decimal
	USD        decimal.Decimal
	PaidAmount decimal.Decimal
	PaidUSD    decimal.Decimal
}

// totals is the row as one group of ContributionTotals.
func (r breakdownRow) totals() totalsRow {
	return totalsRow{Kind: r.Kind, Status: r.Status, Currency: r.Currency, HasRate: r.HasRate, Count: r.Count,
		Amount: r.Amount, USD: r.USD, PaidAmount: r.PaidAmount, PaidUSD: r.PaidUSD}
}

// breakdownSelect sums the converted contributions (the subquery c) by
// kind, status, currency and rate within every grouping set, naming the
// set and its key, so one statement gives the whole and every dimension.
const breakdownSelect = `c.kind, c.status, c.currency, c.has_rate,
	CASE WHEN GROUPING(c.year) = 0 THEN 'year'
		WHEN GROUPING(c.theme) = 0 THEN 'theme'
		WHEN GROUPING(c.paragraph_number) = 0 THEN 'paragraph'
		WHEN GROUPING(c.regional_group) = 0 THEN 'group'
		WHEN GROUPING(c.in_kind_type) = 0 THEN 'in_kind_type'
		ELSE '' END AS dimension,
	coalesce(CASE WHEN GROUPING(c.year) = 0 THEN c.year::text
		WHEN GROUPING(c.theme) = 0 THEN c.theme
		WHEN GROUPING(c.paragraph_number) = 0 THEN c.paragraph_number::text
		WHEN GROUPING(c.regional_group) = 0 THEN c.regional_group
		WHEN GROUPING(c.in_kind_type) = 0 THEN c.in_kind_type END, '') AS key,
	count(*) AS count,
	sum(c.amount) AS amount,
	coalesce(sum(c.usd), 0) AS usd,
	sum(c.paid) AS paid_amount,
	coalesce(sum(c.paid_usd), 0) AS paid_usd`

const breakdownGroup = `c.kind, c.status, c.currency, c.has_rate,
	GROUPING SETS ((), (c.year), (c.theme), (c.paragraph_number), (c.regional_group), (c.in_kind_type))`

// DonorBreakdown sums the contributions of the organization donorID
// that u may see, whole and by year and status, theme, paragraph,
// recipient regional group and in-kind type: one statement, whatever their
// number, each contribution converted as LoadContributionTotals converts it.
func DonorBreakdown(ctx context.Context, db *gorm.DB, u *User, donorID int) (ContributionBreakdown, error) {
	perContribution := convertedContributions(subqueryContext(), db, u, ContributionFilter{DonorID: donorID}).
		Where("contributions.status <> ?", ContributionCancelled). // they count nowhere
		Joins("LEFT JOIN member_states ms ON ms.id = contributions.recipient_state_id").
		Select(`contributions.kind, contributions.status, contributions.currency,
			` + hasRateExpr + ` AS has_rate,
			contributions.amount, ` + usdExpr + ` AS usd, ` + paidExpr + ` AS paid, ` + paidUSDExpr + ` AS paid_usd,
			extract(year FROM contributions.value_date)::int AS year,
			contributions.theme, contributions.paragraph_number, ms.regional_group, contributions.in_kind_type`)
	var rows []breakdownRow
	err := db.WithContext(ctx).Table("(?) AS c", perContribution).
		Select(breakdownSelect).
		Group(breakdownGroup).
		Scan(&rows).Error
	if err != nil {
		return ContributionBreakdown{}, fmt.Errorf("donor %d breakdown: %w", donorID, err)
	}
	return assembleBreakdown(rows), nil
}

// assembleBreakdown sorts the statement's rows into the whole and the
// dimensions' entries, each in the order the page shows.
func assembleBreakdown(rows []breakdownRow) ContributionBreakdown {
	var b ContributionBreakdown
	byDim := map[string]map[string]*ContributionTotals{}
	for _, r := range rows {
		tr := r.totals()
		if r.Dimension == "" {
			b.Totals.rows = append(b.Totals.rows, tr)
			continue
		}
		// The charts of funding hold the financial contributions; the
		// in-kind summary the in-kind ones.
		if (r.Dimension == dimInKind) != (r.Kind == ContributionInKind) {
			continue
		}
		if byDim[r.Dimension] == nil {
			byDim[r.Dimension] = map[string]*ContributionTotals{}
		}
		t := byDim[r.Dimension][r.Key]
		if t == nil {
			t = &ContributionTotals{}
			byDim[r.Dimension][r.Key] = t
		}
		t.rows = append(t.rows, tr)
	}
	entries := func(dim string, order func(a, b string) int) []BreakdownEntry {
		var out []BreakdownEntry
		for k, t := range byDim[dim] {
			out = append(out, BreakdownEntry{Key: k, Totals: *t})
		}
		slices.SortFunc(out, func(a, b BreakdownEntry) int { return order(a.Key, b.Key) })
		return out
	}
	b.ByYear = entries(dimYear, byNumber)
	b.ByTheme = entries(dimTheme, inListOrder(NeedThemes()))
	b.ByParagraph = entries(dimParagraph, byNumber)
	groups := make([]string, 0, 5)
	for _, g := range RegionalGroups() {
		groups = append(groups, string(g))
	}
	b.ByGroup = entries(dimGroup, inListOrder(groups))
	b.InKind = entries(dimInKind, inListOrder(InKindTypes))
	return b
}

// byNumber orders numeric keys, "" (none) last.
func byNumber(a, b string) int {
	if a == "" || b == "" {
		return cmp.Compare(b, a) // "" sorts after any number
	}
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return cmp.Compare(x, y)
}

// inListOrder orders keys as list does, unknown keys after it by name and
// "" (none) last.
func inListOrder(list []string) func(a, b string) int {
	rank := func(k string) int {
		if k == "" {
			return len(list) + 1
		}
		if i := slices.Index(list, k); i >= 0 {
			return i
		}
		return len(list)
	}
	return func(a, b string) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	}
}
