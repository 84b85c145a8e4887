package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// needFilter reads the list's filters from the query; an unknown value is
// ignored rather than an error, so an old bookmark still shows a list.
func (h *Handlers) needFilter(c echo.Context) (models.NeedFilter, views.NeedFilterForm, error) {
	q := c.QueryParams()
	form := views.NeedFilterForm{
		State: strings.ToUpper(strings.TrimSpace(q.Get("state"))), Paragraph: q.Get("paragraph"), Theme: q.Get("theme"),
		Status: q.Get("status"), Priority: q.Get("priority"), Visibility: q.Get("visibility"),
		Query: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Funding: q.Get("funding"), Group: q.Get("group"),
	}
	var f models.NeedFilter
	if form.State != "" {
		s, err := h.Reference.MemberStateByISO3(ctx(c), form.State)
		if err == nil {
			f.MemberStateID = s.ID
		} else {
			form.State = ""
		}
	}
	if models.RegionalGroup(form.Group).Valid() {
		f.Group = models.RegionalGroup(form.Group)
	} else {
		form.Group = ""
	}
	if n, err := strconv.Atoi(form.Paragraph); err == nil && n > 0 && n < 1000 {
		f.Paragraph = n
	} else {
		form.Paragraph = ""
	}
	if slices.Contains(models.NeedThemes(), form.Theme) {
		f.Theme = form.Theme
	} else {
		form.Theme = ""
	}
	if models.NeedStatus(form.Status).Valid() {
		f.Status = models.NeedStatus(form.Status)
	} else {
		form.Status = ""
	}
	if slices.Contains(models.NeedPriorities, form.Priority) {
		f.Priority = form.Priority
	} else {
		form.Priority = ""
	}
	if models.NeedVisibility(form.Visibility).Valid() {
		f.Visibility = models.NeedVisibility(form.Visibility)
	} else {
		form.Visibility = ""
	}
	if len([]rune(form.Query)) > 100 {
		form.Query = string([]rune(form.Query)[:100])
	}
	f.Query = form.Query
	if form.Funding == "gap" {
		f.FundingGap = true
	} else {
		form.Funding = ""
	}
	if slices.Contains(models.NeedSorts(), form.Sort) && form.Sort != "updated" {
		f.Sort = form.Sort
	} else {
		form.Sort = ""
	}
	return f, form, nil
}

// needRows joins each need to its State from the reference cache.
func (h *Handlers) needRows(c echo.Context, needs []models.Need) ([]views.NeedRow, error) {
	rows := make([]views.NeedRow, len(needs))
	for i, n := range needs {
		s, _, err := h.Reference.MemberStateByID(ctx(c), n.MemberStateID)
		if err != nil {
			return nil, err
		}
		rows[i] = views.NeedRow{Need: n, State: s}
	}
	return rows, nil
}

// Needs lists the needs the person may see, filtered, sorted and fifty to a
// page; ?format=csv or xlsx exports every need the filters match.
func (h *Handlers) Needs(c echo.Context) error {
	u := reqctx.User(ctx(c))
	f, form, err := h.needFilter(c)
	if err != nil {
		return err
	}
	if format := exportFormat(c); format != "" {
		list, err := models.ExportNeeds(ctx(c), h.DB, u, f)
		if err != nil {
			return err
		}
		rows, err := h.needRows(c, list)
		if err != nil {
			return err
		}
		return writeExport(c, format, "needs", views.BuildTable(ctx(c), views.T_(ctx(c), "needs.caption"), views.NeedExportColumns(f.WithFunding()), rows))
	}
	page, err := models.ListNeeds(ctx(c), h.DB, u, f, pageRequest(c, 50))
	if err != nil {
		return err
	}
	total, err := models.CountNeeds(ctx(c), h.DB, u, f)
	if err != nil {
		return err
	}
	rows, err := h.needRows(c, page.Items)
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
	return render(c, http.StatusOK, views.NeedsPage(views.NeedsData{
		Rows: rows, Total: total, Filter: form, States: states, Paragraphs: paras,
		Nav: pageNav("/needs", query, page), ExportQuery: query.Encode(),
		CanCreate: policy.Anyone(u, policy.RecordNeeds), WithFunding: f.WithFunding(),
	}))
}

// needParam loads the need of the address that the person may see; one
// they may not see is answered 404, as if it did not exist.
func (h *Handlers) needParam(c echo.Context) (models.NeedPage, models.MemberState, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.NeedPage{}, models.MemberState{}, echo.ErrNotFound
	}
	np, err := models.NeedByID(ctx(c), h.DB, reqctx.User(ctx(c)), id)
	if err != nil {
		return np, models.MemberState{}, err
	}
	s, _, err := h.Reference.MemberStateByID(ctx(c), np.Need.MemberStateID)
	return np, s, err
}

// Need shows one need with its history and the steps the person may take.
func (h *Handlers) Need(c echo.Context) error {
	np, s, err := h.needParam(c)
	if err != nil {
		return err
	}
	return h.renderNeed(c, http.StatusOK, np, s, views.TransitionForm{Version: np.Need.Version})
}

