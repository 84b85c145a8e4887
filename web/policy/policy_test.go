package policy_test

import (
	"testing"

	"ctap/models"
	"ctap/web/policy"
)

func user(status models.UserStatus, role models.Role, state, donor int) *models.User {
	u := &models.User{ID: 1, Status: status}
	if role != "" {
		u.Role = &role
	}
	if state != 0 {
		u.MemberStateID = &state
	}
	if donor != 0 {
		u.DonorOrganizationID = &donor
	}
	return u
}

func TestThePolicy(t *testing.T) {
	const kenya, france, norway, eu = 1, 2, 10, 11
	var (
		anonymous   *models.User
		pending     = user(models.StatusPending, "", 0, 0)
		disabled    = user(models.StatusDisabled, models.RoleAdmin, 0, 0)
		viewer      = user(models.StatusActive, models.RoleViewer, 0, 0)
		focalKenya  = user(models.StatusActive, models.RoleFocalPoint, kenya, 0)
		donorNorway = user(models.StatusActive, models.RoleDonor, 0, norway)
		secretariat = user(models.StatusActive, models.RoleSecretariat, 0, 0)
		admin       = user(models.StatusActive, models.RoleAdmin, 0, 0)
	)
	for _, tc := range []struct {
		name string
		u    *models.User
		p    policy.Permission
		o    policy.Object
		want bool
	}{
		{"anyone reads public pages", anonymous, policy.ReadPublic, policy.Object{}, true},
		{"the Secretariat drafts the report", secretariat, policy.DraftReports, policy.Object{}, true},
		{"administrators do", admin, policy.DraftReports, policy.Object{}, true},
		{"a focal point does not", focalKenya, policy.DraftReports, policy.Object{}, false},
		{"nor a donor", donorNorway, policy.DraftReports, policy.Object{}, false},
		{"a pending account does, as a visitor", pending, policy.ReadPublic, policy.Object{}, true},
		{"a pending account reads a public need", pending, policy.ReadNeed, policy.NeedObject(models.Need{MemberStateID: kenya, Visibility: models.VisibilityPublic, Status: models.NeedSubmitted}), true},
		{"not one shared with donors only", pending, policy.ReadNeed, policy.NeedObject(models.Need{MemberStateID: kenya, Visibility: models.VisibilityDonors, Status: models.NeedSubmitted}), false},
		{"a pending account reads an issued report", pending, policy.ReadReport, policy.ReportObject(models.Report{Status: models.ReportIssued}), true},
		{"not a draft", pending, policy.ReadReport, policy.ReportObject(models.Report{Status: models.ReportDraft}), false},
		{"a pending account has no account pages", pending, policy.UseAccount, policy.Object{}, false},
		{"nor records needs", pending, policy.RecordNeeds, policy.Object{}, false},
		{"a pending account sees its waiting page", pending, policy.SeeWaitingPage, policy.Object{}, true},
		{"an active one does not need it", viewer, policy.SeeWaitingPage, policy.Object{}, false},
		{"a disabled admin may do nothing", disabled, policy.ManageUsers, policy.Object{}, false},
		{"a disabled account cannot even read", disabled, policy.ReadPublic, policy.Object{}, false},
		{"anonymous has no account", anonymous, policy.UseAccount, policy.Object{}, false},
		{"a viewer has one", viewer, policy.UseAccount, policy.Object{}, true},
		{"only admins manage users", secretariat, policy.ManageUsers, policy.Object{}, false},
		{"admins do", admin, policy.ManageUsers, policy.Object{}, true},
		{"only admins read the audit trail", focalKenya, policy.ReadAudit, policy.Object{}, false},
		{"a focal point works on their State", focalKenya, policy.WorkOnState, policy.State(kenya), true},
		{"not on another", focalKenya, policy.WorkOnState, policy.State(france), false},
		{"nor without a State", focalKenya, policy.WorkOnState, policy.Object{}, false},
		{"the Secretariat works on every State", secretariat, policy.WorkOnState, policy.State(france), true},
		{"a viewer on none", viewer, policy.WorkOnState, policy.State(kenya), false},
		{"a donor works for their organization", donorNorway, policy.WorkForDonor, policy.Donor(norway), true},
		{"not for another", donorNorway, policy.WorkForDonor, policy.Donor(eu), false},
		{"a donor is no focal point", donorNorway, policy.WorkOnState, policy.State(kenya), false},
		{"admins work for every organization", admin, policy.WorkForDonor, policy.Donor(eu), true},
		{"only admins keep the exchange rates", admin, policy.ManageRates, policy.Object{}, true},
		{"not the Secretariat", secretariat, policy.ManageRates, policy.Object{}, false},
		{"nor a donor", donorNorway, policy.ManageRates, policy.Object{}, false},
		{"nor a disabled admin", disabled, policy.ManageRates, policy.Object{}, false},
		{"open routes are open to all", anonymous, policy.Open, policy.Object{}, true},
		{"an unknown permission is refused", admin, policy.Permission("launch_rockets"), policy.Object{}, false},
	} {
		if got := policy.Can(tc.u, tc.p, tc.o); got != tc.want {
			t.Errorf("%s: Can = %v, want %v", tc.name, got, tc.want)
		}
	}
}
