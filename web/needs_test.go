package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ctap/models"
	"ctap/web/webtest"
)

func signedInAs(t *testing.T, srv *webtest.Server, email string, role models.Role, scope string) *webtest.Client {
	t.Helper()
	srv.Invite(t, email, role, scope)
	c := srv.Client()
	c.SignIn(t, email)
	return c
}

func needForm(tok string, kv ...string) url.Values {
	f := url.Values{"_csrf": {tok}, "state": {"KEN"}, "title": {"Training of judges on terrorism cases"},
		"description": {"A two-week course."}, "paragraphs": {"2", "7"}, "theme": {"criminal_justice"}, "priority": {"high"},
		"modality": {"training"}, "cost": {"48 000.00"}, "currency": {"EUR"}, "target_start": {"2027-03-01"},
		"target_end": {"2027-03-14"}, "visibility": {"donors"}, "version": {"0"}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

var needIDInLocation = regexp.MustCompile(`^/needs/(\d+)$`)

func TestAFocalPointRecordsANeedThroughTheFormAndTheSecretariatReviewsIt(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	sec := signedInAs(t, srv, "secretariat@example.org", models.RoleSecretariat, "")

	page := focal.Get(t, "/needs/new")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `<option value="KEN" selected`) {
		t.Fatalf("new need form: %d, want the focal point's State preselected", page.StatusCode)
	}
	tok := webtest.CSRFToken(t, page)

	// Rejected: every problem beside its field, the input kept.
	bad := focal.PostForm(t, "/needs", needForm(tok, "title", strings.Repeat("t", 201), "cost", "-3", "target_end", "2027-02-01", "state", "FRA"))
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad need: %d", bad.StatusCode)
	}
	for _, want := range []string{
		`id="title-error"`, "Use at most 200 characters.",
		`id="cost-error"`, "The amount cannot be negative.",
		`id="target_end-error"`, "The end cannot be before the start.",
		`value="A two-week course."`[:0] + "A two-week course.", `value="-3"`, `id="paragraph-7" value="7" checked`,
	} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("the rejected form lacks %q", want)
		}
	}
	var stored int64
	srv.DB.Raw("SELECT count(*) FROM needs").Scan(&stored)
	if stored != 0 {
		t.Fatalf("a rejected form stored %d needs", stored)
	}
	if strings.Contains(bad.Body, `value="FRA" selected`) {
		t.Error("a focal point is offered another State")
	}

	ok := focal.PostForm(t, "/needs", needForm(tok))
	m := needIDInLocation.FindStringSubmatch(ok.Header.Get("Location"))
	if ok.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create need: %d %q", ok.StatusCode, ok.Header.Get("Location"))
	}
	needPath := m[0]
	shown := focal.Follow(t, ok)
	for _, want := range []string{"The need was recorded as a draft.", "Training of judges on terrorism cases", "48,000.00\u00a0EUR", "Draft", "Submit to the Secretariat"} {
		if !strings.Contains(shown.Body, want) {
			t.Errorf("the new need's page lacks %q", want)
		}
	}

	// The Secretariat cannot submit on the State's behalf: a message, not a 500.
	secPage := sec.Get(t, needPath)
	if strings.Contains(secPage.Body, `value="submitted"`) {
		t.Error("the Secretariat is offered to submit a State's draft")
	}
	refused := sec.PostForm(t, needPath+"/transition", url.Values{"_csrf": {webtest.CSRFToken(t, secPage)}, "to": {"submitted"}, "version": {"1"}, "note": {"kept note"}})
	if refused.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(refused.Body, "This step is not possible") || !strings.Contains(refused.Body, "kept note") {
		t.Errorf("a refused step: %d, want 422 with the message and the note kept", refused.StatusCode)
	}

	submit := focal.PostForm(t, needPath+"/transition", url.Values{"_csrf": {tok}, "to": {"submitted"}, "version": {"1"}})
	if submit.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", submit.StatusCode)
	}
	for _, step := range []struct{ to, note string }{{"under_review", ""}, {"accepted", "Planned for 2027."}} {
		page := sec.Get(t, needPath)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
		r := sec.PostForm(t, needPath+"/transition", url.Values{"_csrf": {webtest.CSRFToken(t, page)}, "to": {step.to}, "version": {version}, "note": {step.note}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", step.to, r.StatusCode)
		}
	}
	final := focal.Get(t, needPath)
	for _, want := range []string{"Accepted", "Planned for 2027.", "Sam Secretariat"} {
		if !strings.Contains(final.Body, want) {
			t.Errorf("the accepted need's page lacks %q", want)
		}
	}
}

func TestTwoPeopleEditingOneNeedTheSecondSeesBothVersions(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	sec := signedInAs(t, srv, "secretariat@example.org", models.RoleSecretariat, "")
	page := focal.Get(t, "/needs/new")
	created := focal.PostForm(t, "/needs", needForm(webtest.CSRFToken(t, page)))
	needPath := created.Header.Get("Location")

	a := focal.Get(t, needPath+"/edit")
	b := sec.Get(t, needPath+"/edit")
	if a.StatusCode != http.StatusOK || b.StatusCode != http.StatusOK {
		t.Fatalf("edit forms: %d %d", a.StatusCode, b.StatusCode)
	}
	first := focal.PostForm(t, needPath+"/edit", needForm(webtest.CSRFToken(t, a), "version", "1", "title", "The focal point's title"))
	if first.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", first.StatusCode)
	}
	second := sec.PostForm(t, needPath+"/edit", needForm(webtest.CSRFToken(t, b), "version", "1", "title", "The Secretariat's title"))
	if second.StatusCode != http.StatusConflict {
		t.Fatalf("second save on the old version: %d, want 409", second.StatusCode)
	}
	for _, want := range []string{"Someone saved this need while you were working", "The focal point&#39;s title", `value="The Secretariat&#39;s title"`, `name="version" value="2"`} {
		if !strings.Contains(second.Body, want) {
			t.Errorf("the stale-save page lacks %q", want)
		}
	}
	var title string
	srv.DB.Raw("SELECT title FROM needs").Scan(&title)
	if title != "The focal point's title" {
		t.Errorf("stored title %q, want the first save's", title)
	}
}

