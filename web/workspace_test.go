package web_test

import (
	"net/http"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// TestTheStatePageIsTheFocalPointsWorkspaceAndTheReviewQueueTheSecretariats
// returns one of Kenya's reports and submits another, then reads Kenya's
// page, the review queue and the navigation as each role.
func TestTheStatePageIsTheFocalPointsWorkspaceAndTheReviewQueueTheSecretariats(t *testing.T) {
	ps := newProgressServer(t)
	for _, n := range []int{2, 3} {
		if r := ps.edit(t, "focal_point", n, 0, "in_progress", "Kenya drafts a law."); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save paragraph %d: %d", n, r.StatusCode)
		}
		if r := ps.step(t, "focal_point", n, 1, "submitted", ""); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit paragraph %d: %d %s", n, r.StatusCode, r.Body)
		}
	}
	if r := ps.step(t, "secretariat", 2, 2, "returned", "Name the law."); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("return paragraph 2: %d %s", r.StatusCode, r.Body)
	}

	for _, tc := range []struct {
		role          string
		want, wantNot []string
	}{
		{"focal_point",
			[]string{"Your workspace", "Needs attention now", "1 progress report returned", "15 operative paragraphs not reported on yet",
				`aria-current="page">My State`, `(1 report returned to you)`, "Progress this period", "Treaty status"},
			[]string{"Workspace of Kenya", `href="/review"`}},
		{"secretariat",
			[]string{"Workspace of Kenya", "1 progress report waits for validation", "Progress this period",
				`href="/review"`, `(1 waiting for review)`},
			[]string{"Your workspace", "not reported on yet", `>My State`}},
		{"focal_point_fra",
			[]string{"Treaty status", "Technical-assistance needs"},
			[]string{"workspace", "Progress this period", "Needs attention now"}},
		{"anonymous",
			[]string{"Treaty status", "Party to 0 of"},
			[]string{"workspace", "Progress this period", `href="/review"`}},
	} {
		page := ps.clients[tc.role].Get(t, "/states/KEN")
		if page.StatusCode != http.StatusOK {
			t.Fatalf("/states/KEN as %s: %d", tc.role, page.StatusCode)
		}
		for _, w := range tc.want {
			if !strings.Contains(page.Body, w) {
				t.Errorf("/states/KEN as %s lacks %q", tc.role, w)
			}
		}
		for _, w := range tc.wantNot {
			if strings.Contains(page.Body, w) {
				t.Errorf("/states/KEN as %s shows %q", tc.role, w)
			}
		}
	}

	// The review queue: the Secretariat and administrators only.
	for role, ok := range map[string]bool{"secretariat": true, "admin": true, "focal_point": false, "donor": false, "viewer": false} {
		r := ps.clients[role].Get(t, "/review")
		if (r.StatusCode == http.StatusOK) != ok {
			t.Errorf("/review as %s: %d, want allowed=%v", role, r.StatusCode, ok)
		}
	}
	queue := ps.clients["secretariat"].Get(t, "/review")
	for _, w := range []string{"Waiting for review", "1 progress report", "Operative paragraph 3", "No need waits for review.",
		`aria-current="page">Review`} {
		if !strings.Contains(queue.Body, w) {
			t.Errorf("/review lacks %q", w)
		}
	}
	if strings.Contains(queue.Body, "Operative paragraph 2") {
		t.Error("/review lists paragraph 2, which was returned to the State")
	}

	// Once the State answers, the count moves from the focal point's
	// navigation to the Secretariat's.
	if r := ps.edit(t, "focal_point", 2, 3, "in_progress", "Kenya drafts the Prevention of Terrorism Act."); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", r.StatusCode, r.Body)
	}
	if r := ps.step(t, "focal_point", 2, 4, "submitted", ""); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d %s", r.StatusCode, r.Body)
	}
	if page := ps.clients["focal_point"].Get(t, "/needs"); strings.Contains(page.Body, "returned to you") {
		t.Error("the focal point's navigation still counts a returned report after resubmitting it")
	}
	if page := ps.clients["secretariat"].Get(t, "/needs"); !strings.Contains(page.Body, "(2 waiting for review)") {
		t.Error("the Secretariat's navigation does not count the two submitted reports")
	}
}

// What waits for the Secretariat is counted up to 100 on every page (a
// count of thousands cost each page a millisecond): beyond, the navigation
// says "100+" and the review queue "More than 100 needs".
func TestTheReviewCountsStopAtAHundred(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	sec := signedInAs(t, srv, "secretariat@example.org", models.RoleSecretariat, "")
	insert := func(n int) {
		t.Helper()
		if err := srv.DB.Exec(`INSERT INTO needs (member_state_id, title, theme, priority, modality, status)
			SELECT (SELECT id FROM member_states WHERE iso3 = 'KEN'), 'Training of judges ' || g, 'criminal_justice', 'high', 'training', 'submitted'
			FROM generate_series(1, ?) g`, n).Error; err != nil {
			t.Fatal(err)
		}
	}
	insert(100)
	page := sec.Get(t, "/review")
	if !strings.Contains(page.Body, "(100 waiting for review)") || !strings.Contains(page.Body, ">100 needs<") {
		t.Errorf("with 100 needs waiting the navigation and the queue do not say 100")
	}
	insert(1)
	page = sec.Get(t, "/review")
	if !strings.Contains(page.Body, "100+") || !strings.Contains(page.Body, "(more than 100 waiting for review)") ||
		!strings.Contains(page.Body, "More than 100 needs") {
		t.Errorf("with 101 needs waiting the navigation and the queue do not say more than 100")
	}
}
