package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ctap/models"
	"ctap/models/dbtest"
	"ctap/web/webtest"
)

// TestJourneyTheSecretariatDraftsExportsAndIssuesThe2016Report: on the
// demo data (its own 2016 draft removed, so that the journey drafts it),
// the Secretariat generates the 2016 report from the list of periods,
// rewrites paragraph 5, counts the figures again after a new activity (the
// wording survives, the changed figure is flagged), exports the DOCX,
// sends the report for review and issues it, after which it offers no
// edit. The report and the edit form pass axe.
func TestJourneyTheSecretariatDraftsExportsAndIssuesThe2016Report(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	if _, err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	if err := db.Exec(`DELETE FROM reports`).Error; err != nil {
		t.Fatal(err)
	}
	var period int64
	if err := db.Raw(`SELECT id FROM reporting_periods WHERE opens_on = '2016-01-01'`).Scan(&period).Error; err != nil || period == 0 {
		t.Fatalf("the 2016 period: %v", err)
	}
	srv := webtest.NewServerOn(t, db)
	axeClean := func(b *webtest.Browser, page string) {
		t.Helper()
		if vs := webtest.SeriousOrWorse(b.Axe(t, page)); len(vs) > 0 {
			t.Error(webtest.FormatViolations(page, vs))
		}
	}

	sec := webtest.NewBrowserAs(t, "secretariat")
	signInOn(t, sec, srv, "/paragraphs", secretariat)
	sec.Step("follow Reports in the navigation", webtest.ClickLink(".site-nav", "Reports"), chromedp.WaitVisible(chromedp.CSS("#reports")))
	axeClean(sec, "/reports")
	sec.Step("generate the 2016 report", webtest.ClickAndWait(fmt.Sprintf("#generate-%d button", period)))
	m := reportPathRE.FindStringSubmatch(path(t, sec))
	if m == nil {
		t.Fatalf("after generating, the browser is on %q; the page says %q", path(t, sec), sec.Text("main"))
	}
	reportPath := m[0]
	if got := flash(t, sec); got != "The report was generated." {
		t.Errorf("the flash says %q", got)
	}
	if got := sec.Text("#report-section-1"); got != "I. Introduction" {
		t.Errorf("the first section is %q", got)
	}
	if got := sec.Text("#p-1"); !strings.Contains(got, "A/RES/70/177") {
		t.Errorf("paragraph 1 does not cite the resolution: %q", got)
	}
	axeClean(sec, reportPath)

	const wording = "In 2016 the Office delivered {Activities} technical assistance activities, reaching {States} Member States and 99 institutions."
	sec.Step("edit paragraph 5", webtest.ClickLink("#p-5", "Edit paragraph 5"), chromedp.WaitVisible(chromedp.CSS("#text")))
	axeClean(sec, reportPath+"/paragraphs/assistance.delivered")
	sec.Step("rewrite paragraph 5",
		chromedp.SetValue(chromedp.CSS("#text"), wording),
		webtest.ClickAndWait("form.stacked-form button[type=submit]"))
	if got := path(t, sec); got != reportPath {
		t.Fatalf("after saving the paragraph the browser is on %q; the page says %q", got, sec.Text("main"))
	}
	if got := sec.Text("#p-5 p"); !strings.Contains(got, "and 99 institutions.") {
		t.Errorf("paragraph 5 reads %q", got)
	}

	// A delivered 2016 activity for a State no activity reached yet.
	if err := db.Exec(`WITH a AS (INSERT INTO activities (kind, title, start_date, end_date, city, status, delivered_on)
			VALUES ('expert_advice', 'Advice on the 2005 Amendment (journey)', '2016-05-02', '2016-05-03', 'Suva', 'delivered', '2016-05-03') RETURNING id)
		INSERT INTO activity_states (activity_id, member_state_id)
		SELECT a.id, s.id FROM a, member_states s WHERE s.iso3 = 'TUV'`).Error; err != nil {
		t.Fatal(err)
	}
	sec.Step("count the figures again", webtest.ClickAndWait(`form[action$="/generate"] button[type=submit]`))
	if got := flash(t, sec); got != "The figures were counted again; your wording was kept." {
		t.Errorf("the flash says %q", got)
	}
	if got := sec.Text("#p-5 p"); !strings.Contains(got, "and 99 institutions.") {
		t.Errorf("the wording did not survive: %q", got)
	}
	if !sec.Exists("#p-5 .report-flag") || !strings.Contains(sec.Text("#p-5 .report-flag"), "Activities:") {
		t.Errorf("paragraph 5's changed figures are not flagged")
	}

	// A narrative quoted under section IV.
	sec.Step("choose excerpts", webtest.ClickLink(".report-actions", "Choose excerpts"), chromedp.WaitVisible(chromedp.CSS("#narratives")))
	axeClean(sec, reportPath+"/excerpts")
	var quoted string
	evalJS(t, sec, "reading the first narrative", `document.querySelector('#narratives tbody tr:has(button) td[dir=auto]').textContent`, &quoted)
	sec.Step("quote the first narrative", webtest.ClickAndWait(`#narratives tbody tr:has(button) form button[type=submit]`))
	if got := flash(t, sec); got != "The excerpts were saved." {
		t.Errorf("the flash says %q", got)
	}
	sec.Step("back to the report", webtest.ClickLink(".breadcrumb", "Report of the Secretary-General: Report to the seventy-first session (2016)"))
	if got := sec.Text(".report-excerpts blockquote"); got != strings.TrimSpace(quoted) {
		t.Errorf("section IV quotes %q, want %q", got, quoted)
	}

	// The DOCX, fetched with the browser's own session.
	var docx string
	evalJS(t, sec, "downloading the DOCX", `(() => {
		const f = document.querySelector('form[action$="/report.docx"]');
		const href = f.getAttribute('action') + '?language=' + f.elements.language.value;
		const x = new XMLHttpRequest(); x.open('GET', href, false);
		x.overrideMimeType('text/plain; charset=x-user-defined'); x.send();
		return x.status + ' ' + x.getResponseHeader('Content-Type') + ' ' + x.responseText.slice(0, 2); })()`, &docx)
	if docx != "200 application/vnd.openxmlformats-officedocument.wordprocessingml.document PK" {
		t.Errorf("the DOCX answer: %q", docx)
	}

	sec.Step("open the print view", webtest.ClickLink(".report-actions", "Print view (PDF)"), chromedp.WaitVisible(chromedp.CSS(".report-document")))
	axeClean(sec, reportPath+"/print")
	if sec.Exists(".report-edit-link") {
		t.Error("the print view offers edits")
	}
	sec.Step("back to the report", chromedp.Navigate(srv.URL+reportPath))
	sec.Step("send the report for review",
		webtest.Click(`label[for="to-review"]`),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	sec.Step("issue the report",
		webtest.Click(`label[for="to-issued"]`),
		webtest.ClickAndWait(`form[action$="/transition"] button[type=submit]`))
	if got := sec.Text(".badge-report-issued"); got != "Issued" {
		t.Errorf("the report's status reads %q", got)
	}
	if sec.Exists(".report-edit-link") || sec.Exists(`form[action$="/generate"]`) {
		t.Error("the issued report still offers to edit or count again")
	}
}
