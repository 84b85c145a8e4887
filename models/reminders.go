package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

// DefaultReminderDays are the days before a period's due date on which the
// States that have not reported are reminded (CTAP_REMINDER_DAYS).
func DefaultReminderDays() []int { return []int{14, 3} }

// ParseReminderDays reads "14,3" into days before the due date.
func ParseReminderDays(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultReminderDays(), nil
	}
	var days []int
	for _, part := range strings.Split(s, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || d < 0 || d > 365 {
			return nil, fmt.Errorf("reminder days %q: each must be a whole number of days from 0 to 365", s)
		}
		days = append(days, d)
	}
	return days, nil
}

// PeriodReminder is one reminder sent to a State's focal points.
type PeriodReminder struct {
	PeriodID      int64
	MemberStateID int
	Stage         string // "before-14", "overdue-2", ...
	Recipients    int
	SentAt        time.Time
}

// Overdue tells whether the reminder was sent after the due date.
func (r PeriodReminder) Overdue() bool { return strings.HasPrefix(r.Stage, "overdue-") }

// Count is the stage's number: days before the due date, or the week of
// lateness.
func (r PeriodReminder) Count() int {
	_, n, _ := strings.Cut(r.Stage, "-")
	v, _ := strconv.Atoi(n)
	return v
}

// RunReminders reminds, for each reporting period open on day today, the
// focal points of every State that has not submitted its reports on all the
// resolution's operative paragraphs (submitted or validated), with how
// many remain: on the days before the due date listed
// in daysBefore, and once a week when overdue. Each (period, State, stage)
// is sent once: the row in period_reminders is inserted first, and a
// second scheduler, on another replica or after a restart, finds it there
// and sends nothing. A missed day sends only the latest stage due, never a
// backlog. It returns how many reminders went out.
func RunReminders(ctx context.Context, db *gorm.DB, today time.Time, daysBefore []int) (int, error) {
	days := make(pq.Int32Array, 0, len(daysBefore))
	for _, d := range daysBefore {
		days = append(days, int32(d))
	}
	sent := 0
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var due []struct {
			PeriodReminder
			ISO3    string
			Title   Localized
			DueOn   time.Time
			Missing int
		}
		err := tx.Raw(`
			WITH stages AS (
				SELECT p.id, p.title, p.due_on,
					CASE WHEN CAST(@today AS date) <= p.due_on
						THEN (SELECT 'before-' || min(d) FROM unnest(CAST(@days AS int[])) d WHERE CAST(@today AS date) >= p.due_on - d)
						ELSE 'overdue-' || ((CAST(@today AS date) - p.due_on - 1) / 7 + 1)
					END AS stage
				FROM reporting_periods p
				WHERE p.opens_on <= CAST(@today AS date) AND CAST(@today AS date) <= p.closes_on
			), asked AS (
				SELECT count(*) AS paragraphs FROM paragraphs WHERE kind = 'operative'
				  AND resolution_id = (SELECT id FROM resolutions ORDER BY adopted_on DESC, id DESC LIMIT 1)
			), owed AS (
				SELECT st.id AS period_id, s.id AS member_state_id, st.stage,
					(SELECT count(*) FROM users u WHERE u.status = 'active' AND u.role = 'focal_point' AND u.member_state_id = s.id) AS recipients,
					asked.paragraphs - (SELECT count(*) FROM progress_reports r WHERE r.period_id = st.id AND r.member_state_id = s.id
						AND r.status IN ('submitted', 'validated')) AS missing
				FROM stages st CROSS JOIN member_states s CROSS JOIN asked
				WHERE st.stage IS NOT NULL
			), sent AS (
				INSERT INTO period_reminders (period_id, member_state_id, stage, recipients)
				SELECT period_id, member_state_id, stage, recipients FROM owed WHERE recipients > 0 AND missing > 0
				ON CONFLICT DO NOTHING
				RETURNING *
			)
			SELECT sent.*, s.iso3, st.title, st.due_on, owed.missing
			FROM sent JOIN member_states s ON s.id = sent.member_state_id JOIN stages st ON st.id = sent.period_id
			JOIN owed ON owed.period_id = sent.period_id AND owed.member_state_id = sent.member_state_id
			ORDER BY sent.period_id, s.iso3`,
			map[string]any{"today": today.Format(time.DateOnly), "days": days}).Scan(&due).Error
		if err != nil {
			return fmt.Errorf("reminders due: %w", err)
		}
		for _, r := range due {
			params := NotificationParams{
				"State": r.ISO3, "Period": r.Title.In("en"), "PeriodFr": r.Title.In("fr"),
				"Due": r.DueOn.Format(time.DateOnly), "Stage": r.Stage, "Count": strconv.Itoa(r.Count()),
				"Missing": strconv.Itoa(r.Missing),
			}
			_, err := notify(tx, AuditContext{}, notice{
				Kind: NotifyPeriodReminder, SubjectKind: "period", SubjectID: r.PeriodID, To: focalPointsOf(r.MemberStateID),
				Link:   "/states/" + r.ISO3 + "/progress?period=" + strconv.FormatInt(r.PeriodID, 10),
				Params: params,
			})
			if err != nil {
				return err
			}
		}
		sent = len(due)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("run reminders for %s: %w", today.Format(time.DateOnly), err)
	}
	return sent, nil
}

// StateReminders are the reminders a State received in one period.
type StateReminders struct {
	MemberStateID int
	ISO3          string
	Reminders     []PeriodReminder
}

// ListPeriodReminders lists, per State, who was reminded when in a period
// (one statement).
func ListPeriodReminders(ctx context.Context, db *gorm.DB, periodID int64) ([]StateReminders, error) {
	var rows []struct {
		PeriodReminder
		ISO3 string
	}
	err := db.WithContext(ctx).Raw(`SELECT r.*, s.iso3 FROM period_reminders r JOIN member_states s ON s.id = r.member_state_id
		WHERE r.period_id = ? ORDER BY s.iso3, r.sent_at`, periodID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("reminders of period %d: %w", periodID, err)
	}
	var out []StateReminders
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].MemberStateID != r.MemberStateID {
			out = append(out, StateReminders{MemberStateID: r.MemberStateID, ISO3: r.ISO3})
		}
		last := &out[len(out)-1]
		last.Reminders = append(last.Reminders, r.PeriodReminder)
	}
	return out, nil
}
