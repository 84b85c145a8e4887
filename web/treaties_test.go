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
	"time"

	"ctap/models"
	"ctap/web/webtest"
)

const treatyFinancing = "terrorist-financing-1999"

// treatySignIn invites email to a role (unless it is "") and signs it in.
func treatySignIn(t *testing.T, srv *webtest.Server, email string, role models.Role, scope string) *webtest.Client {
	t.Helper()
	if role != "" {
		srv.Invite(t, email, role, scope)
	}
	c := srv.Client()
	c.SignIn(t, email)
	return c
}

func treatyActionCount(t *testing.T, srv *webtest.Server) int64 {
	t.Helper()
	var n int64
	if err := srv.DB.Table("treaty_actions").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	var m int64
	if err := srv.DB.Table("treaty_incorporations").Count(&m).Error; err != nil {
		t.Fatal(err)
	}
	return n + m
}

// treatyMatrixRow is the HTML of one State's row of the matrix.
func treatyMatrixRow(t *testing.T, body, iso3 string) string {
	t.Helper()
	i := strings.Index(body, `<a href="/states/`+iso3+`/treaties">`)
	if i < 0 {
		t.Fatalf("the matrix has no row linking to /states/%s/treaties", iso3)
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

func TestAFocalPointRecordsARatificationAndTheMatrixShowsTheStateAsParty(t *testing.T) {
	srv := webtest.NewServer(t)
	fp := treatySignIn(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")

	page := fp.Get(t, "/states/KEN/treaties")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `href="/states/KEN/treaties/`+treatyFinancing+`"`) {
		t.Fatalf("state treaties page: %d, edit links shown: %v", page.StatusCode, strings.Contains(page.Body, "/treaties/"+treatyFinancing))
	}
	form := fp.Get(t, "/states/KEN/treaties/"+treatyFinancing)
	if form.StatusCode != http.StatusOK {
		t.Fatalf("form: %d", form.StatusCode)
	}
	resp := fp.PostForm(t, "/states/KEN/treaties/"+treatyFinancing, url.Values{
		"_csrf": {webtest.CSRFToken(t, form)}, "signature_date": {"2001-12-04"},
		"consent_kind": {"ratification"}, "consent_date": {"2003-06-27"},
		"level": {"partial"}, "note": {"Prevention of Terrorism Act, 2012"},
		"signature_version": {"0"}, "consent_version": {"0"}, "level_version": {"0"},
	})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/states/KEN/treaties" {
		t.Fatalf("save: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), resp.Body)
	}
	page = fp.Follow(t, resp)
	for _, want := range []string{"Treaty status saved.", "Party to 1 of the 19 instruments", "treaty-status-party", "Ratification", "27 June 2003", "Partly incorporated", "Prevention of Terrorism Act, 2012"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("state page lacks %q", want)
		}
	}

	// Anyone sees Kenya as a party in the matrix, and the counts.
	anon := srv.Client()
	m := anon.Get(t, "/instruments")
	if m.StatusCode != http.StatusOK {
		t.Fatalf("/instruments: %d", m.StatusCode)
	}
	row := treatyMatrixRow(t, m.Body, "KEN")
	if strings.Count(row, "treaty-status-party") != 1 || strings.Count(row, "treaty-status-not_party") != 18 {
		t.Errorf("Kenya's row: %d party cells, %d not party, want 1 and 18", strings.Count(row, "treaty-status-party"), strings.Count(row, "treaty-status-not_party"))
	}
	if !strings.Contains(row, `<td class="num">1</td>`) {
		t.Error("Kenya's row does not count 1 instrument")
	}
	if r := treatyMatrixRow(t, m.Body, "FRA"); strings.Contains(r, "treaty-status-party") {
		t.Error("France is shown as a party")
	}
	// Filtered by regional group: Kenya is among the African States, France
	// is not.
	african := anon.Get(t, "/instruments?group=african")
	if !strings.Contains(african.Body, "/states/KEN/treaties") || strings.Contains(african.Body, "/states/FRA/treaties") {
		t.Error("the African group's matrix is wrong")
	}
	// The export is the same table.
	csv := anon.Get(t, "/instruments?format=csv")
	if csv.StatusCode != http.StatusOK || !strings.Contains(csv.Body, "Kenya,") || !strings.Contains(csv.Body, "Financing") {
		t.Errorf("CSV export: %d", csv.StatusCode)
	}
	var events int64
	srv.DB.Model(&models.AuditEvent{}).Where("action IN ?", []string{"treaty.action_saved", "treaty.incorporation_saved"}).Count(&events)
	if events != 3 {
		t.Errorf("%d treaty audit events, want 3", events)
	}
}

func TestOnlyTheStatesOwnFocalPointsRecordItsTreatyActions(t *testing.T) {
	srv := webtest.NewServer(t)
	path := "/states/KEN/treaties/" + treatyFinancing
	clients := map[string]*webtest.Client{
		"another State's focal point": treatySignIn(t, srv, "focal.fra@example.org", models.RoleFocalPoint, "FRA"),
		"a donor":                     treatySignIn(t, srv, "donor.nor@example.org", models.RoleDonor, "norway"),
		"a viewer":                    treatySignIn(t, srv, "viewer@example.org", models.RoleViewer, ""),
		"the Secretariat":             treatySignIn(t, srv, "secretariat@example.org", models.RoleSecretariat, ""),
		"anonymous":                   srv.Client(),
	}
	for who, c := range clients {
		page := c.Get(t, "/states/KEN/treaties")
		if page.StatusCode != http.StatusOK {
			t.Errorf("%s reading the State's treaties: %d", who, page.StatusCode)
		}
		if strings.Contains(page.Body, path) {
			t.Errorf("%s is offered the edit form", who)
		}
		if r := c.Get(t, path); r.StatusCode != http.StatusForbidden && !(who == "anonymous" && treatySignInRedirect(r)) {
			t.Errorf("%s GET %s: %d", who, path, r.StatusCode)
		}
		resp := c.PostForm(t, path, url.Values{"_csrf": {csrfCookie(t, srv, c)}, "signature_date": {"2001-12-04"}, "signature_version": {"0"}})
		if resp.StatusCode != http.StatusForbidden && !(who == "anonymous" && treatySignInRedirect(resp)) {
			t.Errorf("%s POST %s: %d", who, path, resp.StatusCode)
		}
		if who != "the Secretariat" {
			imp := c.PostForm(t, "/instruments/import", url.Values{"_csrf": {csrfCookie(t, srv, c)}, "csv": {"iso3,instrument,action,date\nKEN," + treatyFinancing + ",signature,2001-12-04\n"}})
			if imp.StatusCode != http.StatusForbidden && !(who == "anonymous" && treatySignInRedirect(imp)) {
				t.Errorf("%s importing: %d", who, imp.StatusCode)
			}
		}
	}
	if n := treatyActionCount(t, srv); n != 0 {
		t.Errorf("%d rows stored by refused writes", n)
	}
}

// treatySignInRedirect: an anonymous visitor is sent to sign in, which is how
// the portal refuses them.
func treatySignInRedirect(r *webtest.Response) bool {
	return r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/auth/login")
}

func TestBadTreatyInputComesBackWithTheMessageBesideTheFieldAndStoresNothing(t *testing.T) {
	srv := webtest.NewServer(t)
	fp := treatySignIn(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	path := "/states/KEN/treaties/hague-1970"
	tok := webtest.CSRFToken(t, fp.Get(t, path))
	tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02")
	for _, tc := range []struct {
		name   string
		form   url.Values
		field  string
		msg    string
		kept   string
		status int
	}{
		{"date in the future", url.Values{"signature_date": {tomorrow}}, "signature_date", "The date cannot be in the future.", tomorrow, 422},
		{"date before adoption", url.Values{"signature_date": {"1970-12-15"}}, "signature_date", "before the instrument’s adoption (1970-12-16)", "1970-12-15", 422},
		{"ratification before the signature", url.Values{"signature_date": {"1980-05-02"}, "consent_kind": {"ratification"}, "consent_date": {"1980-05-01"}}, "consent_date", "cannot be dated before the signature", "1980-05-01", 422},
		{"ratification without signature", url.Values{"consent_kind": {"ratification"}, "consent_date": {"1980-05-01"}}, "consent_kind", "needs a signature first", "1980-05-01", 422},
		{"unknown act of consent", url.Values{"consent_kind": {"denunciation"}, "consent_date": {"1980-05-01"}}, "consent_kind", "Choose one of the options.", "1980-05-01", 422},
		{"not a date", url.Values{"signature_date": {"1980-02-30"}}, "signature_date", "Enter a date as YYYY-MM-DD", "1980-02-30", 422},
		{"invalid UTF-8", url.Values{"level": {"partial"}, "note": {"Act \xff\xfe"}}, "note", "characters that cannot be stored", "", 422},
		{"over-long text", url.Values{"level": {"partial"}, "note": {strings.Repeat("x", 1001)}}, "note", "Use at most 1000 characters.", strings.Repeat("x", 1001), 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("_csrf", tok)
			for _, v := range []string{"signature_version", "consent_version", "level_version"} {
				tc.form.Set(v, "0")
			}
			resp := fp.PostForm(t, path, tc.form)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			// The message sits beside its field, which is marked invalid.
			beside := regexp.MustCompile(`(?s)<p class="field-error" id="` + tc.field + `-error">([^<]*)</p>\s*<(input|select|textarea)[^>]*id="` + tc.field + `"[^>]*aria-invalid="true"`)
			m := beside.FindStringSubmatch(resp.Body)
			if m == nil || !strings.Contains(m[1], tc.msg) {
				t.Errorf("no message %q beside %s", tc.msg, tc.field)
			}
			if !strings.Contains(resp.Body, `href="#`+tc.field+`"`) {
				t.Errorf("the error summary does not link to %s", tc.field)
			}
			if tc.kept != "" && !strings.Contains(resp.Body, tc.kept) {
				t.Errorf("the input %q is not kept", tc.kept)
			}
		})
	}
	// An unknown instrument: no such form; in an import, its line and column.
	if r := fp.Get(t, "/states/KEN/treaties/no-such-treaty"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown instrument's form: %d", r.StatusCode)
	}
	sec := treatySignIn(t, srv, "secretariat@example.org", models.RoleSecretariat, "")
	imp := sec.PostForm(t, "/instruments/import", url.Values{"_csrf": {webtest.CSRFToken(t, sec.Get(t, "/instruments/import"))},
		"csv": {"iso3,instrument,action,date\nKEN,no-such-treaty,signature,2001-12-04\n"}})
	if imp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(imp.Body, "Line 2, column instrument: Use the code of one of the 19 instruments.") ||
		!strings.Contains(imp.Body, `id="csv-error"`) {
		t.Errorf("import naming an unknown instrument: %d", imp.StatusCode)
	}
	if n := treatyActionCount(t, srv); n != 0 {
		t.Errorf("%d rows stored from rejected input", n)
	}
}

func TestAStaleTreatySaveIsA409ShowingBothVersions(t *testing.T) {
	srv := webtest.NewServer(t)
	fp := treatySignIn(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	admin := treatySignIn(t, srv, "admin@example.org", models.RoleAdmin, "")
	path := "/states/KEN/treaties/" + treatyFinancing

	// Both open the empty form; the administrator saves first.
	fpForm := fp.Get(t, path)
	adForm := admin.Get(t, path)
	ok := admin.PostForm(t, path, url.Values{"_csrf": {webtest.CSRFToken(t, adForm)}, "signature_date": {"2001-12-04"},
		"signature_version": {"0"}, "consent_version": {"0"}, "level_version": {"0"}})
	if ok.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", ok.StatusCode)
	}
	mine := url.Values{"_csrf": {webtest.CSRFToken(t, fpForm)}, "signature_date": {"2001-12-05"}, "level": {"drafting"},
		"signature_version": {"0"}, "consent_version": {"0"}, "level_version": {"0"}}
	stale := fp.PostForm(t, path, mine)
	if stale.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: %d", stale.StatusCode)
	}
	for _, want := range []string{"Someone else saved this record first", "signature: 2001-12-04", "signature: 2001-12-05", `value="2001-12-05"`, `name="signature_version" value="1"`} {
		if !strings.Contains(stale.Body, want) {
			t.Errorf("the 409 page lacks %q", want)
		}
	}
	var rec struct{ ActionDate time.Time }
	srv.DB.Table("treaty_actions").Select("action_date").Take(&rec)
	if rec.ActionDate.Format("2006-01-02") != "2001-12-04" {
		t.Errorf("the stale save changed the signature to %s", rec.ActionDate)
	}
	// Saving again from the conflict page, knowingly, replaces it.
	mine.Set("signature_version", "1")
	if again := fp.PostForm(t, path, mine); again.StatusCode != http.StatusSeeOther {
		t.Errorf("save after the conflict: %d", again.StatusCode)
	}
}

