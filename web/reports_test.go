package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ctap/models"
	"ctap/web/webtest"
)

var reportPathRE = regexp.MustCompile(`^/reports/(\d+)$`)

// generateReport generates the 2016 period's report as c and returns its
// address.
func generateReport(t *testing.T, srv *webtest.Server, c *webtest.Client) string {
	t.Helper()
	var period int64
	if err := srv.DB.Raw(`SELECT id FROM reporting_periods WHERE opens_on = '2016-01-01'`).Scan(&period).Error; err != nil {
		t.Fatal(err)
	}
	resp := postForm(t, c, "/reports", "/reports", url.Values{"period_id": {fmt.Sprint(period)}})
	if resp.StatusCode != http.StatusSeeOther || !reportPathRE.MatchString(resp.Header.Get("Location")) {
		t.Fatalf("generate: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return resp.Header.Get("Location")
}

// reportVersion reads the version the report's page offers to act on.
func reportVersion(t *testing.T, c *webtest.Client, path string) string {
	t.Helper()
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(c.Get(t, path).Body)
	if m == nil {
		t.Fatalf("%s offers no version", path)
	}
	return m[1]
}

// docxBody is what a test reads of a DOCX: its paragraphs (style and text)
// and tables (rows of cell texts), in order.
type docxBody struct {
	Paragraphs []docxParagraph
	Tables     [][][]string
}

type docxParagraph struct{ Style, Text string }

// readDOCX opens a DOCX as a word processor would: a zip whose
// word/document.xml is WordprocessingML.
func readDOCX(t *testing.T, body []byte) docxBody {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var doc []byte
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
		if f.Name == "word/document.xml" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			doc, _ = io.ReadAll(r)
			r.Close()
		}
	}
	for _, n := range []string{"[Content_Types].xml", "word/document.xml", "word/styles.xml"} {
		if !names[n] {
			t.Errorf("the DOCX lacks %s", n)
		}
	}
	type run struct {
		Text []string `xml:"t"`
	}
	type para struct {
		Style struct {
			Val string `xml:"val,attr"`
		} `xml:"pPr>pStyle"`
		Runs []run `xml:"r"`
	}
	text := func(p para) string {
		var b strings.Builder
		for _, r := range p.Runs {
			b.WriteString(strings.Join(r.Text, ""))
		}
		return b.String()
	}
	var out docxBody
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "p":
			var p para
			if err := dec.DecodeElement(&p, &se); err != nil {
				t.Fatal(err)
			}
			out.Paragraphs = append(out.Paragraphs, docxParagraph{Style: p.Style.Val, Text: text(p)})
		case "tbl":
			var tbl struct {
				Rows []struct {
					Cells []struct {
						Paras []para `xml:"p"`
					} `xml:"tc"`
				} `xml:"tr"`
			}
			if err := dec.DecodeElement(&tbl, &se); err != nil {
				t.Fatal(err)
			}
			var rows [][]string
			for _, r := range tbl.Rows {
				var cells []string
				for _, c := range r.Cells {
					var s []string
					for _, p := range c.Paras {
						s = append(s, text(p))
					}
					cells = append(cells, strings.Join(s, " "))
				}
				rows = append(rows, cells)
			}
			out.Tables = append(out.Tables, rows)
		}
	}
	return out
}

func seedReportData(t *testing.T, srv *webtest.Server) {
	t.Helper()
	err := srv.DB.Exec(`
		WITH a AS (INSERT INTO activities (kind, title, start_date, end_date, city, paragraphs, status, delivered_on, women, men, prosecutors, judges)
			VALUES ('national_workshop', 'Workshop on the universal instruments', '2016-03-01', '2016-03-03', 'Nairobi', '{4,5}', 'delivered', '2016-03-03', 7, 5, 8, 4)
			RETURNING id)
		INSERT INTO activity_states (activity_id, member_state_id) SELECT a.id, s.id FROM a, member_states s WHERE s.iso3 IN ('KEN', 'UGA')`).Error
	if err != nil {
		t.Fatal(err)
	}
}

