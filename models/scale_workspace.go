package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

// The scale data of the workspace tables, labelled as synthetic ("Synthetic
// need 123", "Synthetic focal point", evidence at scale.example.org). Each
// table is filled by set-based statements (INSERT … SELECT over
// generate_series), never row by row, so that `ctap seed --scale 10` takes
// seconds. The rows are written as the portal would have left them: every
// need's history follows the workflow to its status and its version counts
// its steps; every report's versions end in its status.

// needsPerScaleUnit is how many needs one unit of scale adds.
const needsPerScaleUnit = 2000

// scaleNeedPaths are the histories the synthetic needs follow: one per
// status, and other ways to a draft and to a withdrawal. Each is checked
// against the workflow table; no two share a status and a length, which is
// how the history statement finds a new need's path again.
func scaleNeedPaths() (statuses, steps, actors []string, err error) {
	type key struct {
		status NeedStatus
		length int
	}
	seen := map[key]bool{}
	add := func(s NeedStatus, variant int) error {
		path, who, err := checkedNeedPath(s, variant)
		if err != nil {
			return err
		}
		k := key{s, len(path)}
		if seen[k] {
			return fmt.Errorf("two scale paths to %s of length %d", s, len(path))
		}
		seen[k] = true
		p := make([]string, len(path))
		a := make([]string, len(path))
		for i := range path {
			p[i], a[i] = string(path[i]), string(who[i])
		}
		statuses = append(statuses, string(s))
		steps = append(steps, strings.Join(p, ","))
		actors = append(actors, strings.Join(a, ","))
		return nil
	}
	for _, s := range NeedStatuses() {
		if err := add(s, 0); err != nil {
			return nil, nil, nil, err
		}
	}
	for _, v := range []struct {
		s       NeedStatus
		variant int
	}{{NeedDraft, 1}, {NeedWithdrawn, 1}, {NeedWithdrawn, 2}} {
		if err := add(v.s, v.variant); err != nil {
			return nil, nil, nil, err
		}
	}
	return statuses, steps, actors, nil
}

// seedScaleWorkspace adds n units of synthetic needs (each with its
// history) and, once, progress reports of every State on every operative
// paragraph in the period open today and the one before it (with their
// versions), and treaty actions for every State on every instrument it has
// none recorded for. It runs in the caller's transaction.
func seedScaleWorkspace(ctx context.Context, tx *gorm.DB, n int) (WorkspaceSeedCounts, error) {
	var c WorkspaceSeedCounts
	if err := seedScaleNeeds(tx, n, &c); err != nil {
		return c, fmt.Errorf("needs: %w", err)
	}
	open, err := EnsureDemoPeriod(ctx, tx)
	if err != nil {
		return c, fmt.Errorf("open period: %w", err)
	}
	prev, err := previousPeriod(tx, open)
	if err != nil {
		return c, err
	}
	now := time.Now().UTC()
	if prev != nil {
		if err := seedScaleProgress(tx, *prev, prev.OpensOn, prev.ClosesOn.Add(17*time.Hour), true, &c); err != nil {
			return c, fmt.Errorf("progress in period %d: %w", prev.ID, err)
		}
	}
	start := open.OpensOn
	if !now.After(start) {
		start = now.Add(-time.Hour)
	}
	if err := seedScaleProgress(tx, open, start, now, false, &c); err != nil {
		return c, fmt.Errorf("progress in period %d: %w", open.ID, err)
	}
	states, err := ListMemberStates(ctx, tx)
	if err != nil {
		return c, err
	}
	if err := seedTreatyPlan(ctx, tx, states, Today(), &c); err != nil {
		return c, fmt.Errorf("treaty actions: %w", err)
	}
	return c, nil
}

