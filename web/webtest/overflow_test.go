package webtest

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// overflowFixture is a page with one example of each case the overflow
// check must tell apart: what breaks the layout has an id starting with
// "bad-", what does not one starting with "ok-".
const overflowFixture = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Overflow fixture</title>
<style>
  body { margin: 0; font: 16px sans-serif; }
  .box { inline-size: 200px; padding: 10px; border: 1px solid; }
  .table-scroll { overflow-x: auto; }
  .hidden-text { position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .grid { display: grid; grid-template-columns: 1fr; inline-size: 200px; }
  code { white-space: nowrap; }
  .wraps { overflow-wrap: anywhere; }
  .positioned { position: relative; }
  .hang { margin-inline-start: -10px; }
</style></head>
<body>
  <div class="box" id="ok-scroll-box"><div class="table-scroll"><table id="ok-wide-table"><tr><td>` + wideWord + `</td></tr></table></div></div>
  <div class="box"><div class="table-scroll" id="unpositioned-scroll"><table><tr><td>` + wideWord + `</td><td>` + wideWord + `<span class="hidden-text" id="bad-escaping-label">label</span></td></tr></table></div></div>
  <div class="box"><div class="table-scroll positioned" id="positioned-scroll"><table><tr><td>` + wideWord + `</td><td>` + wideWord + `<span class="hidden-text" id="ok-clipped-label">label</span></td></tr></table></div></div>
  <ul class="box"><li><a class="hang" id="ok-hanging" href="#">Link</a></li></ul>
  <div class="box" id="ok-hidden"><span class="hidden-text">` + wideWord + `</span></div>
  <div class="box" id="ok-wrapping"><p class="wraps">` + wideWord + `</p></div>
  <dl class="box" id="box-with-code"><dd><code id="bad-code">https://issuer.example.org/a/very/long/path/to/the/provider</code></dd></dl>
  <div class="box"><p id="box-with-text">` + wideWord + `</p></div>
  <div class="grid"><div id="bad-grid-child"><code>` + wideWord + `</code></div></div>
</body></html>`

// wideWord is text that does not break: wider than 200 px in any font.
const wideWord = "Averyveryverylongwordthatcannotbreakanywhereatallreally"

// The check finds what sticks out (an unbreakable code in a narrow box, a
// long word in a paragraph, a grid item stretched by its content) and the
// document scrolling sideways because of them, and passes what does not (a
// wide table in its own scroll box, visually hidden text, a long word
// allowed to wrap, a link hanging out at the start). A wide table's scroll
// box is reported as scrolling, not as sticking out; a visually hidden
// label in it escapes it, and widens the page, unless the box is
// positioned.
func TestOverflowCheckFindsWhatSticksOut(t *testing.T) {
	b := NewBrowser(t)
	b.SetViewport(360, 800)
	b.Step("open the fixture", chromedp.Navigate("data:text/html,"+url.PathEscape(overflowFixture)))
	found := b.Overflow(t, "fixture")
	all := FormatOverflow("fixture", found)
	has := func(s string) bool {
		for _, o := range found {
			if strings.Contains(o.Path, s) {
				return true
			}
		}
		return false
	}
	for _, want := range []string{"html", "code#bad-code", "p#box-with-text (its text)", "div#bad-grid-child", "span#bad-escaping-label"} {
		if !has(want) {
			t.Errorf("the check did not report %s; it found:\n%s", want, all)
		}
	}
	scrolling := map[string]bool{}
	for _, o := range found {
		if o.Scrolls {
			scrolling[o.Path] = true
			continue
		}
		if strings.Contains(o.Path, "ok-") || strings.Contains(o.Container, "ok-") || strings.Contains(o.Path, "-scroll") {
			t.Errorf("the check reported what may be wide: %s", o)
		}
	}
	for _, want := range []string{"div#ok-scroll-box > div.table-scroll", "div#positioned-scroll", "div#unpositioned-scroll"} {
		if !scrolling[want] {
			t.Errorf("the scroll box %s is not reported as scrolling; found:\n%s", want, all)
		}
	}
	for _, o := range found {
		if o.Path == "html" && (o.Width <= 360 || o.ContainerWidth != 360) {
			t.Errorf("the document's overflow is measured wrong: %s", o)
		}
	}

	// Fixed, the same page passes at 360 px.
	b.Step("let the long text wrap", chromedp.Evaluate[chromedp.Void](`(() => {
		for (const e of document.querySelectorAll("code, p, #bad-grid-child")) e.style.overflowWrap = "anywhere";
		for (const e of document.querySelectorAll("code")) e.style.whiteSpace = "normal";
		document.querySelector("#bad-grid-child").style.minInlineSize = "0";
	})()`))
	b.Step("position the scroll box", chromedp.Evaluate[chromedp.Void](`document.querySelector("#unpositioned-scroll").classList.add("positioned")`))
	for _, o := range b.Overflow(t, "fixture, fixed") {
		if !o.Scrolls {
			t.Errorf("the fixed fixture still overflows: %s", o)
		}
	}
	if t.Failed() {
		t.Logf("all found:\n%s", all)
	}
}
