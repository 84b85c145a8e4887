package webtest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/devidp"
)

// Password is every test account's password at the development provider.
const Password = "test-password"

// The accounts every test server's development provider knows; tests give
// them roles through invitations (Invite) or leave them pending.
func (s *Server) devAccounts() []devidp.Account {
	var out []devidp.Account
	for _, a := range models.DemoAccounts() {
		out = append(out, devidp.Account{Email: a.Email, Name: a.Name, Password: Password, EmailVerified: true})
	}
	return out
}

// AddAccount registers another account at the development provider.
func (s *Server) AddAccount(email, name string, verified bool) {
	s.Web.DevIDP().AddAccount(devidp.Account{Email: email, Name: name, Password: Password, EmailVerified: verified})
}

// Invite opens an invitation for email with a role and scope (an ISO3 code
// for focal points, a slug for donors), as an administrator would.
func (s *Server) Invite(t testing.TB, email string, role models.Role, scope string) {
	t.Helper()
	ctx := context.Background()
	a, err := models.ResolveScope(ctx, s.DB, role, scope)
	if err != nil {
		t.Fatalf("invite %s: %v", email, err)
	}
	if _, err := models.CreateInvitation(ctx, s.DB, models.NewInvitation{Email: email, Assignment: a}, models.AuditContext{ActorNote: "test"}); err != nil {
		t.Fatalf("invite %s: %v", email, err)
	}
}

// SignIn walks the whole sign-in over HTTP, as a browser would: the
// portal's /auth/login, the provider's form, the callback. It returns the
// portal's answer to the callback (a redirect to the landing page).
func (c *Client) SignIn(t testing.TB, email string) *Response {
	t.Helper()
	return c.SignInFrom(t, "/auth/login", email, Password)
}

// SignInFrom starts at a given sign-in address (with its next parameter).
func (c *Client) SignInFrom(t testing.TB, start, email, password string) *Response {
	t.Helper()
	resp := c.Get(t, start)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET %s: status %d, want a redirect to the provider", start, resp.StatusCode)
	}
	// The provider redirects to its sign-in form.
	for resp.StatusCode == http.StatusFound || resp.StatusCode == http.StatusSeeOther {
		loc, err := resp.Location()
		if err != nil {
			t.Fatal(err)
		}
		resp = c.Get(t, loc.String())
		if strings.Contains(resp.Request.URL.Path, "/login") && resp.StatusCode == http.StatusOK {
			break
		}
	}
	form := resp.Request.URL
	action := form.String()
	authID := form.Query().Get("authRequestID")
	resp = c.PostForm(t, action, url.Values{"username": {email}, "password": {password}, "authRequestID": {authID}})
	// Follow the provider's redirects back to the portal's callback.
	for resp.StatusCode == http.StatusFound || resp.StatusCode == http.StatusSeeOther {
		loc, err := resp.Location()
		if err != nil {
			t.Fatal(err)
		}
		resp = c.Get(t, loc.String())
		if strings.HasPrefix(loc.Path, "/auth/callback") {
			return resp
		}
	}
	t.Fatalf("sign-in as %s did not come back to /auth/callback (status %d): %s", email, resp.StatusCode, firstLine(resp.Body))
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// CSRFToken reads the token from a page's first form, as a browser submits it.
func CSRFToken(t testing.TB, page *Response) string {
	t.Helper()
	const marker = `name="_csrf" value="`
	i := strings.Index(page.Body, marker)
	if i < 0 {
		t.Fatalf("the page has no CSRF field")
	}
	rest := page.Body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

func demoAccounts() []models.DemoAccount { return models.DemoAccounts() }
