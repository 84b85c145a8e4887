package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/reqctx"
)

// Account shows the signed-in user's profile, their choices of what is
// sent to them, and their sessions.
func (h *Handlers) Account(c echo.Context) error {
	u, err := models.UserByID(ctx(c), h.DB, reqctx.User(ctx(c)).ID)
	if err != nil {
		return err
	}
	return h.renderAccount(c, http.StatusOK, views.NotificationSettingsForm{
		Kinds: models.NotificationKindsFor(&u), Choices: u.NotificationDelivery, Language: u.Language, Version: u.Version,
	})
}

// renderAccount shows the account page with the settings form as given
// (kept input and messages after a refused save).
func (h *Handlers) renderAccount(c echo.Context, status int, settings views.NotificationSettingsForm) error {
	u := reqctx.User(ctx(c))
	sessions, err := models.ListUserSessions(ctx(c), h.DB, u.ID, h.SessionIdle)
	if err != nil {
		return err
	}
	return render(c, status, views.AccountPage(views.AccountData{
		User: u, Sessions: sessions, CurrentToken: h.Sessions.Token(ctx(c)), Settings: settings,
	}))
}

// ConfirmEndOtherSessions asks before signing the user out of their other
// browsers.
func (h *Handlers) ConfirmEndOtherSessions(c echo.Context) error {
	u := reqctx.User(ctx(c))
	n, err := models.CountUserSessions(ctx(c), h.DB, u.ID, h.SessionIdle)
	if err != nil {
		return err
	}
	if n <= 1 {
		return c.Redirect(http.StatusSeeOther, "/account") // no other session to end
	}
	return render(c, http.StatusOK, views.ConfirmEndOtherSessionsPage(n-1))
}

// EndOtherSessions signs the user out of every other browser.
func (h *Handlers) EndOtherSessions(c echo.Context) error {
	u := reqctx.User(ctx(c))
	n, err := models.EndOtherSessions(ctx(c), h.DB, u.ID, h.Sessions.Token(ctx(c)), h.audit(c))
	if err != nil {
		return err
	}
	h.flashCount(c, "success", "account.other_sessions_ended", int(n), nil)
	return redirectAfterPost(c, "/account")
}
