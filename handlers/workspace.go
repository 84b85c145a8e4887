package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// State shows a Member State: to everyone its needs they may see and its
// treaty status; to those who work on it, its workspace (this period's
// progress and what needs attention now).
func (h *Handlers) State(c echo.Context) error {
	iso3 := c.Param("iso3")
	if len(iso3) != 3 {
		return echo.ErrNotFound
	}
	s, err := h.Reference.MemberStateByISO3(ctx(c), iso3)
	if err != nil {
		return err
	}
	if s.ISO3 != iso3 {
		// One address per State: /states/ken goes to /states/KEN.
		return c.Redirect(http.StatusMovedPermanently, "/states/"+s.ISO3)
	}
	u := reqctx.User(ctx(c))
	today := models.Today()
	overview, err := models.LoadStateOverview(ctx(c), h.DB, h.Reference, u, s, today)
	if err != nil {
		return err
	}
	assistance, err := models.SummarizeActivities(ctx(c), h.DB, u, models.ActivityFilter{StateID: s.ID})
	if err != nil {
		return err
	}
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.StatePage(views.StateData{
		State:      s,
		Overview:   overview,
		Assistance: assistance,
		States:     states,
		Workspace:  policy.Can(u, policy.WorkOnState, policy.State(s.ID)),
		Own:        u.HasRole(models.RoleFocalPoint) && u.MemberStateID != nil && *u.MemberStateID == s.ID,
		CanRecord:  policy.Can(u, policy.ActForState, policy.State(s.ID)) || policy.Anyone(u, policy.Review),
	}))
}

// Review is the Secretariat's starting page: the needs and progress
// reports waiting for it, oldest first.
func (h *Handlers) Review(c echo.Context) error {
	u := reqctx.User(ctx(c))
	queue, err := models.LoadReviewQueue(ctx(c), h.DB, u)
	if err != nil {
		return err
	}
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	byID := make(map[int]models.MemberState, len(states))
	for _, s := range states {
		byID[s.ID] = s
	}
	return render(c, http.StatusOK, views.ReviewPage(views.ReviewData{
		Queue: queue, Waiting: reqctx.Waiting(ctx(c)), States: byID, Now: time.Now(),
	}))
}
