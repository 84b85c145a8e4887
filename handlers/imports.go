package handlers

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
)

// Every CSV import page (treaty actions, contributions) takes the file's
// content pasted into a text area, or the file itself; a refused file
// comes back in the text area to be corrected, with its problems beside it.

// importForm is an import page's form: the CSV pasted, or a file.
type importForm struct {
	CSV string `form:"csv" validate:"max=2000000"`
}

// maxImportEcho bounds the file content sent back in the text area.
const maxImportEcho = 200_000

// importData returns the CSV to import: the uploaded file if there is one,
// else what was pasted. A required-field problem when there is neither.
func importData(c echo.Context, form *importForm) ([]byte, error) {
	data := []byte(form.CSV)
	fh, err := c.FormFile("file")
	switch {
	case err == nil && fh.Size > 0:
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if data, err = io.ReadAll(io.LimitReader(f, 20<<20)); err != nil {
			return nil, err
		}
	case err != nil && !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart):
		return nil, err
	}
	if form.CSV == "" && len(data) <= maxImportEcho && utf8.Valid(data) {
		form.CSV = string(data) // a refused file comes back to be corrected
	}
	if strings.TrimSpace(string(data)) == "" {
		return nil, models.Invalid("csv", "validation.required")
	}
	return data, nil
}

// runImport reads the CSV of form and passes it to run (the model's
// import, which stores all or nothing); a refused file becomes the field's
// problem, with each of its problems translated into *problems ("Line 3,
// column date: …").
func runImport(c echo.Context, form *importForm, problems *[]string, run func(io.Reader) error) error {
	data, err := importData(c, form)
	if err != nil {
		return err
	}
	err = run(bytes.NewReader(data))
	ps, refused := models.ImportProblemsOf(err)
	if !refused {
		return err
	}
	l := localizer(c)
	for _, p := range ps {
		msg := l.Data(p.ID, p.Data)
		if p.Column == "" {
			*problems = append(*problems, l.Data("import.problem_line", map[string]any{"Line": p.Line, "Message": msg}))
		} else {
			*problems = append(*problems, l.Data("import.problem", map[string]any{"Line": p.Line, "Column": p.Column, "Message": msg}))
		}
	}
	return models.Invalid("csv", "import.refused", "Count", len(ps))
}

// submitImport handles an import page's POST: run imports the file (all
// or nothing); success says what it did (flash, the catalogue message with
// Rows, Created, Changed and Unchanged) and goes to done; a refused file
// comes back on its page with the text and every problem.
func (h *Handlers) submitImport(c echo.Context, page func(views.ImportPageData) templ.Component, flash, done string,
	run func(io.Reader) (models.ImportCounts, error)) error {
	var form importForm
	var problems []string
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			err := runImport(c, &form, &problems, func(r io.Reader) error {
				res, err := run(r)
				if err == nil {
					h.flashCount(c, "success", flash, res.Rows, map[string]any{"Rows": res.Rows, "Created": res.Created, "Changed": res.Changed, "Unchanged": res.Unchanged})
				}
				return err
			})
			return done, err
		},
		Render: func(status int, errs []views.FieldError) error {
			return render(c, status, page(views.ImportPageData{CSV: form.CSV, Errors: errs, Problems: problems}))
		},
	})
}
