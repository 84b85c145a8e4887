package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ctap/models"
	"ctap/web/webtest"
)

// The journeys walk whole tasks as people do them, in a real Chromium
// against a real CTAP over a fresh PostgreSQL, signing in through the
// development OpenID Provider's own form. When one fails, the screenshots of
// its steps are written under .cache/test-screenshots/<TestName>/.

// maxTabs bounds every walk with the Tab key, so that an element that cannot
// be reached fails the journey instead of looping.
const maxTabs = 30

// TestJourneyAdminInvitesAFocalPointWhoSignsInAndOut is the journey of
// issue 3: an administrator invites Indonesia's focal point, who signs in,
// finds their State's workspace and signs out again.
func TestJourneyAdminInvitesAFocalPointWhoSignsInAndOut(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	srv.Invite(t, "admin@example.org", models.RoleAdmin, "")

	// The administrator, in one browser.
	admin := webtest.NewBrowser(t)
	admin.Step("open the overview", chromedp.Navigate(srv.URL+"/"))
	signInThroughForm(t, admin, "admin@example.org")
	if got := path(t, admin); got != "/admin/users" {
		t.Fatalf("the administrator lands on %q, want /admin/users", got)
	}

	admin.Step("follow Invite someone",
		webtest.ClickLink(".actions-row", "Invite someone"),
		chromedp.WaitVisible(chromedp.CSS("#email")))
	admin.Step("invite focal.idn@example.org as Indonesia's focal point",
		chromedp.SendKeys(chromedp.CSS("#email"), "focal.idn@example.org"),
		webtest.SelectOption("#role", "Focal point"),
		webtest.SelectOption("#state", "Indonesia"))
	admin.Step("create the invitation", webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if got := admin.Text(".flash"); !strings.Contains(got, "Invitation created for focal.idn@example.org") {
		t.Errorf("flash message %q, want it to say Invitation created for focal.idn@example.org", got)
	}
	if got := path(t, admin); got != "/admin/invitations" {
		t.Errorf("after the invitation the administrator is on %q, want /admin/invitations", got)
	}
	row := invitationRow(t, admin, "focal.idn@example.org")
	for _, want := range []string{"Focal point", "Indonesia"} {
		if !strings.Contains(row, want) {
			t.Errorf("the invitations list shows focal.idn@example.org as %q, want it to say %s", row, want)
		}
	}

	// The focal point, in another browser with its own cookies.
	focal := webtest.NewBrowser(t)
	focal.Step("open the overview", chromedp.Navigate(srv.URL+"/"))
	signInThroughForm(t, focal, "focal.idn@example.org")
	if got := path(t, focal); got != "/states/IDN" {
		t.Fatalf("the focal point lands on %q, want /states/IDN", got)
	}
	if got := focal.Text("main h1"); got != "Indonesia" {
		t.Errorf("h1 %q, want Indonesia", got)
	}
	if got := focal.Text("section.workspace h2"); got != "Your workspace" {
		t.Errorf("workspace heading %q, want Your workspace", got)
	}

	focal.Step("sign out from the header",
		webtest.ClickAndWait(".account-menu form.sign-out-form button"),
		chromedp.WaitVisible(chromedp.CSS(".account-menu a")))
	if got := path(t, focal); got != "/" {
		t.Errorf("after signing out the browser is on %q, want the portal's home /", focal.Location())
	}
	if !strings.HasPrefix(focal.Location(), srv.URL+"/") {
		t.Errorf("after signing out the browser is on %q, not on the portal", focal.Location())
	}
	if got := focal.Text(".account-menu a"); got != "Sign in" {
		t.Errorf("after signing out the header's account link says %q, want Sign in", got)
	}
	if focal.Exists("form.sign-out-form") {
		t.Error("after signing out the page still offers Sign out")
	}

	focal.Step("open /account signed out",
		chromedp.Navigate(srv.URL+"/account"),
		chromedp.WaitVisible(chromedp.CSS("input[name=username]")))
	if loc := focal.Location(); !strings.Contains(loc, "/dev-idp/") {
		t.Errorf("/account signed out ends on %q, want the provider's sign-in form", loc)
	}
}

// TestJourneyKeyboardOnlySignIn signs in with the keyboard alone: Tab,
// Enter and typing, every focused element showing where the focus is.
func TestJourneyKeyboardOnlySignIn(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	srv.Invite(t, "viewer@example.org", models.RoleViewer, "")
	b := webtest.NewBrowser(t)
	b.SetViewport(1280, 800)

	b.Step("open the overview", chromedp.Navigate(srv.URL+"/"))
	tabTo(t, b, "the header's Sign in link", func(el webtest.ActiveElement) bool {
		return el.Tag == "a" && el.Text == "Sign in" && strings.HasPrefix(el.Href, "/auth/login")
	})
	b.Step("press Enter on Sign in",
		webtest.WaitNavigation(chromedp.KeyEvent(kb.Enter)),
		chromedp.WaitVisible(chromedp.CSS("input[name=username]")))

	tabTo(t, b, "the provider's username field", func(el webtest.ActiveElement) bool {
		return el.Tag == "input" && el.Name == "username"
	})
	b.Step("type the email address", chromedp.KeyEvent("viewer@example.org"))
	tabTo(t, b, "the provider's password field", func(el webtest.ActiveElement) bool {
		return el.Tag == "input" && el.Name == "password"
	})
	b.Step("type the password", chromedp.KeyEvent(webtest.Password))
	b.Step("press Enter in the password field",
		webtest.WaitNavigation(chromedp.KeyEvent(kb.Enter)),
		chromedp.WaitVisible(chromedp.CSS(".account-menu")))

	if loc := b.Location(); !strings.HasPrefix(loc, srv.URL+"/") || strings.Contains(loc, "/dev-idp/") || strings.Contains(loc, "/auth/") {
		t.Fatalf("after the keyboard sign-in the browser is on %q, want a page of the portal", loc)
	}
	if !b.Exists(".account-menu .account-name") {
		t.Fatalf("after the keyboard sign-in on %s the header shows no account name: %q", b.Location(), b.Text(".account-menu"))
	}
	if got := b.Text(".account-menu .account-name"); got != "Victor Viewer (demo)" {
		t.Errorf("the header's account name is %q, want Victor Viewer (demo)", got)
	}
}

// TestJourneyKeyboardOnlyFilterForm filters the Member States with the
// keyboard alone and reaches the results' scrolling region.
func TestJourneyKeyboardOnlyFilterForm(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	b := webtest.NewBrowser(t)

	b.Step("open the Member States", chromedp.Navigate(srv.URL+"/states"))
	tabTo(t, b, "the search field #q", func(el webtest.ActiveElement) bool {
		return el.Tag == "input" && el.ID == "q"
	})
	b.Step("type ken", chromedp.KeyEvent("ken"))
	tabTo(t, b, "the regional group select #group", func(el webtest.ActiveElement) bool {
		return el.Tag == "select" && el.ID == "group"
	})
	tabTo(t, b, "the Show button", func(el webtest.ActiveElement) bool {
		return el.Tag == "button" && el.Text == "Show"
	})
	b.Step("press Enter on Show", webtest.WaitNavigation(chromedp.KeyEvent(kb.Enter)))

	if u, err := url.Parse(b.Location()); err != nil || u.Query().Get("q") != "ken" {
		t.Errorf("location %q does not keep the search q=ken", b.Location())
	}
	if got := b.Text(".result-count"); !strings.Contains(got, "1 of 193") {
		t.Errorf("result count %q, want 1 of 193", got)
	}
	if got := b.Text("table.data-table tbody"); !strings.Contains(got, "Kenya") {
		t.Errorf("the results %q do not list Kenya", got)
	}

	tabTo(t, b, "the results' scrolling region div.table-scroll", func(webtest.ActiveElement) bool {
		return b.Exists("div.table-scroll:focus")
	})
}

// TestJourneyPendingNewcomerSeesThePublicPagesUnderABanner signs in
// someone nobody invited: they land on the page saying their account
// awaits approval, and read the public pages as a visitor, under a banner
// that says so.
func TestJourneyPendingNewcomerSeesThePublicPagesUnderABanner(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	b := webtest.NewBrowser(t)

	b.Step("open the overview", chromedp.Navigate(srv.URL+"/"))
	signInThroughForm(t, b, "newcomer@example.org")
	if got := path(t, b); got != "/pending" {
		t.Errorf("the newcomer lands on %q, want /pending", got)
	}
	if got := b.Text("main h1"); got != "Your account is awaiting approval" {
		t.Errorf("h1 %q, want Your account is awaiting approval", got)
	}
	if got := b.Text("main"); !strings.Contains(got, "newcomer@example.org") {
		t.Errorf("the waiting page does not name the account newcomer@example.org: %q", got)
	}

	b.Step("open the Member States", chromedp.Navigate(srv.URL+"/states"))
	if got := path(t, b); got != "/states" {
		t.Errorf("the newcomer opening /states ends on %q, want /states", got)
	}
	if got := b.Text("main h1"); got != "Member States" {
		t.Errorf("after opening /states the h1 is %q, want Member States", got)
	}
	if got := b.Text("#pending-banner"); !strings.Contains(got, "awaiting approval") {
		t.Errorf("the banner says %q, want that the account awaits approval", got)
	}
}

// signInThroughForm follows the header's Sign in link from the page the
// browser is on and completes the provider's sign-in form as email.
func signInThroughForm(t *testing.T, b *webtest.Browser, email string) {
	t.Helper()
	b.Step("follow Sign in in the header",
		webtest.ClickLink(".account-menu", "Sign in"),
		chromedp.WaitVisible(chromedp.CSS("input[name=username]")))
	b.Step("fill the provider's form as "+email,
		chromedp.SendKeys(chromedp.CSS("input[name=username]"), email),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), webtest.Password))
	b.Step("submit the provider's form",
		webtest.ClickAndWait("form button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS(".account-menu")))
}

// tabTo presses Tab until the focused element is the one wanted, at most
// maxTabs times. Every element the focus stops on must show a focus
// indicator; the journey fails naming the first that does not.
func tabTo(t *testing.T, b *webtest.Browser, what string, want func(webtest.ActiveElement) bool) webtest.ActiveElement {
	t.Helper()
	var stops []string
	for i := 1; i <= maxTabs; i++ {
		b.PressTab(1)
		el := b.ActiveElement()
		stops = append(stops, describeElement(el))
		if !el.OutlineVisible {
			b.Step(fmt.Sprintf("Tab %d on the way to %s", i, what)) // a screenshot
			t.Fatalf("on %s, Tab %d (on the way to %s) focuses %s, which shows no focus indicator (outline %q, box-shadow %q)",
				b.Location(), i, what, describeElement(el), el.Outline, el.BoxShadow)
		}
		if want(el) {
			b.Step(fmt.Sprintf("Tab to %s", what)) // a screenshot of the focused element
			return el
		}
	}
	t.Fatalf("on %s, %s was not reached in %d Tabs; the focus went through %s",
		b.Location(), what, maxTabs, strings.Join(stops, ", "))
	return webtest.ActiveElement{}
}

// describeElement names a focused element in a failure message.
func describeElement(el webtest.ActiveElement) string {
	var sb strings.Builder
	sb.WriteString("<" + el.Tag)
	if el.ID != "" {
		fmt.Fprintf(&sb, " id=%q", el.ID)
	}
	if el.Name != "" {
		fmt.Fprintf(&sb, " name=%q", el.Name)
	}
	if el.Href != "" {
		fmt.Fprintf(&sb, " href=%q", el.Href)
	}
	sb.WriteString(">")
	if text := el.Text; text != "" {
		if len(text) > 40 {
			text = text[:40] + "…"
		}
		fmt.Fprintf(&sb, " %q", text)
	}
	return sb.String()
}

// path is the path of the browser's page.
func path(t *testing.T, b *webtest.Browser) string {
	t.Helper()
	u, err := url.Parse(b.Location())
	if err != nil {
		t.Fatalf("the browser's location: %v", err)
	}
	return u.Path
}

// invitationRow is the text of the invitations table's row for email.
func invitationRow(t *testing.T, b *webtest.Browser, email string) string {
	t.Helper()
	for _, row := range strings.Split(b.Text("table.data-table tbody"), "\n") {
		if strings.Contains(row, email) {
			return row
		}
	}
	t.Fatalf("the invitations list does not show %s: %q", email, b.Text("table.data-table tbody"))
	return ""
}
