package web_test

import (
	"net/http"
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
