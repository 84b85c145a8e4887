package web_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

// A need is stored with the language its author says it is written in,
// and every page showing it marks its title and description with that
// language and direction, whatever the page's own language.
func TestANeedWrittenInArabicIsMarkedArabicOnAnEnglishPage(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")

	page := focal.Get(t, "/needs/new")
	// A new need is in the author's page language until they say otherwise.
	if !strings.Contains(page.Body, `<option value="en" lang="en" selected>English</option>`) ||
		!strings.Contains(page.Body, `<option value="ar" lang="ar">العربية</option>`) {
		t.Fatalf("the new need form does not offer the six languages with English chosen")
	}
	tok := webtest.CSRFToken(t, page)

	// A language that is none of the six is refused beside its field.
	bad := focal.PostForm(t, "/needs", needForm(tok, "language", "de"))
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `id="language-error"`) ||
		!strings.Contains(bad.Body, "Choose one of the six official languages of the United Nations.") {
		t.Fatalf("a need in German: %d, want 422 with a message beside the language", bad.StatusCode)
	}

	title, description := "تدريب القضاة على قضايا الإرهاب", "دورة مدتها أسبوعان."
	ok := focal.PostForm(t, "/needs", needForm(tok, "title", title, "description", description, "language", "ar"))
	m := needIDInLocation.FindStringSubmatch(ok.Header.Get("Location"))
	if ok.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create need: %d %q", ok.StatusCode, ok.Header.Get("Location"))
	}
	var stored string
	srv.DB.Raw("SELECT language FROM needs WHERE id = ?", m[1]).Scan(&stored)
	if stored != "ar" {
		t.Fatalf("the need is stored in %q, want ar", stored)
	}

	shown := focal.Get(t, m[0])
	if !strings.Contains(shown.Body, `<html lang="en"`) {
		t.Fatal("the page is not in English")
	}
	for _, want := range []string{
		`<h1 dir="rtl" lang="ar">` + title + `</h1>`,
		`<p class="prose" dir="rtl" lang="ar">` + description + `</p>`,
	} {
		if !strings.Contains(shown.Body, want) {
			t.Errorf("the need's page lacks %q", want)
		}
	}

	// Editing shows the stored language chosen.
	edit := focal.Get(t, m[0]+"/edit")
	if !strings.Contains(edit.Body, `<option value="ar" lang="ar" selected>العربية</option>`) {
		t.Error("the edit form does not show the need's stored language")
	}
}

// A need written in Chinese keeps its own marks on a French page, and the
// new need form of a French page starts in French.
func TestANeedWrittenInChineseIsMarkedChineseOnAFrenchPage(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	focal.Get(t, "/lang/fr")

	page := focal.Get(t, "/needs/new")
	if !strings.Contains(page.Body, `<option value="fr" lang="fr" selected>Français</option>`) {
		t.Fatal("the new need form of a French page does not start in French")
	}
	title, description := "恐怖主义案件法官培训", "为期两周的课程。"
	ok := focal.PostForm(t, "/needs", needForm(webtest.CSRFToken(t, page), "title", title, "description", description, "language", "zh"))
	m := needIDInLocation.FindStringSubmatch(ok.Header.Get("Location"))
	if ok.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create need: %d %q", ok.StatusCode, ok.Header.Get("Location"))
	}
	shown := focal.Get(t, m[0])
	if !strings.Contains(shown.Body, `<html lang="fr"`) {
		t.Fatal("the page is not in French")
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`<h1 dir="ltr" lang="zh">` + title + `</h1>`),
		regexp.MustCompile(`<p class="prose" dir="ltr" lang="zh">` + description + `</p>`),
	} {
		if !want.MatchString(shown.Body) {
			t.Errorf("the need's page lacks %s", want)
		}
	}
}

// docxDocumentXML is a DOCX's word/document.xml, as text.
func docxDocumentXML(t *testing.T, body []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	t.Fatal("the DOCX has no word/document.xml")
	return ""
}

// The report's DOCX is written in the language its reader chooses among
// the six, whatever the page's: headings and generated wording from that
// language's catalogue, the Secretariat's wording as written and marked
// with its own language; a language that is none of the six is a 400 that
// says which there are.
func TestTheReportDOCXIsWrittenInTheLanguageChosenForIt(t *testing.T) {
	cs := newContributionServer(t)
	seedReportData(t, cs.srv)
	sec := cs.clients["secretariat"]
	path := generateReport(t, cs.srv, sec)

	page := sec.Get(t, path)
	for _, want := range []string{`<form method="get" action="` + path + `/report.docx"`, `<option value="en" lang="en" selected>English</option>`,
		`<option value="es" lang="es">Español</option>`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the report page lacks %q", want)
		}
	}

	// The Secretariat words one paragraph in French.
	edit := path + "/paragraphs/assistance.delivered"
	if !strings.Contains(sec.Get(t, edit).Body, `<option value="en" lang="en" selected>English</option>`) {
		t.Error("the wording form does not start in the editor's page language")
	}
	wording := "En 2016, l'Office a mené {Activities} activités."
	saved := postForm(t, sec, edit, edit, url.Values{"text": {wording}, "language": {"fr"}, "version": {reportVersion(t, sec, edit)}})
	if saved.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the French wording: %d", saved.StatusCode)
	}
	if !strings.Contains(sec.Get(t, edit).Body, `<option value="fr" lang="fr" selected>Français</option>`) {
		t.Error("the wording form does not show the wording's language")
	}
	if !strings.Contains(sec.Get(t, path).Body, `<span dir="ltr" lang="fr">En 2016, l&#39;Office a mené`) {
		t.Error("the report page does not mark the French wording as French")
	}

	for lang, headings := range map[string][]string{
		"es": {"I. Introducción", "V. Contribuciones voluntarias"},
		"ar": {"I. مقدمة", "V. التبرعات"},
		"en": {"I. Introduction", "V. Voluntary contributions"},
	} {
		resp := sec.Get(t, path+"/report.docx?language="+lang)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("DOCX in %s: %d", lang, resp.StatusCode)
		}
		doc := docxDocumentXML(t, []byte(resp.Body))
		for _, h := range headings {
			if !strings.Contains(doc, h) {
				t.Errorf("the DOCX in %s lacks the heading %q", lang, h)
			}
		}
		// The figure is written as the document's language writes numbers.
		if !strings.Contains(doc, "Office a mené ") {
			t.Errorf("the DOCX in %s lacks the Secretariat's French wording", lang)
		}
		if !strings.Contains(doc, `<w:lang w:val="fr"></w:lang>`) && !strings.Contains(doc, `<w:lang w:val="fr"/>`) {
			t.Errorf("the DOCX in %s does not mark the French wording as French", lang)
		}
		if lang != "en" && strings.Contains(doc, "I. Introduction") {
			t.Errorf("the DOCX in %s has the English heading", lang)
		}
	}

	bad := sec.Get(t, path+"/report.docx?language=de")
	if bad.StatusCode != http.StatusBadRequest || !strings.Contains(bad.Body, "The document can be written in Arabic, Chinese, English, French, Russian or Spanish only") {
		t.Errorf("a DOCX in German: %d, want 400 saying which languages there are", bad.StatusCode)
	}
}
