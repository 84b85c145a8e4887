package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
)

// AdminPeriods lists the reporting periods, newest first.
func (h *Handlers) AdminPeriods(c echo.Context) error {
	p, err := models.ListPeriods(ctx(c), h.DB, pageRequest(c, 50))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PeriodsPage(views.PeriodsData{
		Periods: p.Items, Today: models.Today(), Nav: pageNav("/admin/periods", c.QueryParams(), p),
	}))
}

// AdminNewPeriod shows the form for a new period.
func (h *Handlers) AdminNewPeriod(c echo.Context) error {
	return render(c, http.StatusOK, views.PeriodFormPage(views.PeriodFormData{}))
}

// AdminCreatePeriod stores a new period.
func (h *Handlers) AdminCreatePeriod(c echo.Context) error {
	var form views.PeriodForm
	return h.submit(c, submission{
		Form:  &form,
		Check: func() error { _, err := models.ValidatePeriod(form.PeriodInput); return err },
		Save: func() (string, error) {
			_, err := models.CreatePeriod(ctx(c), h.DB, form.PeriodInput, h.audit(c))
			return "/admin/periods", err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return render(c, status, views.PeriodFormPage(views.PeriodFormData{Form: form}))
		},
		Flash: "period.saved",
	})
}

func (h *Handlers) periodParam(c echo.Context) (models.ReportingPeriod, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.ReportingPeriod{}, echo.ErrNotFound
	}
	return models.PeriodByID(ctx(c), h.DB, id)
}

// AdminPeriod shows a period's edit form.
func (h *Handlers) AdminPeriod(c echo.Context) error {
	p, err := h.periodParam(c)
	if err != nil {
		return err
	}
	reminders, err := models.ListPeriodReminders(ctx(c), h.DB, p.ID)
	if err != nil {
		return err
	}
	states, err := h.stateNames(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PeriodFormPage(views.PeriodFormData{
		Form:      views.PeriodForm{PeriodInput: p.InputOf(), ID: p.ID, Version: p.Version},
		Reminders: reminders, States: states,
	}))
}

// AdminUpdatePeriod saves a period; an edit made on an outdated version
// comes back (409) with the person's values beside the stored ones.
func (h *Handlers) AdminUpdatePeriod(c echo.Context) error {
	p, err := h.periodParam(c)
	if err != nil {
		return err
	}
	form := views.PeriodForm{ID: p.ID}
	return h.submit(c, submission{
		Form:  &form,
		Check: func() error { _, err := models.ValidatePeriod(form.PeriodInput); return err },
		Save: func() (string, error) {
			_, err := models.UpdatePeriod(ctx(c), h.DB, p.ID, form.Version, form.PeriodInput, h.audit(c))
			return "/admin/periods", err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors, form.ID = errs, p.ID
			return render(c, status, views.PeriodFormPage(views.PeriodFormData{Form: form}))
		},
		Stale: func() error {
			fresh, err := h.periodParam(c)
			if err != nil {
				return err
			}
			form.ID, form.Version = fresh.ID, fresh.Version // saving again overwrites, knowingly
			return render(c, http.StatusConflict, views.PeriodFormPage(views.PeriodFormData{Form: form, Current: &fresh}))
		},
		Flash: "period.saved",
	})
}
