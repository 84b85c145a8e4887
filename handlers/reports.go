package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// reportVersionsShown bounds the versions a report's page lists (each
// version's own page stays reachable by its number).
const reportVersionsShown = 20

// Reports lists, to those who draft, the periods, each with its report or
// the button that generates it; to everyone else the issued reports. One
// statement.
func (h *Handlers) Reports(c echo.Context) error {
	drafting := policy.Anyone(reqctx.User(ctx(c)), policy.DraftReports)
	list := models.ListIssuedReports
	if drafting {
		list = models.ListReportPeriods
	}
	periods, err := list(ctx(c), h.DB)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ReportsPage(views.ReportsData{Periods: periods, Drafting: drafting}))
}

// issuedRefused turns the refusal of a change to an issued report into a
// form problem, so the page says why rather than failing.
func issuedRefused(err error) error {
	if errors.Is(err, models.ErrReportIssued) {
		return models.Invalid("_form", "report.issued_refused")
	}
	return err
}

// GenerateReport generates the report of a period that has none yet; a
// period whose report exists leads to it.
func (h *Handlers) GenerateReport(c echo.Context) error {
	var form views.ReportGenerateForm
	var created models.Report
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			var err error
			created, err = models.GenerateReport(ctx(c), h.DB, h.Reference, reqctx.User(ctx(c)), form.PeriodID, 0, h.audit(c))
			return views.ReportHref(created.ID), issuedRefused(err)
		},
		Render: func(status int, errs []views.FieldError) error {
			periods, err := models.ListReportPeriods(ctx(c), h.DB)
			if err != nil {
				return err
			}
			return render(c, status, views.ReportsPage(views.ReportsData{Periods: periods, Errors: errs, Drafting: true}))
		},
		Stale: func() error {
			// Someone generated it meanwhile: theirs is the report.
			r, err := models.ReportOfPeriod(ctx(c), h.DB, form.PeriodID)
			if err != nil {
				return err
			}
			return redirectAfterPost(c, views.ReportHref(r.ID))
		},
		Flash: "report.generated",
	})
}

// reportParam loads the report of the :id in the path, if the person may
// read it (a draft is answered 404 to those who do not draft, as if it
// did not exist).
func (h *Handlers) reportParam(c echo.Context) (models.Report, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.Report{}, echo.ErrNotFound
	}
	r, err := models.ReportByID(ctx(c), h.DB, id)
	if err != nil {
		return r, err
	}
	if !policy.Can(reqctx.User(ctx(c)), policy.ReadReport, policy.ReportObject(r)) {
		return r, echo.ErrNotFound
	}
	return r, nil
}

// reportDocument is a stored document with the names of the States its
// excerpts quote, from the reference cache.
func (h *Handlers) reportDocument(c echo.Context, content models.ReportContent) (views.ReportDocument, error) {
	return h.reportDocumentIn(ctx(c), content, localizer(c).Tag)
}

// reportDocumentIn is a stored document with its States named in lang.
func (h *Handlers) reportDocumentIn(cx context.Context, content models.ReportContent, lang string) (views.ReportDocument, error) {
	names := make(map[string]string, len(content.Excerpts))
	for _, e := range content.Excerpts {
		s, err := h.Reference.MemberStateByISO3(cx, e.StateISO3)
		if errors.Is(err, models.ErrNotFound) {
			continue // a State no longer listed: the excerpt shows its code
		}
		if err != nil {
			return views.ReportDocument{}, err
		}
		names[s.ISO3] = s.LocalName(lang)
	}
	return views.ReportDocument{Content: content, StateNames: names}, nil
}

// reportRenderer renders a report as plain text in any language, whatever
// the reader's: what an issued report stores for search. The States are
// named from the reference cache (no statement once it is warm).
func (h *Handlers) reportRenderer(cx context.Context) models.ReportRenderer {
	return func(content models.ReportContent, lang string) (string, error) {
		doc, err := h.reportDocumentIn(cx, content, lang)
		if err != nil {
			return "", err
		}
		return views.ReportPlainText(reqctx.WithLocalizer(cx, h.Catalogue.Localizer(lang)), doc), nil
	}
}

// reportPage renders a report's page with its versions and the steps the
// person may take: two statements beside the report's.
func (h *Handlers) reportPage(c echo.Context, r models.Report, status int, step views.ReportTransitionForm) error {
	versions, err := models.ReportVersions(ctx(c), h.DB, r.ID, reportVersionsShown)
	if err != nil {
		return err
	}
	doc, err := h.reportDocument(c, r.Content)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	return render(c, status, views.ReportPage(views.ReportData{
		Report: r, Document: doc, Versions: versions, Transition: step,
		Transitions: models.ReportWorkflow.AvailableFor(models.ReportActors(u), r.Status),
		Drafting:    policy.Anyone(u, policy.DraftReports),
	}))
}