func TestNeedExportsHoldExactlyWhatTheFilteredListShows(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	if err := srv.DB.Exec(`INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status, estimated_cost, cost_currency)
		SELECT s.id, s.iso3 || ' ' || v || ' ' || p, 'criminal_justice', p, 'training', v, 'submitted', 1000.5, 'USD'
		FROM member_states s, unnest(ARRAY['state','donors','public']) v, unnest(ARRAY['high','low']) p
		WHERE s.iso3 IN ('KEN', 'FRA')`).Error; err != nil {
		t.Fatal(err)
	}
	donor := signedInAs(t, srv, "donor.nor@example.org", models.RoleDonor, "norway")
	want := []string{"FRA donors high", "FRA public high", "KEN donors high", "KEN public high"}

	list := donor.Get(t, "/needs?priority=high&sort=title")
	for _, title := range want {
		if !strings.Contains(list.Body, title) {
			t.Errorf("the list lacks %q", title)
		}
	}
	if strings.Contains(list.Body, "state high") || strings.Contains(list.Body, "low") && strings.Contains(list.Body, "KEN public low") {
		t.Error("the list shows a need it should not")
	}
	if !strings.Contains(list.Body, "4 needs") {
		t.Error("the list does not count 4 needs")
	}

	resp := donor.Get(t, "/needs?priority=high&sort=title&format=csv")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(resp.Body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := column(records, "Title"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CSV titles %v, want %v", got, want)
	}
	if got := column(records, "Estimated cost (amount)"); len(got) == 0 || got[0] != "1000.50" {
		t.Errorf("CSV amounts %v, want 1000.50", got)
	}

	x := donor.Get(t, "/needs?priority=high&sort=title&format=xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatalf("XLSX export: %v", err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := column(rows, "Title"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("XLSX titles %v, want %v", got, want)
	}
	if fmt.Sprint(rows[0]) != fmt.Sprint(records[0]) {
		t.Errorf("XLSX header %v differs from CSV header %v", rows[0], records[0])
	}

	anon := srv.Client().Get(t, "/needs?format=csv")
	records, _ = csv.NewReader(strings.NewReader(strings.TrimPrefix(anon.Body, "\ufeff"))).ReadAll()
	if got := column(records, "Title"); fmt.Sprint(got) != "[FRA public high FRA public low KEN public high KEN public low]" && len(got) != 4 {
		t.Errorf("anonymous CSV %v, want the four public needs", got)
	}
}

func column(records [][]string, header string) []string {
	if len(records) == 0 {
		return nil
	}
	idx := -1
	for i, h := range records[0] {
		if h == header {
			idx = i
		}
	}
	if idx < 0 {
		return nil
	}
	var out []string
	for _, r := range records[1:] {
		out = append(out, r[idx])
	}
	return out
}

func TestNeedPagesCostTheSameStatementsWithTenOrAThousandNeeds(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	sec := signedInAs(t, srv, "secretariat@example.org", models.RoleSecretariat, "")
	insert := func(n int) {
		if err := srv.DB.Exec(`INSERT INTO needs (member_state_id, title, theme, priority, modality, visibility, status)
			SELECT (SELECT id FROM member_states ORDER BY id OFFSET g % 193 LIMIT 1), 'Need ' || g, 'criminal_justice', 'high', 'training',
				(ARRAY['state','donors','public'])[1 + g % 3], (ARRAY['draft','submitted','accepted'])[1 + g % 3]
			FROM generate_series(1, ?) g`, n).Error; err != nil {
			t.Fatal(err)
		}
	}
	count := func() map[string]int {
		out := map[string]int{}
		var id int64
		srv.DB.Raw("SELECT min(id) FROM needs").Scan(&id)
		for name, c := range map[string]*webtest.Client{"focal": focal, "secretariat": sec} {
			for _, p := range []string{"/needs", "/needs?status=submitted&sort=title", fmt.Sprintf("/needs/%d", id), "/needs/new"} {
				resp := c.Get(t, p)
				if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
					t.Fatalf("%s %s: %d", name, p, resp.StatusCode)
				}
				out[name+" "+p[:min(len(p), 12)]] = srv.Statements(t, resp)
			}
		}
		return out
	}
	insert(10)
	count() // the first request after signing in also saves the session
	small := count()
	insert(990)
	if err := srv.DB.WithContext(context.Background()).Exec("ANALYZE needs").Error; err != nil {
		t.Fatal(err)
	}
	large := count()
	for k, n := range small {
		if n > 6 || large[k] != n {
			t.Errorf("%s: %d statements with 10 needs, %d with 1,000; want equal and at most 6", k, n, large[k])
		}
	}
}
