package web_test

import (
	"context"
	"net/url"
	"sort"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// maxStatements is the bar every page meets: the session and user, and at
// most five more.
const maxStatements = 6

// statementsByPage crawls the portal as each role and counts the SQL
// statements each reached page issues, keyed by role and page shape.
func statementsByPage(t *testing.T, srv *webtest.Server, clients map[string]*webtest.Client) map[string]int {
	t.Helper()
	out := map[string]int{}
	roles := make([]string, 0, len(clients))
	for r := range clients {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, role := range roles {
		c := clients[role]
		for _, p := range srv.Crawl(t, c, 1, 60) {
			resp := c.Get(t, p)
			u, _ := url.Parse(p)
			out[role+" "+webtest.Shape(u)] = srv.Statements(t, resp)
		}
	}
	return out
}

func TestEveryPageIssuesABoundedNumberOfStatementsWhateverTheData(t *testing.T) {
	srv := webtest.NewServer(t)
	clients := srv.RoleClients(t)
	// Start from one unit of scale data, so that every kind of record
	// exists (a report's page reads its versions only when there is a
	// report), then compare with three units.
	if _, err := models.SeedScale(context.Background(), srv.DB, 1); err != nil {
		t.Fatal(err)
	}

	small := statementsByPage(t, srv, clients)
	if len(small) < 20 {
		t.Fatalf("the crawl reached only %d pages: %v", len(small), small)
	}
	for page, n := range small {
		if n > maxStatements {
			t.Errorf("%s: %d SQL statements, want at most %d", page, n, maxStatements)
		}
	}

	t.Logf("statements per page: %v", small)
	if _, err := models.SeedScale(context.Background(), srv.DB, 2); err != nil {
		t.Fatal(err)
	}
	large := statementsByPage(t, srv, clients)
	for page, n := range small {
		m, ok := large[page]
		if !ok {
			continue // the larger data may lead the crawl elsewhere first
		}
		if m != n {
			t.Errorf("%s: %d statements with little data, %d with more", page, n, m)
		}
	}
	for page, n := range large {
		if n > maxStatements {
			t.Errorf("%s with scale data: %d SQL statements, want at most %d", page, n, maxStatements)
		}
	}
}
