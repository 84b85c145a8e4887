package models

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"gorm.io/gorm"
)

// The portal's side effects are jobs of River's queue (tables made by
// migration 16), inserted in the transaction of the change that causes
// them, so a change never commits without its job and a rolled-back change
// sends nothing. The server's workers (web/jobs) run them.

// NotificationEmail sends one notification to its recipient by email.
type NotificationEmail struct {
	NotificationID int64 `json:"notification_id"`
}

func (NotificationEmail) Kind() string { return "notification_email" }

// InvitationEmail sends an invitation its sign-in link.
type InvitationEmail struct {
	InvitationID int64 `json:"invitation_id"`
}

func (InvitationEmail) Kind() string { return "invitation_email" }

// DigestEmail sends one person the notifications waiting for their daily
// digest. Day makes it unique: one a day, whoever enqueues it.
type DigestEmail struct {
	UserID int64  `json:"user_id"`
	Day    string `json:"day"`
}

func (DigestEmail) Kind() string { return "digest_email" }

func (DigestEmail) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendDigests finds who has a digest waiting and enqueues their emails (a
// periodic job, once a day).
type SendDigests struct{}

func (SendDigests) Kind() string { return "send_digests" }

// SendReminders reminds the States that have not reported in an open
// period (a periodic job; RunReminders makes it idempotent).
type SendReminders struct{}

func (SendReminders) Kind() string { return "send_reminders" }

// enqueue inserts jobs in the transaction tx. River's client for inserting
// is built here, over the transaction's database/sql handle: it holds no
// connection of its own and no state between calls.
func enqueue(tx *gorm.DB, jobs ...river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return fmt.Errorf("enqueue %d jobs: not in a transaction (%T)", len(jobs), tx.Statement.ConnPool)
	}
	client, err := river.NewClient(riverdatabasesql.New(nil), &river.Config{})
	if err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if _, err := client.InsertManyTx(tx.Statement.Context, sqlTx, jobs); err != nil {
		return fmt.Errorf("enqueue %d jobs: %w", len(jobs), err)
	}
	return nil
}

// DigestDay names the day a digest is for, in UTC.
func DigestDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// EnqueueDigests enqueues the daily digest of everyone who has one
// waiting; a second run the same day adds nothing (DigestEmail is unique
// by its arguments).
func EnqueueDigests(tx *gorm.DB, now time.Time) (int, error) {
	ids, err := DigestRecipients(tx.Statement.Context, tx)
	if err != nil {
		return 0, err
	}
	jobs := make([]river.InsertManyParams, 0, len(ids))
	for _, id := range ids {
		jobs = append(jobs, river.InsertManyParams{Args: DigestEmail{UserID: id, Day: DigestDay(now)}})
	}
	return len(jobs), enqueue(tx, jobs...)
}
