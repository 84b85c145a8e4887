package web_test

import (
	"fmt"
	"github.com/labstack/echo/v4"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// The roles the matrix walks; focal points and donors are seen on their
// own State or organization and on another's.
var matrixRoles = []string{"anonymous", "pending", "viewer", "focal_point", "donor", "secretariat", "admin"}

// Expected answers, route by route: which roles may use it. A route the
// server registers that is missing here fails the test, so no route is ever
// added without deciding who may use it.
var routeMatrix = map[string][]string{
	"GET /healthz":       all(),
	"GET /readyz":        all(),
	"GET /metrics":       all(),
	"GET /assets/*":      all(),
	"GET /lang/:tag":     all(),
	"GET /auth/login":    all(),
	"GET /auth/callback": all(),
	"POST /auth/logout":  all(),
	"GET /dev-idp/*":     all(),
	"POST /dev-idp/*":    all(),
	"GET /pending":       {"pending"},
	"GET /":              public(),
	"GET /paragraphs":    public(),
	"GET /paragraphs/:n": public(),
	"GET /states":        public(),
	"GET /states/:iso3":  public(),
	"GET /instruments":   public(),
	"GET /donors":        public(),
	"GET /donors/:slug":  public(),
	"GET /search":        public(),
	// The JSON API: anyone, each answer through the scopes (api_test.go).
	"GET /api":                           public(),
	"GET /api/v1/openapi.json":           public(),
	"GET /api/v1/openapi.yaml":           public(),
	"GET /api/v1/openapi-3.0.json":       public(),
	"GET /api/v1/openapi-3.0.yaml":       public(),
	"GET /api/v1/paragraphs":             public(),
	"GET /api/v1/paragraphs/:number":     public(),
	"GET /api/v1/states":                 public(),
	"GET /api/v1/states/:iso3":           public(),
	"GET /api/v1/instruments":            public(),
	"GET /api/v1/treaty-status":          public(),
	"GET /api/v1/periods":                public(),
	"GET /api/v1/donors":                 public(),
	"GET /api/v1/donors/:slug":           public(),
	"GET /api/v1/needs":                  public(),
	"GET /api/v1/needs/:id":              public(),
	"GET /api/v1/contributions":          public(),
	"GET /api/v1/contributions/:id":      public(),
	"GET /api/v1/activities":             public(),
	"GET /api/v1/activities/:id":         public(),
	"GET /api/v1/progress":               public(),
	"GET /donors/:slug/iati.xml":         public(),
	"GET /needs":                         public(),
	"GET /needs/new":                     recorders(),
	"POST /needs":                        recorders(),
	"GET /needs/:id":                     public(),
	"GET /needs/:id/edit":                recorders(),
	"POST /needs/:id/edit":               recorders(),
	"POST /needs/:id/transition":         signedIn(),
	"GET /activities":                    public(),
	"GET /activities/new":                {"secretariat", "admin"},
	"GET /activities/import":             {"secretariat", "admin"},
	"POST /activities/import":            {"secretariat", "admin"},
	"POST /activities":                   {"secretariat", "admin"},
	"GET /activities/:id":                public(),
	"GET /activities/:id/edit":           {"secretariat", "admin"},
	"POST /activities/:id/edit":          {"secretariat", "admin"},
	"POST /activities/:id/transition":    {"secretariat", "admin"},
	"GET /activities/:id/results":        {"secretariat", "admin"},
	"POST /activities/:id/results":       {"secretariat", "admin"},
	"POST /activities/:id/confirm":       {"focal_point", "admin"},
	"POST /activities/:id/outcomes":      {"secretariat", "admin"},
	"GET /contributions":                 public(),
	"GET /contributions/new":             contributors(),
	"POST /contributions":                contributors(),
	"GET /contributions/:id":             public(),
	"GET /contributions/:id/edit":        contributors(),
	"POST /contributions/:id/edit":       contributors(),
	"POST /contributions/:id/transition": signedIn(),
	"POST /contributions/:id/verify":     {"secretariat", "admin"},
	"GET /contributions/import":          {"secretariat", "admin"},
	"POST /contributions/import":         {"secretariat", "admin"},
	"GET /dashboard":                     signedIn(),
	"GET /account":                       signedIn(),
	"GET /account/sessions/end-others":   signedIn(),
	"POST /account/sessions/end-others":  signedIn(),
	"POST /account/notifications":        signedIn(),
	"GET /account/tokens":                signedIn(),
	"POST /account/tokens":               signedIn(),
	"GET /account/tokens/:id/revoke":     signedIn(),
	"POST /account/tokens/:id/revoke":    signedIn(),
	"GET /notifications":                 signedIn(),
	"POST /notifications/read-all":       signedIn(),
	"POST /notifications/:id/open":       signedIn(),
	"POST /notifications/:id/read":       signedIn(),
	"GET /admin/jobs":                    {"admin"},
	"GET /donors/:slug/interests":        {"donor", "secretariat", "admin"},
	"POST /donors/:slug/interests":       {"donor", "secretariat", "admin"},
	"POST /admin/jobs/:id/retry":         {"admin"},
	"GET /admin/users":                   {"admin"},
	"GET /admin/users/:id":               {"admin"},
	"POST /admin/users/:id":              {"admin"},
	"GET /admin/users/:id/disable":       {"admin"},
	"GET /admin/users/:id/sessions/end":  {"admin"},
	"POST /admin/users/:id/sessions/end": {"admin"},
	"GET /admin/invitations":             {"admin"},
	"GET /admin/invitations/new":         {"admin"},
	"POST /admin/invitations":            {"admin"},
	"GET /admin/invitations/:id/revoke":  {"admin"},
	"POST /admin/invitations/:id/revoke": {"admin"},
	"GET /admin/audit":                   {"admin"},
	"GET /admin/partners":                {"admin"},
	"GET /admin/partners/new":            {"admin"},
	"POST /admin/partners":               {"admin"},
	"GET /admin/partners/:slug":          {"admin"},
	"POST /admin/partners/:slug":         {"admin"},
	// Treaty status.
	"GET /states/:iso3/treaties":        public(),
	"GET /states/:iso3/treaties/:code":  {"focal_point", "admin"},
	"POST /states/:iso3/treaties/:code": {"focal_point", "admin"},
	"GET /instruments/import":           {"secretariat", "admin"},
	"POST /instruments/import":          {"secretariat", "admin"},
	// Progress against each paragraph.
	"GET /states/:iso3/progress":                recorders(),
	"POST /states/:iso3/progress/carry-forward": {"focal_point", "admin"},
	"GET /states/:iso3/progress/:n":             recorders(),
	"GET /states/:iso3/progress/:n/edit":        {"focal_point", "admin"},
	"POST /states/:iso3/progress/:n/edit":       {"focal_point", "admin"},
	"POST /states/:iso3/progress/:n/transition": recorders(),
	"GET /states/:iso3/progress/:n/versions/:v": recorders(),
	"GET /review":             {"secretariat", "admin"},
	"GET /admin/periods":      {"secretariat", "admin"},
	"GET /admin/periods/new":  {"secretariat", "admin"},
	"POST /admin/periods":     {"secretariat", "admin"},
	"GET /admin/periods/:id":  {"secretariat", "admin"},
	"POST /admin/periods/:id": {"secretariat", "admin"},
	// The report of the Secretary-General.
	"GET /reports":                      public(),
	"POST /reports":                     {"secretariat", "admin"},
	"GET /reports/:id":                  public(),
	"POST /reports/:id/generate":        {"secretariat", "admin"},
	"GET /reports/:id/print":            public(),
	"GET /reports/:id/report.docx":      public(),
	"GET /reports/:id/paragraphs/:key":  {"secretariat", "admin"},
	"POST /reports/:id/paragraphs/:key": {"secretariat", "admin"},
	"GET /reports/:id/excerpts":         {"secretariat", "admin"},
	"POST /reports/:id/excerpts":        {"secretariat", "admin"},
	"POST /reports/:id/transition":      {"secretariat", "admin"},
	"GET /reports/:id/versions/:v":      {"secretariat", "admin"},
	// The exchange rates.
	"GET /admin/rates":                   {"admin"},
	"GET /admin/rates/new":               {"admin"},
	"POST /admin/rates":                  {"admin"},
	"GET /admin/rates/import":            {"admin"},
	"POST /admin/rates/import":           {"admin"},
	"GET /admin/rates/:currency/:month":  {"admin"},
	"POST /admin/rates/:currency/:month": {"admin"},
}

func all() []string { return matrixRoles }

// public is everyone: an account awaiting approval reads what a visitor
// reads.
func public() []string {
	return []string{"anonymous", "pending", "viewer", "focal_point", "donor", "secretariat", "admin"}
}
func recorders() []string { return []string{"focal_point", "secretariat", "admin"} }
func contributors() []string {
	return []string{"focal_point", "donor", "secretariat", "admin"}
}
func signedIn() []string { return []string{"viewer", "focal_point", "donor", "secretariat", "admin"} }

func allowed(roles []string, role string) bool {
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// concrete turns a route pattern into a URL to request.
func concrete(path string, userID int64, invitationID int64) string {
	r := strings.NewReplacer(
		":number", "2", ":tag", "fr", ":n", "1", ":iso3", "KEN", ":slug", "norway", ":code", "hague-1970", ":v", "1",
		":currency", "EUR", ":month", "2024-01",
		":id/revoke", fmt.Sprintf("%d/revoke", invitationID), ":id", fmt.Sprint(userID),
	)
	p := r.Replace(path)
	switch p {
	case "/assets/*":
		return "/assets/css/app.css" // the answer is 404 for an unhashed name, never a refusal
	case "/dev-idp/*":
		return "/dev-idp/.well-known/openid-configuration"
	}
	return p
}

func TestEveryRouteAnswersEveryRoleAsThePolicySays(t *testing.T) {
	srv := webtest.NewServer(t)

	// Every registered route has an expectation, and every expectation a route.
	seen := map[string]bool{}
	for _, r := range srv.Web.Routes() {
		key := r.Method + " " + r.Path
		seen[key] = true
		if _, ok := routeMatrix[key]; !ok {
			t.Errorf("route %s has no entry in the authorization matrix: decide who may use it", key)
		}
	}
	for key := range routeMatrix {
		if !seen[key] {
			t.Errorf("the matrix names %s, which the server does not register", key)
		}
	}
	for _, r := range srv.Web.Echo.Routes() {
		key := r.Method + " " + r.Path
		if !seen[key] && !strings.HasSuffix(r.Name, "NotFoundHandler") && r.Method != echo.RouteNotFound {
			t.Errorf("route %s was registered without a policy rule", key)
		}
	}

	clients := map[string]*webtest.Client{"anonymous": srv.Client()}
	signIn := func(role, email string, r models.Role, scope string) {
		if r != "" {
			srv.Invite(t, email, r, scope)
		}
		c := srv.Client()
		c.SignIn(t, email)
		clients[role] = c
	}
	signIn("pending", "newcomer@example.org", "", "")
	signIn("viewer", "viewer@example.org", models.RoleViewer, "")
	signIn("focal_point", "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	signIn("donor", "donor.nor@example.org", models.RoleDonor, "norway")
	signIn("secretariat", "secretariat@example.org", models.RoleSecretariat, "")
	signIn("admin", "admin@example.org", models.RoleAdmin, "")

	var target models.User
	srv.DB.Where("email = ?", "viewer@example.org").Take(&target)
	srv.Invite(t, "someone@example.org", models.RoleViewer, "")
	var inv models.Invitation
	srv.DB.Where("email = ?", "someone@example.org").Take(&inv)

	// Ending a person's sessions is tried on someone outside the walk, whose
	// sessions the rest of it does not need.
	bystander := models.User{Issuer: "https://idp.example", Subject: "bystander", Email: "bystander@example.org", Status: models.StatusPending, Version: 1}
	if err := srv.DB.Create(&bystander).Error; err != nil {
		t.Fatal(err)
	}

	for _, r := range srv.Web.Routes() {
		key := r.Method + " " + r.Path
		if key == "POST /auth/logout" {
			continue // it ends the session the rest of the walk needs; tested on its own
		}
		userID := target.ID
		if key == "POST /admin/users/:id/sessions/end" {
			userID = bystander.ID
		}
		for _, role := range matrixRoles {
			c := clients[role]
			path := concrete(r.Path, userID, inv.ID)
			var resp *webtest.Response
			if r.Method == http.MethodPost {
				resp = c.PostForm(t, path, url.Values{"_csrf": {csrfCookie(t, srv, c)}})
			} else {
				resp = c.Get(t, path)
			}
			loc := resp.Header.Get("Location")
			refused := resp.StatusCode == http.StatusForbidden ||
				(resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/auth/login")) ||
				// Signing in again sends a pending account to its page: that
				// is where it lands, not a refusal.
				(resp.StatusCode == http.StatusSeeOther && loc == "/pending" && key != "GET /auth/login")
			if want := allowed(routeMatrix[key], role); want == refused {
				t.Errorf("%s as %s: status %d (Location %q), want allowed=%v", key, role, resp.StatusCode, resp.Header.Get("Location"), want)
			}
		}
	}

	// Objects: focal points work on their own State only, donors for their
	// own organization only; the Secretariat and admins on all.
	for _, tc := range []struct {
		role, path string
		workspace  bool
	}{
		{"focal_point", "/states/KEN", true},
		{"focal_point", "/states/FRA", false},
		{"donor", "/donors/norway", true},
		{"donor", "/donors/european-union", false},
		{"secretariat", "/states/FRA", true},
		{"admin", "/donors/european-union", true},
		{"viewer", "/states/KEN", false},
		{"anonymous", "/donors/norway", false},
	} {
		body := clients[tc.role].Get(t, tc.path).Body
		if got := strings.Contains(body, `class="workspace"`); got != tc.workspace {
			t.Errorf("%s on %s: workspace shown %v, want %v", tc.role, tc.path, got, tc.workspace)
		}
	}
}

// csrfCookie reads the client's CSRF token from its cookie, as the hidden
// field of any page of the portal would carry it.
func csrfCookie(t *testing.T, srv *webtest.Server, c *webtest.Client) string {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	for range 2 {
		for _, ck := range c.HTTP.Jar.Cookies(u) {
			if ck.Name == "ctap_csrf" && ck.Value != "" {
				return ck.Value
			}
		}
		// Signing in expires the token: a browser has it again from the
		// page it lands on.
		c.Get(t, "/")
	}
	t.Fatal("no CSRF cookie")
	return ""
}
