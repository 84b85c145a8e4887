package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/web/reqctx"
)

// DonorIATI publishes an organization's contributions as an IATI 2.03
// activity file: those the visitor may see, as on the organization's page,
// so a donor's own users and the Secretariat get its private ones too.
// An organization with nothing the visitor may see has no file (404): the
// schema requires at least one activity.
func (h *Handlers) DonorIATI(c echo.Context) error {
	d, err := models.DonorOrganizationBySlug(ctx(c), h.DB, c.Param("slug"))
	if err != nil {
		return err
	}
	doc, err := models.IATIActivities(ctx(c), h.DB, h.Reference, reqctx.User(ctx(c)), d, time.Now())
	if err != nil {
		return err
	}
	if doc.Len() == 0 {
		return echo.ErrNotFound
	}
	// Inline, so a browser shows the file and a registry fetches it alike;
	// the name is what "save as" offers. The answer depends on who asks:
	// no shared cache may keep it.
	file := fmt.Sprintf("ctap-%s-iati-activities.xml", d.Slug)
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", file))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	c.Response().Header().Set(echo.HeaderContentType, "application/xml; charset=utf-8")
	c.Response().WriteHeader(http.StatusOK)
	// Streamed as it is encoded; past the first byte an error can only be
	// logged (and the file is cut short, which a reader's parser notices).
	return doc.WriteXML(c.Response())
}
