package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

// dashboardFixture is a small known dataset: needs of Kenya and France in
// every visibility, contributions public and private, treaty actions and
// progress reports of the current period and an older one, whose figures
// the tests below compute by hand for each role.
func dashboardFixture(t *testing.T, db *gorm.DB, today time.Time) {
	t.Helper()
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	need := func(state, title, theme, visibility, status, cost string, year int) {
		exec(`INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status, estimated_cost,
			cost_currency, created_at)
			VALUES ((SELECT id FROM member_states WHERE iso3 = ?), ?, ?, 'high', 'training', ?, ?, ?, 'USD', ?)`,
			state, title, theme, visibility, status, cost, time.Date(year, 6, 1, 0, 0, 0, 0, time.UTC))
	}
	need("KEN", "Kenya public", "criminal_justice", "public", "submitted", "1000", 2025)
	need("KEN", "Kenya private", "criminal_justice", "state", "accepted", "2000", 2025)
	need("KEN", "Kenya for donors", "internet", "donors", "submitted", "4000", 2026)
	need("KEN", "Kenya draft", "internet", "public", "draft", "16000", 2026)
	need("FRA", "France private", "internet", "state", "submitted", "8000", 2026)

	contribution := func(donor, status, amount, date, recipient string, public bool) {
		var paid, cancelled any
		if status == "paid" {
			paid = date
		}
		if status == "cancelled" {
			cancelled = date
		}
		exec(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status, paid_on,
			cancelled_on, earmark, recipient_state_id, reported_by, public)
			VALUES ((SELECT id FROM donor_organizations WHERE slug = ?), 'financial', 'Fixture', ?, 'USD', ?, ?, ?, ?,
				CASE WHEN ? = '' THEN 'none' ELSE 'state' END, (SELECT id FROM member_states WHERE iso3 = ?), 'secretariat', ?)`,
			donor, amount, date, status, paid, cancelled, recipient, recipient, public)
	}
	contribution("norway", "paid", "100", "2025-03-01", "", true)
	contribution("norway", "committed", "200", "2026-02-01", "", false)
	contribution("european-union", "paid", "400", "2026-05-01", "FRA", false)
	contribution("european-union", "pledged", "800", "2026-05-01", "", true)
	contribution("norway", "cancelled", "1600", "2026-05-01", "", true)

	treaty := func(state, instrument, kind, date string) {
		exec(`INSERT INTO treaty_actions (member_state_id, instrument_id, kind, action_date)
			VALUES ((SELECT id FROM member_states WHERE iso3 = ?), (SELECT id FROM instruments WHERE code = ?), ?, ?)`,
			state, instrument, kind, date)
	}
	treaty("KEN", "tokyo-1963", "ratification", "2000-05-01")
	treaty("FRA", "tokyo-1963", "accession", "2002-01-01")
	treaty("FRA", "hague-1970", "signature", "2001-01-01")
	treaty("KEN", "hague-1970", "accession", "2002-07-01")

	var period int64
	if err := db.Raw(`INSERT INTO reporting_periods (title, opens_on, due_on, closes_on)
		VALUES ('{"en": "Current round"}', ?, ?, ?) RETURNING id`,
		today.AddDate(0, 0, -10), today, today.AddDate(0, 0, 10)).Scan(&period).Error; err != nil {
		t.Fatal(err)
	}
	report := func(state string, periodID int64, n int, impl, status string) {
		exec(`INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, status)
			VALUES ((SELECT id FROM member_states WHERE iso3 = ?), ?, ?, ?, ?)`, state, periodID, n, impl, status)
	}
	report("KEN", period, 4, "fully_implemented", "validated")
	report("FRA", period, 4, "planned", "validated")
	report("KEN", period, 5, "in_progress", "validated")
	report("KEN", period, 6, "planned", "submitted") // not validated: counted nowhere
	var old int64
	if err := db.Raw("SELECT id FROM reporting_periods WHERE opens_on = '2016-01-01'").Scan(&old).Error; err != nil {
		t.Fatal(err)
	}
	report("FRA", old, 5, "not_started", "validated") // another period
}

// dashboardSummary writes the figures a test compares, in a fixed form.
func dashboardSummary(d models.Dashboard) map[string]string {
	out := map[string]string{}
	var parts []string
	for _, s := range d.NeedsByStatus {
		if s.Count > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", s.Status, s.Count))
		}
	}
	out["status"] = strings.Join(parts, " ")
	parts = nil
	for _, th := range d.NeedsByTheme {
		parts = append(parts, fmt.Sprintf("%s=%d", th.Theme, th.Count))
	}
	out["theme"] = strings.Join(parts, " ")
	parts = nil
	for _, f := range d.Funding {
		parts = append(parts, fmt.Sprintf("%d: funding %s paid %s cost %s/%d", f.Year,
			f.Contributions.Funding().USD.StringFixed(0), f.Contributions.Paid().USD.StringFixed(0),
			f.NeedsCostUSD.StringFixed(0), f.NeedsCosted))
	}
	out["funding"] = strings.Join(parts, "; ")
	parts = nil
	for _, p := range d.Progress {
		var counts []string
		for _, c := range p.Counts {
			if c.Count > 0 {
				counts = append(counts, fmt.Sprintf("%s=%d", c.Implementation, c.Count))
			}
		}
		parts = append(parts, fmt.Sprintf("%d: %s", p.Paragraph, strings.Join(counts, " ")))
	}
	out["progress"] = strings.Join(parts, "; ")
	return out
}

func TestDashboardFiguresCountOnlyWhatEachRoleMaySee(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	dashboardFixture(t, db, today)
	p := newPeople(t, db)
	cases := []struct {
		name string
		u    *models.User
		want map[string]string
	}{
		{"anonymous", nil, map[string]string{
			"status":   "submitted=1",
			"theme":    "criminal_justice=1",
			"funding":  "2025: funding 100 paid 100 cost 1000/1; 2026: funding 0 paid 0 cost 0/0",
			"progress": "",
		}},
		{"focal point of Kenya", p.focalKEN, map[string]string{
			"status":   "draft=1 submitted=2 accepted=1",
			"theme":    "criminal_justice=2 internet=2",
			"funding":  "2025: funding 100 paid 100 cost 3000/2; 2026: funding 0 paid 0 cost 4000/1",
			"progress": "4: fully_implemented=1; 5: in_progress=1",
		}},
		{"focal point of France", p.focalFRA, map[string]string{
			"status":   "submitted=2",
			"theme":    "criminal_justice=1 internet=1",
			"funding":  "2025: funding 100 paid 100 cost 1000/1; 2026: funding 400 paid 400 cost 8000/1",
			"progress": "4: planned=1",
		}},
		{"donor (Norway)", p.donor, map[string]string{
			"status":   "submitted=2",
			"theme":    "criminal_justice=1 internet=1",
			"funding":  "2025: funding 100 paid 100 cost 1000/1; 2026: funding 200 paid 0 cost 4000/1",
			"progress": "",
		}},
		{"Secretariat", p.secretariat, map[string]string{
			"status":   "draft=1 submitted=3 accepted=1",
			"theme":    "criminal_justice=2 internet=3",
			"funding":  "2025: funding 100 paid 100 cost 3000/2; 2026: funding 600 paid 400 cost 12000/2",
			"progress": "4: planned=1 fully_implemented=1; 5: in_progress=1",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := models.LoadDashboard(ctx, db, tc.u, today)
			if err != nil {
				t.Fatal(err)
			}
			got := dashboardSummary(d)
			for k, want := range tc.want {
				if got[k] != want {
					t.Errorf("%s:\n got %q\nwant %q", k, got[k], want)
				}
			}
			if d.Period == nil || d.Period.Title["en"] != "Current round" {
				t.Errorf("current period: %+v", d.Period)
			}
			// Treaty status is public: every role sees the same parties.
			var rat []string
			for _, in := range d.Ratifications {
				for _, y := range in.Years {
					rat = append(rat, fmt.Sprintf("%d/%d: +%d=%d", in.InstrumentID, y.Year, y.Joined, y.Parties))
				}
			}
			var tokyo, hague int
			if err := db.Raw("SELECT (SELECT id FROM instruments WHERE code = 'tokyo-1963'), (SELECT id FROM instruments WHERE code = 'hague-1970')").
				Row().Scan(&tokyo, &hague); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("%d/2000: +1=1 %d/2002: +1=2 %d/2002: +1=1", tokyo, tokyo, hague)
			if strings.Join(rat, " ") != want {
				t.Errorf("ratifications: got %q, want %q", strings.Join(rat, " "), want)
			}
			for _, in := range d.Ratifications {
				if in.InstrumentID != tokyo {
					continue
				}
				if got := []int{in.PartiesAt(1999), in.PartiesAt(2000), in.PartiesAt(2001), in.PartiesAt(2030)}; fmt.Sprint(got) != "[0 1 1 2]" {
					t.Errorf("Tokyo's parties at the end of 1999, 2000, 2001 and 2030: %v, want [0 1 1 2]", got)
				}
			}
		})
	}
}

func TestDashboardIsOneStatementWhateverTheData(t *testing.T) {
	db := dbtest.New(t)
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	dashboardFixture(t, db, today)
	p := newPeople(t, db)
	count := func() []int {
		var out []int
		for _, u := range []*models.User{nil, p.focalKEN, p.donor, p.secretariat} {
			ctx, c := models.WithStatementCounter(context.Background())
			if _, err := models.LoadDashboard(ctx, db, u, today); err != nil {
				t.Fatal(err)
			}
			out = append(out, c.Count())
		}
		return out
	}
	small := count()
	if _, err := models.SeedScale(context.Background(), db, 1); err != nil {
		t.Fatal(err)
	}
	large := count()
	for i := range small {
		if small[i] != 1 || large[i] != 1 {
			t.Errorf("viewer %d: %d statements with the fixture, %d with scale data; want 1", i, small[i], large[i])
		}
	}
}

func TestEachClassesFiguresAreKeptForTheirTimeThenCountedAgain(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	today := models.Today()
	ken := roleUser(t, db, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	ken2 := roleUser(t, db, "focal2.ken@example.org", models.RoleFocalPoint, "KEN")
	fra := roleUser(t, db, "focal.fra@example.org", models.RoleFocalPoint, "FRA")
	if models.VisibilityClass(ken) != models.VisibilityClass(ken2) || models.VisibilityClass(ken) == models.VisibilityClass(fra) ||
		models.VisibilityClass(nil) != "public" {
		t.Fatalf("classes: %q %q %q", models.VisibilityClass(ken), models.VisibilityClass(ken2), models.VisibilityClass(fra))
	}
	clock := time.Now()
	cache := &models.DashboardCache{DB: db, TTL: time.Minute, Now: func() time.Time { return clock }}
	count := func(u *models.User) int {
		t.Helper()
		d, err := cache.Get(ctx, u, today)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range d.NeedsByStatus {
			n += s.Count
		}
		return n
	}
	before := map[string]int{"public": count(nil), "ken": count(ken), "fra": count(fra)}
	// A private need of Kenya's: Kenya's class counts it, after its time.
	if err := db.Exec(`INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status)
		VALUES ((SELECT id FROM member_states WHERE iso3 = 'KEN'), 'Private need', 'internet', 'high', 'training', 'state', 'draft')`).Error; err != nil {
		t.Fatal(err)
	}
	if count(ken2) != before["ken"] {
		t.Error("Kenya's figures were counted again within their time")
	}
	clock = clock.Add(61 * time.Second)
	if got := count(ken2); got != before["ken"]+1 {
		t.Errorf("after their time, Kenya's class counts %d needs, want %d", got, before["ken"]+1)
	}
	if count(fra) != before["fra"] || count(nil) != before["public"] {
		t.Error("another State's or the public figures count Kenya's private need")
	}
}
