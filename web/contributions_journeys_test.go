package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/web/webtest"
)

// The contributions journey runs on the demo data `make run` loads, with
// the demo accounts of Norway's donor and the Secretariat.

const (
	norwayDonor = "donor.nor@example.org"
)

var contributionPathRE = regexp.MustCompile(`^/contributions/(\d+)$`)

// usdFigure reads "1,234,567.89 USD" as written on an English page.
func usdFigure(t *testing.T, text string) decimal.Decimal {
	t.Helper()
	s := strings.TrimSpace(text)
	s, _, _ = strings.Cut(s, "USD")
	s = strings.NewReplacer(",", "", "\u00a0", "", " ", "").Replace(s)
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("%q is not a figure in US dollars: %v", text, err)
	}
	return d
}

// facts reads a description list's terms and their descriptions, as
// written (the style shows the terms in capitals), white space collapsed
// as the browser shows it.
func facts(t *testing.T, b *webtest.Browser, sel string) map[string]string {
	t.Helper()
	out := map[string]string{}
	evalJS(t, b, "reading the facts of "+sel, `Object.fromEntries([...document.querySelectorAll(`+jsQuote(sel+" dt")+`)]
		.map(dt => [dt.textContent.replace(/\s+/g, " ").trim(), dt.nextElementSibling?.textContent.replace(/\s+/g, " ").trim() ?? ""]))`, &out)
	return out
}

