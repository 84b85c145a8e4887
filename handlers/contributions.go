package handlers

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// contributionFilter reads the list's filters from the query; an unknown
// value is dropped rather than refused, so an old bookmark still lists.
func (h *Handlers) contributionFilter(c echo.Context, donors []models.DonorOrganization) (models.ContributionFilter, views.ContributionFilterForm, error) {
	q := c.QueryParams()
	form := views.ContributionFilterForm{
		Donor: q.Get("donor"), Recipient: strings.ToUpper(q.Get("recipient")), Status: q.Get("status"), Kind: q.Get("kind"),
		Theme: q.Get("theme"), Paragraph: q.Get("paragraph"), Year: strings.TrimSpace(q.Get("year")), Verified: q.Get("verified"),
		Sort: q.Get("sort"),
	}
	var f models.ContributionFilter
	form.Donor = ""
	for _, d := range donors {
		if d.Slug == q.Get("donor") {
			f.DonorID, form.Donor = d.ID, d.Slug
		}
	}
	if form.Recipient != "" {
		if s, err := h.Reference.MemberStateByISO3(ctx(c), form.Recipient); err == nil {
			f.RecipientStateID = s.ID
		} else {
			form.Recipient = ""
		}
	}
	if models.ContributionStatus(form.Status).Valid() {
		f.Status = models.ContributionStatus(form.Status)
	} else {
		form.Status = ""
	}
	if form.Kind == string(models.ContributionFinancial) || form.Kind == string(models.ContributionInKind) {
		f.Kind = models.ContributionKind(form.Kind)
	} else {
		form.Kind = ""
	}
	if slices.Contains(models.NeedThemes(), form.Theme) {
		f.Theme = form.Theme
	} else {
		form.Theme = ""
	}
	if n, err := strconv.Atoi(form.Paragraph); err == nil && n > 0 && n < 1000 {
		f.Paragraph = n
	} else {
		form.Paragraph = ""
	}
	if y, err := strconv.Atoi(form.Year); err == nil && y >= 1990 && y <= 2100 {
		f.Year = y
	} else {
		form.Year = ""
	}
	switch form.Verified {
	case "yes", "no":
		v := form.Verified == "yes"
		f.Verified = &v
	default:
		form.Verified = ""
	}
	if !slices.Contains(models.ContributionSorts(), form.Sort) || form.Sort == "value_date" {
		form.Sort = ""
	}
	return f, form, nil
}

// contributionRows joins each contribution to its organization.
func contributionRows(donors []models.DonorOrganization, list []models.ContributionRow) []views.ContributionRow {
	byID := make(map[int]models.DonorOrganization, len(donors))
	for _, d := range donors {
		byID[d.ID] = d
	}
	rows := make([]views.ContributionRow, len(list))
	for i, r := range list {
		rows[i] = views.ContributionRow{ContributionRow: r, Donor: byID[r.DonorOrganizationID]}
	}
	return rows
}

// Contributions lists the contributions the person may see, filtered,
// with their totals, fifty to a page; ?format=csv or xlsx exports every
// contribution the filters match.
func (h *Handlers) Contributions(c echo.Context) error {
	u := reqctx.User(ctx(c))
	donors, err := models.ListDonorOrganizations(ctx(c), h.DB)
	if err != nil {
		return err
	}
	f, form, err := h.contributionFilter(c, donors)
	if err != nil {
		return err
	}
	if format := exportFormat(c); format != "" {
		list, err := models.ExportContributions(ctx(c), h.DB, u, f, form.Sort)
		if err != nil {
			return err
		}
		return writeExport(c, format, "contributions", views.BuildTable(ctx(c), views.T_(ctx(c), "contribution.caption"),
			views.ContributionExportColumns(), contributionRows(donors, list)))
	}
	page, err := models.ListContributions(ctx(c), h.DB, u, f, form.Sort, pageRequest(c, 50))
	if err != nil {
		return err
	}
	totals, err := models.LoadContributionTotals(ctx(c), h.DB, u, f)
	if err != nil {
		return err
	}
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return err
	}
	query := form.Query_()
	return render(c, http.StatusOK, views.ContributionsPage(views.ContributionsData{
		Rows: contributionRows(donors, page.Items), Total: totals.Count(), Totals: totals, Filter: form,
		Donors: donors, States: states, Paragraphs: paras,
		Nav: pageNav("/contributions", query, page), ExportQuery: query.Encode(),
		CanCreate: policy.Anyone(u, policy.RecordContributions), CanImport: policy.Anyone(u, policy.Review),
	}))
}

