package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/reqctx"
)

// The UN operational rates of exchange, kept by administrators: the list,
// the form of one rate, and the CSV import.

// rateCurrencies are the currencies a rate may be kept for: every ISO 4217
// currency but the US dollar.
func (h *Handlers) rateCurrencies(c echo.Context) ([]models.Currency, error) {
	all, err := h.Reference.Currencies(ctx(c))
	if err != nil {
		return nil, err
	}
	out := make([]models.Currency, 0, len(all))
	for _, cur := range all {
		if cur.Code != "USD" {
			out = append(out, cur)
		}
	}
	return out, nil
}

// AdminRates lists the rates, the latest month first, filtered by currency
// and year, fifty to a page.
func (h *Handlers) AdminRates(c echo.Context) error {
	currencies, err := h.rateCurrencies(c)
	if err != nil {
		return err
	}
	var f models.RateFilter
	q := url.Values{}
	if code := c.QueryParam("currency"); code != "" {
		for _, cur := range currencies {
			if cur.Code == code {
				f.Currency = code
				q.Set("currency", code)
			}
		}
	}
	first, last := models.RateMonthBounds(models.Today())
	if y, err := strconv.Atoi(c.QueryParam("year")); err == nil && y >= first.Year() && y <= last.Year() {
		f.Year = y
		q.Set("year", strconv.Itoa(y))
	}
	p, err := models.ListRates(ctx(c), h.DB, f, pageRequest(c, 50))
	if err != nil {
		return err
	}
	var years []int
	for y := last.Year(); y >= first.Year(); y-- {
		years = append(years, y)
	}
	d := views.RatesData{Rates: p.Items, Currency: f.Currency, Currencies: currencies, Years: years, Nav: pageNav("/admin/rates", q, p)}
	if f.Year != 0 {
		d.Year = strconv.Itoa(f.Year)
	}
	return render(c, http.StatusOK, views.RatesPage(d))
}

func (h *Handlers) renderRateForm(c echo.Context, status int, d views.RateFormData) error {
	currencies, err := h.rateCurrencies(c)
	if err != nil {
		return err
	}
	d.Currencies = currencies
	return render(c, status, views.RateFormPage(d))
}

// AdminNewRate shows the form for a new rate.
func (h *Handlers) AdminNewRate(c echo.Context) error {
	return h.renderRateForm(c, http.StatusOK, views.RateFormData{})
}

// AdminCreateRate stores a new rate. One someone added meanwhile for the
// same currency and month comes back (409) as that rate's edit form, with
// the person's figure beside the stored one.
func (h *Handlers) AdminCreateRate(c echo.Context) error {
	u := reqctx.User(ctx(c))
	var form views.RateForm
	return h.submit(c, submission{
		Form:  &form,
		Check: func() error { _, err := models.ValidateRate(ctx(c), h.Reference, form.RateInput); return err },
		Save: func() (string, error) {
			r, err := models.SaveRate(ctx(c), h.DB, h.Reference, u, form.RateInput, 0, h.audit(c))
			return "/admin/rates?currency=" + url.QueryEscape(r.Currency), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors, form.Stored, form.Version = errs, false, 0
			return h.renderRateForm(c, status, views.RateFormData{Form: form})
		},
		Stale: func() error {
			next, err := models.ValidateRate(ctx(c), h.Reference, form.RateInput)
			if err != nil {
				return err
			}
			return h.rateConflict(c, form, next.Currency, next.Month)
		},
		Flash: "rates.saved",
	})
}

// rateConflict shows the stored rate of currency and month beside the
// person's (409); saving again overwrites it, knowingly.
func (h *Handlers) rateConflict(c echo.Context, form views.RateForm, currency string, month time.Time) error {
	fresh, err := models.RateByKey(ctx(c), h.DB, currency, month)
	if err != nil {
		return err
	}
	form.Currency, form.Month = fresh.Currency, fresh.MonthKey()
	form.Stored, form.Version, form.Errors = true, fresh.Version, nil
	return h.renderRateForm(c, http.StatusConflict, views.RateFormData{Form: form, Current: &fresh})
}

