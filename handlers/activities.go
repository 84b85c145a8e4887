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

// activityFilter reads the list's filters from the query; an unknown value
// is dropped rather than refused, so an old bookmark still lists.
func (h *Handlers) activityFilter(c echo.Context, partners []models.PartnerOrganization, donors []models.DonorOrganization) (models.ActivityFilter, views.ActivityFilterForm) {
	q := c.QueryParams()
	form := views.ActivityFilterForm{
		State: strings.ToUpper(q.Get("state")), Group: q.Get("group"), Kind: q.Get("kind"), Paragraph: q.Get("paragraph"),
		Year: strings.TrimSpace(q.Get("year")), Status: q.Get("status"),
	}
	var f models.ActivityFilter
	if form.State != "" {
		if s, err := h.Reference.MemberStateByISO3(ctx(c), form.State); err == nil {
			f.StateID = s.ID
		} else {
			form.State = ""
		}
	}
	if slices.Contains(models.RegionalGroups(), models.RegionalGroup(form.Group)) {
		f.Group = form.Group
	} else {
		form.Group = ""
	}
	if models.ActivityKind(form.Kind).Valid() {
		f.Kind = models.ActivityKind(form.Kind)
	} else {
		form.Kind = ""
	}
	if n, err := strconv.Atoi(form.Paragraph); err == nil && n > 0 && n < 1000 {
		f.Paragraph = n
	} else {
		form.Paragraph = ""
	}
	for _, p := range partners {
		if p.Slug == q.Get("partner") {
			f.Partner, form.Partner = p.Slug, p.Slug
		}
	}
	if y, err := strconv.Atoi(form.Year); err == nil && y >= 1990 && y <= 2100 {
		f.Year = y
	} else {
		form.Year = ""
	}
	if models.ActivityStatus(form.Status).Valid() {
		f.Status = models.ActivityStatus(form.Status)
	} else {
		form.Status = ""
	}
	for _, d := range donors {
		if d.Slug == q.Get("donor") {
			f.DonorID, form.Donor = d.ID, d.Slug
		}
	}
	return f, form
}

// activityRows joins each activity to its States from the reference cache.
func (h *Handlers) activityRows(c echo.Context, list []models.ActivityRow) ([]views.ActivityRow, error) {
	rows := make([]views.ActivityRow, len(list))
	for i, r := range list {
		rows[i].ActivityRow = r
		for _, code := range r.States() {
			s, err := h.Reference.MemberStateByISO3(ctx(c), code)
			if err != nil {
				return nil, err
			}
			rows[i].States = append(rows[i].States, s)
		}
	}
	return rows, nil
}

// Activities lists the activities the person may see, filtered, with what
// they add up to, fifty to a page; ?format=csv or xlsx exports every
// activity the filters match.
func (h *Handlers) Activities(c echo.Context) error {
	u := reqctx.User(ctx(c))
	partners, err := models.ListPartners(ctx(c), h.DB)
	if err != nil {
		return err
	}
	donors, err := models.ListDonorOrganizations(ctx(c), h.DB)
	if err != nil {
		return err
	}
	f, form := h.activityFilter(c, partners, donors)
	if format := exportFormat(c); format != "" {
		list, err := models.ExportActivities(ctx(c), h.DB, u, f)
		if err != nil {
			return err
		}
		rows, err := h.activityRows(c, list)
		if err != nil {
			return err
		}
		return writeExport(c, format, "activities", views.BuildTable(ctx(c), views.T_(ctx(c), "activity.caption"), views.ActivityExportColumns(), rows))
	}
	page, err := models.ListActivities(ctx(c), h.DB, u, f, pageRequest(c, 50))
	if err != nil {
		return err
	}
	summary, err := models.SummarizeActivities(ctx(c), h.DB, u, f)
	if err != nil {
		return err
	}
	rows, err := h.activityRows(c, page.Items)
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
	return render(c, http.StatusOK, views.ActivitiesPage(views.ActivitiesData{
		Rows: rows, Summary: summary, Filter: form, States: states, Paragraphs: paras, Partners: partners, Donors: donors,
		Nav: pageNav("/activities", query, page), ExportQuery: query.Encode(),
		CanCreate: policy.Anyone(u, policy.RecordActivities),
	}))
}

