package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

// PrepareDemoAccounts makes the accounts of the demo people with a role, as
// their first sign-in through the development provider would (issuer, and
// subject as that provider derives it), so the demo can hold their
// notifications before anyone signs in. Only `ctap dev` calls it, with its
// own provider's issuer; an account that exists is left alone.
func PrepareDemoAccounts(ctx context.Context, db *gorm.DB, issuer string, subjectFor func(email string) string) (int, error) {
	made := 0
	for _, a := range DemoAccounts() {
		if a.Role == "" {
			continue // the newcomer stays a first sign-in that lands pending
		}
		var exists int64
		if err := db.WithContext(ctx).Model(&User{}).Where("issuer = ? AND subject = ?", issuer, subjectFor(a.Email)).Count(&exists).Error; err != nil {
			return made, fmt.Errorf("prepare demo account %s: %w", a.Email, err)
		}
		if exists > 0 {
			continue
		}
		_, err := SignIn(ctx, db, Identity{Issuer: issuer, Subject: subjectFor(a.Email), Email: a.Email, EmailVerified: true, Name: a.Name},
			SignInPolicy{}, AuditContext{ActorNote: "ctap dev: demo account prepared"})
		if err != nil {
			return made, fmt.Errorf("prepare demo account %s: %w", a.Email, err)
		}
		made++
	}
	return made, nil
}

// demoNotificationsPerKind bounds how many past events of each kind the
// demo tells its people about (the latest), so a first `make run` sends a
// readable handful of emails, not hundreds.
const demoNotificationsPerKind = 3

