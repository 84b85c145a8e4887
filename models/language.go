package models

// The language a text is written in: what people write (a need, a
// contribution's or an activity's description, a progress report, the
// Secretariat's wording of a report) is stored as written with its
// language, one of the six official languages of the United Nations (the
// database's ctap_language domain, migration 24), so that pages mark it
// with its lang attribute and screen readers pronounce it right.

// DefaultLanguage is the language of a text whose author did not say
// (records written before the choice existed, import files without a
// language column): English, as the migration assumes.
const DefaultLanguage = "en"

// ContentLanguages lists the six languages a text may be written in, in
// the order the United Nations lists them; a fresh slice each call, so no
// caller can change another's.
func ContentLanguages() []string { return []string{"ar", "zh", "en", "fr", "ru", "es"} }

// IsContentLanguage tells whether tag is one of the six.
func IsContentLanguage(tag string) bool {
	switch tag {
	case "ar", "zh", "en", "fr", "ru", "es":
		return true
	}
	return false
}

// checkLanguage reads the language field of an input: one of the six, the
// default when the input leaves it empty (an import file without the
// column), a problem beside the field otherwise.
func checkLanguage(p Problems, field, tag string) string {
	switch {
	case tag == "":
		return DefaultLanguage
	case !IsContentLanguage(tag):
		p.Add(field, "validation.language")
		return DefaultLanguage
	}
	return tag
}