// Report shows a report: its document, controls, steps and versions.
func (h *Handlers) Report(c echo.Context) error {
	r, err := h.reportParam(c)
	if err != nil {
		return err
	}
	return h.reportPage(c, r, http.StatusOK, views.ReportTransitionForm{})
}

// RegenerateReport counts the report's figures again, keeping the
// Secretariat's wording and excerpts.
func (h *Handlers) RegenerateReport(c echo.Context) error {
	r, err := h.reportParam(c)
	if err != nil {
		return err
	}
	var form views.ReportVersionForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			_, err := models.GenerateReport(ctx(c), h.DB, h.Reference, reqctx.User(ctx(c)), r.PeriodID, form.Version, h.audit(c))
			return views.ReportHref(r.ID), issuedRefused(err)
		},
		Render: func(status int, errs []views.FieldError) error {
			return h.reportPage(c, r, status, views.ReportTransitionForm{Errors: errs})
		},
		Stale: func() error { return h.staleReport(c, r.ID) },
		Flash: "report.regenerated",
	})
}

// staleReport shows the report as saved meanwhile (409), saying why the
// person's change was not made.
func (h *Handlers) staleReport(c echo.Context, id int64) error {
	fresh, err := models.ReportByID(ctx(c), h.DB, id)
	if err != nil {
		return err
	}
	msg := localizer(c).T("report.stale")
	return h.reportPage(c, fresh, http.StatusConflict, views.ReportTransitionForm{Errors: []views.FieldError{{Message: msg}}})
}

// PrintReport shows the document alone, for the browser to print or save
// as PDF (assets/css/print.css).
func (h *Handlers) PrintReport(c echo.Context) error {
	r, err := h.reportParam(c)
	if err != nil {
		return err
	}
	doc, err := h.reportDocument(c, r.Content)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ReportPage(views.ReportData{Report: r, Document: doc, Print: true}))
}

// ReportDOCX sends the stored report as a Word document: nothing is
// counted again, so it costs one statement whatever the data.
func (h *Handlers) ReportDOCX(c echo.Context) error {
	r, err := h.reportParam(c)
	if err != nil {
		return err
	}
	// The document's language is chosen explicitly (?language=, from the
	// report page's form), any of the six whether or not the pages are
	// offered in it; the reader's page language when not given.
	tag := c.QueryParam("language")
	if tag == "" {
		tag = localizer(c).Tag
	}
	l, ok := h.Catalogue.In(tag)
	if !ok {
		// A wrong address, not a failure: say which languages there are.
		pl := localizer(c)
		return render(c, http.StatusBadRequest, views.ErrorPage(views.ErrorData{
			Status: http.StatusBadRequest, Title: pl.T("error.400.title"), Message: pl.T("report.docx_language_unknown")}))
	}
	cx := reqctx.WithLocalizer(ctx(c), l)
	doc, err := h.reportDocumentIn(cx, r.Content, l.Tag)
	if err != nil {
		return err
	}
	body, err := views.ReportDOCX(cx, doc)
	if err != nil {
		return fmt.Errorf("report %d: %w", r.ID, err)
	}
	file := fmt.Sprintf("report-%d-v%d-%s.docx", r.ID, r.Version, l.Tag)
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", file))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body)
}

// reportParagraph loads the report and the paragraph of the :key.
func (h *Handlers) reportParagraph(c echo.Context) (models.Report, models.ReportParagraph, int, error) {
	r, err := h.reportParam(c)
	if err != nil {
		return r, models.ReportParagraph{}, 0, err
	}
	p, n, ok := r.Content.Paragraph(c.Param("key"))
	if !ok {
		return r, p, 0, echo.ErrNotFound
	}
	return r, p, n, nil
}

// EditReportParagraph shows the wording of one paragraph to edit, with
// {Name} for each figure.
func (h *Handlers) EditReportParagraph(c echo.Context) error {
	r, p, n, err := h.reportParagraph(c)
	if err != nil {
		return err
	}
	if !r.Status.Editable() {
		return redirectAfterPost(c, views.ReportHref(r.ID))
	}
	// Wording already edited keeps its language; the generated wording is
	// offered in the editor's page language, which it is shown in.
	lang := localizer(c).Tag
	if p.Edited != nil {
		lang = views.EditLanguage(p.Edited)
	}
	form := views.ReportParagraphForm{ParagraphInput: models.ParagraphInput{Text: views.EditableText(ctx(c), p), Language: lang, Version: r.Version}}
	return render(c, http.StatusOK, views.ReportParagraphPage(views.ReportParagraphData{Report: r, Key: p.Key, Number: n, Paragraph: p, Form: form}))
}

