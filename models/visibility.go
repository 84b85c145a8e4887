package models

import (
	"slices"

	"gorm.io/gorm"
)

// Who may see which record is decided here, once per kind: a Go predicate
// for one record (the policy asks it) and the same rule as a query scope
// (every list, count, export, chart, report and search goes through it).
// The tests check the two agree for every role.

// condition is a SQL condition with its arguments: a visibility rule as
// SQL, "" for every record. Lists use it as a GORM scope (scope); /search
// writes it into its statements as it is, rather than building sixteen
// nested GORM statements per search (make profile put a quarter of a
// search's time there).
type condition struct {
	sql  string
	args []any
}

func (c condition) scope(q *gorm.DB) *gorm.DB {
	if c.sql == "" {
		return q
	}
	return q.Where(c.sql, c.args...)
}

// NeedVisibility is who, besides its State and the Secretariat, may see a
// need.
type NeedVisibility string

const (
	VisibilityState  NeedVisibility = "state"  // the State and the Secretariat only
	VisibilityDonors NeedVisibility = "donors" // shared with donors
	VisibilityPublic NeedVisibility = "public" // everyone
)

// NeedVisibilities lists the visibilities from the most private.
func NeedVisibilities() []NeedVisibility {
	return []NeedVisibility{VisibilityState, VisibilityDonors, VisibilityPublic}
}

// Valid reports whether v is a known visibility.
func (v NeedVisibility) Valid() bool {
	return v == VisibilityState || v == VisibilityDonors || v == VisibilityPublic
}

// sharedNeedStatuses are the statuses in which a need shared beyond its
// State shows there: a draft is unfinished and a withdrawn need is no
// longer asked for.
var unsharedNeedStatuses = []string{string(NeedDraft), string(NeedWithdrawn)}

// CanSeeNeed tells whether u (nil: anonymous) may see a need of the State
// stateID with this visibility and status.
func CanSeeNeed(u *User, stateID int, v NeedVisibility, s NeedStatus) bool {
	switch {
	case u.HasRole(RoleAdmin), u.HasRole(RoleSecretariat):
		return true
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil && *u.MemberStateID == stateID:
		return true
	}
	if s == NeedDraft || s == NeedWithdrawn {
		return false
	}
	if v == VisibilityPublic {
		return true
	}
	return v == VisibilityDonors && u.HasRole(RoleDonor)
}

// NeedsVisibleTo is CanSeeNeed as a scope on a query of the needs table.
func NeedsVisibleTo(u *User) func(*gorm.DB) *gorm.DB { return needsVisibleWhere(u).scope }

func needsVisibleWhere(u *User) condition {
	switch {
	case u.HasRole(RoleAdmin), u.HasRole(RoleSecretariat):
		return condition{}
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil:
		return condition{"(needs.member_state_id = ? OR (needs.visibility = 'public' AND needs.status NOT IN ?))",
			[]any{*u.MemberStateID, unsharedNeedStatuses}}
	case u.HasRole(RoleDonor):
		return condition{"needs.visibility IN ('donors', 'public') AND needs.status NOT IN ?", []any{unsharedNeedStatuses}}
	}
	return condition{"needs.visibility = 'public' AND needs.status NOT IN ?", []any{unsharedNeedStatuses}}
}

// CanSeeProgress tells whether u (nil: anonymous) may see the progress
// reports of the State stateID, whatever their status: the State's focal
// points, the Secretariat and administrators. (The distribution of
// validated statuses over all States, an aggregate, is shown to whoever
// may see some State's progress.)
func CanSeeProgress(u *User, stateID int) bool {
	switch {
	case u.HasRole(RoleAdmin), u.HasRole(RoleSecretariat):
		return true
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil && *u.MemberStateID == stateID:
		return true
	}
	return false
}

// ProgressVisibleTo is CanSeeProgress as a scope on a query of the
// progress_reports table.
func ProgressVisibleTo(u *User) func(*gorm.DB) *gorm.DB { return progressVisibleWhere(u).scope }

func progressVisibleWhere(u *User) condition {
	switch {
	case u.HasRole(RoleAdmin), u.HasRole(RoleSecretariat):
		return condition{}
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil:
		return condition{"progress_reports.member_state_id = ?", []any{*u.MemberStateID}}
	}
	return condition{"false", nil}
}

