package models_test

import (
	"context"
	"strings"
	"testing"

	"ctap/models"
	"ctap/models/dbtest"
)

func TestSearchFindsOnlyWhatEachPersonMaySee(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	ref := &models.ReferenceCache{DB: db}
	ev := models.AuditContext{Actor: p.focalKEN}

	// A public, accepted need; a private draft whose words appear nowhere
	// else; both Kenya's.
	public := validNeed("KEN")
	public.Title, public.Description = "Border control training in West Africa", "Courses for the officers of the border posts."
	public.Visibility = "public"
	pub, err := models.CreateNeed(ctx, db, ref, p.focalKEN, public, ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []models.NeedStatus{models.NeedSubmitted, models.NeedUnderReview, models.NeedAccepted} {
		who := p.secretariat
		if to == models.NeedSubmitted {
			who = p.focalKEN
		}
		if pub, err = models.TransitionNeed(ctx, db, who, pub.ID, pub.Version, to, "ok", nil, models.AuditContext{Actor: who}); err != nil {
			t.Fatal(err)
		}
	}
	private := validNeed("KEN")
	private.Title, private.Description = "Zebrafish laboratory for forensic toxicology", "Confidential: the procureurs généraux ask for it."
	if _, err := models.CreateNeed(ctx, db, ref, p.focalKEN, private, ev); err != nil {
		t.Fatal(err)
	}

	search := func(u *models.User, text, lang string) models.SearchResults {
		t.Helper()
		counted, counter := models.WithStatementCounter(ctx)
		res, err := models.Search(counted, db, u, models.SearchQuery{Text: text, Lang: lang}, models.PageRequest{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if n := counter.Count(); n > 2 {
			t.Errorf("a search took %d statements, want at most 2", n)
		}
		return res
	}

	// The public need, by its words, stemmed: "controls" finds "control".
	for _, u := range []*models.User{nil, p.viewer, p.donor, p.focalFRA, p.focalKEN, p.secretariat} {
		res := search(u, "border controls", "en")
		if res.Counts[models.SearchNeeds] != 1 || len(res.Page.Items) != 1 || res.Page.Items[0].ID != pub.ID {
			t.Errorf("%s: %+v, want the public need", roleOf(u), res)
			continue
		}
		if ex := res.Page.Items[0].Title + res.Page.Items[0].Excerpt; !strings.Contains(ex, models.HighlightStart) && res.Page.Items[0].Excerpt == "" {
			t.Errorf("%s: no excerpt for the hit: %+v", roleOf(u), res.Page.Items[0])
		}
	}

	// The private draft: its State and the Secretariat only; for anyone
	// else no hit, no count, no excerpt.
	sees := map[*models.User]bool{nil: false, p.viewer: false, p.donor: false, p.focalFRA: false, p.focalKEN: true, p.secretariat: true, p.admin: true}
	for u, want := range sees {
		res := search(u, "zebrafish", "en")
		if got := res.Total() == 1; got != want {
			t.Errorf("%s finds the private need: %v, want %v (%+v)", roleOf(u), got, want, res.Counts)
		}
		if !want && len(res.Page.Items) != 0 {
			t.Errorf("%s is shown %+v", roleOf(u), res.Page.Items)
		}
	}

	// French: stemmed and without accents ("procureur generaux" finds
	// "procureurs généraux"), in the French configuration.
	if res := search(p.focalKEN, "procureur generaux", "fr"); res.Counts[models.SearchNeeds] != 1 {
		t.Errorf("the French search found %+v", res.Counts)
	}
	// Quotes and minus work as people expect.
	if res := search(p.secretariat, `"border control" -zebrafish`, "en"); res.Total() != 1 {
		t.Errorf("a phrase with an exclusion found %+v", res.Counts)
	}
	if res := search(p.secretariat, `border -africa`, "en"); res.Total() != 0 {
		t.Errorf("an excluded word still matched: %+v", res.Counts)
	}
}

func TestSearchNarrowsByKindStateAndParagraph(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	ref := &models.ReferenceCache{DB: db}
	in := validNeed("KEN") // paragraphs 2 and 7
	in.Title = "Financing of terrorism legislation"
	if _, err := models.CreateNeed(ctx, db, ref, p.focalKEN, in, models.AuditContext{Actor: p.focalKEN}); err != nil {
		t.Fatal(err)
	}
	var ken, fra int
	db.Raw("SELECT id FROM member_states WHERE iso3 = 'KEN'").Scan(&ken)
	db.Raw("SELECT id FROM member_states WHERE iso3 = 'FRA'").Scan(&fra)
	run := func(q models.SearchQuery) models.SearchResults {
		t.Helper()
		q.Lang = "en"
		res, err := models.Search(ctx, db, p.secretariat, q, models.PageRequest{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// The resolution's own paragraphs speak of financing of terrorism too.
	all := run(models.SearchQuery{Text: "financing terrorism"})
	if all.Counts[models.SearchNeeds] != 1 || all.Counts[models.SearchParagraphs] == 0 {
		t.Fatalf("counts %+v, want the need and some paragraphs", all.Counts)
	}
	needs := run(models.SearchQuery{Text: "financing terrorism", Kind: models.SearchNeeds})
	if len(needs.Page.Items) != 1 || needs.Page.Items[0].Kind != models.SearchNeeds || needs.Counts[models.SearchParagraphs] == 0 {
		t.Errorf("the needs only: %+v (the other kinds still counted)", needs)
	}
	if res := run(models.SearchQuery{Text: "financing terrorism", Kind: models.SearchNeeds, StateID: fra}); res.Total() != 0 {
		t.Errorf("France's needs: %+v, want none", res.Counts)
	}
	if res := run(models.SearchQuery{Text: "financing terrorism", Kind: models.SearchNeeds, StateID: ken, Paragraph: 7}); len(res.Page.Items) != 1 {
		t.Errorf("Kenya's needs on paragraph 7: %+v", res.Counts)
	}
	if res := run(models.SearchQuery{Text: "financing terrorism", Paragraph: 3}); res.Counts[models.SearchNeeds] != 0 {
		t.Errorf("needs on paragraph 3: %+v, want none", res.Counts)
	}
	if res := run(models.SearchQuery{Text: "   "}); res.Total() != 0 || len(res.Page.Items) != 0 {
		t.Errorf("an empty search found %+v", res)
	}
}

func TestSearchFindsStatesAndInstrumentsByNameWithoutAccentsAndByCode(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	for _, c := range []struct {
		text, lang string
		kind       models.SearchKind
		want       string
	}{
		{"cote ivoire", "en", models.SearchStates, "Côte d’Ivoire"},
		{"CIV", "en", models.SearchStates, "Côte d’Ivoire"},
		{"384", "fr", models.SearchStates, "Côte d’Ivoire"},
		{"hostages", "en", models.SearchInstruments, ""},
	} {
		res, err := models.Search(ctx, db, nil, models.SearchQuery{Text: c.text, Lang: c.lang, Kind: c.kind}, models.PageRequest{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Page.Items) == 0 {
			t.Errorf("%q finds no %s", c.text, c.kind)
			continue
		}
		if c.want != "" && !strings.EqualFold(strings.ReplaceAll(res.Page.Items[0].Title, "'", "’"), c.want) {
			t.Errorf("%q finds %q first, want %q", c.text, res.Page.Items[0].Title, c.want)
		}
	}
}

func TestSearchFindsIssuedReportsOnly(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	r := f.generate(t, 0)
	var err error
	// Words only in a draft's wording: the Secretariat's own.
	if r, err = models.EditReportParagraph(ctx, f.db, f.secretariat, r.ID, "conclusions",
		models.ParagraphInput{Text: "The quokka programme in Nairobi is concluded.", Version: r.Version}, f.ev()); err != nil {
		t.Fatal(err)
	}
	search := func(u *models.User, text, lang string) models.SearchResults {
		t.Helper()
		counted, counter := models.WithStatementCounter(ctx)
		res, err := models.Search(counted, f.db, u, models.SearchQuery{Text: text, Lang: lang}, models.PageRequest{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if n := counter.Count(); n > 2 {
			t.Errorf("a search took %d statements, want at most 2", n)
		}
		return res
	}
	// A draft, then under review: found by no one, not even those who
	// draft it.
	for _, to := range []models.ReportStatus{"", models.ReportReview} {
		if to != "" {
			if r, err = models.TransitionReport(ctx, f.db, f.secretariat, r.ID, r.Version, to, "", reportText(t), f.ev()); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []*models.User{nil, f.focalKEN, f.secretariat} {
			if res := search(u, "quokka", "en"); res.Total() != 0 || len(res.Page.Items) != 0 {
				t.Errorf("%s finds a report %s: %+v", roleOf(u), r.Status, res)
			}
		}
	}
	if r, err = models.TransitionReport(ctx, f.db, f.secretariat, r.ID, r.Version, models.ReportIssued, "", reportText(t), f.ev()); err != nil {
		t.Fatal(err)
	}
	// Issued: found by anyone, in either language, the words marked; the
	// count agrees with the hits.
	for _, c := range []struct {
		u          *models.User
		text, lang string
	}{{nil, "quokka", "en"}, {nil, "quokka programmes", "fr"}, {f.focalKEN, `"quokka programme" -zebrafish`, "en"}} {
		res := search(c.u, c.text, c.lang)
		if res.Counts[models.SearchReports] != 1 || res.Total() != len(res.Page.Items) || len(res.Page.Items) != 1 {
			t.Errorf("%s searching %q in %s: counts %+v, hits %+v", roleOf(c.u), c.text, c.lang, res.Counts, res.Page.Items)
			continue
		}
		h := res.Page.Items[0]
		if h.Kind != models.SearchReports || h.ID != r.ID || !strings.Contains(h.Excerpt, models.HighlightStart+"quokka") || h.Title == "" {
			t.Errorf("%q: the hit is %+v", c.text, h)
		}
	}
	// Words of the generated wording are stored too, rendered from the
	// catalogue in each language.
	if res := search(nil, "Secretary-General", "en"); res.Counts[models.SearchReports] != 1 {
		t.Errorf("the generated English wording is not searched: %+v", res.Counts)
	}
	if res := search(nil, "secretaire general", "fr"); res.Counts[models.SearchReports] != 1 {
		t.Errorf("the generated French wording is not searched: %+v", res.Counts)
	}
	// And in the four other languages, each stemmed in its own: another
	// case ending in Russian, no accent in Spanish, Chinese as a phrase.
	for lang, text := range map[string]string{"ru": "Генеральный секретарь", "es": "secretario general", "ar": "الأمين العام", "zh": "秘书长"} {
		res := search(nil, text, lang)
		marked := false
		for _, h := range res.Page.Items {
			marked = marked || (h.Kind == models.SearchReports && strings.Contains(h.Excerpt, models.HighlightStart))
		}
		if res.Counts[models.SearchReports] != 1 || !marked {
			t.Errorf("the generated wording in %s is not searched by %q: %+v %+v", lang, text, res.Counts, res.Page.Items)
		}
	}
}

// Search in the six languages: a record is stemmed in the language it was
// written in as well as in English and French, the reader's query in the
// reader's; Chinese is matched character by character as a phrase; the
// States are found by their names in every language.
func TestSearchFindsWhatWasWrittenInEachLanguageByItsInflectedWords(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	ref := &models.ReferenceCache{DB: db}
	written := map[string][2]string{ // language: title, description
		"ru": {"Подготовка сотрудников пограничной службы", "Курсы для пограничников на северной границе."},
		"es": {"Capacitación de fiscales", "Cursos sobre la financiación del terrorismo para los fiscales."},
		"ar": {"تدريب موظفي الحدود", "دورات لموظفي المراكز الحدودية."},
		"zh": {"打击恐怖主义融资培训", "为检察官举办的课程。"},
	}
	ids := map[string]int64{}
	for lang, w := range written {
		n := validNeed("KEN")
		n.Title, n.Description = w[0], w[1]
		created, err := models.CreateNeed(ctx, db, ref, p.focalKEN, n, models.AuditContext{Actor: p.focalKEN})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE needs SET language = ? WHERE id = ?", lang, created.ID).Error; err != nil {
			t.Fatal(err)
		}
		ids[lang] = created.ID
	}
	search := func(text, lang string, kind models.SearchKind) models.SearchResults {
		t.Helper()
		res, err := models.Search(ctx, db, p.secretariat, models.SearchQuery{Text: text, Lang: lang, Kind: kind}, models.PageRequest{Limit: 20})
		if err != nil {
			t.Fatalf("searching %q in %s: %v", text, lang, err)
		}
		return res
	}
	for _, c := range []struct {
		text, lang, written string // written: the need found, "" for none
	}{
		{"пограничная служба", "ru", "ru"}, // other case endings
		{"сотрудник", "ru", "ru"},
		{"fiscal financiacion", "es", "es"}, // singular, no accent
		{"الحدودية", "ar", "ar"},            // with the article and an ending
		{"حدود", "ar", "ar"},
		{"恐怖主义", "zh", "zh"}, // four characters inside a run of ten
		{"融资 培训", "zh", "zh"},
		{`"恐怖主义融资"`, "zh", "zh"},
		{"主义恐怖", "zh", ""}, // the characters, not in that order
		{"检察官", "zh", "zh"},
		{"zebrafish", "ru", ""},
	} {
		res := search(c.text, c.lang, models.SearchNeeds)
		if c.written == "" {
			if res.Total() != 0 {
				t.Errorf("%q in %s found %+v, want nothing", c.text, c.lang, res.Page.Items)
			}
			continue
		}
		if len(res.Page.Items) != 1 || res.Page.Items[0].ID != ids[c.written] {
			t.Errorf("%q in %s found %+v, want the need written in %s", c.text, c.lang, res.Page.Items, c.written)
		} else if got := res.Page.Items[0].Language; got != c.written {
			t.Errorf("the hit of the need written in %s says it is in %q", c.written, got)
		}
	}
	// A Chinese excerpt reads as written, the phrase marked once.
	res := search("检察官", "zh", models.SearchNeeds)
	if len(res.Page.Items) == 1 {
		if ex := res.Page.Items[0].Excerpt; !strings.Contains(ex, "为"+models.HighlightStart+"检察官"+models.HighlightStop+"举办的课程") {
			t.Errorf("the Chinese excerpt is %q", ex)
		}
	}

	// The States by their names in every language, titled in the reader's.
	for _, c := range []struct{ text, lang, title string }{
		{"肯尼亚", "zh", "肯尼亚"}, {"Кения", "ru", "Кения"}, {"كينيا", "ar", "كينيا"}, {"Kenia", "es", "Kenia"},
		{"Кот-д’Ивуар", "ru", "Кот-д’Ивуар"}, {"科特迪瓦", "zh", "科特迪瓦"}, {"Kenya", "zh", "肯尼亚"},
	} {
		res := search(c.text, c.lang, models.SearchStates)
		if len(res.Page.Items) == 0 || res.Page.Items[0].Title != c.title || res.Page.Items[0].Language != c.lang {
			t.Errorf("%q in %s finds the States %+v, want %s first, in %s", c.text, c.lang, res.Page.Items, c.title, c.lang)
		}
	}
}

// The Member States' names in Arabic, Chinese, Russian and Spanish that
// migration 25 stores for search are CLDR's, as the pages show them
// (MemberState.LocalName): tools/statenames wrote them, and a newer CLDR
// would show here.
func TestStoredStateNamesAreThePagesNames(t *testing.T) {
	db := dbtest.New(t)
	var rows []struct {
		models.MemberState
		NameAr, NameZh, NameRu, NameEs string
	}
	if err := db.Table("member_states").Select("*").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != 193 {
		t.Fatalf("%d States", len(rows))
	}
	for _, r := range rows {
		for lang, stored := range map[string]string{"ar": r.NameAr, "zh": r.NameZh, "ru": r.NameRu, "es": r.NameEs} {
			if shown := r.LocalName(lang); stored != shown {
				t.Errorf("%s in %s: stored %q, shown %q", r.ISO3, lang, stored, shown)
			}
		}
	}
}

func TestSearchTextMakesPhrasesOfChineseRuns(t *testing.T) {
	for typed, want := range map[string]string{
		"border control": "border control",
		"恐怖主义":           `"恐 怖 主 义"`,
		"恐怖主义 融资":        `"恐 怖 主 义" "融 资"`,
		`"恐怖主义" -融资`:     `"恐 怖 主 义" -"融 资"`,
		"UNODC恐怖":        `UNODC "恐 怖"`,
		"恐怖 OR 融资":       `"恐 怖" OR "融 资"`,
	} {
		if got := models.SearchTextForTest(typed); got != want {
			t.Errorf("%q is searched as %q, want %q", typed, got, want)
		}
	}
}
