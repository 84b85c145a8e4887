package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NeedStatus is where a request for technical assistance stands.
type NeedStatus string

const (
	NeedDraft       NeedStatus = "draft"
	NeedSubmitted   NeedStatus = "submitted"
	NeedUnderReview NeedStatus = "under_review"
	NeedAccepted    NeedStatus = "accepted"
	NeedInDelivery  NeedStatus = "in_delivery"
	NeedMet         NeedStatus = "met"
	NeedDeclined    NeedStatus = "declined"
	NeedWithdrawn   NeedStatus = "withdrawn"
)

// NeedStatuses lists the statuses in the order of the workflow.
func NeedStatuses() []NeedStatus {
	return []NeedStatus{NeedDraft, NeedSubmitted, NeedUnderReview, NeedAccepted, NeedInDelivery, NeedMet, NeedDeclined, NeedWithdrawn}
}

// Valid reports whether s is a known status.
func (s NeedStatus) Valid() bool {
	for _, v := range NeedStatuses() {
		if s == v {
			return true
		}
	}
	return false
}

// Closed reports whether a need in status s is finished: it can no longer
// be edited.
func (s NeedStatus) Closed() bool { return s == NeedMet || s == NeedDeclined || s == NeedWithdrawn }

// NeedWorkflow is the needs' transition table: the State drafts, submits
// and withdraws; the Secretariat reviews, accepts or declines, delivers and
// marks met, explaining its decisions.
var NeedWorkflow = Workflow[NeedStatus]{
	{From: NeedDraft, To: NeedSubmitted, Who: ActorState},
	{From: NeedSubmitted, To: NeedUnderReview, Who: ActorSecretariat},
	{From: NeedUnderReview, To: NeedAccepted, Who: ActorSecretariat},
	{From: NeedUnderReview, To: NeedDeclined, Who: ActorSecretariat, NoteRequired: true},
	{From: NeedAccepted, To: NeedInDelivery, Who: ActorSecretariat},
	{From: NeedInDelivery, To: NeedMet, Who: ActorSecretariat, NoteRequired: true},
	{From: NeedDraft, To: NeedWithdrawn, Who: ActorState},
	{From: NeedSubmitted, To: NeedWithdrawn, Who: ActorState},
	{From: NeedUnderReview, To: NeedWithdrawn, Who: ActorState, NoteRequired: true},
	{From: NeedAccepted, To: NeedWithdrawn, Who: ActorState, NoteRequired: true},
	{From: NeedWithdrawn, To: NeedDraft, Who: ActorState},
}

// Priorities and modalities a need can have.
var (
	NeedPriorities = []string{"high", "medium", "low"}
	NeedModalities = []string{"legislative_drafting", "training", "mentoring", "equipment", "study_visit", "expert_advice", "other"}
)

// Need is a Member State's request for technical assistance.
type Need struct {
	ID                      int64
	MemberStateID           int
	Title                   string
	Description             string
	Language                string        `gorm:"default:en"` // the language the title and description are written in
	Paragraphs              pq.Int32Array `gorm:"type:int[]"`
	Theme                   string
	Priority                string
	BeneficiaryInstitutions string
	Modality                string
	EstimatedCost           decimal.NullDecimal
	CostCurrency            *string
	TargetStart             *time.Time
	TargetEnd               *time.Time
	Visibility              NeedVisibility
	Status                  NeedStatus
	StatusChangedAt         time.Time
	Version                 int
	CreatedBy               *int64
	CreatedAt               time.Time
	UpdatedAt               time.Time

	// Funding is read only by a list that asks for it (NeedFilter.Funding
	// or the gap order); never written.
	Funding NeedFundingFigures `gorm:"embedded;->"`
}

