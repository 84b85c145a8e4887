package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctap/models"
	"ctap/web/webtest"
)

// The accessibility gate: axe-core (vendored in testdata/axe) checks every
// page each role reaches, in a real Chromium signed in through the real
// sign-in, plus the pages no link leads to: the development provider's
// sign-in form (and its error), a 404, a 403, a rejected form (422) and a
// page in French. A violation whose impact is serious or critical fails the
// test; the lesser ones are logged.

// a11yBrowsers bounds the Chromiums that run at once (the machine has two
// cores; each Chromium renders and runs axe on one).
const a11yBrowsers = 2

// a11yRole is a point of view: the anonymous visitor or a demo account.
type a11yRole struct {
	Name  string // "anonymous", or the account's email before the @
	Email string // "" for the anonymous visitor
}

// a11yRoles lists the anonymous visitor and every demo account, in the
// order of models.DemoAccounts.
func a11yRoles() []a11yRole {
	roles := []a11yRole{{Name: "anonymous"}}
	for _, a := range models.DemoAccounts() {
		roles = append(roles, a11yRole{Name: strings.SplitN(a.Email, "@", 2)[0], Email: a.Email})
	}
	return roles
}

// roleClient is the signed-in HTTP client of a role (RoleClients keys the
// anonymous one "anonymous" and the others by email).
func roleClient(clients map[string]*webtest.Client, r a11yRole) *webtest.Client {
	if r.Email == "" {
		return clients["anonymous"]
	}
	return clients[r.Email]
}

// signInBrowser signs the browser in as email through the real sign-in: the
// portal's /auth/login, the development provider's form, the callback. It
// returns the path of the page the portal lands on.
func signInBrowser(t *testing.T, b *webtest.Browser, srv *webtest.Server, email string) string {
	t.Helper()
	b.Step("open the sign-in", chromedp.Navigate(srv.URL+"/auth/login"))
	b.Step("fill in the development provider's form as "+email,
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), webtest.Password))
	b.Step("sign in", webtest.ClickAndWait(`form button[type=submit]`))
	loc := b.Location()
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(loc, srv.URL+"/") || strings.HasPrefix(u.Path, "/dev-idp") || strings.HasPrefix(u.Path, "/auth/") {
		t.Fatalf("signing in as %s ended on %s, not on a page of the portal", email, loc)
	}
	return u.RequestURI()
}

// a11yFinding is one element that breaks a rule, on the pages where it does.
type a11yFinding struct {
	Violation webtest.AxeViolation // with the one node
	Pages     []string             // "role /path"
}

// a11yFindings gathers the violations of every role, one entry per rule and
// element, so that a fault of the layout is reported once, not once a page.
type a11yFindings struct {
	mu    sync.Mutex
	byKey map[string]*a11yFinding
	order []string
}

func (f *a11yFindings) add(where string, vs []webtest.AxeViolation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byKey == nil {
		f.byKey = map[string]*a11yFinding{}
	}
	for _, v := range vs {
		for _, n := range v.Nodes {
			key := v.Rule + "\x00" + n.Target + "\x00" + n.HTML
			e := f.byKey[key]
			if e == nil {
				one := v
				one.Nodes = []webtest.AxeNode{n}
				e = &a11yFinding{Violation: one}
				f.byKey[key] = e
				f.order = append(f.order, key)
			}
			e.Pages = append(e.Pages, where)
		}
	}
}

// report formats the findings, serious ones first, each once with the
// pages it was seen on.
func (f *a11yFindings) report() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := append([]string(nil), f.order...)
	sort.SliceStable(keys, func(i, j int) bool {
		return impactOrder(f.byKey[keys[i]].Violation.Impact) > impactOrder(f.byKey[keys[j]].Violation.Impact)
	})
	var sb strings.Builder
	for _, k := range keys {
		e := f.byKey[k]
		where := e.Pages[0]
		if len(e.Pages) > 1 {
			more := e.Pages[1:]
			if len(more) > 6 {
				more = append(more[:6:6], fmt.Sprintf("… (%d pages in all)", len(e.Pages)))
			}
			where += " [also " + strings.Join(more, ", ") + "]"
		}
		sb.WriteString(webtest.FormatViolations(where, []webtest.AxeViolation{e.Violation}))
	}
	return sb.String()
}

func (f *a11yFindings) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.order)
}

// layoutFindings gathers what overflows, one entry per element (by its
// path, without the positions among its siblings, and its container's) and
// width, with the pages where it does.
type layoutFindings struct {
	mu    sync.Mutex
	byKey map[string]*layoutFinding
	order []string
}

