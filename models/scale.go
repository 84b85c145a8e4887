package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// SeedScale loads production-scale synthetic data, labelled as such (every
// address at scale.example.org), for the load benchmark and the tests that
// prove a page's query count does not grow with the data. Scale n adds,
// per unit: 200 users across every role and State, 20 open invitations,
// 2,000 audit events, 2,000 needs with their histories and 10,000
// contributions (scale_contributions.go, with the exchange rates they use
// that are missing); and once, the progress reports of every State on
// every operative paragraph in two periods and treaty actions for every
// State (scale_workspace.go). Later capabilities add their tables here.
func SeedScale(ctx context.Context, db *gorm.DB, n int) (string, error) {
	if n < 1 || n > 1000 {
		return "", fmt.Errorf("seed --scale takes a number from 1 to 1000")
	}
	var ws WorkspaceSeedCounts
	var cs ContributionSeedCounts
	var activities int64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var start int64
		if err := tx.Raw("SELECT coalesce(max(id), 0) FROM users").Scan(&start).Error; err != nil {
			return err
		}
		// Users: a fifth pending, the rest active with roles cycling through
		// viewer, focal point (every State in turn), donor, secretariat.
		if err := tx.Exec(`
			INSERT INTO users (issuer, subject, email, email_verified, name, status, role, member_state_id, donor_organization_id, last_sign_in_at)
			SELECT 'https://idp.scale.example.org', 'scale-' || (@start + g), 'user' || (@start + g) || '@scale.example.org', true,
				'Synthetic user ' || (@start + g),
				CASE WHEN g % 5 = 0 THEN 'pending' ELSE 'active' END,
				CASE WHEN g % 5 = 0 THEN NULL WHEN g % 5 = 1 THEN 'viewer' WHEN g % 5 = 2 THEN 'focal_point' WHEN g % 5 = 3 THEN 'donor' ELSE 'secretariat' END,
				CASE WHEN g % 5 = 2 THEN (SELECT id FROM member_states ORDER BY id OFFSET (g % 193) LIMIT 1) END,
				CASE WHEN g % 5 = 3 THEN (SELECT id FROM donor_organizations ORDER BY id OFFSET (g % (SELECT count(*) FROM donor_organizations)) LIMIT 1) END,
				now() - make_interval(mins => g)
			FROM generate_series(1, @users) AS g`,
			map[string]any{"start": start, "users": 200 * n}).Error; err != nil {
			return fmt.Errorf("users: %w", err)
		}
		if err := tx.Exec(`
			INSERT INTO invitations (email, role, member_state_id, expires_at)
			SELECT 'invitee' || (@start + g) || '@scale.example.org', 'focal_point',
				(SELECT id FROM member_states ORDER BY id OFFSET (g % 193) LIMIT 1), now() + interval '30 days'
			FROM generate_series(1, @invitations) AS g
			ON CONFLICT DO NOTHING`,
			map[string]any{"start": start, "invitations": 20 * n}).Error; err != nil {
			return fmt.Errorf("invitations: %w", err)
		}
		if err := tx.Exec(`
			INSERT INTO audit_events (at, actor_email, action, target_type, target_id, ip, after)
			SELECT now() - make_interval(secs => g), 'user' || (g % 1000) || '@scale.example.org',
				(ARRAY['auth.sign_in', 'user.changed', 'invitation.created', 'auth.sign_out'])[1 + g % 4],
				'user', (g % 1000)::text, '192.0.2.' || (g % 250), jsonb_build_object('synthetic', true, 'n', g)
			FROM generate_series(1, @events) AS g`,
			map[string]any{"events": 2000 * n}).Error; err != nil {
			return fmt.Errorf("audit events: %w", err)
		}
		var err error
		if ws, err = seedScaleWorkspace(ctx, tx, n); err != nil {
			return err
		}
		if cs, err = seedScaleContributions(tx, n); err != nil {
			return fmt.Errorf("contributions: %w", err)
		}
		if activities, err = seedScaleActivities(tx, n); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("seed --scale %d: %w", n, err)
	}
	// VACUUM as well as ANALYZE: the tables are then as autovacuum keeps
	// them in service (visibility map set for index-only scans, the GIN
	// indexes' pending entries merged), not as a bulk load leaves them.
	if err := db.WithContext(ctx).Exec(`VACUUM (ANALYZE) users, invitations, audit_events, needs, need_events,
		progress_reports, progress_report_versions, treaty_actions, treaty_incorporations,
		contributions, contribution_instalments, exchange_rates, activities, activity_states, activity_partners,
		activity_funding`).Error; err != nil {
		return "", fmt.Errorf("vacuum: %w", err)
	}
	return fmt.Sprintf("scale data: %d users, %d invitations, %d audit events, %s, %s, %d activities added (synthetic, scale.example.org)",
		200*n, 20*n, 2000*n, ws, cs, activities), nil
}