// auditView is what the audit trail and the history compare.
func (n Need) auditView() map[string]any {
	cost := ""
	if n.EstimatedCost.Valid {
		cost = n.EstimatedCost.Decimal.String() + " " + deref(n.CostCurrency)
	}
	return map[string]any{
		"member_state_id": n.MemberStateID, "title": n.Title, "description": n.Description,
		"language": n.Language, "paragraphs": []int32(n.Paragraphs), "theme": n.Theme, "priority": n.Priority,
		"beneficiary_institutions": n.BeneficiaryInstitutions, "modality": n.Modality,
		"estimated_cost": cost, "target_start": dateString(n.TargetStart), "target_end": dateString(n.TargetEnd),
		"visibility": n.Visibility, "status": n.Status,
	}
}

func dateString(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format("2006-01-02")
}

// NeedInput is a need as a person types it: the form decodes into it, the
// validation library checks its shape, and ValidateNeed its meaning.
type NeedInput struct {
	State                   string   `form:"state" validate:"required,len=3"`
	Title                   string   `form:"title" validate:"required,max=200"`
	Description             string   `form:"description" validate:"max=10000"`
	Language                string   `form:"language" validate:"omitempty,oneof=ar zh en fr ru es" msg:"validation.language"`
	Paragraphs              []string `form:"paragraphs" validate:"required,min=1,max=30"`
	Theme                   string   `form:"theme" validate:"required"`
	Priority                string   `form:"priority" validate:"required,oneof=high medium low"`
	BeneficiaryInstitutions string   `form:"beneficiary_institutions" validate:"max=2000"`
	Modality                string   `form:"modality" validate:"required,oneof=legislative_drafting training mentoring equipment study_visit expert_advice other"`
	Cost                    string   `form:"cost" validate:"max=40"`
	Currency                string   `form:"currency" validate:"required_with=Cost,omitempty,len=3"`
	TargetStart             string   `form:"target_start" validate:"omitempty,datetime=2006-01-02"`
	TargetEnd               string   `form:"target_end" validate:"omitempty,datetime=2006-01-02"`
	Visibility              string   `form:"visibility" validate:"required,oneof=state donors public"`
}

// InputOf restates a stored need as the form shows it for editing.
func (n Need) InputOf(iso3 string) NeedInput {
	in := NeedInput{
		State: iso3, Title: n.Title, Description: n.Description, Language: n.Language, Theme: n.Theme, Priority: n.Priority,
		BeneficiaryInstitutions: n.BeneficiaryInstitutions, Modality: n.Modality,
		TargetStart: dateString(n.TargetStart), TargetEnd: dateString(n.TargetEnd), Visibility: string(n.Visibility),
	}
	for _, p := range n.Paragraphs {
		in.Paragraphs = append(in.Paragraphs, strconv.Itoa(int(p)))
	}
	if n.EstimatedCost.Valid {
		in.Cost = n.EstimatedCost.Decimal.String()
		in.Currency = deref(n.CostCurrency)
	}
	return in
}

