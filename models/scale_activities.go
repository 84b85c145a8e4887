package models

import (
	"fmt"

	"gorm.io/gorm"
)

// The scale data of the activities, labelled "Synthetic activity N": one
// set-based statement adds n × activitiesPerScaleUnit activities over every
// kind, status, paragraph and State from 2016 to next year (regional ones
// serving three States), the delivered ones with participants adding up by
// sex and profession; a fifth of them draw a small amount from a paid
// contribution.

// activitiesPerScaleUnit is how many activities one unit of scale adds.
const activitiesPerScaleUnit = 5000

// seedScaleActivities adds n units of synthetic activities, in the
// caller's transaction, and returns how many.
func seedScaleActivities(tx *gorm.DB, n int) (int64, error) {
	var start int64
	if err := tx.Raw("SELECT coalesce(max(id), 0) FROM activities").Scan(&start).Error; err != nil {
		return 0, err
	}
	res := tx.Exec(`
		INSERT INTO activities (kind, title, description, start_date, end_date, city, place_state_id, online, paragraphs, themes,
			status, delivered_on, cancelled_on, public, women, men, sex_not_stated, prosecutors, judges, police, legislators,
			central_authority, financial_intelligence, other_profession, import_key)
		SELECT k.kind, 'Synthetic activity ' || (@start + g), 'Synthetic activity for scale tests.', d.start, d.start + (g % 5),
			CASE WHEN k.kind = 'elearning' THEN '' ELSE 'City ' || (g % 97) END,
			CASE WHEN k.kind = 'elearning' THEN NULL ELSE (SELECT id FROM member_states ORDER BY id OFFSET ((g * 31) % 193) LIMIT 1) END,
			k.kind = 'elearning', ARRAY[4 + g % 11], ARRAY[(ARRAY['ratification', 'criminal_justice', 'international_cooperation',
				'capacity_building', 'joint_initiatives'])[1 + g % 5]],
			st.status, CASE WHEN st.status = 'delivered' THEN d.start + (g % 5) END,
			CASE WHEN st.status = 'cancelled' THEN d.start END, g % 3 <> 0,
			p.w, p.m, p.ns, p.t * 3 / 10, p.t * 2 / 10, p.t * 2 / 10, p.t / 10, p.t / 20, p.t / 20,
			p.t - p.t * 3 / 10 - p.t * 2 / 10 - p.t * 2 / 10 - p.t / 10 - p.t / 20 - p.t / 20,
			'scale-activity-' || (@start + g)
		FROM generate_series(1, @count) g
		CROSS JOIN LATERAL (SELECT (ARRAY['legislative_assistance', 'national_workshop', 'regional_workshop', 'training_course',
			'training_of_trainers', 'mentoring', 'expert_advice', 'study_visit', 'tool_publication', 'elearning'])[1 + g % 10] AS kind) k
		CROSS JOIN LATERAL (SELECT DATE '2016-01-01' + ((g * 7919) % 4000) AS start) d
		CROSS JOIN LATERAL (SELECT CASE WHEN d.start + (g % 5) >= current_date THEN 'planned'
			WHEN g % 23 = 0 THEN 'cancelled' ELSE 'delivered' END AS status) st
		CROSS JOIN LATERAL (SELECT w, m, ns, w + m + ns AS t FROM (SELECT
			CASE WHEN st.status = 'delivered' THEN 5 + g % 11 ELSE 0 END AS w,
			CASE WHEN st.status = 'delivered' THEN 7 + g % 13 ELSE 0 END AS m,
			CASE WHEN st.status = 'delivered' THEN g % 3 ELSE 0 END AS ns) x) p`,
		map[string]any{"start": start, "count": activitiesPerScaleUnit * n})
	if res.Error != nil {
		return 0, fmt.Errorf("activities: %w", res.Error)
	}
	added := res.RowsAffected
	// One State each; three for regional workshops and study visits.
	if err := tx.Exec(`
		WITH s AS (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS i FROM member_states)
		INSERT INTO activity_states (activity_id, member_state_id)
		SELECT a.id, s.id FROM activities a
		CROSS JOIN generate_series(0, 2) k
		JOIN s ON s.i = ((a.id * 31 + k * 17) % 193)
		WHERE a.id > @start AND (k = 0 OR a.kind IN ('regional_workshop', 'study_visit'))`,
		map[string]any{"start": start}).Error; err != nil {
		return 0, fmt.Errorf("activity States: %w", err)
	}
	if err := tx.Exec(`
		INSERT INTO activity_partners (activity_id, partner_id)
		SELECT a.id, (SELECT id FROM partner_organizations ORDER BY id OFFSET (a.id % (SELECT count(*) FROM partner_organizations)) LIMIT 1)
		FROM activities a WHERE a.id > @start`, map[string]any{"start": start}).Error; err != nil {
		return 0, fmt.Errorf("activity partners: %w", err)
	}
	// A fifth draw 1.00 from a paid contribution, far below any amount.
	if err := tx.Exec(`
		WITH c AS (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS i FROM contributions
			WHERE status = 'paid' AND kind = 'financial' AND amount >= 100),
		cn AS (SELECT count(*)::int AS n FROM c)
		INSERT INTO activity_funding (activity_id, contribution_id, amount)
		SELECT a.id, c.id, 1.00 FROM activities a, cn JOIN c ON true
		WHERE a.id > @start AND a.id % 5 = 0 AND cn.n > 0 AND c.i = (a.id * 13) % cn.n AND a.status <> 'cancelled'`,
		map[string]any{"start": start}).Error; err != nil {
		return 0, fmt.Errorf("activity funding: %w", err)
	}
	return added, nil
}
