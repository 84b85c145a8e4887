package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/web/webtest"
)

// moneyFigure reads "1,234.50 NOK" as written on an English page.
func moneyFigure(t *testing.T, text, currency string) decimal.Decimal {
	t.Helper()
	s, _, _ := strings.Cut(strings.TrimSpace(text), currency)
	s = strings.NewReplacer(",", "", "\u00a0", "", " ", "").Replace(s)
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("%q is not an amount in %s: %v", text, currency, err)
	}
	return d
}

// selectStates chooses the States of a multiple select by their codes, as
// a person does holding Ctrl.
func selectStates(sel string, codes ...string) chromedp.Action[chromedp.Void] {
	list := `["` + strings.Join(codes, `","`) + `"]`
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(() => { const s = document.querySelector(`+jsQuote(sel)+`);
			for (const o of s.options) o.selected = `+list+`.includes(o.value);
			s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)(ctx, t)
		return err
	})
}

// TestJourneyRegionalWorkshopFundedByNorwayServesKenyaUgandaAndTanzania:
// on the demo data, the Secretariat records a regional workshop for Kenya,
// Uganda and Tanzania under paragraphs 4 and 5, funded in part by Norway's
// demo contribution and answering Kenya's accepted need; it records the
// delivery and 32 participants; Kenya's focal point finds it on Kenya's
// page and confirms Kenya's participation; Norway's page counts the 32
// people its money trained; the contribution shows what is left of it; the
// map of the activities shades the three States.
func TestJourneyRegionalWorkshopFundedByNorwayServesKenyaUgandaAndTanzania(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	if _, err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	srv := webtest.NewServerOn(t, db)
	const title = "Regional workshop on the universal instruments for East Africa"

	var need struct {
		ID    int64
		Title string
	}
	if err := db.Raw(`SELECT n.id, n.title FROM needs n JOIN member_states s ON s.id = n.member_state_id
		WHERE s.iso3 = 'KEN' AND n.status = 'accepted' ORDER BY n.id LIMIT 1`).Scan(&need).Error; err != nil || need.ID == 0 {
		t.Fatalf("Kenya's accepted demo need: %v", err)
	}
	var grant struct {
		ID       int64
		Title    string
		Currency string
	}
	if err := db.Raw(`SELECT c.id, c.title, c.currency FROM contributions c JOIN donor_organizations d ON d.id = c.donor_organization_id
		WHERE d.slug = 'norway' AND c.kind = 'financial' AND c.status IN ('committed', 'paid') AND c.title LIKE '%(demo)'
		ORDER BY c.id LIMIT 1`).Scan(&grant).Error; err != nil || grant.ID == 0 {
		t.Fatalf("Norway's demo contribution: %v", err)
	}
	grantPath := fmt.Sprintf("/contributions/%d", grant.ID)

	// What Norway's donor sees before: its grant's balance, the people its
	// money trained.
	donor := webtest.NewBrowserAs(t, "Norway's donor")
	signInOn(t, donor, srv, grantPath, norwayDonor)
	balanceBefore := moneyFigure(t, facts(t, donor, "#use-title + dl")["Unspent balance"], grant.Currency)
	donor.Step("open Norway's page", chromedp.Navigate(srv.URL+"/donors/norway"))
	trainedBefore := facts(t, donor, "#delivered-title ~ dl.facts")["Participants"]

	sec := webtest.NewBrowserAs(t, "secretariat")
	signInOn(t, sec, srv, "/activities", secretariat)
	sec.Step("follow Record an activity",
		webtest.ClickLink(".actions-row", "Record an activity"),
		chromedp.WaitVisible(chromedp.CSS("#title")))
	sec.Step("fill the workshop's form",
		webtest.SelectOption("#kind", "Regional or subregional workshop"),
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		typeDate("#start_date", "2026-11-09"),
		typeDate("#end_date", "2026-11-12"),
		chromedp.SendKeys(chromedp.CSS("#city"), "Nairobi"),
		webtest.SelectOption("#place_state", "Kenya"),
		selectStates("#states", "KEN", "UGA", "TZA"),
		webtest.Click(`label[for="paragraph-4"]`),
		webtest.Click(`label[for="paragraph-5"]`),
		webtest.Click(`label[for="partner-cted"]`),
		chromedp.SendKeys(chromedp.CSS("#needs"), fmt.Sprint(need.ID)),
		chromedp.SendKeys(chromedp.CSS("#funding_0"), fmt.Sprint(grant.ID)),
		chromedp.SendKeys(chromedp.CSS("#funding_0_amount"), "10000"),
		webtest.Click(`label[for="public"]`))
	sec.Step("save the workshop", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	m := activityPathRE.FindStringSubmatch(path(t, sec))
	if m == nil {
		t.Fatalf("after saving the browser is on %q; the page says %q", path(t, sec), sec.Text("main"))
	}
	activityPath := m[0]
	details := facts(t, sec, "dl.facts")
	if got := details["Beneficiary States"]; got != "Kenya, Uganda, United Republic of Tanzania" {
		t.Errorf("the workshop serves %q, want Kenya, Uganda and Tanzania", got)
	}
	if got := details["Operative paragraphs"]; got != "4, 5" {
		t.Errorf("the workshop is under paragraphs %q, want 4, 5", got)
	}
	if got := sec.Text("#activity-needs-title + ul"); !strings.Contains(got, need.Title) {
		t.Errorf("the workshop's needs %q lack Kenya's %q", got, need.Title)
	}
	if got := sec.Text("#activity-funding-title + ul"); !strings.Contains(got, grant.Title) || !strings.Contains(got, "10,000.00") {
		t.Errorf("the workshop's funding %q lacks 10,000 from %q", got, grant.Title)
	}

	sec.Step("record the delivery",
		webtest.Click(`label[for="to-delivered"]`),
		typeDate("#on", "2026-11-12"),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	sec.Step("follow Record results",
		webtest.ClickLink(".actions-row", "Record results"),
		chromedp.WaitVisible(chromedp.CSS("#women")))
	sec.Step("record 32 participants",
		chromedp.SendKeys(chromedp.CSS("#women"), "14"),
		chromedp.SendKeys(chromedp.CSS("#men"), "18"),
		chromedp.SendKeys(chromedp.CSS("#prosecutors"), "12"),
		chromedp.SendKeys(chromedp.CSS("#judges"), "8"),
		chromedp.SendKeys(chromedp.CSS("#police"), "6"),
		chromedp.SendKeys(chromedp.CSS("#legislators"), "6"),
		webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if got := path(t, sec); got != activityPath {
		t.Fatalf("after the results the browser is on %q; the page says %q", got, sec.Text("main"))
	}
	if got := sec.Text("#activity-sex caption"); got != "32 participants, by sex" {
		t.Errorf("the results say %q, want 32 participants, by sex", got)
	}

	// Kenya's focal point finds it on Kenya's page and confirms.
	focal := webtest.NewBrowserAs(t, "Kenya's focal point")
	signInOn(t, focal, srv, "/states/KEN", kenFocal)
	focal.Step("open the workshop from Kenya's page", webtest.ClickLink(".latest-activities", title))
	if got := path(t, focal); got != activityPath {
		t.Fatalf("Kenya's page links the workshop to %q, want %s", got, activityPath)
	}
	focal.Step("confirm Kenya's participation",
		webtest.SelectOption("#rating", "5 out of 5"),
		chromedp.SendKeys(chromedp.CSS("#feedback"), "Our prosecutors use the handbook daily."),
		webtest.ClickAndWait(`form[action$="/confirm"] button[type=submit]`))
	if got := flash(t, focal); got != "The participation was confirmed." {
		t.Errorf("after confirming, the flash is %q", got)
	}
	if got := focal.Text(".participation"); !strings.Contains(got, "5 out of 5") || !strings.Contains(got, "Our prosecutors use the handbook daily.") {
		t.Errorf("the participation %q does not show Kenya's rating and comment", got)
	}

	// Norway's money trained 32 more; its grant has 10,000 less left.
	donor.Step("reopen Norway's page", chromedp.Navigate(srv.URL+"/donors/norway"))
	before, after := 0, 0
	fmt.Sscan(strings.ReplaceAll(trainedBefore, ",", ""), &before)
	fmt.Sscan(strings.ReplaceAll(facts(t, donor, "#delivered-title ~ dl.facts")["Participants"], ",", ""), &after)
	if after != before+32 {
		t.Errorf("Norway's page counts %d people trained, %d before: want 32 more", after, before)
	}
	donor.Step("reopen the grant", chromedp.Navigate(srv.URL+grantPath))
	if got := moneyFigure(t, facts(t, donor, "#use-title + dl")["Unspent balance"], grant.Currency); !got.Equal(balanceBefore.Sub(decimal.NewFromInt(10000))) {
		t.Errorf("the grant's balance is %s, %s before: want 10,000 less", got, balanceBefore)
	}
	if got := donor.Text("#use-title ~ ul"); !strings.Contains(got, title) {
		t.Errorf("the grant's uses %q do not list the workshop", got)
	}

	// The map of Kenya's page shades the three States.
	focal.Step("open Kenya's page", chromedp.Navigate(srv.URL+"/states/KEN"))
	for _, code := range []string{"KEN", "UGA", "TZA"} {
		var shaded bool
		evalJS(t, focal, "reading the map", `!!document.querySelector('#state-map a[href="/activities?state=`+code+`"] path[class*="map-step-"]')`, &shaded)
		if !shaded {
			t.Errorf("the map of Kenya's page does not shade %s", code)
		}
	}
}
