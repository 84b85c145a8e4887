package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// ContributionFilter narrows the contributions of a list, a page's totals
// or an export; the zero value is every contribution the person may see.
type ContributionFilter struct {
	DonorID          int
	RecipientStateID int
	NeedID           int64
	Status           ContributionStatus
	Kind             ContributionKind
	Theme            string
	Paragraph        int
	Year             int // of the value date
	Verified         *bool
}

// contributionsQuery is every list, total and export's query: the
// contributions u may see (ContributionsVisibleTo) that match f.
func contributionsQuery(ctx context.Context, db *gorm.DB, u *User, f ContributionFilter) *gorm.DB {
	q := db.WithContext(ctx).Table("contributions").Scopes(ContributionsVisibleTo(u))
	if f.DonorID != 0 {
		q = q.Where("contributions.donor_organization_id = ?", f.DonorID)
	}
	if f.RecipientStateID != 0 {
		q = q.Where("contributions.recipient_state_id = ?", f.RecipientStateID)
	}
	if f.NeedID != 0 {
		q = q.Where("contributions.need_id = ?", f.NeedID)
	}
	if f.Status != "" {
		q = q.Where("contributions.status = ?", f.Status)
	}
	if f.Kind != "" {
		q = q.Where("contributions.kind = ?", f.Kind)
	}
	if f.Theme != "" {
		q = q.Where("contributions.theme = ?", f.Theme)
	}
	if f.Paragraph != 0 {
		q = q.Where("contributions.paragraph_number = ?", f.Paragraph)
	}
	if f.Year != 0 {
		from := time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		q = q.Where("contributions.value_date >= ? AND contributions.value_date < ?", from, from.AddDate(1, 0, 0))
	}
	if f.Verified != nil {
		q = q.Where("contributions.verified = ?", *f.Verified)
	}
	return q
}

// USDFigure is a sum in US dollars of contributions converted at the UN
// operational rate of their value date's month, and what was left out for
// want of a rate: never a wrong figure, always a said gap.
type USDFigure struct {
	USD          decimal.Decimal
	Count        int
	MissingCount int
	Missing      []Money // the amounts left out, by currency
}

// Complete tells whether every contribution of the figure had a rate.
func (f USDFigure) Complete() bool { return f.MissingCount == 0 }

func (f *USDFigure) add(r totalsRow, amount, usd decimal.Decimal) {
	if amount.IsZero() {
		return
	}
	if !r.HasRate {
		f.MissingCount += r.Count
		for i := range f.Missing {
			if f.Missing[i].Currency == r.Currency {
				f.Missing[i].Amount = f.Missing[i].Amount.Add(amount)
				return
			}
		}
		f.Missing = append(f.Missing, Money{Amount: amount, Currency: r.Currency})
		slices.SortFunc(f.Missing, func(a, b Money) int { return strings.Compare(a.Currency, b.Currency) })
		return
	}
	f.USD = f.USD.Add(usd)
	f.Count += r.Count
}