// seedScaleNeeds adds n × needsPerScaleUnit needs over every State, cycling
// through the statuses (by every path), visibilities, priorities, themes
// and modalities, and their histories: one statement.
func seedScaleNeeds(tx *gorm.DB, n int, c *WorkspaceSeedCounts) error {
	statuses, steps, actors, err := scaleNeedPaths()
	if err != nil {
		return err
	}
	var start int64
	if err := tx.Raw("SELECT coalesce(max(id), 0) FROM needs").Scan(&start).Error; err != nil {
		return err
	}
	var got struct{ Needs, Events, States int64 }
	// The needs' CTE returns what the history statement needs to find each
	// need's path: its status and version (= the length of its path).
	err = tx.Raw(`
		WITH paths AS (
			SELECT p.ord::int AS ord, p.status, string_to_array(p.steps, ',') AS steps, string_to_array(p.actors, ',') AS actors
			FROM unnest(CAST(@statuses AS text[]), CAST(@steps AS text[]), CAST(@actors AS text[])) WITH ORDINALITY AS p (status, steps, actors, ord)
		), states AS (
			SELECT id, name, (row_number() OVER (ORDER BY id) - 1)::int AS i, (count(*) OVER ())::int AS total FROM member_states
		), src AS (
			SELECT g, s.id AS state_id, s.name AS state_name, pa.status, pa.steps,
				1 + (g * 7) % @themeCount AS p1, 1 + (g * 7 + 5) % @themeCount AS p2,
				date_trunc('second', now()) - make_interval(days => 20 + (g * 13) % 700, secs => g % 86400) AS created
			FROM generate_series(1, @count) AS g
			JOIN states s ON s.i = (@start + g) % s.total
			JOIN paths pa ON pa.ord = 1 + g % @pathCount
		), ins AS (
			INSERT INTO needs (member_state_id, title, description, paragraphs, theme, priority, beneficiary_institutions,
				modality, estimated_cost, cost_currency, target_start, target_end, visibility, status, status_changed_at,
				version, created_at, updated_at)
			SELECT state_id, 'Synthetic need ' || (@start + g),
				'Synthetic need for scale testing, requested by ' || state_name || '.',
				CASE WHEN g % 3 = 0 THEN ARRAY[least(p1, p2), greatest(p1, p2)] ELSE ARRAY[p1] END,
				(CAST(@themes AS text[]))[p1],
				(ARRAY['high', 'medium', 'low'])[1 + (g / @pathCount) % 3],
				'Synthetic beneficiary institution',
				(CAST(@modalities AS text[]))[1 + g % 7],
				CASE WHEN g % 5 <> 0 THEN (1000 + (g * 7919) % 499000) + (g % 100) / 100.0 END,
				CASE WHEN g % 5 <> 0 THEN (ARRAY['USD', 'EUR', 'GBP', 'NOK'])[1 + (g / 5) % 4] END,
				CASE WHEN g % 7 <> 0 THEN current_date + (g % 500 - 150) END,
				CASE WHEN g % 7 <> 0 THEN current_date + (g % 500 - 150) + 60 + g % 300 END,
				(ARRAY['state', 'donors', 'public'])[1 + (g / @pathCount / 3) % 3],
				status,
				created + (cardinality(steps) - 1) * interval '3 days',
				cardinality(steps),
				created,
				created + (cardinality(steps) - 1) * interval '3 days'
			FROM src
			RETURNING id, status, version, created_at, member_state_id
		), events AS (
			INSERT INTO need_events (need_id, at, actor_name, kind, from_status, to_status, note)
			SELECT ins.id, ins.created_at + (k - 1) * interval '3 days',
				CASE pa.actors[k] WHEN 'secretariat' THEN 'Synthetic Secretariat officer' ELSE 'Synthetic focal point' END,
				CASE WHEN k = 1 THEN 'created' ELSE 'transition' END,
				CASE WHEN k > 1 THEN pa.steps[k - 1] END,
				pa.steps[k],
				CASE WHEN k > 1 THEN 'Synthetic step from ' || pa.steps[k - 1] || ' to ' || pa.steps[k] || '.' ELSE '' END
			FROM ins
			JOIN paths pa ON pa.status = ins.status AND cardinality(pa.steps) = ins.version
			CROSS JOIN LATERAL generate_series(1, cardinality(pa.steps)) AS k
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM ins) AS needs, (SELECT count(*) FROM events) AS events,
			(SELECT count(DISTINCT member_state_id) FROM ins) AS states`,
		map[string]any{
			"statuses": pq.StringArray(statuses), "steps": pq.StringArray(steps), "actors": pq.StringArray(actors),
			"pathCount": len(statuses), "themes": pq.StringArray(NeedThemes()), "themeCount": len(NeedThemes()),
			"modalities": pq.StringArray(NeedModalities), "count": needsPerScaleUnit * n, "start": start,
		}).Scan(&got).Error
	if err != nil {
		return err
	}
	c.Needs, c.NeedEvents, c.NeedStates = got.Needs, got.Events, got.States
	return nil
}