// layoutFinding is one overflowing element, as first measured, with the
// pages ("role /path (360 px)") where it overflows.
type layoutFinding struct {
	First webtest.Overflowing
	Pages []string
}

// nthOfType is the position of an element among its siblings in a path.
var nthOfType = regexp.MustCompile(`:nth-of-type\(\d+\)`)

func (f *layoutFindings) add(where string, width int, found []webtest.Overflowing) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byKey == nil {
		f.byKey = map[string]*layoutFinding{}
	}
	for _, o := range found {
		if o.Scrolls && (width <= phoneWidth || scrollsByDesign(o.Path)) {
			continue // a wide table scrolls in its own box on a phone; the matrix everywhere
		}
		// Rows of a table are one fault: the same element in each row.
		key := fmt.Sprint(width, "\x00", nthOfType.ReplaceAllString(o.Path, ""), "\x00", o.Container, o.Scrolls)
		e := f.byKey[key]
		if e == nil {
			e = &layoutFinding{First: o}
			f.byKey[key] = e
			f.order = append(f.order, key)
		}
		e.Pages = append(e.Pages, fmt.Sprintf("%s (%d px)", where, width))
	}
}

func (f *layoutFindings) report() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var sb strings.Builder
	for _, k := range f.order {
		e := f.byKey[k]
		where := e.Pages[0]
		if len(e.Pages) > 1 {
			more := e.Pages[1:]
			if len(more) > 6 {
				more = append(more[:6:6], fmt.Sprintf("… (%d pages in all)", len(e.Pages)))
			}
			where += " [also " + strings.Join(more, ", ") + "]"
		}
		fmt.Fprintf(&sb, "- %s\n    on %s\n", e.First, where)
	}
	return sb.String()
}

func (f *layoutFindings) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.order)
}

// scrollsByDesign tells the table boxes meant to scroll on any screen: the
// States × instruments matrix, 193 rows by a column per instrument, which
// keeps its header row and its States' column in view as it scrolls both
// ways.
func scrollsByDesign(path string) bool {
	return strings.Contains(path, ".treaty-matrix-scroll")
}

// chineseSample is how many of a role's page shapes not yet seen in
// Chinese (in crawl order) it checks in Chinese: the script differs from
// Arabic's and English's but not the direction, so a sample keeps the
// crawl's time within budget.
const chineseSample = 4

// The widths the layout gate checks every page at: a small phone and a
// laptop.
const (
	phoneWidth  = 360
	laptopWidth = 1280
)

// axeSeesFaults breaks the page now shown (an image without alt text, text
// at 1.6:1 contrast) and checks that axe reports both as serious or worse:
// a gate that passes because axe did not run would pass forever.
func axeSeesFaults(t *testing.T, b *webtest.Browser) {
	t.Helper()
	const breakPage = `(() => {
		const main = document.querySelector("main") || document.body;
		const img = document.createElement("img");
		img.src = "/assets/img/logo.svg";
		img.id = "axe-self-check-img";
		const p = document.createElement("p");
		p.id = "axe-self-check-text";
		p.textContent = "Faint text added by the accessibility test";
		p.style.color = "#cccccc";
		p.style.background = "#ffffff";
		main.append(img, p);
	})()`
	if err := b.Run(chromedp.Evaluate[chromedp.Void](breakPage)); err != nil {
		t.Fatalf("breaking the page for axe's self-check: %v", err)
	}
	found := map[string]bool{}
	for _, v := range webtest.SeriousOrWorse(b.Axe(t, "(self-check)")) {
		for _, n := range v.Nodes {
			if strings.Contains(n.Target, "axe-self-check") {
				found[v.Rule] = true
			}
		}
	}
	for _, rule := range []string{"image-alt", "color-contrast"} {
		if !found[rule] {
			t.Errorf("axe's self-check: the deliberately broken page was not reported for %s (found %v); is axe running?", rule, found)
		}
	}
}

func impactOrder(impact string) int {
	return map[string]int{"critical": 4, "serious": 3, "moderate": 2, "minor": 1}[impact]
}

// minorOnly keeps the violations below serious.
func minorOnly(vs []webtest.AxeViolation) []webtest.AxeViolation {
	var out []webtest.AxeViolation
	for _, v := range vs {
		if impactOrder(v.Impact) < impactOrder("serious") {
			out = append(out, v)
		}
	}
	return out
}

