package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctap/web/webtest"
)

func TestZZProbe(t *testing.T) {
	srv := webtest.NewServer(t)
	b := webtest.NewBrowser(t)
	for _, p := range []string{"/", "/states", "/paragraphs", "/instruments", "/donors"} {
		b.Run(chromedp.Navigate(srv.URL + p))
		s := time.Now()
		vs := b.Axe(t, p)
		t.Logf("%s: %d violations in %s", p, len(vs), time.Since(s))
		s = time.Now()
		vs = b.Axe(t, p)
		t.Logf("%s again: %d violations in %s", p, len(vs), time.Since(s))
	}
	b.Run(chromedp.Evaluate[chromedp.Void](`(() => { const i = document.createElement("img"); i.src = "/assets/img/logo.svg"; document.querySelector("main").append(i); const p = document.createElement("p"); p.textContent = "faint"; p.style.color = "#ccc"; document.querySelector("main").append(p); })()`))
	vs := b.Axe(t, "broken")
	t.Log(webtest.FormatViolations("broken", vs))
	t.Log(b.HTML()[:300])
}
