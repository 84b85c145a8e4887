package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// FailingJob is a job of the queue that failed at least once and has not
// succeeded since: retrying, or given up after its last attempt.
type FailingJob struct {
	ID          int64
	Kind        string
	State       string // "retryable" or "discarded"
	Attempt     int
	MaxAttempts int
	ScheduledAt time.Time // the next attempt, when retrying
	LastError   string
	FailedAt    *time.Time
}

// ListFailingJobs reads the failing jobs from River's table, newest first
// (one statement). River's JobList filtered by state returned no rows
// through its database/sql driver (v0.51.2) while the jobs were there, so
// the page reads the table itself; retrying goes through River.
func ListFailingJobs(ctx context.Context, db *gorm.DB, limit int) ([]FailingJob, error) {
	var rows []struct {
		FailingJob
		Err []byte
	}
	err := db.WithContext(ctx).Raw(`SELECT id, kind, state, attempt, max_attempts, scheduled_at,
			errors[cardinality(errors)] AS err
		FROM river_job WHERE state IN ('retryable', 'discarded') ORDER BY id DESC LIMIT ?`, limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("failing jobs: %w", err)
	}
	out := make([]FailingJob, len(rows))
	for i, r := range rows {
		out[i] = r.FailingJob
		var e struct {
			At    time.Time `json:"at"`
			Error string    `json:"error"`
		}
		if len(r.Err) > 0 && json.Unmarshal(r.Err, &e) == nil {
			out[i].LastError, out[i].FailedAt = e.Error, &e.At
		}
	}
	return out, nil
}
