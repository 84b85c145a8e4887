package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Invitation lets an administrator decide a person's role before their
// first sign-in; it binds only when the provider says the email is verified.
type Invitation struct {
	ID                  int64
	Email               string
	Role                Role
	MemberStateID       *int
	DonorOrganizationID *int
	InvitedBy           *int64
	CreatedAt           time.Time
	ExpiresAt           time.Time
	AcceptedAt          *time.Time
	AcceptedBy          *int64
	RevokedAt           *time.Time

	MemberState       *MemberState       `gorm:"foreignKey:MemberStateID"`
	DonorOrganization *DonorOrganization `gorm:"foreignKey:DonorOrganizationID"`
}

// Assignment is the role and scope the invitation grants.
func (i Invitation) Assignment() Assignment {
	return Assignment{Role: i.Role, MemberStateID: i.MemberStateID, DonorOrganizationID: i.DonorOrganizationID}
}

// InvitationLifetime is how long an invitation stays open.
const InvitationLifetime = 30 * 24 * time.Hour

// NewInvitation is what an administrator submits.
type NewInvitation struct {
	Email string
	Assignment
}

// ErrInvalidEmail is an address that is not one.
var ErrInvalidEmail = errors.New("not a valid email address")

// ErrAccountDisabled refuses an invitation for an email whose account is
// disabled: the invitation could never be accepted, and a role given to a
// disabled account would wake it without anyone deciding to.
var ErrAccountDisabled = errors.New("the account with this email is disabled")

// ErrAlreadyAssigned refuses an invitation that would give an account the
// role and scope it already has.
var ErrAlreadyAssigned = errors.New("the account already has this role and scope")

// InvitationOutcome is what an invitation did: opened for a person who has
// not signed in yet, or applied at once to the accounts that already sign in
// with the email (an invitation they could never accept otherwise).
type InvitationOutcome struct {
	Invitation Invitation // the open invitation; zero when applied
	Applied    []User     // the accounts given the role, when applied
}

// CreateInvitation opens an invitation, refusing a second open one for the
// same email (ErrConflict), and audits it. When accounts already sign in
// with the email, the role is applied to them instead, in the same
// transaction: a pending account is approved, an active one changes role
// (never the last active administrator's: ErrLastAdmin), their sessions
// end and any open invitation for the email is revoked; a disabled account
// refuses it (ErrAccountDisabled).
func CreateInvitation(ctx context.Context, db *gorm.DB, n NewInvitation, ev AuditContext) (InvitationOutcome, error) {
	var out InvitationOutcome
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		email := strings.ToLower(strings.TrimSpace(n.Email))
		var accounts []User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("lower(email) = ?", email).Order("id").Find(&accounts).Error; err != nil {
			return fmt.Errorf("accounts of %s: %w", email, err)
		}
		if len(accounts) == 0 {
			var err error
			out.Invitation, err = createInvitation(tx, n, ev)
			return err
		}
		var err error
		out.Applied, err = applyInvitation(tx, accounts, n.Assignment, ev)
		return err
	})
	return out, err
}

// applyInvitation gives the accounts of an invited email their role at
// once, as the invitation would have at their next sign-in.
func applyInvitation(tx *gorm.DB, accounts []User, a Assignment, ev AuditContext) ([]User, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(accounts))
	unchanged := 0
	for i, u := range accounts {
		ids[i] = u.ID
		if u.Status == StatusDisabled {
			return nil, fmt.Errorf("account %d of %s: %w", u.ID, u.Email, ErrAccountDisabled)
		}
		if u.Status == StatusActive && u.sameAssignment(a) {
			unchanged++
		}
	}
	if unchanged == len(accounts) {
		return nil, fmt.Errorf("accounts of %s: %w", accounts[0].Email, ErrAlreadyAssigned)
	}
	if a.Role != RoleAdmin {
		for _, u := range accounts {
			if !u.HasRole(RoleAdmin) {
				continue
			}
			var others int64
			if err := tx.Model(&User{}).Where("status = ? AND role = ? AND id NOT IN ?", StatusActive, RoleAdmin, ids).Count(&others).Error; err != nil {
				return nil, fmt.Errorf("count administrators: %w", err)
			}
			if others == 0 {
				return nil, ErrLastAdmin
			}
			break
		}
	}
	out := make([]User, 0, len(accounts))
	for _, u := range accounts {
		before := u.auditView()
		seen := u.Version
		u.assign(a)
		if err := updateVersioned(tx, "users", u.ID, seen, map[string]any{
			"status": u.Status, "role": u.Role, "member_state_id": u.MemberStateID,
			"donor_organization_id": u.DonorOrganizationID,
		}); err != nil {
			return nil, err
		}
		u.Version = seen + 1
		// The new role applies at once: the person signs in again with it.
		if err := DeleteUserSessions(tx.Statement.Context, tx, u.ID); err != nil {
			return nil, err
		}
		if err := recordChange(tx, ev, ActionInvitationApplied, Target("user", u.ID), before, u.auditView()); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	// An open invitation for the email could never be accepted now.
	var open []int64
	if err := tx.Model(&Invitation{}).Where("email = ? AND accepted_at IS NULL AND revoked_at IS NULL", strings.ToLower(accounts[0].Email)).Pluck("id", &open).Error; err != nil {
		return nil, fmt.Errorf("open invitations of %s: %w", accounts[0].Email, err)
	}
	for _, id := range open {
		if err := revokeInvitation(tx, id, ev); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ValidEmail tells whether s is a plain email address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, "@")
}

