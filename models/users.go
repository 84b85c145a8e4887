package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Role is what a user may do; see PRODUCT.md's table of roles.
type Role string

const (
	RoleViewer      Role = "viewer"
	RoleFocalPoint  Role = "focal_point"
	RoleDonor       Role = "donor"
	RoleSecretariat Role = "secretariat"
	RoleAdmin       Role = "admin"
)

// Roles lists the roles from least to most powerful.
func Roles() []Role {
	return []Role{RoleViewer, RoleFocalPoint, RoleDonor, RoleSecretariat, RoleAdmin}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range Roles() {
		if r == v {
			return true
		}
	}
	return false
}

// UserStatus is where an account stands.
type UserStatus string

const (
	StatusPending  UserStatus = "pending" // signed in, awaiting approval
	StatusActive   UserStatus = "active"
	StatusDisabled UserStatus = "disabled"
)

// Valid reports whether s is a known status.
func (s UserStatus) Valid() bool {
	return s == StatusPending || s == StatusActive || s == StatusDisabled
}

// User is a person who signed in through an OpenID Provider.
type User struct {
	ID                  int64
	Issuer              string
	Subject             string
	Email               string
	EmailVerified       bool
	Name                string
	Status              UserStatus
	Role                *Role
	MemberStateID       *int
	DonorOrganizationID *int
	Version             int
	LastSignInAt        *time.Time
	// Language and NotificationDelivery are the person's choices about
	// what is sent to them (UserByID loads them; the session does not).
	Language             string `gorm:"default:en"`
	NotificationDelivery DeliveryChoices
	CreatedAt            time.Time
	UpdatedAt            time.Time

	MemberState       *MemberState       `gorm:"foreignKey:MemberStateID"`
	DonorOrganization *DonorOrganization `gorm:"foreignKey:DonorOrganizationID"`
}

// HasRole tells whether the user is active with role r.
func (u *User) HasRole(r Role) bool {
	return u != nil && u.Status == StatusActive && u.Role != nil && *u.Role == r
}

// RoleName is the role as a string, "" when there is none.
func (u *User) RoleName() string {
	if u == nil || u.Role == nil {
		return ""
	}
	return string(*u.Role)
}

// DisplayName is the name, or the email when the provider gave none.
func (u *User) DisplayName() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

// Assignment is a role with its scope, as an invitation or an administrator
// gives it.
type Assignment struct {
	Role                Role
	MemberStateID       *int // focal points: exactly one State
	DonorOrganizationID *int // donors: exactly one organization
}

// ErrInvalidAssignment is a role without its scope or with a scope it
// cannot have.
var ErrInvalidAssignment = errors.New("invalid role and scope")

// Validate checks that the scope matches the role.
func (a Assignment) Validate() error {
	if !a.Role.Valid() {
		return fmt.Errorf("role %q: %w", a.Role, ErrInvalidAssignment)
	}
	if (a.Role == RoleFocalPoint) != (a.MemberStateID != nil) {
		return fmt.Errorf("a focal point needs exactly one Member State: %w", ErrInvalidAssignment)
	}
	if (a.Role == RoleDonor) != (a.DonorOrganizationID != nil) {
		return fmt.Errorf("a donor needs exactly one donor organization: %w", ErrInvalidAssignment)
	}
	return nil
}

