package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ctap/models"
	"ctap/web/webtest"
)

// usdFact is a US-dollar total of the contribution facts as the page
// writes it: the figure and its code isolated left to right (views.Amount).
func usdFact(figure string) string {
	return `<dd><bdi class="amount" dir="ltr">` + figure + "\u00a0USD</bdi></dd>"
}

// addDonorFixture records Norway's contributions, with 1 USD = 10 NOK in
// January 2025, 11 NOK in March 2026, 0.8 EUR in January 2026, and no NOK
// rate for February 2026:
//
//	public   paid       1,000,000 NOK  2025-01-15  theme       100,000.00 USD
//	private  committed    550,000 NOK  2026-03-02  paragraph 15 50,000.00 USD
//	public   paid         250,000 NOK  2026-02-10  Kenya       rate missing
//	public   pledged           80 EUR  2026-01-20  France          100.00 USD
//	public   in kind        5,000 USD  2026-01-05  experts       5,000.00 USD
//
// and one public payment of the European Union, 8 EUR (10.00 USD).
func addDonorFixture(t *testing.T, srv *webtest.Server) {
	t.Helper()
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := srv.DB.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO exchange_rates (currency, month, units_per_usd) VALUES
		('NOK', '2025-01-01', 10), ('NOK', '2026-03-01', 11), ('EUR', '2026-01-01', 0.8)`)
	exec(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status,
			paid_on, in_kind_type, earmark, theme, paragraph_number, recipient_state_id, reported_by, public)
		SELECT d.id, v.kind, v.title, v.amount, v.currency, v.value_date, v.status,
			CASE WHEN v.status = 'paid' THEN v.value_date END, v.in_kind_type, v.earmark, v.theme, v.paragraph,
			(SELECT id FROM member_states WHERE iso3 = v.recipient), 'secretariat', v.public
		FROM (VALUES
			('norway', 'financial', 'Public training fund', 1000000, 'NOK', DATE '2025-01-15', 'paid', NULL, 'theme', 'criminal_justice', NULL::int, NULL, true),
			('norway', 'financial', 'Private border programme', 550000, 'NOK', DATE '2026-03-02', 'committed', NULL, 'paragraph', NULL, 15, NULL, false),
			('norway', 'financial', 'Unconverted payment', 250000, 'NOK', DATE '2026-02-10', 'paid', NULL, 'state', NULL, NULL, 'KEN', true),
			('norway', 'financial', 'Pledge to France', 80, 'EUR', DATE '2026-01-20', 'pledged', NULL, 'state', NULL, NULL, 'FRA', true),
			('norway', 'in_kind', 'Experts on loan', 5000, 'USD', DATE '2026-01-05', 'committed', 'experts', 'none', NULL, NULL, NULL, true),
			('european-union', 'financial', 'Union payment', 8, 'EUR', DATE '2026-01-03', 'paid', NULL, 'none', NULL, NULL, NULL, true)
		) AS v (donor, kind, title, amount, currency, value_date, status, in_kind_type, earmark, theme, paragraph, recipient, public)
		JOIN donor_organizations d ON d.slug = v.donor`)
}

// viewer is a user of a role as the visibility rule reads it, to compute
// the figures a page should show from the models.
func viewer(t *testing.T, srv *webtest.Server, role models.Role, donorSlug string) *models.User {
	t.Helper()
	r := role
	u := &models.User{Status: models.StatusActive, Role: &r}
	if donorSlug != "" {
		d, err := models.DonorOrganizationBySlug(context.Background(), srv.DB, donorSlug)
		if err != nil {
			t.Fatal(err)
		}
		u.DonorOrganizationID = &d.ID
	}
	return u
}