// TestJourneyDonorFundsANeedAndTheSecretariatConfirmsReceipt: Norway's
// donor finds the need with the largest funding gap among those shared
// with donors, pledges 50,000 US dollars against it from the need's page
// (public) and records a second, private pledge; the Secretariat finds the
// pledge, confirms its receipt and verifies it; the need's funding and
// Norway's page show it; an anonymous visitor sees the public contribution
// on Norway's page but not the private one.
func TestJourneyDonorFundsANeedAndTheSecretariatConfirmsReceipt(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	if _, err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	srv := webtest.NewServerOn(t, db)
	const (
		grant   = "Journey grant for the need"
		private = "Journey private pledge"
	)

	donor := webtest.NewBrowserAs(t, "Norway's donor")
	signInOn(t, donor, srv, "/contributions", norwayDonor)
	donor.Step("follow Needs waiting for funding", webtest.ClickLink(".actions-row", "Needs waiting for funding"))
	if got := donor.Location(); !strings.Contains(got, "funding=gap") || !strings.Contains(got, "sort=gap") {
		t.Fatalf("Needs waiting for funding leads to %q, want the needs with a gap, largest first", got)
	}
	var first struct{ Title, Gap string }
	evalJS(t, donor, "reading the first row", `(() => {
		const h = [...document.querySelectorAll("table.data-table thead th")].map(th => th.innerText.trim());
		const tr = document.querySelector("table.data-table tbody tr");
		if (!tr) return {Title: "", Gap: ""};
		const cells = [...tr.children].map(c => c.innerText.trim());
		return {Title: cells[0], Gap: cells[h.indexOf("Gap (USD)")] ?? ""};
	})()`, &first)
	if first.Title == "" {
		t.Fatalf("no need waits for funding in the demo data; the page says %q", donor.Text("main"))
	}
	gapBefore := usdFigure(t, first.Gap)
	if !gapBefore.IsPositive() {
		t.Fatalf("the first need's gap is %q, want a positive figure", first.Gap)
	}
	donor.Step("open the need with the largest gap", webtest.ClickLink("table.data-table tbody", first.Title))
	needPath := path(t, donor)
	if !needPathRE.MatchString(needPath) {
		t.Fatalf("the need's link leads to %q", needPath)
	}
	if got := usdFigure(t, facts(t, donor, "#funding-title + dl")["Gap"]); !got.Equal(gapBefore) {
		t.Errorf("the need's page says a gap of %s, the list %s", got, gapBefore)
	}
	fundedBefore := usdFigure(t, facts(t, donor, "#funding-title + dl")["Funding (committed and paid)"])

	donor.Step("follow Pledge against this need",
		webtest.ClickLink("section[aria-labelledby=funding-title]", "Pledge against this need"),
		chromedp.WaitVisible(chromedp.CSS("#title")))
	if got := inputValue(t, donor, "#earmark"); got != "need" {
		t.Errorf("the pledge form's earmark is %q, want the need", got)
	}
	if got := inputValue(t, donor, "#donor"); got != "norway" {
		t.Errorf("the pledge form's donor is %q, want Norway preselected", got)
	}
	donor.Step("fill the pledge and make it public",
		chromedp.SendKeys(chromedp.CSS("#title"), grant),
		chromedp.SendKeys(chromedp.CSS("#amount"), "50000"),
		webtest.Click(`label[for="public"]`))
	donor.Step("save the pledge", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	m := contributionPathRE.FindStringSubmatch(path(t, donor))
	if m == nil {
		t.Fatalf("after saving the pledge the browser is on %q; the page says %q", path(t, donor), donor.Text("main"))
	}
	contributionPath := m[0]
	if got := donor.Text("main h1"); got != grant {
		t.Errorf("the contribution's title is %q, want %q", got, grant)
	}
	if donor.Exists("#to-paid") {
		t.Error("the donor is offered to confirm receipt of its own pledge")
	}

	donor.Step("record a private pledge",
		chromedp.Navigate(srv.URL+"/contributions/new"),
		chromedp.WaitVisible(chromedp.CSS("#title")),
		chromedp.SendKeys(chromedp.CSS("#title"), private),
		chromedp.SendKeys(chromedp.CSS("#amount"), "7000"),
		webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if !contributionPathRE.MatchString(path(t, donor)) {
		t.Fatalf("after saving the private pledge the browser is on %q; the page says %q", path(t, donor), donor.Text("main"))
	}

	// The Secretariat confirms receipt.
	sec := webtest.NewBrowserAs(t, "secretariat")
	signInOn(t, sec, srv, "/contributions", secretariat)
	sec.Step("show Norway's pledges",
		webtest.SelectOption("#donor", "Norway"),
		webtest.SelectOption("#status", "Pledged"),
		webtest.ClickAndWait("form.filter-bar button[type=submit]"))
	sec.Step("open the pledge", webtest.ClickLink("table.data-table tbody", grant))
	if got := path(t, sec); got != contributionPath {
		t.Fatalf("the list's link leads to %q, want %s", got, contributionPath)
	}
	sec.Step("confirm receipt",
		webtest.Click(`label[for="to-paid"]`),
		typeDate("#on", "2026-11-30"),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	if got := sec.Text("main"); !strings.Contains(got, "Paid") || !strings.Contains(got, "30 November 2026") {
		t.Errorf("after confirming receipt the page does not say Paid on 30 November 2026: %q", got)
	}
	sec.Step("verify it", webtest.ClickAndWait(`form[action$="/verify"] button[type=submit]`))
	if !sec.Exists(`form[action$="/verify"] input[name=verified][value=false]`) {
		t.Error("after verifying, the page does not offer to withdraw the verification")
	}

	// The need's funding counts the receipt.
	donor.Step("reopen the need", chromedp.Navigate(srv.URL+needPath))
	funding := facts(t, donor, "#funding-title + dl")
	if got, want := usdFigure(t, funding["Funding (committed and paid)"]), fundedBefore.Add(decimal.NewFromInt(50000)); !got.Equal(want) {
		t.Errorf("the need's funding is %s after the receipt, want %s", got, want)
	}
	wantGap := decimal.Max(gapBefore.Sub(decimal.NewFromInt(50000)), decimal.Zero)
	if got := usdFigure(t, funding["Gap"]); !got.Equal(wantGap) {
		t.Errorf("the need's gap is %s after the receipt, want %s", got, wantGap)
	}
	if got := donor.Text("section[aria-labelledby=funding-title] ul"); !strings.Contains(got, grant) || !strings.Contains(got, "Paid") {
		t.Errorf("the need's contributions %q do not list the paid grant", got)
	}

	// Norway's page lists both for its donor, the public one for anyone.
	donor.Step("open Norway's page", chromedp.Navigate(srv.URL+"/donors/norway"))
	if got := donor.Text("main"); !strings.Contains(got, grant) || !strings.Contains(got, private) {
		t.Errorf("Norway's page, as its donor, does not list both pledges")
	}
	anon := webtest.NewBrowserAs(t, "anonymous visitor")
	anon.Step("open Norway's page", chromedp.Navigate(srv.URL+"/donors/norway"))
	page := anon.Text("main")
	if !strings.Contains(page, grant) {
		t.Error("an anonymous visitor does not see the public grant on Norway's page")
	}
	if strings.Contains(page, private) {
		t.Error("an anonymous visitor sees Norway's private pledge")
	}
}
