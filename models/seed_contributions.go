package models

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The demo's voluntary contributions and the exchange rates that turn them
// into US dollars. Fifteen donor organizations (the demo donor accounts'
// Norway and European Union, France whose focal point records for it, and
// others) give, financially and in kind, from 2016 to this year, in nine
// currencies, in every status; some earmarked to the demo needs that are
// accepted or in delivery and shared beyond their State, some to a theme,
// a paragraph or a recipient State, some unearmarked; one multi-year
// commitment has an instalment schedule with its first instalment paid.
// The rates are monthly, plausible and deterministic (demoRate), for every
// month from January 2016 to this one, but one: Norway's krone has no rate
// for November 2023, the month of one of Norway's payments, so the pages
// show a rate missing. Every title ends with demoSuffix.

// demoRateGap is the one month the demo leaves without a rate.
var demoRateGap = struct {
	Currency string
	Month    time.Time
}{"NOK", time.Date(2023, time.November, 1, 0, 0, 0, 0, time.UTC)}

// demoRateKeeper is who the demo's rates are recorded as kept by: the demo
// administrator.
const demoRateKeeper = "Ada Admin (demo)"

// ContributionSeedCounts counts what a seed of the contributions added.
type ContributionSeedCounts struct {
	Contributions, Donors, Currencies, Instalments, Rates int64
}

// Empty reports whether nothing was added.
func (c ContributionSeedCounts) Empty() bool { return c == ContributionSeedCounts{} }

func (c ContributionSeedCounts) String() string {
	return fmt.Sprintf("%d contributions from %d donors in %d currencies (%d instalments), %d exchange rates",
		c.Contributions, c.Donors, c.Currencies, c.Instalments, c.Rates)
}

// demoNeedRef finds a demo need to earmark to: the first demo need of the
// State (any State but the demo focal points' when ISO3 is "") in one of
// the statuses, shared with donors or the public.
type demoNeedRef struct {
	ISO3     string
	Statuses []NeedStatus
}

// demoInstalment is one year of a demo schedule; Paid "" when unpaid.
type demoInstalment struct {
	Year         int
	Amount, Paid string
}

// demoContribution is one demo contribution. Dates are written
// "2006-01-02", or "t-N" for N days before the seed runs; "" is none.
type demoContribution struct {
	Donor                          string // slug
	Title, Description             string // {need} in the title: the earmarked need's
	InKind, Valuation              string // in kind: its type and how it was valued
	Amount, Currency               string
	Status                         ContributionStatus
	Pledged, Committed, Paid, Gone string // Gone: cancelled on
	Earmark                        string
	Theme                          string
	Paragraph                      int
	Recipient                      string // ISO3
	Need                           *demoNeedRef
	ReportedBy                     string
	Verified, Public               bool
	Instalments                    []demoInstalment
}

