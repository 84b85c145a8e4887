// Package policy is CTAP's one authorization policy: every "may this user
// do this (to this object)" question is answered here, by route guards,
// handlers and views alike. It depends only on models.
package policy

import (
	"slices"

	"ctap/models"
)

// Permission names something a person may want to do.
type Permission string

const (
	// Open: the sign-in machinery, the language switch, assets and
	// operations, which everyone must reach.
	Open Permission = "open"
	// ReadPublic: the resolution, Member States, instruments, public donor
	// pages. Anyone, a pending account too: it sees what a visitor sees
	// (every scope in models treats an account without an active role as
	// anonymous), with a banner saying it waits.
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
	// ActForState: what a State does on its own records: draft and submit
	// needs and progress reports, record treaty actions (the State's focal
	// points, and administrators). The object is the State.
	ActForState Permission = "act_for_state"
	// Review: the Secretariat's work on what States submit: review needs,
	// validate or return progress reports, import treaty actions and
	// contributions, verify contributions, manage reporting periods (the
	// Secretariat and administrators).
	Review Permission = "review"
	// RecordNeeds: open the form for a new need (focal points, the
	// Secretariat and administrators).
	RecordNeeds Permission = "record_needs"
	// ReadNeed: see one need (the object carries its State, visibility and
	// status); decided by models.CanSeeNeed, the same rule as the lists'
	// scope models.NeedsVisibleTo.
	ReadNeed Permission = "read_need"
	// EditNeed: edit one need (its State and the Secretariat, while open).
	EditNeed Permission = "edit_need"
	// ReadProgress: see a State's progress reports and narratives (its focal
	// points, the Secretariat and administrators); decided by
	// models.CanSeeProgress, the same rule as models.ProgressVisibleTo.
	ReadProgress Permission = "read_progress"
	// ManageRates: keep the UN operational rates of exchange, one by one or
	// from a file (administrators).
	ManageRates Permission = "manage_rates"
	// RecordContributions: record pledges (a donor's users for their
	// organization, focal points for their State as a donor, the
	// Secretariat for any); models.ActorsForDonor decides each one.
	RecordContributions Permission = "record_contributions"
	// RecordActivities: record and edit the technical assistance the Office
	// delivers, its steps and results (the Secretariat and administrators;
	// models.ActivityActors).
	RecordActivities Permission = "record_activities"
	// ConfirmParticipation: a beneficiary State's confirmation of an
	// activity and its feedback (its focal points, and administrators); the
	// object is the State.
	ConfirmParticipation Permission = "confirm_participation"
	// ManagePartners: keep the partner organizations activities name
	// (administrators).
	ManagePartners Permission = "manage_partners"
	// KeepDonorInterests: declare which shared needs a donor organization
	// wants to hear of (its donor users, the Secretariat, administrators;
	// models.CanKeepDonorInterests). The object is the organization.
	KeepDonorInterests Permission = "keep_donor_interests"
	// ManageJobs: see the job queue's failing jobs (emails, reminders) and
	// retry them (administrators).
	ManageJobs Permission = "manage_jobs"
	// DraftReports: generate, edit, export and issue the report of the
	// Secretary-General under operative paragraph 17 (the Secretariat and
	// administrators; models.ReportActors).
	DraftReports Permission = "draft_reports"
	// ReadReport: read a report of the Secretary-General (anyone once it
	// is issued, those who draft before; models.CanReadReport). The object
	// carries the report's status; the route guard lets anyone reach the
	// handler, which asks with the report.
	ReadReport Permission = "read_report"
)

// Object is what a permission applies to, when it applies to one thing.
type Object struct {
	MemberStateID       int
	DonorOrganizationID int
	Need                *models.Need
	Report              *models.Report
}

// ReportObject is the object for one report of the Secretary-General.
func ReportObject(r models.Report) Object { return Object{Report: &r} }

// NeedObject is the object for one need.
func NeedObject(n models.Need) Object { return Object{MemberStateID: n.MemberStateID, Need: &n} }

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
		return true
	case SeeWaitingPage:
		return pending
	case UseAccount:
		return active
	case ManageUsers, ReadAudit, ManageJobs:
		return u.HasRole(models.RoleAdmin)
	case ManageRates:
		return u.HasRole(models.RoleAdmin)
	case RecordContributions:
		return u.HasRole(models.RoleAdmin) || u.HasRole(models.RoleSecretariat) ||
			(u.HasRole(models.RoleDonor) && u.DonorOrganizationID != nil) ||
			(u.HasRole(models.RoleFocalPoint) && u.MemberStateID != nil)
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
	case ActForState:
		if o.MemberStateID == 0 {
			// Route guard: anyone who may act for some State.
			return u.HasRole(models.RoleAdmin) || (u.HasRole(models.RoleFocalPoint) && u.MemberStateID != nil)
		}
		for _, a := range models.ActorsFor(u, o.MemberStateID) {
			if a == models.ActorState {
				return true
			}
		}
		return false
	case Review:
		return u.HasRole(models.RoleAdmin) || u.HasRole(models.RoleSecretariat)
	case KeepDonorInterests:
		if o.DonorOrganizationID == 0 {
			return u.HasRole(models.RoleAdmin) || u.HasRole(models.RoleSecretariat) ||
				(u.HasRole(models.RoleDonor) && u.DonorOrganizationID != nil)
		}
		return models.CanKeepDonorInterests(u, o.DonorOrganizationID)
	case ManagePartners:
		return models.CanManagePartners(u)
	case RecordActivities:
		return models.CanRecordActivities(u)
	case DraftReports:
		return models.CanDraftReports(u)
	case ReadReport:
		if o.Report == nil {
			return true
		}
		return models.CanReadReport(u, o.Report.Status)
	case ConfirmParticipation:
		if o.MemberStateID == 0 {
			return u.HasRole(models.RoleAdmin) || (u.HasRole(models.RoleFocalPoint) && u.MemberStateID != nil)
		}
		return slices.Contains(models.ActorsFor(u, o.MemberStateID), models.ActorState)
	case RecordNeeds:
		return u.HasRole(models.RoleAdmin) || u.HasRole(models.RoleSecretariat) || (u.HasRole(models.RoleFocalPoint) && u.MemberStateID != nil)
	case ReadNeed:
		if o.Need == nil {
			return true
		}
		return models.CanSeeNeed(u, o.Need.MemberStateID, o.Need.Visibility, o.Need.Status)
	case EditNeed:
		if o.Need == nil {
			return u.HasRole(models.RoleAdmin) || u.HasRole(models.RoleSecretariat) || (u.HasRole(models.RoleFocalPoint) && u.MemberStateID != nil)
		}
		return models.CanEditNeed(u, *o.Need)
	case ReadProgress:
		if o.MemberStateID == 0 {
			return u.HasRole(models.RoleAdmin) || u.HasRole(models.RoleSecretariat) || (u.HasRole(models.RoleFocalPoint) && u.MemberStateID != nil)
		}
		return len(models.ActorsFor(u, o.MemberStateID)) > 0
	}
	return false
}

// Anyone reports whether p is granted without an object (route guards).
func Anyone(u *models.User, p Permission) bool { return Can(u, p, Object{}) }
