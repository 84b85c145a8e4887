package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

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
	if l == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]string(l))
	if err != nil {
		return nil, fmt.Errorf("localized: %w", err)
	}
	return string(b), nil
}

// Scan reads a jsonb object.
func (l *Localized) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*l = nil
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("localized: cannot scan %T", src)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("localized: %w", err)
	}
	*l = m
	return nil
}

// GormDataType tells GORM the column type.
func (Localized) GormDataType() string { return "jsonb" }
