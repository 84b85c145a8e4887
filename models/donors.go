package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// DonorOrganization is a Member State, an intergovernmental body or a
// foundation that funds technical assistance.
type DonorOrganization struct {
	ID            int
	Slug          string
	Name          string
	NameFr        string `gorm:"column:name_fr"`
	Kind          string
	MemberStateID *int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// LocalName is the organization's name in the given language.
func (d DonorOrganization) LocalName(lang string) string {
	if lang == "fr" && d.NameFr != "" {
		return d.NameFr
	}
	return d.Name
}

// ListDonorOrganizations returns every donor organization by name.
func ListDonorOrganizations(ctx context.Context, db *gorm.DB) ([]DonorOrganization, error) {
	var out []DonorOrganization
	if err := db.WithContext(ctx).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list donor organizations: %w", err)
	}
	return out, nil
}

// DonorOrganizationBySlug finds one organization by its address.
func DonorOrganizationBySlug(ctx context.Context, db *gorm.DB, slug string) (DonorOrganization, error) {
	var d DonorOrganization
	if err := db.WithContext(ctx).Where("slug = ?", slug).Take(&d).Error; err != nil {
		return d, notFound(err, "donor organization "+slug)
	}
	return d, nil
}
