package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// StateOverview is what a Member State's page shows a person: the needs
// they may see by status, the treaty status of every instrument, and, for
// those who work on the State, this period's progress and what needs
// attention now.
type StateOverview struct {
	Needs      []NeedStatusCount
	NeedsTotal int
	Treaties   []InstrumentStatus
	// Progress is nil when the person may not see the State's progress.
	Progress  *PeriodProgress
	Attention []Attention
}

// InstrumentStatus is one instrument and where the State stands on it.
type InstrumentStatus struct {
	Instrument Instrument
	Status     TreatyStatus
}

// TreatyCount is how many instruments the State is party or signatory to.
func (o StateOverview) TreatyCount(s TreatyStatus) int {
	n := 0
	for _, t := range o.Treaties {
		if t.Status == s {
			n++
		}
	}
	return n
}

// PeriodProgress is a State's progress in one period, paragraph by
// paragraph, with the count of each status ("" counts paragraphs with no
// report yet).
type PeriodProgress struct {
	Period     ReportingPeriod
	Open       bool
	Paragraphs []ParagraphProgress
	ByStatus   map[ProgressStatus]int
	Missing    int // paragraphs with no report
}

// ParagraphProgress is one operative paragraph with its report, if any.
type ParagraphProgress struct {
	Paragraph OperativeRef
	Report    *ProgressSummary
}

// AttentionKind names something on a State's page that waits for someone.
type AttentionKind string

const (
	AttentionProgressReturned  AttentionKind = "progress_returned"  // the State answers the Secretariat
	AttentionProgressDraft     AttentionKind = "progress_draft"     // the State submits
	AttentionProgressMissing   AttentionKind = "progress_missing"   // the State reports
	AttentionNeedsDraft        AttentionKind = "needs_draft"        // the State submits
	AttentionDue               AttentionKind = "due"                // the period's due date is near
	AttentionOverdue           AttentionKind = "overdue"            // the due date has passed, the period is still open
	AttentionProgressSubmitted AttentionKind = "progress_submitted" // the Secretariat validates or returns
	AttentionNeedsSubmitted    AttentionKind = "needs_submitted"    // the Secretariat reviews
)

// Attention is one thing waiting, how many there are, and for the due
// date how many days remain.
type Attention struct {
	Kind  AttentionKind
	Count int
	Days  int
	Due   time.Time
}

// dueSoonDays is how close the due date must be to be named as attention.
const dueSoonDays = 30

// LoadStateOverview gathers a State's page for u (nil: anonymous): at most
// four statements, whatever the data (the needs by status, the treaty
// actions, and for those who may see progress the periods and this
// period's reports).
func LoadStateOverview(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, state MemberState, today time.Time) (StateOverview, error) {
	var o StateOverview
	var err error
	if o.Needs, err = CountNeedsByStatus(ctx, db, u, state.ID); err != nil {
		return o, err
	}
	for _, c := range o.Needs {
		o.NeedsTotal += c.Count
	}
	if o.Treaties, err = stateTreatyStatuses(ctx, db, ref, state.ID, today); err != nil {
		return o, err
	}
	if CanSeeProgress(u, state.ID) {
		if o.Progress, err = loadPeriodProgress(ctx, db, ref, u, state.ID, today); err != nil {
			return o, err
		}
	}
	o.Attention = attentionFor(ActorsFor(u, state.ID), o, today)
	return o, nil
}

// stateTreatyStatuses derives the State's status on every instrument from
// its actions, in one statement.
func stateTreatyStatuses(ctx context.Context, db *gorm.DB, ref *ReferenceCache, stateID int, today time.Time) ([]InstrumentStatus, error) {
	instruments, err := ref.Instruments(ctx)
	if err != nil {
		return nil, err
	}
	var actions []TreatyAction
	if err := db.WithContext(ctx).Select("instrument_id, kind, action_date").
		Where("member_state_id = ?", stateID).Find(&actions).Error; err != nil {
		return nil, fmt.Errorf("treaty actions of State %d: %w", stateID, err)
	}
	events := map[int][]TreatyEvent{}
	for _, a := range actions {
		events[a.InstrumentID] = append(events[a.InstrumentID], TreatyEvent{Kind: a.Kind, Date: a.ActionDate})
	}
	out := make([]InstrumentStatus, 0, len(instruments))
	for _, in := range instruments {
		out = append(out, InstrumentStatus{Instrument: in, Status: DeriveTreatyStatus(events[in.ID], today)})
	}
	return out, nil
}

