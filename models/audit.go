package models

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AuditEvent is one entry of the audit trail: who did what, when, from
// where, with the record before and after.
type AuditEvent struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	ActorEmail string
	Action     string
	TargetType string
	TargetID   string
	IP         string
	RequestID  string
	Before     json.RawMessage `gorm:"type:jsonb"`
	After      json.RawMessage `gorm:"type:jsonb"`
}

// AuditContext is who is acting and from where; handlers build it from the
// request, the command line builds a "system" one.
type AuditContext struct {
	Actor     *User
	ActorNote string // when there is no actor, e.g. "ctap users grant-admin"
	IP        string
	RequestID string
}

// AuditAction names a kind of event of the audit trail. Every action is a
// constant here, so the filter, the translations and the tests know them all.
type AuditAction string

// The actions of the audit trail, grouped by the family the filter offers
// (the part before the dot).
const (
	ActionSignIn             AuditAction = "auth.sign_in"
	ActionFirstSignIn        AuditAction = "auth.first_sign_in"
	ActionSignInFailed       AuditAction = "auth.sign_in_failed"
	ActionSignOut            AuditAction = "auth.sign_out"
	ActionOtherSessionsEnded AuditAction = "auth.other_sessions_ended"

	ActionUserChanged       AuditAction = "user.changed"
	ActionUserApproved      AuditAction = "user.approved"
	ActionUserDisabled      AuditAction = "user.disabled"
	ActionUserEnabled       AuditAction = "user.enabled"
	ActionUserRoleChanged   AuditAction = "user.role_changed"
	ActionUserGrantedAdmin  AuditAction = "user.granted_admin"
	ActionRoleByInvitation  AuditAction = "user.role_bound_by_invitation"
	ActionRoleByBootstrap   AuditAction = "user.role_bound_by_bootstrap"
	ActionRoleByGroups      AuditAction = "user.role_bound_by_groups"
	ActionInvitationCreated AuditAction = "invitation.created"
	ActionInvitationRevoked AuditAction = "invitation.revoked"
	ActionInvitationApplied AuditAction = "invitation.applied"
	ActionUserSessionsEnded AuditAction = "user.sessions_ended"

	ActionNeedCreated    AuditAction = "need.created"
	ActionNeedEdited     AuditAction = "need.edited"
	ActionNeedTransition AuditAction = "need.status_changed"

	ActionPeriodCreated AuditAction = "period.created"
	ActionPeriodEdited  AuditAction = "period.edited"

	ActionProgressSaved      AuditAction = "progress.saved"
	ActionProgressTransition AuditAction = "progress.status_changed"
	ActionProgressCarried    AuditAction = "progress.carried_forward"

	ActionTreatyActionSaved   AuditAction = "treaty.action_saved"
	ActionTreatyActionDeleted AuditAction = "treaty.action_deleted"
	ActionTreatyIncorporation AuditAction = "treaty.incorporation_saved"
	ActionTreatyImported      AuditAction = "treaty.imported"

	ActionRateCreated   AuditAction = "rate.created"
	ActionRateChanged   AuditAction = "rate.changed"
	ActionRatesImported AuditAction = "rates.imported"

	ActionContributionCreated    AuditAction = "contribution.created"
	ActionContributionEdited     AuditAction = "contribution.edited"
	ActionContributionTransition AuditAction = "contribution.status_changed"
	ActionContributionVerified   AuditAction = "contribution.verified"
	ActionContributionsImported  AuditAction = "contribution.imported"

	ActionActivityCreated    AuditAction = "activity.created"
	ActionActivityEdited     AuditAction = "activity.edited"
	ActionActivityTransition AuditAction = "activity.status_changed"
	ActionActivityResults    AuditAction = "activity.results_saved"
	ActionActivityConfirmed  AuditAction = "activity.participation_confirmed"
	ActionActivitiesImported AuditAction = "activity.imported"
	ActionPartnerSaved       AuditAction = "activity.partner_saved"
	ActionActivityOutcome    AuditAction = "activity.outcome_linked"

	ActionTokenCreated            AuditAction = "token.created"
	ActionTokenRevoked            AuditAction = "token.revoked"
	ActionTokenUsedFromNewAddress AuditAction = "token.used_from_new_address"

	ActionNotificationSettings AuditAction = "user.notification_settings_saved"
	ActionDonorInterests       AuditAction = "donor.interests_saved"
	ActionJobRetried           AuditAction = "job.retried"

	ActionReportGenerated   AuditAction = "report.generated"
	ActionReportRegenerated AuditAction = "report.regenerated"
	ActionReportEdited      AuditAction = "report.paragraph_edited"
	ActionReportExcerpts    AuditAction = "report.excerpts_chosen"
	ActionReportTransition  AuditAction = "report.status_changed"
)

