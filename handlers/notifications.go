package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/reqctx"
)

// Notifications lists the signed-in person's notifications, newest first.
func (h *Handlers) Notifications(c echo.Context) error {
	u := reqctx.User(ctx(c))
	page, err := models.ListNotifications(ctx(c), h.DB, u.ID, pageRequest(c, 50))
	if err != nil {
		return err
	}
	states, err := h.stateNames(c)
	if err != nil {
		return err
	}
	d := views.NotificationsData{Page: page, States: states, Nav: pageNav("/notifications", c.QueryParams(), page)}
	if len(page.Items) > 0 {
		d.UpTo = page.Items[0].ID
	}
	return render(c, http.StatusOK, views.NotificationsPage(d))
}

// stateNames are the Member States by code, for notifications' messages.
func (h *Handlers) stateNames(c echo.Context) (views.StateNames, error) {
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return nil, err
	}
	return views.StateNamesOf(states), nil
}

// OpenNotification marks one notification read and goes to its page.
func (h *Handlers) OpenNotification(c echo.Context) error {
	n, err := h.markRead(c)
	if err != nil {
		return err
	}
	return redirectAfterPost(c, n.Link)
}

// ReadNotification marks one notification read and stays on the list.
func (h *Handlers) ReadNotification(c echo.Context) error {
	if _, err := h.markRead(c); err != nil {
		return err
	}
	return redirectAfterPost(c, "/notifications")
}

func (h *Handlers) markRead(c echo.Context) (models.Notification, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return models.Notification{}, echo.ErrNotFound
	}
	n, err := models.MarkNotificationRead(ctx(c), h.DB, reqctx.User(ctx(c)).ID, id)
	return n, err
}

// ReadAllNotifications marks every notification read, up to the newest
// the person saw.
func (h *Handlers) ReadAllNotifications(c echo.Context) error {
	upTo, err := strconv.ParseInt(c.FormValue("up_to"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	n, err := models.MarkAllNotificationsRead(ctx(c), h.DB, reqctx.User(ctx(c)).ID, upTo)
	if err != nil {
		return err
	}
	h.flash(c, "success", "notify.marked_read", map[string]any{"Count": n})
	return redirectAfterPost(c, "/notifications")
}

// SaveNotificationSettings records the person's choices of what is sent to
// them and in which language.
func (h *Handlers) SaveNotificationSettings(c echo.Context) error {
	u := reqctx.User(ctx(c))
	cur, err := models.UserByID(ctx(c), h.DB, u.ID)
	if err != nil {
		return err
	}
	var form models.NotificationSettingsInput
	choices := func() models.DeliveryChoices { return form.Choices(cur.NotificationDelivery) }
	return h.submit(c, submission{
		Form: &form,
		Check: func() error {
			if !h.Catalogue.Supported(form.Language) {
				return models.Invalid("language", "notify.language_invalid")
			}
			return nil
		},
		Save: func() (string, error) {
			return "/account#notification-settings", models.SaveNotificationSettings(ctx(c), h.DB, u, form.Version,
				models.NotificationSettings{Language: form.Language, Delivery: choices()}, h.audit(c))
		},
		Render: func(status int, errs []views.FieldError) error {
			settings := views.NotificationSettingsForm{Kinds: models.NotificationKindsFor(u), Choices: choices(),
				Language: form.Language, Version: form.Version, Errors: errs}
			if status == http.StatusConflict {
				settings.Version, settings.Stale = cur.Version, true
			}
			return h.renderAccount(c, status, settings)
		},
		Flash: "notify.settings_saved",
	})
}