// ValidateNeed checks an input's meaning against the reference data and
// the person's rights, and returns the need it describes (not stored).
// Every problem is reported against its form field.
func ValidateNeed(ctx context.Context, ref *ReferenceCache, u *User, in NeedInput) (Need, error) {
	p := Problems{}
	var n Need
	state, err := ref.MemberStateByISO3(ctx, strings.TrimSpace(in.State))
	switch {
	case errors.Is(err, ErrNotFound):
		p.Add("state", "validation.unknown_state")
	case err != nil:
		return n, err
	case !hasActor(ActorsFor(u, state.ID), ActorState) && !hasActor(ActorsFor(u, state.ID), ActorSecretariat):
		p.Add("state", "validation.foreign_state")
	default:
		n.MemberStateID = state.ID
	}
	checkText(p, "title", in.Title, true, 200)
	checkText(p, "description", in.Description, false, 10000)
	checkText(p, "beneficiary_institutions", in.BeneficiaryInstitutions, false, 2000)
	n.Title = strings.TrimSpace(in.Title)
	n.Description = strings.TrimSpace(in.Description)
	n.Language = checkLanguage(p, "language", in.Language)
	n.BeneficiaryInstitutions = strings.TrimSpace(in.BeneficiaryInstitutions)

	paras, err := ref.OperativeParagraphs(ctx)
	if err != nil {
		return n, err
	}
	known := map[int]bool{}
	for _, op := range paras {
		known[op.Number] = true
	}
	seen := map[int]bool{}
	for _, raw := range in.Paragraphs {
		num, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || !known[num] {
			p.Add("paragraphs", "validation.unknown_paragraph")
			break
		}
		if !seen[num] {
			seen[num] = true
			n.Paragraphs = append(n.Paragraphs, int32(num))
		}
	}
	if len(in.Paragraphs) == 0 {
		p.Add("paragraphs", "validation.choose_paragraph")
	}
	sortInt32(n.Paragraphs)

	if !validTheme(in.Theme) {
		p.Add("theme", "validation.choose")
	}
	n.Theme = in.Theme
	if !slices.Contains(NeedPriorities, in.Priority) {
		p.Add("priority", "validation.choose")
	}
	n.Priority = in.Priority
	if !slices.Contains(NeedModalities, in.Modality) {
		p.Add("modality", "validation.choose")
	}
	n.Modality = in.Modality
	n.Visibility = NeedVisibility(in.Visibility)
	if !n.Visibility.Valid() {
		p.Add("visibility", "validation.choose")
	}

	cost, code := strings.TrimSpace(in.Cost), strings.ToUpper(strings.TrimSpace(in.Currency))
	switch {
	case cost == "" && code == "":
	case cost == "":
		p.Add("cost", "validation.amount_without_value")
	case code == "":
		p.Add("currency", "validation.currency_required")
	default:
		cur, ok, err := ref.Currency(ctx, code)
		if err != nil {
			return n, err
		}
		if !ok {
			p.Add("currency", "validation.unknown_currency")
			break
		}
		if d, ok := parseAmount(p, "cost", cost, cur); ok {
			n.EstimatedCost = decimal.NullDecimal{Decimal: d, Valid: true}
			n.CostCurrency = &cur.Code
		}
	}

	n.TargetStart = parseDate(p, "target_start", in.TargetStart)
	n.TargetEnd = parseDate(p, "target_end", in.TargetEnd)
	if n.TargetStart != nil && n.TargetEnd != nil && n.TargetEnd.Before(*n.TargetStart) {
		p.Add("target_end", "validation.end_before_start")
	}
	return n, p.Err()
}

func validTheme(t string) bool {
	for _, th := range NeedThemes() {
		if th == t {
			return true
		}
	}
	return false
}

// NeedThemes are the themes a need can have: those of the resolution's
// operative paragraphs.
func NeedThemes() []string {
	return []string{"ratification", "international_cooperation", "criminal_justice", "prevention_human_rights",
		"capacity_building", "legal_knowledge", "foreign_terrorist_fighters", "information_sharing",
		"kidnapping_hostage_taking", "internet", "cultural_heritage", "coordination", "programmes",
		"joint_initiatives", "voluntary_contributions", "resources", "reporting"}
}

func sortInt32(a []int32) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// parseDate reads an ISO date (2006-01-02) between 1945 and 2100.
func parseDate(p Problems, field, raw string) *time.Time {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	d, err := time.Parse("2006-01-02", raw)
	if err != nil || d.Year() < 1945 || d.Year() > 2100 {
		p.Add(field, "validation.date")
		return nil
	}
	return &d
}

// NeedEvent is one step of a need's history.
type NeedEvent struct {
	ID         int64
	NeedID     int64
	At         time.Time `gorm:"default:now()"` // the database's clock when zero
	ActorID    *int64
	ActorName  string
	Kind       string // created, edited, transition
	FromStatus *string
	ToStatus   *string
	Note       string
	Changed    pq.StringArray `gorm:"type:text[]"`
}

// BeforeCreate stores an event that changed no field with an empty list:
// the column is NOT NULL.
func (e *NeedEvent) BeforeCreate(*gorm.DB) error {
	if e.Changed == nil {
		e.Changed = pq.StringArray{}
	}
	return nil
}

