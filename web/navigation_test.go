package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ctap/web/webtest"
)

var (
	siteNavRE = regexp.MustCompile(`(?s)<nav class="site-nav"[^>]*>(.*?)</nav>`)
	navLinkRE = regexp.MustCompile(`<a href="([^"]+)"( aria-current="page")?`)
)

// Every page that belongs to a section of the navigation highlights that
// section (aria-current, which the stylesheet marks), for every role:
// a list's records, forms and sub-pages included, and every page of the
// administration.
func TestEveryPageHighlightsItsSectionInTheNavigation(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	for role, c := range srv.RoleClients(t) {
		for _, p := range srv.Crawl(t, c, 1, 60) {
			u, _ := url.Parse(p)
			body := c.Get(t, p).Body
			nav := siteNavRE.FindStringSubmatch(body)
			if nav == nil {
				continue // not a page of the layout (a file, the provider's form)
			}
			var sections []string
			current := 0
			for _, m := range navLinkRE.FindAllStringSubmatch(nav[1], -1) {
				sections = append(sections, m[1])
				if m[2] != "" {
					current++
				}
			}
			belongs := strings.HasPrefix(u.Path, "/admin/")
			for _, s := range sections {
				if s != "/" && (u.Path == s || strings.HasPrefix(u.Path, s+"/")) {
					belongs = true
				}
			}
			if current > 1 {
				t.Errorf("%s %s: %d sections highlighted", role, u.Path, current)
			}
			if belongs && current == 0 {
				t.Errorf("%s %s: its section is not highlighted in the navigation", role, u.Path)
			}
		}
	}
}