func demoContributions() []demoContribution {
	accepted := []NeedStatus{NeedAccepted}
	delivery := []NeedStatus{NeedInDelivery}
	either := []NeedStatus{NeedAccepted, NeedInDelivery}
	return []demoContribution{
		// Norway: the demo donor account's organization.
		{Donor: "norway", Title: "Core contribution to the Terrorism Prevention Branch, 2016",
			Description: "Unearmarked annual contribution to the Office's global programme against terrorism.",
			Amount:      "5000000.00", Currency: "NOK", Status: ContributionPaid,
			Pledged: "2016-03-14", Committed: "2016-04-20", Paid: "2016-06-01",
			Earmark: "none", ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "norway", Title: "Criminal justice responses to terrorism in East Africa",
			Description: "Support to prosecutors and judges of East African States in terrorism cases.",
			Amount:      "7500000.00", Currency: "NOK", Status: ContributionPaid,
			Pledged: "2019-02-11", Committed: "2019-03-15", Paid: "2019-05-06",
			Earmark: "theme", Theme: "criminal_justice", ReportedBy: "secretariat", Verified: true, Public: true},
		{Donor: "norway", Title: "Support to Kenya's counter-terrorism prosecution services",
			Description: "Paid in November 2023, a month for which no operational rate of exchange has been entered yet.",
			Amount:      "4000000.00", Currency: "NOK", Status: ContributionPaid,
			Pledged: "2023-11-08", Committed: "2023-11-15", Paid: "2023-11-29",
			Earmark: "state", Recipient: "KEN", ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "norway", Title: "Funding for “{need}”",
			Description: "Agreement signed this year for the request Kenya has in delivery.",
			Amount:      "6000000.00", Currency: "NOK", Status: ContributionCommitted,
			Pledged: "t-60", Committed: "t-30",
			Earmark: "need", Need: &demoNeedRef{"KEN", delivery}, Recipient: "KEN", ReportedBy: "donor"},
		{Donor: "norway", InKind: "training", Title: "Regional workshops for investigators and prosecutors hosted in Oslo",
			Valuation: "Cost of three regional workshops: venue, interpretation, travel and per diem of 45 participants, from the organizer's accounts.",
			Amount:    "850000.00", Currency: "NOK", Status: ContributionPaid,
			Pledged: "2021-09-06", Committed: "2021-09-27", Paid: "2021-12-10",
			Earmark: "paragraph", Paragraph: 5, ReportedBy: "donor", Verified: true, Public: true},

		// The European Union: the other demo donor account's.
		{Donor: "european-union", Title: "Multi-year support to criminal justice responses to foreign terrorist fighters, 2025–2028",
			Description: "A four-year agreement, paid in yearly instalments.",
			Amount:      "4000000.00", Currency: "EUR", Status: ContributionCommitted,
			Pledged: "2025-02-10", Committed: "2025-04-01",
			Earmark: "theme", Theme: "foreign_terrorist_fighters", ReportedBy: "secretariat", Verified: true, Public: true,
			Instalments: []demoInstalment{{2025, "1000000.00", "2025-06-16"}, {2026, "1000000.00", ""},
				{2027, "1000000.00", ""}, {2028, "1000000.00", ""}}},
		{Donor: "european-union", Title: "Strengthening Nigeria's criminal justice response to terrorism",
			Amount: "2500000.00", Currency: "EUR", Status: ContributionPaid,
			Pledged: "2018-05-22", Committed: "2018-06-30", Paid: "2018-09-14",
			Earmark: "state", Recipient: "NGA", ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "european-union", InKind: "publications", Title: "Translation and printing of the legal training modules",
			Valuation: "Translation into Arabic, French and Portuguese and printing of 4,000 copies, at the contractor's invoiced cost.",
			Amount:    "120000.00", Currency: "EUR", Status: ContributionPaid,
			Pledged: "2020-10-05", Committed: "2020-10-19", Paid: "2020-12-15",
			Earmark: "none", ReportedBy: "secretariat", Verified: true, Public: true},
		{Donor: "european-union", Title: "Pledge towards “{need}”",
			Description: "Announced at the donors' briefing; the agreement is being negotiated.",
			Amount:      "1500000.00", Currency: "EUR", Status: ContributionPledged,
			Pledged: "t-20",
			Earmark: "need", Need: &demoNeedRef{"IDN", delivery}, Recipient: "IDN", ReportedBy: "donor"},

		// France: its focal point records for it.
		{Donor: "france", Title: "Human-rights-compliant criminal justice responses to terrorism",
			Amount: "800000.00", Currency: "EUR", Status: ContributionPaid,
			Pledged: "2017-03-09", Committed: "2017-04-10", Paid: "2017-07-03",
			Earmark: "theme", Theme: "prevention_human_rights", ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "france", InKind: "experts", Title: "Magistrates seconded to the programme in Mali",
			Valuation: "Two magistrates seconded for twelve months, valued at their salaries, allowances and travel.",
			Amount:    "260000.00", Currency: "EUR", Status: ContributionCommitted,
			Pledged: "2022-01-17", Committed: "2022-02-01",
			Earmark: "state", Recipient: "MLI", ReportedBy: "donor"},
		{Donor: "france", Title: "Support to Burkina Faso's specialised judicial unit",
			Description: "Cancelled when the activity was postponed indefinitely.",
			Amount:      "300000.00", Currency: "EUR", Status: ContributionCancelled,
			Pledged: "2020-02-03", Gone: "2020-05-28",
			Earmark: "state", Recipient: "BFA", ReportedBy: "donor"},
		{Donor: "france", Title: "Pledge towards “{need}”",
			Amount: "450000.00", Currency: "EUR", Status: ContributionPledged,
			Pledged: "t-45",
			Earmark: "need", Need: &demoNeedRef{"KEN", accepted}, Recipient: "KEN", ReportedBy: "donor", Public: true},

		// Other Member States and organizations.
		{Donor: "japan", Title: "Countering terrorism in South-East Asia: the Philippines",
			Amount: "110000000", Currency: "JPY", Status: ContributionPaid,
			Pledged: "2016-11-21", Committed: "2016-12-12", Paid: "2017-01-20",
			Earmark: "state", Recipient: "PHL", ReportedBy: "secretariat", Verified: true, Public: true},
		{Donor: "japan", InKind: "equipment", Title: "Digital forensic workstations for Indonesia's counter-terrorism unit",
			Valuation: "Workstations and evidence lockers at the supplier's invoiced price, delivery included.",
			Amount:    "32000000", Currency: "JPY", Status: ContributionPaid,
			Pledged: "2024-06-10", Committed: "2024-07-01", Paid: "2024-10-01",
			Earmark: "state", Recipient: "IDN", ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "japan", Title: "Border information sharing and advance passenger information",
			Amount: "85000000", Currency: "JPY", Status: ContributionCommitted,
			Pledged: "2026-04-07", Committed: "2026-06-01",
			Earmark: "theme", Theme: "information_sharing", ReportedBy: "secretariat", Public: true},
		{Donor: "united-kingdom", Title: "Investigating terrorist use of the Internet",
			Amount: "1200000.00", Currency: "GBP", Status: ContributionPaid,
			Pledged: "2019-06-03", Committed: "2019-07-01", Paid: "2019-09-30",
			Earmark: "theme", Theme: "internet", ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "united-kingdom", Title: "Maritime counter-terrorism in Somalia",
			Description: "Cancelled by the Secretariat after the donor's budget review.",
			Amount:      "500000.00", Currency: "GBP", Status: ContributionCancelled,
			Pledged: "2021-01-18", Committed: "2021-02-22", Gone: "2021-08-09",
			Earmark: "state", Recipient: "SOM", ReportedBy: "secretariat"},
		{Donor: "united-kingdom", Title: "Funding for “{need}”",
			Amount: "750000.00", Currency: "GBP", Status: ContributionPaid,
			Pledged: "2024-02-12", Committed: "2024-03-04", Paid: "2024-05-20",
			Earmark: "need", Need: &demoNeedRef{"", either}, ReportedBy: "secretariat", Verified: true, Public: true},
		{Donor: "germany", Title: "International cooperation in criminal matters",
			Amount: "1000000.00", Currency: "EUR", Status: ContributionPaid,
			Pledged: "2022-04-04", Committed: "2022-05-02", Paid: "2022-07-11",
			Earmark: "paragraph", Paragraph: 2, ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "germany", Title: "Contribution to the global programme, 2026",
			Amount: "2000000.00", Currency: "EUR", Status: ContributionCommitted,
			Pledged: "2026-01-26", Committed: "2026-03-09",
			Earmark: "none", ReportedBy: "donor"},
		{Donor: "sweden", Title: "Human rights in the investigation of terrorism offences",
			Amount: "10000000.00", Currency: "SEK", Status: ContributionPaid,
			Pledged: "2020-09-14", Paid: "2020-11-02",
			Earmark: "paragraph", Paragraph: 4, ReportedBy: "secretariat", Verified: true, Public: true},
		{Donor: "sweden", Title: "Contribution to the global programme, this year",
			Amount: "5000000.00", Currency: "SEK", Status: ContributionPaid,
			Pledged: "t-75", Committed: "t-50", Paid: "t-20",
			Earmark: "none", ReportedBy: "donor", Public: true},
		{Donor: "switzerland", InKind: "hosting", Title: "Annual meeting of the central authorities hosted in Geneva",
			Valuation: "Conference facilities for three days at the host's published daily rates.",
			Amount:    "180000.00", Currency: "CHF", Status: ContributionPaid,
			Pledged: "2023-03-20", Committed: "2023-04-03", Paid: "2023-06-23",
			Earmark: "paragraph", Paragraph: 2, ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "united-states", Title: "Foreign terrorist fighters: prosecution and reintegration",
			Amount: "3000000.00", Currency: "USD", Status: ContributionPaid,
			Pledged: "2017-09-25", Committed: "2017-10-16", Paid: "2018-01-08",
			Earmark: "theme", Theme: "foreign_terrorist_fighters", ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "united-states", Title: "Support to Kenya's counter-terrorism centre",
			Amount: "1750000.00", Currency: "USD", Status: ContributionCommitted,
			Pledged: "2025-08-18", Committed: "2025-09-29",
			Earmark: "state", Recipient: "KEN", ReportedBy: "secretariat", Verified: true},
		{Donor: "canada", Title: "Responding to kidnapping for ransom",
			Amount: "1400000.00", Currency: "CAD", Status: ContributionPaid,
			Pledged: "2021-11-08", Committed: "2021-12-06", Paid: "2022-02-14",
			Earmark: "theme", Theme: "kidnapping_hostage_taking", ReportedBy: "donor", Verified: true, Public: true},
		{Donor: "qatar", Title: "Pledge to the global programme",
			Description: "Announced at the high-level conference; not yet committed.",
			Amount:      "2000000.00", Currency: "USD", Status: ContributionPledged,
			Pledged: "2024-12-09",
			Earmark: "none", ReportedBy: "donor", Public: true},
		{Donor: "gcerf", InKind: "other", Title: "Grant-management training for Kenyan community organizations",
			Valuation: "Trainers' time and materials at the Fund's standard cost rates.",
			Amount:    "95000.00", Currency: "USD", Status: ContributionCommitted,
			Pledged: "2022-09-12", Committed: "2022-10-03",
			Earmark: "state", Recipient: "KEN", ReportedBy: "recipient"},
		{Donor: "un-peace-development-trust-fund", Title: "Regional programme on criminal justice responses to terrorism",
			Amount: "1200000.00", Currency: "USD", Status: ContributionPaid,
			Pledged: "2018-03-19", Committed: "2018-04-16", Paid: "2018-06-04",
			Earmark: "paragraph", Paragraph: 13, ReportedBy: "secretariat", Verified: true, Public: true},
		{Donor: "netherlands", InKind: "training", Title: "Training of Indonesian judges on terrorism cases",
			Valuation: "Two trainers for two weeks and course materials, at the training institute's cost.",
			Amount:    "140000.00", Currency: "EUR", Status: ContributionPaid,
			Pledged: "2025-05-12", Committed: "2025-06-02", Paid: "2025-10-30",
			Earmark: "state", Recipient: "IDN", ReportedBy: "recipient", Verified: true, Public: true},
		{Donor: "denmark", Title: "Contribution to the global programme, 2016",
			Amount: "6000000.00", Currency: "DKK", Status: ContributionPaid,
			Pledged: "2016-08-29", Paid: "2016-10-24",
			Earmark: "none", ReportedBy: "donor", Verified: true, Public: true},
	}
}

