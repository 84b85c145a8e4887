package devidp

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
)

// pageTemplates are the provider's own pages: plain HTML, without script or
// inline style, so they pass the portal's Content-Security-Policy.
const pageTemplates = `
{{- define "top" -}}
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{.Title}}</title>
{{- with .StylesheetURL}}
<link rel="stylesheet" href="{{.}}">
{{- end}}
</head>
<body>
<main>
<h1>Development sign-in</h1>
<p>This identity provider is for development and tests only. Its accounts and their passwords are set by the portal.</p>
{{end}}

{{- define "bottom" -}}
{{- with .PortalURL}}
<p><a href="{{.}}">Back to the portal</a></p>
{{- end}}
</main>
</body>
</html>
{{end}}

{{- define "signin" -}}
{{template "top" .}}
{{- if .Error}}
<p id="signin-error" role="alert">{{.Error}}</p>
{{- end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="authRequestID" value="{{.AuthRequestID}}">
<p>
<label for="username">Email address</label>
<input id="username" name="username" type="email" autocomplete="username" required value="{{.Username}}"{{if .Error}} aria-invalid="true" aria-describedby="signin-error"{{end}}>
</p>
<p>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required{{if .Error}} aria-invalid="true" aria-describedby="signin-error"{{end}}>
</p>
<p><button type="submit">Sign in</button></p>
</form>
{{template "bottom" .}}
{{- end}}

{{- define "message" -}}
{{template "top" .}}
<p{{if .Error}} role="alert"{{end}}>{{.Message}}</p>
{{- with .Detail}}
<p>{{.}}</p>
{{- end}}
{{template "bottom" .}}
{{- end}}
`

type pageData struct {
	Title         string
	StylesheetURL string
	PortalURL     string // linked from every page, when set

	// Sign-in form.
	Action        string
	AuthRequestID string
	Username      string
	Error         string

	// Message page.
	Message string
	Detail  string
}

const maxLoginFormBytes = 64 << 10

func (p *Provider) serveLogin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		id := r.URL.Query().Get(loginIDField)
		if _, err := p.store.authRequestForLogin(id); err != nil {
			p.renderInvalidRequest(w, r, err)
			return
		}
		p.renderForm(w, r, http.StatusOK, id, "", "")
	case http.MethodPost:
		p.handleLoginPost(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	}
}

func (p *Provider) handleLoginPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginFormBytes)
	if err := r.ParseForm(); err != nil {
		p.renderMessage(w, r, http.StatusBadRequest, "The sign-in form could not be read.", "Go back to the application and start signing in again.", true)
		return
	}
	id := r.PostForm.Get(loginIDField)
	username := r.PostForm.Get("username")
	password := r.PostForm.Get("password")

	if _, err := p.store.authRequestForLogin(id); err != nil {
		p.renderInvalidRequest(w, r, err)
		return
	}
	subject, ok := p.store.checkPassword(r.Context(), username, password)
	if !ok {
		p.logger.WarnContext(r.Context(), "devidp: sign-in refused", slog.String("username", username))
		p.renderForm(w, r, http.StatusUnauthorized, id, username, "The email address or password is wrong.")
		return
	}
	if err := p.store.completeLogin(id, subject); err != nil {
		p.renderInvalidRequest(w, r, err)
		return
	}
	p.logger.InfoContext(r.Context(), "devidp: signed in", slog.String("sub", subject))
	http.Redirect(w, r, p.callbackURL(r.Context(), id), http.StatusSeeOther)
}

func (p *Provider) renderInvalidRequest(w http.ResponseWriter, r *http.Request, err error) {
	p.logger.InfoContext(r.Context(), "devidp: sign-in request refused", slog.Any("error", err))
	if errors.Is(err, errAlreadyDone) {
		p.renderMessage(w, r, http.StatusBadRequest,
			"This sign-in request has already been completed.",
			"Go back to the application and start signing in again.", true)
		return
	}
	p.renderMessage(w, r, http.StatusBadRequest,
		"This sign-in request is unknown or has expired.",
		"A sign-in request is valid for 10 minutes. Go back to the application and start signing in again.", true)
}

func (p *Provider) renderForm(w http.ResponseWriter, r *http.Request, status int, id, username, errMsg string) {
	title := "Development sign-in"
	if errMsg != "" {
		title = "Error: " + title
	}
	p.render(w, r, status, "signin", pageData{
		Title:         title,
		StylesheetURL: p.stylesheetURL,
		PortalURL:     p.portalURL,
		Action:        p.pathPrefix + loginPath,
		AuthRequestID: id,
		Username:      username,
		Error:         errMsg,
	})
}

func (p *Provider) renderMessage(w http.ResponseWriter, r *http.Request, status int, message, detail string, isError bool) {
	title := "Development sign-in"
	errMsg := ""
	if isError {
		title = "Error: " + title
		errMsg = message
	}
	p.render(w, r, status, "message", pageData{
		Title:         title,
		StylesheetURL: p.stylesheetURL,
		PortalURL:     p.portalURL,
		Message:       message,
		Detail:        detail,
		Error:         errMsg,
	})
}

func (p *Provider) serveLoggedOut(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	p.renderMessage(w, r, http.StatusOK, "You have been signed out.", "", false)
}

func (p *Provider) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	var buf bytes.Buffer
	if err := p.page.ExecuteTemplate(&buf, name, data); err != nil {
		p.logger.ErrorContext(r.Context(), "devidp: render page", slog.String("page", name), slog.Any("error", err))
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = buf.WriteTo(w)
	}
}
