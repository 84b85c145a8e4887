package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// donorRecent is how many of an organization's contributions its page
// lists; the whole list is /contributions?donor={slug}.
const donorRecent = 50

// Donors lists the donor organizations with the totals of the
// contributions the viewer may see, by name or by funding.
func (h *Handlers) Donors(c echo.Context) error {
	sort := models.DonorSort(c.QueryParam("sort"))
	if !sort.Valid() {
		sort = models.DonorSortName // an unknown order shows the default rather than an error
	}
	rows, err := models.DonorTotalsList(ctx(c), h.DB, reqctx.User(ctx(c)), sort)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DonorsPage(views.DonorsData{Rows: rows, Sort: sort}))
}

// Donor is one organization's contribution page: its figures, broken down,
// and its most recent contributions, as far as the viewer may see them;
// its own donors (and the Secretariat) see their workspace on it.
func (h *Handlers) Donor(c echo.Context) error {
	u := reqctx.User(ctx(c))
	d, err := models.DonorOrganizationBySlug(ctx(c), h.DB, c.Param("slug"))
	if err != nil {
		return err
	}
	breakdown, err := models.DonorBreakdown(ctx(c), h.DB, u, d.ID)
	if err != nil {
		return err
	}
	recent, err := models.ListContributions(ctx(c), h.DB, u, models.ContributionFilter{DonorID: d.ID}, "value_date",
		models.PageRequest{Limit: donorRecent})
	if err != nil {
		return err
	}
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return err
	}
	delivered, err := models.LoadDonorDelivered(ctx(c), h.DB, u, d.ID)
	if err != nil {
		return err
	}
	data := views.DonorData{
		Delivered:    delivered,
		Organization: d,
		Workspace:    policy.Can(u, policy.WorkForDonor, policy.Donor(d.ID)),
		Own:          u.HasRole(models.RoleDonor) && u.DonorOrganizationID != nil && *u.DonorOrganizationID == d.ID,
		Breakdown:    breakdown,
		Recent:       recent.Items,
		More:         recent.Next != "",
		Recipients:   map[int]models.MemberState{},
		Paragraphs:   paras,
	}
	if d.MemberStateID != nil {
		s, ok, err := h.Reference.MemberStateByID(ctx(c), *d.MemberStateID)
		if err != nil {
			return err
		}
		if ok {
			data.State = &s
		}
	}
	for _, r := range recent.Items {
		if r.RecipientStateID == nil {
			continue
		}
		s, ok, err := h.Reference.MemberStateByID(ctx(c), *r.RecipientStateID)
		if err != nil {
			return err
		}
		if ok {
			data.Recipients[s.ID] = s
		}
	}
	return render(c, http.StatusOK, views.DonorPage(data))
}

// DonorInterests shows the form of the needs an organization wants to hear
// of when they are shared with donors.
func (h *Handlers) DonorInterests(c echo.Context) error {
	d, err := h.interestsDonor(c)
	if err != nil {
		return err
	}
	cur, err := models.LoadDonorInterests(ctx(c), h.DB, d.ID)
	if err != nil {
		return err
	}
	return h.renderDonorInterests(c, http.StatusOK, views.DonorInterestsData{Organization: d, Form: cur.InputOf()})
}

// SaveDonorInterests records the organization's interests.
func (h *Handlers) SaveDonorInterests(c echo.Context) error {
	d, err := h.interestsDonor(c)
	if err != nil {
		return err
	}
	var form models.DonorInterestsInput
	return h.submit(c, submission{
		Form: &form,
		Check: func() error {
			_, err := models.ValidateDonorInterests(ctx(c), h.Reference, form)
			return err
		},
		Save: func() (string, error) {
			return "/donors/" + d.Slug, models.SaveDonorInterests(ctx(c), h.DB, h.Reference, reqctx.User(ctx(c)), d.ID, form, h.audit(c))
		},
		Render: func(status int, errs []views.FieldError) error {
			data := views.DonorInterestsData{Organization: d, Form: form, Errors: errs}
			if status == http.StatusConflict {
				cur, err := models.LoadDonorInterests(ctx(c), h.DB, d.ID)
				if err != nil {
					return err
				}
				data.Form.Version, data.Stale = cur.Version, true
			}
			return h.renderDonorInterests(c, status, data)
		},
		Flash: "interests.saved",
	})
}

// interestsDonor is the organization of the address, if the person may
// keep its interests (404 otherwise, as for a page they may not see).
func (h *Handlers) interestsDonor(c echo.Context) (models.DonorOrganization, error) {
	d, err := models.DonorOrganizationBySlug(ctx(c), h.DB, c.Param("slug"))
	if err != nil {
		return d, err
	}
	if !policy.Can(reqctx.User(ctx(c)), policy.KeepDonorInterests, policy.Donor(d.ID)) {
		return d, echo.ErrForbidden
	}
	return d, nil
}

func (h *Handlers) renderDonorInterests(c echo.Context, status int, d views.DonorInterestsData) error {
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return err
	}
	d.Paragraphs = paras
	return render(c, status, views.DonorInterestsPage(d))
}