func actorName(ev AuditContext) string {
	if ev.Actor != nil {
		return ev.Actor.DisplayName()
	}
	return ev.ActorNote
}

func actorID(ev AuditContext) *int64 {
	if ev.Actor != nil && ev.Actor.ID != 0 {
		id := ev.Actor.ID
		return &id
	}
	return nil
}

// CreateNeed stores a new draft need for u's State (or any State, for the
// Secretariat), with its history's first step and its audit row.
func CreateNeed(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, in NeedInput, ev AuditContext) (Need, error) {
	n, err := ValidateNeed(ctx, ref, u, in)
	if err != nil {
		return n, err
	}
	n.Status, n.Version, n.CreatedBy = NeedDraft, 1, actorID(ev)
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Omit("StatusChangedAt", "CreatedAt", "UpdatedAt").Create(&n).Error; err != nil {
			return err
		}
		if err := tx.Create(&NeedEvent{NeedID: n.ID, ActorID: actorID(ev), ActorName: actorName(ev), Kind: "created", ToStatus: strPtr(string(NeedDraft)), Changed: pq.StringArray{}}).Error; err != nil {
			return err
		}
		return recordChange(tx, ev, ActionNeedCreated, Target("need", n.ID), nil, n.auditView())
	})
	if err != nil {
		return n, fmt.Errorf("create need: %w", err)
	}
	return n, nil
}

func strPtr(s string) *string { return &s }

// lockNeed reads a need for update inside a transaction.
func lockNeed(tx *gorm.DB, id int64) (Need, error) {
	var n Need
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&n, id).Error; err != nil {
		return n, notFound(err, fmt.Sprintf("need %d", id))
	}
	return n, nil
}

// CanEditNeed tells whether u may edit a need: its State's focal points
// and the Secretariat, while it is not closed.
func CanEditNeed(u *User, n Need) bool {
	return !n.Status.Closed() && len(ActorsFor(u, n.MemberStateID)) > 0
}

// UpdateNeed saves an edit made on version seen, refusing a stale one
// (ErrStaleVersion) so that nobody overwrites another's work unseen.
func UpdateNeed(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, id int64, seen int, in NeedInput, ev AuditContext) (Need, error) {
	next, err := ValidateNeed(ctx, ref, u, in)
	if err != nil {
		return next, err
	}
	var out Need
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockNeed(tx, id)
		if err != nil {
			return err
		}
		if !CanEditNeed(u, cur) {
			return fmt.Errorf("edit need %d in status %s: %w", id, cur.Status, ErrForbidden)
		}
		if cur.Version != seen {
			return fmt.Errorf("need %d at version %d, edit made on %d: %w", id, cur.Version, seen, ErrStaleVersion)
		}
		if next.MemberStateID != cur.MemberStateID && !hasActor(ActorsFor(u, cur.MemberStateID), ActorSecretariat) {
			return Invalid("state", "validation.foreign_state")
		}
		next.ID, next.Status, next.StatusChangedAt, next.CreatedBy, next.CreatedAt = cur.ID, cur.Status, cur.StatusChangedAt, cur.CreatedBy, cur.CreatedAt
		before, after := cur.auditView(), next.auditView()
		changed := changedFields(before, after)
		if len(changed) == 0 {
			out = cur
			return nil // nothing to save: no new version, no history step
		}
		if err := updateVersioned(tx, "needs", id, seen, map[string]any{
			"member_state_id": next.MemberStateID, "title": next.Title, "description": next.Description,
			"language": next.Language, "paragraphs": next.Paragraphs, "theme": next.Theme, "priority": next.Priority,
			"beneficiary_institutions": next.BeneficiaryInstitutions, "modality": next.Modality,
			"estimated_cost": next.EstimatedCost, "cost_currency": next.CostCurrency,
			"target_start": next.TargetStart, "target_end": next.TargetEnd, "visibility": next.Visibility,
		}); err != nil {
			return err
		}
		if err := tx.Create(&NeedEvent{NeedID: id, ActorID: actorID(ev), ActorName: actorName(ev), Kind: "edited", Changed: changed}).Error; err != nil {
			return err
		}
		if err := recordChange(tx, ev, ActionNeedEdited, Target("need", id), before, after); err != nil {
			return err
		}
		next.Version = seen + 1
		out = next
		return needChanged(tx, ev, cur.Status, cur.Visibility, next)
	})
	if err != nil {
		return out, fmt.Errorf("update need %d: %w", id, err)
	}
	return out, nil
}

