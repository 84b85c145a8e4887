package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// addIATIContributions adds n contributions of Norway: every status and
// kind, every other one public, one in three earmarked to Kenya, one in
// five with a two-year schedule whose first year is paid.
func addIATIContributions(t *testing.T, srv *webtest.Server, n int) {
	t.Helper()
	err := srv.DB.Exec(`
		INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status,
			pledged_on, paid_on, cancelled_on, in_kind_type, earmark, recipient_state_id, reported_by, public)
		SELECT (SELECT id FROM donor_organizations WHERE slug = 'norway'),
			CASE WHEN g % 4 = 3 THEN 'in_kind' ELSE 'financial' END,
			'Counted contribution ' || g, 1000 + g, (ARRAY['USD', 'EUR', 'NOK'])[1 + g % 3], DATE '2026-01-01' + g % 300,
			(ARRAY['pledged', 'committed', 'paid', 'cancelled'])[1 + g % 4],
			DATE '2026-01-01' + g % 300,
			CASE WHEN g % 4 = 2 THEN DATE '2026-01-01' + g % 300 END,
			CASE WHEN g % 4 = 3 THEN DATE '2026-01-01' + g % 300 END,
			CASE WHEN g % 4 = 3 THEN 'experts' END,
			CASE WHEN g % 3 = 0 THEN 'state' ELSE 'none' END,
			CASE WHEN g % 3 = 0 THEN (SELECT id FROM member_states WHERE iso3 = 'KEN') END,
			'secretariat', g % 2 = 0
		FROM generate_series((SELECT count(*) FROM contributions)::int + 1, (SELECT count(*) FROM contributions)::int + ?) AS g`, n).Error
	if err != nil {
		t.Fatalf("contributions: %v", err)
	}
	err = srv.DB.Exec(`
		INSERT INTO contribution_instalments (contribution_id, year, amount, paid_on)
		SELECT c.id, y.year, c.amount / 2, CASE WHEN y.year = 2026 THEN DATE '2026-06-30' END
		FROM contributions c CROSS JOIN (VALUES (2026), (2027)) AS y (year)
		WHERE c.id % 5 = 0 AND c.status IN ('pledged', 'committed')
		ON CONFLICT DO NOTHING`).Error
	if err != nil {
		t.Fatalf("instalments: %v", err)
	}
}

var iatiIdentifier = regexp.MustCompile(`<iati-identifier>([^<]+)</iati-identifier>`)

func iatiIdentifiers(body string) []string {
	var out []string
	for _, m := range iatiIdentifier.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// expectedIATIIdentifiers are the identifiers of Norway's contributions,
// the public ones only or all.
func expectedIATIIdentifiers(t *testing.T, srv *webtest.Server, publicOnly bool) []string {
	t.Helper()
	var ids []int64
	q := srv.DB.Table("contributions").
		Where("donor_organization_id = (SELECT id FROM donor_organizations WHERE slug = 'norway')")
	if publicOnly {
		q = q.Where("public")
	}
	if err := q.Pluck("id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, id := range ids {
		out = append(out, fmt.Sprintf("XM-DAC-41128-CTAP-norway-%d", id))
	}
	slices.Sort(out)
	return out
}

func TestIATIFileOfADonorShowsWhatTheVisitorMaySee(t *testing.T) {
	srv := webtest.NewServer(t)
	anon := srv.Client()
	srv.Invite(t, "secretariat@example.org", models.RoleSecretariat, "")
	sec := srv.Client()
	sec.SignIn(t, "secretariat@example.org")
	addIATIContributions(t, srv, 12)

	for _, tc := range []struct {
		who        string
		c          *webtest.Client
		publicOnly bool
	}{
		{"anonymous", anon, true},
		{"the Secretariat", sec, false},
	} {
		resp := tc.c.Get(t, "/donors/norway/iati.xml")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", tc.who, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", tc.who, ct)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="ctap-norway-iati-activities.xml"`) {
			t.Errorf("%s: Content-Disposition %q", tc.who, cd)
		}
		if !strings.HasPrefix(resp.Body, `<?xml version="1.0" encoding="UTF-8"?>`) || !strings.Contains(resp.Body, `<iati-activities version="2.03"`) {
			t.Errorf("%s: not an IATI 2.03 activities file: %.200s", tc.who, resp.Body)
		}
		got, want := iatiIdentifiers(resp.Body), expectedIATIIdentifiers(t, srv, tc.publicOnly)
		if !slices.Equal(got, want) {
			t.Errorf("%s: activities %v, want %v", tc.who, got, want)
		}
	}

	// An unknown organization, and one with nothing to publish (the schema
	// requires at least one activity), have no file.
	for _, path := range []string{"/donors/nowhere/iati.xml", "/donors/european-union/iati.xml"} {
		if resp := anon.Get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
	// The organization's page is still its page.
	if resp := anon.Get(t, "/donors/norway"); resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "Norway") {
		t.Errorf("/donors/norway: status %d", resp.StatusCode)
	}
}

func TestIATIFileIssuesTheSameStatementsWith10And1000Contributions(t *testing.T) {
	srv := webtest.NewServer(t)
	clients := map[string]*webtest.Client{"anonymous": srv.Client()}
	for role, a := range map[string]struct {
		email string
		role  models.Role
		scope string
	}{
		"donor":       {"donor.nor@example.org", models.RoleDonor, "norway"},
		"secretariat": {"secretariat@example.org", models.RoleSecretariat, ""},
	} {
		srv.Invite(t, a.email, a.role, a.scope)
		c := srv.Client()
		c.SignIn(t, a.email)
		c.Get(t, "/") // the first page after signing in also saves the session
		clients[role] = c
	}
	count := func() map[string]int {
		out := map[string]int{}
		for role, c := range clients {
			resp := c.Get(t, "/donors/norway/iati.xml")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("as %s: status %d", role, resp.StatusCode)
			}
			out[role] = srv.Statements(t, resp)
		}
		return out
	}
	addIATIContributions(t, srv, 10)
	small := count()
	addIATIContributions(t, srv, 990)
	var n int64
	srv.DB.Table("contributions").Count(&n)
	if n != 1000 {
		t.Fatalf("the larger data has %d contributions, want 1,000", n)
	}
	large := count()
	for role, s := range small {
		if large[role] != s {
			t.Errorf("as %s: %d statements with 10 contributions, %d with 1,000", role, s, large[role])
		}
		if s > maxStatements {
			t.Errorf("as %s: %d statements, want at most %d", role, s, maxStatements)
		}
	}
	t.Logf("statements: %v", small)
}