// activityParam loads the activity of the address that the person may
// see; one they may not see is answered 404.
func (h *Handlers) activityParam(c echo.Context) (models.ActivityPage, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.ActivityPage{}, echo.ErrNotFound
	}
	return models.ActivityByID(ctx(c), h.DB, reqctx.User(ctx(c)), id)
}

// Activity shows one activity with what the person may do on it.
func (h *Handlers) Activity(c echo.Context) error {
	p, err := h.activityParam(c)
	if err != nil {
		return err
	}
	return h.renderActivity(c, http.StatusOK, p, activityForms{Step: views.ActivityStepForm{
		Version: p.Activity.Version, On: time.Now().UTC().Format("2006-01-02"),
	}})
}

// activityForms are the forms of an activity's page, as submitted when one
// comes back with its problems.
type activityForms struct {
	Step     views.ActivityStepForm
	Feedback views.FeedbackForm
	Outcome  views.OutcomeForm
}

func (h *Handlers) renderActivity(c echo.Context, status int, p models.ActivityPage, f activityForms) error {
	u := reqctx.User(ctx(c))
	if f.Step.Version == 0 {
		f.Step.Version = p.Activity.Version
	}
	d := views.ActivityPageData{
		Page: p, Step: f.Step, Feedback: f.Feedback, Outcome: f.Outcome,
		Steps:      models.ActivityWorkflow.AvailableFor(models.ActivityActors(u), p.Activity.Status),
		CanEdit:    policy.Anyone(u, policy.RecordActivities) && p.Activity.Status != models.ActivityCancelled,
		CanResults: policy.Anyone(u, policy.RecordActivities) && p.Activity.Status == models.ActivityDelivered,
	}
	for _, s := range p.States {
		st, ok, err := h.Reference.MemberStateByID(ctx(c), s.MemberStateID)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		d.States = append(d.States, st)
		// A focal point confirms for their own State, once delivered.
		if d.Confirmable == nil && p.Activity.Status == models.ActivityDelivered && u.HasRole(models.RoleFocalPoint) &&
			policy.Can(u, policy.ConfirmParticipation, policy.State(st.ID)) {
			d.Confirmable = &st
			if d.Feedback.Version == 0 {
				d.Feedback.Version = s.Version
				if s.Rating != nil {
					d.Feedback.Rating = strconv.Itoa(*s.Rating)
				}
				d.Feedback.Feedback = s.Feedback
			}
		}
	}
	if p.Activity.PlaceStateID != nil {
		if st, ok, err := h.Reference.MemberStateByID(ctx(c), *p.Activity.PlaceStateID); err == nil && ok {
			d.Place = &st
		}
	}
	if policy.Anyone(u, policy.RecordActivities) && p.Activity.Status == models.ActivityDelivered {
		candidates, err := models.OutcomeCandidates(ctx(c), h.DB, p.Activity)
		if err != nil {
			return err
		}
		d.Candidates, d.CanLinkOutcome = candidates, true
	}
	return render(c, status, views.ActivityPage(d))
}

// AddActivityOutcome links an outcome the States recorded.
func (h *Handlers) AddActivityOutcome(c echo.Context) error {
	p, err := h.activityParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	var form views.OutcomeForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			err := models.AddOutcome(ctx(c), h.DB, u, p.Activity.ID, form.OutcomeInput, h.audit(c))
			return "/activities/" + strconv.FormatInt(p.Activity.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderActivity(c, status, p, activityForms{Outcome: form})
		},
		Flash: "activity.outcome_linked",
	})
}

// ActivityTransition takes one step of the activity's workflow.
func (h *Handlers) ActivityTransition(c echo.Context) error {
	p, err := h.activityParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	var form views.ActivityStepForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			on, _ := time.Parse("2006-01-02", form.On)
			_, err := models.TransitionActivity(ctx(c), h.DB, u, p.Activity.ID, form.Version,
				models.ActivityStatus(form.To), on, form.Note, h.audit(c))
			return "/activities/" + strconv.FormatInt(p.Activity.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderActivity(c, status, p, activityForms{Step: form})
		},
		Stale: func() error {
			fresh, err := h.activityParam(c)
			if err != nil {
				return err
			}
			form.Stale, form.Version = true, fresh.Activity.Version
			return h.renderActivity(c, http.StatusConflict, fresh, activityForms{Step: form})
		},
		Flash: "activity.status_changed",
	})
}

