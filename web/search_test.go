package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

func TestSearchShowsEachPersonOnlyWhatTheyMaySeeWithTheWordsMarked(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	other := signedInAs(t, srv, "focal.fra@example.org", models.RoleFocalPoint, "FRA")
	anon := srv.Client()

	// A private draft of Kenya's whose words appear nowhere else, one of
	// them looking like markup.
	page := focal.Get(t, "/needs/new")
	created := focal.PostForm(t, "/needs", needForm(webtest.CSRFToken(t, page), "title", "Zebrafish laboratory <b>toxicology</b>",
		"description", "Forensic zebrafish assays for the national laboratory.", "visibility", "state"))
	if created.StatusCode != http.StatusSeeOther {
		t.Fatalf("create need: %d", created.StatusCode)
	}
	needPath := created.Header.Get("Location")

	if home := anon.Get(t, "/"); !strings.Contains(home.Body, `action="/search"`) {
		t.Error("the header has no search box")
	}
	for name, c := range map[string]*webtest.Client{"anonymous": anon, "another State's focal point": other} {
		res := c.Get(t, "/search?q=zebrafish")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Nothing you may see matches these words.") ||
			strings.Contains(res.Body, "Zebrafish") || strings.Contains(res.Body, needPath) {
			t.Errorf("%s finds Kenya's private need (or its count or excerpt): %d", name, res.StatusCode)
		}
	}
	res := focal.Get(t, "/search?"+url.Values{"q": {"zebrafish assay"}}.Encode())
	if !strings.Contains(res.Body, `href="`+needPath+`"`) {
		t.Fatalf("Kenya's focal point does not find its need:\n%s", res.Body)
	}
	if !strings.Contains(res.Body, "<mark>zebrafish</mark>") && !strings.Contains(res.Body, "<mark>Zebrafish</mark>") {
		t.Error("the excerpt does not mark the words found")
	}
	if strings.Contains(res.Body, "<b>toxicology</b>") {
		t.Error("a title's markup reached the page unescaped")
	}
	if !strings.Contains(res.Body, "1 need") {
		t.Error("the results are not counted by kind")
	}
	if n := srv.Statements(t, res); n > maxStatements {
		t.Errorf("a search costs %d statements", n)
	}
	// Narrowed to another kind: no need listed, the count still shown.
	narrowed := focal.Get(t, "/search?q=zebrafish&kind=paragraph")
	if strings.Contains(narrowed.Body, `href="`+needPath+`"`) || !strings.Contains(narrowed.Body, "1 need") {
		t.Error("narrowing to paragraphs still lists the need, or loses its count")
	}
}

// The search page in each language searches in it: a State by its name in
// the reader's language, titled in it, linked to its page.
func TestSearchPageSearchesInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	for lang, name := range map[string]string{"zh": "肯尼亚", "ru": "Кения", "ar": "كينيا", "es": "Kenia"} {
		c := srv.Client()
		c.SetHeader("Accept-Language", lang)
		res := c.Get(t, "/search?"+url.Values{"q": {name}, "kind": {"state"}}.Encode())
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `href="/states/KEN"`) || !strings.Contains(res.Body, name) {
			t.Errorf("searching %q in %s: %d, Kenya not found and named so", name, lang, res.StatusCode)
		}
		if !strings.Contains(res.Body, `<html lang="`+lang+`"`) {
			t.Errorf("the %s search page is not in %s", lang, lang)
		}
	}
}

// A hit is marked with the language its text is written in, whatever the
// page's: an Arabic need's title and excerpt on an English page.
func TestSearchHitsCarryTheLanguageTheyAreWrittenIn(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	page := focal.Get(t, "/needs/new")
	created := focal.PostForm(t, "/needs", needForm(webtest.CSRFToken(t, page), "title", "تدريب موظفي الحدود",
		"description", "دورات لموظفي المراكز الحدودية.", "visibility", "state", "language", "ar"))
	if created.StatusCode != http.StatusSeeOther {
		t.Fatalf("create need: %d %s", created.StatusCode, created.Body)
	}
	res := focal.Get(t, "/search?"+url.Values{"q": {"الحدود"}}.Encode())
	if !strings.Contains(res.Body, `<html lang="en"`) {
		t.Fatal("the search page is not in English")
	}
	title := strings.Index(res.Body, `class="search-hit-title"`)
	excerpt := strings.Index(res.Body, `class="search-hit-excerpt"`)
	if title < 0 || excerpt < 0 {
		t.Fatalf("no hit with a title and an excerpt")
	}
	for what, at := range map[string]int{"title": title, "excerpt": excerpt} {
		if tag := res.Body[at:min(len(res.Body), at+300)]; !strings.Contains(tag, `lang="ar"`) || !strings.Contains(tag, `dir="rtl"`) {
			t.Errorf("the Arabic need's %s is not marked Arabic, right to left: %s", what, tag)
		}
	}
}
