package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/reqctx"
)

// AccessTokens lists the signed-in person's access tokens for the API,
// with the form that makes one (expiring in 90 days unless changed).
func (h *Handlers) AccessTokens(c echo.Context) error {
	now := time.Now()
	return h.renderTokens(c, http.StatusOK, views.TokensData{Form: models.DefaultAccessTokenInput(now), Now: now})
}

// renderTokens shows the tokens page with the form as given.
func (h *Handlers) renderTokens(c echo.Context, status int, d views.TokensData) error {
	tokens, err := models.ListAccessTokens(ctx(c), h.DB, reqctx.User(ctx(c)))
	if err != nil {
		return err
	}
	d.Tokens, d.Latest = tokens, models.LatestTokenExpiry(d.Now)
	return render(c, status, views.TokensPage(d))
}

// CreateAccessToken makes a token and answers with its secret, the only
// time it is shown: no redirect (the secret must not travel through the
// session for a later page), and no copy kept by any cache. A refused form
// comes back (422) with its input and messages, as every form does.
func (h *Handlers) CreateAccessToken(c echo.Context) error {
	var form models.AccessTokenInput
	now := time.Now()
	problems := h.decodeForm(c, &form)
	if len(problems) == 0 {
		tok, secret, err := models.CreateAccessToken(ctx(c), h.DB, reqctx.User(ctx(c)), form, now, h.audit(c))
		p, invalid := models.ProblemsOf(err)
		switch {
		case invalid:
			problems = p
		case err != nil:
			return err
		default:
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
			return render(c, http.StatusOK, views.TokenCreatedPage(views.TokenCreatedData{Token: tok, Secret: secret, BaseURL: strings.TrimSuffix(h.BaseURL, "/")}))
		}
	}
	return h.renderTokens(c, http.StatusUnprocessableEntity, views.TokensData{
		Form: form, Errors: fieldErrors(c, &form, problems), Now: now,
	})
}

// tokenParam reads the :id of one of the person's own tokens; another
// person's token, or none, is 404, so ids reveal nothing.
func (h *Handlers) tokenParam(c echo.Context) (models.AccessToken, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.AccessToken{}, echo.ErrNotFound
	}
	tok, err := models.AccessTokenByID(ctx(c), h.DB, reqctx.User(ctx(c)), id)
	if errors.Is(err, models.ErrNotFound) {
		return tok, echo.ErrNotFound
	}
	return tok, err
}

// ConfirmRevokeAccessToken asks before revoking a token; a token already
// revoked or expired has nothing to ask about, and the list shows it so.
func (h *Handlers) ConfirmRevokeAccessToken(c echo.Context) error {
	tok, err := h.tokenParam(c)
	if err != nil {
		return err
	}
	if !tok.Active(time.Now()) {
		return c.Redirect(http.StatusSeeOther, "/account/tokens")
	}
	return render(c, http.StatusOK, views.ConfirmRevokeTokenPage(tok))
}

// revokeForm is what the confirmation page posts: the version it showed.
type revokeForm struct {
	Version int `form:"version"`
}

// RevokeAccessToken revokes one of the person's tokens, at the version the
// confirmation page showed; a token changed since (revoked in another
// window) is answered 409 with the list as it is now.
func (h *Handlers) RevokeAccessToken(c echo.Context) error {
	tok, err := h.tokenParam(c)
	if err != nil {
		return err
	}
	var form revokeForm
	if p := h.decodeForm(c, &form); len(p) > 0 {
		return echo.ErrBadRequest
	}
	err = models.RevokeAccessToken(ctx(c), h.DB, reqctx.User(ctx(c)), tok.ID, form.Version, h.audit(c))
	switch {
	case errors.Is(err, models.ErrStaleVersion):
		now := time.Now()
		return h.renderTokens(c, http.StatusConflict, views.TokensData{Form: models.DefaultAccessTokenInput(now), Now: now, Stale: true})
	case errors.Is(err, models.ErrNotFound):
		return echo.ErrNotFound
	case err != nil:
		return err
	}
	h.flash(c, "success", "tokens.revoked", map[string]any{"Name": tok.Name})
	return redirectAfterPost(c, "/account/tokens")
}
