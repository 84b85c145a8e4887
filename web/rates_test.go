package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// rateClient invites email to a role (unless it is "") and signs it in.
func rateClient(t *testing.T, srv *webtest.Server, email string, role models.Role, scope string) *webtest.Client {
	t.Helper()
	if role != "" {
		srv.Invite(t, email, role, scope)
	}
	c := srv.Client()
	c.SignIn(t, email)
	return c
}

func rateRows(t *testing.T, srv *webtest.Server) int64 {
	t.Helper()
	var n int64
	if err := srv.DB.Table("exchange_rates").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// rateUpload submits the import form with a file, as a browser does; name
// "" sends the form without one.
func rateUpload(t *testing.T, srv *webtest.Server, c *webtest.Client, tok, name, content string) *webtest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", tok)
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write([]byte(content))
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/admin/rates/import", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return &webtest.Response{Response: resp, Body: b.String()}
}

func rateFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/rates/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func refusedToSignIn(r *webtest.Response) bool {
	return r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/auth/login")
}

func TestOnlyAdministratorsKeepTheExchangeRates(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := rateClient(t, srv, "admin@example.org", models.RoleAdmin, "")
	tok := webtest.CSRFToken(t, admin.Get(t, "/admin/rates/new"))
	if r := admin.PostForm(t, "/admin/rates", url.Values{"_csrf": {tok}, "version": {"0"}, "currency": {"EUR"}, "month": {"2024-01"}, "rate": {"0.915"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("an administrator adding a rate: %d", r.StatusCode)
	}
	pages := []string{"/admin/rates", "/admin/rates?currency=EUR&year=2024", "/admin/rates/new", "/admin/rates/import", "/admin/rates/EUR/2024-01"}
	for _, p := range pages {
		if r := admin.Get(t, p); r.StatusCode != http.StatusOK {
			t.Errorf("an administrator opening %s: %d", p, r.StatusCode)
		}
	}
	if r := admin.Get(t, "/admin/rates"); !strings.Contains(r.Body, `href="/admin/rates"`) || !strings.Contains(r.Body, `aria-current="page"`) {
		t.Error("the administration's navigation does not lead to the rates")
	}
	for _, p := range []string{"/admin/rates/EUR/2023-01", "/admin/rates/eur/2024-01", "/admin/rates/EUR/2024-1", "/admin/rates/USD/2024-01"} {
		if r := admin.Get(t, p); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, r.StatusCode)
		}
	}

	others := map[string]*webtest.Client{
		"the Secretariat": rateClient(t, srv, "secretariat@example.org", models.RoleSecretariat, ""),
		"a focal point":   rateClient(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN"),
		"a donor":         rateClient(t, srv, "donor.nor@example.org", models.RoleDonor, "norway"),
		"a viewer":        rateClient(t, srv, "viewer@example.org", models.RoleViewer, ""),
		"anonymous":       srv.Client(),
	}
	for who, c := range others {
		refused := func(r *webtest.Response) bool {
			return r.StatusCode == http.StatusForbidden || (who == "anonymous" && refusedToSignIn(r))
		}
		for _, p := range pages {
			if r := c.Get(t, p); !refused(r) {
				t.Errorf("%s GET %s: %d", who, p, r.StatusCode)
			}
		}
		tok := csrfCookie(t, srv, c)
		if r := c.PostForm(t, "/admin/rates", url.Values{"_csrf": {tok}, "version": {"0"}, "currency": {"JPY"}, "month": {"2024-01"}, "rate": {"141.47"}}); !refused(r) {
			t.Errorf("%s adding a rate: %d", who, r.StatusCode)
		}
		if r := c.PostForm(t, "/admin/rates/EUR/2024-01", url.Values{"_csrf": {tok}, "version": {"1"}, "currency": {"EUR"}, "month": {"2024-01"}, "rate": {"1"}}); !refused(r) {
			t.Errorf("%s changing a rate: %d", who, r.StatusCode)
		}
		if r := rateUpload(t, srv, c, tok, "rates.csv", rateFile(t, "valid.csv")); !refused(r) {
			t.Errorf("%s importing rates: %d", who, r.StatusCode)
		}
	}
	if n := rateRows(t, srv); n != 1 {
		t.Errorf("%d rates stored, want the administrator's one", n)
	}
	// The Secretariat's administration pages do not offer the rates.
	if r := others["the Secretariat"].Get(t, "/admin/periods"); r.StatusCode != http.StatusOK || strings.Contains(r.Body, `href="/admin/rates"`) {
		t.Errorf("the Secretariat's /admin/periods (%d) links to the rates", r.StatusCode)
	}
}

func TestABadRateComesBackWithTheMessageBesideTheFieldAndStoresNothing(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := rateClient(t, srv, "admin@example.org", models.RoleAdmin, "")
	tok := webtest.CSRFToken(t, admin.Get(t, "/admin/rates/new"))
	for _, tc := range []struct {
		name                  string
		currency, month, rate string
		field, msg, kept      string
	}{
		{"no currency", "", "2024-01", "0.915", "currency", "This field is required.", `value="0.915"`},
		{"an unknown currency", "XYZ", "2024-01", "0.915", "currency", "Choose an ISO 4217 currency.", `value="2024-01"`},
		{"the US dollar", "USD", "2024-01", "1", "currency", "The US dollar needs no rate", `value="2024-01"`},
		{"a month 13", "EUR", "2024-13", "0.915", "month", "Enter the month as YYYY-MM, e.g. 2024-01.", `value="2024-13"`},
		{"a month before 2000", "EUR", "1999-12", "0.915", "month", "Enter a month from 2000-01 to", `value="1999-12"`},
		{"a rate of zero", "EUR", "2024-01", "0", "rate", "The rate must be more than zero.", `value="0"`},
		{"a negative rate", "EUR", "2024-01", "-0.915", "rate", "The rate must be more than zero.", `value="-0.915"`},
		{"nine decimals", "EUR", "2024-01", "0.123456789", "rate", "Use at most 8 decimals.", `value="0.123456789"`},
		{"a huge rate", "EUR", "2024-01", "1000000000000", "rate", "The rate must be less than", `value="1000000000000"`},
		{"a decimal comma", "EUR", "2024-01", "0,915", "rate", "with a point before the decimals", `value="0,915"`},
		{"invalid UTF-8", "EUR", "2024-01", "0.9\xff", "rate", "characters that cannot be stored", `<option value="EUR" selected>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := admin.PostForm(t, "/admin/rates", url.Values{"_csrf": {tok}, "version": {"0"}, "currency": {tc.currency}, "month": {tc.month}, "rate": {tc.rate}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			beside := regexp.MustCompile(`(?s)<p class="field-error" id="` + tc.field + `-error">([^<]*)</p>\s*<(input|select)[^>]*id="` + tc.field + `"[^>]*aria-invalid="true"`)
			if m := beside.FindStringSubmatch(resp.Body); m == nil || !strings.Contains(m[1], tc.msg) {
				t.Errorf("no message %q beside %s", tc.msg, tc.field)
			}
			if !strings.Contains(resp.Body, `href="#`+tc.field+`"`) {
				t.Errorf("the error summary does not link to %s", tc.field)
			}
			if !strings.Contains(resp.Body, tc.kept) {
				t.Errorf("the input %s is not kept", tc.kept)
			}
		})
	}
	// An existing rate's form: the same, with its currency and month fixed.
	if r := admin.PostForm(t, "/admin/rates", url.Values{"_csrf": {tok}, "version": {"0"}, "currency": {"eur"}, "month": {"2024-01"}, "rate": {"0.915"}}); r.StatusCode != http.StatusSeeOther ||
		r.Header.Get("Location") != "/admin/rates?currency=EUR" {
		t.Fatalf("a good rate: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	resp := admin.PostForm(t, "/admin/rates/EUR/2024-01", url.Values{"_csrf": {tok}, "version": {"1"}, "currency": {"EUR"}, "month": {"2024-01"}, "rate": {"0.9154321012"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Use at most 8 decimals.") || !strings.Contains(resp.Body, `value="0.9154321012"`) {
		t.Errorf("a bad edit: %d", resp.StatusCode)
	}
	if n := rateRows(t, srv); n != 1 {
		t.Errorf("%d rates stored, want 1", n)
	}
}

func TestAStaleRateSaveIsA409ShowingBothVersions(t *testing.T) {
	srv := webtest.NewServer(t)
	one := rateClient(t, srv, "admin@example.org", models.RoleAdmin, "")
	two := rateClient(t, srv, "admin@example.org", "", "") // another window, another session
	tok1 := webtest.CSRFToken(t, one.Get(t, "/admin/rates/new"))
	tok2 := webtest.CSRFToken(t, two.Get(t, "/admin/rates/new"))
	if r := one.PostForm(t, "/admin/rates", url.Values{"_csrf": {tok1}, "version": {"0"}, "currency": {"JPY"}, "month": {"2024-01"}, "rate": {"141.47"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first add: %d", r.StatusCode)
	} else if page := one.Follow(t, r); !strings.Contains(page.Body, "Exchange rate saved.") || !strings.Contains(page.Body, "141.47") {
		t.Error("the list does not show the saved rate")
	}
	// The second administrator adds the same rate from a form opened
	// before: it comes back as the rate's edit form, both figures shown.
	mine := url.Values{"_csrf": {tok2}, "version": {"0"}, "currency": {"JPY"}, "month": {"2024-01"}, "rate": {"141.5"}}
	stale := two.PostForm(t, "/admin/rates", mine)
	if stale.StatusCode != http.StatusConflict {
		t.Fatalf("second add: %d, want 409", stale.StatusCode)
	}
	for _, want := range []string{"Someone saved this rate while you were working", "Saved meanwhile", "<td dir=\"auto\" class=\"conflict-text\">141.47</td>", "<td dir=\"auto\" class=\"conflict-text\">141.5</td>",
		`value="141.5"`, `name="version" value="1"`, `action="/admin/rates/JPY/2024-01"`} {
		if !strings.Contains(stale.Body, want) {
			t.Errorf("the 409 page lacks %q", want)
		}
	}
	// Both edit version 1; the first wins, the second sees both.
	edit := url.Values{"_csrf": {tok1}, "version": {"1"}, "currency": {"JPY"}, "month": {"2024-01"}, "rate": {"142"}}
	if r := one.PostForm(t, "/admin/rates/JPY/2024-01", edit); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.StatusCode)
	}
	mine.Set("version", "1")
	stale = two.PostForm(t, "/admin/rates/JPY/2024-01", mine)
	if stale.StatusCode != http.StatusConflict || !strings.Contains(stale.Body, `name="version" value="2"`) || !strings.Contains(stale.Body, `class="conflict-text">142</td>`) {
		t.Fatalf("stale edit: %d", stale.StatusCode)
	}
	var rate string
	srv.DB.Raw("SELECT units_per_usd::text FROM exchange_rates WHERE currency = 'JPY'").Scan(&rate)
	if rate != "142.00000000" {
		t.Errorf("the stale save changed the rate to %s", rate)
	}
	// Saving again from the conflict page, knowingly, replaces it.
	mine.Set("version", "2")
	if r := two.PostForm(t, "/admin/rates/JPY/2024-01", mine); r.StatusCode != http.StatusSeeOther {
		t.Errorf("save after the conflict: %d", r.StatusCode)
	}
	var events int64
	srv.DB.Model(&models.AuditEvent{}).Where("action IN ('rate.created', 'rate.changed') AND target_id = 'JPY/2024-01'").Count(&events)
	if events != 3 {
		t.Errorf("%d audit events, want 3", events)
	}
}

func TestAnAdministratorImportsRatesAllOrNothing(t *testing.T) {
	srv := webtest.NewServer(t)
	admin := rateClient(t, srv, "admin@example.org", models.RoleAdmin, "")
	form := admin.Get(t, "/admin/rates/import")
	if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, "currency,month,units_per_usd") || !strings.Contains(form.Body, `enctype="multipart/form-data"`) {
		t.Fatalf("import form: %d", form.StatusCode)
	}
	tok := webtest.CSRFToken(t, form)

	none := rateUpload(t, srv, admin, tok, "", "")
	if none.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(none.Body, "Choose a CSV file to import.") {
		t.Errorf("no file: %d", none.StatusCode)
	}
	bad := rateUpload(t, srv, admin, tok, "rates.csv", rateFile(t, "one_bad_row.csv"))
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a file with one bad row: %d", bad.StatusCode)
	}
	row := regexp.MustCompile(`(?s)<th scope="row" class="num">4</th>\s*<td>\s*<code>units_per_usd</code>\s*</td>\s*<td>The rate must be more than zero.</td>`)
	if !row.MatchString(bad.Body) || !strings.Contains(bad.Body, `id="rate-problems"`) {
		t.Error("the problems table does not name line 4, column units_per_usd")
	}
	if !regexp.MustCompile(`<p class="field-error" id="file-error">Nothing was imported: the file has 1 problem, shown below.</p>`).MatchString(bad.Body) ||
		!strings.Contains(bad.Body, `href="#file"`) {
		t.Error("the refusal is not beside the file field")
	}
	many := rateUpload(t, srv, admin, tok, "rates.csv", rateFile(t, "bad_rows.csv"))
	if many.StatusCode != http.StatusUnprocessableEntity || strings.Count(many.Body, `<th scope="row" class="num">`) != 10 ||
		!strings.Contains(many.Body, "This currency and month are already on line 10.") || !strings.Contains(many.Body, "The whole line") {
		t.Errorf("a file with many bad rows: %d", many.StatusCode)
	}
	if n := rateRows(t, srv); n != 0 {
		t.Fatalf("%d rates stored from refused files", n)
	}

	for _, tc := range []struct{ file, flash string }{
		{"valid.csv", "Imported 6 rates: 6 added, 0 changed, 0 unchanged."},
		{"valid.csv", "Imported 6 rates: 0 added, 0 changed, 6 unchanged."},
		{"changed.csv", "Imported 7 rates: 1 added, 1 changed, 5 unchanged."},
	} {
		up := rateUpload(t, srv, admin, tok, tc.file, rateFile(t, tc.file))
		if up.StatusCode != http.StatusSeeOther || up.Header.Get("Location") != "/admin/rates" {
			t.Fatalf("uploading %s: %d\n%s", tc.file, up.StatusCode, up.Body)
		}
		if page := admin.Follow(t, up); !strings.Contains(page.Body, tc.flash) {
			t.Errorf("after %s the list does not say %q", tc.file, tc.flash)
		}
	}
	if n := rateRows(t, srv); n != 7 {
		t.Errorf("%d rates, want 7", n)
	}
	// The list, filtered: one currency, one year.
	jpy := admin.Get(t, "/admin/rates?currency=JPY&year=2024")
	if jpy.StatusCode != http.StatusOK || strings.Count(jpy.Body, `href="/admin/rates/JPY/`) != 2 || strings.Contains(jpy.Body, `href="/admin/rates/EUR/`) ||
		!strings.Contains(jpy.Body, "148.1") || !strings.Contains(jpy.Body, `<option value="JPY" selected>`) {
		t.Errorf("the list filtered by JPY in 2024: %d", jpy.StatusCode)
	}
	if r := admin.Get(t, "/admin/rates?year=2023"); !strings.Contains(r.Body, "No rate matches these filters.") {
		t.Error("the list of 2023 is not empty")
	}
	if r := admin.Get(t, "/admin/rates/EUR/2024-02"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `value="0.93"`) || !strings.Contains(r.Body, `name="version" value="2"`) {
		t.Errorf("the changed rate's form: %d", r.StatusCode)
	}
}