// TestTheSecretariatDraftsEditsExportsAndIssuesTheReport walks the report
// through its pages: generated, a paragraph's wording refused then saved,
// a regeneration that keeps it and flags the changed figure, a stale edit
// beside the saved one, the DOCX, a version, and the issue after which
// nothing changes.
func TestTheSecretariatDraftsEditsExportsAndIssuesTheReport(t *testing.T) {
	cs := newContributionServer(t)
	seedReportData(t, cs.srv)
	sec := cs.clients["secretariat"]
	path := generateReport(t, cs.srv, sec)

	page := sec.Get(t, path)
	for _, want := range []string{"I. Introduction", "II. Status of ratification", "A. Technical assistance delivered by the Office",
		"VI. Conclusions and recommendations", "A/RES/70/177", `href="/activities?status=delivered&amp;year=2016"`,
		`href="/needs?status=met"`, `href="/contributions?kind=financial&amp;year=2016"`, `id="p-1"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// Section IV's figures link to the period's validated reports, a page of
	// the report itself.
	if !strings.Contains(page.Body, `href="`+path+`/excerpts?paragraph=5"`) {
		t.Error("the progress of paragraph 5 does not link to the period's validated reports on it")
	}
	// A draft is the Secretariat's: to anyone else it does not exist.
	if focal := cs.clients["focal_ken"].Get(t, path); focal.StatusCode != http.StatusNotFound {
		t.Errorf("a focal point opened the draft report: %d, want 404", focal.StatusCode)
	}
	if list := cs.clients["focal_ken"].Get(t, "/reports"); strings.Contains(list.Body, path) {
		t.Error("the list shows a focal point the draft")
	}

	edit := path + "/paragraphs/assistance.delivered"
	form := sec.Get(t, edit)
	if !strings.Contains(form.Body, "{Activities}") {
		t.Fatal("the edit form does not offer the figures' tokens")
	}
	version := reportVersion(t, sec, edit)
	bad := postForm(t, sec, edit, edit, url.Values{"text": {"We did {Miracles}."}, "version": {version}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "We did {Miracles}.") ||
		!strings.Contains(bad.Body, "The paragraph has no figure Miracles.") {
		t.Errorf("an unknown token: %d", bad.StatusCode)
	}
	wording := "In 2016 the Office delivered {Activities} activities to 2 Member States."
	if resp := postForm(t, sec, edit, edit, url.Values{"text": {wording}, "version": {version}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save wording: %d", resp.StatusCode)
	}
	// The same form, sent from the version it was opened on, is stale.
	stale := postForm(t, sec, edit, edit, url.Values{"text": {"Another wording."}, "version": {version}})
	if stale.StatusCode != http.StatusConflict || !strings.Contains(stale.Body, "Another wording.") || !strings.Contains(stale.Body, "to 2 Member States") {
		t.Errorf("a stale edit: %d", stale.StatusCode)
	}

	// A third State is reached; the figures are counted again.
	if err := cs.srv.DB.Exec(`INSERT INTO activity_states (activity_id, member_state_id)
		SELECT a.id, s.id FROM activities a, member_states s WHERE a.title = 'Workshop on the universal instruments' AND s.iso3 = 'TZA'`).Error; err != nil {
		t.Fatal(err)
	}
	resp := postForm(t, sec, path, path+"/generate", url.Values{"version": {reportVersion(t, sec, path)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("regenerate: %d", resp.StatusCode)
	}
	page = sec.Get(t, path)
	if !strings.Contains(page.Body, "In 2016 the Office delivered") || !strings.Contains(page.Body, "to 2 Member States.") {
		t.Error("the wording did not survive the regeneration")
	}
	if !strings.Contains(page.Body, "States: 2 when written, 3 now") {
		t.Errorf("the changed figure is not flagged")
	}

	// The DOCX: headings, numbered paragraphs, real tables, the figures.
	docx := sec.Get(t, path+"/report.docx")
	if docx.StatusCode != http.StatusOK || !strings.Contains(docx.Header.Get("Content-Type"), "wordprocessingml") {
		t.Fatalf("DOCX: %d %s", docx.StatusCode, docx.Header.Get("Content-Type"))
	}
	d := readDOCX(t, []byte(docx.Body))
	headings := map[string]string{}
	numbered := 0
	for _, p := range d.Paragraphs {
		if strings.HasPrefix(p.Style, "Heading") || p.Style == "Title" {
			headings[p.Text] = p.Style
		}
		if regexp.MustCompile(`^\d+\.\t`).MatchString(p.Text) {
			numbered++
		}
		if strings.HasPrefix(p.Text, fmt.Sprintf("%d.\t", numbered)) && numbered == 1 && !strings.Contains(p.Text, "A/RES/70/177") {
			t.Errorf("paragraph 1 does not cite the resolution: %q", p.Text)
		}
	}
	for h, style := range map[string]string{"I. Introduction": "Heading1", "V. Voluntary contributions": "Heading1",
		"A. Technical assistance delivered by the Office": "Heading2", "Report of the Secretary-General": ""} {
		if style != "" && headings[h] != style {
			t.Errorf("heading %q: style %q, want %s", h, headings[h], style)
		}
	}
	var body strings.Builder
	for _, p := range d.Paragraphs {
		body.WriteString(p.Text + "\n")
	}
	if !strings.Contains(body.String(), "In 2016 the Office delivered 1 activities to 2 Member States.") {
		t.Errorf("the DOCX lacks the edited wording with its current figure:\n%s", body.String())
	}
	if numbered < 15 {
		t.Errorf("%d numbered paragraphs in the DOCX", numbered)
	}
	found := false
	for _, tbl := range d.Tables {
		if len(tbl) > 0 && len(tbl[0]) == 3 && tbl[0][0] == "Regional group" && tbl[0][1] == "States reached" {
			for _, r := range tbl[1:] {
				if r[0] == "African States" && r[1] == "3" && r[2] == "1" {
					found = true
				}
			}
		}
	}
	if !found || len(d.Tables) < 10 {
		t.Errorf("the DOCX tables (%d) lack the States reached by group", len(d.Tables))
	}

	// The first version is the report as generated.
	if v1 := sec.Get(t, path+"/versions/1"); v1.StatusCode != http.StatusOK || strings.Contains(v1.Body, "In 2016 the Office delivered") {
		t.Errorf("version 1: %d", v1.StatusCode)
	}
	if print := sec.Get(t, path+"/print"); print.StatusCode != http.StatusOK || strings.Contains(print.Body, "/paragraphs/assistance.delivered") {
		t.Errorf("the print view: %d (with edit links?)", print.StatusCode)
	}

	// A draft is found by no one's search, not even the Secretariat's.
	searched := "/search?" + url.Values{"q": {`"office delivered" activities`}, "kind": {"report"}}.Encode()
	if res := sec.Get(t, searched); strings.Contains(res.Body, `href="`+path+`"`) {
		t.Error("search finds the draft report")
	}

	// Review, then issue; nothing changes afterwards.
	for _, to := range []string{"review", "issued"} {
		if resp := postForm(t, sec, path, path+"/transition", url.Values{"to": {to}, "version": {reportVersion(t, sec, path)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("to %s: %d", to, resp.StatusCode)
		}
	}
	page = sec.Get(t, path)
	if !strings.Contains(page.Body, "This report is issued") || strings.Contains(page.Body, "/paragraphs/assistance.delivered") {
		t.Error("the issued report still offers edits")
	}
	var latest string
	cs.srv.DB.Raw(`SELECT version::text FROM reports`).Scan(&latest)
	refused := postForm(t, sec, path+"/print", edit, url.Values{"text": {"Too late."}, "version": {latest}})
	if refused.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(refused.Body, "This report is issued") {
		t.Errorf("an edit of the issued report: %d", refused.StatusCode)
	}
	refused = postForm(t, sec, path+"/print", path+"/generate", url.Values{"version": {latest}})
	if refused.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a regeneration of the issued report: %d", refused.StatusCode)
	}

	// Issued, it is a document of the General Assembly: everyone with a
	// role was told, and anyone reads it, without the drafting controls.
	focal := cs.clients["focal_ken"]
	if notes := focal.Get(t, "/notifications"); !strings.Contains(notes.Body, "has been issued.") {
		t.Error("the focal point was not told the report was issued")
	}
	for _, c := range []*webtest.Client{focal, cs.clients["anonymous"]} {
		read := c.Get(t, path)
		if read.StatusCode != http.StatusOK || strings.Contains(read.Body, "/transition") || strings.Contains(read.Body, "/versions/") {
			t.Errorf("the issued report for a reader: %d (with the drafting controls?)", read.StatusCode)
		}
		if docx := c.Get(t, path+"/report.docx"); docx.StatusCode != http.StatusOK {
			t.Errorf("the issued report's DOCX for a reader: %d", docx.StatusCode)
		}
		if list := c.Get(t, "/reports"); !strings.Contains(list.Body, `href="`+path+`"`) {
			t.Error("the list of issued reports does not lead to it")
		}
		// Its text, stored when it was issued, is searched: the wording
		// the Secretariat wrote, with its figure, the words marked.
		res := c.Get(t, searched)
		if !strings.Contains(res.Body, `href="`+path+`"`) || !strings.Contains(res.Body, "<mark>Office</mark> <mark>delivered</mark>") ||
			!strings.Contains(res.Body, "1 report") || !strings.Contains(res.Body, "Report of the Secretary-General:") {
			t.Errorf("search does not find the issued report:\n%s", res.Body)
		}
	}
}

// TestReportPagesIssueTheSameStatementsWith10And5000Records counts each
// report page, the DOCX included, with little data and with much more.
func TestReportPagesIssueTheSameStatementsWith10And5000Records(t *testing.T) {
	cs := newContributionServer(t)
	sec := cs.clients["secretariat"]
	add := func(n int) {
		t.Helper()
		err := cs.srv.DB.Exec(`
			WITH a AS (
				INSERT INTO activities (kind, title, start_date, end_date, city, paragraphs, status, delivered_on, women, men, prosecutors)
				SELECT 'training_course', 'Counted activity ' || g, DATE '2016-01-01' + (g % 300), DATE '2016-01-01' + (g % 300), 'Nairobi',
					ARRAY[4 + g % 11], 'delivered', DATE '2016-01-01' + (g % 300), 2, 3, 5
				FROM generate_series(1, ?) g RETURNING id)
			INSERT INTO activity_states (activity_id, member_state_id)
			SELECT a.id, s.id FROM a JOIN member_states s ON s.iso3 IN ('KEN', 'UGA')`, n).Error
		if err != nil {
			t.Fatal(err)
		}
		err = cs.srv.DB.Exec(`INSERT INTO needs (member_state_id, title, paragraphs, theme, priority, modality, status)
			SELECT s.id, 'Need ' || g, ARRAY[4 + g % 11], 'criminal_justice', 'high', 'training',
				(ARRAY['submitted', 'accepted', 'met'])[1 + g % 3]
			FROM generate_series(1, ?) g JOIN member_states s ON s.iso3 = 'KEN'`, n).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	add(10)
	path := generateReport(t, cs.srv, sec)
	pages := []string{"/reports", path, path + "/print", path + "/report.docx", path + "/paragraphs/needs.overview",
		path + "/excerpts", path + "/versions/1"}
	count := func() map[string]int {
		out := map[string]int{}
		for _, p := range pages {
			resp := sec.Get(t, p)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", p, resp.StatusCode)
			}
			out[p] = cs.srv.Statements(t, resp)
		}
		return out
	}
	regenerate := func() int {
		t.Helper()
		resp := postForm(t, sec, path, path+"/generate", url.Values{"version": {reportVersion(t, sec, path)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("regenerate: %d", resp.StatusCode)
		}
		return cs.srv.Statements(t, resp)
	}
	small := count()
	small["regeneration"] = regenerate()
	add(4990)
	regenerated := regenerate()
	large := count()
	large["regeneration"] = regenerated
	if n := small["regeneration"]; n > 25 || n != large["regeneration"] {
		t.Errorf("regenerating: %d statements with 10 records, %d with 5,000: want the same, bounded", n, large["regeneration"])
	}
	delete(small, "regeneration")
	for page, n := range small {
		if n > maxStatements {
			t.Errorf("%s: %d statements, want at most %d", page, n, maxStatements)
		}
		if large[page] != n {
			t.Errorf("%s: %d statements with 10 records, %d with 5,000", page, n, large[page])
		}
	}
	t.Logf("statements: %v", small)

	start := time.Now()
	if resp := sec.Get(t, path+"/report.docx"); resp.StatusCode != http.StatusOK {
		t.Fatalf("DOCX: %d", resp.StatusCode)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the DOCX took %s, want under 2 s", d)
	}
	var n int64
	cs.srv.DB.Model(&models.ReportVersion{}).Count(&n)
	if n != 3 {
		t.Errorf("%d versions, want 3 (generated, regenerated twice)", n)
	}
}
