package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/reqctx"
)

// AdminPartners lists the partner organizations activities may name.
func (h *Handlers) AdminPartners(c echo.Context) error {
	partners, err := models.ListPartners(ctx(c), h.DB)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PartnersPage(views.PartnersData{Partners: partners}))
}

// AdminNewPartner shows the form for a new partner.
func (h *Handlers) AdminNewPartner(c echo.Context) error {
	return render(c, http.StatusOK, views.PartnerFormPage(views.PartnerForm{}))
}

// AdminEditPartner shows a partner's form.
func (h *Handlers) AdminEditPartner(c echo.Context) error {
	p, err := models.PartnerBySlug(ctx(c), h.DB, c.Param("slug"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PartnerFormPage(views.PartnerForm{PartnerInput: p.InputOf(), ID: p.ID, Version: p.Version}))
}

// AdminSavePartner adds or saves a partner.
func (h *Handlers) AdminSavePartner(c echo.Context) error {
	form := views.PartnerForm{}
	if slug := c.Param("slug"); slug != "" {
		p, err := models.PartnerBySlug(ctx(c), h.DB, slug)
		if err != nil {
			return err
		}
		form.ID = p.ID
	}
	id := form.ID
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			_, err := models.SavePartner(ctx(c), h.DB, reqctx.User(ctx(c)), id, form.Version, form.PartnerInput, h.audit(c))
			return "/admin/partners", err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors, form.ID = errs, id
			return render(c, status, views.PartnerFormPage(form))
		},
		Stale: func() error {
			form.ID, form.Stale = id, true
			if fresh, err := models.PartnerBySlug(ctx(c), h.DB, c.Param("slug")); err == nil {
				form.Version = fresh.Version
			}
			return render(c, http.StatusConflict, views.PartnerFormPage(form))
		},
		Flash: "partner.saved",
	})
}