// Family is the part of the action before the dot ("user", "need").
func (a AuditAction) Family() string {
	f, _, _ := strings.Cut(string(a), ".")
	return f
}

// AuditFamilies are the families the audit filter offers, in order.
func AuditFamilies() []string {
	return []string{"auth", "user", "invitation", "need", "period", "progress", "treaty", "contribution", "rate", "rates", "activity", "report", "donor", "job", "token"}
}

// AuditTarget is the record an event is about.
type AuditTarget struct {
	Type string // "user", "need", ...
	ID   string
}

// Target names a record by its type and numeric ID.
func Target(kind string, id int64) AuditTarget {
	return AuditTarget{Type: kind, ID: strconv.FormatInt(id, 10)}
}

// recordChange writes an event inside the caller's transaction, so a change
// and its audit row commit together. before and after are any values that
// marshal to JSON objects (use values, not pointers, for what they show).
func recordChange(tx *gorm.DB, ev AuditContext, action AuditAction, target AuditTarget, before, after any) error {
	e, err := newAuditEvent(ev, action, target, before, after)
	if err != nil {
		return err
	}
	if err := tx.Omit("At").Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// newAuditEvent is the row recordChange writes; imports that audit many
// changes build their rows with it and write them in batches.
func newAuditEvent(ev AuditContext, action AuditAction, target AuditTarget, before, after any) (AuditEvent, error) {
	e := AuditEvent{Action: string(action), TargetType: target.Type, TargetID: target.ID, IP: ev.IP, RequestID: ev.RequestID, ActorEmail: ev.ActorNote}
	if ev.Actor != nil && ev.Actor.ID != 0 {
		id := ev.Actor.ID
		e.ActorID, e.ActorEmail = &id, ev.Actor.Email
	}
	var err error
	if e.Before, err = jsonOrNull(before); err != nil {
		return e, err
	}
	if e.After, err = jsonOrNull(after); err != nil {
		return e, err
	}
	return e, nil
}

// SameValues compares two audit views by value: what they would record,
// not where they live in memory (pointers to equal numbers are equal).
func SameValues(a, b any) bool {
	ja, err1 := jsonOrNull(a)
	jb, err2 := jsonOrNull(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var va, vb any
	if len(ja) > 0 {
		_ = json.Unmarshal(ja, &va)
	}
	if len(jb) > 0 {
		_ = json.Unmarshal(jb, &vb)
	}
	return reflect.DeepEqual(va, vb)
}

// changedFields lists the keys whose values differ between two audit views
// (maps), sorted: the audit trail and the history say what an edit changed.
func changedFields(before, after map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	for k := range before {
		seen[k] = true
	}
	for k := range after {
		seen[k] = true
	}
	for k := range seen {
		if !SameValues(map[string]any{"v": before[k]}, map[string]any{"v": after[k]}) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func jsonOrNull(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	if m, ok := v.(map[string]any); ok && m == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return b, nil
}

// RecordEvent writes an event that changes nothing else (a failed sign-in,
// a sign-out).
func RecordEvent(ctx context.Context, db *gorm.DB, ev AuditContext, action AuditAction, target AuditTarget, details any) error {
	return recordChange(db.WithContext(ctx), ev, action, target, nil, details)
}

// AuditFilter narrows the audit trail.
type AuditFilter struct {
	Action  string // exact action, or a family ending with "." ("user.")
	ActorID int64
}

// auditNewestFirst is the trail's order.
var auditNewestFirst = Order{Keys: []SortKey{{"at", "timestamptz"}, {"id", "bigint"}}, Desc: true}

// AuditEntry is an event of the trail with the names it refers to, for
// reading: who acted, and what the record it is about is called now.
type AuditEntry struct {
	AuditEvent
	ActorName string // the actor's name ("" when none or unknown)
	// TargetName and TargetNameFr name the record ("" when it has no name
	// or is gone); TargetNameFr is "" when the name is not translated.
	TargetName   string
	TargetNameFr string
	// TargetRef is what the record's address needs beyond its ID: the
	// State's ISO3 code with the paragraph ("KEN/3") for a progress
	// report, the State's code for treaty status, a slug for an
	// organization.
	TargetRef string
}

// auditNames resolves, in the list's one statement, the names an event
// refers to. Each subselect runs only for rows of its target type, by
// primary key; a record deleted since reads as no name.
const auditNames = `audit_events.*,
	(SELECT coalesce(nullif(u.name, ''), u.email) FROM users u WHERE u.id = audit_events.actor_id) AS actor_name,
	CASE audit_events.target_type
		WHEN 'user' THEN (SELECT coalesce(nullif(u.name, ''), u.email) FROM users u WHERE u.id = audit_events.target_id::bigint)
		WHEN 'invitation' THEN (SELECT i.email FROM invitations i WHERE i.id = audit_events.target_id::bigint)
		WHEN 'need' THEN (SELECT n.title FROM needs n WHERE n.id = audit_events.target_id::bigint)
		WHEN 'contribution' THEN (SELECT c.title FROM contributions c WHERE c.id = audit_events.target_id::bigint)
		WHEN 'activity' THEN (SELECT a.title FROM activities a WHERE a.id = audit_events.target_id::bigint)
		WHEN 'period' THEN (SELECT p.title ->> 'en' FROM reporting_periods p WHERE p.id = audit_events.target_id::bigint)
		WHEN 'report' THEN (SELECT p.title ->> 'en' FROM reports r JOIN reporting_periods p ON p.id = r.period_id WHERE r.id = audit_events.target_id::bigint)
		WHEN 'progress_report' THEN (SELECT ms.name || ', ' || pr.paragraph_number FROM progress_reports pr JOIN member_states ms ON ms.id = pr.member_state_id WHERE pr.id = audit_events.target_id::bigint)
		WHEN 'treaty_action' THEN (SELECT ms.name || ', ' || i.short_name FROM treaty_actions t JOIN member_states ms ON ms.id = t.member_state_id JOIN instruments i ON i.id = t.instrument_id WHERE t.id = audit_events.target_id::bigint)
		WHEN 'treaty_incorporation' THEN (SELECT ms.name || ', ' || i.short_name FROM treaty_incorporations t JOIN member_states ms ON ms.id = t.member_state_id JOIN instruments i ON i.id = t.instrument_id WHERE t.id = audit_events.target_id::bigint)
		WHEN 'donor_organization' THEN (SELECT d.name FROM donor_organizations d WHERE d.id = audit_events.target_id::int)
		WHEN 'member_state' THEN (SELECT ms.name FROM member_states ms WHERE ms.id = audit_events.target_id::int)
		WHEN 'partner' THEN (SELECT po.name ->> 'en' FROM partner_organizations po WHERE po.slug = audit_events.target_id)
		WHEN 'exchange_rate' THEN audit_events.target_id
		WHEN 'access_token' THEN (SELECT t.name FROM access_tokens t WHERE t.id = audit_events.target_id::bigint)
	END AS target_name,
	CASE audit_events.target_type
		WHEN 'period' THEN (SELECT p.title ->> 'fr' FROM reporting_periods p WHERE p.id = audit_events.target_id::bigint)
		WHEN 'report' THEN (SELECT p.title ->> 'fr' FROM reports r JOIN reporting_periods p ON p.id = r.period_id WHERE r.id = audit_events.target_id::bigint)
		WHEN 'progress_report' THEN (SELECT ms.name_fr || ', ' || pr.paragraph_number FROM progress_reports pr JOIN member_states ms ON ms.id = pr.member_state_id WHERE pr.id = audit_events.target_id::bigint)
		WHEN 'treaty_action' THEN (SELECT ms.name_fr || ', ' || i.short_name FROM treaty_actions t JOIN member_states ms ON ms.id = t.member_state_id JOIN instruments i ON i.id = t.instrument_id WHERE t.id = audit_events.target_id::bigint)
		WHEN 'treaty_incorporation' THEN (SELECT ms.name_fr || ', ' || i.short_name FROM treaty_incorporations t JOIN member_states ms ON ms.id = t.member_state_id JOIN instruments i ON i.id = t.instrument_id WHERE t.id = audit_events.target_id::bigint)
		WHEN 'donor_organization' THEN (SELECT d.name_fr FROM donor_organizations d WHERE d.id = audit_events.target_id::int)
		WHEN 'member_state' THEN (SELECT ms.name_fr FROM member_states ms WHERE ms.id = audit_events.target_id::int)
		WHEN 'partner' THEN (SELECT po.name ->> 'fr' FROM partner_organizations po WHERE po.slug = audit_events.target_id)
	END AS target_name_fr,
	CASE audit_events.target_type
		WHEN 'progress_report' THEN (SELECT ms.iso3 || '/' || pr.paragraph_number FROM progress_reports pr JOIN member_states ms ON ms.id = pr.member_state_id WHERE pr.id = audit_events.target_id::bigint)
		WHEN 'treaty_action' THEN (SELECT ms.iso3 FROM treaty_actions t JOIN member_states ms ON ms.id = t.member_state_id WHERE t.id = audit_events.target_id::bigint)
		WHEN 'treaty_incorporation' THEN (SELECT ms.iso3 FROM treaty_incorporations t JOIN member_states ms ON ms.id = t.member_state_id WHERE t.id = audit_events.target_id::bigint)
		WHEN 'donor_organization' THEN (SELECT d.slug FROM donor_organizations d WHERE d.id = audit_events.target_id::int)
		WHEN 'member_state' THEN (SELECT ms.iso3 FROM member_states ms WHERE ms.id = audit_events.target_id::int)
		WHEN 'invitation' THEN (SELECT CASE WHEN i.accepted_at IS NULL AND i.revoked_at IS NULL THEN 'open' ELSE '' END FROM invitations i WHERE i.id = audit_events.target_id::bigint)
	END AS target_ref`

// ListAuditEvents returns a page of the trail, newest first, with the
// names its events refer to, in one statement whatever the page holds.
func ListAuditEvents(ctx context.Context, db *gorm.DB, f AuditFilter, req PageRequest) (Page[AuditEntry], error) {
	q := db.WithContext(ctx).Table("audit_events").Select(auditNames)
	if f.Action != "" {
		if f.Action[len(f.Action)-1] == '.' {
			q = q.Where("audit_events.action LIKE ?", escapeLike(f.Action)+"%")
		} else {
			q = q.Where("audit_events.action = ?", f.Action)
		}
	}
	if f.ActorID != 0 {
		q = q.Where("audit_events.actor_id = ?", f.ActorID)
	}
	page, err := paginate(q, auditNewestFirst, req, func(e AuditEntry) []any {
		return []any{e.At.UTC().Format(time.RFC3339Nano), e.ID}
	})
	if err != nil {
		return page, fmt.Errorf("list audit events: %w", err)
	}
	return page, nil
}

// AuditActions lists every action of the trail (a test checks it against
// the constants above), so each has a translated name.
func AuditActions() []AuditAction {
	return []AuditAction{
		ActionSignIn, ActionFirstSignIn, ActionSignInFailed, ActionSignOut, ActionOtherSessionsEnded,
		ActionUserChanged, ActionUserApproved, ActionUserDisabled, ActionUserEnabled, ActionUserRoleChanged,
		ActionUserGrantedAdmin, ActionRoleByInvitation, ActionRoleByBootstrap, ActionRoleByGroups,
		ActionInvitationCreated, ActionInvitationRevoked, ActionInvitationApplied, ActionUserSessionsEnded,
		ActionNeedCreated, ActionNeedEdited, ActionNeedTransition,
		ActionPeriodCreated, ActionPeriodEdited,
		ActionProgressSaved, ActionProgressTransition, ActionProgressCarried,
		ActionTreatyActionSaved, ActionTreatyActionDeleted, ActionTreatyIncorporation, ActionTreatyImported,
		ActionRateCreated, ActionRateChanged, ActionRatesImported,
		ActionContributionCreated, ActionContributionEdited, ActionContributionTransition, ActionContributionVerified, ActionContributionsImported,
		ActionActivityCreated, ActionActivityEdited, ActionActivityTransition, ActionActivityResults,
		ActionActivityConfirmed, ActionActivitiesImported, ActionPartnerSaved, ActionActivityOutcome,
		ActionTokenCreated, ActionTokenRevoked, ActionTokenUsedFromNewAddress,
		ActionNotificationSettings, ActionDonorInterests, ActionJobRetried,
		ActionReportGenerated, ActionReportRegenerated, ActionReportEdited, ActionReportExcerpts, ActionReportTransition,
	}
}
