package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctap/web/webtest"
)

// TestScreenshots photographs the portal as each role sees it, on a phone
// (360 CSS pixels wide) and on a desktop (1280), for people to look at.
//
// With CTAP_SCREENSHOTS set to a folder (`make screenshots` sets
// <repo>/screenshots) it does the whole job: for the anonymous visitor and
// every demo account, every page shape the crawler reaches (plus the sign-in
// form, a 404 and a rejected form), a full-page PNG at each width in
// <folder>/<role>/<page>-<width>.png, and <folder>/index.html showing them
// side by side. Every page is photographed in Arabic too, right to left,
// into its own section of the index (<page>-ar-<width>.png). Without it the
// same code runs on two roles and two pages each (one in Arabic), into a
// temporary folder, and checks that the pictures were made.

// screenshotWidths are the viewport widths photographed, in CSS pixels.
var screenshotWidths = []int{360, 1280}

const screenshotHeight = 800

// shotPage is one page photographed for a role.
type shotPage struct {
	Path  string         // the address, e.g. /states/KEN, or a description
	Files map[int]string // width → file name relative to the folder
	Note  string         // e.g. horizontal overflow on the phone
}

// shotRole is what one role's section of the index shows, in one
// language.
type shotRole struct {
	Name  string // the section's anchor, e.g. "admin" or "admin-ar"
	Title string // its heading, e.g. "admin, in Arabic (right to left)"
	Pages []shotPage
}

func TestScreenshots(t *testing.T) {
	start := time.Now()
	dir := os.Getenv("CTAP_SCREENSHOTS")
	full := dir != ""
	if full {
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		dir = abs
	} else {
		dir = t.TempDir()
	}

	srv := webtest.NewServer(t)
	clients := srv.RoleClients(t)
	roles := a11yRoles()
	if !full {
		roles = roles[:2] // the anonymous visitor and the administrator
	}

	results := make([]shotRole, 2*len(roles)) // each role in English, then in Arabic
	var mu sync.Mutex
	var overflows []string
	sem := make(chan struct{}, a11yBrowsers)

	t.Run("roles", func(t *testing.T) {
		for i, r := range roles {
			t.Run(r.Name, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()

				roleDir := filepath.Join(dir, r.Name)
				if err := os.RemoveAll(roleDir); err != nil { // pictures of an earlier run
					t.Fatal(err)
				}
				if err := os.MkdirAll(roleDir, 0o755); err != nil {
					t.Fatal(err)
				}

				pages := srv.Crawl(t, roleClient(clients, r), 1, 40)
				b := webtest.NewBrowser(t)
				var shots []shotPage
				used := map[string]int{}

				// photograph takes the page now shown at each width.
				photograph := func(label string) {
					t.Helper()
					sp := shotPage{Path: label, Files: map[int]string{}}
					name := pageSlug(label)
					if n := used[name]; n > 0 {
						name += "-" + strconv.Itoa(n+1)
					}
					used[name]++
					for _, w := range screenshotWidths {
						b.SetViewport(w, screenshotHeight)
						if w == screenshotWidths[0] {
							if o := phoneOverflow(t, b); o != "" {
								sp.Note = o
								mu.Lock()
								overflows = append(overflows, fmt.Sprintf("%s %s: %s", r.Name, label, o))
								mu.Unlock()
							}
						}
						file := filepath.Join(r.Name, fmt.Sprintf("%s-%d.png", name, w))
						if err := os.WriteFile(filepath.Join(dir, file), b.Screenshot(), 0o644); err != nil {
							t.Fatal(err)
						}
						sp.Files[w] = filepath.ToSlash(file)
					}
					b.SetViewport(1280, screenshotHeight)
					shots = append(shots, sp)
				}
				visitAs := func(page, label string) {
					t.Helper()
					if err := b.Run(chromedp.Navigate(srv.URL + page)); err != nil {
						t.Errorf("opening %s as %s: %v", page, r.Name, err)
						return
					}
					photograph(label)
				}
				visit := func(page string) { t.Helper(); visitAs(page, page) }

				if r.Email == "" {
					if full {
						b.Step("open the sign-in", chromedp.Navigate(srv.URL+"/auth/login"))
						photograph("/auth/login (development sign-in form)")
					}
				} else {
					landing := signInBrowser(t, b, srv, r.Email)
					if !slices.Contains(pages, landing) {
						pages = append(pages, landing) // a pending account's waiting page
					}
				}
				if !full && len(pages) > 2 {
					pages = pages[:2]
				}
				for _, p := range pages {
					visit(p)
				}
				if full {
					visit("/no-such-page")
					if r.Name == "admin" {
						b.Step("open the invitation form", chromedp.Navigate(srv.URL+"/admin/invitations/new"))
						b.Step("send it empty", webtest.ClickAndWait(`form.stacked-form button[type=submit]`))
						photograph("/admin/invitations (empty form, 422)")
					}
				}

				english := shots

				// The same pages in Arabic, right to left (the sample run:
				// the first page).
				shots = nil
				b.Step("choose Arabic", chromedp.Navigate(srv.URL+"/lang/ar?next=/"))
				arabic := pages
				if !full {
					arabic = pages[:min(1, len(pages))]
				}
				for _, p := range arabic {
					visitAs(p, p+" (ar)")
				}
				b.Step("back to English", chromedp.Navigate(srv.URL+"/lang/en?next=/"))

				mu.Lock()
				results[2*i] = shotRole{Name: r.Name, Title: r.Name, Pages: english}
				results[2*i+1] = shotRole{Name: r.Name + "-ar", Title: r.Name + ", in Arabic (right to left)", Pages: shots}
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}

	if err := writeScreenshotIndex(filepath.Join(dir, "index.html"), results, full); err != nil {
		t.Fatal(err)
	}

	// Every role has at least one picture at every width, and each is a PNG.
	n := 0
	for _, r := range results {
		for _, w := range screenshotWidths {
			found := 0
			for _, p := range r.Pages {
				f, ok := p.Files[w]
				if !ok {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Errorf("%s: %v", f, err)
					continue
				}
				if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 1000 {
					t.Errorf("%s is not a PNG of a page (%d bytes)", f, len(b))
					continue
				}
				found++
				n++
			}
			if found == 0 {
				t.Errorf("no %d px screenshot for %s", w, r.Name)
			}
		}
	}
	for _, o := range overflows {
		t.Logf("wider than a 360 px phone: %s", o)
	}
	t.Logf("%d screenshots of %d roles, in English and in Arabic, in %s, index %s", n, len(results)/2, time.Since(start).Round(time.Millisecond), filepath.Join(dir, "index.html"))
}

// phoneOverflow says which elements stick out of the viewport on the right,
// or on the left of a right-to-left page (the page then scrolls sideways
// on a phone); "" when none does.
func phoneOverflow(t *testing.T, b *webtest.Browser) string {
	t.Helper()
	const js = `(() => {
		const vw = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= vw) return [];
		const out = [];
		for (const e of document.body.querySelectorAll("*")) {
			const r = e.getBoundingClientRect();
			const out_ = el => { const b = el.getBoundingClientRect(); return b.right > vw + 1 || b.left < -1; };
			if (r.width === 0 || !out_(e)) continue;
			// Only the outermost: skip an element whose parent already sticks out,
			// and anything inside a scrolling box (a wide table in its scroller).
			let p = e.parentElement, inside = false;
			while (p && p !== document.body) {
				const s = getComputedStyle(p);
				if (s.overflowX === "auto" || s.overflowX === "scroll" || s.overflowX === "hidden" || s.overflowX === "clip" || out_(p)) { inside = true; break; }
				p = p.parentElement;
			}
			if (inside) continue;
			const id = e.id ? "#" + e.id : "";
			const cls = e.classList.length ? "." + [...e.classList].join(".") : "";
			out.push(e.tagName.toLowerCase() + id + cls + " from " + Math.round(r.left) + " to " + Math.round(r.right) + "px");
			if (out.length >= 5) break;
		}
		return [document.documentElement.scrollWidth + "px wide in " + vw + "px", ...out];
	})()`
	var raw []byte
	err := b.Run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var err error
		raw, err = chromedp.Evaluate[[]byte](js)(ctx, tg)
		return err
	}))
	if err != nil {
		t.Errorf("measuring the page's width: %v", err)
		return ""
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		t.Errorf("measuring the page's width: %v", err)
		return ""
	}
	return strings.Join(parts, "; ")
}