// seedDemoContributions adds the demo contributions (unless some exist
// already) and the exchange rates of the currencies they use (those not
// kept yet), in one transaction.
func seedDemoContributions(ctx context.Context, db *gorm.DB) (ContributionSeedCounts, error) {
	var c ContributionSeedCounts
	today := Today()
	specs := demoContributions()
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var exists bool
		if err := tx.Raw("SELECT EXISTS (SELECT 1 FROM contributions WHERE title LIKE ?)", "%"+demoSuffix).Scan(&exists).Error; err != nil {
			return err
		}
		if !exists {
			if err := insertDemoContributions(tx, specs, today, &c); err != nil {
				return err
			}
		}
		var currencies []string
		for _, s := range specs {
			if s.Currency != "USD" && !slices.Contains(currencies, s.Currency) {
				currencies = append(currencies, s.Currency)
			}
		}
		first := time.Date(2016, time.January, 1, 0, 0, 0, 0, time.UTC)
		n, err := insertDemoRates(tx, currencies, first, today, demoRateKeeper, true)
		c.Rates = n
		return err
	})
	if err != nil {
		return ContributionSeedCounts{}, fmt.Errorf("seed demo contributions: %w", err)
	}
	return c, nil
}

// demoDate reads a demo date: "2006-01-02", or "t-N" for N days before
// today; "" is none.
func demoDate(raw string, today time.Time) (*time.Time, error) {
	if raw == "" {
		return nil, nil
	}
	if days, ok := strings.CutPrefix(raw, "t-"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return nil, fmt.Errorf("demo date %q: %w", raw, err)
		}
		d := today.AddDate(0, 0, -n)
		return &d, nil
	}
	d, err := time.Parse("2006-01-02", raw)
	if err != nil {
		return nil, fmt.Errorf("demo date %q: %w", raw, err)
	}
	return &d, nil
}