// SeedDemoNotifications gives each demo account the notifications the demo
// data's recent events would have sent it: the Secretariat the needs and
// reports submitted, the focal points their needs' and reports' outcomes and
// the reminders of the open period, the donors the shared needs that match
// the interests the demo declares for them and their contributions
// confirmed as paid. It runs once: nothing is added when a demo account has
// notifications already. The emails are enqueued like any others.
func SeedDemoNotifications(ctx context.Context, db *gorm.DB) (int, error) {
	var accounts []User
	emails := make([]string, 0, len(DemoAccounts()))
	for _, a := range DemoAccounts() {
		emails = append(emails, strings.ToLower(a.Email))
	}
	if err := db.WithContext(ctx).Where("lower(email) IN ? AND status = 'active'", emails).Find(&accounts).Error; err != nil {
		return 0, fmt.Errorf("demo notifications: %w", err)
	}
	if len(accounts) == 0 {
		return 0, nil // nobody to tell yet
	}
	ids := make([]int64, len(accounts))
	for i, u := range accounts {
		ids[i] = u.ID
	}
	var already int64
	if err := db.WithContext(ctx).Model(&Notification{}).Where("user_id IN ?", ids).Count(&already).Error; err != nil {
		return 0, fmt.Errorf("demo notifications: %w", err)
	}
	if already > 0 {
		return 0, nil
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := declareDemoInterests(tx); err != nil {
			return err
		}
		var needs []struct {
			Need
			ISO3    string
			K       int // rank among the needs of its status, latest first
			SharedK int // rank among the needs shared with donors
		}
		// The latest needs of each status that tells someone something, and
		// the latest shared with donors.
		err := tx.Raw(`SELECT * FROM (
				SELECT n.*, s.iso3, row_number() OVER (PARTITION BY n.status ORDER BY n.status_changed_at DESC, n.id DESC) AS k,
					row_number() OVER (PARTITION BY n.visibility <> 'state' AND n.status IN ? ORDER BY n.status_changed_at DESC, n.id DESC) AS shared_k
				FROM needs n JOIN member_states s ON s.id = n.member_state_id
			) x WHERE k <= ? OR (shared_k <= 8 AND visibility <> 'state' AND status IN ?)
			ORDER BY status_changed_at, id`, FundableNeedStatuses(), demoNotificationsPerKind, FundableNeedStatuses()).Scan(&needs).Error
		if err != nil {
			return fmt.Errorf("demo needs: %w", err)
		}
		for _, n := range needs {
			about := notice{SubjectKind: "need", SubjectID: n.ID, Link: "/needs/" + strconv.FormatInt(n.ID, 10),
				Params: NotificationParams{"Title": n.Title, "State": n.ISO3}}
			if n.K <= demoNotificationsPerKind {
				switch n.Status {
				case NeedSubmitted, NeedUnderReview:
					about.Kind, about.To = NotifyNeedSubmitted, secretariatAudience()
				case NeedAccepted:
					about.Kind, about.To = NotifyNeedAccepted, focalPointsOf(n.MemberStateID)
				case NeedDeclined:
					about.Kind, about.To = NotifyNeedDeclined, focalPointsOf(n.MemberStateID)
				case NeedMet:
					about.Kind, about.To = NotifyNeedMet, focalPointsOf(n.MemberStateID)
				}
				if about.Kind != "" {
					if _, err := notify(tx, AuditContext{}, about); err != nil {
						return err
					}
				}
			}
			if n.SharedK <= 8 && sharedWithDonors(n.Visibility, n.Status) {
				about.Kind, about.To = NotifyNeedShared, interestedDonors(n.Need)
				if _, err := notify(tx, AuditContext{}, about); err != nil {
					return err
				}
			}
		}
		var reports []struct {
			ProgressReport
			Period Localized
		}
		err = tx.Raw(`SELECT * FROM (
				SELECT r.*, p.title AS period, row_number() OVER (PARTITION BY r.status, r.member_state_id ORDER BY r.status_changed_at DESC, r.id DESC) AS k
				FROM progress_reports r JOIN reporting_periods p ON p.id = r.period_id
				WHERE r.status IN ('submitted', 'returned', 'validated')
			) x WHERE k <= 1 ORDER BY status_changed_at, id`).Scan(&reports).Error
		if err != nil {
			return fmt.Errorf("demo reports: %w", err)
		}
		for i, r := range reports {
			if r.Status == ProgressSubmitted && i%4 != 0 {
				continue // the Secretariat hears of a sample, not of every State
			}
			if err := progressChanged(tx, AuditContext{}, r.ProgressReport, ReportingPeriod{ID: r.PeriodID, Title: r.Period}, r.Status); err != nil {
				return err
			}
		}
		var paid []Contribution
		err = tx.Raw(`SELECT * FROM (
				SELECT c.*, row_number() OVER (PARTITION BY c.donor_organization_id ORDER BY c.paid_on DESC, c.id DESC) AS k
				FROM contributions c WHERE c.status = 'paid'
			) x WHERE k <= ? ORDER BY paid_on, id`, demoNotificationsPerKind).Scan(&paid).Error
		if err != nil {
			return fmt.Errorf("demo contributions: %w", err)
		}
		for _, c := range paid {
			if err := contributionPaid(tx, AuditContext{}, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("demo notifications: %w", err)
	}
	if _, err := RunReminders(ctx, db, Today(), DefaultReminderDays()); err != nil {
		return 0, err
	}
	var made int64
	if err := db.WithContext(ctx).Model(&Notification{}).Where("user_id IN ?", ids).Count(&made).Error; err != nil {
		return 0, fmt.Errorf("demo notifications: %w", err)
	}
	return int(made), nil
}

// declareDemoInterests has the demo's donors declare what they fund, unless
// they did: Norway criminal justice and legal knowledge in Africa and
// Asia-Pacific, the European Union any need on paragraphs 2 to 5.
func declareDemoInterests(tx *gorm.DB) error {
	err := tx.Exec(`INSERT INTO donor_interests (donor_organization_id, themes, paragraphs, regional_groups)
		SELECT d.id, x.themes, x.paragraphs, x.groups FROM donor_organizations d
		JOIN (VALUES ('norway', ?::text[], '{}'::int[], ?::text[]), ('european-union', '{}'::text[], ?::int[], '{}'::text[]))
			AS x (slug, themes, paragraphs, groups) ON x.slug = d.slug
		ON CONFLICT (donor_organization_id) DO NOTHING`,
		pq.StringArray{"criminal_justice", "ratification", "information_sharing", "reporting"}, pq.StringArray{string(GroupAfrican), string(GroupAsiaPacific)},
		pq.Int32Array{2, 3, 4, 5}).Error
	if err != nil {
		return fmt.Errorf("demo donors' interests: %w", err)
	}
	return nil
}
