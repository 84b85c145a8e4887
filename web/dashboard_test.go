package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"gorm.io/gorm"

	"ctap/models"
	"ctap/web/webtest"
)

// newDashboardServer signs in a focal point of Kenya and one of France, a
// donor (Norway) and the Secretariat, and records a small known dataset:
// needs of both States in every visibility, contributions public and
// private, a party to an instrument, and validated reports of a period
// open today.
func newDashboardServer(t *testing.T) (*webtest.Server, map[string]*webtest.Client) {
	t.Helper()
	srv := webtest.NewServer(t)
	clients := signInAll(t, srv, []testAccount{
		{"focal_ken", "focal.ken@example.org", models.RoleFocalPoint, "KEN"},
		{"focal_fra", "focal.fra@example.org", models.RoleFocalPoint, "FRA"},
		{"donor_nor", "donor.nor@example.org", models.RoleDonor, "norway"},
		{"secretariat", "secretariat@example.org", models.RoleSecretariat, ""},
	})
	execSQL(t, srv.DB, `INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status,
			estimated_cost, cost_currency, created_at)
		SELECT s.id, n.title, n.theme, 'high', 'training', n.visibility, n.status, n.cost, 'USD', '2025-04-01'
		FROM (VALUES
			('KEN', 'Public need of Kenya', 'internet', 'public', 'accepted', 300),
			('KEN', 'Private need of Kenya', 'internet', 'state', 'accepted', 20),
			('KEN', 'Need of Kenya for donors', 'coordination', 'donors', 'accepted', 5),
			('FRA', 'Private need of France', 'coordination', 'state', 'accepted', 40)
		) AS n (iso3, title, theme, visibility, status, cost)
		JOIN member_states s ON s.iso3 = n.iso3`)
	execSQL(t, srv.DB, `INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status,
			paid_on, reported_by, public)
		SELECT d.id, 'financial', 'Dashboard fixture', c.amount, 'USD', '2025-02-01', c.status,
			CASE WHEN c.status = 'paid' THEN DATE '2025-02-01' END, 'donor', c.public
		FROM (VALUES ('norway', 'paid', 70, true), ('norway', 'committed', 8, false), ('european-union', 'paid', 900, false))
			AS c (slug, status, amount, public)
		JOIN donor_organizations d ON d.slug = c.slug`)
	execSQL(t, srv.DB, `INSERT INTO treaty_actions (member_state_id, instrument_id, kind, action_date)
		SELECT s.id, i.id, 'accession', '2003-03-03' FROM member_states s, instruments i
		WHERE s.iso3 IN ('KEN', 'FRA') AND i.code = 'tokyo-1963'`)
	execSQL(t, srv.DB, `WITH p AS (INSERT INTO reporting_periods (title, opens_on, due_on, closes_on)
			VALUES ('{"en": "Dashboard round"}', current_date - 5, current_date, current_date + 5) RETURNING id)
		INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, status)
		SELECT s.id, p.id, 9, r.impl, 'validated' FROM p,
			(VALUES ('KEN', 'fully_implemented'), ('FRA', 'planned')) AS r (iso3, impl)
			JOIN member_states s ON s.iso3 = r.iso3`)
	return srv, clients
}