// TransitionNeed moves a need to status to, if the workflow lets u do so
// from its current status, with the note the step needs; the step joins the
// history and the audit trail in the same transaction.
//
// A need becomes met only citing the delivered activities, linked to it,
// that met it (cited); they are kept (need_met_by) and audited.
func TransitionNeed(ctx context.Context, db *gorm.DB, u *User, id int64, seen int, to NeedStatus, note string, cited []int64, ev AuditContext) (Need, error) {
	var out Need
	note = strings.TrimSpace(note)
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockNeed(tx, id)
		if err != nil {
			return err
		}
		if cur.Version != seen {
			return fmt.Errorf("need %d at version %d, transition made on %d: %w", id, cur.Version, seen, ErrStaleVersion)
		}
		if _, err := NeedWorkflow.check(u, cur.MemberStateID, cur.Status, to, note); err != nil {
			return err
		}
		if to == NeedMet {
			if err := citeActivities(tx, id, cited); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		if err := updateVersioned(tx, "needs", id, seen, map[string]any{"status": to, "status_changed_at": now}); err != nil {
			return err
		}
		from := string(cur.Status)
		if err := tx.Create(&NeedEvent{NeedID: id, ActorID: actorID(ev), ActorName: actorName(ev), Kind: "transition",
			FromStatus: &from, ToStatus: strPtr(string(to)), Note: note, Changed: pq.StringArray{}}).Error; err != nil {
			return err
		}
		before := map[string]any{"status": cur.Status}
		after := map[string]any{"status": to, "note": note}
		if to == NeedMet {
			after["activities"] = cited
		}
		if err := recordChange(tx, ev, ActionNeedTransition, Target("need", id), before, after); err != nil {
			return err
		}
		fromStatus := cur.Status
		cur.Status, cur.StatusChangedAt, cur.Version = to, now, seen+1
		out = cur
		return needChanged(tx, ev, fromStatus, cur.Visibility, cur)
	})
	if err != nil {
		return out, fmt.Errorf("need %d to %s: %w", id, to, err)
	}
	return out, nil
}

// citeActivities records the activities a need is marked met by: at least
// one, each delivered and linked to the need.
func citeActivities(tx *gorm.DB, needID int64, cited []int64) error {
	if len(cited) == 0 {
		return Invalid("activities", "needs.met_cite_activities")
	}
	var n int64
	if err := tx.Raw(`SELECT count(*) FROM activities a JOIN activity_needs an ON an.activity_id = a.id
		WHERE an.need_id = ? AND a.id = ANY(?) AND a.status = 'delivered'`, needID, pq.Int64Array(cited)).Scan(&n).Error; err != nil {
		return fmt.Errorf("activities cited for need %d: %w", needID, err)
	}
	if n != int64(len(slices.Compact(slices.Sorted(slices.Values(cited))))) {
		return Invalid("activities", "needs.met_activity_not_linked")
	}
	if err := tx.Exec(`INSERT INTO need_met_by (need_id, activity_id) SELECT ?, a FROM unnest(?::bigint[]) a ON CONFLICT DO NOTHING`,
		needID, pq.Int64Array(cited)).Error; err != nil {
		return fmt.Errorf("activities cited for need %d: %w", needID, err)
	}
	return nil
}

// NeedPage is one need with its history, as its page shows it.
type NeedPage struct {
	Need    Need
	History []NeedEvent
}

