package models_test

import (
	"context"
	"testing"

	"ctap/models"
	"ctap/models/dbtest"
)

// contributionCounts are the rows of the contributions' tables.
func (r seedReader) contributionCounts() map[string]int64 {
	r.t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"contributions", "contribution_instalments", "exchange_rates"} {
		out[table] = r.count("SELECT count(*) FROM " + table)
	}
	return out
}

// missingRatePairs counts the (currency, month) pairs some contribution
// uses for which no rate is kept.
func (r seedReader) missingRatePairs() int64 {
	r.t.Helper()
	return r.count(`SELECT count(*) FROM (SELECT DISTINCT c.currency, date_trunc('month', c.value_date) FROM contributions c
		WHERE c.currency <> 'USD' AND NOT EXISTS (SELECT 1 FROM exchange_rates e
			WHERE e.currency = c.currency AND e.month = date_trunc('month', c.value_date)::date)) AS m`)
}

// checkContributions checks every contribution against the rules the
// portal keeps: the dates of its steps in order and not after today, an
// earmarked need one donors may see and the recipient its State, a
// schedule adding up to the amount.
func (r seedReader) checkContributions() {
	r.t.Helper()
	for what, query := range map[string]string{
		"without the date of their status": `status = 'committed' AND committed_on IS NULL OR status = 'paid' AND paid_on IS NULL
			OR status = 'cancelled' AND cancelled_on IS NULL OR pledged_on IS NULL`,
		"with a step before the one it follows": `committed_on < pledged_on OR paid_on < coalesce(committed_on, pledged_on)
			OR cancelled_on < coalesce(committed_on, pledged_on)`,
		"dated after today or before 2016": `greatest(value_date, pledged_on, committed_on, paid_on, cancelled_on) > current_date
			OR value_date < DATE '2016-01-01'`,
		"with the date of a status they are not in": `paid_on IS NOT NULL AND status <> 'paid' OR cancelled_on IS NOT NULL AND status <> 'cancelled'`,
		"in kind without a valuation":               `kind = 'in_kind' AND valuation = ''`,
		"verified without a date, or the reverse":   `verified <> (verified_at IS NOT NULL)`,
		"earmarked to a need donors may not see or fund": `earmark = 'need' AND NOT EXISTS (SELECT 1 FROM needs n WHERE n.id = need_id
			AND n.visibility IN ('donors', 'public') AND n.status IN ('accepted', 'in_delivery', 'met')
			AND n.member_state_id = recipient_state_id)`,
		"whose schedule does not add up": `EXISTS (SELECT 1 FROM contribution_instalments i WHERE i.contribution_id = contributions.id)
			AND amount <> (SELECT sum(amount) FROM contribution_instalments i WHERE i.contribution_id = contributions.id)`,
	} {
		if n := r.count("SELECT count(*) FROM contributions WHERE " + query); n != 0 {
			r.t.Errorf("%d contributions %s", n, what)
		}
	}
}

