package models

import (
	"errors"
	"sort"
	"strings"
	"unicode/utf8"
)

// Problem is what is wrong with one field: a message ID of the catalogue
// and the values its text needs (a maximum length, say).
type Problem struct {
	ID   string
	Data map[string]any
}

// Problems maps a form field's name to what is wrong with it. Domain
// functions return them (wrapped in a ValidationError), never HTTP: the
// web layer turns them into messages beside the fields.
type Problems map[string]Problem

// Add records a problem for field, keeping the first one found: the first
// is usually the most basic ("required" before "too long").
func (p Problems) Add(field, messageID string, kv ...any) {
	if _, ok := p[field]; ok {
		return
	}
	var data map[string]any
	if len(kv) > 1 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				data[k] = kv[i+1]
			}
		}
	}
	p[field] = Problem{ID: messageID, Data: data}
}

// Merge adds other's problems to p, keeping p's where both have one.
func (p Problems) Merge(other Problems) {
	for f, pr := range other {
		if _, ok := p[f]; !ok {
			p[f] = pr
		}
	}
}

// Err wraps the problems in a ValidationError, nil when there are none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Problems: p}
}

// ValidationError is a rejected input: nothing was stored.
type ValidationError struct {
	Problems Problems
}

func (e *ValidationError) Error() string {
	fields := make([]string, 0, len(e.Problems))
	for f, p := range e.Problems {
		fields = append(fields, f+": "+p.ID)
	}
	sort.Strings(fields)
	return "invalid input (" + strings.Join(fields, ", ") + ")"
}

// ProblemsOf returns the problems an error carries, if it is (or wraps) a
// ValidationError.
func ProblemsOf(err error) (Problems, bool) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Problems, true
	}
	return nil, false
}

// Invalid is a one-field ValidationError.
func Invalid(field, messageID string, kv ...any) error {
	p := Problems{}
	p.Add(field, messageID, kv...)
	return p.Err()
}

// Text rules every free-text field follows, whatever its length limit:
// valid UTF-8 without control characters other than line breaks and tabs.
func checkText(p Problems, field, value string, required bool, max int) {
	switch {
	case !utf8.ValidString(value):
		p.Add(field, "validation.invalid_text")
	case strings.TrimSpace(value) == "" && required:
		p.Add(field, "validation.required")
	case utf8.RuneCountInString(value) > max:
		p.Add(field, "validation.too_long", "Max", max)
	case hasControl(value):
		p.Add(field, "validation.invalid_text")
	}
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return true
		}
	}
	return false
}
