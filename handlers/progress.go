package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// progressState reads the State of the address and checks that the person
// may read its progress (403 otherwise).
func (h *Handlers) progressState(c echo.Context) (models.MemberState, error) {
	iso3 := c.Param("iso3")
	if len(iso3) != 3 {
		return models.MemberState{}, echo.ErrNotFound
	}
	s, err := h.Reference.MemberStateByISO3(ctx(c), iso3)
	if err != nil {
		return s, err
	}
	if !policy.Can(reqctx.User(ctx(c)), policy.ReadProgress, policy.State(s.ID)) {
		return s, echo.ErrForbidden
	}
	return s, nil
}

// progressParagraph reads the operative paragraph of the address (404 when
// the resolution has none of that number).
func (h *Handlers) progressParagraph(c echo.Context) (models.OperativeRef, error) {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil {
		return models.OperativeRef{}, echo.ErrNotFound
	}
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return models.OperativeRef{}, err
	}
	for _, p := range paras {
		if p.Number == n {
			return p, nil
		}
	}
	return models.OperativeRef{}, echo.ErrNotFound
}

// periodChoice reads ?period= (the current period when absent).
func (h *Handlers) periodChoice(c echo.Context) (models.PeriodChoice, error) {
	var id int64
	if raw := c.QueryParam("period"); raw != "" {
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || v <= 0 {
			return models.PeriodChoice{}, echo.ErrNotFound
		}
		id = v
	}
	return models.ChoosePeriod(ctx(c), h.DB, id, models.Today())
}

// periodParamOf reads the period a paragraph's pages are about: ?period=,
// else the current one. One statement.
func (h *Handlers) progressPeriod(c echo.Context) (models.ReportingPeriod, error) {
	if raw := c.QueryParam("period"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return models.ReportingPeriod{}, echo.ErrNotFound
		}
		return models.PeriodByID(ctx(c), h.DB, id)
	}
	ch, err := h.periodChoice(c)
	return ch.Chosen, err
}

// Progress shows a State's report on each operative paragraph for one
// period: what is reported, where each stands, what is missing.
func (h *Handlers) Progress(c echo.Context) error {
	s, err := h.progressState(c)
	if err != nil {
		return err
	}
	return h.renderProgress(c, http.StatusOK, s, nil)
}

func (h *Handlers) renderProgress(c echo.Context, status int, s models.MemberState, errs []views.FieldError) error {
	u := reqctx.User(ctx(c))
	choice, err := h.periodChoice(c)
	if err != nil {
		return err
	}
	reports, err := models.StateProgress(ctx(c), h.DB, u, s.ID, choice.Chosen.ID)
	if err != nil {
		return err
	}
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return err
	}
	byNumber := make(map[int]*models.ProgressSummary, len(reports))
	for i := range reports {
		byNumber[reports[i].ParagraphNumber] = &reports[i]
	}
	rows := make([]views.ProgressRow, 0, len(paras))
	missing := 0
	for _, p := range paras {
		r := byNumber[p.Number]
		if r == nil {
			missing++
		}
		rows = append(rows, views.ProgressRow{ISO3: s.ISO3, PeriodID: choice.Chosen.ID, Paragraph: p, Report: r})
	}
	today := models.Today()
	canCarry := choice.Current && missing > 0 && len(choice.Periods) > 1 &&
		policy.Can(u, policy.ActForState, policy.State(s.ID))
	return render(c, status, views.ProgressPage(views.ProgressData{
		State: s, Choice: choice, Rows: rows, Today: today, CanCarry: canCarry, Errors: errs,
	}))
}

// ProgressParagraph shows one paragraph's report for a period, its saved
// versions and the workflow steps the person may take.
func (h *Handlers) ProgressParagraph(c echo.Context) error {
	s, err := h.progressState(c)
	if err != nil {
		return err
	}
	p, err := h.progressParagraph(c)
	if err != nil {
		return err
	}
	return h.renderProgressParagraph(c, http.StatusOK, s, p, views.ProgressTransitionForm{})
}