func insertDemoContributions(tx *gorm.DB, specs []demoContribution, today time.Time, c *ContributionSeedCounts) error {
	var donors []DonorOrganization
	if err := tx.Find(&donors).Error; err != nil {
		return err
	}
	donorBySlug := map[string]DonorOrganization{}
	for _, d := range donors {
		donorBySlug[d.Slug] = d
	}
	var states []MemberState
	if err := tx.Select("id, iso3").Find(&states).Error; err != nil {
		return err
	}
	stateByISO3 := map[string]int{}
	for _, s := range states {
		stateByISO3[s.ISO3] = s.ID
	}
	now := time.Now().UTC()
	at := func(d time.Time, hour int) time.Time {
		t := d.Add(time.Duration(hour) * time.Hour)
		if t.After(now) {
			return now.Truncate(time.Second)
		}
		return t
	}
	rows := make([]Contribution, 0, len(specs))
	usedDonors, usedCurrencies := map[string]bool{}, map[string]bool{}
	for _, s := range specs {
		donor, ok := donorBySlug[s.Donor]
		if !ok {
			return fmt.Errorf("no donor organization %s", s.Donor)
		}
		amount, err := decimal.NewFromString(s.Amount)
		if err != nil {
			return fmt.Errorf("amount of %q: %w", s.Title, err)
		}
		var dates [4]*time.Time
		for i, raw := range []string{s.Pledged, s.Committed, s.Paid, s.Gone} {
			if dates[i], err = demoDate(raw, today); err != nil {
				return err
			}
		}
		pledged, committed, paid, gone := dates[0], dates[1], dates[2], dates[3]
		r := Contribution{
			DonorOrganizationID: donor.ID, Kind: ContributionFinancial,
			Title: s.Title + demoSuffix, Description: s.Description,
			Amount: amount, Currency: s.Currency, ValueDate: *pledged, Status: s.Status,
			PledgedOn: pledged, CommittedOn: committed, PaidOn: paid, CancelledOn: gone,
			Earmark: s.Earmark, ReportedBy: s.ReportedBy, Verified: s.Verified, Public: s.Public,
		}
		if s.InKind != "" {
			r.Kind, r.InKindType, r.Valuation = ContributionInKind, strPtr(s.InKind), s.Valuation
		}
		if s.Recipient != "" {
			id, ok := stateByISO3[s.Recipient]
			if !ok {
				return fmt.Errorf("no Member State %s", s.Recipient)
			}
			r.RecipientStateID = &id
		}
		switch s.Earmark {
		case "theme":
			r.Theme = strPtr(s.Theme)
		case "paragraph":
			r.ParagraphNumber = &s.Paragraph
		case "need":
			need, found, err := findDemoNeed(tx, *s.Need)
			if err != nil {
				return err
			}
			if found {
				r.NeedID, r.RecipientStateID = &need.ID, &need.MemberStateID
				r.Title = strings.ReplaceAll(r.Title, "{need}", strings.TrimSuffix(need.Title, demoSuffix))
			} else if r.RecipientStateID != nil {
				r.Earmark = "state" // the demo needs are not those this seed knows
			} else {
				r.Earmark = "none"
			}
			r.Title = strings.ReplaceAll(r.Title, "{need}", "a shared request")
		}
		// Each step made a version; the last step dates the update.
		r.Version, r.CreatedAt, r.UpdatedAt = 1, at(*pledged, 9), at(*pledged, 9)
		for _, d := range []*time.Time{committed, paid, gone} {
			if d != nil {
				r.Version++
				r.UpdatedAt = at(*d, 15)
			}
		}
		if s.Verified {
			v := at(r.UpdatedAt.Truncate(24*time.Hour).AddDate(0, 0, 7), 11)
			r.Version++
			r.VerifiedAt, r.UpdatedAt = &v, v
		}
		rows = append(rows, r)
		usedDonors[s.Donor], usedCurrencies[s.Currency] = true, true
	}
	if err := tx.Omit(clause.Associations).Create(&rows).Error; err != nil {
		return fmt.Errorf("contributions: %w", err)
	}
	var instalments []Instalment
	for i, s := range specs {
		for _, in := range s.Instalments {
			amount, err := decimal.NewFromString(in.Amount)
			if err != nil {
				return fmt.Errorf("instalment of %q: %w", s.Title, err)
			}
			paid, err := demoDate(in.Paid, today)
			if err != nil {
				return err
			}
			instalments = append(instalments, Instalment{ContributionID: rows[i].ID, Year: in.Year, Amount: amount, PaidOn: paid, Version: 1})
		}
	}
	if len(instalments) > 0 {
		if err := tx.Create(&instalments).Error; err != nil {
			return fmt.Errorf("instalments: %w", err)
		}
	}
	c.Contributions += int64(len(rows))
	c.Donors += int64(len(usedDonors))
	c.Currencies += int64(len(usedCurrencies))
	c.Instalments += int64(len(instalments))
	return nil
}

