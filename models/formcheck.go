package models

import (
	"errors"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// FormChecker checks the shape of a typed form (a struct with `form` and
// `validate` tags) with the validation library, and says what is wrong in
// the catalogue's words, field by field: the pages' forms and the rows of
// an import file are checked by the same rules.
type FormChecker struct{ v *validator.Validate }

// NewFormChecker builds the checker, reporting fields by their form names.
func NewFormChecker() *FormChecker {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return &FormChecker{v: v}
}

// tagMessages turns a failed validation tag into a catalogue message.
var tagMessages = map[string]string{
	"required":      "validation.required",
	"required_with": "validation.required",
	"min":           "validation.required",
	"max":           "validation.too_long",
	"len":           "validation.choose",
	"oneof":         "validation.choose",
	"datetime":      "validation.date",
	"url":           "validation.url",
	"http_url":      "validation.url",
	"email":         "validation.email",
	"number":        "validation.number",
	"gte":           "validation.number",
	"lte":           "validation.number",
}

// Check returns what is wrong with form's shape (empty when nothing is).
// A field's `msg` tag names the message it wants instead of the generic
// one.
func (fc *FormChecker) Check(form any) Problems {
	p := Problems{}
	var ve validator.ValidationErrors
	if err := fc.v.Struct(form); !errors.As(err, &ve) {
		return p
	}
	custom := formMessages(reflect.TypeOf(form))
	for _, fe := range ve {
		if id, ok := custom[fe.Field()]; ok {
			p.Add(fe.Field(), id)
			continue
		}
		id, ok := tagMessages[fe.Tag()]
		if !ok {
			id = "validation.invalid"
		}
		if fe.Tag() == "max" && fe.Kind() == reflect.Slice {
			id = "validation.too_many"
		}
		if fe.Tag() == "min" && fe.Kind() == reflect.Slice {
			id = "validation.choose_one"
		}
		p.Add(fe.Field(), id, "Max", fe.Param())
	}
	return p
}

// formMessages maps a form's field names to the message its `msg` tag
// names, for fields that say what they want better than the generic one.
func formMessages(t reflect.Type) map[string]string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]string{}
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			for k, v := range formMessages(f.Type) {
				out[k] = v
			}
			continue
		}
		if msg := f.Tag.Get("msg"); msg != "" {
			name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
			out[name] = msg
		}
	}
	return out
}