func execSQL(t *testing.T, db *gorm.DB, query string) {
	t.Helper()
	if err := db.Exec(query).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestTheDashboardCountsWhatEachRoleMaySeeAndLinksEachFigureToItsList(t *testing.T) {
	srv, clients := newDashboardServer(t)
	// Each figure is a link to its list: the needs accepted and of each
	// theme, the funding of 2025 (committed or paid, then paid) and,
	// beside it, the needs' cost.
	accepted := `<a href="/needs?status=accepted">`
	internet := `<a href="/needs?theme=internet">`
	funding := `<td class="num"><a href="/contributions?year=2025">`
	cases := map[string][]string{
		// Kenya: its own needs whatever their visibility, never France's
		// private one; the public contributions only.
		"focal_ken": {accepted + "3</a>", internet + "2</a>", funding + "70.00</a>", "325.00",
			"Dashboard round", "Operative paragraph 9"},
		"focal_fra": {accepted + "2</a>", internet + "1</a>", funding + "70.00</a>", "340.00", "Operative paragraph 9"},
		// Norway: the needs shared with donors, its own private commitment.
		"donor_nor": {accepted + "2</a>", funding + "78.00</a>", "305.00"},
		"secretariat": {accepted + "4</a>", internet + "2</a>", funding + "978.00</a>", funding + "970.00</a>", "365.00",
			"Operative paragraph 9"},
	}
	for role, wants := range cases {
		page := clients[role].Get(t, "/dashboard")
		if page.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", role, page.StatusCode)
		}
		for _, want := range wants {
			if !strings.Contains(page.Body, want) {
				t.Errorf("%s: the dashboard lacks %q", role, want)
			}
		}
		// Kenya and France acceded to the Tokyo Convention in 2003.
		if !strings.Contains(page.Body, "Parties to each instrument over time") ||
			!strings.Contains(page.Body, `<th scope="row">Tokyo Convention</th><td class="num">2</td>`) {
			t.Errorf("%s: the parties to the Tokyo Convention are missing", role)
		}
	}
	// Kenya's validated report is counted for Kenya, France's for France;
	// the progress section is not shown to a donor at all.
	ken := clients["focal_ken"].Get(t, "/dashboard").Body
	if !strings.Contains(ken, `<th scope="row">Operative paragraph 9</th><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">1</td>`) {
		t.Error("Kenya's fully implemented paragraph 9 is not counted in its progress table")
	}
	if strings.Contains(clients["donor_nor"].Get(t, "/dashboard").Body, "Progress in the current reporting period") {
		t.Error("a donor is shown the progress section")
	}
	// The home page charts the public records only, whoever reads it.
	for _, c := range []*webtest.Client{srv.Client(), clients["secretariat"]} {
		home := c.Get(t, "/")
		for _, want := range []string{accepted + "1</a>", internet + "1</a>", funding + "70.00</a>", "300.00", "Tokyo"} {
			if !strings.Contains(home.Body, want) {
				t.Errorf("the home page lacks %q", want)
			}
		}
		if strings.Contains(home.Body, "Progress in the current reporting period") {
			t.Error("the home page shows progress, which is not public")
		}
	}
	if r := srv.Client().Get(t, "/dashboard"); r.StatusCode == http.StatusOK {
		t.Error("an anonymous visitor is shown the dashboard")
	}
}

// TestDashboardAndHomeIssueTheSameStatementsWith10And5000Records counts
// the dashboard as each role and the home page, with ten needs and
// contributions, then with five thousand.
func TestDashboardAndHomeIssueTheSameStatementsWith10And5000Records(t *testing.T) {
	srv, clients := newDashboardServer(t)
	add := func(n int) {
		t.Helper()
		execSQL(t, srv.DB, `INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status,
				estimated_cost, cost_currency, created_at)
			SELECT (SELECT id FROM member_states ORDER BY id OFFSET g % 190 LIMIT 1), 'Counted need ' || g,
				(ARRAY['internet', 'coordination', 'criminal_justice'])[1 + g % 3], 'high', 'training',
				(ARRAY['state', 'donors', 'public'])[1 + g % 3], 'submitted', 100 + g, 'USD',
				timestamptz '2020-01-01' + g * interval '1 day'
			FROM generate_series(1, `+strconv.Itoa(n)+`) g`)
		execSQL(t, srv.DB, `INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status,
				paid_on, reported_by, public)
			SELECT (SELECT id FROM donor_organizations ORDER BY id OFFSET g % 20 LIMIT 1), 'financial', 'Counted ' || g,
				1000 + g, 'USD', DATE '2020-01-01' + g, 'paid', DATE '2020-01-01' + g, 'donor', g % 2 = 0
			FROM generate_series(1, `+strconv.Itoa(n)+`) g`)
	}
	count := func() map[string]int {
		out := map[string]int{}
		for role, c := range clients {
			path := "/dashboard"
			if role == "anonymous" {
				path = "/"
			}
			resp := c.Get(t, path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s %s: %d", role, path, resp.StatusCode)
			}
			out[role+" "+path] = srv.Statements(t, resp)
		}
		return out
	}
	// A session's first request also records its use: warm up first.
	for _, c := range clients {
		c.Get(t, "/")
	}
	add(10)
	small := count()
	add(4990)
	large := count()
	for page, n := range small {
		if n > maxStatements {
			t.Errorf("%s: %d statements, want at most %d", page, n, maxStatements)
		}
		if large[page] != n {
			t.Errorf("%s: %d statements with 10 records, %d with 5,000", page, n, large[page])
		}
	}
	t.Logf("statements: %v", small)
}

