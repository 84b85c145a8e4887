package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// jsonbValue stores v as a jsonb text; empty is what a nil value stores
// ("{}" for an object, "[]" for an array), so the column is never NULL.
func jsonbValue(v any, isNil bool, empty, what string) (driver.Value, error) {
	if isNil {
		return empty, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return string(b), nil
}

// jsonbScan decodes a jsonb column (text or bytes) into dst. It reports
// false for NULL, so the caller can set its value to nil.
func jsonbScan(src, dst any, what string) (bool, error) {
	var b []byte
	switch v := src.(type) {
	case nil:
		return false, nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return false, fmt.Errorf("%s: cannot scan %T", what, src)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return true, nil
}
