// Package policy is CTAP's one authorization policy: every "may this user
// do this (to this object)" question is answered here, by route guards,
// handlers and views alike. It depends only on models.
package policy

import "ctap/models"

// Permission names something a person may want to do.
type Permission string

const (
	// Open: the sign-in machinery, the language switch, assets and
	// operations, which everyone must reach.
	Open Permission = "open"
	// ReadPublic: the resolution, Member States, instruments, public donor
	// pages. Anyone but a pending account (which sees only its waiting page).
	ReadPublic Permission = "read_public"
	// UseAccount: one's own profile and sessions.
	UseAccount Permission = "use_account"
	// SeeWaitingPage: the "awaiting approval" page of a pending account.
	SeeWaitingPage Permission = "see_waiting_page"
	// ManageUsers: list, invite, approve, change and disable users.
	ManageUsers Permission = "manage_users"
	// ReadAudit: the audit trail.
	ReadAudit Permission = "read_audit"
	// WorkOnState: record and edit a State's needs, progress, treaty status
	// (focal points of that State; the Secretariat and admins review).
	WorkOnState Permission = "work_on_state"
	// WorkForDonor: record pledges and read the full contribution page of a
	// donor organization (its donors; the Secretariat and admins).
	WorkForDonor Permission = "work_for_donor"
)

// Object is what a permission applies to, when it applies to one thing.
type Object struct {
	MemberStateID       int
	DonorOrganizationID int
}

// State is the object for a Member State.
func State(id int) Object { return Object{MemberStateID: id} }

// Donor is the object for a donor organization.
func Donor(id int) Object { return Object{DonorOrganizationID: id} }

// Can answers whether u (nil: anonymous) may do p to o.
func Can(u *models.User, p Permission, o Object) bool {
	pending := u != nil && u.Status == models.StatusPending
	active := u != nil && u.Status == models.StatusActive && u.Role != nil
	if u != nil && !pending && !active {
		return false // disabled: nothing at all
	}
	switch p {
	case Open:
		return true
	case ReadPublic:
		return !pending
	case SeeWaitingPage:
		return pending
	case UseAccount:
		return active
	case ManageUsers, ReadAudit:
		return u.HasRole(models.RoleAdmin)
	case WorkOnState:
		if u.HasRole(models.RoleAdmin) || u.HasRole(models.RoleSecretariat) {
			return o.MemberStateID != 0
		}
		return u.HasRole(models.RoleFocalPoint) && u.MemberStateID != nil && o.MemberStateID != 0 && *u.MemberStateID == o.MemberStateID
	case WorkForDonor:
		if u.HasRole(models.RoleAdmin) || u.HasRole(models.RoleSecretariat) {
			return o.DonorOrganizationID != 0
		}
		return u.HasRole(models.RoleDonor) && u.DonorOrganizationID != nil && o.DonorOrganizationID != 0 && *u.DonorOrganizationID == o.DonorOrganizationID
	}
	return false
}

// Anyone reports whether p is granted without an object (route guards).
func Anyone(u *models.User, p Permission) bool { return Can(u, p, Object{}) }
