package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"ctap/handlers"
	"ctap/models"
	"ctap/views"
	"ctap/web/i18n"
	"ctap/web/reqctx"
)

// handleError is the one place an error becomes an answer: the models'
// sentinel errors and Echo's HTTP errors map to their status, anything else
// is a 500 that is logged and never shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	switch {
	case errors.Is(err, models.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, models.ErrForbidden):
		status = http.StatusForbidden
	case errors.Is(err, models.ErrStaleVersion), errors.Is(err, models.ErrConflict):
		status = http.StatusConflict
	case errors.As(err, &he):
		status = he.Code
	}
	if status >= 500 {
		s.logger.Error("request failed", "err", err, "method", c.Request().Method,
			"uri", c.Request().RequestURI, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if isAPI(c) {
		// The API answers in its own format, whatever went wrong.
		detail := ""
		if status >= 500 {
			detail = "The request failed; it was logged as " + c.Response().Header().Get(echo.HeaderXRequestID) + "."
		}
		if rerr := problem(c, status, detail); rerr != nil {
			s.logger.Error("write problem", "err", rerr)
		}
		return
	}
	l := reqctx.Localizer(c.Request().Context())
	if l == nil {
		// The error happened before the language was known (a 404 from the
		// router, a refused body): pick it now.
		l = s.catalogue.Pick("", c.Request().Header.Get("Accept-Language"))
		c.SetRequest(c.Request().WithContext(reqctx.WithLocalizer(c.Request().Context(), l)))
	}
	title, message := errorText(l, status)
	page := views.ErrorPage(views.ErrorData{Status: status, Title: title, Message: message})
	if rerr := handlers.Render(c, status, page); rerr != nil {
		s.logger.Error("render error page", "err", rerr)
		_ = c.String(status, http.StatusText(status))
	}
}

// errorText picks the translated title and explanation for a status.
func errorText(l *i18n.Localizer, status int) (string, string) {
	key := "error.500"
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		key = "error." + strconv.Itoa(status)
	}
	return l.T(key + ".title"), l.T(key + ".message")
}