func createInvitation(tx *gorm.DB, n NewInvitation, ev AuditContext) (Invitation, error) {
	email := strings.ToLower(strings.TrimSpace(n.Email))
	if !ValidEmail(email) {
		return Invitation{}, ErrInvalidEmail
	}
	if err := n.Assignment.Validate(); err != nil {
		return Invitation{}, err
	}
	inv := Invitation{
		Email: email, Role: n.Role, MemberStateID: n.MemberStateID, DonorOrganizationID: n.DonorOrganizationID,
		ExpiresAt: time.Now().UTC().Add(InvitationLifetime),
	}
	if ev.Actor != nil {
		inv.InvitedBy = &ev.Actor.ID
	}
	if err := tx.Create(&inv).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return Invitation{}, fmt.Errorf("an open invitation for %s: %w", email, ErrConflict)
		}
		return Invitation{}, fmt.Errorf("create invitation: %w", err)
	}
	after := map[string]any{"email": inv.Email, "role": inv.Role, "member_state_id": inv.MemberStateID, "donor_organization_id": inv.DonorOrganizationID, "expires_at": inv.ExpiresAt}
	if err := recordChange(tx, ev, ActionInvitationCreated, Target("invitation", inv.ID), nil, after); err != nil {
		return Invitation{}, err
	}
	// The invitee is sent the sign-in link, with the invitation.
	if err := invitationSent(tx, inv); err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// openInvitation finds the open, unexpired invitation for an email.
func openInvitation(tx *gorm.DB, email string) (Invitation, bool, error) {
	var inv Invitation
	err := tx.Where("email = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()", email).Take(&inv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return inv, false, nil
	}
	if err != nil {
		return inv, false, fmt.Errorf("find invitation: %w", err)
	}
	return inv, true, nil
}

// HasOpenInvitation tells whether email (compared case-insensitively) has
// an open, unexpired invitation. The development provider asks it at
// sign-in, so an administrator can try an account as soon as it is invited.
func HasOpenInvitation(ctx context.Context, db *gorm.DB, email string) (bool, error) {
	_, ok, err := openInvitation(db.WithContext(ctx), strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return false, fmt.Errorf("invitation for %s: %w", email, err)
	}
	return ok, nil
}

// ListOpenInvitations returns invitations not yet accepted or revoked,
// newest first (at most limit).
func ListOpenInvitations(ctx context.Context, db *gorm.DB, limit int) ([]Invitation, error) {
	var out []Invitation
	err := db.WithContext(ctx).Joins("MemberState").Joins("DonorOrganization").
		Where("invitations.accepted_at IS NULL AND invitations.revoked_at IS NULL").
		Order("invitations.created_at DESC, invitations.id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	return out, nil
}

// RevokeInvitation closes an open invitation.
func RevokeInvitation(ctx context.Context, db *gorm.DB, id int64, ev AuditContext) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return revokeInvitation(tx, id, ev)
	})
}

func revokeInvitation(tx *gorm.DB, id int64, ev AuditContext) error {
	res := tx.Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id).Update("revoked_at", time.Now().UTC())
	if res.Error != nil {
		return fmt.Errorf("revoke invitation %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("open invitation %d: %w", id, ErrNotFound)
	}
	return recordChange(tx, ev, ActionInvitationRevoked, Target("invitation", id), nil, nil)
}

// OpenInvitationByID loads an open invitation (not accepted, not revoked)
// with its scope, for the page that asks before revoking it.
func OpenInvitationByID(ctx context.Context, db *gorm.DB, id int64) (Invitation, error) {
	var inv Invitation
	err := db.WithContext(ctx).Joins("MemberState").Joins("DonorOrganization").
		Where("invitations.accepted_at IS NULL AND invitations.revoked_at IS NULL").
		Take(&inv, "invitations.id = ?", id).Error
	if err != nil {
		return inv, notFound(err, fmt.Sprintf("open invitation %d", id))
	}
	return inv, nil
}

// InvitationToEmail is an open invitation with what its email names: who
// invited, in which language.
type InvitationToEmail struct {
	Invitation
	Inviter  string // the inviter's name, or "" when none (a command)
	Language string // the inviter's language, which the email is in
}

// InvitationForEmail loads an invitation for its email; ok is false when
// it is no longer open (accepted, revoked or expired): nothing to send.
func InvitationForEmail(ctx context.Context, db *gorm.DB, id int64) (inv InvitationToEmail, ok bool, err error) {
	err = db.WithContext(ctx).Joins("MemberState").Joins("DonorOrganization").
		Where("invitations.accepted_at IS NULL AND invitations.revoked_at IS NULL AND invitations.expires_at > now()").
		Take(&inv.Invitation, "invitations.id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return inv, false, nil
	}
	if err != nil {
		return inv, false, fmt.Errorf("invitation %d for email: %w", id, err)
	}
	inv.Language = "en"
	if inv.InvitedBy != nil {
		var by struct{ Name, Email, Language string }
		if err := db.WithContext(ctx).Raw(`SELECT name, email, language FROM users WHERE id = ?`, *inv.InvitedBy).Scan(&by).Error; err != nil {
			return inv, false, fmt.Errorf("invitation %d for email: %w", id, err)
		}
		inv.Inviter, inv.Language = by.Name, by.Language
		if inv.Inviter == "" {
			inv.Inviter = by.Email
		}
		if inv.Language == "" {
			inv.Language = "en"
		}
	}
	return inv, true, nil
}
