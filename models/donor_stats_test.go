package models_test

import (
	"context"
	"fmt"
	"testing"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

// donorFixture is Norway's contributions, summed by hand below, and one of
// the European Union's.
type donorFixture struct {
	db                  *gorm.DB
	norway, eu          models.DonorOrganization
	secretariat, donor  *models.User
	euDonor, focalKenya *models.User
}

// newDonorFixture records, with 1 USD = 10 NOK in January 2025, 11 NOK in
// March 2026, 0.8 EUR and 2 GBP in January 2026, and no NOK rate for
// February 2026:
//
//	#  kind     status     amount           date        public earmark                  USD
//	1  fin.     paid       1,000,000 NOK    2025-01-15  yes    theme criminal_justice   100,000.00
//	2  fin.     committed    550,000 NOK    2026-03-02  no     paragraph 15              50,000.00
//	3  fin.     paid         250,000 NOK    2026-02-10  no     State KEN (African)      rate missing
//	4  fin.     pledged           80 EUR    2026-01-20  yes    State FRA (Western)          100.00
//	5  fin.     cancelled        999 USD    2026-01-05  yes    theme criminal_justice   counts nowhere
//	6  fin.     paid          20,000.50 USD 2025-06-01  no     none                      20,000.50
//	7  in kind  committed      5,000 USD    2026-01-05  yes    none (experts)             5,000.00
//	8  in kind  pledged        1,000 NOK    2025-01-10  no     none (training)              100.00
//	9  fin.     paid          100.05 GBP    2026-01-07  yes    paragraph 15                  50.02 (50.025, half to even)
//	EU fin.     paid               8 EUR    2026-01-03  yes    none                          10.00
func newDonorFixture(t *testing.T) donorFixture {
	t.Helper()
	ctx := context.Background()
	db := dbtest.New(t)
	f := donorFixture{db: db}
	var err error
	if f.norway, err = models.DonorOrganizationBySlug(ctx, db, "norway"); err != nil {
		t.Fatal(err)
	}
	if f.eu, err = models.DonorOrganizationBySlug(ctx, db, "european-union"); err != nil {
		t.Fatal(err)
	}
	f.secretariat = roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	f.donor = roleUser(t, db, "donor.nor@example.org", models.RoleDonor, "norway")
	f.euDonor = roleUser(t, db, "donor.eu@example.org", models.RoleDonor, "european-union")
	f.focalKenya = roleUser(t, db, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO exchange_rates (currency, month, units_per_usd) VALUES
		('NOK', '2025-01-01', 10), ('NOK', '2026-03-01', 11), ('EUR', '2026-01-01', 0.8), ('GBP', '2026-01-01', 2)`)
	add := func(donor int, kind, status, amount, currency, date string, public bool, earmark string, value any) {
		t.Helper()
		var inKind, paid, cancelled, theme, paragraph, state any
		switch kind {
		case "experts", "training":
			kind, inKind = "in_kind", kind
		}
		switch status {
		case "paid":
			paid = date
		case "cancelled":
			cancelled = date
		}
		switch earmark {
		case "theme":
			theme = value
		case "paragraph":
			paragraph = value
		case "state":
			state = value
		}
		exec(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status,
			paid_on, cancelled_on, in_kind_type, earmark, theme, paragraph_number, recipient_state_id, reported_by, public)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM member_states WHERE iso3 = ?), 'secretariat', ?)`,
			donor, kind, fmt.Sprintf("Fixture %s %s", amount, currency), amount, currency, date, status,
			paid, cancelled, inKind, earmark, theme, paragraph, state, public)
	}
	n := f.norway.ID
	add(n, "financial", "paid", "1000000", "NOK", "2025-01-15", true, "theme", "criminal_justice")
	add(n, "financial", "committed", "550000", "NOK", "2026-03-02", false, "paragraph", 15)
	add(n, "financial", "paid", "250000", "NOK", "2026-02-10", false, "state", "KEN")
	add(n, "financial", "pledged", "80", "EUR", "2026-01-20", true, "state", "FRA")
	add(n, "financial", "cancelled", "999", "USD", "2026-01-05", true, "theme", "criminal_justice")
	add(n, "financial", "paid", "20000.50", "USD", "2025-06-01", false, "none", nil)
	add(n, "experts", "committed", "5000", "USD", "2026-01-05", true, "none", nil)
	add(n, "training", "pledged", "1000", "NOK", "2025-01-10", false, "none", nil)
	add(n, "financial", "paid", "100.05", "GBP", "2026-01-07", true, "paragraph", 15)
	add(f.eu.ID, "financial", "paid", "8", "EUR", "2026-01-03", true, "none", nil)
	return f
}

