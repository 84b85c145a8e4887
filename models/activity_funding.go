package models

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// What contributions paid for: a contribution's draws and balance, and
// what a donor's money delivered.

// ContributionDraw is an activity a contribution paid for.
type ContributionDraw struct {
	ActivityID int64
	Title      string
	Status     ActivityStatus
	StartDate  time.Time
	Amount     decimal.Decimal
}

// ContributionUse is what a contribution has funded: the activities u may
// see, and the amount drawn by all of them, so the balance is right even
// when some are not shown.
type ContributionUse struct {
	Draws []ContributionDraw
	Drawn decimal.Decimal
}

// Balance is what the contribution still holds.
func (u ContributionUse) Balance(amount decimal.Decimal) decimal.Decimal { return amount.Sub(u.Drawn) }

// LoadContributionUse reads what a contribution u may see has funded: one
// statement.
func LoadContributionUse(ctx context.Context, db *gorm.DB, u *User, contributionID int64) (ContributionUse, error) {
	var use ContributionUse
	var rows []struct {
		ContributionDraw
		Drawn decimal.Decimal
	}
	visible := db.WithContext(subqueryContext()).Table("activities").Scopes(ActivitiesVisibleTo(u)).Select("activities.id")
	err := db.WithContext(ctx).Raw(`SELECT d.activity_id, a.title, a.status, a.start_date, d.amount, t.drawn
		FROM (SELECT coalesce(sum(amount), 0) AS drawn FROM activity_funding WHERE contribution_id = ?) t
		LEFT JOIN activity_funding d ON d.contribution_id = ? AND d.activity_id IN (?)
		LEFT JOIN activities a ON a.id = d.activity_id
		ORDER BY a.start_date DESC NULLS LAST, a.id DESC LIMIT 200`, contributionID, contributionID, visible).Scan(&rows).Error
	if err != nil {
		return use, fmt.Errorf("what contribution %d funded: %w", contributionID, err)
	}
	for _, r := range rows {
		use.Drawn = r.Drawn
		if r.ActivityID != 0 {
			use.Draws = append(use.Draws, r.ContributionDraw)
		}
	}
	return use, nil
}

// LoadDonorDelivered sums the activities u may see that contributions of
// the organization donorID (that u may see) funded, with the latest five:
// one statement.
func LoadDonorDelivered(ctx context.Context, db *gorm.DB, u *User, donorID int) (ActivitySummary, error) {
	return SummarizeActivities(ctx, db, u, ActivityFilter{DonorID: donorID})
}