// UserByID loads a user with its State and organization.
func UserByID(ctx context.Context, db *gorm.DB, id int64) (User, error) {
	var u User
	err := db.WithContext(ctx).Joins("MemberState").Joins("DonorOrganization").Take(&u, "users.id = ?", id).Error
	if err != nil {
		return u, notFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UserFilter narrows the administration list of users.
type UserFilter struct {
	Status        UserStatus
	Role          Role
	MemberStateID int
}

// userRow is a users-list row: only the columns the list shows, with the
// scope's names joined in, since a list page is read far more than it is
// changed.
type userRow struct {
	ID                                 int64
	Email, Name                        string
	Status                             UserStatus
	Role                               *Role
	MemberStateID, DonorOrganizationID *int
	LastSignInAt                       *time.Time
	StateISO3, StateName, StateNameFr  *string
	DonorSlug, DonorName, DonorNameFr  *string
}

// usersNewestFirst is the users list's order.
var usersNewestFirst = Order{Keys: []SortKey{{"users.id", "bigint"}}, Desc: true}

// ListUsers returns a page of users, newest first, with their State and
// organization joined in the same query.
func ListUsers(ctx context.Context, db *gorm.DB, f UserFilter, req PageRequest) (Page[User], error) {
	q := db.WithContext(ctx).Table("users").Select(`users.id, users.email, users.name, users.status, users.role,
		users.member_state_id, users.donor_organization_id, users.last_sign_in_at,
		ms.iso3 AS state_iso3, ms.name AS state_name, ms.name_fr AS state_name_fr,
		d.slug AS donor_slug, d.name AS donor_name, d.name_fr AS donor_name_fr`).
		Joins("LEFT JOIN member_states ms ON ms.id = users.member_state_id").
		Joins("LEFT JOIN donor_organizations d ON d.id = users.donor_organization_id")
	if f.Status != "" {
		q = q.Where("users.status = ?", f.Status)
	}
	if f.Role != "" {
		q = q.Where("users.role = ?", f.Role)
	}
	if f.MemberStateID != 0 {
		q = q.Where("users.member_state_id = ?", f.MemberStateID)
	}
	rows, err := paginate(q, usersNewestFirst, req, func(r userRow) []any { return []any{r.ID} })
	if err != nil {
		return Page[User]{}, fmt.Errorf("list users: %w", err)
	}
	page := Page[User]{Items: make([]User, len(rows.Items)), Next: rows.Next, Prev: rows.Prev}
	for i, r := range rows.Items {
		u := User{ID: r.ID, Email: r.Email, Name: r.Name, Status: r.Status, Role: r.Role,
			MemberStateID: r.MemberStateID, DonorOrganizationID: r.DonorOrganizationID, LastSignInAt: r.LastSignInAt}
		if r.MemberStateID != nil && r.StateISO3 != nil {
			u.MemberState = &MemberState{ID: *r.MemberStateID, ISO3: *r.StateISO3, Name: deref(r.StateName), NameFr: deref(r.StateNameFr)}
		}
		if r.DonorOrganizationID != nil && r.DonorSlug != nil {
			u.DonorOrganization = &DonorOrganization{ID: *r.DonorOrganizationID, Slug: *r.DonorSlug, Name: deref(r.DonorName), NameFr: deref(r.DonorNameFr)}
		}
		page.Items[i] = u
	}
	return page, nil
}

// Identity is what an OpenID Provider asserted about the person signing in.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	// Assignment from the provider's groups claim, when CTAP maps one.
	Mapped *Assignment
}

// SignInPolicy is what decides a new account's standing.
type SignInPolicy struct {
	BootstrapAdmins []string // emails that become admins at first sign-in
}

func (p SignInPolicy) isBootstrapAdmin(email string) bool {
	for _, e := range p.BootstrapAdmins {
		if strings.EqualFold(strings.TrimSpace(e), email) {
			return true
		}
	}
	return false
}

// SignInResult tells the caller what happened.
type SignInResult struct {
	User    User
	Created bool
	// How the role was bound at this sign-in: "invitation", "bootstrap",
	// "groups", or "" when nothing changed.
	BoundBy string
}

// SignIn finds or creates the user for an identity and, while the account
// has no role, binds one: a bootstrap admin email, the provider's groups, or
// an open invitation for the email, the latter two only when the provider
// says the email is verified. It records the sign-in in the audit trail, all
// in one transaction.
func SignIn(ctx context.Context, db *gorm.DB, id Identity, p SignInPolicy, ev AuditContext) (SignInResult, error) {
	var res SignInResult
	email := strings.ToLower(strings.TrimSpace(id.Email))
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("issuer = ? AND subject = ?", id.Issuer, id.Subject).Take(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			u = User{Issuer: id.Issuer, Subject: id.Subject, Email: email, Status: StatusPending, Version: 1}
			if err := tx.Create(&u).Error; err != nil {
				return err
			}
			res.Created = true
		case err != nil:
			return err
		}
		before := u.auditView()
		if res.Created {
			before = nil // a new account has no "before"
		}
		now := time.Now().UTC()
		u.Email, u.EmailVerified, u.Name, u.LastSignInAt = email, id.EmailVerified, id.Name, &now

		if u.Status == StatusPending {
			switch {
			case id.EmailVerified && p.isBootstrapAdmin(email):
				u.assign(Assignment{Role: RoleAdmin})
				res.BoundBy = "bootstrap"
			case id.EmailVerified && id.Mapped != nil:
				u.assign(*id.Mapped)
				res.BoundBy = "groups"
			case id.EmailVerified:
				inv, ok, err := openInvitation(tx, email)
				if err != nil {
					return err
				}
				if ok {
					u.assign(inv.Assignment())
					res.BoundBy = "invitation"
					if err := tx.Model(&Invitation{}).Where("id = ?", inv.ID).
						Updates(map[string]any{"accepted_at": now, "accepted_by": u.ID}).Error; err != nil {
						return err
					}
				}
			}
		} else if u.Status == StatusActive && id.EmailVerified && id.Mapped != nil && !u.sameAssignment(*id.Mapped) {
			// The provider's groups are the source of truth where mapped.
			u.assign(*id.Mapped)
			u.Version++
			res.BoundBy = "groups"
		}

		if err := tx.Save(&u).Error; err != nil {
			return err
		}
		action := ActionSignIn
		if res.Created {
			action = ActionFirstSignIn
		}
		after := u.auditView()
		if SameValues(before, after) {
			before = nil // nothing changed but the sign-in itself
		}
		ev.Actor = &u
		if err := recordChange(tx, ev, action, Target("user", u.ID), before, after); err != nil {
			return err
		}
		if bound, ok := map[string]AuditAction{"invitation": ActionRoleByInvitation, "bootstrap": ActionRoleByBootstrap, "groups": ActionRoleByGroups}[res.BoundBy]; ok {
			if err := recordChange(tx, ev, bound, Target("user", u.ID), before, after); err != nil {
				return err
			}
		}
		res.User = u
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("sign in %s: %w", email, err)
	}
	return res, nil
}

