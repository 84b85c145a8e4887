package web_test

import (
	"os"
	"strings"
	"testing"

	"ctap/models"
	"ctap/models/resolution"
	"ctap/web"
	"ctap/web/i18n"
	"ctap/web/webtest"
)

type webtestConfig = web.Config

func mustCatalogue(t *testing.T) *i18n.Catalogue {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// laterResolution is A/RES/70/177's text made into a fictitious later
// resolution, as the General Assembly adopts one every two years.
func laterResolution(t *testing.T) *resolution.Document {
	t.Helper()
	b, err := os.ReadFile("../migrations/resolutions/A-RES-70-177.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(
		"70/177.", "72/194.",
		"A/RES/70/177", "A/RES/72/194",
		"17 December 2015", "19 December 2017",
	).Replace(string(b))
	doc, err := resolution.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// testAccount is a person a test signs in: the name the test calls them,
// their email, role and scope (a State's ISO3 or a donor's slug).
type testAccount struct {
	name, email string
	role        models.Role
	scope       string
}

// signInAll invites and signs in each account, and returns a client per
// name, with "anonymous" for a visitor.
func signInAll(t *testing.T, srv *webtest.Server, accounts []testAccount) map[string]*webtest.Client {
	t.Helper()
	clients := map[string]*webtest.Client{"anonymous": srv.Client()}
	for _, a := range accounts {
		srv.Invite(t, a.email, a.role, a.scope)
		c := srv.Client()
		c.SignIn(t, a.email)
		clients[a.name] = c
	}
	return clients
}