// CanSeeContribution tells whether u (nil: anonymous) may see a
// contribution of the organization donor (its Member State, if it is one)
// to the State recipient (0: none), public or not: everyone sees public
// ones; the organization's own users and, for a Member State, its focal
// points see all of theirs; a recipient State's focal points see what is
// given to it; the Secretariat and administrators see all.
func CanSeeContribution(u *User, donor DonorOrganization, recipient int, public bool) bool {
	switch {
	case public, u.HasRole(RoleAdmin), u.HasRole(RoleSecretariat):
		return true
	case u.HasRole(RoleDonor) && u.DonorOrganizationID != nil:
		return *u.DonorOrganizationID == donor.ID
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil:
		return (donor.MemberStateID != nil && *donor.MemberStateID == *u.MemberStateID) || recipient == *u.MemberStateID
	}
	return false
}

// ContributionsVisibleTo is CanSeeContribution as a scope on a query of
// the contributions table.
func ContributionsVisibleTo(u *User) func(*gorm.DB) *gorm.DB {
	return contributionsVisibleWhere(u).scope
}

func contributionsVisibleWhere(u *User) condition {
	switch {
	case u.HasRole(RoleAdmin), u.HasRole(RoleSecretariat):
		return condition{}
	case u.HasRole(RoleDonor) && u.DonorOrganizationID != nil:
		return condition{"(contributions.public OR contributions.donor_organization_id = ?)", []any{*u.DonorOrganizationID}}
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil:
		return condition{`(contributions.public OR contributions.recipient_state_id = ?
			OR contributions.donor_organization_id IN (SELECT id FROM donor_organizations WHERE member_state_id = ?))`,
			[]any{*u.MemberStateID, *u.MemberStateID}}
	}
	return condition{"contributions.public", nil}
}

// ActivityAudience is what decides who may see one activity besides the
// Secretariat: its status and publicity, the States it served, and the
// donor organizations whose contributions paid for it (with the Member
// State of each, when the donor is one).
type ActivityAudience struct {
	Status        ActivityStatus
	Public        bool
	StateIDs      []int
	DonorIDs      []int
	DonorStateIDs []int
}

// CanSeeActivity tells whether u (nil: anonymous) may see an activity:
// everyone when it is delivered and public; a beneficiary State's focal
// points; the users of an organization whose contributions funded it (and
// for a Member State that gave, its focal points); the Secretariat and
// administrators always.
func CanSeeActivity(u *User, a ActivityAudience) bool {
	switch {
	case u.HasRole(RoleAdmin), u.HasRole(RoleSecretariat):
		return true
	case a.Public && a.Status == ActivityDelivered:
		return true
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil:
		return slices.Contains(a.StateIDs, *u.MemberStateID) || slices.Contains(a.DonorStateIDs, *u.MemberStateID)
	case u.HasRole(RoleDonor) && u.DonorOrganizationID != nil:
		return slices.Contains(a.DonorIDs, *u.DonorOrganizationID)
	}
	return false
}

// ActivitiesVisibleTo is CanSeeActivity as a scope on a query of the
// activities table.
func ActivitiesVisibleTo(u *User) func(*gorm.DB) *gorm.DB { return activitiesVisibleWhere(u).scope }

func activitiesVisibleWhere(u *User) condition {
	const public = "(activities.public AND activities.status = 'delivered')"
	switch {
	case u.HasRole(RoleAdmin), u.HasRole(RoleSecretariat):
		return condition{}
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil:
		return condition{`(` + public + ` OR EXISTS (SELECT 1 FROM activity_states s
			WHERE s.activity_id = activities.id AND s.member_state_id = ?)
			OR EXISTS (SELECT 1 FROM activity_funding f JOIN contributions c ON c.id = f.contribution_id
			JOIN donor_organizations d ON d.id = c.donor_organization_id
			WHERE f.activity_id = activities.id AND d.member_state_id = ?))`, []any{*u.MemberStateID, *u.MemberStateID}}
	case u.HasRole(RoleDonor) && u.DonorOrganizationID != nil:
		return condition{`(` + public + ` OR EXISTS (SELECT 1 FROM activity_funding f JOIN contributions c ON c.id = f.contribution_id
			WHERE f.activity_id = activities.id AND c.donor_organization_id = ?))`, []any{*u.DonorOrganizationID}}
	}
	return condition{public, nil}
}
