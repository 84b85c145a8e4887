package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/web"
	"ctap/web/webtest"
)

func TestEveryPublicPageAnswersWithItsKeyContent(t *testing.T) {
	srv := webtest.NewServer(t)
	c := srv.Client()
	for _, tc := range []struct {
		path     string
		contains []string
		maxSQL   int
	}{
		{"/", []string{"A/RES/70/177", "17 December 2015", "Session 70", "80th plenary meeting", `href="/paragraphs"`,
			"Parties to the instruments", "Needs by status"}, 3}, // the resolution, its overview, the public charts
		{"/paragraphs", []string{
			"Technical assistance for implementing the international conventions and protocols related to counter-terrorism",
			`id="op1"`, `id="op17"`, `id="pp1"`, `id="fn4"`, "Resolution 60/288.", "E/CN.15/2015/4.",
			// The footnote marker is a link, separated from the word it follows.
			`Counter-Terrorism Strategy<sup class="fnref"><a href="#fn2">`,
		}, 4},
		{"/paragraphs/15", []string{"Operative paragraph 15", "Expresses its appreciation to Member States", "Voluntary contributions", "Resolution 60/288."}, 4},
		{"/paragraphs/16", []string{"Secretary-General", "Resources"}, 4},
		{"/states", []string{"193 of 193 Member States shown", "Kenya", "Zimbabwe", `href="/states/KEN"`}, 2},
		{"/states?group=eastern_european", []string{"23 of 193", "Poland"}, 2},
		{"/states?q=indo", []string{"1 of 193", "Indonesia"}, 2},
		{"/states/KEN", []string{"Kenya", "KEN", "KE", "404", "African States", "Technical assistance received"}, 3}, // its needs, treaty status and assistance
		{"/instruments", []string{"Tokyo", "International Convention for the Suppression of the Financing of Terrorism", "The 19 universal legal instruments"}, 2},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp := c.Get(t, tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for _, want := range tc.contains {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if !strings.Contains(resp.Body, `<html lang="en" dir="ltr">`) || !strings.Contains(resp.Body, `<main id="main"`) {
				t.Error("page is not inside the layout")
			}
			if n := srv.Statements(t, resp); n > tc.maxSQL {
				t.Errorf("%d SQL statements, want at most %d", n, tc.maxSQL)
			}
		})
	}
}

func TestUnknownAddressesAre404PagesInsideTheLayout(t *testing.T) {
	srv := webtest.NewServer(t)
	c := srv.Client()
	for _, path := range []string{"/nowhere", "/paragraphs/18", "/paragraphs/x", "/states/XXX", "/states/TOOLONG", "/lang/xx", "/assets/css/app.css"} {
		resp := c.Get(t, path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
			continue
		}
		if !strings.Contains(resp.Body, "Page not found") || !strings.Contains(resp.Body, `class="site-header"`) {
			t.Errorf("%s: the 404 is not the portal's page", path)
		}
	}
}

func TestLowerCaseStateCodesRedirectToTheCanonicalAddress(t *testing.T) {
	srv := webtest.NewServer(t)
	resp := srv.Client().Get(t, "/states/fra")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/states/FRA" {
		t.Fatalf("status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	srv := webtest.NewServer(t)
	c := srv.Client()
	for _, path := range []string{"/", "/nowhere", "/states"} {
		resp := c.Get(t, path)
		csp := resp.Header.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, got)
		}
		if got := resp.Header.Get("Referrer-Policy"); got == "" {
			t.Errorf("%s: no Referrer-Policy", path)
		}
		if resp.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS sent on an http site", path)
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no request ID", path)
		}
	}
}

func TestHSTSWhenTheBaseURLIsHTTPS(t *testing.T) {
	srv := webtest.NewServer(t, func(c *webtestConfig) { c.BaseURL.Scheme = "https" })
	resp := srv.Client().Get(t, "/")
	if !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Fatalf("HSTS = %q", resp.Header.Get("Strict-Transport-Security"))
	}
}

func TestAssetsAreServedUnderHashedNamesWithLongCacheLifetimes(t *testing.T) {
	srv := webtest.NewServer(t)
	c := srv.Client()
	home := c.Get(t, "/")
	i := strings.Index(home.Body, `href="/assets/css/app.`)
	if i < 0 {
		t.Fatal("the layout does not link the hashed stylesheet")
	}
	href := home.Body[i+len(`href="`):]
	href = href[:strings.IndexByte(href, '"')]
	css := c.Get(t, href)
	if css.StatusCode != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("%s: status %d, type %q", href, css.StatusCode, css.Header.Get("Content-Type"))
	}
	if cc := css.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control %q", cc)
	}
}

func TestPagesAreCompressedForClientsThatAcceptGzip(t *testing.T) {
	srv := webtest.NewServer(t)
	c := srv.Client()
	c.SetHeader("Accept-Encoding", "gzip")
	resp := c.Get(t, "/states")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
}

func TestHealthAndReadiness(t *testing.T) {
	db := dbtest.New(t)
	srv := webtest.NewServerOn(t, db)
	c := srv.Client()
	if r := c.Get(t, "/healthz"); r.StatusCode != http.StatusOK {
		t.Fatalf("/healthz %d", r.StatusCode)
	}
	if r := c.Get(t, "/readyz"); r.StatusCode != http.StatusOK {
		t.Fatalf("/readyz %d: %s", r.StatusCode, r.Body)
	}

	// A schema behind the binary is not ready.
	if err := db.Exec("DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)").Error; err != nil {
		t.Fatal(err)
	}
	if r := c.Get(t, "/readyz"); r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(r.Body, "ctap migrate") {
		t.Fatalf("behind schema: /readyz %d %q", r.StatusCode, r.Body)
	}

	// An unreachable database is not ready either, while /healthz stays up.
	sqlDB, _ := db.DB()
	_ = sqlDB.Close()
	if r := c.Get(t, "/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("closed database: /readyz %d", r.StatusCode)
	}
	if r := c.Get(t, "/healthz"); r.StatusCode != http.StatusOK {
		t.Fatalf("closed database: /healthz %d", r.StatusCode)
	}
}