func TestTheDemoSeedAddsContributionsAndRatesOnce(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	r := seedReader{t, ctx, db}
	summary, err := models.SeedDemo(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(summary)

	if n := r.count("SELECT count(DISTINCT donor_organization_id) FROM contributions"); n < 10 {
		t.Errorf("contributions from %d donors, want 10 or more", n)
	}
	for _, slug := range []string{"norway", "european-union", "france"} {
		if n := r.count("SELECT count(*) FROM contributions c JOIN donor_organizations d ON d.id = c.donor_organization_id WHERE d.slug = ?", slug); n == 0 {
			t.Errorf("no contribution from %s", slug)
		}
	}
	if n := r.count(`SELECT count(DISTINCT c.donor_organization_id) FROM contributions c
		JOIN donor_organizations d ON d.id = c.donor_organization_id WHERE d.member_state_id IS NOT NULL`); n < 2 {
		t.Errorf("contributions from %d Member States, want 2 or more", n)
	}
	if n := r.count("SELECT count(DISTINCT currency) FROM contributions"); n < 4 {
		t.Errorf("contributions in %d currencies, want 4 or more", n)
	}
	if n := r.count("SELECT count(DISTINCT extract(year FROM value_date)) FROM contributions"); n < 5 {
		t.Errorf("contributions in %d years, want several", n)
	}
	if n := r.count("SELECT count(*) FROM contributions WHERE extract(year FROM value_date) = 2016"); n == 0 {
		t.Error("no contribution in 2016")
	}
	for column, want := range map[string][]string{
		"status":       {"pledged", "committed", "paid", "cancelled"},
		"kind":         {"financial", "in_kind"},
		"in_kind_type": models.InKindTypes,
		"earmark":      models.Earmarks,
		"reported_by":  models.Reporters,
	} {
		have := r.strings("SELECT DISTINCT " + column + " FROM contributions WHERE " + column + " IS NOT NULL")
		for _, v := range want {
			if !contains(have, v) {
				t.Errorf("no contribution with %s %s (have %v)", column, v, have)
			}
		}
	}
	for _, b := range []string{"public", "NOT public", "verified", "NOT verified"} {
		if n := r.count("SELECT count(*) FROM contributions WHERE " + b); n == 0 {
			t.Errorf("no contribution %s", b)
		}
	}
	if n := r.count("SELECT count(*) FROM contributions WHERE title NOT LIKE '% (demo)'"); n != 0 {
		t.Errorf("%d demo contributions not labelled (demo)", n)
	}
	if n := r.count(`SELECT count(DISTINCT need_id) FROM contributions c JOIN needs n ON n.id = c.need_id
		WHERE n.status IN ('accepted', 'in_delivery') AND n.title LIKE '% (demo)'`); n < 2 {
		t.Errorf("contributions earmarked to %d demo needs accepted or in delivery, want some", n)
	}
	if n := r.count(`SELECT count(*) FROM contributions c WHERE EXISTS (SELECT 1 FROM contribution_instalments i
		WHERE i.contribution_id = c.id AND i.paid_on IS NOT NULL) AND EXISTS (SELECT 1 FROM contribution_instalments i
		WHERE i.contribution_id = c.id AND i.paid_on IS NULL)`); n == 0 {
		t.Error("no multi-year schedule with an instalment paid and others to come")
	}
	r.checkContributions()

	// Rates: every month from January 2016 to this one for every currency
	// used, but exactly one month a contribution falls in.
	if n := r.missingRatePairs(); n != 1 {
		t.Errorf("%d (currency, month) used without a rate, want exactly one", n)
	}
	if n := r.count(`SELECT count(*) FROM (SELECT DISTINCT currency FROM contributions WHERE currency <> 'USD') c,
		generate_series(DATE '2016-01-01', date_trunc('month', current_date), interval '1 month') AS m
		WHERE NOT EXISTS (SELECT 1 FROM exchange_rates e WHERE e.currency = c.currency AND e.month = m::date)`); n != 1 {
		t.Errorf("%d months without a rate for the currencies used, want one", n)
	}
	if n := r.count("SELECT count(*) FROM exchange_rates WHERE units_per_usd <= 0.5 OR units_per_usd > 200"); n != 0 {
		t.Errorf("%d implausible rates", n)
	}
	sec := seedPerson(models.RoleSecretariat, nil)
	totals, err := models.LoadContributionTotals(ctx, db, sec, models.ContributionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	funding := totals.Funding()
	if funding.MissingCount == 0 || !funding.USD.IsPositive() {
		t.Errorf("the Secretariat's funding figure: %+v, want a sum and a contribution without a rate", funding)
	}
	for name, f := range map[string]models.USDFigure{"paid": totals.Paid(), "pledged": totals.Pledged(), "in kind": totals.InKind()} {
		if !f.USD.IsPositive() {
			t.Errorf("the %s figure is empty: %+v", name, f)
		}
	}
	norway, err := models.DonorOrganizationBySlug(ctx, db, "norway")
	if err != nil {
		t.Fatal(err)
	}
	role := models.RoleDonor
	donor := &models.User{Status: models.StatusActive, Role: &role, DonorOrganizationID: &norway.ID, Email: "donor@example.org"}
	mine, err := models.LoadContributionTotals(ctx, db, donor, models.ContributionFilter{DonorID: norway.ID})
	if err != nil {
		t.Fatal(err)
	}
	if mine.Funding().MissingCount == 0 {
		t.Errorf("Norway's page shows no rate missing: %+v", mine.Funding())
	}

	// Running it again adds nothing.
	before := r.contributionCounts()
	again, err := models.SeedDemo(ctx, db)
	if err != nil {
		t.Fatalf("second demo seed: %v", err)
	}
	if after := r.contributionCounts(); !sameCounts(before, after) {
		t.Errorf("the second demo seed added rows: %v, then %v (%s)", before, after, again)
	}
}

func TestTheScaleSeedAddsTenThousandContributionsPerUnit(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	r := seedReader{t, ctx, db}
	if _, err := models.SeedDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	demo := r.contributionCounts()
	summary, err := models.SeedScale(ctx, db, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(summary)
	if got := r.contributionCounts()["contributions"] - demo["contributions"]; got != 10000 {
		t.Errorf("scale 1 added %d contributions, want 10,000", got)
	}
	synthetic := "FROM contributions WHERE title LIKE 'Synthetic contribution %'"
	if n, all := r.count("SELECT count(DISTINCT donor_organization_id) "+synthetic), r.count("SELECT count(*) FROM donor_organizations"); n != all {
		t.Errorf("synthetic contributions from %d donors, want all %d", n, all)
	}
	for column, want := range map[string]int{"status": len(models.ContributionStatuses()), "kind": 2,
		"in_kind_type": len(models.InKindTypes), "earmark": len(models.Earmarks), "reported_by": len(models.Reporters),
		"theme": len(models.NeedThemes()), "extract(year FROM value_date)": 2016} {
		if column == "extract(year FROM value_date)" {
			want = int(r.count("SELECT extract(year FROM current_date)::int - 2016 + 1"))
		}
		if n := r.count("SELECT count(DISTINCT " + column + ") " + synthetic); n != int64(want) {
			t.Errorf("synthetic contributions have %d values of %s, want %d", n, column, want)
		}
	}
	if n := r.count("SELECT count(DISTINCT currency) " + synthetic); n < 8 {
		t.Errorf("synthetic contributions in %d currencies, want many", n)
	}
	if n := r.count("SELECT count(*) " + synthetic + " AND public"); n < 4000 || n > 6000 {
		t.Errorf("%d of 10,000 synthetic contributions public, want about half", n)
	}
	if n := r.count("SELECT count(*) " + synthetic + " AND earmark = 'state' AND recipient_state_id IS NULL"); n != 0 {
		t.Errorf("%d State earmarks without the State", n)
	}
	if n := r.count("SELECT count(*) FROM contribution_instalments") - demo["contribution_instalments"]; n == 0 {
		t.Error("no synthetic schedule")
	}
	r.checkContributions()
	// The synthetic months have their rates; the demo's gap stays.
	if n := r.missingRatePairs(); n != 1 {
		t.Errorf("%d (currency, month) used without a rate after the scale seed, want the demo's one", n)
	}
	for _, u := range []*models.User{seedPerson(models.RoleSecretariat, nil), nil} {
		totals, err := models.LoadContributionTotals(ctx, db, u, models.ContributionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if f := totals.Funding(); f.Count < 1000 || f.MissingCount == 0 {
			t.Errorf("funding after the scale seed: %d contributions with a rate, %d without", f.Count, f.MissingCount)
		}
	}
}
