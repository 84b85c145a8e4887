package web_test

import (
	"context"
	"net/http"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// addWorkspaceRecords adds n needs (spread over the States, every status,
// with Kenya's share), n progress reports in the open period (Kenya's
// paragraphs first) and, when allStates, a party and a signatory for every
// State on the first instruments.
func addWorkspaceRecords(t *testing.T, srv *webtest.Server, period models.ReportingPeriod, n int, allStates bool) {
	t.Helper()
	db := srv.DB
	err := db.Exec(`
		INSERT INTO needs (member_state_id, title, description, paragraphs, theme, priority, modality,
			estimated_cost, cost_currency, visibility, status, status_changed_at, created_at, updated_at)
		SELECT CASE WHEN g % 10 = 0 THEN (SELECT id FROM member_states WHERE iso3 = 'KEN')
				ELSE (SELECT id FROM member_states ORDER BY id OFFSET (g % 193) LIMIT 1) END,
			'Counted need ' || g, 'For the statement count.', ARRAY[1 + g % 17], 'criminal_justice',
			(ARRAY['high', 'medium', 'low'])[1 + g % 3], 'training', 1000 + g, 'USD',
			(ARRAY['state', 'donors', 'public'])[1 + g % 3],
			(ARRAY['draft', 'submitted', 'under_review', 'accepted', 'in_delivery', 'met', 'declined', 'withdrawn'])[1 + g % 8],
			now() - make_interval(mins => g), now() - make_interval(mins => g), now() - make_interval(mins => g)
		FROM generate_series(1, ?) AS g`, n).Error
	if err != nil {
		t.Fatalf("needs: %v", err)
	}
	err = db.Exec(`
		INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, narrative, status)
		SELECT s.id, ?, p, 'in_progress', 'Counted report.', (ARRAY['draft', 'submitted', 'returned', 'validated'])[1 + p % 4]
		FROM (SELECT id, row_number() OVER (ORDER BY iso3 <> 'KEN', id) AS r FROM member_states) s
		CROSS JOIN generate_series(1, 17) AS p
		WHERE (s.r - 1) * 17 + p <= ?
		ON CONFLICT DO NOTHING`, period.ID, n).Error
	if err != nil {
		t.Fatalf("progress: %v", err)
	}
	if allStates {
		err = db.Exec(`
			INSERT INTO treaty_actions (member_state_id, instrument_id, kind, action_date)
			SELECT s.id, i.id, CASE WHEN (s.id + i.id) % 3 = 0 THEN 'signature' ELSE 'accession' END, DATE '2010-01-01'
			FROM member_states s CROSS JOIN (SELECT id FROM instruments ORDER BY sort_order LIMIT 5) i
			ON CONFLICT DO NOTHING`).Error
		if err != nil {
			t.Fatalf("treaty actions: %v", err)
		}
	}
}

// TestWorkspacePagesIssueTheSameStatementsWith10And1000Records counts the
// statements of the workspace's main pages, as the roles that use them,
// with 10 records and again with 1,000 (every State on the matrix).
func TestWorkspacePagesIssueTheSameStatementsWith10And1000Records(t *testing.T) {
	ps := newProgressServer(t)
	pages := []struct{ role, path string }{
		{"focal_point", "/needs"},
		{"secretariat", "/needs"},
		{"donor", "/needs"},
		{"anonymous", "/needs"},
		{"focal_point", "/states/KEN"},
		{"secretariat", "/states/KEN"},
		{"anonymous", "/states/KEN"},
		{"focal_point", "/states/KEN/progress"},
		{"secretariat", "/states/KEN/progress"},
		{"anonymous", "/instruments"},
		{"secretariat", "/instruments"},
		{"secretariat", "/review"},
	}
	count := func() map[string]int {
		out := map[string]int{}
		for _, p := range pages {
			resp := ps.clients[p.role].Get(t, p.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s as %s: %d", p.path, p.role, resp.StatusCode)
			}
			out[p.role+" "+p.path] = ps.srv.Statements(t, resp)
		}
		return out
	}

	// The first page after signing in also saves the session (its flash
	// is consumed): visit one before counting.
	for _, c := range ps.clients {
		c.Get(t, "/")
	}
	addWorkspaceRecords(t, ps.srv, ps.period, 10, false)
	small := count()
	addWorkspaceRecords(t, ps.srv, ps.period, 990, true)
	var needs, reports int64
	ps.srv.DB.WithContext(context.Background()).Raw("SELECT (SELECT count(*) FROM needs), (SELECT count(*) FROM progress_reports)").Row().Scan(&needs, &reports)
	if needs != 1000 || reports < 990 {
		t.Fatalf("the larger data has %d needs and %d reports, want 1,000 of each", needs, reports)
	}
	large := count()
	for page, n := range small {
		if n > maxStatements {
			t.Errorf("%s: %d statements, want at most %d", page, n, maxStatements)
		}
		if large[page] != n {
			t.Errorf("%s: %d statements with 10 records, %d with 1,000", page, n, large[page])
		}
	}
	t.Logf("statements: %v", small)
}