func TestAFailingDatabaseGivesA500PageWithoutInternals(t *testing.T) {
	db := dbtest.New(t)
	srv := webtest.NewServerOn(t, db)
	sqlDB, _ := db.DB()
	_ = sqlDB.Close()
	// The reference data was loaded at start; the resolution's text is read
	// from the database on every request.
	resp := srv.Client().Get(t, "/paragraphs")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if !strings.Contains(resp.Body, "Something went wrong on our side") || strings.Contains(resp.Body, "sql:") || strings.Contains(resp.Body, "database is closed") {
		t.Fatalf("500 page shows internals or is not the portal's: %s", resp.Body)
	}
}

func TestMetricsExposeRequestsByRouteAndThePool(t *testing.T) {
	srv := webtest.NewServer(t)
	c := srv.Client()
	c.Get(t, "/states/KEN")
	m := c.Get(t, "/metrics")
	for _, want := range []string{
		`ctap_http_requests_total{method="GET",route="/states/:iso3",status="200"} 1`,
		`ctap_http_request_duration_seconds_bucket{method="GET",route="/states/:iso3"`,
		`ctap_sql_statements_per_request_count{method="GET",route="/states/:iso3"} 1`,
		`go_sql_max_open_connections{db_name="ctap"}`,
		`go_sql_in_use_connections{db_name="ctap"}`,
	} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestPagesRenderInFrench(t *testing.T) {
	srv := webtest.NewServer(t)

	// The browser's preference...
	c := srv.Client()
	c.SetHeader("Accept-Language", "fr-CH, fr;q=0.9, en;q=0.5")
	resp := c.Get(t, "/states")
	for _, want := range []string{`<html lang="fr"`, "États Membres", "Kenya", "Allemagne", "États d’Afrique"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("French page lacks %q", want)
		}
	}

	// ...and the visitor's own choice, remembered, which wins over it.
	en := srv.Client()
	en.SetHeader("Accept-Language", "en")
	sw := en.Get(t, "/lang/fr?next=/instruments")
	if sw.StatusCode != http.StatusSeeOther || sw.Header.Get("Location") != "/instruments" {
		t.Fatalf("switch: %d %q", sw.StatusCode, sw.Header.Get("Location"))
	}
	page := en.Get(t, "/instruments")
	if !strings.Contains(page.Body, "Instruments juridiques universels contre le terrorisme") || !strings.Contains(page.Body, "décembre") {
		t.Error("the remembered choice of French was not applied")
	}

	// The switcher never sends anyone to another site.
	if loc := en.Get(t, "/lang/en?next=//evil.example/").Header.Get("Location"); loc != "/" {
		t.Errorf("next=//evil.example/ redirected to %q", loc)
	}
}

func TestEveryEnglishMessageHasAFrenchTranslation(t *testing.T) {
	srv := webtest.NewServer(t)
	_ = srv
	cat := mustCatalogue(t)
	en, err := cat.MessageIDs("en")
	if err != nil {
		t.Fatal(err)
	}
	fr, err := cat.MessageIDs("fr")
	if err != nil {
		t.Fatal(err)
	}
	frSet := map[string]bool{}
	for _, id := range fr {
		frSet[id] = true
	}
	for _, id := range en {
		if !frSet[id] {
			t.Errorf("%s has no French translation", id)
		}
		delete(frSet, id)
	}
	for id := range frSet {
		t.Errorf("%s is in French but not in English", id)
	}
}

func TestImportedLaterResolutionBecomesTheCurrentOne(t *testing.T) {
	db := dbtest.New(t)
	doc := laterResolution(t)
	if _, err := models.ImportResolution(context.Background(), db, doc); err != nil {
		t.Fatal(err)
	}
	srv := webtest.NewServerOn(t, db)
	resp := srv.Client().Get(t, "/paragraphs")
	if !strings.Contains(resp.Body, doc.Symbol) {
		t.Fatalf("/paragraphs does not show %s", doc.Symbol)
	}
}

func TestAPanicBecomesA500PageAndTheServerGoesOn(t *testing.T) {
	srv := webtest.NewServer(t)
	// A route that fails the worst way, added for this test only.
	srv.Web.Echo.GET("/test-panic", func(echo.Context) error { panic("boom") })
	c := srv.Client()
	resp := c.Get(t, "/test-panic")
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(resp.Body, "boom") || !strings.Contains(resp.Body, "Something went wrong on our side") {
		t.Fatalf("panic: %d, internals shown: %v", resp.StatusCode, strings.Contains(resp.Body, "boom"))
	}
	if r := c.Get(t, "/states"); r.StatusCode != http.StatusOK {
		t.Fatalf("after the panic: %d", r.StatusCode)
	}
}

func TestARequestBodyOverTheLimitIsRefused(t *testing.T) {
	srv := webtest.NewServer(t, func(c *web.Config) { c.BodyLimit = "1K" })
	c := srv.Client()
	resp := c.PostForm(t, "/auth/logout", map[string][]string{"_csrf": {"x"}, "filler": {strings.Repeat("a", 4096)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(resp.Body, "too large") {
		t.Fatalf("oversized body: %d", resp.StatusCode)
	}
}
