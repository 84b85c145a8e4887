package handlers

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
)

// Every form of the portal goes through this file: the request is decoded
// by Echo's binder into a typed form struct, its shape is checked by the
// validation library (struct tags), its meaning by the domain's own
// validation (models.Problems), and a rejected form comes back (422) with
// the person's input and a message beside each wrong field.

// decodeForm reads the submitted form into form (a pointer to a struct with
// `form` and `validate` tags) and returns what is wrong with its shape.
func (h *Handlers) decodeForm(c echo.Context, form any) models.Problems {
	p := models.Problems{}
	r := c.Request()
	if err := r.ParseForm(); err != nil {
		p.Add("_form", "validation.unreadable")
		return p
	}
	// Text that is not UTF-8 is refused here, field by field, before it
	// reaches a struct or the database (which would refuse it less kindly).
	for name, values := range r.PostForm {
		for _, v := range values {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				p.Add(name, "validation.invalid_text")
			}
		}
	}
	if err := (&echo.DefaultBinder{}).BindBody(c, form); err != nil {
		p.Add("_form", "validation.unreadable")
		return p
	}
	p.Merge(h.Validate.Check(form))
	return p
}

// fieldErrors translates problems into messages, in the order the fields
// appear in the form struct, so the summary reads top to bottom.
func fieldErrors(c echo.Context, form any, p models.Problems) []views.FieldError {
	if len(p) == 0 {
		return nil
	}
	l := localizer(c)
	var out []views.FieldError
	seen := map[string]bool{}
	add := func(field string) {
		pr, ok := p[field]
		if !ok || seen[field] {
			return
		}
		seen[field] = true
		id := field
		if field == "_form" {
			id = ""
		}
		msg := l.Data(pr.ID, pr.Data)
		if n, ok := pr.Data["Count"].(int); ok {
			msg = l.Plural(pr.ID, n, pr.Data) // "1 problem", "3 problems"
		}
		out = append(out, views.FieldError{FieldID: id, Message: msg})
	}
	for _, name := range formFieldNames(reflect.TypeOf(form)) {
		add(name)
	}
	for field := range p { // fields the struct does not name (e.g. "to", "note")
		add(field)
	}
	return out
}

// formFieldNames lists a form struct's `form` names in declaration order,
// embedded structs included.
func formFieldNames(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, formFieldNames(f.Type)...)
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("form"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// submission is what one form's handler provides to submit.
type submission struct {
	// Form is a pointer to the typed form struct the request decodes into.
	Form any
	// Check, when set, runs the domain's validation without writing, so a
	// rejected form lists every problem at once.
	Check func() error
	// Save writes the change (authorized, validated, audited and
	// version-checked by the model) and returns where to go next.
	Save func() (string, error)
	// Render shows the form again with its input, a status and messages.
	Render func(status int, errs []views.FieldError) error
	// Stale shows the 409 page with the person's version beside the
	// current one; nil renders the form with status 409.
	Stale func() error
	// Flash is the message ID shown after a successful save.
	Flash string
}

// submit runs one form submission from decoding to redirect: one call per
// handler, so every form behaves the same.
func (h *Handlers) submit(c echo.Context, s submission) error {
	problems := h.decodeForm(c, s.Form)
	if s.Check != nil {
		if err := s.Check(); err != nil {
			p, ok := models.ProblemsOf(err)
			if !ok {
				return err
			}
			problems.Merge(p)
		}
	}
	if len(problems) > 0 {
		return s.Render(http.StatusUnprocessableEntity, fieldErrors(c, s.Form, problems))
	}
	next, err := s.Save()
	if p, ok := models.ProblemsOf(err); ok {
		return s.Render(http.StatusUnprocessableEntity, fieldErrors(c, s.Form, p))
	}
	switch {
	case errors.Is(err, models.ErrStaleVersion):
		if s.Stale != nil {
			return s.Stale()
		}
		return s.Render(http.StatusConflict, nil)
	case errors.Is(err, models.ErrForbidden):
		return echo.ErrForbidden
	case errors.Is(err, models.ErrNotFound):
		return echo.ErrNotFound
	case err != nil:
		return err
	}
	if s.Flash != "" {
		h.flash(c, "success", s.Flash, nil)
	}
	return redirectAfterPost(c, next)
}