func (u *User) assign(a Assignment) {
	r := a.Role
	u.Role, u.MemberStateID, u.DonorOrganizationID, u.Status = &r, a.MemberStateID, a.DonorOrganizationID, StatusActive
}

func (u *User) sameAssignment(a Assignment) bool {
	return u.Role != nil && *u.Role == a.Role && eqIntPtr(u.MemberStateID, a.MemberStateID) && eqIntPtr(u.DonorOrganizationID, a.DonorOrganizationID)
}

// assignmentValues is a role and scope as plain values, comparable with ==.
type assignmentValues struct {
	Role                Role
	MemberStateID       int
	DonorOrganizationID int
}

func (u *User) assignment() assignmentValues {
	return assignmentValues{Role: Role(u.RoleName()), MemberStateID: derefInt(u.MemberStateID), DonorOrganizationID: derefInt(u.DonorOrganizationID)}
}

func eqIntPtr(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// auditView is the part of a user the audit trail records, as values (a
// State's or organization's ID, 0 for none), so two views compare equal
// exactly when the account is the same.
func (u User) auditView() map[string]any {
	if u.ID == 0 {
		return nil
	}
	return map[string]any{
		"email": u.Email, "name": u.Name, "status": u.Status, "role": u.RoleName(),
		"member_state_id": derefInt(u.MemberStateID), "donor_organization_id": derefInt(u.DonorOrganizationID),
	}
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// ErrLastAdmin refuses a change that would leave no active administrator.
var ErrLastAdmin = errors.New("the last active administrator cannot be demoted or disabled")

// UserChange is an administrator's decision about an account.
type UserChange struct {
	Version    int         // the version the administrator saw
	Status     UserStatus  // new status
	Assignment *Assignment // new role and scope; nil keeps them
}

// ChangeUser applies an administrator's change under a version check, never
// leaving the portal without an active admin, and audits it; the user's
// sessions end when they are disabled or their role changes, so the change
// applies at once and their next sign-in starts fresh.
func ChangeUser(ctx context.Context, db *gorm.DB, id int64, ch UserChange, ev AuditContext) (User, error) {
	var out User
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&u, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("user %d", id))
		}
		if u.Version != ch.Version {
			return fmt.Errorf("user %d at version %d, change made on %d: %w", id, u.Version, ch.Version, ErrStaleVersion)
		}
		before := u.auditView()
		oldAssignment := u.assignment()
		if err := u.applyChange(tx, ch); err != nil {
			return err
		}
		after := u.auditView()
		// Compared by value: the same State or organization is no change.
		roleChanged := u.assignment() != oldAssignment
		if err := updateVersioned(tx, "users", u.ID, ch.Version, map[string]any{
			"status": u.Status, "role": u.Role, "member_state_id": u.MemberStateID,
			"donor_organization_id": u.DonorOrganizationID,
		}); err != nil {
			return err
		}
		u.Version = ch.Version + 1
		// A changed role takes effect at the next sign-in, so the sessions
		// end. A disabled account's sessions are kept until its next
		// request: every request loads the status with its session, so they
		// are never used again, and that request is the one that can tell
		// the person why they were signed out (the session middleware ends
		// them all then). Enabling the account again ends them too, so it
		// never resumes a session from before.
		reEnabled := before["status"] == StatusDisabled && u.Status != StatusDisabled
		if (roleChanged && u.Status != StatusDisabled) || reEnabled {
			if err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", u.ID).Error; err != nil {
				return fmt.Errorf("end the sessions of user %d: %w", u.ID, err)
			}
		}
		action := ActionUserChanged
		switch {
		case before["status"] == StatusPending && u.Status == StatusActive:
			action = ActionUserApproved
		case before["status"] != StatusDisabled && u.Status == StatusDisabled:
			action = ActionUserDisabled
		case before["status"] == StatusDisabled && u.Status == StatusActive:
			action = ActionUserEnabled
		case roleChanged:
			action = ActionUserRoleChanged
		}
		if err := recordChange(tx, ev, action, Target("user", u.ID), before, after); err != nil {
			return err
		}
		out = u
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("change user %d: %w", id, err)
	}
	return out, nil
}

