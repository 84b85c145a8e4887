package i18n

import "slices"

// Catalogued lists the six official languages of the United Nations, each
// named in itself: a text is written in any of them, and a document (a
// DOCX, an email) is rendered in the one its reader asks for. A copy, so
// no caller can change it.
func Catalogued() []Language { return slices.Clone(catalogued) }

// LanguageOf returns the catalogued language of tag.
func LanguageOf(tag string) (Language, bool) {
	i := slices.IndexFunc(catalogued, func(l Language) bool { return l.Tag == tag })
	if i < 0 {
		return Language{}, false
	}
	return catalogued[i], true
}

// In returns the localizer of any of the six languages, false for a tag
// that is none of them: for what is rendered in a language chosen for it
// rather than the visitor's (a document's chosen language, an email in its
// recipient's). Unlike Localizer, it never falls back to English.
func (c *Catalogue) In(tag string) (*Localizer, bool) {
	l, ok := c.localizers[tag]
	return l, ok
}
