package models_test

import (
	"context"
	"slices"
	"testing"

	"ctap/models"
	"ctap/models/dbtest"
)

// TestNeedsWithAFundingGapAreListedLargestFirstAsTheirPagesSay builds needs
// in every case the gap list must tell apart, and checks, as two donors
// and anonymous, which are listed, in which order, and that each listed
// gap is the one the need's own page shows to the same person.
func TestNeedsWithAFundingGapAreListedLargestFirstAsTheirPagesSay(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	norway, err := models.DonorOrganizationBySlug(ctx, db, "norway")
	if err != nil {
		t.Fatal(err)
	}
	eu, err := models.DonorOrganizationBySlug(ctx, db, "european-union")
	if err != nil {
		t.Fatal(err)
	}
	nor := roleUser(t, db, "donor.nor@example.org", models.RoleDonor, "norway")
	euDonor := roleUser(t, db, "donor.eu@example.org", models.RoleDonor, "european-union")
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	// The latest NOK rate (10) converts costs; the older one (8) must not.
	exec(`INSERT INTO exchange_rates (currency, month, units_per_usd) VALUES ('NOK', '2020-01-01', 8), ('NOK', '2025-06-01', 10)`)
	need := func(title, visibility, status string, cost any, currency any) int64 {
		t.Helper()
		var id int64
		err := db.Raw(`INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status, estimated_cost, cost_currency)
			VALUES ((SELECT id FROM member_states WHERE iso3 = 'KEN'), ?, 'criminal_justice', 'high', 'training', ?, ?, ?, ?) RETURNING id`,
			title, visibility, status, cost, currency).Scan(&id).Error
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	fund := func(donor int, needID int64, status, amount string, public bool) {
		t.Helper()
		paid := any(nil)
		if status == "paid" {
			paid = "2026-01-10"
		}
		exec(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status, paid_on,
			earmark, need_id, recipient_state_id, reported_by, public)
			VALUES (?, 'financial', 'Fixture', ?, 'USD', '2026-01-10', ?, ?, 'need', ?, (SELECT id FROM member_states WHERE iso3 = 'KEN'), 'secretariat', ?)`,
			donor, amount, status, paid, needID, public)
	}
	partly := need("Partly funded", "donors", "accepted", "100000", "USD")
	fund(eu.ID, partly, "paid", "30000", true)                                             // public: everyone counts it
	fund(norway.ID, partly, "committed", "20000", false)                                   // private: only Norway counts it
	fund(norway.ID, partly, "pledged", "50000", true)                                      // a pledge funds nothing yet
	unfunded := need("Unfunded, costed in kroner", "public", "submitted", "500000", "NOK") // 50,000.00 USD
	funded := need("Fully funded", "donors", "in_delivery", "10000", "USD")
	fund(eu.ID, funded, "paid", "12000", true)
	uncosted := need("Not costed", "donors", "accepted", nil, nil)
	need("Not shared", "state", "accepted", "90000", "USD")
	need("Met already", "donors", "met", "90000", "USD")
	need("Still a draft", "donors", "draft", "90000", "USD")

	cases := []struct {
		name string
		who  *models.User
		want []int64
		gaps []string // "" for unknown
	}{
		// A tie at 50,000 for Norway: the ID breaks it, the later need first.
		{"Norway counts its private commitment", nor, []int64{unfunded, partly, uncosted}, []string{"50000", "50000", ""}},
		{"the EU does not", euDonor, []int64{partly, unfunded, uncosted}, []string{"70000", "50000", ""}},
		{"anonymous sees only public needs", nil, []int64{unfunded}, []string{"50000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := models.NeedFilter{FundingGap: true, Sort: "gap"}
			page, err := models.ListNeeds(ctx, db, tc.who, f, models.PageRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, n := range page.Items {
				got = append(got, n.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("listed %v, want %v", got, tc.want)
			}
			for i, n := range page.Items {
				if tc.gaps[i] == "" && n.Funding.GapUSD.Valid {
					t.Errorf("%q: gap %s, want unknown", n.Title, n.Funding.GapUSD.Decimal)
				}
				if tc.gaps[i] != "" && (!n.Funding.GapUSD.Valid || !n.Funding.GapUSD.Decimal.Equal(dec(tc.gaps[i]))) {
					t.Errorf("%q: gap %v, want %s", n.Title, n.Funding.GapUSD, tc.gaps[i])
				}
				np, err := models.NeedByID(ctx, db, tc.who, n.ID)
				if err != nil {
					t.Fatal(err)
				}
				nf, err := models.LoadNeedFunding(ctx, db, tc.who, np.Need)
				if err != nil {
					t.Fatal(err)
				}
				pageGap := nf.GapUSD()
				if (pageGap == nil) != !n.Funding.GapUSD.Valid || (pageGap != nil && !pageGap.Equal(n.Funding.GapUSD.Decimal)) {
					t.Errorf("%q: the list says gap %v, its page %v", n.Title, n.Funding.GapUSD, pageGap)
				}
				if !nf.Totals.Funding().USD.Equal(n.Funding.FundedUSD.Decimal) {
					t.Errorf("%q: the list says funded %s, its page %s", n.Title, n.Funding.FundedUSD.Decimal, nf.Totals.Funding().USD)
				}
			}
			if n, err := models.CountNeeds(ctx, db, tc.who, f); err != nil || n != int64(len(tc.want)) {
				t.Errorf("count = %d, %v; want %d", n, err, len(tc.want))
			}
		})
	}
}
