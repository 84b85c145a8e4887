package models_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"ctap/models"
	"ctap/models/dbtest"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestContributionTotalsMatchHandComputedFigures sums a fixture by hand:
// rates of exchange for January and March 2026 but not February, a
// cancelled pledge, a committed multi-year pledge with one instalment paid,
// in-kind support, and another donor's contribution.
func TestContributionTotalsMatchHandComputedFigures(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	norway, err := models.DonorOrganizationBySlug(ctx, db, "norway")
	if err != nil {
		t.Fatal(err)
	}
	eu, err := models.DonorOrganizationBySlug(ctx, db, "european-union")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	// 1 USD = 10.5 NOK in January, 11 NOK in March; 1 USD = 0.9 EUR in January.
	exec(`INSERT INTO exchange_rates (currency, month, units_per_usd) VALUES
		('NOK', '2026-01-01', 10.5), ('NOK', '2026-03-01', 11), ('EUR', '2026-01-01', 0.9), ('GBP', '2026-01-01', 2)`)
	add := func(donor int, kind, status, amount, currency, date string) int64 {
		t.Helper()
		var id int64
		inKind := any(nil)
		if kind == "in_kind" {
			inKind = "experts"
		}
		paid := any(nil)
		if status == "paid" {
			paid = date
		}
		cancelled := any(nil)
		if status == "cancelled" {
			cancelled = date
		}
		err := db.Raw(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date,
			status, paid_on, cancelled_on, in_kind_type, reported_by)
			VALUES (?, ?, 'Fixture', ?, ?, ?, ?, ?, ?, ?, 'secretariat') RETURNING id`,
			donor, kind, amount, currency, date, status, paid, cancelled, inKind).Scan(&id).Error
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	add(norway.ID, "financial", "paid", "1000000", "NOK", "2026-01-15")          // 95,238.095… → 95,238.10
	add(norway.ID, "financial", "committed", "550000", "NOK", "2026-03-02")      // 50,000.00
	add(norway.ID, "financial", "paid", "250000", "NOK", "2026-02-10")           // no February rate: left out
	add(norway.ID, "financial", "pledged", "105000", "NOK", "2026-01-20")        // 10,000.00, a pledge
	add(norway.ID, "financial", "cancelled", "999999", "NOK", "2026-01-20")      // counts nowhere
	add(norway.ID, "financial", "paid", "20000.50", "USD", "2026-02-01")         // dollars need no rate
	add(norway.ID, "in_kind", "committed", "21000", "NOK", "2026-01-05")         // 2,000.00 in kind
	add(norway.ID, "financial", "paid", "100.05", "GBP", "2026-01-07")           // 50.025 → 50.02, half to even
	multi := add(norway.ID, "financial", "committed", "90", "EUR", "2026-01-01") // 100.00
	exec(`INSERT INTO contribution_instalments (contribution_id, year, amount, paid_on) VALUES (?, 2026, 45, '2026-01-10'), (?, 2027, 45, NULL)`, multi, multi)
	add(eu.ID, "financial", "paid", "9", "EUR", "2026-01-03") // 10.00, another donor

	totals, err := models.LoadContributionTotals(ctx, db, sec, models.ContributionFilter{DonorID: norway.ID})
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got models.USDFigure, usd string, count, missing int) {
		t.Helper()
		if !got.USD.Equal(dec(usd)) || got.Count != count || got.MissingCount != missing {
			t.Errorf("%s: %s USD over %d, %d left out; want %s over %d, %d left out", name, got.USD, got.Count, got.MissingCount, usd, count, missing)
		}
	}
	// Funding: 95,238.10 + 50,000.00 + 20,000.50 + 100.00 + 50.02; the
	// February payment has no rate and is said to be left out.
	check("funding", totals.Funding(), "165388.62", 5, 1)
	// Paid: 95,238.10 + 20,000.50 + 50.02 + the paid instalment 45 EUR = 50.00.
	check("paid", totals.Paid(), "115338.62", 4, 1)
	check("pledged", totals.Pledged(), "10000.00", 1, 0)
	check("in kind", totals.InKind(), "2000.00", 1, 0)
	if m := totals.Funding().Missing; len(m) != 1 || m[0].Currency != "NOK" || !m[0].Amount.Equal(dec("250000")) {
		t.Errorf("funding left out %v, want 250000 NOK", m)
	}

	all, err := models.LoadContributionTotals(ctx, db, sec, models.ContributionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	check("funding of all donors", all.Funding(), "165398.62", 6, 1)
}

// TestContributionsAreSeenAsTheRuleSays checks the visibility scope and
// predicate agree for each role.
func TestContributionsAreSeenAsTheRuleSays(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	p := newPeople(t, db)
	norway, _ := models.DonorOrganizationBySlug(ctx, db, "norway")
	france, _ := models.DonorOrganizationBySlug(ctx, db, "france")
	ken, _ := models.MemberStateByISO3(ctx, db, "KEN")
	for _, c := range []struct {
		donor     int
		recipient any
		public    bool
	}{{norway.ID, nil, true}, {norway.ID, nil, false}, {norway.ID, ken.ID, false}, {france.ID, nil, false}} {
		earmark := "none"
		if c.recipient != nil {
			earmark = "state"
		}
		if err := db.Exec(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status,
			earmark, recipient_state_id, reported_by, public) VALUES (?, 'financial', 'x', 1, 'USD', '2026-01-01', 'pledged', ?, ?, 'donor', ?)`,
			c.donor, earmark, c.recipient, c.public).Error; err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{
		"anonymous": 1, "viewer": 1, "donor (Norway)": 3, "focal point (Kenya)": 2, "focal point (France)": 2,
		"secretariat": 4, "admin": 4,
	}
	for who, u := range map[string]*models.User{
		"anonymous": nil, "viewer": p.viewer, "donor (Norway)": p.donor, "focal point (Kenya)": p.focalKEN,
		"focal point (France)": p.focalFRA, "secretariat": p.secretariat, "admin": p.admin,
	} {
		totals, err := models.LoadContributionTotals(ctx, db, u, models.ContributionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := totals.Pledged().Count; got != want[who] {
			t.Errorf("%s counts %d contributions, want %d", who, got, want[who])
		}
	}
}

// TestBadContributionInputIsRefusedFieldByField covers the refusals the
// issue names: negative amounts, unknown currency, a pledge for another
// organization, an earmark to a need the donor may not see.
func TestBadContributionInputIsRefusedFieldByField(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	p := newPeople(t, db)
	ref := &models.ReferenceCache{DB: db}
	private, err := models.CreateNeed(ctx, db, ref, p.focalKEN, validNeed("KEN"), models.AuditContext{Actor: p.focalKEN})
	if err != nil {
		t.Fatal(err)
	}
	good := models.ContributionInput{Donor: "norway", Kind: "financial", Title: "Support to border training",
		Amount: "150000", Currency: "NOK", ValueDate: "2026-03-01", Earmark: "none"}
	if _, err := models.CreateContribution(ctx, db, ref, p.donor, good, models.AuditContext{Actor: p.donor}); err != nil {
		t.Fatalf("a good pledge is refused: %v", err)
	}
	for _, c := range []struct {
		name, field string
		edit        func(*models.ContributionInput)
	}{
		{"negative amount", "amount", func(in *models.ContributionInput) { in.Amount = "-5" }},
		{"unknown currency", "currency", func(in *models.ContributionInput) { in.Currency = "XXZ" }},
		{"another organization", "donor", func(in *models.ContributionInput) { in.Donor = "european-union" }},
		{"another State's private need", "need", func(in *models.ContributionInput) {
			in.Earmark, in.Need = "need", decimal.NewFromInt(private.ID).String()
		}},
		{"schedule not adding up", "instalments", func(in *models.ContributionInput) {
			in.InstalmentYear, in.InstalmentAmount = []string{"2026", "2027"}, []string{"100000", "10000"}
		}},
	} {
		in := good
		c.edit(&in)
		_, err := models.CreateContribution(ctx, db, ref, p.donor, in, models.AuditContext{Actor: p.donor})
		probs, _ := models.ProblemsOf(err)
		if _, ok := probs[c.field]; !ok {
			t.Errorf("%s: %v, want a problem on %s", c.name, err, c.field)
		}
	}
	var n int64
	db.Table("contributions").Count(&n)
	if n != 1 {
		t.Errorf("%d contributions stored, want only the good one", n)
	}
}

// TestRoundHalfEvenInSQLAgreesWithTheDecimalLibrary compares the SQL
// function the totals use with shopspring/decimal's banker's rounding.
func TestRoundHalfEvenInSQLAgreesWithTheDecimalLibrary(t *testing.T) {
	db := dbtest.New(t)
	for _, v := range []string{"2.345", "2.355", "2.5", "3.5", "-2.5", "-3.5", "1.005", "0.125", "12500.505",
		"95238.0952380952", "50.025", "-0.005", "0.015", "7", "999999999.995", "1.2345"} {
		for _, places := range []int32{0, 2, 3} {
			var got string
			if err := db.Raw("SELECT round_half_even(?::numeric, ?)::text", v, places).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			want := dec(v).RoundBank(places)
			if !dec(got).Equal(want) {
				t.Errorf("round_half_even(%s, %d) = %s, want %s", v, places, got, want)
			}
		}
	}
}

// TestEquivalentsFollowTheRatesAndInstalments changes what a contribution's
// US-dollar figures depend on after it is recorded: its month's rate comes,
// changes and goes; an instalment of it is paid. Each figure follows.
func TestEquivalentsFollowTheRatesAndInstalments(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	norway, err := models.DonorOrganizationBySlug(ctx, db, "norway")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	var id int64
	if err := db.Raw(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status, reported_by)
		VALUES (?, 'financial', 'Fixture', 1000000, 'NOK', '2026-05-20', 'committed', 'secretariat') RETURNING id`, norway.ID).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	check := func(step, funding, paid string, missing int) {
		t.Helper()
		tot, err := models.LoadContributionTotals(ctx, db, sec, models.ContributionFilter{DonorID: norway.ID})
		if err != nil {
			t.Fatal(err)
		}
		if f := tot.Funding(); !f.USD.Equal(dec(funding)) || f.MissingCount != missing {
			t.Errorf("%s: funding %s with %d left out, want %s with %d", step, f.USD, f.MissingCount, funding, missing)
		}
		if p := tot.Paid(); !p.USD.Equal(dec(paid)) {
			t.Errorf("%s: paid %s, want %s", step, p.USD, paid)
		}
	}
	check("no rate for May", "0", "0", 1)
	exec(`INSERT INTO exchange_rates (currency, month, units_per_usd) VALUES ('NOK', '2026-05-01', 10)`)
	check("a rate of 10", "100000", "0", 0)
	exec(`UPDATE exchange_rates SET units_per_usd = 8 WHERE currency = 'NOK' AND month = '2026-05-01'`)
	check("the rate changed to 8", "125000", "0", 0)
	exec(`INSERT INTO contribution_instalments (contribution_id, year, amount, paid_on) VALUES (?, 2026, 400000, NULL), (?, 2027, 600000, NULL)`, id, id)
	exec(`UPDATE contribution_instalments SET paid_on = '2026-06-01' WHERE contribution_id = ? AND year = 2026`, id)
	check("the 2026 instalment paid", "125000", "50000", 0)
	exec(`DELETE FROM exchange_rates WHERE currency = 'NOK' AND month = '2026-05-01'`)
	check("the rate removed", "0", "0", 1)
}