// ConfirmParticipation records a beneficiary State's confirmation and
// feedback.
func (h *Handlers) ConfirmParticipation(c echo.Context) error {
	p, err := h.activityParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	var form views.FeedbackForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			s, err := h.Reference.MemberStateByISO3(ctx(c), strings.ToUpper(form.State))
			if err != nil {
				return "", echo.ErrNotFound
			}
			err = models.ConfirmParticipation(ctx(c), h.DB, u, p.Activity.ID, s.ID, form.FeedbackInput, h.audit(c))
			return "/activities/" + strconv.FormatInt(p.Activity.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderActivity(c, status, p, activityForms{Feedback: form})
		},
		Stale: func() error {
			fresh, err := h.activityParam(c)
			if err != nil {
				return err
			}
			return h.renderActivity(c, http.StatusConflict, fresh, activityForms{
				Feedback: views.FeedbackForm{Errors: []views.FieldError{{FieldID: "feedback", Message: localizer(c).T("activity.stale_feedback")}}}})
		},
		Flash: "activity.participation_confirmed",
	})
}

func (h *Handlers) renderActivityForm(c echo.Context, status int, form views.ActivityForm, stale bool) error {
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return err
	}
	partners, err := models.ListPartners(ctx(c), h.DB)
	if err != nil {
		return err
	}
	return render(c, status, views.ActivityFormPage(views.ActivityFormData{
		Form: form, States: states, Paragraphs: paras, Partners: partners, Stale: stale,
	}))
}

// NewActivity shows the form for a new activity; ?state= and ?need= fill
// in the State and the need it answers.
func (h *Handlers) NewActivity(c echo.Context) error {
	// A new text is in the author's page language until they say otherwise.
	form := views.ActivityForm{ActivityInput: models.ActivityInput{Language: localizer(c).Tag}}
	if s := strings.ToUpper(c.QueryParam("state")); s != "" {
		form.States = []string{s}
	}
	if n, err := strconv.ParseInt(c.QueryParam("need"), 10, 64); err == nil && n > 0 {
		form.Needs = strconv.FormatInt(n, 10)
	}
	return h.renderActivityForm(c, http.StatusOK, form, false)
}

// CreateActivity stores a new planned activity.
func (h *Handlers) CreateActivity(c echo.Context) error {
	u := reqctx.User(ctx(c))
	var form views.ActivityForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			a, err := models.CreateActivity(ctx(c), h.DB, h.Reference, u, form.ActivityInput, h.audit(c))
			return "/activities/" + strconv.FormatInt(a.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderActivityForm(c, status, form, false)
		},
		Flash: "activity.created",
	})
}

// inputOfActivity is an activity as its form shows it.
func (h *Handlers) inputOfActivity(c echo.Context, p models.ActivityPage) (models.ActivityInput, error) {
	a := p.Activity
	in := models.ActivityInput{
		Kind: string(a.Kind), Title: a.Title, Description: a.Description, Language: a.Language, StartDate: a.StartDate.Format("2006-01-02"),
		EndDate: a.EndDate.Format("2006-01-02"), Online: a.Online, City: a.City, Themes: a.Themes, Public: a.Public,
	}
	if a.PlaceStateID != nil {
		if s, ok, err := h.Reference.MemberStateByID(ctx(c), *a.PlaceStateID); err == nil && ok {
			in.PlaceState = s.ISO3
		}
	}
	for _, s := range p.States {
		st, ok, err := h.Reference.MemberStateByID(ctx(c), s.MemberStateID)
		if err != nil {
			return in, err
		}
		if ok {
			in.States = append(in.States, st.ISO3)
		}
	}
	for _, n := range a.Paragraphs {
		in.Paragraphs = append(in.Paragraphs, strconv.Itoa(int(n)))
	}
	for _, p := range p.Partners {
		in.Partners = append(in.Partners, p.Slug)
	}
	var needs []string
	for _, n := range p.Needs {
		needs = append(needs, strconv.FormatInt(n.ID, 10))
	}
	in.Needs = strings.Join(needs, ", ")
	for _, f := range p.Funding {
		in.FundingContribution = append(in.FundingContribution, strconv.FormatInt(f.ContributionID, 10))
		in.FundingAmount = append(in.FundingAmount, f.Amount.String())
	}
	return in, nil
}