// contributionParam loads the contribution of the address that the person
// may see; one they may not see is answered 404.
func (h *Handlers) contributionParam(c echo.Context) (models.ContributionPage, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.ContributionPage{}, echo.ErrNotFound
	}
	return models.ContributionByID(ctx(c), h.DB, reqctx.User(ctx(c)), id)
}

// Contribution shows one contribution with the steps the person may take.
func (h *Handlers) Contribution(c echo.Context) error {
	p, err := h.contributionParam(c)
	if err != nil {
		return err
	}
	return h.renderContribution(c, http.StatusOK, p, views.ContributionStepForm{
		Version: p.Contribution.Version, On: time.Now().UTC().Format("2006-01-02"),
	})
}

func (h *Handlers) renderContribution(c echo.Context, status int, p models.ContributionPage, step views.ContributionStepForm) error {
	u := reqctx.User(ctx(c))
	actors := models.ActorsForDonor(u, p.Donor)
	use, err := models.LoadContributionUse(ctx(c), h.DB, u, p.Contribution.ID)
	if err != nil {
		return err
	}
	d := views.ContributionPageData{
		Use:  use,
		Page: p, Step: step,
		Steps:     models.ContributionWorkflow.AvailableFor(actors, p.Contribution.Status),
		CanEdit:   models.CanEditContribution(u, p.Contribution, p.Donor),
		CanVerify: policy.Anyone(u, policy.Review) && p.Contribution.Status != models.ContributionCancelled,
	}
	if p.Contribution.RecipientStateID != nil {
		if s, ok, err := h.Reference.MemberStateByID(ctx(c), *p.Contribution.RecipientStateID); err == nil && ok {
			d.Recipient = &s
		}
	}
	return render(c, status, views.ContributionPage(d))
}

// ContributionTransition takes one step of the contribution's workflow.
func (h *Handlers) ContributionTransition(c echo.Context) error {
	p, err := h.contributionParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	var form views.ContributionStepForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			on, _ := time.Parse("2006-01-02", form.On)
			_, err := models.TransitionContribution(ctx(c), h.DB, u, p.Contribution.ID, form.Version,
				models.ContributionStatus(form.To), on, form.Note, h.audit(c))
			return "/contributions/" + strconv.FormatInt(p.Contribution.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderContribution(c, status, p, form)
		},
		Stale: func() error {
			fresh, err := h.contributionParam(c)
			if err != nil {
				return err
			}
			form.Stale, form.Version = true, fresh.Contribution.Version
			return h.renderContribution(c, http.StatusConflict, fresh, form)
		},
		Flash: "contribution.status_changed",
	})
}

// VerifyContribution records the Secretariat's verification.
func (h *Handlers) VerifyContribution(c echo.Context) error {
	p, err := h.contributionParam(c)
	if err != nil {
		return err
	}
	var form struct {
		Verified bool `form:"verified"`
		Version  int  `form:"version"`
	}
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			err := models.VerifyContribution(ctx(c), h.DB, reqctx.User(ctx(c)), p.Contribution.ID, form.Version, form.Verified, h.audit(c))
			return "/contributions/" + strconv.FormatInt(p.Contribution.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			return h.renderContribution(c, status, p, views.ContributionStepForm{Version: p.Contribution.Version, Errors: errs})
		},
		Flash: "contribution.verification_saved",
	})
}

// NewContribution shows the form for a new contribution, for the person's
// own organization (or their State's, for a focal point).
func (h *Handlers) NewContribution(c echo.Context) error {
	u := reqctx.User(ctx(c))
	donors, err := h.recordableDonors(c, u)
	if err != nil {
		return err
	}
	form := views.ContributionForm{ContributionInput: models.ContributionInput{
		Kind: "financial", Earmark: "none", Currency: "USD", ValueDate: time.Now().UTC().Format("2006-01-02"),
		Language: localizer(c).Tag, // a new text is in the author's page language until they say otherwise
	}}
	if len(donors) == 1 {
		form.Donor = donors[0].Slug
	}
	if n := c.QueryParam("need"); n != "" {
		form.Earmark, form.Need = "need", n
	}
	return h.renderContributionForm(c, http.StatusOK, form, nil)
}