// loadPeriodProgress reads the current period's reports of a State, one
// row per operative paragraph: two statements.
func loadPeriodProgress(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, stateID int, today time.Time) (*PeriodProgress, error) {
	choice, err := ChoosePeriod(ctx, db, 0, today)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil // no period yet: nothing to report against
		}
		return nil, err
	}
	reports, err := StateProgress(ctx, db, u, stateID, choice.Chosen.ID)
	if err != nil {
		return nil, err
	}
	paras, err := ref.OperativeParagraphs(ctx)
	if err != nil {
		return nil, err
	}
	byNumber := map[int]*ProgressSummary{}
	for i := range reports {
		byNumber[reports[i].ParagraphNumber] = &reports[i]
	}
	p := &PeriodProgress{Period: choice.Chosen, Open: choice.Current, ByStatus: map[ProgressStatus]int{}}
	for _, para := range paras {
		r := byNumber[para.Number]
		p.Paragraphs = append(p.Paragraphs, ParagraphProgress{Paragraph: para, Report: r})
		if r == nil {
			p.Missing++
			continue
		}
		p.ByStatus[r.Status]++
	}
	return p, nil
}

// attentionFor lists what waits for the given actors on a State's page:
// for the State, returned and unsubmitted reports, unreported paragraphs,
// draft needs and the due date while the period is open; for the
// Secretariat, what the State submitted.
func attentionFor(actors []Actor, o StateOverview, today time.Time) []Attention {
	var out []Attention
	add := func(k AttentionKind, n int) {
		if n > 0 {
			out = append(out, Attention{Kind: k, Count: n})
		}
	}
	needs := map[NeedStatus]int{}
	for _, c := range o.Needs {
		needs[c.Status] = c.Count
	}
	p := o.Progress
	if hasActor(actors, ActorState) {
		if p != nil && p.Open {
			add(AttentionProgressReturned, p.ByStatus[ProgressReturned])
			add(AttentionProgressDraft, p.ByStatus[ProgressDraft])
			add(AttentionProgressMissing, p.Missing)
		}
		add(AttentionNeedsDraft, needs[NeedDraft])
		if p != nil && p.Open {
			days := int(p.Period.DueOn.Sub(today).Hours() / 24)
			switch {
			case days < 0:
				out = append(out, Attention{Kind: AttentionOverdue, Days: -days, Due: p.Period.DueOn})
			case days <= dueSoonDays:
				out = append(out, Attention{Kind: AttentionDue, Days: days, Due: p.Period.DueOn})
			}
		}
	}
	if hasActor(actors, ActorSecretariat) {
		if p != nil {
			add(AttentionProgressSubmitted, p.ByStatus[ProgressSubmitted])
		}
		add(AttentionNeedsSubmitted, needs[NeedSubmitted]+needs[NeedUnderReview])
	}
	return out
}

// WaitingCounts are the numbers the navigation shows a signed-in person:
// for the Secretariat, what waits for review; for a focal point, their
// State's reports returned to them. They are read with the session (see
// SessionStore.FindCtx), so no page pays a statement for them.
type WaitingCounts struct {
	// ReviewNeeds, ReviewProgress and ReviewContributions are what waits
	// for the Secretariat, each counted up to ReviewCountCap+1 (the pages
	// say "more than 100" beyond): counting them all cost every page of
	// the Secretariat's a millisecond at production scale.
	ReviewNeeds         int
	ReviewProgress      int
	Returned            int
	ReviewContributions int
	// UnreadNotifications is the header's count of the person's unread
	// notifications.
	UnreadNotifications int
}