// NeedByID loads a need u may see, with its cost in US dollars and its
// history: two statements. A need u may not see is not found, so its
// existence does not leak.
func NeedByID(ctx context.Context, db *gorm.DB, u *User, id int64) (NeedPage, error) {
	var np NeedPage
	// Its cost in US dollars comes with it, for its funding (LoadNeedFunding).
	err := db.WithContext(ctx).Scopes(NeedsVisibleTo(u)).Joins(needRateJoin).
		Select("needs.*, "+needCostUSDExpr+" AS cost_usd").Take(&np.Need, "needs.id = ?", id).Error
	if err != nil {
		return np, notFound(err, fmt.Sprintf("need %d", id))
	}
	if err := db.WithContext(ctx).Where("need_id = ?", id).Order("at, id").Find(&np.History).Error; err != nil {
		return np, fmt.Errorf("history of need %d: %w", id, err)
	}
	return np, nil
}

// NeedFilter narrows the list of needs.
type NeedFilter struct {
	MemberStateID int
	Group         RegionalGroup // of the need's State
	Paragraph     int
	Theme         string
	Status        NeedStatus
	Priority      string
	Visibility    NeedVisibility
	Query         string // part of the title
	// FundingGap keeps the needs shared with donors, still open, that are
	// not fully funded (NeedsWithGap).
	FundingGap bool
	Sort       string // "updated" (default), "created", "title", "target", "gap"
}

// NeedSorts lists the orders the list offers.
func NeedSorts() []string { return []string{"updated", "created", "title", "target", "gap"} }

// WithFunding tells whether the list reads each need's funding.
func (f NeedFilter) WithFunding() bool { return f.FundingGap || f.Sort == "gap" }

func needOrder(sort string) Order {
	switch sort {
	case "created":
		return Order{Keys: []SortKey{{"needs.created_at", "timestamptz"}, {"needs.id", "bigint"}}, Desc: true}
	case "title":
		return Order{Keys: []SortKey{{"lower(needs.title)", "text"}, {"needs.id", "bigint"}}}
	case "target":
		return Order{Keys: []SortKey{{"coalesce(needs.target_start, 'infinity'::date)", "date"}, {"needs.id", "bigint"}}}
	case "gap":
		// Largest gap first; needs whose cost is unknown come last.
		return Order{Keys: []SortKey{{"coalesce(" + needGapUSDExpr + ", -1)", "numeric"}, {"needs.id", "bigint"}}, Desc: true}
	}
	return Order{Keys: []SortKey{{"needs.updated_at", "timestamptz"}, {"needs.id", "bigint"}}, Desc: true}
}

// needKey is a row's cursor in the filter's order.
func needKey(sort string) func(Need) []any {
	return func(n Need) []any {
		switch sort {
		case "created":
			return []any{n.CreatedAt.UTC().Format(time.RFC3339Nano), n.ID}
		case "title":
			return []any{strings.ToLower(n.Title), n.ID}
		case "target":
			if n.TargetStart == nil {
				return []any{"infinity", n.ID}
			}
			return []any{n.TargetStart.Format("2006-01-02"), n.ID}
		case "gap":
			if !n.Funding.GapUSD.Valid {
				return []any{"-1", n.ID}
			}
			return []any{n.Funding.GapUSD.Decimal.String(), n.ID}
		}
		return []any{n.UpdatedAt.UTC().Format(time.RFC3339Nano), n.ID}
	}
}

// needColumns are the columns a list or an export reads: everything but
// the long description.
const needColumns = `needs.id, needs.member_state_id, needs.title, needs.language, needs.paragraphs, needs.theme, needs.priority,
	needs.modality, needs.estimated_cost, needs.cost_currency, needs.target_start, needs.target_end,
	needs.visibility, needs.status, needs.status_changed_at, needs.version, needs.created_at, needs.updated_at`