func (h *Handlers) renderProgressParagraph(c echo.Context, status int, s models.MemberState, para models.OperativeRef, tf views.ProgressTransitionForm) error {
	u := reqctx.User(ctx(c))
	period, err := h.progressPeriod(c)
	if err != nil {
		return err
	}
	r, found, err := models.ProgressFor(ctx(c), h.DB, u, s.ID, period.ID, para.Number)
	if err != nil {
		return err
	}
	d := views.ProgressParagraphData{State: s, Period: period, Paragraph: para, Transition: tf}
	today := models.Today()
	var current models.ProgressStatus
	if found {
		d.Report = &r
		current = r.Status
		vp, err := models.ProgressVersions(ctx(c), h.DB, r.ID, pageRequest(c, 50))
		if err != nil {
			return err
		}
		d.Versions = vp.Items
		d.Nav = pageNav(progressPath(s.ISO3, para.Number), c.QueryParams(), vp)
		for _, t := range models.ProgressWorkflow.Available(u, s.ID, r.Status) {
			if t.Who == models.ActorState && !period.IsOpen(today) {
				continue // the State's steps wait for the period to be open
			}
			d.Transitions = append(d.Transitions, t)
		}
	}
	d.CanEdit = models.CanEditProgress(u, s.ID, current, period, today)
	return render(c, status, views.ProgressParagraphPage(d))
}

func progressPath(iso3 string, n int) string {
	return "/states/" + iso3 + "/progress/" + strconv.Itoa(n)
}

func progressRedirect(iso3 string, n int, periodID int64) string {
	return progressPath(iso3, n) + "?period=" + strconv.FormatInt(periodID, 10)
}

// ProgressTransition takes one workflow step of a paragraph's report; a
// step the table does not allow comes back with a message, the note kept.
func (h *Handlers) ProgressTransition(c echo.Context) error {
	s, err := h.progressState(c)
	if err != nil {
		return err
	}
	para, err := h.progressParagraph(c)
	if err != nil {
		return err
	}
	period, err := h.progressPeriod(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	var form views.ProgressTransitionForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			_, err := models.TransitionProgress(ctx(c), h.DB, u, s.ID, period, para.Number, form.Version,
				models.ProgressStatus(form.To), form.Note, h.audit(c))
			return progressRedirect(s.ISO3, para.Number, period.ID), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderProgressParagraph(c, status, s, para, form)
		},
		Stale: func() error {
			form.Stale = true
			return h.renderProgressParagraph(c, http.StatusConflict, s, para, form)
		},
		Flash: "progress.status_changed",
	})
}

// EditProgress shows the State's form for one paragraph's report: the
// existing evidence rows and three empty ones.
func (h *Handlers) EditProgress(c echo.Context) error {
	s, para, period, r, found, err := h.progressEditTarget(c)
	if err != nil {
		return err
	}
	if why := notEditableNow(period, r, found); why != "" {
		// The State may act, but not on this report now: say why where the
		// report is shown.
		h.flash(c, "info", why, nil)
		return c.Redirect(http.StatusSeeOther, progressRedirect(s.ISO3, para.Number, period.ID))
	}
	// A new report is in the author's page language until they say otherwise.
	form := views.ProgressForm{ProgressInput: models.ProgressInput{Implementation: string(models.ImplNotStarted), Language: localizer(c).Tag}}
	var report *models.ProgressReport
	if found {
		form.ProgressInput, form.Version, report = r.InputOf(), r.Version, &r
	}
	for range 3 {
		form.EvidenceLabel = append(form.EvidenceLabel, "")
		form.EvidenceURL = append(form.EvidenceURL, "")
	}
	return render(c, http.StatusOK, views.ProgressEditPage(views.ProgressEditData{
		State: s, Period: period, Paragraph: para, Report: report, Form: form,
	}))
}

// progressEditTarget reads what the edit form is about and checks that
// the person acts for the State (403 otherwise).
func (h *Handlers) progressEditTarget(c echo.Context) (models.MemberState, models.OperativeRef, models.ReportingPeriod, models.ProgressReport, bool, error) {
	var (
		para   models.OperativeRef
		period models.ReportingPeriod
		r      models.ProgressReport
	)
	s, err := h.progressState(c)
	if err != nil {
		return s, para, period, r, false, err
	}
	if para, err = h.progressParagraph(c); err != nil {
		return s, para, period, r, false, err
	}
	if period, err = h.progressPeriod(c); err != nil {
		return s, para, period, r, false, err
	}
	u := reqctx.User(ctx(c))
	if !policy.Can(u, policy.ActForState, policy.State(s.ID)) {
		return s, para, period, r, false, echo.ErrForbidden
	}
	r, found, err := models.ProgressFor(ctx(c), h.DB, u, s.ID, period.ID, para.Number)
	if err != nil {
		return s, para, period, r, false, err
	}
	return s, para, period, r, found, nil
}

