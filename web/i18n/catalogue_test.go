package i18n

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// pluralForms are the CLDR plural categories of each language for whole
// numbers and fractions, as go-i18n applies them: a counted message must
// give every one, or some count would fall back to English.
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"fr": {"one", "many", "other"},
	"es": {"one", "many", "other"},
	"ru": {"one", "few", "many", "other"},
	"zh": {"other"},
	"ar": {"zero", "one", "two", "few", "many", "other"},
}

// sameInEveryLanguage are the messages whose text may equal English in
// another language: codes, acronyms, symbols and proper names.
var sameInEveryLanguage = map[string]bool{
	"site.short_name":        true, // CTAP, an acronym
	"api.title":              true, // "JSON API" is the technical name in several languages
	"states.col_iso3":        true,
	"states.col_iso2":        true,
	"states.col_m49":         true,
	"needs.col_iso3":         true, // ISO 3166 alpha-3, a standard's name
	"date.long":              true, // placeholders only, in an order some languages share
	"donor.list_separator":   true,
	"partner_kind.interpol":  true, // INTERPOL, a proper name
	"audit.value_none":       true,
	"common.no":              true, // "No" in Spanish
	"activities.col_total":   true, // "Total" in French and Spanish
	"activity.kind.manual":   true,
	"error.title":            true,
	"tokens.created_heading": true,
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// forms returns a message's texts by plural form ("" for a plain string).
func forms(v any) map[string]string {
	switch m := v.(type) {
	case string:
		return map[string]string{"": m}
	case map[string]any:
		out := map[string]string{}
		for k, x := range m {
			if s, ok := x.(string); ok && k != "description" && k != "hash" {
				out[k] = s
			}
		}
		return out
	}
	return nil
}

func names(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// counted tells whether an English message is chosen by a count.
func counted(v any) bool {
	_, ok := forms(v)["one"]
	return ok
}

func TestEveryLanguageHasEveryEnglishMessageAndNoOther(t *testing.T) {
	en, err := readMessages("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range catalogued {
		if lang.Tag == "en" {
			continue
		}
		msgs, err := readMessages(lang.Tag)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range slices.Sorted(maps.Keys(en)) {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s: %s is missing", lang.Tag, id)
			}
		}
		for _, id := range slices.Sorted(maps.Keys(msgs)) {
			if _, ok := en[id]; !ok {
				t.Errorf("%s: %s is not an English message", lang.Tag, id)
			}
		}
	}
}

func TestEveryTranslationKeepsEnglishPlaceholdersAndPluralForms(t *testing.T) {
	en, err := readMessages("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range catalogued {
		msgs, err := readMessages(lang.Tag)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range slices.Sorted(maps.Keys(msgs)) {
			enForms, trForms := forms(en[id]), forms(msgs[id])
			enOther := enForms["other"]
			if s, ok := enForms[""]; ok {
				enOther = s
			}
			trOther := trForms["other"]
			if s, ok := trForms[""]; ok {
				trOther = s
			}
			if want, got := names(enOther), names(trOther); !slices.Equal(want, got) {
				t.Errorf("%s: %s has placeholders %v, English %v", lang.Tag, id, got, want)
			}
			allowed := names(strings.Join(slices.Collect(maps.Values(enForms)), " "))
			for form, text := range trForms {
				for _, n := range names(text) {
					if !slices.Contains(allowed, n) {
						t.Errorf("%s: %s (%s) uses {{.%s}}, which English never gives", lang.Tag, id, form, n)
					}
				}
			}
			if counted(en[id]) {
				for _, form := range pluralForms[lang.Tag] {
					if _, ok := trForms[form]; !ok {
						t.Errorf("%s: %s is counted but has no %q form", lang.Tag, id, form)
					}
				}
			}
		}
	}
}

// latinWords finds a run of three or more Latin words, the mark of a
// sentence left in English in a translation.
var latinWords = regexp.MustCompile(`[A-Za-z]{3,}(\s+[A-Za-z]{2,}){2,}`)

func TestNoMessageIsLeftInEnglish(t *testing.T) {
	en, err := readMessages("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range catalogued {
		if lang.Tag == "en" {
			continue
		}
		msgs, err := readMessages(lang.Tag)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range slices.Sorted(maps.Keys(msgs)) {
			if sameInEveryLanguage[id] {
				continue
			}
			enForms, trForms := forms(en[id]), forms(msgs[id])
			for form, text := range trForms {
				english, ok := enForms[form]
				if !ok {
					english = enForms["other"]
				}
				if strings.TrimSpace(text) != "" && text == english && latinWords.MatchString(text) {
					t.Errorf("%s: %s (%s) is still in English: %q", lang.Tag, id, form, text)
				}
			}
		}
	}
}

func TestCountsReadRightInEveryLanguage(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en, err := readMessages("en")
	if err != nil {
		t.Fatal(err)
	}
	var countedIDs []string
	for id, v := range en {
		if counted(v) {
			countedIDs = append(countedIDs, id)
		}
	}
	slices.Sort(countedIDs)
	if len(countedIDs) < 20 {
		t.Fatalf("only %d counted messages found", len(countedIDs))
	}
	for _, lang := range catalogued {
		l := cat.newLocalizer(lang)
		for _, id := range countedIDs {
			// Every placeholder the English message names gets a value.
			data := map[string]any{}
			for _, name := range names(strings.Join(slices.Collect(maps.Values(forms(en[id]))), " ")) {
				data[name] = "7"
			}
			for _, n := range []int{0, 1, 2, 3, 5, 11, 100} {
				s := l.Plural(id, n, data)
				if s == id || strings.Contains(s, "<no value>") || s == "" {
					t.Errorf("%s: %s at %d renders %q", lang.Tag, id, n, s)
				}
			}
		}
	}
	// The forms differ where the language's grammar says: Arabic has its
	// own words for zero, one, two, a few and many; Russian for 1, 2 and 5.
	byTag := map[string]*Localizer{}
	for _, lang := range catalogued {
		byTag[lang.Tag] = cat.newLocalizer(lang)
	}
	needs := func(tag string, n int) string { return byTag[tag].Plural("needs.count", n, nil) }
	arabic := map[string]bool{}
	for _, n := range []int{0, 1, 2, 3, 11, 100} {
		arabic[needs("ar", n)] = true
	}
	if len(arabic) != 6 {
		t.Errorf("Arabic counts 0, 1, 2, 3, 11 and 100 needs with %d distinct texts: %v", len(arabic), slices.Collect(maps.Keys(arabic)))
	}
	if r1, r2, r5 := needs("ru", 1), needs("ru", 2), needs("ru", 5); r1 == r2 || r2 == r5 || r1 == r5 {
		t.Errorf("Russian counts 1, 2 and 5 needs as %q, %q, %q", r1, r2, r5)
	}
	if a, b := needs("zh", 1), needs("zh", 5); strings.Replace(a, "1", "5", 1) != b {
		t.Errorf("Chinese counts differ beyond the number: %q, %q", a, b)
	}
}

func TestEachLanguageIsNamedInItselfAndArabicRunsRightToLeft(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ar": "العربية", "zh": "中文", "en": "English", "fr": "Français", "ru": "Русский", "es": "Español"}
	got := map[string]string{}
	for _, l := range catalogued {
		got[l.Tag] = l.Name
		if dir := cat.newLocalizer(l).Dir(); (dir == "rtl") != (l.Tag == "ar") {
			t.Errorf("%s runs %s", l.Tag, dir)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("the languages are %v", got)
	}
	// The switcher offers all six, in the UN's order, each in its own name.
	var switcher, named []string
	for _, l := range cat.Languages() {
		switcher = append(switcher, l.Tag)
		named = append(named, l.Name)
		if !cat.Supported(l.Tag) || cat.Localizer(l.Tag).Tag != l.Tag {
			t.Errorf("%s is in the switcher but not served", l.Tag)
		}
	}
	if !slices.Equal(switcher, []string{"ar", "zh", "en", "fr", "ru", "es"}) {
		t.Errorf("the switcher offers %v", switcher)
	}
	if !slices.Equal(named, []string{"العربية", "中文", "English", "Français", "Русский", "Español"}) {
		t.Errorf("the switcher names them %v", named)
	}
	// A first visit: the browser's preference decides; scripts and regions
	// of a language go to the one catalogue (Chinese is written in
	// simplified characters here, which a reader of traditional ones reads
	// better than English); a language not offered falls back to English.
	for header, tag := range map[string]string{
		"fr-CH":                   "fr",
		"de-DE,de;q=0.9":          "en",
		"":                        "en",
		"ar-EG,ar;q=0.9,fr;q=0.5": "ar",
		"ar":                      "ar",
		"zh-CN":                   "zh",
		"zh-Hans":                 "zh",
		"zh-TW":                   "zh",
		"zh-Hant-HK,zh;q=0.8":     "zh",
		"ru-RU,ru;q=0.9,en;q=0.8": "ru",
		"es-419":                  "es",
		"es-MX,es;q=0.9":          "es",
		"de":                      "en",
		"de,fr;q=0.5":             "fr",
	} {
		if l := cat.Pick("", header); l.Tag != tag {
			t.Errorf("Accept-Language %q picks %s, want %s", header, l.Tag, tag)
		}
	}
	if l := cat.Pick("ar", "en"); l.Tag != "ar" || l.Dir() != "rtl" {
		t.Errorf("a remembered Arabic loses to the browser's English: %s %s", l.Tag, l.Dir())
	}
	if l := cat.Pick("de", "zh-TW"); l.Tag != "zh" {
		t.Errorf("a remembered language not offered is not ignored: %s", l.Tag)
	}
	if l := cat.Pick("fr", "en"); l.Tag != "fr" {
		t.Errorf("a remembered choice loses to the browser's: %s", l.Tag)
	}
}

func TestDatesAndAmountsAreWrittenAsEachLanguageWritesThem(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for tag, want := range map[string][2]string{
		"en": {"17 December 2015", "1,234,567.50"},
		"fr": {"17 décembre 2015", "1\u202f234\u202f567,50"},
		"es": {"17 de diciembre de 2015", "1.234.567,50"},
		"ru": {"17 декабря 2015 г.", "1\u00a0234\u00a0567,50"},
		"zh": {"2015年12月17日", "1,234,567.50"},
		// Arabic: the UN's double month name; Latin digits, led by a
		// right-to-left mark so the figure keeps its place in Arabic text.
		"ar": {"17 كانون الأول/ديسمبر 2015", "\u200f1,234,567.50"},
	} {
		l := cat.newLocalizer(catalogued[slices.IndexFunc(catalogued, func(c Language) bool { return c.Tag == tag })])
		if got := l.Date(17, 12, 2015); got != want[0] {
			t.Errorf("%s writes 17 December 2015 as %q, want %q", tag, got, want[0])
		}
		if got := l.Number("1234567.50"); got != want[1] {
			t.Errorf("%s writes 1234567.50 as %q, want %q", tag, got, want[1])
		}
	}
}