// checkFigure compares a figure with its hand-computed value.
func checkFigure(t *testing.T, name string, got models.USDFigure, usd string, count, missing int) {
	t.Helper()
	if !got.USD.Equal(dec(usd)) || got.Count != count || got.MissingCount != missing {
		t.Errorf("%s: %s USD over %d, %d left out; want %s over %d, %d left out",
			name, got.USD, got.Count, got.MissingCount, usd, count, missing)
	}
}

// entry finds a breakdown's entry by key.
func entry(t *testing.T, dim string, entries []models.BreakdownEntry, key string) models.ContributionTotals {
	t.Helper()
	for _, e := range entries {
		if e.Key == key {
			return e.Totals
		}
	}
	t.Fatalf("%s has no entry %q", dim, key)
	return models.ContributionTotals{}
}

func keys(entries []models.BreakdownEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Key
	}
	return out
}

// TestDonorBreakdownMatchesHandComputedFigures checks every dimension of
// Norway's breakdown as the Secretariat sees it, and that it costs one
// statement.
func TestDonorBreakdownMatchesHandComputedFigures(t *testing.T) {
	f := newDonorFixture(t)
	ctx, counter := models.WithStatementCounter(context.Background())
	b, err := models.DonorBreakdown(ctx, f.db, f.secretariat, f.norway.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := counter.Count(); n != 1 {
		t.Errorf("the breakdown took %d statements, want 1", n)
	}

	// The whole: as LoadContributionTotals sums it.
	checkFigure(t, "funding", b.Totals.Funding(), "170050.52", 4, 1)
	checkFigure(t, "paid", b.Totals.Paid(), "120050.52", 3, 1)
	checkFigure(t, "pledged", b.Totals.Pledged(), "100.00", 1, 0)
	checkFigure(t, "in kind", b.Totals.InKind(), "5000.00", 1, 0)
	checkFigure(t, "in kind pledged", b.Totals.InKindPledged(), "100.00", 1, 0)
	if m := b.Totals.Funding().Missing; len(m) != 1 || m[0].Currency != "NOK" || !m[0].Amount.Equal(dec("250000")) {
		t.Errorf("funding left out %v, want 250000 NOK", m)
	}
	loaded, err := models.LoadContributionTotals(context.Background(), f.db, f.secretariat, models.ContributionFilter{DonorID: f.norway.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(b.Totals.Funding(), b.Totals.Paid(), b.Totals.Pledged(), b.Totals.InKind()),
		fmt.Sprint(loaded.Funding(), loaded.Paid(), loaded.Pledged(), loaded.InKind()); got != want {
		t.Errorf("the breakdown's totals %s differ from LoadContributionTotals' %s", got, want)
	}

	// By year and status, financial contributions only (the in-kind 2025
	// pledge is not in 2025).
	if got := fmt.Sprint(keys(b.ByYear)); got != "[2025 2026]" {
		t.Errorf("years %s, want [2025 2026]", got)
	}
	y2025, y2026 := entry(t, "year", b.ByYear, "2025"), entry(t, "year", b.ByYear, "2026")
	checkFigure(t, "2025 funding", y2025.Funding(), "120000.50", 2, 0)
	checkFigure(t, "2025 pledged", y2025.Pledged(), "0", 0, 0)
	checkFigure(t, "2025 in kind pledged", y2025.InKindPledged(), "0", 0, 0)
	checkFigure(t, "2026 funding", y2026.Funding(), "50050.02", 2, 1)
	checkFigure(t, "2026 paid", y2026.Paid(), "50.02", 1, 1)
	checkFigure(t, "2026 pledged", y2026.Pledged(), "100.00", 1, 0)
	checkFigure(t, "2026 committed", y2026.Status(models.ContributionCommitted), "50000.00", 1, 0)
	checkFigure(t, "2026 paid status", y2026.Status(models.ContributionPaid), "50.02", 1, 1)

	// By theme: the cancelled contribution counts nowhere.
	if got := fmt.Sprint(keys(b.ByTheme)); got != "[criminal_justice ]" {
		t.Errorf("themes %q, want criminal_justice then none", got)
	}
	checkFigure(t, "criminal justice", entry(t, "theme", b.ByTheme, "criminal_justice").Funding(), "100000.00", 1, 0)
	checkFigure(t, "no theme", entry(t, "theme", b.ByTheme, "").Funding(), "70050.52", 3, 1)
	checkFigure(t, "no theme pledged", entry(t, "theme", b.ByTheme, "").Pledged(), "100.00", 1, 0)

	// By paragraph.
	if got := fmt.Sprint(keys(b.ByParagraph)); got != "[15 ]" {
		t.Errorf("paragraphs %q, want 15 then none", got)
	}
	checkFigure(t, "paragraph 15", entry(t, "paragraph", b.ByParagraph, "15").Funding(), "50050.02", 2, 0)
	checkFigure(t, "no paragraph", entry(t, "paragraph", b.ByParagraph, "").Funding(), "120000.50", 2, 1)

	// By the recipient State's regional group.
	if got := fmt.Sprint(keys(b.ByGroup)); got != "[african western_european_other ]" {
		t.Errorf("groups %q, want african, western_european_other, none", got)
	}
	checkFigure(t, "African", entry(t, "group", b.ByGroup, "african").Funding(), "0", 0, 1)
	checkFigure(t, "Western", entry(t, "group", b.ByGroup, "western_european_other").Pledged(), "100.00", 1, 0)
	checkFigure(t, "not to a State", entry(t, "group", b.ByGroup, "").Funding(), "170050.52", 4, 0)

	// In kind, by type.
	if got := fmt.Sprint(keys(b.InKind)); got != "[experts training]" {
		t.Errorf("in-kind types %q, want experts, training", got)
	}
	checkFigure(t, "experts", entry(t, "in kind", b.InKind, "experts").InKind(), "5000.00", 1, 0)
	checkFigure(t, "training", entry(t, "in kind", b.InKind, "training").InKindPledged(), "100.00", 1, 0)

	// Each dimension adds up to the whole.
	for dim, entries := range map[string][]models.BreakdownEntry{"year": b.ByYear, "theme": b.ByTheme, "paragraph": b.ByParagraph, "group": b.ByGroup} {
		sum, missing := dec("0"), 0
		for _, e := range entries {
			sum = sum.Add(e.Totals.Funding().USD)
			missing += e.Totals.Funding().MissingCount
		}
		if !sum.Equal(b.Totals.Funding().USD) || missing != b.Totals.Funding().MissingCount {
			t.Errorf("the %s entries add up to %s (%d left out), want the total", dim, sum, missing)
		}
	}
}

// TestDonorFiguresAreSeenAsTheRuleSays: the anonymous visitor and another
// donor see Norway's public contributions only; Norway's own donor and the
// Secretariat all of them; a recipient's focal point adds what its State
// receives.
func TestDonorFiguresAreSeenAsTheRuleSays(t *testing.T) {
	f := newDonorFixture(t)
	ctx := context.Background()
	for _, c := range []struct {
		who                       string
		u                         *models.User
		funding                   string
		count, missing            int
		pledged, inKind, inKindPl string
	}{
		{"anonymous", nil, "100050.02", 2, 0, "100.00", "5000.00", "0"},
		{"another donor", f.euDonor, "100050.02", 2, 0, "100.00", "5000.00", "0"},
		{"Kenya's focal point", f.focalKenya, "100050.02", 2, 1, "100.00", "5000.00", "0"},
		{"Norway's donor", f.donor, "170050.52", 4, 1, "100.00", "5000.00", "100.00"},
		{"the Secretariat", f.secretariat, "170050.52", 4, 1, "100.00", "5000.00", "100.00"},
	} {
		b, err := models.DonorBreakdown(ctx, f.db, c.u, f.norway.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkFigure(t, c.who+": funding", b.Totals.Funding(), c.funding, c.count, c.missing)
		checkFigure(t, c.who+": pledged", b.Totals.Pledged(), c.pledged, 1, 0)
		checkFigure(t, c.who+": in kind", b.Totals.InKind(), c.inKind, 1, 0)
		if !b.Totals.InKindPledged().USD.Equal(dec(c.inKindPl)) {
			t.Errorf("%s: in kind pledged %s, want %s", c.who, b.Totals.InKindPledged().USD, c.inKindPl)
		}

		list, err := models.DonorTotalsList(ctx, f.db, c.u, models.DonorSortName)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, d := range list {
			if d.Organization.ID == f.norway.ID {
				found = true
				checkFigure(t, c.who+": Norway in the list", d.Totals.Funding(), c.funding, c.count, c.missing)
				if !d.Totals.Paid().USD.Equal(b.Totals.Paid().USD) || !d.Totals.Pledged().USD.Equal(b.Totals.Pledged().USD) {
					t.Errorf("%s: the list's paid and pledged %s, %s differ from the page's %s, %s", c.who,
						d.Totals.Paid().USD, d.Totals.Pledged().USD, b.Totals.Paid().USD, b.Totals.Pledged().USD)
				}
			}
		}
		if !found {
			t.Errorf("%s: Norway is not in the list", c.who)
		}
	}
}

// TestDonorTotalsListHasEveryOrganizationInOneStatement: every
// organization, with or without contributions, sorted by name or by
// funding, whatever the data, in one statement.
func TestDonorTotalsListHasEveryOrganizationInOneStatement(t *testing.T) {
	f := newDonorFixture(t)
	var orgs int
	f.db.Raw("SELECT count(*) FROM donor_organizations").Scan(&orgs)

	ctx, counter := models.WithStatementCounter(context.Background())
	byName, err := models.DonorTotalsList(ctx, f.db, nil, models.DonorSortName)
	if err != nil {
		t.Fatal(err)
	}
	byFunding, err := models.DonorTotalsList(ctx, f.db, nil, models.DonorSortFunding)
	if err != nil {
		t.Fatal(err)
	}
	if n := counter.Count(); n != 2 {
		t.Errorf("two lists took %d statements, want 2", n)
	}
	if len(byName) != orgs || len(byFunding) != orgs {
		t.Fatalf("%d and %d organizations listed, want %d", len(byName), len(byFunding), orgs)
	}
	for i := 1; i < len(byName); i++ {
		if byName[i-1].Organization.Name > byName[i].Organization.Name {
			t.Errorf("%q listed before %q", byName[i-1].Organization.Name, byName[i].Organization.Name)
		}
	}
	if byFunding[0].Organization.ID != f.norway.ID || byFunding[1].Organization.ID != f.eu.ID {
		t.Errorf("by funding: %s then %s, want Norway then the European Union", byFunding[0].Organization.Slug, byFunding[1].Organization.Slug)
	}
	checkFigure(t, "the European Union", byFunding[1].Totals.Funding(), "10.00", 1, 0)
	checkFigure(t, "an organization without contributions", byFunding[2].Totals.Funding(), "0", 0, 0)
}
