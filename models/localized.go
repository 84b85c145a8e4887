package models

import "database/sql/driver"

// Localized is a name or title in several languages, stored as one jsonb
// object keyed by language tag ({"en": "...", "fr": "..."}), so that a new
// language fills keys rather than adding columns. English is required and
// is the fallback.
type Localized map[string]string

// In returns the text in lang, or English when lang has none.
func (l Localized) In(lang string) string {
	if s := l[lang]; s != "" {
		return s
	}
	return l["en"]
}

// Value stores the object as jsonb.
func (l Localized) Value() (driver.Value, error) {
	return jsonbValue(map[string]string(l), l == nil, "{}", "localized")
}

// Scan reads a jsonb object.
func (l *Localized) Scan(src any) error {
	m := map[string]string{}
	ok, err := jsonbScan(src, &m, "localized")
	if !ok {
		m = nil
	}
	*l = m
	return err
}

// GormDataType tells GORM the column type.
func (Localized) GormDataType() string { return "jsonb" }
