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
	page, err := models.ListUsers(ctx(c), h.DB, f, pageRequest(c, 50))
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
	users, nav := page.Items, pageNav("/admin/users", q, page)
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
	sessions, err := models.CountUserSessions(ctx(c), h.DB, u.ID, h.SessionIdle)
	if err != nil {
		return err
	}
	return render(c, status, views.AdminUserPage(views.AdminUserData{
		User: u, Form: form, States: states, Donors: donors, Conflict: conflict, Sessions: sessions,
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
	var form views.UserForm
	var ch models.UserChange
	return h.submit(c, submission{
		Form: &form,
		Check: func() error {
			form.State, form.Donor = strings.ToUpper(strings.TrimSpace(form.State)), strings.TrimSpace(form.Donor)
			ch = models.UserChange{Version: form.Version, Status: models.UserStatus(form.Status)}
			p := models.Problems{}
			if form.Role != "" {
				a, problems := h.assignment(c, form.Role, form.State, form.Donor)
				p.Merge(problems)
				ch.Assignment = &a
			} else if ch.Status == models.StatusActive {
				p.Add("role", "admin.error_role_required")
			}
			return p.Err()
		},
		Save: func() (string, error) {
			if ch.Status == models.StatusDisabled && u.Status != models.StatusDisabled && form.Confirmed != "yes" {
				// Disabling is asked about on a page of its own first; a
				// change that would be refused is refused here, beside its
				// field, rather than after the question.
				if err := models.CheckUserChange(ctx(c), h.DB, u.ID, ch); err != nil {
					return "", userChangeProblem(err, u, ch)
				}
				q := url.Values{"version": {strconv.Itoa(form.Version)}, "role": {form.Role}, "state": {form.State}, "donor": {form.Donor}}
				return fmt.Sprintf("/admin/users/%d/disable?%s", u.ID, q.Encode()), nil
			}
			changed, err := models.ChangeUser(ctx(c), h.DB, u.ID, ch, h.audit(c))
			if err != nil {
				return "", userChangeProblem(err, u, ch)
			}
			h.flash(c, "success", "admin.user_saved", map[string]any{"Email": changed.Email})
			return fmt.Sprintf("/admin/users/%d", u.ID), nil
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderUserForm(c, status, u, form, nil)
		},
		Stale: func() error {
			current, err := models.UserByID(ctx(c), h.DB, u.ID)
			if err != nil {
				return err
			}
			form.Version = current.Version
			return h.renderUserForm(c, http.StatusConflict, current, form, &current)
		},
	})
}

// userChangeProblem turns a refused change into the message beside the
// field that made it impossible: the last administrator's role when the
// role changed, its status otherwise.
func userChangeProblem(err error, u models.User, ch models.UserChange) error {
	switch {
	case errors.Is(err, models.ErrLastAdmin):
		if ch.Status == models.StatusActive && ch.Assignment != nil && ch.Assignment.Role != models.RoleAdmin {
			return models.Invalid("role", "admin.error_last_admin")
		}
		return models.Invalid("status", "admin.error_last_admin")
	case errors.Is(err, models.ErrInvalidAssignment):
		return models.Invalid("role", "admin.error_role_required")
	}
	return err
}

// AdminConfirmDisableUser asks before disabling an account. The query
// carries the role and scope the administrator chose on the account's form
// (none: the account's own), so the answer makes exactly that change.
func (h *Handlers) AdminConfirmDisableUser(c echo.Context) error {
	u, err := h.userParam(c)
	if err != nil {
		return err
	}
	if u.Status == models.StatusDisabled {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d", u.ID))
	}
	form := views.UserForm{Version: u.Version, Status: string(models.StatusDisabled), Role: u.RoleName()}
	if u.MemberState != nil {
		form.State = u.MemberState.ISO3
	}
	if u.DonorOrganization != nil {
		form.Donor = u.DonorOrganization.Slug
	}
	if c.QueryParams().Has("role") {
		form.Role, form.State, form.Donor = c.QueryParam("role"), c.QueryParam("state"), c.QueryParam("donor")
		if v, err := strconv.Atoi(c.QueryParam("version")); err == nil {
			form.Version = v
		}
	}
	return render(c, http.StatusOK, views.ConfirmDisableUserPage(u, form))
}

// AdminConfirmEndUserSessions asks before signing a person out of every
// browser.
func (h *Handlers) AdminConfirmEndUserSessions(c echo.Context) error {
	u, err := h.userParam(c)
	if err != nil {
		return err
	}
	n, err := models.CountUserSessions(ctx(c), h.DB, u.ID, h.SessionIdle)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ConfirmEndUserSessionsPage(u, n))
}

// AdminEndUserSessions signs a person out of every browser.
func (h *Handlers) AdminEndUserSessions(c echo.Context) error {
	u, err := h.userParam(c)
	if err != nil {
		return err
	}
	n, err := models.EndUserSessions(ctx(c), h.DB, u.ID, h.audit(c))
	if err != nil {
		return err
	}
	h.flashCount(c, "success", "admin.sessions_ended", int(n), map[string]any{"Email": u.Email})
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

// AdminCreateInvitation opens an invitation for a person yet to sign in,
// or, when an account already signs in with the email, gives that account
// the role at once (an invitation it could never accept otherwise); a
// disabled account refuses it, beside the email.
func (h *Handlers) AdminCreateInvitation(c echo.Context) error {
	var form views.InvitationForm
	var n models.NewInvitation
	return h.submit(c, submission{
		Form: &form,
		Check: func() error {
			form.Email, form.State, form.Donor = strings.TrimSpace(form.Email), strings.ToUpper(strings.TrimSpace(form.State)), strings.TrimSpace(form.Donor)
			a, p := h.assignment(c, form.Role, form.State, form.Donor)
			// A scope the role cannot have is refused, not dropped: the
			// administrator meant something the form cannot do.
			if form.State != "" && a.Role != models.RoleFocalPoint {
				p.Add("state", "admin.error_state_not_for_role")
			}
			if form.Donor != "" && a.Role != models.RoleDonor {
				p.Add("donor", "admin.error_donor_not_for_role")
			}
			if form.Email != "" && !models.ValidEmail(strings.ToLower(form.Email)) {
				p.Add("email", "admin.error_email_invalid")
			}
			n = models.NewInvitation{Email: form.Email, Assignment: a}
			return p.Err()
		},
		Save: func() (string, error) {
			out, err := models.CreateInvitation(ctx(c), h.DB, n, h.audit(c))
			switch {
			case errors.Is(err, models.ErrInvalidEmail):
				return "", models.Invalid("email", "admin.error_email_invalid")
			case errors.Is(err, models.ErrConflict):
				return "", models.Invalid("email", "admin.error_invitation_exists")
			case errors.Is(err, models.ErrAccountDisabled):
				return "", models.Invalid("email", "admin.error_invitee_disabled")
			case errors.Is(err, models.ErrAlreadyAssigned):
				return "", models.Invalid("email", "admin.error_invitee_has_role")
			case errors.Is(err, models.ErrLastAdmin):
				return "", models.Invalid("role", "admin.error_last_admin")
			case errors.Is(err, models.ErrInvalidAssignment):
				return "", models.Invalid("role", "admin.error_role")
			case err != nil:
				return "", err
			}
			if len(out.Applied) > 0 {
				u := out.Applied[0]
				h.flash(c, "success", "admin.invitation_applied", map[string]any{
					"Email": u.Email, "Role": localizer(c).T("role." + string(n.Role)),
				})
				return fmt.Sprintf("/admin/users/%d", u.ID), nil
			}
			h.flash(c, "success", "admin.invitation_created", map[string]any{"Email": out.Invitation.Email})
			return "/admin/invitations", nil
		},
		Render: func(status int, errs []views.FieldError) error {
			form.Errors = errs
			return h.renderInvitationForm(c, status, form)
		},
	})
}

// invitationParam is the open invitation the path names.
func (h *Handlers) invitationParam(c echo.Context) (models.Invitation, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.Invitation{}, echo.ErrNotFound
	}
	inv, err := models.OpenInvitationByID(ctx(c), h.DB, id)
	if errors.Is(err, models.ErrNotFound) {
		return inv, echo.ErrNotFound
	}
	return inv, err
}

// AdminConfirmRevokeInvitation asks before revoking an invitation; the
// answer is the form that revokes it.
func (h *Handlers) AdminConfirmRevokeInvitation(c echo.Context) error {
	inv, err := h.invitationParam(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ConfirmRevokeInvitationPage(inv))
}

// AdminRevokeInvitation closes an open invitation.
func (h *Handlers) AdminRevokeInvitation(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	if err := models.RevokeInvitation(ctx(c), h.DB, id, h.audit(c)); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return echo.ErrNotFound
		}
		return err
	}
	h.flash(c, "success", "admin.invitation_revoked", nil)
	return redirectAfterPost(c, "/admin/invitations")
}

