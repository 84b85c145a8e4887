package models

import (
	"context"
	"encoding/json"
	"fmt"
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

// recordAudit writes an event inside the caller's transaction, so a change
// and its audit row commit together.
func recordAudit(tx *gorm.DB, ev AuditContext, action, targetType, targetID string, before, after any) error {
	e := AuditEvent{Action: action, TargetType: targetType, TargetID: targetID, IP: ev.IP, RequestID: ev.RequestID, ActorEmail: ev.ActorNote}
	if ev.Actor != nil && ev.Actor.ID != 0 {
		id := ev.Actor.ID
		e.ActorID, e.ActorEmail = &id, ev.Actor.Email
	}
	var err error
	if e.Before, err = jsonOrNull(before); err != nil {
		return err
	}
	if e.After, err = jsonOrNull(after); err != nil {
		return err
	}
	if err := tx.Omit("At").Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
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
func RecordEvent(ctx context.Context, db *gorm.DB, ev AuditContext, action, targetType, targetID string, details any) error {
	return recordAudit(db.WithContext(ctx), ev, action, targetType, targetID, nil, details)
}

// AuditFilter narrows the audit trail.
type AuditFilter struct {
	Action  string // exact action, or a prefix ending with "." ("user.")
	ActorID int64
	AfterID int64 // keyset: events older than this one
	Limit   int
}

// ListAuditEvents returns a page of the trail, newest first, and whether
// there is more.
func ListAuditEvents(ctx context.Context, db *gorm.DB, f AuditFilter) ([]AuditEvent, bool, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := db.WithContext(ctx).Model(&AuditEvent{})
	if f.Action != "" {
		if f.Action[len(f.Action)-1] == '.' {
			q = q.Where("action LIKE ?", escapeLike(f.Action)+"%")
		} else {
			q = q.Where("action = ?", f.Action)
		}
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.AfterID > 0 {
		q = q.Where("(at, id) < (SELECT at, id FROM audit_events WHERE id = ?)", f.AfterID)
	}
	var out []AuditEvent
	if err := q.Order("at DESC, id DESC").Limit(f.Limit + 1).Find(&out).Error; err != nil {
		return nil, false, fmt.Errorf("list audit events: %w", err)
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
}
