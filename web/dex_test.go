package web_test

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/web"
	"ctap/web/webtest"
)

// Interoperability: CTAP signs in against Dex, an OpenID Provider it does
// not ship, run as a separate process.
func TestSignInThroughDex(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	dex := webtest.StartDex(t, webtest.DexOptions{
		RedirectURIs: []string{base + "/auth/callback"},
		Users:        []webtest.DexUser{{Email: "jane@example.org", Password: "jane-password", Username: "Jane Dex"}},
	})
	srv := webtest.NewServerWith(t, dbtest.New(t), webtest.Setup{
		Listener: ln,
		Config: []webtest.Option{func(c *web.Config) {
			c.DevIDP = false
			c.OIDC.Issuer, c.OIDC.ClientID, c.OIDC.ClientSecret = dex.Issuer, dex.ClientID, dex.ClientSecret
		}},
	})
	if srv.Web.DevIDP() != nil {
		t.Fatal("the development provider is mounted although Dex is configured")
	}
	srv.SignInReadyWithin(t, 10)
	srv.Invite(t, "jane@example.org", models.RoleSecretariat, "")

	c := srv.Client()
	follow := &http.Client{Jar: c.HTTP.Jar}
	resp, err := dex.Login(follow, srv.URL+"/auth/login?next=/instruments", "jane@example.org", "jane-password")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/instruments" {
		t.Fatalf("after signing in through Dex the browser is on %s", resp.Request.URL)
	}
	account := c.Get(t, "/account")
	if account.StatusCode != http.StatusOK || !strings.Contains(account.Body, "jane@example.org") || !strings.Contains(account.Body, dex.Issuer) {
		t.Fatalf("/account after Dex sign-in: %d", account.StatusCode)
	}
	var u models.User
	if err := srv.DB.Where("email = ?", "jane@example.org").Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	if u.Issuer != dex.Issuer || u.Subject == "" || !u.HasRole(models.RoleSecretariat) {
		t.Errorf("user from Dex: issuer %q subject %q role %s", u.Issuer, u.Subject, u.RoleName())
	}
	// Dex advertises no end_session_endpoint: sign-out ends the local
	// session and comes home.
	out := c.PostForm(t, "/auth/logout", map[string][]string{"_csrf": {webtest.CSRFToken(t, account)}})
	if out.StatusCode != http.StatusSeeOther || out.Header.Get("Location") != "/" {
		t.Errorf("sign-out with Dex: %d %q", out.StatusCode, out.Header.Get("Location"))
	}
}
