package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The partner organizations the Office works with, kept by administrators;
// activities name them.

// CanManagePartners tells whether u keeps the partners: administrators.
func CanManagePartners(u *User) bool { return u.HasRole(RoleAdmin) }

// PartnerInput is a partner as an administrator types it.
type PartnerInput struct {
	Slug   string `form:"slug" validate:"required,max=60"`
	NameEn string `form:"name_en" validate:"required,max=200"`
	NameFr string `form:"name_fr" validate:"max=200"`
	Kind   string `form:"kind" validate:"required,max=20"`
}

// InputOf is a partner as its form shows it.
func (p PartnerOrganization) InputOf() PartnerInput {
	return PartnerInput{Slug: p.Slug, NameEn: p.Name["en"], NameFr: p.Name["fr"], Kind: p.Kind}
}

func (p PartnerOrganization) auditView() map[string]any {
	return map[string]any{"slug": p.Slug, "name": map[string]string(p.Name), "kind": p.Kind}
}

var partnerSlugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validatePartner checks an input's meaning.
func validatePartner(in PartnerInput) (PartnerOrganization, error) {
	p := Problems{}
	var o PartnerOrganization
	o.Slug = strings.TrimSpace(in.Slug)
	if !partnerSlugPattern.MatchString(o.Slug) {
		p.Add("slug", "partner.slug")
	}
	checkText(p, "name_en", in.NameEn, true, 200)
	checkText(p, "name_fr", in.NameFr, false, 200)
	o.Name = Localized{"en": strings.TrimSpace(in.NameEn)}
	if fr := strings.TrimSpace(in.NameFr); fr != "" {
		o.Name["fr"] = fr
	}
	if !slices.Contains(PartnerKinds, in.Kind) {
		p.Add("kind", "validation.choose")
	}
	o.Kind = in.Kind
	return o, p.Err()
}

// PartnerBySlug reads one partner.
func PartnerBySlug(ctx context.Context, db *gorm.DB, slug string) (PartnerOrganization, error) {
	var o PartnerOrganization
	if err := db.WithContext(ctx).Where("slug = ?", slug).Take(&o).Error; err != nil {
		return o, notFound(err, "partner "+slug)
	}
	return o, nil
}

// SavePartner adds a partner (id 0) or saves an edit made on version seen,
// audited; a short name already used is refused beside the field.
func SavePartner(ctx context.Context, db *gorm.DB, u *User, id int, seen int, in PartnerInput, ev AuditContext) (PartnerOrganization, error) {
	if !CanManagePartners(u) {
		return PartnerOrganization{}, ErrForbidden
	}
	next, err := validatePartner(in)
	if err != nil {
		return next, err
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var taken int64
		if err := tx.Model(&PartnerOrganization{}).Where("slug = ? AND id <> ?", next.Slug, id).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return Invalid("slug", "partner.slug_taken")
		}
		if id == 0 {
			next.Version = 1
			if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&next).Error; err != nil {
				return fmt.Errorf("create partner: %w", err)
			}
			return recordChange(tx, ev, ActionPartnerSaved, AuditTarget{Type: "partner", ID: next.Slug}, nil, next.auditView())
		}
		var cur PartnerOrganization
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&cur, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return fmt.Errorf("partner %d: %w", id, ErrNotFound)
			}
			return err
		}
		if err := updateVersioned(tx, "partner_organizations", int64(id), seen, map[string]any{
			"slug": next.Slug, "name": next.Name, "kind": next.Kind}); err != nil {
			return err
		}
		next.ID, next.Version = id, seen+1
		return recordChange(tx, ev, ActionPartnerSaved, AuditTarget{Type: "partner", ID: next.Slug}, cur.auditView(), next.auditView())
	})
	return next, err
}
