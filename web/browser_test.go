package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ctap/web/webtest"
)

// The browser tests drive a real Chromium against a real CTAP over a fresh
// PostgreSQL. When one fails, the screenshots of its steps are written under
// .cache/test-screenshots/<TestName>/ and the folder is logged.

func TestBrowserVisitorFindsAMemberState(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	b := webtest.NewBrowser(t)

	b.Step("open the overview", chromedp.Navigate(srv.URL+"/"))
	if title := b.Title(); !strings.Contains(title, "CTAP") {
		t.Errorf("title %q does not name CTAP", title)
	}

	b.Step("follow Member States in the main navigation",
		webtest.ClickLink("nav.site-nav", "Member States"))
	if got := b.Location(); !strings.HasSuffix(got, "/states") {
		t.Errorf("location %q, want …/states", got)
	}

	b.Step("filter by the Eastern European States",
		webtest.SelectOption("form.filter-bar #group", "Eastern European States"),
		webtest.ClickAndWait("form.filter-bar button[type=submit]"))
	if got := b.Text(".result-count"); !strings.Contains(got, "23 of 193") {
		t.Errorf("result count %q, want 23 of 193", got)
	}
	if u, err := url.Parse(b.Location()); err != nil || u.Query().Get("group") != "eastern_european" {
		t.Errorf("location %q does not keep the filter group=eastern_european", b.Location())
	}

	b.Step("open Poland", webtest.ClickLink("table.data-table", "Poland"))
	if got := b.Text("main h1"); got != "Poland" {
		t.Errorf("h1 %q, want Poland", got)
	}
	if got := b.Location(); !strings.HasSuffix(got, "/states/POL") {
		t.Errorf("location %q, want …/states/POL", got)
	}
}

func TestBrowserResolutionPageLinksItsFootnotes(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	b := webtest.NewBrowser(t)

	b.Step("open the resolution", chromedp.Navigate(srv.URL+"/paragraphs"))
	b.Step("follow the first footnote marker", webtest.ClickAndWait("sup.fnref a"))
	u, err := url.Parse(b.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u.Fragment != "fn1" {
		t.Errorf("location %q, want the fragment #fn1", u)
	}
	if !b.Exists("li#fn1") {
		t.Error("no footnote li#fn1 on the page")
	}
}

func TestBrowserKeyboardSkipLinkComesFirst(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	b := webtest.NewBrowser(t)

	b.Step("open the overview", chromedp.Navigate(srv.URL+"/"))
	b.PressTab(1)
	b.Step("after one Tab") // a screenshot of the focused skip link
	el := b.ActiveElement()
	if el.Tag != "a" || el.Href != "#main" || !b.Exists("a.skip-link:focus") {
		t.Fatalf("first Tab focuses <%s href=%q> %q, want the skip link a.skip-link to #main", el.Tag, el.Href, el.Text)
	}
	if !el.OutlineVisible {
		t.Errorf("the focused skip link shows no focus indicator (outline %q, box-shadow %q)", el.Outline, el.BoxShadow)
	}

	b.Step("press Enter on the skip link", webtest.WaitNavigation(chromedp.KeyEvent(kb.Enter)))
	if got := b.Location(); !strings.HasSuffix(got, "#main") {
		t.Errorf("location %q, want …#main", got)
	}
}