// findDemoNeed finds the need ref names among the demo needs.
func findDemoNeed(tx *gorm.DB, ref demoNeedRef) (Need, bool, error) {
	statuses := make([]string, len(ref.Statuses))
	for i, s := range ref.Statuses {
		statuses[i] = string(s)
	}
	q := tx.Select("id, member_state_id, title").
		Where("title LIKE ? AND status IN ? AND visibility IN ?", "%"+demoSuffix, statuses,
			[]string{string(VisibilityDonors), string(VisibilityPublic)})
	if ref.ISO3 != "" {
		q = q.Where("member_state_id = (SELECT id FROM member_states WHERE iso3 = ?)", ref.ISO3)
	} else {
		q = q.Where("member_state_id NOT IN (SELECT id FROM member_states WHERE iso3 IN ?)", []string{"KEN", "FRA", "IDN"})
	}
	var n []Need
	if err := q.Order("id").Limit(1).Find(&n).Error; err != nil {
		return Need{}, false, fmt.Errorf("demo need %+v: %w", ref, err)
	}
	if len(n) == 0 {
		return Need{}, false, nil
	}
	return n[0], true, nil
}

// Rates ------------------------------------------------------------------

// demoRateYears are approximate yearly averages of the units one US
// dollar bought, from 2016 on; demoRate draws its monthly rates through
// them.
var demoRateYears = map[string][]string{
	"EUR": {"0.904", "0.887", "0.847", "0.893", "0.877", "0.846", "0.951", "0.925", "0.924", "0.886", "0.860"},
	"GBP": {"0.741", "0.777", "0.750", "0.784", "0.780", "0.727", "0.812", "0.804", "0.783", "0.758", "0.745"},
	"NOK": {"8.400", "8.270", "8.130", "8.800", "9.420", "8.600", "9.610", "10.560", "10.760", "10.400", "10.100"},
	"SEK": {"8.560", "8.550", "8.690", "9.460", "9.210", "8.580", "10.110", "10.610", "10.570", "9.800", "9.400"},
	"DKK": {"6.730", "6.600", "6.320", "6.670", "6.540", "6.290", "7.080", "6.890", "6.890", "6.610", "6.420"},
	"CHF": {"0.985", "0.985", "0.978", "0.994", "0.939", "0.914", "0.955", "0.899", "0.880", "0.830", "0.800"},
	"JPY": {"108.800", "112.200", "110.400", "109.000", "106.800", "109.800", "131.500", "140.500", "151.400", "150.000", "152.000"},
	"CAD": {"1.325", "1.298", "1.296", "1.327", "1.341", "1.254", "1.301", "1.350", "1.370", "1.398", "1.380"},
	"AUD": {"1.345", "1.305", "1.339", "1.439", "1.452", "1.331", "1.442", "1.505", "1.515", "1.550", "1.520"},
}