// EditActivity shows the edit form.
func (h *Handlers) EditActivity(c echo.Context) error {
	p, err := h.activityParam(c)
	if err != nil {
		return err
	}
	in, err := h.inputOfActivity(c, p)
	if err != nil {
		return err
	}
	return h.renderActivityForm(c, http.StatusOK, views.ActivityForm{ActivityInput: in, ID: p.Activity.ID, Version: p.Activity.Version}, false)
}

// UpdateActivity saves an edit; one made on an outdated version comes back
// (409) with the person's input and a warning.
func (h *Handlers) UpdateActivity(c echo.Context) error {
	p, err := h.activityParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	form := views.ActivityForm{ID: p.Activity.ID}
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			_, err := models.UpdateActivity(ctx(c), h.DB, h.Reference, u, p.Activity.ID, form.Version, form.ActivityInput, h.audit(c))
			return "/activities/" + strconv.FormatInt(p.Activity.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors, form.ID = errs, p.Activity.ID
			return h.renderActivityForm(c, status, form, false)
		},
		Stale: func() error {
			fresh, err := h.activityParam(c)
			if err != nil {
				return err
			}
			form.ID, form.Version = fresh.Activity.ID, fresh.Activity.Version
			return h.renderActivityForm(c, http.StatusConflict, form, true)
		},
		Flash: "activity.saved",
	})
}

// ActivityResultsForm shows the results form of a delivered activity.
func (h *Handlers) ActivityResultsForm(c echo.Context) error {
	p, err := h.activityParam(c)
	if err != nil {
		return err
	}
	a := p.Activity
	form := views.ActivityResultsForm{Version: a.Version}
	if a.Participants.Total() > 0 {
		counts := a.Participants.ByProfession()
		form.Women, form.Men, form.SexNotStated = strconv.Itoa(a.Women), strconv.Itoa(a.Men), strconv.Itoa(a.SexNotStated)
		form.Prosecutors, form.Judges, form.Police = strconv.Itoa(counts[0]), strconv.Itoa(counts[1]), strconv.Itoa(counts[2])
		form.Legislators, form.CentralAuthority = strconv.Itoa(counts[3]), strconv.Itoa(counts[4])
		form.FinancialIntelligence, form.OtherProfession = strconv.Itoa(counts[5]), strconv.Itoa(counts[6])
	}
	for _, d := range p.Documents {
		form.DocumentKind = append(form.DocumentKind, d.Kind)
		form.DocumentTitle = append(form.DocumentTitle, d.Title)
		form.DocumentURL = append(form.DocumentURL, d.URL)
	}
	return render(c, http.StatusOK, views.ActivityResultsPage(views.ActivityResultsData{Activity: a, Form: form}))
}

// SaveActivityResults records the participants and documents.
func (h *Handlers) SaveActivityResults(c echo.Context) error {
	p, err := h.activityParam(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	var form views.ActivityResultsForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			err := models.SaveActivityResults(ctx(c), h.DB, u, p.Activity.ID, form.Version, form.ActivityResultsInput, h.audit(c))
			return "/activities/" + strconv.FormatInt(p.Activity.ID, 10), err
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return render(c, status, views.ActivityResultsPage(views.ActivityResultsData{Activity: p.Activity, Form: form}))
		},
		Flash: "activity.results_saved",
	})
}

// ActivityImportForm shows the Secretariat's import form and the file's
// format.
func (h *Handlers) ActivityImportForm(c echo.Context) error {
	return render(c, http.StatusOK, views.ActivityImportPage(views.ImportPageData{}))
}

// ImportActivities imports a CSV of activities: all of it, or nothing with
// every problem listed by line and column beside the field.
func (h *Handlers) ImportActivities(c echo.Context) error {
	u := reqctx.User(ctx(c))
	return h.submitImport(c, views.ActivityImportPage, "activity.imported", "/activities", func(r io.Reader) (models.ImportCounts, error) {
		return models.ImportActivities(ctx(c), h.DB, h.Reference, h.Validate, u, r, h.audit(c))
	})
}