// totalsRow is one group of contributions by kind, status, currency and
// whether their month has a rate, summed in SQL.
type totalsRow struct {
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

// ContributionTotals are the sums of a set of contributions, from which
// every figure a page shows is read by one method each, following the
// practice of the UN's Financial Tracking Service: committed and paid
// contributions count as funding; outstanding pledges are shown beside,
// never added in; cancelled ones count nowhere.
type ContributionTotals struct {
	rows []totalsRow
}

func (t ContributionTotals) figure(kind ContributionKind, statuses []ContributionStatus, paidOnly bool) USDFigure {
	var f USDFigure
	for _, r := range t.rows {
		if r.Kind != kind || !slices.Contains(statuses, r.Status) {
			continue
		}
		if paidOnly {
			f.add(r, r.PaidAmount, r.PaidUSD)
		} else {
			f.add(r, r.Amount, r.USD)
		}
	}
	return f
}

// Funding is the financial contributions committed or paid.
func (t ContributionTotals) Funding() USDFigure {
	return t.figure(ContributionFinancial, []ContributionStatus{ContributionCommitted, ContributionPaid}, false)
}

// Paid is what was received: paid contributions, and the paid instalments
// of committed ones.
func (t ContributionTotals) Paid() USDFigure {
	return t.figure(ContributionFinancial, []ContributionStatus{ContributionCommitted, ContributionPaid}, true)
}

// Pledged is the outstanding pledges, shown beside the funding.
func (t ContributionTotals) Pledged() USDFigure {
	return t.figure(ContributionFinancial, []ContributionStatus{ContributionPledged}, false)
}

// InKind is the estimated value of in-kind support committed or given.
func (t ContributionTotals) InKind() USDFigure {
	return t.figure(ContributionInKind, []ContributionStatus{ContributionCommitted, ContributionPaid}, false)
}

// InKindPledged is the estimated value of in-kind support pledged.
func (t ContributionTotals) InKindPledged() USDFigure {
	return t.figure(ContributionInKind, []ContributionStatus{ContributionPledged}, false)
}

// The conversion of a contribution to US dollars, shared by every total,
// breakdown and list so that they all agree to the cent, is the
// database's (migration 00014, contribution_equivalents): each
// contribution carries its equivalent at the UN operational rate of its
// value date's month and what was received of it (a paid contribution's
// amount, or the paid instalments of a committed one) and its equivalent,
// each rounded half to even to cents, kept right by triggers when the
// contribution, an instalment or a rate changes. A contribution whose
// month has no rate has NULL equivalents: it is left out of the dollar
// sums and counted as missing (hasRateExpr).
const (
	hasRateExpr = `(contributions.usd_amount IS NOT NULL)`
	usdExpr     = `contributions.usd_amount`
	paidExpr    = `contributions.received_amount`
	paidUSDExpr = `contributions.received_usd`
)

// convertedContributions is contributionsQuery for the totals and
// breakdowns. Cancelled contributions stay in (a list counts them) and
// every figure leaves them out.
func convertedContributions(ctx context.Context, db *gorm.DB, u *User, f ContributionFilter) *gorm.DB {
	return contributionsQuery(ctx, db, u, f)
}

// totalsSelect sums the contributions by kind, status, currency and rate:
// each converted at its value date's month, rounded half to even to cents
// before adding, so a total is the sum of the equivalents the lists show.
const totalsSelect = `contributions.kind, contributions.status, contributions.currency,
	` + hasRateExpr + ` AS has_rate,
	count(*) AS count,
	sum(contributions.amount) AS amount,
	coalesce(sum(` + usdExpr + `), 0) AS usd,
	sum(` + paidExpr + `) AS paid_amount,
	coalesce(sum(` + paidUSDExpr + `), 0) AS paid_usd`

// totalsGroup is totalsSelect's grouping.
const totalsGroup = "contributions.kind, contributions.status, contributions.currency, has_rate"

// Count is how many contributions the totals were summed over, cancelled
// ones included: the number a list of them shows.
func (t ContributionTotals) Count() int64 {
	var n int64
	for _, r := range t.rows {
		n += int64(r.Count)
	}
	return n
}

// LoadContributionTotals sums the contributions u may see that match f:
// one statement, whatever their number.
func LoadContributionTotals(ctx context.Context, db *gorm.DB, u *User, f ContributionFilter) (ContributionTotals, error) {
	var t ContributionTotals
	err := convertedContributions(ctx, db, u, f).
		Select(totalsSelect).
		Group(totalsGroup).
		Scan(&t.rows).Error
	if err != nil {
		return t, fmt.Errorf("contribution totals: %w", err)
	}
	return t, nil
}

// NeedFunding is what funds one need: the contributions earmarked to it
// that the person may see, their totals, and the need's estimated cost in
// US dollars at its currency's latest rate.
type NeedFunding struct {
	Contributions []NeedContribution
	Totals        ContributionTotals
	// CostUSD is nil when the need has no estimated cost or its currency
	// has no rate yet.
	CostUSD *decimal.Decimal
}

// NeedContribution is a contribution earmarked to a need, with its donor.
type NeedContribution struct {
	ContributionRow
	DonorSlug   string
	DonorName   string
	DonorNameFr string
}

// DonorLocalName is the donor's name in lang.
func (c NeedContribution) DonorLocalName(lang string) string {
	return DonorOrganization{Name: c.DonorName, NameFr: c.DonorNameFr}.LocalName(lang)
}

// GapUSD is the cost not yet funded (never below zero); nil when the cost
// in US dollars is unknown.
func (f NeedFunding) GapUSD() *decimal.Decimal {
	if f.CostUSD == nil {
		return nil
	}
	gap := f.CostUSD.Sub(f.Totals.Funding().USD)
	if gap.IsNegative() {
		gap = decimal.Zero
	}
	return &gap
}

// SharePercent is the share of the cost funded, in whole percent (capped
// at 100); nil when the cost in US dollars is unknown or zero.
func (f NeedFunding) SharePercent() *int {
	if f.CostUSD == nil || !f.CostUSD.IsPositive() {
		return nil
	}
	pct := f.Totals.Funding().USD.Mul(decimal.NewFromInt(100)).Div(*f.CostUSD).Floor().IntPart()
	if pct > 100 {
		pct = 100
	}
	p := int(pct)
	return &p
}

// LoadNeedFunding reads the funding of a need read by NeedByID (which
// brings its cost in US dollars): two statements, whatever the number of
// contributions (the contributions, their totals).
func LoadNeedFunding(ctx context.Context, db *gorm.DB, u *User, n Need) (NeedFunding, error) {
	var f NeedFunding
	filter := ContributionFilter{NeedID: n.ID}
	err := contributionsQuery(ctx, db, u, filter).
		Select(contributionRowSelect + ", d.slug AS donor_slug, d.name AS donor_name, d.name_fr AS donor_name_fr").
		Joins("JOIN donor_organizations d ON d.id = contributions.donor_organization_id").
		Order("contributions.value_date DESC, contributions.id DESC").Limit(200).Scan(&f.Contributions).Error
	if err != nil {
		return f, fmt.Errorf("contributions of need %d: %w", n.ID, err)
	}
	if f.Totals, err = LoadContributionTotals(ctx, db, u, filter); err != nil {
		return f, err
	}
	if n.Funding.CostUSD.Valid {
		c := n.Funding.CostUSD.Decimal
		f.CostUSD = &c
	}
	return f, nil
}

// A need's cost in US dollars is its estimated cost at the latest UN
// operational rate of its currency (a need is costed for the future, so
// no value date applies), rounded half to even to cents: NULL when the
// need has no estimated cost or its currency no rate yet.
const (
	needRateJoin = `LEFT JOIN LATERAL (SELECT er.units_per_usd FROM exchange_rates er
			WHERE er.currency = needs.cost_currency AND er.month <= current_date
			ORDER BY er.month DESC LIMIT 1) nr ON true`
	needCostUSDExpr = `CASE WHEN needs.estimated_cost IS NULL THEN NULL
		WHEN coalesce(needs.cost_currency, 'USD') = 'USD' THEN needs.estimated_cost
		ELSE round_half_even(needs.estimated_cost / nr.units_per_usd, 2) END`
	// needGapUSDExpr is the cost not yet funded, never below zero; nf is
	// the funding joined by withNeedFunding.
	needGapUSDExpr = `CASE WHEN (` + needCostUSDExpr + `) IS NULL THEN NULL
		ELSE greatest((` + needCostUSDExpr + `) - coalesce(nf.funded_usd, 0), 0) END`
)

// NeedFundingFigures is a need's funding as a list of needs reads it, in
// the same statement as the needs: the same figures as the need's page
// (LoadNeedFunding), computed by the same expressions.
type NeedFundingFigures struct {
	CostUSD   decimal.NullDecimal `gorm:"column:cost_usd;->"`
	FundedUSD decimal.NullDecimal `gorm:"column:funded_usd;->"`
	GapUSD    decimal.NullDecimal `gorm:"column:gap_usd;->"`
}

// FundableNeedStatuses are the statuses of a need that donors may still
// fund: asked for and not yet met, declined or withdrawn.
func FundableNeedStatuses() []NeedStatus {
	return []NeedStatus{NeedSubmitted, NeedUnderReview, NeedAccepted, NeedInDelivery}
}

// withNeedFunding joins each need of q to what funds it: the committed
// and paid financial contributions earmarked to it that u may see
// (contributionsQuery, so the figure never counts a contribution the
// person may not see), converted as every total converts them, summed per
// need by an index lookup; and to its cost in US dollars.
func withNeedFunding(ctx context.Context, db *gorm.DB, u *User, q *gorm.DB) *gorm.DB {
	funded := contributionsQuery(subqueryContext(), db, u, ContributionFilter{Kind: ContributionFinancial}).
		Where("contributions.need_id = needs.id").
		Where("contributions.status IN ?", []ContributionStatus{ContributionCommitted, ContributionPaid}).
		Select("sum(" + usdExpr + ") AS funded_usd")
	return q.Joins("LEFT JOIN LATERAL (?) nf ON true", funded).Joins(needRateJoin).
		Select(needColumns + ", " + needCostUSDExpr + " AS cost_usd, coalesce(nf.funded_usd, 0) AS funded_usd, " +
			needGapUSDExpr + " AS gap_usd")
}
