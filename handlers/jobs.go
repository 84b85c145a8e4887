package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
)

// AdminJobs lists the jobs that failed (retrying or given up) with their
// errors, for an administrator to see and retry.
func (h *Handlers) AdminJobs(c echo.Context) error {
	failing, err := models.ListFailingJobs(ctx(c), h.DB, 100)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminJobsPage(views.AdminJobsData{Jobs: failing}))
}

// AdminRetryJob runs a failing job again at once.
func (h *Handlers) AdminRetryJob(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	if err := h.Jobs.Retry(ctx(c), id, h.audit(c)); err != nil {
		return err
	}
	h.flash(c, "success", "jobs.retried", map[string]any{"ID": id})
	return redirectAfterPost(c, "/admin/jobs")
}
