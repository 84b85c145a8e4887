package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// dashboardData reads the dashboard's figures as u (nil: anonymous, the
// public records) may see them, kept for a minute per visibility class:
// one statement when counted (the instruments' names come from the
// reference cache).
func (h *Handlers) dashboardData(c echo.Context, u *models.User) (views.DashboardData, error) {
	today := models.Today()
	figures, err := h.Dashboards.Get(ctx(c), u, today)
	if err != nil {
		return views.DashboardData{}, err
	}
	instruments, err := h.Reference.Instruments(ctx(c))
	if err != nil {
		return views.DashboardData{}, err
	}
	return views.DashboardData{Figures: figures, Instruments: instruments, Year: today.Year(),
		ShowProgress: policy.Anyone(u, policy.ReadProgress)}, nil
}

// Dashboard charts what the records the person may see add up to: the
// parties to each instrument, the progress of the current period, the
// needs, and the funding against the needs' cost.
func (h *Handlers) Dashboard(c echo.Context) error {
	d, err := h.dashboardData(c, reqctx.User(ctx(c)))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DashboardPage(d))
}