// pageSlug makes a page's address a file name: "/" is home, /states/KEN
// states-ken, /states?group=x states-group-x.
func pageSlug(page string) string { return webtest.Slug(page, 80, "home") }

var screenshotIndex = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CTAP screenshots</title>
<style>
body { font: 16px/1.4 system-ui, sans-serif; margin: 1rem 2rem; color: #1b1b1b; }
nav a { margin-right: 1rem; }
section { border-top: 2px solid #1b1b1b; margin-top: 2rem; }
figure { margin: 1.5rem 0; }
figcaption { font-weight: 600; margin-bottom: .5rem; }
figcaption small { font-weight: normal; color: #8a1c1c; display: block; }
.pair { display: flex; gap: 1.5rem; align-items: flex-start; }
.pair a { display: block; border: 1px solid #757575; }
.pair img { display: block; }
.phone img { width: 360px; }
.desktop img { width: 640px; }
</style>
</head>
<body>
<h1>CTAP screenshots</h1>
<p>Taken {{.When}}{{if not .Full}} (a small sample: set CTAP_SCREENSHOTS or run <code>make screenshots</code> for every page){{end}}. Phone 360 × 800 on the left, desktop 1280 × 800 on the right (shown at half size); full-page pictures, each a link to itself.</p>
<nav>{{range .Roles}}<a href="#{{.Name}}">{{.Title}}</a> {{end}}</nav>
{{range .Roles}}
<section id="{{.Name}}">
<h2>{{.Title}}</h2>
{{range .Pages}}
<figure>
<figcaption>{{.Path}}{{with .Note}}<small>Wider than the phone: {{.}}</small>{{end}}</figcaption>
<div class="pair">
{{with index .Files 360}}<a class="phone" href="{{.}}"><img src="{{.}}" alt="phone" loading="lazy"></a>{{end}}
{{with index .Files 1280}}<a class="desktop" href="{{.}}"><img src="{{.}}" alt="desktop" loading="lazy"></a>{{end}}
</div>
</figure>
{{end}}
</section>
{{end}}
</body>
</html>
`))

// writeScreenshotIndex writes the page that shows every screenshot, with
// links relative to its folder so that it opens from disk.
func writeScreenshotIndex(path string, roles []shotRole, full bool) error {
	var buf bytes.Buffer
	err := screenshotIndex.Execute(&buf, map[string]any{
		"When":  time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		"Full":  full,
		"Roles": roles,
	})
	if err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
