package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// Donors lists the donor organizations.
func (h *Handlers) Donors(c echo.Context) error {
	list, err := models.ListDonorOrganizations(ctx(c), h.DB)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DonorsPage(list))
}

// Donor is one organization's contribution page; its own donors (and the
// Secretariat) see their workspace on it.
func (h *Handlers) Donor(c echo.Context) error {
	d, err := models.DonorOrganizationBySlug(ctx(c), h.DB, c.Param("slug"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DonorPage(views.DonorData{
		Organization: d,
		Workspace:    policy.Can(reqctx.User(ctx(c)), policy.WorkForDonor, policy.Donor(d.ID)),
	}))
}