// notEditableNow is why the State cannot edit a report now ("" when it
// can): the period is not open, or the report waits for review. The model
// refuses the same.
func notEditableNow(period models.ReportingPeriod, r models.ProgressReport, found bool) string {
	switch {
	case !period.IsOpen(models.Today()):
		return "progress.period_not_open"
	case found && !r.Status.Editable():
		return "progress.not_editable"
	}
	return ""
}

// SaveProgress saves the State's report on one paragraph; a rejected form
// comes back (422) with the input and a message beside each field, an edit
// made on an outdated version (409) with both versions.
func (h *Handlers) SaveProgress(c echo.Context) error {
	s, para, period, r, found, err := h.progressEditTarget(c)
	if err != nil {
		return err
	}
	var report *models.ProgressReport
	if found {
		report = &r
	}
	u := reqctx.User(ctx(c))
	var form views.ProgressForm
	return h.submit(c, submission{
		Form:  &form,
		Check: func() error { _, err := models.ValidateProgress(form.ProgressInput); return err },
		Save: func() (string, error) {
			_, err := models.SaveProgress(ctx(c), h.DB, u, s.ID, period, para.Number, form.Version, form.ProgressInput, h.audit(c))
			return progressRedirect(s.ISO3, para.Number, period.ID), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return render(c, status, views.ProgressEditPage(views.ProgressEditData{
				State: s, Period: period, Paragraph: para, Report: report, Form: form,
			}))
		},
		Stale: func() error {
			fresh, ok, err := models.ProgressFor(ctx(c), h.DB, u, s.ID, period.ID, para.Number)
			if err != nil {
				return err
			}
			if !ok {
				return echo.ErrNotFound
			}
			form.Version = fresh.Version // saving again overwrites, knowingly
			return render(c, http.StatusConflict, views.ProgressEditPage(views.ProgressEditData{
				State: s, Period: period, Paragraph: para, Report: &fresh, Form: form, Current: &fresh,
			}))
		},
		Flash: "progress.saved",
	})
}

// ProgressVersion shows version v of a paragraph's report beside the one
// before, with the narrative's difference word by word.
func (h *Handlers) ProgressVersion(c echo.Context) error {
	s, err := h.progressState(c)
	if err != nil {
		return err
	}
	para, err := h.progressParagraph(c)
	if err != nil {
		return err
	}
	v, err := strconv.Atoi(c.Param("v"))
	if err != nil || v < 1 {
		return echo.ErrNotFound
	}
	period, err := h.progressPeriod(c)
	if err != nil {
		return err
	}
	r, found, err := models.ProgressFor(ctx(c), h.DB, reqctx.User(ctx(c)), s.ID, period.ID, para.Number)
	if err != nil {
		return err
	}
	if !found {
		return echo.ErrNotFound
	}
	cur, prev, err := models.ProgressVersionPair(ctx(c), h.DB, r.ID, v)
	if err != nil {
		return err
	}
	before := ""
	if prev != nil {
		before = prev.Narrative
	}
	return render(c, http.StatusOK, views.ProgressVersionPage(views.ProgressVersionData{
		State: s, Period: period, Paragraph: para, Report: r, Version: cur, Previous: prev,
		Diff: models.WordDiff(before, cur.Narrative),
	}))
}

// CarryForward starts the open period's reports of a State from the
// previous period's answers, for the paragraphs not yet reported.
func (h *Handlers) CarryForward(c echo.Context) error {
	s, err := h.progressState(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	if !policy.Can(u, policy.ActForState, policy.State(s.ID)) {
		return echo.ErrForbidden
	}
	var form struct{}
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			paras, err := h.Reference.OperativeParagraphs(ctx(c))
			if err != nil {
				return "", err
			}
			nums := make([]int, len(paras))
			for i, p := range paras {
				nums[i] = p.Number
			}
			res, err := models.CarryForward(ctx(c), h.DB, u, s.ID, nums, h.audit(c))
			switch {
			case errors.Is(err, models.ErrNoOpenPeriod):
				return "", models.Invalid("_form", "progress.no_open_period")
			case errors.Is(err, models.ErrNoPreviousPeriod):
				return "", models.Invalid("_form", "progress.no_previous_period")
			case err != nil:
				return "", err
			}
			if len(res.Paragraphs) == 0 {
				h.flash(c, "info", "progress.carried_nothing", nil)
			} else {
				h.flash(c, "success", "progress.carried", map[string]any{
					"Count": len(res.Paragraphs), "Period": res.From.Title.In(localizer(c).Tag),
				})
			}
			return views.ProgressHref(s.ISO3, res.To.ID), nil
		},
		Render: func(status int, errs []views.FieldError) error {
			return h.renderProgress(c, status, s, errs)
		},
	})
}