// recordableDonors are the organizations u may record contributions for.
func (h *Handlers) recordableDonors(c echo.Context, u *models.User) ([]models.DonorOrganization, error) {
	all, err := models.ListDonorOrganizations(ctx(c), h.DB)
	if err != nil {
		return nil, err
	}
	var out []models.DonorOrganization
	for _, d := range all {
		if len(models.ActorsForDonor(u, d)) > 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

func (h *Handlers) renderContributionForm(c echo.Context, status int, form views.ContributionForm, current *models.ContributionInput) error {
	u := reqctx.User(ctx(c))
	donors, err := h.recordableDonors(c, u)
	if err != nil {
		return err
	}
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return err
	}
	currencies, err := h.Reference.Currencies(ctx(c))
	if err != nil {
		return err
	}
	return render(c, status, views.ContributionFormPage(views.ContributionFormData{
		Form: form, Donors: donors, States: states, Paragraphs: paras, Currencies: currencies, Current: current,
		Secretariat: policy.Anyone(u, policy.Review),
	}))
}

// CreateContribution stores a new pledge.
func (h *Handlers) CreateContribution(c echo.Context) error {
	u := reqctx.User(ctx(c))
	var form views.ContributionForm
	var created models.Contribution
	return h.submit(c, submission{
		Form: &form,
		Check: func() error {
			_, err := models.ValidateContribution(ctx(c), h.DB, h.Reference, u, form.ContributionInput)
			return err
		},
		Save: func() (string, error) {
			var err error
			created, err = models.CreateContribution(ctx(c), h.DB, h.Reference, u, form.ContributionInput, h.audit(c))
			return "/contributions/" + strconv.FormatInt(created.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderContributionForm(c, status, form, nil)
		},
		Flash: "contribution.created",
	})
}

// EditContribution shows the edit form of a contribution the person may edit.
func (h *Handlers) EditContribution(c echo.Context) error {
	p, err := h.contributionParam(c)
	if err != nil {
		return err
	}
	if !models.CanEditContribution(reqctx.User(ctx(c)), p.Contribution, p.Donor) {
		return echo.ErrForbidden
	}
	form := views.ContributionForm{ContributionInput: models.InputOfContribution(p), ID: p.Contribution.ID, Version: p.Contribution.Version}
	return h.renderContributionForm(c, http.StatusOK, form, nil)
}

// UpdateContribution saves an edit; one made on an outdated version comes
// back (409) with the person's version beside the current one.
func (h *Handlers) UpdateContribution(c echo.Context) error {
	p, err := h.contributionParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	if !models.CanEditContribution(u, p.Contribution, p.Donor) {
		return echo.ErrForbidden
	}
	form := views.ContributionForm{ID: p.Contribution.ID}
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			_, err := models.UpdateContribution(ctx(c), h.DB, h.Reference, u, p.Contribution.ID, form.Version, form.ContributionInput, h.audit(c))
			return "/contributions/" + strconv.FormatInt(p.Contribution.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors, form.ID = errs, p.Contribution.ID
			return h.renderContributionForm(c, status, form, nil)
		},
		Stale: func() error {
			fresh, err := h.contributionParam(c)
			if err != nil {
				return err
			}
			current := models.InputOfContribution(fresh)
			form.ID, form.Version = fresh.Contribution.ID, fresh.Contribution.Version
			return h.renderContributionForm(c, http.StatusConflict, form, &current)
		},
		Flash: "contribution.saved",
	})
}

// ContributionImportForm shows the Secretariat's import form and the
// file's format.
func (h *Handlers) ContributionImportForm(c echo.Context) error {
	return render(c, http.StatusOK, views.ContributionImportPage(views.ImportPageData{}))
}

// ImportContributions imports a CSV of contributions: all of it, or
// nothing with every problem listed by line and column beside the field.
func (h *Handlers) ImportContributions(c echo.Context) error {
	u := reqctx.User(ctx(c))
	return h.submitImport(c, views.ContributionImportPage, "contribution.imported", "/contributions", func(r io.Reader) (models.ImportCounts, error) {
		return models.ImportContributions(ctx(c), h.DB, h.Reference, h.Validate, u, r, h.audit(c))
	})
}