// The layout gate, on the same crawl and in the same browsers: every page
// is measured at 1280 px wide after axe has checked it, and again at 360
// px, for every role; the administrator's audit log is measured in French
// too (the longest words), and the invitations with one pending to a long
// address; the pages no link leads to (the provider's sign-in form, the
// 404, 403 and 422 pages) are measured at 1280 px. A page whose document scrolls sideways, an element sticking out
// of its container (see webtest.Overflowing), or, at 1280 px, a table too
// wide for its box, fails the test.
func TestAccessibilityAndLayoutOfEveryReachablePage(t *testing.T) {
	t.Parallel()
	start := time.Now()
	srv := webtest.NewServer(t)
	clients := srv.RoleClients(t) // invites each demo account to its role and signs it in over HTTP
	// An invitation not yet taken up, to a long address, so that the
	// administrator's list of invitations has a row to lay out.
	srv.Invite(t, "chief.of.the.counter.terrorism.unit@ministry-of-foreign-affairs.example.org", models.RoleViewer, "")

	var failing, lesser a11yFindings
	var overflows layoutFindings
	var mu sync.Mutex
	checked, measured := 0, 0
	var layoutTime time.Duration     // spent in the layout gate, over all roles
	var languagesTime time.Duration  // spent on the Arabic and Chinese pages, over all roles
	langChecked := map[string]bool{} // "ar /states": checked in that language by some role
	sem := make(chan struct{}, a11yBrowsers)

	t.Run("roles", func(t *testing.T) {
		for _, r := range a11yRoles() {
			t.Run(r.Name, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				roleStart := time.Now()

				pages := srv.Crawl(t, roleClient(clients, r), 1, 40)
				b := webtest.NewBrowser(t)
				check := func(page string) {
					t.Helper()
					vs := b.Axe(t, page)
					where := r.Name + " " + page
					failing.add(where, webtest.SeriousOrWorse(vs))
					lesser.add(where, minorOnly(vs))
					mu.Lock()
					checked++
					mu.Unlock()
				}
				width := laptopWidth
				measure := func(page string) {
					t.Helper()
					began := time.Now()
					overflows.add(r.Name+" "+page, width, b.Overflow(t, page))
					mu.Lock()
					measured++
					layoutTime += time.Since(began)
					mu.Unlock()
				}
				visit := func(page string) {
					t.Helper()
					if err := b.Run(chromedp.Navigate(srv.URL + page)); err != nil {
						t.Errorf("opening %s as %s: %v", page, r.Name, err)
						return
					}
					check(page)
					measure(page)
				}

				if r.Email == "" {
					// The development provider's sign-in form, and the
					// same form refusing a wrong password.
					b.Step("open the sign-in", chromedp.Navigate(srv.URL+"/auth/login"))
					check("(development sign-in form)")
					measure("(development sign-in form)")
					b.Step("sign in with a wrong password",
						chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "viewer@example.org"),
						chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "wrong"),
						webtest.ClickAndWait(`form button[type=submit]`))
					if !b.Exists("#signin-error") {
						t.Errorf("a wrong password did not bring back the sign-in form with its error")
					}
					check("(development sign-in form, wrong password)")
					measure("(development sign-in form, wrong password)")
				} else {
					landing := signInBrowser(t, b, srv, r.Email)
					if !slices.Contains(pages, landing) {
						// Where the sign-in lands is checked even when
						// the crawl did not reach it.
						pages = append(pages, landing)
					}
				}
				if len(pages) == 0 {
					t.Fatalf("the crawl as %s found no page", r.Name)
				}
				t.Logf("%s reaches %d page shapes: %s", r.Name, len(pages), strings.Join(pages, " "))
				for _, p := range pages {
					visit(p)
				}
				if r.Email == "" {
					// The gate sees: a picture without a text alternative
					// and faint text, added to the last page, are found.
					axeSeesFaults(t, b)
				}
				// The layout changes on a phone: every page again at 360
				// CSS pixels wide, measured; the anonymous pages are
				// checked by axe again too.
				b.SetViewport(phoneWidth, 800)
				width = phoneWidth
				for _, p := range pages {
					began := time.Now()
					err := b.Run(chromedp.Navigate(srv.URL + p))
					if r.Email != "" {
						// Before this gate only the anonymous pages were
						// opened again on a phone (for axe).
						mu.Lock()
						layoutTime += time.Since(began)
						mu.Unlock()
					}
					if err != nil {
						t.Errorf("opening %s as %s on a phone: %v", p, r.Name, err)
						continue
					}
					if r.Email == "" {
						check(p + " (360 px wide)")
					}
					measure(p)
				}
				// Arabic, right to left, and Chinese, in its script, on a
				// phone (where mirroring and longer or denser words break
				// a layout first), checked by axe and measured. Every page
				// shape is opened in Arabic once, by the first role to
				// reach it (a page's body is the same for every role that
				// may see it; the header differs, so each role's home page
				// is opened in Arabic too), and up to chineseSample shapes
				// per role in Chinese, none twice. The same browser
				// switches language and back, as a visitor does.
				langBegan := time.Now()
				for _, l := range []struct {
					tag   string
					limit int
				}{{"ar", len(pages)}, {"zh", chineseSample}} {
					var todo []string
					mu.Lock()
					for i, p := range pages {
						if len(todo) < l.limit && (!langChecked[l.tag+" "+p] || (l.tag == "ar" && i == 0)) {
							langChecked[l.tag+" "+p] = true
							todo = append(todo, p)
						}
					}
					mu.Unlock()
					b.Step("choose "+l.tag, chromedp.Navigate(srv.URL+"/lang/"+l.tag+"?next=/"))
					for _, p := range todo {
						if err := b.Run(chromedp.Navigate(srv.URL + p)); err != nil {
							t.Errorf("opening %s as %s in %s: %v", p, r.Name, l.tag, err)
							continue
						}
						check(p + " (" + l.tag + ", 360 px)")
						measure(p + " (" + l.tag + ")")
					}
				}
				b.Step("back to English", chromedp.Navigate(srv.URL+"/lang/en?next=/"))
				mu.Lock()
				languagesTime += time.Since(langBegan)
				mu.Unlock()
				if r.Name == "admin" {
					// French words are longer: the audit log's table, and a
					// State's treaties with the editors' column, in French,
					// on a phone and on a laptop.
					b.Step("choose French", chromedp.Navigate(srv.URL+"/lang/fr?next=/"))
					for _, w := range []int{phoneWidth, laptopWidth} {
						b.SetViewport(w, 800)
						width = w
						for _, p := range []string{"/admin/audit", "/states/KEN/treaties"} {
							b.Step("open "+p+" in French", chromedp.Navigate(srv.URL+p))
							measure(p + " (fr)")
						}
					}
					b.Step("back to English", chromedp.Navigate(srv.URL+"/lang/en?next=/"))
				}
				b.SetViewport(laptopWidth, 800)
				width = laptopWidth

				// Pages no link leads to.
				visit("/no-such-page") // 404
				switch r.Name {
				case "anonymous":
					// The same pages in French.
					b.Step("choose French", chromedp.Navigate(srv.URL+"/lang/fr?next=/"))
					check("/ (fr)")
					measure("/ (fr)")
					visit("/states")
					visit("/no-such-page")
					b.Step("back to English", chromedp.Navigate(srv.URL+"/lang/en?next=/"))
				case "viewer":
					visit("/admin/users") // 403
				case "admin":
					// A rejected form: the invitation form sent empty.
					b.Step("open the invitation form", chromedp.Navigate(srv.URL+"/admin/invitations/new"))
					b.Step("send it empty", webtest.ClickAndWait(`form.stacked-form button[type=submit]`))
					if !b.Exists(".error-summary") {
						t.Errorf("the empty invitation form did not come back with its error summary (on %s)", b.Location())
					}
					check("/admin/invitations (empty form, 422)")
					measure("/admin/invitations (empty form, 422)")
				}
				t.Logf("%s: %d pages checked in %s", r.Name, len(pages), time.Since(roleStart).Round(time.Millisecond))
			})
		}
	})

	t.Logf("axe checked %d pages; the layout gate measured %d (each role's pages at %d and %d px) in %s of its own; %s in all",
		checked, measured, laptopWidth, phoneWidth, layoutTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	t.Logf("the pages in Arabic and Chinese took %s of browser time (two browsers at once)", languagesTime.Round(time.Millisecond))
	if lesser.count() > 0 {
		t.Logf("moderate and minor findings (not failing):\n%s", lesser.report())
	}
	if failing.count() > 0 {
		t.Errorf("axe-core found %d serious or critical accessibility violation(s); the first page named is where each was first seen:\n%s",
			failing.count(), failing.report())
	}
	if overflows.count() > 0 {
		t.Errorf("%d element(s) break the layout (the page scrolls sideways, or an element sticks out of its container); the first page named is where each was first seen:\n%s",
			overflows.count(), overflows.report())
	}
}