func needsQuery(ctx context.Context, db *gorm.DB, u *User, f NeedFilter) *gorm.DB {
	q := db.WithContext(ctx).Model(&Need{}).Select(needColumns).Scopes(NeedsVisibleTo(u))
	if f.MemberStateID != 0 {
		q = q.Where("needs.member_state_id = ?", f.MemberStateID)
	}
	if f.Group != "" {
		q = q.Where("needs.member_state_id IN (SELECT id FROM member_states WHERE regional_group = ?)", f.Group)
	}
	if f.Paragraph != 0 {
		q = q.Where("needs.paragraphs @> ARRAY[?]::int[]", f.Paragraph)
	}
	if f.Theme != "" {
		q = q.Where("needs.theme = ?", f.Theme)
	}
	if f.Status != "" {
		q = q.Where("needs.status = ?", f.Status)
	}
	if f.Priority != "" {
		q = q.Where("needs.priority = ?", f.Priority)
	}
	if f.Visibility != "" {
		q = q.Where("needs.visibility = ?", f.Visibility)
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		q = q.Where("lower(needs.title) LIKE ?", "%"+escapeLike(strings.ToLower(s))+"%")
	}
	if f.WithFunding() {
		q = withNeedFunding(ctx, db, u, q)
	}
	if f.FundingGap {
		q = q.Where("needs.visibility IN ? AND needs.status IN ?", []NeedVisibility{VisibilityDonors, VisibilityPublic}, FundableNeedStatuses()).
			Where("coalesce(" + needGapUSDExpr + ", 1) > 0")
	}
	return q
}

// ListNeeds returns one page of the needs u may see, filtered and sorted:
// one statement.
func ListNeeds(ctx context.Context, db *gorm.DB, u *User, f NeedFilter, req PageRequest) (Page[Need], error) {
	p, err := paginate(needsQuery(ctx, db, u, f), needOrder(f.Sort), req, needKey(f.Sort))
	if err != nil {
		return p, fmt.Errorf("list needs: %w", err)
	}
	return p, nil
}

// CountNeeds counts the needs u may see that match f.
func CountNeeds(ctx context.Context, db *gorm.DB, u *User, f NeedFilter) (int64, error) {
	var n int64
	f.Sort = ""
	if err := needsQuery(ctx, db, u, f).Select("count(*)").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count needs: %w", err)
	}
	return n, nil
}

// MaxExportRows bounds an export; the page says when a filter matches more.
const MaxExportRows = 50000

// ExportNeeds returns every need u may see that matches f, in the list's
// order, up to MaxExportRows: one statement.
func ExportNeeds(ctx context.Context, db *gorm.DB, u *User, f NeedFilter) ([]Need, error) {
	o := needOrder(f.Sort)
	order := make([]string, len(o.Keys))
	for i, k := range o.Keys {
		order[i] = k.Expr
		if o.Desc {
			order[i] += " DESC"
		}
	}
	var out []Need
	if err := needsQuery(ctx, db, u, f).Order(strings.Join(order, ", ")).Limit(MaxExportRows).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("export needs: %w", err)
	}
	return out, nil
}

// NeedStatusCount is how many needs are in one status.
type NeedStatusCount struct {
	Status NeedStatus
	Count  int
}

// CountNeedsByStatus counts the needs u may see of one State (0: all) by
// status, in one statement, for the workspace and dashboards.
func CountNeedsByStatus(ctx context.Context, db *gorm.DB, u *User, stateID int) ([]NeedStatusCount, error) {
	q := db.WithContext(ctx).Model(&Need{}).Scopes(NeedsVisibleTo(u)).Select("needs.status, count(*) AS count")
	if stateID != 0 {
		q = q.Where("needs.member_state_id = ?", stateID)
	}
	var rows []NeedStatusCount
	if err := q.Group("needs.status").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count needs by status: %w", err)
	}
	byStatus := map[NeedStatus]int{}
	for _, r := range rows {
		byStatus[r.Status] = r.Count
	}
	out := make([]NeedStatusCount, 0, len(NeedStatuses()))
	for _, s := range NeedStatuses() {
		out = append(out, NeedStatusCount{Status: s, Count: byStatus[s]})
	}
	return out, nil
}
