package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
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

// CreateInvitation opens an invitation, refusing a second open one for the
// same email (ErrConflict), and audits it.
func CreateInvitation(ctx context.Context, db *gorm.DB, n NewInvitation, ev AuditContext) (Invitation, error) {
	var inv Invitation
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		inv, err = createInvitation(tx, n, ev)
		return err
	})
	return inv, err
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
		res := tx.Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id).Update("revoked_at", time.Now().UTC())
		if res.Error != nil {
			return fmt.Errorf("revoke invitation %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("open invitation %d: %w", id, ErrNotFound)
		}
		return recordChange(tx, ev, ActionInvitationRevoked, Target("invitation", id), nil, nil)
	})
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