var (
	rateCurrencyParam = regexp.MustCompile(`^[A-Z]{3}$`)
	rateMonthParam    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}$`)
)

// rateParam reads the rate the address names (/admin/rates/EUR/2024-01).
func (h *Handlers) rateParam(c echo.Context) (models.ExchangeRate, error) {
	code, month := c.Param("currency"), c.Param("month")
	if !rateCurrencyParam.MatchString(code) || !rateMonthParam.MatchString(month) {
		return models.ExchangeRate{}, echo.ErrNotFound
	}
	m, ok := models.ParseRateMonth(month)
	if !ok {
		return models.ExchangeRate{}, echo.ErrNotFound
	}
	return models.RateByKey(ctx(c), h.DB, code, m)
}

// AdminRate shows a rate's edit form.
func (h *Handlers) AdminRate(c echo.Context) error {
	r, err := h.rateParam(c)
	if err != nil {
		return err
	}
	return h.renderRateForm(c, http.StatusOK, views.RateFormData{
		Form: views.RateForm{RateInput: r.InputOf(), Stored: true, Version: r.Version},
	})
}

// AdminUpdateRate saves a rate; an edit made on an outdated version comes
// back (409) with the person's figure beside the stored one. The currency
// and month are the address's, whatever the form says.
func (h *Handlers) AdminUpdateRate(c echo.Context) error {
	r, err := h.rateParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	var form views.RateForm
	keep := func() { form.Currency, form.Month, form.Stored = r.Currency, r.MonthKey(), true }
	return h.submit(c, submission{
		Form: &form,
		Check: func() error {
			keep()
			_, err := models.ValidateRate(ctx(c), h.Reference, form.RateInput)
			return err
		},
		Save: func() (string, error) {
			_, err := models.SaveRate(ctx(c), h.DB, h.Reference, u, form.RateInput, form.Version, h.audit(c))
			return "/admin/rates?currency=" + url.QueryEscape(r.Currency), err
		},
		Render: func(status int, errs []views.FieldError) error {
			keep()
			form.Errors = errs
			return h.renderRateForm(c, status, views.RateFormData{Form: form})
		},
		Stale: func() error { return h.rateConflict(c, form, r.Currency, r.Month) },
		Flash: "rates.saved",
	})
}

// rateImportForm is the import form: its one field is the file, read
// from the multipart body.
type rateImportForm struct{}

// AdminRateImportForm shows the import form and the file's format.
func (h *Handlers) AdminRateImportForm(c echo.Context) error {
	return render(c, http.StatusOK, views.RateImportPage(views.RateImportData{}))
}

// AdminImportRates imports a CSV file of rates: all of it, or nothing with
// every problem listed by line and column under the file field.
func (h *Handlers) AdminImportRates(c echo.Context) error {
	u := reqctx.User(ctx(c))
	var form rateImportForm
	var problems []views.RateImportProblem
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			fh, err := c.FormFile("file")
			switch {
			case errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart):
				return "", models.Invalid("file", "rates.import_file_required")
			case err != nil:
				return "", err
			case fh.Size == 0:
				return "", models.Invalid("file", "rates.import_file_required")
			}
			f, err := fh.Open()
			if err != nil {
				return "", err
			}
			defer f.Close()
			res, err := models.ImportRates(ctx(c), h.DB, h.Reference, u, f, h.audit(c))
			if ps, ok := models.ImportProblemsOf(err); ok {
				l := localizer(c)
				for _, p := range ps {
					problems = append(problems, views.RateImportProblem{Line: p.Line, Column: p.Column, Message: l.Data(p.ID, p.Data)})
				}
				return "", models.Invalid("file", "rates.import_refused", "Count", len(ps))
			}
			if err != nil {
				return "", err
			}
			h.flashCount(c, "success", "rates.imported", res.Rows, map[string]any{"Rows": res.Rows, "Added": res.Added, "Changed": res.Changed, "Unchanged": res.Unchanged})
			return "/admin/rates", nil
		},
		Render: func(status int, errs []views.FieldError) error {
			return render(c, status, views.RateImportPage(views.RateImportData{Errors: errs, Problems: problems}))
		},
	})
}
