package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// demoConclusions is the demo report's section VI, written as the
// Secretariat would, so the demo shows an edited paragraph beside
// generated ones.
const demoConclusions = "Member States are encouraged to become parties to the universal legal instruments they have not yet joined " +
	"and to record their needs for technical assistance in the portal, so that the Office can plan its assistance with them. (demo)"

// seedDemoReport generates the 2016 period's report as the Secretariat
// would see it, with the conclusions written, unless it exists: true when
// it was added.
func seedDemoReport(ctx context.Context, db *gorm.DB) (bool, error) {
	var period ReportingPeriod
	if err := db.WithContext(ctx).Where("opens_on = '2016-01-01'").Take(&period).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return false, nil // no 2016 period: nothing to report on
		}
		return false, fmt.Errorf("seed demo report: %w", err)
	}
	if _, err := ReportOfPeriod(ctx, db, period.ID); err == nil {
		return false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return false, fmt.Errorf("seed demo report: %w", err)
	}
	// The Secretariat's view of the data, by no one in particular.
	role := RoleSecretariat
	secretariat := &User{Status: StatusActive, Role: &role}
	ev := AuditContext{ActorNote: "ctap seed --demo"}
	r, err := GenerateReport(ctx, db, &ReferenceCache{DB: db}, secretariat, period.ID, 0, ev)
	if err != nil {
		return false, fmt.Errorf("seed demo report: %w", err)
	}
	_, err = EditReportParagraph(ctx, db, secretariat, r.ID, "conclusions", ParagraphInput{Text: demoConclusions, Version: r.Version}, ev)
	if err != nil {
		return false, fmt.Errorf("seed demo report: %w", err)
	}
	return true, nil
}
