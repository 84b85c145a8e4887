package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
)

// AdminUsers lists users, filtered by status, role and State, newest first,
// fifty to a page.
func (h *Handlers) AdminUsers(c echo.Context) error {
	f := models.UserFilter{
		Status: models.UserStatus(c.QueryParam("status")),
		Role:   models.Role(c.QueryParam("role")),
		Limit:  50,
	}
	if f.Status != "" && !f.Status.Valid() {
		f.Status = ""
	}
	if f.Role != "" && !f.Role.Valid() {
		f.Role = ""
	}
	stateCode := strings.ToUpper(c.QueryParam("state"))
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	for _, s := range states {
		if s.ISO3 == stateCode {
			f.MemberStateID = s.ID
		}
	}
	if f.MemberStateID == 0 {
		stateCode = ""
	}
	if after, err := strconv.ParseInt(c.QueryParam("after"), 10, 64); err == nil && after > 0 {
		f.AfterID = after
	}
	users, more, err := models.ListUsers(ctx(c), h.DB, f)
	if err != nil {
		return err
	}
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Role != "" {
		q.Set("role", string(f.Role))
	}
	if stateCode != "" {
		q.Set("state", stateCode)
	}
	var nav views.PageNav
	if f.AfterID > 0 {
		nav.PrevHref = "/admin/users?" + q.Encode() // back to the first page
	}
	if more {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("after", strconv.FormatInt(users[len(users)-1].ID, 10))
		nav.NextHref = "/admin/users?" + nq.Encode()
	}
	return render(c, http.StatusOK, views.AdminUsersPage(views.AdminUsersData{
		Users: users, Status: string(f.Status), Role: string(f.Role), State: stateCode, States: states, Nav: nav,
	}))
}

// AdminUser shows one account with the form that approves, changes,
// disables or enables it.
func (h *Handlers) AdminUser(c echo.Context) error {
	u, err := h.userParam(c)
	if err != nil {
		return err
	}
	form := views.UserForm{
		Version: u.Version, Status: string(u.Status), Role: u.RoleName(),
	}
	if u.MemberState != nil {
		form.State = u.MemberState.ISO3
	}
	if u.DonorOrganization != nil {
		form.Donor = u.DonorOrganization.Slug
	}
	return h.renderUserForm(c, http.StatusOK, u, form, nil)
}

func (h *Handlers) userParam(c echo.Context) (models.User, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.User{}, echo.ErrNotFound
	}
	return models.UserByID(ctx(c), h.DB, id)
}

func (h *Handlers) renderUserForm(c echo.Context, status int, u models.User, form views.UserForm, conflict *models.User) error {
	states, donors, err := h.scopeChoices(c)
	if err != nil {
		return err
	}
	return render(c, status, views.AdminUserPage(views.AdminUserData{
		User: u, Form: form, States: states, Donors: donors, Conflict: conflict,
	}))
}

// AdminChangeUser applies the administrator's decision: a rejected form
// comes back (422) with its input and a message per field; a change made on
// an outdated version comes back (409) showing both.
func (h *Handlers) AdminChangeUser(c echo.Context) error {
	u, err := h.userParam(c)
	if err != nil {
		return err
	}
	form := views.UserForm{
		Status: c.FormValue("status"), Role: c.FormValue("role"),
		State: strings.ToUpper(strings.TrimSpace(c.FormValue("state"))), Donor: strings.TrimSpace(c.FormValue("donor")),
	}
	form.Version, _ = strconv.Atoi(c.FormValue("version"))
	l := localizer(c)
	ch := models.UserChange{Version: form.Version, Status: models.UserStatus(form.Status)}
	if !ch.Status.Valid() {
		form.Errors = append(form.Errors, views.FieldError{FieldID: "status", Message: l.T("admin.error_status")})
	}
	if form.Role != "" {
		a, errs := h.assignment(c, form.Role, form.State, form.Donor)
		form.Errors = append(form.Errors, errs...)
		ch.Assignment = &a
	} else if ch.Status == models.StatusActive {
		form.Errors = append(form.Errors, views.FieldError{FieldID: "role", Message: l.T("admin.error_role_required")})
	}
	if len(form.Errors) > 0 {
		return h.renderUserForm(c, http.StatusUnprocessableEntity, u, form, nil)
	}
	changed, err := models.ChangeUser(ctx(c), h.DB, u.ID, ch, h.audit(c))
	switch {
	case errors.Is(err, models.ErrStaleVersion):
		current, lerr := models.UserByID(ctx(c), h.DB, u.ID)
		if lerr != nil {
			return lerr
		}
		form.Version = current.Version
		return h.renderUserForm(c, http.StatusConflict, current, form, &current)
	case errors.Is(err, models.ErrLastAdmin):
		form.Errors = append(form.Errors, views.FieldError{FieldID: "status", Message: l.T("admin.error_last_admin")})
		return h.renderUserForm(c, http.StatusUnprocessableEntity, u, form, nil)
	case errors.Is(err, models.ErrInvalidAssignment):
		form.Errors = append(form.Errors, views.FieldError{FieldID: "role", Message: l.T("admin.error_role_required")})
		return h.renderUserForm(c, http.StatusUnprocessableEntity, u, form, nil)
	case err != nil:
		return err
	}
	h.flash(c, "success", "admin.user_saved", map[string]any{"Email": changed.Email})
	return redirectAfterPost(c, fmt.Sprintf("/admin/users/%d", u.ID))
}

// AdminInvitations lists the open invitations.
func (h *Handlers) AdminInvitations(c echo.Context) error {
	list, err := models.ListOpenInvitations(ctx(c), h.DB, 200)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminInvitationsPage(list))
}