func TestTheSecretariatImportsTreatyActionsAllOrNothing(t *testing.T) {
	srv := webtest.NewServer(t)
	sec := treatySignIn(t, srv, "secretariat@example.org", models.RoleSecretariat, "")
	form := sec.Get(t, "/instruments/import")
	if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, "iso3,instrument,action,date") {
		t.Fatalf("import form: %d", form.StatusCode)
	}
	tok := webtest.CSRFToken(t, form)
	read := func(name string) string {
		b, err := os.ReadFile("../testdata/treaties/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	bad := sec.PostForm(t, "/instruments/import", url.Values{"_csrf": {tok}, "csv": {read("one_bad_row.csv")}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Line 5, column date: The date cannot be before the instrument’s adoption (1970-12-16).") {
		t.Errorf("a file with one bad row: %d", bad.StatusCode)
	}
	if !strings.Contains(bad.Body, "FRA,hague-1970,ratification,1960-05-01") {
		t.Error("the refused file is not kept in the form")
	}
	if n := treatyActionCount(t, srv); n != 0 {
		t.Fatalf("%d actions stored from a refused file", n)
	}

	// The valid file, uploaded, then pasted: the second time changes nothing.
	up := treatyUpload(t, srv, sec, tok, read("valid.csv"))
	if up.StatusCode != http.StatusSeeOther || up.Header.Get("Location") != "/instruments" {
		t.Fatalf("upload: %d\n%s", up.StatusCode, up.Body)
	}
	if page := sec.Follow(t, up); !strings.Contains(page.Body, "Imported 7 rows: 7 new, 0 changed, 0 unchanged.") {
		t.Error("the import's result is not shown")
	}
	again := sec.PostForm(t, "/instruments/import", url.Values{"_csrf": {tok}, "csv": {read("valid.csv")}})
	if page := sec.Follow(t, again); !strings.Contains(page.Body, "Imported 7 rows: 0 new, 0 changed, 7 unchanged.") {
		t.Error("the second import changed something")
	}
	if n := treatyActionCount(t, srv); n != 7 {
		t.Errorf("%d actions, want 7", n)
	}
	if r := treatyMatrixRow(t, sec.Get(t, "/instruments").Body, "BRA"); strings.Count(r, "treaty-status-party") != 1 {
		t.Error("Brazil's accession is not shown")
	}
}

