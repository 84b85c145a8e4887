// Package jobs runs the portal's side effects from River's queue in
// PostgreSQL: the emails of notifications, invitations and daily digests,
// and the reporting periods' reminders. The jobs are inserted by the
// models, in the transaction of the change that causes them; this package
// works them, retries them with backoff, and lets administrators see and
// retry the ones that fail.
package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"gorm.io/gorm"

	"ctap/models"
	"ctap/views"
	"ctap/web/i18n"
	"ctap/web/mailer"
	"ctap/web/reqctx"
)

// Config is what the workers need.
type Config struct {
	DB        *gorm.DB
	Catalogue *i18n.Catalogue
	Reference *models.ReferenceCache
	// Mail sends the emails; nil keeps notifications in the portal only
	// (an email job then completes without sending).
	Mail    *mailer.Sender
	BaseURL string
	// ReminderDays are the days before a due date on which States are
	// reminded (CTAP_REMINDER_DAYS).
	ReminderDays []int
	// Every is how often the reminders and digests are looked for (an
	// hour; both are idempotent, so a shorter interval only costs a query).
	Every  time.Duration
	Logger *slog.Logger
	// Now is the clock (tests move it).
	Now func() time.Time
}

// Queue is River's client over the portal's database: it works the jobs
// once started, and lists and retries them for administrators.
type Queue struct {
	client *river.Client[*sql.Tx]
	cfg    Config
}

