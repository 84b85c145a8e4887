package webtest

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Roles are the crawl's points of view: anonymous ("") and each demo
// account, invited to its role.
func (s *Server) RoleClients(t testing.TB) map[string]*Client {
	t.Helper()
	clients := map[string]*Client{"anonymous": s.Client()}
	for _, a := range demoAccounts() {
		if a.Role != "" {
			s.Invite(t, a.Email, a.Role, a.Scope)
		}
		c := s.Client()
		c.SignIn(t, a.Email)
		clients[a.Email] = c
	}
	return clients
}

// skipCrawl are addresses a crawler must not follow: they change state,
// leave the portal's pages, or are machine endpoints. The API answers JSON,
// and its description (/api), the same for everyone and long, has a test of
// its own (TestBrowserTheAPIDescriptionIsAccessibleAndFitsAPhone) rather
// than a visit per role and width.
func skipCrawl(p string) bool {
	if p == "/api" || strings.HasPrefix(p, "/api/") {
		return true
	}
	for _, prefix := range []string{"/auth/", "/lang/", "/dev-idp", "/assets/", "/metrics", "/healthz", "/readyz"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

var (
	// A State's ISO code, a number, or an instrument's code (tokyo-1963).
	codeSegment  = regexp.MustCompile(`^[A-Z]{3}$|^[0-9]+$|^[a-z][a-z0-9]*(-[a-z0-9]+)*-[0-9]{4}$`)
	donorSegment = regexp.MustCompile(`^/donors/[a-z0-9-]+$`)
)

// Shape groups addresses that show the same page for different records
// (/states/KEN and /states/FRA), so the crawl visits a few of each, not all.
func Shape(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if codeSegment.MatchString(s) {
			segs[i] = ":id"
		}
	}
	p := strings.Join(segs, "/")
	if donorSegment.MatchString(u.Path) {
		p = "/donors/:slug"
	}
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return p + "?" + strings.Join(keys, "&")
}

// Crawl follows same-site links from / as c sees them, breadth first,
// visiting at most perShape addresses of each page shape and at most limit
// pages in all. It returns the addresses that answered 200 with HTML.
func (s *Server) Crawl(t testing.TB, c *Client, perShape, limit int) []string {
	t.Helper()
	base, _ := url.Parse(s.URL)
	queue := []string{"/"}
	seen := map[string]bool{"/": true}
	shapes := map[string]int{}
	var pages []string
	for len(queue) > 0 && len(pages) < limit {
		p := queue[0]
		queue = queue[1:]
		resp := c.Get(t, p)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		pages = append(pages, p)
		for _, href := range links(resp.Body) {
			u, err := base.Parse(href)
			if err != nil || u.Host != base.Host {
				continue
			}
			u.Fragment = ""
			rel := u.RequestURI()
			if seen[rel] || skipCrawl(u.Path) {
				continue
			}
			seen[rel] = true
			sh := Shape(u)
			if shapes[sh] >= perShape {
				continue
			}
			shapes[sh]++
			queue = append(queue, rel)
		}
	}
	return pages
}

// links returns the href of every <a> in a page.
func links(body string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "a" || !hasAttr {
				continue
			}
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" {
					out = append(out, string(v))
				}
				if !more {
					break
				}
			}
		}
	}
}