// AdminNewInvitation shows the invitation form.
func (h *Handlers) AdminNewInvitation(c echo.Context) error {
	return h.renderInvitationForm(c, http.StatusOK, views.InvitationForm{Role: string(models.RoleFocalPoint)})
}

func (h *Handlers) renderInvitationForm(c echo.Context, status int, form views.InvitationForm) error {
	states, donors, err := h.scopeChoices(c)
	if err != nil {
		return err
	}
	return render(c, status, views.AdminNewInvitationPage(views.InvitationFormData{Form: form, States: states, Donors: donors}))
}

// AdminCreateInvitation opens an invitation; nothing is sent yet: the
// administrator tells the person to sign in with that email.
func (h *Handlers) AdminCreateInvitation(c echo.Context) error {
	form := views.InvitationForm{
		Email: strings.TrimSpace(c.FormValue("email")), Role: c.FormValue("role"),
		State: strings.ToUpper(strings.TrimSpace(c.FormValue("state"))), Donor: strings.TrimSpace(c.FormValue("donor")),
	}
	l := localizer(c)
	a, errs := h.assignment(c, form.Role, form.State, form.Donor)
	n := models.NewInvitation{Email: form.Email, Assignment: a}
	if form.Email == "" {
		form.Errors = append(form.Errors, views.FieldError{FieldID: "email", Message: l.T("admin.error_email_required")})
	} else if !models.ValidEmail(strings.ToLower(form.Email)) {
		form.Errors = append(form.Errors, views.FieldError{FieldID: "email", Message: l.T("admin.error_email_invalid")})
	}
	form.Errors = append(form.Errors, errs...)
	if len(form.Errors) > 0 {
		return h.renderInvitationForm(c, http.StatusUnprocessableEntity, form)
	}
	inv, err := models.CreateInvitation(ctx(c), h.DB, n, h.audit(c))
	switch {
	case errors.Is(err, models.ErrInvalidEmail):
		form.Errors = append(form.Errors, views.FieldError{FieldID: "email", Message: l.T("admin.error_email_invalid")})
		return h.renderInvitationForm(c, http.StatusUnprocessableEntity, form)
	case errors.Is(err, models.ErrConflict):
		form.Errors = append(form.Errors, views.FieldError{FieldID: "email", Message: l.T("admin.error_invitation_exists")})
		return h.renderInvitationForm(c, http.StatusUnprocessableEntity, form)
	case err != nil:
		return err
	}
	h.flash(c, "success", "admin.invitation_created", map[string]any{"Email": inv.Email})
	return redirectAfterPost(c, "/admin/invitations")
}

// AdminRevokeInvitation closes an open invitation.
func (h *Handlers) AdminRevokeInvitation(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	if err := models.RevokeInvitation(ctx(c), h.DB, id, h.audit(c)); err != nil {
		return err
	}
	h.flash(c, "success", "admin.invitation_revoked", nil)
	return redirectAfterPost(c, "/admin/invitations")
}

// AdminAudit shows the audit trail, filtered by action, fifty to a page.
func (h *Handlers) AdminAudit(c echo.Context) error {
	f := models.AuditFilter{Action: strings.TrimSpace(c.QueryParam("action")), Limit: 50}
	if len(f.Action) > 64 {
		f.Action = f.Action[:64]
	}
	if after, err := strconv.ParseInt(c.QueryParam("after"), 10, 64); err == nil && after > 0 {
		f.AfterID = after
	}
	events, more, err := models.ListAuditEvents(ctx(c), h.DB, f)
	if err != nil {
		return err
	}
	q := url.Values{}
	if f.Action != "" {
		q.Set("action", f.Action)
	}
	var nav views.PageNav
	if f.AfterID > 0 {
		nav.PrevHref = "/admin/audit?" + q.Encode()
	}
	if more {
		q.Set("after", strconv.FormatInt(events[len(events)-1].ID, 10))
		nav.NextHref = "/admin/audit?" + q.Encode()
	}
	return render(c, http.StatusOK, views.AdminAuditPage(views.AdminAuditData{Events: events, Action: f.Action, Nav: nav}))
}

// assignment reads a role and its scope from a form (an ISO3 code for a
// focal point's State, a slug for a donor's organization), with a message
// per field that is wrong.
func (h *Handlers) assignment(c echo.Context, role, state, donor string) (models.Assignment, []views.FieldError) {
	l := localizer(c)
	a := models.Assignment{Role: models.Role(role)}
	var errs []views.FieldError
	switch {
	case !a.Role.Valid():
		errs = append(errs, views.FieldError{FieldID: "role", Message: l.T("admin.error_role")})
	case a.Role == models.RoleFocalPoint:
		if s, err := h.Reference.MemberStateByISO3(ctx(c), state); err != nil {
			errs = append(errs, views.FieldError{FieldID: "state", Message: l.T("admin.error_state_required")})
		} else {
			a.MemberStateID = &s.ID
		}
	case a.Role == models.RoleDonor:
		if d, err := models.DonorOrganizationBySlug(ctx(c), h.DB, donor); err != nil {
			errs = append(errs, views.FieldError{FieldID: "donor", Message: l.T("admin.error_donor_required")})
		} else {
			a.DonorOrganizationID = &d.ID
		}
	}
	return a, errs
}

// scopeChoices are the States and organizations a role can be bound to.
func (h *Handlers) scopeChoices(c echo.Context) ([]models.MemberState, []models.DonorOrganization, error) {
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return nil, nil, err
	}
	donors, err := models.ListDonorOrganizations(ctx(c), h.DB)
	if err != nil {
		return nil, nil, err
	}
	return states, donors, nil
}
