package views

import (
	"github.com/a-h/templ"

	"ctap/models"
	"ctap/web/i18n"
)

// ContentLang marks an element holding text a person wrote with the
// language it is written in (lang) and its direction (dir), so that a
// screen reader pronounces it in that language and its direction is
// isolated from the page's: an Arabic need's title on an English page
// reads right to left without reordering what surrounds it. Every page
// showing written text uses it; an unknown or empty tag counts as English,
// the language of texts written before the choice existed.
func ContentLang(tag string) templ.Attributes {
	l, ok := i18n.LanguageOf(tag)
	if !ok {
		l, _ = i18n.LanguageOf(models.DefaultLanguage)
	}
	dir := "ltr"
	if l.RTL {
		dir = "rtl"
	}
	return templ.Attributes{"lang": l.Tag, "dir": dir}
}

// contentLanguages is the "Language of the text" select's choices: the six
// languages, each named in itself.
func contentLanguages() []i18n.Language { return i18n.Catalogued() }

// EditLanguage is the language of the Secretariat's wording of a report
// paragraph: English for wording saved before the choice existed.
func EditLanguage(e *models.ReportEdit) string {
	if e == nil || e.Language == "" {
		return models.DefaultLanguage
	}
	return e.Language
}