func (h *Handlers) renderNeed(c echo.Context, status int, np models.NeedPage, s models.MemberState, tf views.TransitionForm) error {
	u := reqctx.User(ctx(c))
	funding, err := models.LoadNeedFunding(ctx(c), h.DB, u, np.Need)
	if err != nil {
		return err
	}
	activities, err := models.NeedActivities(ctx(c), h.DB, u, np.Need.ID)
	if err != nil {
		return err
	}
	return render(c, status, views.NeedPage(views.NeedPageData{
		Need: np.Need, State: s, History: np.History, Funding: funding, Activities: activities,
		CanPledge:   policy.Anyone(u, policy.RecordContributions) && models.NeedTakesFunding(np.Need),
		Transitions: models.NeedWorkflow.Available(u, np.Need.MemberStateID, np.Need.Status),
		CanEdit:     policy.Can(u, policy.EditNeed, policy.NeedObject(np.Need)),
		Transition:  tf,
	}))
}

// NeedTransition takes one step of the need's workflow; a step the table
// does not allow comes back with a message, the note kept.
func (h *Handlers) NeedTransition(c echo.Context) error {
	np, s, err := h.needParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	var form views.TransitionForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			_, err := models.TransitionNeed(ctx(c), h.DB, u, np.Need.ID, form.Version, models.NeedStatus(form.To), form.Note, form.Cited(), h.audit(c))
			return "/needs/" + strconv.FormatInt(np.Need.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderNeed(c, status, np, s, form)
		},
		Stale: func() error {
			fresh, s, err := h.needParam(c)
			if err != nil {
				return err
			}
			form.Stale = true
			form.Version = fresh.Need.Version
			return h.renderNeed(c, http.StatusConflict, fresh, s, form)
		},
		Flash: "needs.status_changed",
	})
}

// NewNeed shows the form for a new need, for the person's own State.
func (h *Handlers) NewNeed(c echo.Context) error {
	u := reqctx.User(ctx(c))
	// A new need is in the author's page language until they say otherwise.
	form := views.NeedForm{NeedInput: models.NeedInput{Visibility: string(models.VisibilityState), Priority: "medium", Language: localizer(c).Tag}}
	if u.MemberState != nil {
		form.State = u.MemberState.ISO3
	}
	if s := strings.ToUpper(c.QueryParam("state")); s != "" && form.State == "" {
		form.State = s
	}
	return h.renderNeedForm(c, http.StatusOK, form, nil)
}

func (h *Handlers) renderNeedForm(c echo.Context, status int, form views.NeedForm, current *views.NeedRow) error {
	u := reqctx.User(ctx(c))
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	// A focal point records for their own State only: the choice is theirs.
	if u.HasRole(models.RoleFocalPoint) && u.MemberState != nil {
		states = []models.MemberState{*u.MemberState}
	}
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return err
	}
	currencies, err := h.Reference.Currencies(ctx(c))
	if err != nil {
		return err
	}
	return render(c, status, views.NeedFormPage(views.NeedFormData{
		Form: form, States: states, Paragraphs: paras, Currencies: currencies, Current: current,
	}))
}

// CreateNeed stores a new draft need.
func (h *Handlers) CreateNeed(c echo.Context) error {
	u := reqctx.User(ctx(c))
	var form views.NeedForm
	var created models.Need
	return h.submit(c, submission{
		Form: &form,
		Check: func() error {
			_, err := models.ValidateNeed(ctx(c), h.Reference, u, form.NeedInput)
			return err
		},
		Save: func() (string, error) {
			var err error
			created, err = models.CreateNeed(ctx(c), h.DB, h.Reference, u, form.NeedInput, h.audit(c))
			return "/needs/" + strconv.FormatInt(created.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderNeedForm(c, status, form, nil)
		},
		Flash: "needs.created",
	})
}

// EditNeed shows the edit form of a need the person may edit.
func (h *Handlers) EditNeed(c echo.Context) error {
	np, s, err := h.needParam(c)
	if err != nil {
		return err
	}
	if !policy.Can(reqctx.User(ctx(c)), policy.EditNeed, policy.NeedObject(np.Need)) {
		return echo.ErrForbidden
	}
	form := views.NeedForm{NeedInput: np.Need.InputOf(s.ISO3), ID: np.Need.ID, Version: np.Need.Version}
	return h.renderNeedForm(c, http.StatusOK, form, nil)
}

// UpdateNeed saves an edit; one made on an outdated version comes back
// (409) with the person's version beside the current one.
func (h *Handlers) UpdateNeed(c echo.Context) error {
	np, _, err := h.needParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	if !policy.Can(u, policy.EditNeed, policy.NeedObject(np.Need)) {
		return echo.ErrForbidden
	}
	form := views.NeedForm{ID: np.Need.ID}
	return h.submit(c, submission{
		Form: &form,
		Check: func() error {
			_, err := models.ValidateNeed(ctx(c), h.Reference, u, form.NeedInput)
			return err
		},
		Save: func() (string, error) {
			_, err := models.UpdateNeed(ctx(c), h.DB, h.Reference, u, np.Need.ID, form.Version, form.NeedInput, h.audit(c))
			return "/needs/" + strconv.FormatInt(np.Need.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			form.ID = np.Need.ID
			return h.renderNeedForm(c, status, form, nil)
		},
		Stale: func() error {
			fresh, s, err := h.needParam(c)
			if err != nil {
				return err
			}
			form.ID = fresh.Need.ID
			form.Version = fresh.Need.Version // saving again overwrites, knowingly
			return h.renderNeedForm(c, http.StatusConflict, form, &views.NeedRow{Need: fresh.Need, State: s})
		},
		Flash: "needs.saved",
	})
}