// TestDonorPagesShowEachRoleWhatItMaySee: the private contribution shows
// to Norway's own donor and the Secretariat only; the figures are the
// models'; the payment without a rate is said to be left out.
func TestDonorPagesShowEachRoleWhatItMaySee(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	addDonorFixture(t, srv)
	clients := map[string]*webtest.Client{
		"anonymous":       srv.Client(),
		"Norway's donor":  signedInAs(t, srv, "donor.nor@example.org", models.RoleDonor, "norway"),
		"another donor":   signedInAs(t, srv, "donor.eu@example.org", models.RoleDonor, "european-union"),
		"the Secretariat": signedInAs(t, srv, "secretariat@example.org", models.RoleSecretariat, ""),
	}
	users := map[string]*models.User{
		"anonymous":       nil,
		"Norway's donor":  viewer(t, srv, models.RoleDonor, "norway"),
		"another donor":   viewer(t, srv, models.RoleDonor, "european-union"),
		"the Secretariat": viewer(t, srv, models.RoleSecretariat, ""),
	}
	seesPrivate := map[string]bool{"Norway's donor": true, "the Secretariat": true}
	norway, err := models.DonorOrganizationBySlug(context.Background(), srv.DB, "norway")
	if err != nil {
		t.Fatal(err)
	}

	for who, c := range clients {
		page := c.Get(t, "/donors/norway")
		if page.StatusCode != http.StatusOK {
			t.Fatalf("%s: /donors/norway answered %d", who, page.StatusCode)
		}
		if got := strings.Contains(page.Body, "Private border programme"); got != seesPrivate[who] {
			t.Errorf("%s: the private contribution shown %v, want %v", who, got, seesPrivate[who])
		}
		tot, err := models.LoadContributionTotals(context.Background(), srv.DB, users[who], models.ContributionFilter{DonorID: norway.ID})
		if err != nil {
			t.Fatal(err)
		}
		funding := map[bool]string{false: "100,000.00", true: "150,000.00"}[seesPrivate[who]]
		if got := tot.Funding().USD.StringFixed(2); got != strings.ReplaceAll(funding, ",", "") {
			t.Fatalf("%s: the model's funding is %s, the fixture says %s", who, got, funding)
		}
		for _, want := range []string{
			usdFact(funding),                              // funding
			usdFact("100,000.00"),                         // received
			usdFact("100.00"),                             // outstanding pledges, beside
			usdFact("5,000.00"),                           // in kind
			"Public training fund", "Unconverted payment", // public ones
			"Rate missing", "1 contribution left out, rate missing: 250,000.00\u00a0NOK.",
			`href="/contributions?donor=norway"`, `href="/states/NOR"`,
			`role="img"`, `<caption id="chart-years-table-caption">Funding by year and status (USD)</caption>`,
			`<caption id="chart-groups-table-caption">`, "African States", "Not earmarked to a State",
			"Paragraph 15: Voluntary contributions", "Experts",
		} {
			if want == "Paragraph 15: Voluntary contributions" && !seesPrivate[who] {
				continue // the paragraph's contribution is the private one
			}
			if !strings.Contains(page.Body, want) {
				t.Errorf("%s: /donors/norway lacks %q", who, want)
			}
		}
		if strings.Contains(page.Body, "Union payment") {
			t.Errorf("%s: Norway's page lists the European Union's contribution", who)
		}

		list := c.Get(t, "/donors")
		row := rowOf(list.Body, `href="/donors/norway"`)
		if !strings.Contains(row, funding) || !strings.Contains(row, "1 contribution left out, rate missing: 250,000.00\u00a0NOK.") {
			t.Errorf("%s: /donors' Norway row lacks %s and the rate-missing note: %s", who, funding, row)
		}
		if !strings.Contains(list.Body, `id="donors-left-out"`) {
			t.Errorf("%s: /donors does not say amounts were left out", who)
		}
		para := c.Get(t, "/paragraphs/15")
		all, err := models.LoadContributionTotals(context.Background(), srv.DB, users[who], models.ContributionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// The European Union's 10.00 USD is in every viewer's total.
		if fig := map[bool]string{false: "100,010.00", true: "150,010.00"}[seesPrivate[who]]; !strings.Contains(para.Body, usdFact(fig)) ||
			all.Funding().USD.StringFixed(2) != strings.ReplaceAll(fig, ",", "") {
			want := usdFact(fig)
			t.Errorf("%s: /paragraphs/15 lacks %q (the model says %s)", who, want, all.Funding().USD.StringFixed(2))
		}
		if !strings.Contains(para.Body, `href="/donors"`) {
			t.Errorf("%s: /paragraphs/15 does not link to the donors", who)
		}
	}

	// Sorted by funding, Norway comes before the European Union, which
	// comes before every organization with nothing.
	byFunding := clients["anonymous"].Get(t, "/donors?sort=funding").Body
	nor, eu, aus := strings.Index(byFunding, `href="/donors/norway"`), strings.Index(byFunding, `href="/donors/european-union"`), strings.Index(byFunding, `href="/donors/australia"`)
	if !(nor < eu && eu < aus) {
		t.Errorf("by funding: Norway at %d, the European Union at %d, Australia at %d", nor, eu, aus)
	}
	byName := clients["anonymous"].Get(t, "/donors?sort=nonsense").Body
	if strings.Index(byName, `href="/donors/australia"`) > strings.Index(byName, `href="/donors/norway"`) {
		t.Error("an unknown order does not fall back to the names")
	}

	// In French, the figures are grouped and marked the French way.
	fr := srv.Client()
	fr.SetHeader("Accept-Language", "fr")
	if body := fr.Get(t, "/donors/norway").Body; !strings.Contains(body, usdFact("100\u202f000,00")) {
		t.Error("the French page does not write 100\u202f000,00 USD")
	}
}

// rowOf returns the table row of body that contains marker.
func rowOf(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<tr>")
	end := strings.Index(body[i:], "</tr>")
	if start < 0 || end < 0 {
		return ""
	}
	return body[start : i+end]
}

// addCountedContributions adds contributions from..to (numbered) spread
// over the organizations, Norway a third of them, every status, kind,
// earmark and currency, half public, in one statement.
func addCountedContributions(t *testing.T, srv *webtest.Server, from, to int) {
	t.Helper()
	err := srv.DB.Exec(`
		INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status,
			paid_on, cancelled_on, in_kind_type, earmark, theme, paragraph_number, recipient_state_id, reported_by, public)
		SELECT CASE WHEN g % 3 = 0 THEN (SELECT id FROM donor_organizations WHERE slug = 'norway')
				ELSE (SELECT id FROM donor_organizations ORDER BY id OFFSET g % 30 LIMIT 1) END,
			CASE WHEN g % 7 = 0 THEN 'in_kind' ELSE 'financial' END,
			'Counted contribution ' || g, 1000 + g, (ARRAY['USD', 'NOK', 'EUR'])[1 + g % 3],
			DATE '2016-01-01' + g % 3650, s.status,
			CASE WHEN s.status = 'paid' THEN DATE '2016-01-01' + g % 3650 END,
			CASE WHEN s.status = 'cancelled' THEN DATE '2016-01-01' + g % 3650 END,
			CASE WHEN g % 7 = 0 THEN (ARRAY['experts', 'training', 'equipment'])[1 + g % 3] END,
			e.earmark,
			CASE WHEN e.earmark = 'theme' THEN 'criminal_justice' END,
			CASE WHEN e.earmark = 'paragraph' THEN 1 + g % 17 END,
			CASE WHEN e.earmark = 'state' THEN (SELECT id FROM member_states ORDER BY id OFFSET g % 193 LIMIT 1) END,
			'secretariat', g % 2 = 0
		FROM generate_series(?::int, ?::int) AS g
		CROSS JOIN LATERAL (SELECT (ARRAY['pledged', 'committed', 'paid', 'cancelled'])[1 + g % 4] AS status) s
		CROSS JOIN LATERAL (SELECT (ARRAY['none', 'theme', 'paragraph', 'state'])[1 + (g / 4) % 4] AS earmark) e`, from, to).Error
	if err != nil {
		t.Fatalf("contributions %d to %d: %v", from, to, err)
	}
}

// TestDonorPagesCostTheSameStatementsWithTenOrTenThousandContributions:
// the donor pages and paragraph 15 issue as many statements with 10
// contributions as with 10,000, at most 6.
func TestDonorPagesCostTheSameStatementsWithTenOrTenThousandContributions(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	clients := map[string]*webtest.Client{
		"anonymous":   srv.Client(),
		"donor":       signedInAs(t, srv, "donor.nor@example.org", models.RoleDonor, "norway"),
		"secretariat": signedInAs(t, srv, "secretariat@example.org", models.RoleSecretariat, ""),
	}
	// Rates for every month but one, NOK's of the fifth month.
	if err := srv.DB.Exec(`INSERT INTO exchange_rates (currency, month, units_per_usd)
		SELECT c, m::date, CASE c WHEN 'NOK' THEN 10 ELSE 0.9 END
		FROM unnest(ARRAY['NOK', 'EUR']) c, generate_series(DATE '2016-01-01', DATE '2026-12-01', interval '1 month') m
		WHERE NOT (c = 'NOK' AND m = DATE '2016-05-01')`).Error; err != nil {
		t.Fatal(err)
	}
	// Paragraph 16 is the paragraph page without the totals and without a
	// footnote: paragraph 15 reads its footnote and the totals, two
	// statements more.
	otherPath := "/paragraphs/16"
	pages := []string{"/donors", "/donors?sort=funding", "/donors/norway", "/paragraphs/15", otherPath}
	count := func() map[string]int {
		out := map[string]int{}
		for who, c := range clients {
			for _, p := range pages {
				resp := c.Get(t, p)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s as %s: %d", p, who, resp.StatusCode)
				}
				out[who+" "+p] = srv.Statements(t, resp)
			}
		}
		return out
	}
	count() // the first request after signing in also saves the session
	addCountedContributions(t, srv, 1, 10)
	small := count()
	addCountedContributions(t, srv, 11, 10000)
	var n int64
	srv.DB.Raw("SELECT count(*) FROM contributions").Scan(&n)
	if n != 10000 {
		t.Fatalf("%d contributions, want 10,000", n)
	}
	if err := srv.DB.Exec("ANALYZE contributions").Error; err != nil {
		t.Fatal(err)
	}
	large := count()
	for k, v := range small {
		if large[k] != v {
			t.Errorf("%s: %d statements with 10 contributions, %d with 10,000; want equal", k, v, large[k])
		}
		if strings.Contains(k, "/donors") && v > 6 {
			t.Errorf("%s: %d statements, want at most 6", k, v)
		}
	}
	for who := range clients {
		// Footnotes come with the paragraph whether it has any or not, so
		// only the totals make paragraph 15 cost more.
		if with, without := small[who+" /paragraphs/15"], small[who+" "+otherPath]; with != without+1 || with > 6 {
			t.Errorf("%s: paragraph 15 costs %d statements, %s %d; the totals should cost one more, at most 6", who, with, otherPath, without)
		}
	}
	t.Logf("statements: %v", small)

	// With 10,000 contributions the page lists 50 and links to the rest.
	page := clients["secretariat"].Get(t, "/donors/norway").Body
	if got := strings.Count(page, `href="/contributions/`); got != 50 {
		t.Errorf("Norway's page links %d contributions, want the 50 most recent", got)
	}
	if !strings.Contains(page, "The 50 most recent contributions you may see") {
		t.Error("Norway's page does not say it lists the 50 most recent")
	}
}