// applyChange makes an administrator's change to the account in memory,
// refusing a role without its scope, an active account without a role, and
// the change that would leave the portal without an active administrator.
func (u *User) applyChange(tx *gorm.DB, ch UserChange) error {
	wasAdmin := u.HasRole(RoleAdmin)
	if ch.Assignment != nil {
		if err := ch.Assignment.Validate(); err != nil {
			return err
		}
		r := ch.Assignment.Role
		u.Role, u.MemberStateID, u.DonorOrganizationID = &r, ch.Assignment.MemberStateID, ch.Assignment.DonorOrganizationID
	}
	if ch.Status != "" {
		if !ch.Status.Valid() {
			return fmt.Errorf("status %q: %w", ch.Status, ErrInvalidAssignment)
		}
		u.Status = ch.Status
	}
	if u.Status == StatusActive && u.Role == nil {
		return fmt.Errorf("an active account needs a role: %w", ErrInvalidAssignment)
	}
	if wasAdmin && !u.HasRole(RoleAdmin) {
		var admins int64
		if err := tx.Model(&User{}).Where("status = ? AND role = ? AND id <> ?", StatusActive, RoleAdmin, u.ID).Count(&admins).Error; err != nil {
			return fmt.Errorf("count administrators: %w", err)
		}
		if admins == 0 {
			return ErrLastAdmin
		}
	}
	return nil
}

// CheckUserChange tells whether ChangeUser would accept the change, without
// making it: the page that asks before disabling an account is shown only
// for a change that can be made (and on the version the administrator saw).
func CheckUserChange(ctx context.Context, db *gorm.DB, id int64, ch UserChange) error {
	var u User
	if err := db.WithContext(ctx).Take(&u, id).Error; err != nil {
		return notFound(err, fmt.Sprintf("user %d", id))
	}
	if u.Version != ch.Version {
		return fmt.Errorf("user %d at version %d, change made on %d: %w", id, u.Version, ch.Version, ErrStaleVersion)
	}
	return u.applyChange(db.WithContext(ctx), ch)
}

// GrantAdmin makes the account(s) with this email active admins, for
// recovery from the command line; with no such account it opens an admin
// invitation instead.
func GrantAdmin(ctx context.Context, db *gorm.DB, email string, ev AuditContext) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var msg string
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var users []User
		if err := tx.Where("lower(email) = ?", email).Find(&users).Error; err != nil {
			return err
		}
		if len(users) == 0 {
			inv, err := createInvitation(tx, NewInvitation{Email: email, Assignment: Assignment{Role: RoleAdmin}}, ev)
			if err != nil {
				return err
			}
			msg = fmt.Sprintf("no account signs in as %s yet: invitation %d makes it an admin at its first sign-in with a verified email", email, inv.ID)
			return nil
		}
		for _, u := range users {
			before := u.auditView()
			admin := RoleAdmin
			if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
				"status": StatusActive, "role": &admin, "member_state_id": nil, "donor_organization_id": nil,
				"version": gorm.Expr("version + 1"), "updated_at": time.Now().UTC(),
			}).Error; err != nil {
				return err
			}
			u.assign(Assignment{Role: RoleAdmin})
			if err := recordChange(tx, ev, ActionUserGrantedAdmin, Target("user", u.ID), before, u.auditView()); err != nil {
				return err
			}
		}
		msg = fmt.Sprintf("%s is now an active admin (%d account(s))", email, len(users))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("grant admin to %s: %w", email, err)
	}
	return msg, nil
}