// seedScaleProgress adds, in one statement, the report of every State on
// every operative paragraph of the latest resolution in period p (those
// that exist are left alone), with their versions, dated between from and
// to. A closed period's reports are mostly validated; an open period's are
// spread over every status.
func seedScaleProgress(tx *gorm.DB, p ReportingPeriod, from, to time.Time, closed bool, c *WorkspaceSeedCounts) error {
	var got struct{ Reports, Versions int64 }
	span := to.Sub(from).Seconds()
	err := tx.Raw(`
		WITH states AS (
			SELECT id, name, (row_number() OVER (ORDER BY id))::int AS i FROM member_states
		), paragraphs AS (
			SELECT number FROM paragraphs
			WHERE kind = 'operative' AND resolution_id = (SELECT id FROM resolutions ORDER BY adopted_on DESC, id DESC LIMIT 1)
		), src AS (
			SELECT s.id AS state_id, s.name AS state_name, p.number AS paragraph, s.i * 31 + p.number * 7 AS k
			FROM states s CROSS JOIN paragraphs p
		), planned AS (
			SELECT src.*,
				CASE WHEN CAST(@closed AS boolean) THEN (ARRAY['draft', 'submitted', 'returned', 'validated', 'validated', 'validated', 'validated', 'validated', 'validated', 'validated'])[1 + k % 10]
					ELSE (ARRAY['draft', 'draft', 'submitted', 'returned', 'validated', 'validated', 'validated', 'validated'])[1 + k % 8] END AS status,
				CAST(@from AS timestamptz) + make_interval(secs => CAST(@span AS double precision) * (k % 97) / 200.0) AS created
			FROM src
		), ins AS (
			INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, narrative, measures,
				evidence, status, return_comment, status_changed_at, version, updated_by, created_at, updated_at)
			SELECT state_id, CAST(@period AS bigint), paragraph,
				CASE WHEN status = 'draft' AND k % 3 = 0 THEN 'not_started'
					ELSE (ARRAY['planned', 'in_progress', 'substantially_implemented', 'fully_implemented', 'in_progress', 'not_applicable'])[1 + k % 6] END,
				CASE WHEN status = 'draft' AND k % 3 = 0 THEN ''
					ELSE 'Synthetic progress report of ' || state_name || ' on operative paragraph ' || paragraph || '.' END,
				CASE WHEN status = 'draft' AND k % 3 = 0 THEN '' ELSE 'Synthetic measures.' END,
				CASE WHEN k % 2 = 0 THEN jsonb_build_array(jsonb_build_object('label', 'Synthetic evidence',
					'url', 'https://evidence.scale.example.org/' || state_id || '/' || CAST(@period AS bigint) || '/' || paragraph))
					ELSE '[]'::jsonb END,
				status,
				CASE WHEN status = 'returned' THEN 'Synthetic comment: please complete the report.' ELSE '' END,
				created + make_interval(secs => CAST(@span AS double precision) / 8 * (CASE status WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1 ELSE 2 END)),
				CASE status WHEN 'draft' THEN 1 WHEN 'submitted' THEN 2 ELSE 3 END,
				CASE WHEN status IN ('returned', 'validated') THEN 'Synthetic Secretariat officer' ELSE 'Synthetic focal point' END,
				created,
				created + make_interval(secs => CAST(@span AS double precision) / 8 * (CASE status WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1 ELSE 2 END))
			FROM planned
			ON CONFLICT (member_state_id, period_id, paragraph_number) DO NOTHING
			RETURNING id, status, implementation, narrative, measures, evidence, return_comment, version, created_at
		), versions AS (
			-- Saved as a draft, submitted, then validated or returned: the
			-- versions SaveProgress and TransitionProgress would have kept.
			INSERT INTO progress_report_versions (report_id, version, kind, implementation, narrative, measures, evidence,
				status, return_comment, note, saved_by, saved_at)
			SELECT ins.id, v, CASE WHEN v = 1 THEN 'saved' ELSE 'transition' END,
				ins.implementation, ins.narrative, ins.measures, ins.evidence,
				CASE v WHEN 1 THEN 'draft' WHEN 2 THEN 'submitted' ELSE ins.status END,
				CASE WHEN v = 3 THEN ins.return_comment ELSE '' END,
				CASE WHEN v = 3 THEN ins.return_comment ELSE '' END,
				CASE WHEN v = 3 THEN 'Synthetic Secretariat officer' ELSE 'Synthetic focal point' END,
				ins.created_at + make_interval(secs => CAST(@span AS double precision) / 8 * (v - 1))
			FROM ins CROSS JOIN LATERAL generate_series(1, ins.version) AS v
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM ins) AS reports, (SELECT count(*) FROM versions) AS versions`,
		map[string]any{"closed": closed, "from": from, "span": span, "period": p.ID}).Scan(&got).Error
	if err != nil {
		return err
	}
	c.Reports += got.Reports
	c.Versions += got.Versions
	if got.Reports > 0 {
		c.Periods++
	}
	return nil
}