// AdminAudit shows the audit trail, filtered by action, fifty to a page.
func (h *Handlers) AdminAudit(c echo.Context) error {
	f := models.AuditFilter{Action: strings.TrimSpace(c.QueryParam("action"))}
	if len(f.Action) > 64 {
		f.Action = f.Action[:64]
	}
	page, err := models.ListAuditEvents(ctx(c), h.DB, f, pageRequest(c, 50))
	if err != nil {
		return err
	}
	q := url.Values{}
	if f.Action != "" {
		q.Set("action", f.Action)
	}
	names, err := h.auditNames(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminAuditPage(views.AdminAuditData{Events: page.Items, Names: names, Action: f.Action, Nav: pageNav("/admin/audit", q, page)}))
}

// auditNames are the States and organizations the trail's values name by
// ID (the States from the reference cache, the organizations in one
// statement).
func (h *Handlers) auditNames(c echo.Context) (views.AuditNames, error) {
	states, donors, err := h.scopeChoices(c)
	if err != nil {
		return views.AuditNames{}, err
	}
	names := views.AuditNames{States: make(map[int]models.MemberState, len(states)), Donors: make(map[int]models.DonorOrganization, len(donors))}
	for _, s := range states {
		names.States[s.ID] = s
	}
	for _, d := range donors {
		names.Donors[d.ID] = d
	}
	return names, nil
}

// assignment reads a role and its scope from a form (an ISO3 code for a
// focal point's State, a slug for a donor's organization), with a problem
// per field that is wrong.
func (h *Handlers) assignment(c echo.Context, role, state, donor string) (models.Assignment, models.Problems) {
	a := models.Assignment{Role: models.Role(role)}
	p := models.Problems{}
	switch {
	case !a.Role.Valid():
		p.Add("role", "admin.error_role")
	case a.Role == models.RoleFocalPoint:
		if s, err := h.Reference.MemberStateByISO3(ctx(c), state); err != nil {
			p.Add("state", "admin.error_state_required")
		} else {
			a.MemberStateID = &s.ID
		}
	case a.Role == models.RoleDonor:
		if d, err := models.DonorOrganizationBySlug(ctx(c), h.DB, donor); err != nil {
			p.Add("donor", "admin.error_donor_required")
		} else {
			a.DonorOrganizationID = &d.ID
		}
	}
	return a, p
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