// treatyUpload submits the import form with a file, as a browser does.
func treatyUpload(t *testing.T, srv *webtest.Server, c *webtest.Client, tok, content string) *webtest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", tok)
	_ = w.WriteField("csv", "")
	fw, err := w.CreateFormFile("file", "treaties.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(content))
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/instruments/import", &body)
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

func TestTheTreatyPagesCostTheSameStatementsWithFewAndAllStatesActions(t *testing.T) {
	srv := webtest.NewServer(t)
	fp := treatySignIn(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	anon := srv.Client()
	pages := []struct {
		c    *webtest.Client
		path string
	}{
		{anon, "/instruments"}, {anon, "/instruments?group=african"}, {fp, "/instruments"},
		{anon, "/states/KEN/treaties"}, {fp, "/states/KEN/treaties"}, {fp, "/states/KEN/treaties/" + treatyFinancing},
	}
	count := func() []int {
		var out []int
		for _, p := range pages {
			resp := p.c.Get(t, p.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", p.path, resp.StatusCode)
			}
			out = append(out, srv.Statements(t, resp))
		}
		return out
	}
	count() // each client's first page after signing in shows (and clears) a message
	few := count()
	// Every State signs and ratifies every instrument, with its
	// incorporation recorded.
	if err := srv.DB.Exec(`INSERT INTO treaty_actions (member_state_id, instrument_id, kind, action_date)
		SELECT ms.id, i.id, k.kind, i.adopted_on + k.days FROM member_states ms CROSS JOIN instruments i
		CROSS JOIN (VALUES ('signature', 1), ('ratification', 2)) AS k(kind, days)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.Exec(`INSERT INTO treaty_incorporations (member_state_id, instrument_id, level)
		SELECT ms.id, i.id, 'complete' FROM member_states ms CROSS JOIN instruments i`).Error; err != nil {
		t.Fatal(err)
	}
	all := count()
	for i, p := range pages {
		if few[i] != all[i] || all[i] > maxStatements {
			t.Errorf("%s: %d statements with few actions, %d with all States', want equal and at most %d", p.path, few[i], all[i], maxStatements)
		}
	}
	if m := anon.Get(t, "/instruments"); strings.Count(m.Body, `<td class="num">193</td>`) < 19 {
		t.Error("the matrix does not count 193 parties for every instrument")
	}
}
