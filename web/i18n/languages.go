package i18n

import "slices"

// Catalogued lists the six official languages of the United Nations, each
// named in itself, whether or not visitors may choose them yet: a text is
// written in any of them, and a document (a DOCX, an email) is rendered
// in the one its reader asks for. A copy, so no caller can change it.
func Catalogued() []Language { return slices.Clone(catalogued) }

// LanguageOf returns the catalogued language of tag.
func LanguageOf(tag string) (Language, bool) {
	i := slices.IndexFunc(catalogued, func(l Language) bool { return l.Tag == tag })
	if i < 0 {
		return Language{}, false
	}
	return catalogued[i], true
}

// In returns the localizer of any catalogued language, false for a tag
// that is none of the six: for what is rendered in a language chosen for
// it rather than the visitor's (a document's chosen language, an email in
// its recipient's). An offered language's localizer is the shared one;
// another's is built for the call (the catalogue stays read-only), which
// costs a few milliseconds, once per document.
func (c *Catalogue) In(tag string) (*Localizer, bool) {
	if l, ok := c.localizers[tag]; ok {
		return l, true
	}
	lang, ok := LanguageOf(tag)
	if !ok {
		return nil, false
	}
	return newLocalizer(c.bundle, lang), true
}
