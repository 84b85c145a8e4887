package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// formAction returns the sources of the form-action directive of the
// Content-Security-Policy that s's headers middleware sends.
func formAction(t *testing.T, s *Server) []string {
	t.Helper()
	e := echo.New()
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	h := s.secureHeaders(func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	if err := h(c); err != nil {
		t.Fatal(err)
	}
	csp := rec.Header().Get("Content-Security-Policy")
	for _, d := range strings.Split(csp, ";") {
		if f := strings.Fields(d); len(f) > 0 && f[0] == "form-action" {
			return f[1:]
		}
	}
	t.Fatalf("no form-action in %q", csp)
	return nil
}

func serverFor(t *testing.T, base, issuer string) *Server {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{BaseURL: u, OIDC: OIDCConfig{Issuer: issuer, ClientID: "ctap"}}
	return &Server{cfg: cfg, oidc: newOIDCClient(cfg.OIDC, base+"/auth/callback", slog.New(slog.NewTextHandler(io.Discard, nil)))}
}

// The sign-out form posts to /auth/logout, which redirects to the provider's
// end_session_endpoint; browsers hold that redirect to form-action, so the
// policy must name the provider's origin, from the configured issuer before
// discovery, and the end_session_endpoint's own origin once discovery has
// found it elsewhere.
func TestFormActionAllowsTheOpenIDProvider(t *testing.T) {
	s := serverFor(t, "https://ctap.example.org", "https://login.example.net:8443/realms/ctap")
	if got, want := formAction(t, s), []string{"'self'", "https://login.example.net:8443"}; !slices.Equal(got, want) {
		t.Errorf("before discovery form-action is %q, want %q", got, want)
	}

	s.oidc.ready.Store(&oidcProvider{endSession: "https://logout.example.com/oidc/end?x=1"})
	if got, want := formAction(t, s), []string{"'self'", "https://login.example.net:8443", "https://logout.example.com"}; !slices.Equal(got, want) {
		t.Errorf("with an end_session_endpoint elsewhere form-action is %q, want %q", got, want)
	}

	s.oidc.ready.Store(&oidcProvider{endSession: "https://login.example.net:8443/realms/ctap/logout"})
	if got, want := formAction(t, s), []string{"'self'", "https://login.example.net:8443"}; !slices.Equal(got, want) {
		t.Errorf("with the end_session_endpoint at the issuer form-action is %q, want %q", got, want)
	}
}

// The development provider lives in the portal: 'self' covers it.
func TestFormActionIsSelfWithTheDevelopmentProvider(t *testing.T) {
	s := serverFor(t, "http://127.0.0.1:8080", "http://127.0.0.1:8080"+DevIDPPath)
	s.oidc.ready.Store(&oidcProvider{endSession: "http://127.0.0.1:8080" + DevIDPPath + "/logout"})
	if got, want := formAction(t, s), []string{"'self'"}; !slices.Equal(got, want) {
		t.Errorf("form-action %q, want %q", got, want)
	}
}