// TestDashboardChartsAreAccessibleAndFitAPhone checks the dashboard, as
// the Secretariat, and the home page with axe-core, then the dashboard on
// a 360 px screen: no chart text smaller than 12 px, none outside its
// chart, and no sideways scrolling.
func TestDashboardChartsAreAccessibleAndFitAPhone(t *testing.T) {
	srv, _ := newDashboardServer(t)
	b := webtest.NewBrowser(t)
	if err := b.Run(chromedp.Navigate(srv.URL + "/")); err != nil {
		t.Fatal(err)
	}
	if vs := b.Axe(t, "/"); len(vs) > 0 {
		t.Errorf("%s", webtest.FormatViolations("/", vs))
	}
	signInBrowser(t, b, srv, "secretariat@example.org")
	if err := b.Run(chromedp.Navigate(srv.URL + "/dashboard")); err != nil {
		t.Fatal(err)
	}
	if vs := b.Axe(t, "/dashboard"); len(vs) > 0 {
		t.Errorf("%s", webtest.FormatViolations("/dashboard", vs))
	}

	b.SetViewport(360, 800)
	if err := b.Run(chromedp.Navigate(srv.URL + "/dashboard")); err != nil {
		t.Fatal(err)
	}
	charts, smallest, overflow := measureCharts(t, b)
	if charts != 5 {
		t.Errorf("%v charts drawn, want 5 (parties, progress, needs by status and by theme, funding)", charts)
	}
	if smallest < 12 {
		t.Errorf("the smallest chart text is %.1f px on a 360 px screen, want at least 12", smallest)
	}
	if overflow > 0 {
		t.Errorf("a chart's text runs %.1f units past its chart", overflow)
	}
	// The layout gate's own check: no sideways scrolling, nothing sticking
	// out of its box (a wide table may scroll in its own).
	for _, o := range b.Overflow(t, "/dashboard (360 px)") {
		if !o.Scrolls {
			t.Errorf("on a 360 px screen: %s", o)
		}
	}
	if dir := os.Getenv("CTAP_DASHBOARD_SHOT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "dashboard-360.png"), b.Screenshot(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// measureCharts measures the page's charts as drawn: how many, the
// smallest of their texts in CSS pixels, how far the text that runs
// furthest passes its chart's width (viewBox units; 0 when none does).
// The page's width is the layout gate's to check (webtest.Browser.Overflow).
func measureCharts(t *testing.T, b *webtest.Browser) (charts, smallest, overflow float64) {
	t.Helper()
	raw, err := chromedp.Run(b.Context(), chromedp.Evaluate[[]float64](`(() => {
		const charts = [...document.querySelectorAll(".chart svg")];
		let smallest = Infinity, overflow = 0;
		for (const svg of charts) {
			const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
			for (const t of svg.querySelectorAll("text")) {
				smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
				overflow = Math.max(overflow, t.getBBox().x + t.getComputedTextLength() - svg.viewBox.baseVal.width);
			}
		}
		return [charts.length, smallest, overflow];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return raw[0], raw[1], raw[2]
}