// TestDonorPageChartsAreAccessibleAndFitAPhone checks Norway's page, charts
// drawn, with axe-core, then on a 360 px screen: no text of the charts
// smaller than 12 px, none outside its chart, and no sideways scrolling.
func TestDonorPageChartsAreAccessibleAndFitAPhone(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	addDonorFixture(t, srv)
	addCountedContributions(t, srv, 1, 200)
	b := webtest.NewBrowser(t)
	for _, path := range []string{"/donors/norway", "/donors", "/paragraphs/15"} {
		if err := b.Run(chromedp.Navigate(srv.URL + path)); err != nil {
			t.Fatal(err)
		}
		if vs := b.Axe(t, path); len(vs) > 0 {
			t.Errorf("%s", webtest.FormatViolations(path, vs))
		}
	}

	b.SetViewport(360, 800)
	if err := b.Run(chromedp.Navigate(srv.URL + "/donors/norway")); err != nil {
		t.Fatal(err)
	}
	charts, smallest, overflow := measureCharts(t, b)
	if charts != 4 {
		t.Errorf("%v charts drawn, want 4", charts)
	}
	if smallest < 12 {
		t.Errorf("the smallest chart text is %.1f px on a 360 px screen, want at least 12", smallest)
	}
	if overflow > 0 {
		t.Errorf("a chart's text runs %.1f units past its chart", overflow)
	}
	// The layout gate's own check: no sideways scrolling, nothing sticking
	// out of its box (a wide table may scroll in its own).
	for _, o := range b.Overflow(t, "/donors/norway (360 px)") {
		if !o.Scrolls {
			t.Errorf("on a 360 px screen: %s", o)
		}
	}
}
