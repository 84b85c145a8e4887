package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ctap/web/webtest"
)

// The six official languages of the United Nations: every page offers
// them, the browser's preference picks one on a first visit, the choice is
// remembered, and Arabic pages run right to left, mirrored by the logical
// properties of the one stylesheet and the <html dir> attribute, with
// figures and codes kept readable inside Arabic text.

// sixLanguages are the languages in the switcher: the UN's order, each
// named in itself.
var sixLanguages = [][2]string{
	{"ar", "العربية"}, {"zh", "中文"}, {"en", "English"}, {"fr", "Français"}, {"ru", "Русский"}, {"es", "Español"},
}

var (
	htmlTag  = regexp.MustCompile(`<html lang="([^"]*)" dir="([^"]*)">`)
	titleTag = regexp.MustCompile(`<title>([^<]*)</title>`)
	// switcherItem is one language of the switcher: the current one, or a
	// link to choose it.
	switcherItem = regexp.MustCompile(`<li>(?:<span class="lang-current" lang="([a-z]+)" aria-current="true">([^<]*)</span>|<a href="/lang/([a-z]+)\?next=[^"]*" lang="([a-z]+)" hreflang="[a-z]+">([^<]*)</a>)</li>`)
)

func TestTheBrowsersLanguagePicksOneOfTheSixAndTheChoiceIsRemembered(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	cat := mustCatalogue(t)
	for header, want := range map[string]string{
		"ar-EG,ar;q=0.9,en;q=0.5": "ar",
		"zh-CN,zh;q=0.9":          "zh",
		"zh-Hans":                 "zh",
		"zh-TW":                   "zh",
		"ru":                      "ru",
		"es-419":                  "es",
		"fr-CA":                   "fr",
		"de":                      "en",
	} {
		c := srv.Client()
		c.SetHeader("Accept-Language", header)
		page := c.Get(t, "/states")
		m := htmlTag.FindStringSubmatch(page.Body)
		wantDir := map[bool]string{true: "rtl", false: "ltr"}[want == "ar"]
		if m == nil || m[1] != want || m[2] != wantDir {
			t.Errorf("Accept-Language %s: <html> is %v, want lang=%s dir=%s", header, m, want, wantDir)
		}
		if got := page.Header.Get("Content-Language"); got != want {
			t.Errorf("Accept-Language %s: Content-Language %q", header, got)
		}
		// The document's title is in the language.
		title := titleTag.FindStringSubmatch(page.Body)
		if wantTitle := cat.Localizer(want).T("states.title") + " · CTAP"; title == nil || title[1] != wantTitle {
			t.Errorf("Accept-Language %s: title %v, want %q", header, title, wantTitle)
		}
		// The switcher lists the six, in order, each in its own name and
		// marked as in its language; the page's own is the current one.
		items := switcherItem.FindAllStringSubmatch(page.Body, -1)
		if len(items) != len(sixLanguages) {
			t.Fatalf("Accept-Language %s: the switcher has %d languages, want 6", header, len(items))
		}
		for i, it := range items {
			tag, name := it[3], it[5]
			if it[1] != "" {
				tag, name = it[1], it[2]
				if tag != want {
					t.Errorf("Accept-Language %s: %s is marked current", header, tag)
				}
			} else if it[3] != it[4] || tag == want {
				t.Errorf("Accept-Language %s: the link to %s is marked lang=%s", header, tag, it[4])
			}
			if tag != sixLanguages[i][0] || name != sixLanguages[i][1] {
				t.Errorf("Accept-Language %s: language %d is %s %q, want %v", header, i+1, tag, name, sixLanguages[i])
			}
		}
	}

	// The visitor's choice, remembered in a cookie, wins over the browser.
	c := srv.Client()
	c.SetHeader("Accept-Language", "en")
	if r := c.Get(t, "/lang/ar?next=/states"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/states" {
		t.Fatalf("choosing Arabic: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if m := htmlTag.FindStringSubmatch(c.Get(t, "/instruments").Body); m == nil || m[1] != "ar" || m[2] != "rtl" {
		t.Errorf("after choosing Arabic, <html> is %v", m)
	}

	// A signed-in person's choice is kept for their emails too; the
	// account's language list has the six, each marked as in its
	// language but the page's own.
	admin := signedInAdmin(t, srv)
	for _, tag := range []string{"zh", "es", "ar"} {
		admin.Get(t, "/lang/"+tag+"?next=/")
		if got := userByEmail(t, srv, "admin@example.org").Language; got != tag {
			t.Errorf("after choosing %s the account's language is %q", tag, got)
		}
	}
	account := admin.Get(t, "/account").Body
	options := regexp.MustCompile(`<option value="([a-z]+)"( selected)?( lang="([a-z]+)")?>([^<]*)</option>`).FindAllStringSubmatch(account, -1)
	var listed [][2]string
	for _, o := range options {
		if !strings.Contains(o[0], "العربية") && len(listed) == 0 && o[1] != "ar" {
			continue // another select before the languages
		}
		if len(listed) == len(sixLanguages) {
			break
		}
		listed = append(listed, [2]string{o[1], o[5]})
		if wantLang := map[bool]string{true: "", false: o[1]}[o[1] == "ar"]; o[4] != wantLang {
			t.Errorf("the account's %s option is marked lang=%q, want %q", o[1], o[4], wantLang)
		}
		if (o[2] != "") != (o[1] == "ar") {
			t.Errorf("the account's %s option selected=%v, the person reads Arabic", o[1], o[2] != "")
		}
	}
	if len(listed) != len(sixLanguages) {
		t.Fatalf("the account's language select lists %v", listed)
	}
	for i := range listed {
		if listed[i] != sixLanguages[i] {
			t.Errorf("the account lists %v, want %v", listed, sixLanguages)
			break
		}
	}
}

// rtlMeasures is what the browser measures of a page, in CSS pixels: the
// main navigation's first and last items, the first table's first two
// header cells, the breadcrumb's first two crumbs, the pagination's
// controls, the first chart's first label against its SVG, and the text
// of every chart relative to its chart's box.
const rtlMeasuresJS = `(() => {
	const r = el => el ? el.getBoundingClientRect() : null;
	const out = {viewport: document.documentElement.clientWidth};
	const nav = [...document.querySelectorAll(".site-nav .nav-list > li > a")].map(r);
	if (nav.length > 1) {
		const first = nav[0], last = nav[nav.length-1];
		out.navFirstLeft = first.left; out.navFirstRight = first.right;
		out.navLastLeft = last.left; out.navLastRight = last.right;
		out.navOneRow = Math.abs(first.top - last.top) < 2 ? 1 : 0;
		// The items that start further out than the first (none should).
		out.navRightmost = Math.max(...nav.map(n => n.right)); out.navLeftmost = Math.min(...nav.map(n => n.left));
	}
	const th = document.querySelectorAll("main table thead th");
	if (th.length > 1) { out.col1Right = r(th[0]).right; out.col2Right = r(th[1]).right; out.tableRight = r(th[0].closest("table")).right; }
	const crumbs = document.querySelectorAll(".breadcrumb li");
	if (crumbs.length > 1) { out.crumb1Left = r(crumbs[0]).left; out.crumb2Right = r(crumbs[1]).right; }
	const prev = document.querySelector(".pagination a[rel=prev]"), next = document.querySelector(".pagination a[rel=next]");
	if (prev && next) { out.prevLeft = r(prev).left; out.nextRight = r(next).right; }
	const svg = document.querySelector(".chart svg");
	if (svg) {
		const box = r(svg), label = r(svg.querySelector("text"));
		out.svgLeft = box.left; out.svgRight = box.right; out.labelLeft = label.left; out.labelRight = label.right;
		out.textOutside = 0;
		for (const s of document.querySelectorAll(".chart svg")) {
			const b = r(s);
			for (const t of s.querySelectorAll("text")) {
				const tr = r(t);
				out.textOutside = Math.max(out.textOutside, b.left - tr.left, tr.right - b.right);
			}
		}
	}
	return out;
})()`

func measureRTL(t *testing.T, b *webtest.Browser, page string) map[string]float64 {
	t.Helper()
	m, err := chromedp.Run(b.Context(), chromedp.Evaluate[map[string]float64](rtlMeasuresJS))
	if err != nil {
		t.Fatalf("measuring %s: %v", page, err)
	}
	return m
}

func TestArabicPagesAreMirroredAndEnglishOnesAreNot(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	addDonorFixture(t, srv)
	addCountedContributions(t, srv, 1, 300) // three pages of contributions
	b := webtest.NewBrowser(t)
	b.Step("open the list of contributions", chromedp.Navigate(srv.URL+"/contributions"))
	// The second page has a page before and after it.
	nextHref, err := chromedp.Run(b.Context(), chromedp.Evaluate[string](`document.querySelector(".pagination a[rel=next]").getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}

	// English first: its navigation's margin is what Arabic mirrors.
	enNavMargin := map[int]float64{}
	for _, lang := range []string{"en", "ar"} {
		rtl := lang == "ar"
		b.Step("choose "+lang, chromedp.Navigate(srv.URL+"/lang/"+lang+"?next=/"))
		if got := b.HTML(); !strings.Contains(got[:200], `lang="`+lang+`" dir="`+map[bool]string{true: "rtl", false: "ltr"}[rtl]+`"`) {
			t.Fatalf("%s: the document starts %q", lang, got[:200])
		}
		for _, width := range []int{1280, 360} {
			b.SetViewport(width, 800)
			where := func(p string) string { return lang + " " + p + " at " + strconv.Itoa(width) + " px" }

			// The main navigation starts at the inline start: the first
			// item at the right edge in Arabic, as far from it as the
			// English one is from the left (the page's margin), no item
			// further out; on one row, the last item is left of the first.
			b.Step("open the home page", chromedp.Navigate(srv.URL+"/"))
			m := measureRTL(t, b, "/")
			if _, ok := m["navFirstRight"]; !ok {
				t.Fatalf("%s: no navigation measured: %v", where("/"), m)
			}
			if rtl {
				margin := enNavMargin[width]
				if d := m["viewport"] - m["navFirstRight"]; d > margin+2 || d < margin-2 || m["navRightmost"] > m["navFirstRight"]+1 {
					t.Errorf("%s: the first navigation item ends %.0f px from the right edge (English starts %.0f px from the left); the items reach %.0f",
						where("/"), d, margin, m["navRightmost"])
				}
				if m["navOneRow"] == 1 && !(m["navLastRight"] < m["navFirstLeft"]) {
					t.Errorf("%s: on one row the last navigation item spans %.0f–%.0f, the first %.0f–%.0f", where("/"),
						m["navLastLeft"], m["navLastRight"], m["navFirstLeft"], m["navFirstRight"])
				}
			} else {
				enNavMargin[width] = m["navFirstLeft"]
				if m["navFirstLeft"] > 100 || m["navLeftmost"] < m["navFirstLeft"]-1 {
					t.Errorf("%s: the first navigation item starts at %.0f, the items at %.0f", where("/"), m["navFirstLeft"], m["navLeftmost"])
				}
				if m["navOneRow"] == 1 && !(m["navLastLeft"] > m["navFirstRight"]) {
					t.Errorf("%s: on one row the last navigation item spans %.0f–%.0f, the first %.0f–%.0f", where("/"),
						m["navLastLeft"], m["navLastRight"], m["navFirstLeft"], m["navFirstRight"])
				}
			}
			if width == 1280 && m["navOneRow"] != 1 {
				t.Errorf("%s: the navigation does not fit on one row", where("/"))
			}

			// A table's first column is at the inline start; a breadcrumb
			// reads from it; charts draw their labels and bars from it and
			// keep all their text inside.
			b.Step("open Norway's page", chromedp.Navigate(srv.URL+"/donors/norway"))
			m = measureRTL(t, b, "/donors/norway")
			if _, ok := m["col1Right"]; !ok {
				t.Fatalf("%s: no table measured", where("/donors/norway"))
			}
			if (m["col1Right"] > m["col2Right"]) != rtl {
				t.Errorf("%s: the first column ends at %.0f, the second at %.0f", where("/donors/norway"), m["col1Right"], m["col2Right"])
			}
			if _, ok := m["crumb1Left"]; !ok {
				t.Fatalf("%s: no breadcrumb measured", where("/donors/norway"))
			}
			if (m["crumb1Left"] >= m["crumb2Right"]) != rtl {
				t.Errorf("%s: the first crumb starts at %.0f, the second ends at %.0f", where("/donors/norway"), m["crumb1Left"], m["crumb2Right"])
			}
			// The separator between crumbs points to the next one.
			sep, err := chromedp.Run(b.Context(), chromedp.Evaluate[string](`getComputedStyle(document.querySelectorAll(".breadcrumb li")[1], "::before").content`))
			if want := map[bool]string{true: "‹", false: "›"}[rtl]; err != nil || !strings.Contains(sep, want) {
				t.Errorf("%s: the breadcrumb's separator is %q (%v), want %q", where("/donors/norway"), sep, err, want)
			}
			if _, ok := m["svgLeft"]; !ok {
				t.Fatalf("%s: no chart measured", where("/donors/norway"))
			}
			// The chart's first text (its legend's first name, after
			// its swatch) sits against the start: within a tenth of the
			// chart's width of the SVG's right edge in Arabic, of its left
			// edge in English, and in that half of it.
			w, mid := m["svgRight"]-m["svgLeft"], (m["svgLeft"]+m["svgRight"])/2
			if rtl && (m["svgRight"]-m["labelRight"] > w/10 || m["labelLeft"] < mid) {
				t.Errorf("%s: the chart's first label spans %.0f–%.0f in a chart %.0f–%.0f: not on the right",
					where("/donors/norway"), m["labelLeft"], m["labelRight"], m["svgLeft"], m["svgRight"])
			}
			if !rtl && (m["labelLeft"]-m["svgLeft"] > w/10 || m["labelRight"] > mid) {
				t.Errorf("%s: the chart's first label spans %.0f–%.0f in a chart %.0f–%.0f: not on the left",
					where("/donors/norway"), m["labelLeft"], m["labelRight"], m["svgLeft"], m["svgRight"])
			}
			if m["textOutside"] > 1 {
				t.Errorf("%s: a chart's text runs %.1f px outside its chart", where("/donors/norway"), m["textOutside"])
			}

			// Pagination: "next" is on the inline end, pointing that way:
			// left of "previous" in Arabic.
			b.Step("open the second page of contributions", chromedp.Navigate(srv.URL+nextHref))
			m = measureRTL(t, b, nextHref)
			if _, ok := m["prevLeft"]; !ok {
				t.Fatalf("%s: the second page has no previous and next", where(nextHref))
			}
			if (m["nextRight"] <= m["prevLeft"]) != rtl {
				t.Errorf("%s: next ends at %.0f, previous starts at %.0f", where(nextHref), m["nextRight"], m["prevLeft"])
			}
			arrows, err := chromedp.Run(b.Context(), chromedp.Evaluate[[]string](`[
				getComputedStyle(document.querySelector(".pagination a[rel=prev]"), "::before").content,
				getComputedStyle(document.querySelector(".pagination a[rel=next]"), "::after").content]`))
			if err != nil {
				t.Fatal(err)
			}
			want := map[bool][2]string{true: {"→", "←"}, false: {"←", "→"}}[rtl]
			if len(arrows) != 2 || !strings.Contains(arrows[0], want[0]) || !strings.Contains(arrows[1], want[1]) {
				t.Errorf("%s: the previous and next arrows are %q, want %q", where(nextHref), arrows, want)
			}
		}
		b.SetViewport(1280, 800)
	}
}

func TestAnAmountInArabicTextReadsDigitsThenItsCode(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	addDonorFixture(t, srv)
	b := webtest.NewBrowser(t)
	b.Step("choose Arabic", chromedp.Navigate(srv.URL+"/lang/ar?next=/donors/norway"))
	// The contribution facts' amounts are isolated left to right; the
	// digits are drawn left of "USD", as they would be if the Arabic around
	// them reordered nothing; an amount written into a table cell
	// (formatMoney) carries Unicode's isolates.
	got, err := chromedp.Run(b.Context(), chromedp.Evaluate[map[string]any](`(() => {
		const el = document.querySelector(".contribution-facts bdi.amount");
		if (!el) return {found: false};
		const text = el.firstChild, s = text.textContent;
		const range = (from, to) => { const r = document.createRange(); r.setStart(text, from); r.setEnd(text, to); return r.getBoundingClientRect(); };
		const code = s.indexOf("USD");
		const cs = getComputedStyle(el);
		return {found: true, text: s, direction: cs.direction, bidi: cs.unicodeBidi,
			pageDir: getComputedStyle(el.closest("dd")).direction,
			digitsRight: range(0, 1).right, codeLeft: range(code, code + 3).left};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got["found"] != true {
		t.Fatal("no isolated amount among Norway's contribution facts")
	}
	if got["pageDir"] != "rtl" || got["direction"] != "ltr" || got["bidi"] != "isolate" {
		t.Errorf("the amount %q is %v/%v in a %v box, want an ltr isolate in rtl", got["text"], got["direction"], got["bidi"], got["pageDir"])
	}
	if got["digitsRight"].(float64) >= got["codeLeft"].(float64) {
		t.Errorf("in %q the first digit ends at %v, right of USD starting at %v", got["text"], got["digitsRight"], got["codeLeft"])
	}
	if page := b.HTML(); !strings.Contains(page, "\u2066") || !strings.Contains(page, "NOK\u2069") {
		t.Error("no amount in NOK is isolated with LRI…PDI on Norway's page in Arabic")
	}
}
