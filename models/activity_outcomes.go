package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The later outcomes an activity led to, among what its States recorded: a
// treaty action (a ratification after a legislative workshop) or a
// validated progress report (with its evidence).

// ActivityOutcome is one outcome, described for the page.
type ActivityOutcome struct {
	Kind          string    `json:"kind"` // "treaty" or "progress"
	MemberStateID int       `json:"member_state_id"`
	Instrument    string    `json:"instrument"` // treaty: the instrument's short name
	Action        string    `json:"action"`     // treaty: the kind of action
	Date          string    `json:"date"`       // treaty: YYYY-MM-DD
	Paragraph     int       `json:"paragraph"`  // progress: the paragraph
	Period        Localized `json:"period"`     // progress: the period's title
	ReportID      int64     `json:"report_id"`  // progress: the report
	Note          string    `json:"note"`
}

// OutcomeCandidate is something a beneficiary State recorded that the
// Secretariat may link as an outcome: "treaty:ID" or "progress:ID".
type OutcomeCandidate struct {
	Ref           string
	MemberStateID int
	Label         string // the instrument or the paragraph and period, in English
	Date          time.Time
}

// OutcomeCandidates lists what the activity's States recorded since it
// began: their treaty actions, and their validated progress reports on the
// activity's paragraphs; one statement.
func OutcomeCandidates(ctx context.Context, db *gorm.DB, a Activity) ([]OutcomeCandidate, error) {
	var out []OutcomeCandidate
	err := db.WithContext(ctx).Raw(`
		SELECT 'treaty:' || t.id AS ref, t.member_state_id, i.short_name || ' (' || t.kind || ')' AS label, t.action_date AS date
		FROM treaty_actions t JOIN instruments i ON i.id = t.instrument_id
		WHERE t.member_state_id IN (SELECT member_state_id FROM activity_states WHERE activity_id = ?) AND t.action_date >= ?
		UNION ALL
		SELECT 'progress:' || p.id, p.member_state_id, 'Paragraph ' || p.paragraph_number || ', ' || (rp.title ->> 'en'), rp.closes_on
		FROM progress_reports p JOIN reporting_periods rp ON rp.id = p.period_id
		WHERE p.member_state_id IN (SELECT member_state_id FROM activity_states WHERE activity_id = ?) AND p.status = 'validated'
			AND p.paragraph_number = ANY(?) AND rp.closes_on >= ?
		ORDER BY date DESC LIMIT 200`, a.ID, a.StartDate, a.ID, a.Paragraphs, a.StartDate).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("outcome candidates of activity %d: %w", a.ID, err)
	}
	return out, nil
}

// OutcomeInput is an outcome as the Secretariat links it.
type OutcomeInput struct {
	Ref  string `form:"outcome" validate:"required,max=40"`
	Note string `form:"outcome_note" validate:"max=2000"`
}

// AddOutcome links to an activity one of its candidates, audited.
func AddOutcome(ctx context.Context, db *gorm.DB, u *User, activityID int64, in OutcomeInput, ev AuditContext) error {
	if !CanRecordActivities(u) {
		return ErrForbidden
	}
	p := Problems{}
	checkText(p, "outcome_note", in.Note, false, 2000)
	kind, raw, _ := strings.Cut(in.Ref, ":")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || (kind != "treaty" && kind != "progress") {
		p.Add("outcome", "validation.choose")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := lockActivity(tx, activityID)
		if err != nil {
			return err
		}
		candidates, err := OutcomeCandidates(ctx, tx, a)
		if err != nil {
			return err
		}
		found := false
		for _, c := range candidates {
			found = found || c.Ref == in.Ref
		}
		if !found {
			return Invalid("outcome", "activity.outcome_unknown")
		}
		var treaty, progress any
		if kind == "treaty" {
			treaty = id
		} else {
			progress = id
		}
		if err := tx.Exec(`INSERT INTO activity_outcomes (activity_id, treaty_action_id, progress_report_id, note) VALUES (?, ?, ?, ?)`,
			activityID, treaty, progress, strings.TrimSpace(in.Note)).Error; err != nil {
			return fmt.Errorf("outcome of activity %d: %w", activityID, err)
		}
		return recordChange(tx, ev, ActionActivityOutcome, Target("activity", activityID), nil,
			map[string]any{"outcome": in.Ref, "note": strings.TrimSpace(in.Note)})
	})
}

// activityOutcomesJSON is the subquery ActivityByID reads the outcomes with.
const activityOutcomesJSON = `(SELECT coalesce(jsonb_agg(jsonb_build_object(
		'kind', CASE WHEN o.treaty_action_id IS NOT NULL THEN 'treaty' ELSE 'progress' END,
		'member_state_id', coalesce(t.member_state_id, pr.member_state_id),
		'instrument', coalesce(i.short_name, ''), 'action', coalesce(t.kind, ''),
		'date', coalesce(to_char(t.action_date, 'YYYY-MM-DD'), ''),
		'paragraph', coalesce(pr.paragraph_number, 0), 'period', coalesce(rp.title, '{}'::jsonb),
		'report_id', coalesce(pr.id, 0), 'note', o.note) ORDER BY o.id), '[]')
	FROM activity_outcomes o
	LEFT JOIN treaty_actions t ON t.id = o.treaty_action_id LEFT JOIN instruments i ON i.id = t.instrument_id
	LEFT JOIN progress_reports pr ON pr.id = o.progress_report_id LEFT JOIN reporting_periods rp ON rp.id = pr.period_id
	WHERE o.activity_id = activities.id) AS outcomes_json`