// demoRate is a plausible operational rate of currency for month (the
// first of a month from 2016 on): the yearly averages, each taken as the
// middle of its year, joined by straight lines, moved by up to 0.8% by a
// hash of the currency and month, rounded to three decimals as the UN
// publishes them. ok is false for a currency without yearly averages.
func demoRate(currency string, month time.Time) (decimal.Decimal, bool) {
	years, ok := demoRateYears[currency]
	if !ok {
		return decimal.Decimal{}, false
	}
	// In half-months since January 2016: year i's average stands at 24i+11.
	pos := 2 * ((month.Year()-2016)*12 + int(month.Month()) - 1)
	last := 24*(len(years)-1) + 11
	pos = min(max(pos, 11), last)
	i := min((pos-11)/24, len(years)-2)
	a, b := decimal.RequireFromString(years[i]), decimal.RequireFromString(years[i+1])
	rate := a.Add(b.Sub(a).Mul(decimal.NewFromInt(int64(pos - 11 - 24*i))).Div(decimal.NewFromInt(24)))
	h := fnv.New32a()
	h.Write([]byte(currency + month.Format(rateMonthLayout)))
	wobble := int64(h.Sum32()%17) - 8 // per mille
	rate = rate.Mul(decimal.NewFromInt(1000 + wobble)).Div(decimal.NewFromInt(1000))
	return rate.RoundBank(3), true
}