// SaveReportParagraph saves the Secretariat's wording of one paragraph;
// one made on an older version comes back (409) beside the saved one.
func (h *Handlers) SaveReportParagraph(c echo.Context) error {
	r, p, n, err := h.reportParagraph(c)
	if err != nil {
		return err
	}
	var form views.ReportParagraphForm
	data := func() views.ReportParagraphData {
		return views.ReportParagraphData{Report: r, Key: p.Key, Number: n, Paragraph: p, Form: form}
	}
	return h.submit(c, submission{
		Form:  &form,
		Check: func() error { return models.ValidateParagraphText(p, form.ParagraphInput) },
		Save: func() (string, error) {
			_, err := models.EditReportParagraph(ctx(c), h.DB, reqctx.User(ctx(c)), r.ID, p.Key, form.ParagraphInput, h.audit(c))
			return views.ReportHref(r.ID) + "#p-" + strconv.Itoa(n), issuedRefused(err)
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return render(c, status, views.ReportParagraphPage(data()))
		},
		Stale: func() error {
			fresh, err := models.ReportByID(ctx(c), h.DB, r.ID)
			if err != nil {
				return err
			}
			d := data()
			d.Current = &fresh
			d.Form.Version = fresh.Version // saving again overwrites, knowingly
			if fp, _, ok := fresh.Content.Paragraph(p.Key); ok {
				d.Paragraph = fp
			}
			return render(c, http.StatusConflict, views.ReportParagraphPage(d))
		},
		Flash: "report.paragraph_saved",
	})
}

// ReportExcerpts lists the period's validated narratives to quote.
func (h *Handlers) ReportExcerpts(c echo.Context) error {
	r, err := h.reportParam(c)
	if err != nil {
		return err
	}
	return h.excerptsPage(c, r, http.StatusOK, nil)
}

func (h *Handlers) excerptsPage(c echo.Context, r models.Report, status int, errs []views.FieldError) error {
	n, _ := strconv.Atoi(c.QueryParam("paragraph"))
	if n < 0 || n > 999 {
		n = 0
	}
	page, err := models.ValidatedNarratives(ctx(c), h.DB, reqctx.User(ctx(c)), r.PeriodID, n, pageRequest(c, 50))
	if err != nil {
		return err
	}
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return err
	}
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	names := make(map[int]string, len(states))
	for _, s := range states {
		names[s.ID] = s.LocalName(localizer(c).Tag)
	}
	return render(c, status, views.ReportExcerptsPage(views.ReportExcerptsData{
		Report: r, Narratives: page.Items, StateNames: names, Paragraph: n, Paragraphs: paras, Errors: errs,
		Nav: pageNav(views.ReportHref(r.ID)+"/excerpts", c.QueryParams(), page),
	}))
}

// ChooseReportExcerpt quotes a narrative under section IV, or stops.
func (h *Handlers) ChooseReportExcerpt(c echo.Context) error {
	r, err := h.reportParam(c)
	if err != nil {
		return err
	}
	var form models.ExcerptInput
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			_, err := models.ChooseExcerpt(ctx(c), h.DB, h.Reference, reqctx.User(ctx(c)), r.ID, form, h.audit(c))
			return views.ReportHref(r.ID) + "/excerpts", issuedRefused(err)
		},
		Render: func(status int, errs []views.FieldError) error { return h.excerptsPage(c, r, status, errs) },
		Stale: func() error {
			fresh, err := models.ReportByID(ctx(c), h.DB, r.ID)
			if err != nil {
				return err
			}
			return h.excerptsPage(c, fresh, http.StatusConflict, []views.FieldError{{Message: localizer(c).T("report.stale")}})
		},
		Flash: "report.excerpts_saved",
	})
}

// ReportTransition moves the report along models.ReportWorkflow.
func (h *Handlers) ReportTransition(c echo.Context) error {
	r, err := h.reportParam(c)
	if err != nil {
		return err
	}
	var form views.ReportTransitionForm
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			_, err := models.TransitionReport(ctx(c), h.DB, reqctx.User(ctx(c)), r.ID, form.Version,
				models.ReportStatus(form.To), form.Note, h.reportRenderer(ctx(c)), h.audit(c))
			return views.ReportHref(r.ID), issuedRefused(err)
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.reportPage(c, r, status, form)
		},
		Stale: func() error { return h.staleReport(c, r.ID) },
		Flash: "report.status_saved",
	})
}

// ReportVersion shows a report as one of its changes left it.
func (h *Handlers) ReportVersion(c echo.Context) error {
	r, err := h.reportParam(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("v"))
	if err != nil || n <= 0 {
		return echo.ErrNotFound
	}
	v, err := models.ReportVersionByNumber(ctx(c), h.DB, r.ID, n)
	if err != nil {
		return err
	}
	doc, err := h.reportDocument(c, v.Content)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ReportPage(views.ReportData{Report: r, Document: doc, Version: &v}))
}
