package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"ctap/views"
)

// The development mail catcher: `ctap dev` sends its mail to Mailpit,
// whose web interface is not in its Go module, so the portal shows the
// caught messages itself, from Mailpit's REST API. Mounted only beside the
// development OpenID Provider.

// DevMail lists the caught messages, newest first.
func (h *Handlers) DevMail(c echo.Context) error {
	var list struct {
		Messages []views.DevMailSummary `json:"messages"`
		Total    int                    `json:"total"`
	}
	if err := h.mailpit(c, "/api/v1/messages?limit=100", &list); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DevMailPage(views.DevMailData{Messages: list.Messages, Total: list.Total}))
}

// DevMailMessage shows one caught message: its headers and text.
func (h *Handlers) DevMailMessage(c echo.Context) error {
	var m views.DevMailMessage
	if err := h.mailpit(c, "/api/v1/message/"+url.PathEscape(c.Param("id")), &m); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DevMailMessagePage(m))
}

func (h *Handlers) mailpit(c echo.Context, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx(c), http.MethodGet, h.MailpitURL+path, nil)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("mailpit: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return echo.ErrNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return fmt.Errorf("mailpit %s: %w", path, err)
	}
	return nil
}
