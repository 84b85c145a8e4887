package views

import (
	"context"

	"ctap/models"
)

// reviewContributionsTitle counts the contributions to verify, saying
// "more than 100" when the navigation's capped count is reached.
func reviewContributionsTitle(ctx context.Context, n int) string {
	if n > models.ReviewCountCap {
		return tf(ctx, "review.contributions_title_many", "Count", models.ReviewCountCap)
	}
	return tn(ctx, "review.contributions_title", n)
}

// reviewNeedsTitle and reviewProgressTitle count what waits for review,
// saying "more than 100" when the navigation's capped count is reached.
func reviewNeedsTitle(ctx context.Context, n int) string {
	if n > models.ReviewCountCap {
		return tf(ctx, "review.needs_title_many", "Count", models.ReviewCountCap)
	}
	return tn(ctx, "review.needs_title", n)
}

func reviewProgressTitle(ctx context.Context, n int) string {
	if n > models.ReviewCountCap {
		return tf(ctx, "review.progress_title_many", "Count", models.ReviewCountCap)
	}
	return tn(ctx, "review.progress_title", n)
}

// reminderLabel says when a reminder went and at which stage, e.g. "3 days
// before the due date: 28 March 2031, 06:00 (2 focal points)".
func reminderLabel(ctx context.Context, r models.PeriodReminder) string {
	id := "reminders.before"
	if r.Overdue() {
		id = "reminders.overdue"
	}
	return tf(ctx, id, "Count", r.Count(), "Sent", formatDateTime(ctx, r.SentAt), "Recipients", r.Recipients)
}