// demoRateRows lists the rates of the currencies for every month from
// first to today's, leaving out the demo's gap when gap is set.
func demoRateRows(currencies []string, first, today time.Time, gap bool) (cur pq.StringArray, month pq.StringArray, rate pq.StringArray) {
	end := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, code := range currencies {
		for m := first; !m.After(end); m = m.AddDate(0, 1, 0) {
			if gap && code == demoRateGap.Currency && m.Equal(demoRateGap.Month) {
				continue
			}
			r, ok := demoRate(code, m)
			if !ok {
				continue
			}
			cur, month, rate = append(cur, code), append(month, m.Format("2006-01-02")), append(rate, r.String())
		}
	}
	return cur, month, rate
}

// insertDemoRates adds the rates demoRateRows lists that are not kept yet,
// in one statement, and counts them.
func insertDemoRates(tx *gorm.DB, currencies []string, first, today time.Time, by string, gap bool) (int64, error) {
	cur, month, rate := demoRateRows(currencies, first, today, gap)
	if len(cur) == 0 {
		return 0, nil
	}
	res := tx.Exec(`INSERT INTO exchange_rates (currency, month, units_per_usd, updated_by)
		SELECT v.c, v.m, v.r, ? FROM unnest(?::text[], ?::date[], ?::numeric[]) AS v (c, m, r)
		ON CONFLICT (currency, month) DO NOTHING`, by, cur, month, rate)
	if res.Error != nil {
		return 0, fmt.Errorf("exchange rates: %w", res.Error)
	}
	return res.RowsAffected, nil
}