// Review is the total waiting for the Secretariat.
func (w WaitingCounts) Review() int { return w.ReviewNeeds + w.ReviewProgress + w.ReviewContributions }

// ReviewCapped tells whether a count of what waits for the Secretariat
// reached ReviewCountCap: there are more than it says.
func (w WaitingCounts) ReviewCapped() bool {
	return w.ReviewNeeds > ReviewCountCap || w.ReviewProgress > ReviewCountCap || w.ReviewContributions > ReviewCountCap
}

// ReviewCountCap bounds what waits for review that the session's statement
// counts on every page of the Secretariat: at production scale thousands
// may wait, and "more than 100" says enough.
const ReviewCountCap = 100

// ReviewItem is one need or progress report waiting for the Secretariat.
type ReviewItem struct {
	ID              int64
	MemberStateID   int
	Title           string // the need's title; empty for a report
	Language        string // the title's language
	ParagraphNumber int    // the report's paragraph; 0 for a need
	PeriodID        int64
	Status          string
	Since           time.Time
	DonorName       string // the contribution's donor; empty otherwise
}

// Waiting is how many whole days the item has waited.
func (r ReviewItem) Waiting(now time.Time) int { return int(now.Sub(r.Since).Hours() / 24) }

// ReviewQueue is what waits for the Secretariat, oldest first.
type ReviewQueue struct {
	Needs    []ReviewItem
	Progress []ReviewItem
	// Contributions are those the Secretariat has not verified against its
	// own records yet (cancelled ones aside), oldest recorded first.
	Contributions []ReviewItem
}

// reviewQueueLimit is how many of each kind the queue lists; the counts in
// the navigation say how many there are in all.
const reviewQueueLimit = 100

// LoadReviewQueue reads the needs submitted or under review, the progress
// reports submitted and the contributions not verified, oldest first:
// three statements, through the same visibility scopes as every list.
func LoadReviewQueue(ctx context.Context, db *gorm.DB, u *User) (ReviewQueue, error) {
	var q ReviewQueue
	err := db.WithContext(ctx).Model(&Need{}).Scopes(NeedsVisibleTo(u)).
		Select("needs.id, needs.member_state_id, needs.title, needs.language, needs.status, needs.status_changed_at AS since").
		Where("needs.status IN ?", []NeedStatus{NeedSubmitted, NeedUnderReview}).
		Order("needs.status_changed_at, needs.id").Limit(reviewQueueLimit).Scan(&q.Needs).Error
	if err != nil {
		return q, fmt.Errorf("review queue needs: %w", err)
	}
	err = db.WithContext(ctx).Model(&ProgressReport{}).Scopes(ProgressVisibleTo(u)).
		Select("progress_reports.id, progress_reports.member_state_id, progress_reports.paragraph_number, progress_reports.period_id, progress_reports.status, progress_reports.status_changed_at AS since").
		Where("progress_reports.status = ?", ProgressSubmitted).
		Order("progress_reports.status_changed_at, progress_reports.id").Limit(reviewQueueLimit).Scan(&q.Progress).Error
	if err != nil {
		return q, fmt.Errorf("review queue progress: %w", err)
	}
	err = db.WithContext(ctx).Model(&Contribution{}).Scopes(ContributionsVisibleTo(u)).
		Joins("JOIN donor_organizations d ON d.id = contributions.donor_organization_id").
		Select("contributions.id, contributions.title, contributions.language, contributions.status, contributions.created_at AS since, d.name AS donor_name").
		Where("NOT contributions.verified AND contributions.status <> ?", ContributionCancelled).
		Order("contributions.created_at, contributions.id").Limit(reviewQueueLimit).Scan(&q.Contributions).Error
	if err != nil {
		return q, fmt.Errorf("review queue contributions: %w", err)
	}
	return q, nil
}
