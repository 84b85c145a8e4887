package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

// DonorInterests are what a donor organization wants to hear about: needs
// newly shared with donors whose theme, operative paragraphs and State's
// regional group match (an empty list matches anything; every list empty
// declares nothing). Kept by the organization's donor users on its page.
type DonorInterests struct {
	DonorOrganizationID int
	Themes              pq.StringArray `gorm:"type:text[]"`
	Paragraphs          pq.Int32Array  `gorm:"type:int[]"`
	RegionalGroups      pq.StringArray `gorm:"type:text[]"`
	Version             int
}

// Declared tells whether the organization declared any interest.
func (d DonorInterests) Declared() bool {
	return len(d.Themes)+len(d.Paragraphs)+len(d.RegionalGroups) > 0
}

// DonorInterestsInput is the form on the organization's page.
type DonorInterestsInput struct {
	Version        int      `form:"version"`
	Themes         []string `form:"themes" validate:"max=30"`
	Paragraphs     []string `form:"paragraphs" validate:"max=30"`
	RegionalGroups []string `form:"regional_groups" validate:"max=10"`
}

// InputOf restates stored interests as the form shows them.
func (d DonorInterests) InputOf() DonorInterestsInput {
	in := DonorInterestsInput{Version: d.Version, Themes: d.Themes, RegionalGroups: d.RegionalGroups}
	for _, p := range d.Paragraphs {
		in.Paragraphs = append(in.Paragraphs, strconv.Itoa(int(p)))
	}
	return in
}

// LoadDonorInterests reads an organization's interests (version 0 when it
// never declared any).
func LoadDonorInterests(ctx context.Context, db *gorm.DB, donorID int) (DonorInterests, error) {
	d := DonorInterests{DonorOrganizationID: donorID}
	err := db.WithContext(ctx).Take(&d, "donor_organization_id = ?", donorID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DonorInterests{DonorOrganizationID: donorID}, nil
	}
	if err != nil {
		return d, fmt.Errorf("interests of donor %d: %w", donorID, err)
	}
	return d, nil
}

// ValidateDonorInterests checks the choices against the themes, the
// resolution's operative paragraphs and the regional groups.
func ValidateDonorInterests(ctx context.Context, ref *ReferenceCache, in DonorInterestsInput) (DonorInterests, error) {
	p := Problems{}
	var d DonorInterests
	d.Themes = pq.StringArray{}
	for _, th := range in.Themes {
		if !slices.Contains(NeedThemes(), th) {
			p.Add("themes", "validation.choose")
		}
		d.Themes = append(d.Themes, th)
	}
	ops, err := ref.OperativeParagraphs(ctx)
	if err != nil {
		return d, err
	}
	d.Paragraphs = pq.Int32Array{}
	for _, s := range in.Paragraphs {
		n, err := strconv.Atoi(s)
		if err != nil || !slices.ContainsFunc(ops, func(o OperativeRef) bool { return o.Number == n }) {
			p.Add("paragraphs", "validation.unknown_paragraph")
			continue
		}
		d.Paragraphs = append(d.Paragraphs, int32(n))
	}
	d.RegionalGroups = pq.StringArray{}
	for _, g := range in.RegionalGroups {
		if !slices.Contains(RegionalGroups(), RegionalGroup(g)) {
			p.Add("regional_groups", "validation.choose")
		}
		d.RegionalGroups = append(d.RegionalGroups, g)
	}
	slices.Sort(d.Themes)
	slices.Sort(d.Paragraphs)
	slices.Sort(d.RegionalGroups)
	d.Themes, d.Paragraphs, d.RegionalGroups = slices.Compact(d.Themes), slices.Compact(d.Paragraphs), slices.Compact(d.RegionalGroups)
	return d, p.Err()
}

// SaveDonorInterests records an organization's interests on the version
// seen (0: none declared yet), audited; its donor users and the
// Secretariat may.
func SaveDonorInterests(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, donorID int, in DonorInterestsInput, ev AuditContext) error {
	next, err := ValidateDonorInterests(ctx, ref, in)
	if err != nil {
		return err
	}
	if !CanKeepDonorInterests(u, donorID) {
		return ErrForbidden
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur DonorInterests
		res := tx.Raw(`SELECT * FROM donor_interests WHERE donor_organization_id = ? FOR UPDATE`, donorID).Scan(&cur)
		if res.Error != nil {
			return res.Error
		}
		if cur.Version != in.Version {
			return fmt.Errorf("interests of donor %d at version %d, saved on %d: %w", donorID, cur.Version, in.Version, ErrStaleVersion)
		}
		err := tx.Exec(`INSERT INTO donor_interests (donor_organization_id, themes, paragraphs, regional_groups, version, updated_at)
			VALUES (?, ?, ?, ?, 1, now())
			ON CONFLICT (donor_organization_id) DO UPDATE SET themes = EXCLUDED.themes, paragraphs = EXCLUDED.paragraphs,
				regional_groups = EXCLUDED.regional_groups, version = donor_interests.version + 1, updated_at = now()`,
			donorID, next.Themes, next.Paragraphs, next.RegionalGroups).Error
		if err != nil {
			return err
		}
		view := func(d DonorInterests) map[string]any {
			return map[string]any{"themes": d.Themes, "paragraphs": d.Paragraphs, "regional_groups": d.RegionalGroups}
		}
		return recordChange(tx, ev, ActionDonorInterests, Target("donor_organization", int64(donorID)), view(cur), view(next))
	})
	if err != nil {
		return fmt.Errorf("interests of donor %d: %w", donorID, err)
	}
	return nil
}

// CanKeepDonorInterests tells whether u may declare an organization's
// interests: its donor users, the Secretariat and administrators.
func CanKeepDonorInterests(u *User, donorID int) bool {
	if u.HasRole(RoleSecretariat) || u.HasRole(RoleAdmin) {
		return true
	}
	return u.HasRole(RoleDonor) && u.DonorOrganizationID != nil && *u.DonorOrganizationID == donorID
}
