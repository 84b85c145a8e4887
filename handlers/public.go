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

// Home is the overview: what the portal is, the resolution's key facts,
// and the public records charted.
func (h *Handlers) Home(c echo.Context) error {
	res, err := models.LatestResolution(ctx(c), h.DB)
	if err != nil {
		return err
	}
	summary, err := models.LoadOverview(ctx(c), h.DB, res)
	if err != nil {
		return err
	}
	// The home page charts the public records whoever reads it; a
	// signed-in person's own figures are on their dashboard.
	public, err := h.dashboardData(c, nil)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.HomePage(views.HomeData{
		Resolution:      res,
		OperativeCount:  summary.OperativeParagraphs,
		StateCount:      summary.MemberStates,
		InstrumentCount: summary.Instruments,
		Public:          public,
		SignedIn:        policy.Anyone(reqctx.User(ctx(c)), policy.UseAccount),
	}))
}

// Paragraphs shows the whole resolution.
func (h *Handlers) Paragraphs(c echo.Context) error {
	res, err := models.LatestResolution(ctx(c), h.DB)
	if err != nil {
		return err
	}
	text, err := models.LoadResolutionText(ctx(c), h.DB, res)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ResolutionPage(text))
}

// Paragraph shows operative paragraph n.
func (h *Handlers) Paragraph(c echo.Context) error {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 || n > 999 {
		return echo.ErrNotFound
	}
	res, err := models.LatestResolution(ctx(c), h.DB)
	if err != nil {
		return err
	}
	p, notes, count, err := models.OperativeParagraph(ctx(c), h.DB, res, n)
	if err != nil {
		return err
	}
	// How the States' validated reports of the current period are
	// distributed: an aggregate, for whoever may read some State's progress.
	var dist *models.ProgressDistribution
	if policy.Anyone(reqctx.User(ctx(c)), policy.ReadProgress) {
		d, err := models.DistributionFor(ctx(c), h.DB, n, models.Today())
		if err != nil {
			return err
		}
		dist = &d
	}
	// The paragraph inviting voluntary contributions (15 of A/RES/70/177)
	// shows what was contributed, as far as the reader may see.
	var contributions *models.ContributionTotals
	if p.Theme != nil && *p.Theme == models.VoluntaryContributionsTheme {
		tot, err := models.LoadContributionTotals(ctx(c), h.DB, reqctx.User(ctx(c)), models.ContributionFilter{})
		if err != nil {
			return err
		}
		contributions = &tot
	}
	return render(c, http.StatusOK, views.ParagraphPage(views.ParagraphData{
		Resolution: res, Paragraph: p, Footnotes: notes, Count: count, Distribution: dist,
		Contributions: contributions,
	}))
}

// States lists the Member States, filtered by regional group and name.
func (h *Handlers) States(c echo.Context) error {
	f := models.StateFilter{
		Group: models.RegionalGroup(c.QueryParam("group")),
		Query: c.QueryParam("q"),
	}
	if f.Group != "" && !f.Group.Valid() {
		f.Group = "" // an unknown group shows every State rather than an error
	}
	if len(f.Query) > 100 {
		f.Query = f.Query[:100]
	}
	all, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	states, err := h.Reference.FilterMemberStates(ctx(c), f)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.StatesPage(views.StatesData{States: states, Filter: f, Total: len(all)}))
}

// Healthz answers while the process is alive.
func (h *Handlers) Healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// Readyz answers 200 when the database is reachable and its schema current,
// 503 otherwise, so a load balancer sends no traffic to a replica that
// cannot serve it.
func (h *Handlers) Readyz(c echo.Context) error {
	if err := h.Ready(ctx(c)); err != nil {
		h.Logger.Warn("not ready", "err", err)
		msg := "database unavailable\n"
		if errors.Is(err, ErrSchemaBehind) {
			msg = "schema behind: run ctap migrate\n"
		}
		return c.String(http.StatusServiceUnavailable, msg)
	}
	return c.String(http.StatusOK, "ready\n")
}

// ErrSchemaBehind tells /readyz the database needs migrating.
var ErrSchemaBehind = errors.New("schema behind")