// New builds the queue. River polls the database (its LISTEN/NOTIFY needs
// a pgx pool of its own; a second's delay on an email does not).
func New(cfg Config) (*Queue, error) {
	sqlDB, err := cfg.DB.DB()
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if cfg.Every <= 0 {
		cfg.Every = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	q := &Queue{cfg: cfg}
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(q.sendNotification))
	river.AddWorker(workers, river.WorkFunc(q.sendInvitation))
	river.AddWorker(workers, river.WorkFunc(q.sendDigest))
	river.AddWorker(workers, river.WorkFunc(q.enqueueDigests))
	river.AddWorker(workers, river.WorkFunc(q.runReminders))
	client, err := river.NewClient(riverdatabasesql.New(sqlDB), &river.Config{
		PollOnly:          true,
		FetchPollInterval: time.Second,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:           workers,
		MaxAttempts:       10, // about a day of backoff, then an administrator decides
		JobTimeout:        time.Minute,
		Logger:            cfg.Logger,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(cfg.Every),
				func() (river.JobArgs, *river.InsertOpts) { return models.SendReminders{}, nil },
				&river.PeriodicJobOpts{ID: "reminders", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cfg.Every),
				func() (river.JobArgs, *river.InsertOpts) { return models.SendDigests{}, nil },
				&river.PeriodicJobOpts{ID: "digests", RunOnStart: true}),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	q.client = client
	return q, nil
}

// Start works the queue until ctx ends or Stop is called.
func (q *Queue) Start(ctx context.Context) error {
	if q.cfg.Mail == nil {
		q.cfg.Logger.Info("email is off (no CTAP_SMTP_URL): notifications stay in the portal")
	}
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop lets the running jobs finish (within ctx) and stops.
func (q *Queue) Stop(ctx context.Context) error {
	if err := q.client.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// Retry runs a failing job again at once, and audits who asked.
func (q *Queue) Retry(ctx context.Context, id int64, ev models.AuditContext) error {
	job, err := q.client.JobGet(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("job %d: %w", id, models.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("job %d: %w", id, err)
	}
	if _, err := q.client.JobRetry(ctx, id); err != nil {
		return fmt.Errorf("retry job %d: %w", id, err)
	}
	return models.RecordEvent(ctx, q.cfg.DB, ev, models.ActionJobRetried, models.Target("job", id),
		map[string]any{"kind": job.Kind, "attempts": job.Attempt, "state": string(job.State)})
}

// localized is a context that renders views in language tag: the
// recipient's, any of the six whether or not the pages are offered in it
// yet (an email is read in the recipient's language, not the page's), and
// English for a tag that is none of them.
func (q *Queue) localized(ctx context.Context, tag string) context.Context {
	ctx = reqctx.WithCatalogue(ctx, q.cfg.Catalogue)
	l, ok := q.cfg.Catalogue.In(tag)
	if !ok {
		l = q.cfg.Catalogue.Localizer(tag)
	}
	return reqctx.WithLocalizer(ctx, l)
}

func (q *Queue) stateNames(ctx context.Context) (views.StateNames, error) {
	states, err := q.cfg.Reference.MemberStates(ctx)
	if err != nil {
		return nil, err
	}
	return views.StateNamesOf(states), nil
}

// send renders an email's two versions in ctx's language and sends it.
func (q *Queue) send(ctx context.Context, to models.Recipient, subject string, d views.EmailData) error {
	var html bytes.Buffer
	if err := views.EmailHTML(d).Render(ctx, &html); err != nil {
		return fmt.Errorf("render email: %w", err)
	}
	return q.cfg.Mail.Send(ctx, mailer.Message{
		To: to.Email, ToName: to.Name, Subject: subject, Text: views.EmailText(d), HTML: html.String(),
		Language: reqctx.Localizer(ctx).Tag,
	})
}

func (q *Queue) sendNotification(ctx context.Context, job *river.Job[models.NotificationEmail]) error {
	if q.cfg.Mail == nil {
		return nil
	}
	n, ok, err := models.NotificationForEmail(ctx, q.cfg.DB, job.Args.NotificationID)
	if err != nil || !ok {
		return err
	}
	states, err := q.stateNames(ctx)
	if err != nil {
		return err
	}
	lctx := q.localized(ctx, n.To.Language)
	subject, d := views.NotificationEmail(lctx, n.Notification, n.To, states, q.cfg.BaseURL)
	if err := q.send(lctx, n.To, subject, d); err != nil {
		return err
	}
	return models.MarkEmailed(ctx, q.cfg.DB, n.ID)
}

func (q *Queue) sendInvitation(ctx context.Context, job *river.Job[models.InvitationEmail]) error {
	if q.cfg.Mail == nil {
		return nil
	}
	inv, ok, err := models.InvitationForEmail(ctx, q.cfg.DB, job.Args.InvitationID)
	if err != nil || !ok {
		return err
	}
	// The invitee has no account yet: the email is in the inviter's
	// language.
	lctx := q.localized(ctx, inv.Language)
	scope := ""
	if inv.MemberState != nil {
		scope = inv.MemberState.LocalName(inv.Language)
	} else if inv.DonorOrganization != nil {
		scope = inv.DonorOrganization.LocalName(inv.Language)
	}
	subject, d := views.InvitationEmail(lctx, inv.Invitation, scope, inv.Inviter, q.cfg.BaseURL)
	return q.send(lctx, models.Recipient{Email: inv.Email}, subject, d)
}

func (q *Queue) sendDigest(ctx context.Context, job *river.Job[models.DigestEmail]) error {
	if q.cfg.Mail == nil {
		return nil
	}
	d, err := models.DigestFor(ctx, q.cfg.DB, job.Args.UserID)
	if err != nil || len(d.Items) == 0 {
		return err
	}
	states, err := q.stateNames(ctx)
	if err != nil {
		return err
	}
	lctx := q.localized(ctx, d.To.Language)
	subject, e := views.DigestEmail(lctx, d, states, q.cfg.BaseURL)
	if err := q.send(lctx, d.To, subject, e); err != nil {
		return err
	}
	ids := make([]int64, len(d.Items))
	for i, n := range d.Items {
		ids[i] = n.ID
	}
	return models.MarkEmailed(ctx, q.cfg.DB, ids...)
}

func (q *Queue) enqueueDigests(ctx context.Context, _ *river.Job[models.SendDigests]) error {
	return q.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, err := models.EnqueueDigests(tx, q.cfg.Now())
		return err
	})
}

func (q *Queue) runReminders(ctx context.Context, _ *river.Job[models.SendReminders]) error {
	n, err := models.RunReminders(ctx, q.cfg.DB, truncateDay(q.cfg.Now()), q.cfg.ReminderDays)
	if err != nil {
		return err
	}
	if n > 0 {
		q.cfg.Logger.Info("reminders sent", "count", n)
	}
	return nil
}

func truncateDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
