package web_test

import (
	"net/http"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web/webtest"
)

func TestAnInvitedFocalPointSignsInAndLandsOnTheirStatesPage(t *testing.T) {
	srv := webtest.NewServer(t)
	srv.Invite(t, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	c := srv.Client()

	resp := c.SignIn(t, "focal.ken@example.org")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/states/KEN" {
		t.Fatalf("callback: %d to %q: %s", resp.StatusCode, resp.Header.Get("Location"), resp.Body)
	}
	page := c.Follow(t, resp)
	for _, want := range []string{"Kenya", "Your workspace", "Wanjiru Focal Point, Kenya (demo)", "Focal point"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("landing page lacks %q", want)
		}
	}
}
