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

// The technical assistance the Office delivers under operative paragraphs
// 4 to 14: activities recorded by the Secretariat, with the States that
// benefited, the partners, the needs they answer, the contributions that
// paid for them and, once delivered, their results.

// ActivityKind is what kind of assistance an activity is.
type ActivityKind string

// ActivityKinds lists the kinds in the order forms offer them.
func ActivityKinds() []ActivityKind {
	return []ActivityKind{"legislative_assistance", "national_workshop", "regional_workshop", "training_course",
		"training_of_trainers", "mentoring", "expert_advice", "study_visit", "tool_publication", "elearning"}
}

// Valid reports whether k is a known kind.
func (k ActivityKind) Valid() bool { return slices.Contains(ActivityKinds(), k) }

// ActivityStatus is where an activity stands.
type ActivityStatus string

const (
	ActivityPlanned   ActivityStatus = "planned"
	ActivityDelivered ActivityStatus = "delivered"
	ActivityCancelled ActivityStatus = "cancelled"
)

// ActivityStatuses lists the statuses in workflow order.
func ActivityStatuses() []ActivityStatus {
	return []ActivityStatus{ActivityPlanned, ActivityDelivered, ActivityCancelled}
}

// Valid reports whether s is a known status.
func (s ActivityStatus) Valid() bool { return slices.Contains(ActivityStatuses(), s) }

// ActivityWorkflow is the activities' transition table: the Secretariat
// records the delivery, or cancels with a reason.
var ActivityWorkflow = Workflow[ActivityStatus]{
	{From: ActivityPlanned, To: ActivityDelivered, Who: ActorSecretariat},
	{From: ActivityPlanned, To: ActivityCancelled, Who: ActorSecretariat, NoteRequired: true},
}

// ActivityActors are u's capacities on activities: the Secretariat's (and
// an administrator's). States confirm their participation apart.
func ActivityActors(u *User) []Actor {
	if u.HasRole(RoleAdmin) || u.HasRole(RoleSecretariat) {
		return []Actor{ActorSecretariat}
	}
	return nil
}

// CanRecordActivities tells whether u records and edits activities.
func CanRecordActivities(u *User) bool { return len(ActivityActors(u)) > 0 }

// Professions are the participants' professions, in the order reports
// give them.
var Professions = []string{"prosecutors", "judges", "police", "legislators", "central_authority", "financial_intelligence", "other_profession"}

// Participants is who took part in a delivered activity: by sex and,
// separately, by profession; both add up to the same number.
type Participants struct {
	Women                 int
	Men                   int
	SexNotStated          int
	Prosecutors           int
	Judges                int
	Police                int
	Legislators           int
	CentralAuthority      int
	FinancialIntelligence int
	OtherProfession       int
}

// Total is the number of participants.
func (p Participants) Total() int { return p.Women + p.Men + p.SexNotStated }

// ByProfession lists the counts in the order of Professions.
func (p Participants) ByProfession() []int {
	return []int{p.Prosecutors, p.Judges, p.Police, p.Legislators, p.CentralAuthority, p.FinancialIntelligence, p.OtherProfession}
}

// Add sums two counts, field by field.
func (p Participants) Add(o Participants) Participants {
	return Participants{
		Women: p.Women + o.Women, Men: p.Men + o.Men, SexNotStated: p.SexNotStated + o.SexNotStated,
		Prosecutors: p.Prosecutors + o.Prosecutors, Judges: p.Judges + o.Judges, Police: p.Police + o.Police,
		Legislators: p.Legislators + o.Legislators, CentralAuthority: p.CentralAuthority + o.CentralAuthority,
		FinancialIntelligence: p.FinancialIntelligence + o.FinancialIntelligence, OtherProfession: p.OtherProfession + o.OtherProfession,
	}
}

// Activity is one piece of technical assistance.
type Activity struct {
	ID           int64
	Kind         ActivityKind
	Title        string
	Description  string
	Language     string    `gorm:"default:en"` // the language the title and description are written in
	StartDate    time.Time `gorm:"type:date"`
	EndDate      time.Time `gorm:"type:date"`
	Online       bool
	City         string
	PlaceStateID *int
	Paragraphs   pq.Int32Array  `gorm:"type:int[]"`
	Themes       pq.StringArray `gorm:"type:text[]"`
	Status       ActivityStatus
	DeliveredOn  *time.Time `gorm:"type:date"`
	CancelledOn  *time.Time `gorm:"type:date"`
	Public       bool
	Participants `gorm:"embedded"`
	Version      int
	CreatedBy    *int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ImportKey    *string
}

// TableName is the activities' table.
func (Activity) TableName() string { return "activities" }

func (a Activity) auditView() map[string]any {
	return map[string]any{
		"kind": a.Kind, "title": a.Title, "description": a.Description, "language": a.Language,
		"start_date": a.StartDate.Format("2006-01-02"), "end_date": a.EndDate.Format("2006-01-02"),
		"online": a.Online, "city": a.City, "place": intString(a.PlaceStateID),
		"paragraphs": []int32(a.Paragraphs), "themes": []string(a.Themes),
		"status": a.Status, "public": a.Public,
	}
}

// PartnerOrganization is an organization the Office works with (kept by
// administrators).
type PartnerOrganization struct {
	ID        int
	Slug      string
	Name      Localized
	Kind      string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PartnerKinds are the kinds of partners.
var PartnerKinds = []string{"cted", "unoct", "interpol", "un_entity", "regional", "other"}

// ListPartners returns every partner organization by English name: one
// statement.
func ListPartners(ctx context.Context, db *gorm.DB) ([]PartnerOrganization, error) {
	var out []PartnerOrganization
	if err := db.WithContext(ctx).Order("name ->> 'en', id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("partner organizations: %w", err)
	}
	return out, nil
}

// ActivityInput is an activity as the Secretariat types it.
type ActivityInput struct {
	Kind        string   `form:"kind" validate:"required,max=40"`
	Title       string   `form:"title" validate:"required,max=200"`
	Description string   `form:"description" validate:"max=10000"`
	Language    string   `form:"language" validate:"omitempty,oneof=ar zh en fr ru es" msg:"validation.language"`
	StartDate   string   `form:"start_date" validate:"required,datetime=2006-01-02"`
	EndDate     string   `form:"end_date" validate:"required,datetime=2006-01-02"`
	Online      bool     `form:"online"`
	City        string   `form:"city" validate:"max=100"`
	PlaceState  string   `form:"place_state" validate:"omitempty,len=3"`
	States      []string `form:"states" validate:"max=193,dive,len=3" msg:"activity.states_required"`
	Paragraphs  []string `form:"paragraphs" validate:"max=17,dive,max=3"`
	Themes      []string `form:"themes" validate:"max=20,dive,max=40"`
	Needs       string   `form:"needs" validate:"max=400"` // need numbers, separated by commas or spaces
	Partners    []string `form:"partners" validate:"max=20,dive,max=60"`
	Public      bool     `form:"public"`
	// Funding: one row per contribution drawn on ("" rows ignored).
	FundingContribution []string `form:"funding_contribution" validate:"max=20,dive,max=19"`
	FundingAmount       []string `form:"funding_amount" validate:"max=20,dive,max=40"`
}

// FundingFieldID is the form field of funding row i.
func FundingFieldID(i int) string { return "funding_" + strconv.Itoa(i) }

// ActivityDraw is an amount an activity draws from a contribution, in the
// contribution's currency.
type ActivityDraw struct {
	ActivityID     int64
	ContributionID int64
	Amount         decimal.Decimal `gorm:"type:numeric(19,4)"`
}

// TableName is the draws' table.
func (ActivityDraw) TableName() string { return "activity_funding" }

// validatedActivity is an activity as validated, with what it links to.
type validatedActivity struct {
	Activity
	StateIDs   []int
	NeedIDs    []int64
	PartnerIDs []int
	Draws      []ActivityDraw
}

// ValidateActivity checks an input's meaning against the reference data:
// known States, paragraphs, themes and partners; needs of the beneficiary
// States; contributions that exist and are committed or paid, drawn in
// positive amounts of their currency. Nothing is stored; whether a
// contribution still holds what is drawn is checked under its lock when
// saving.
func ValidateActivity(ctx context.Context, db *gorm.DB, ref *ReferenceCache, in ActivityInput) (validatedActivity, error) {
	p := Problems{}
	var v validatedActivity
	a := &v.Activity
	a.Kind = ActivityKind(in.Kind)
	if !a.Kind.Valid() {
		p.Add("kind", "validation.choose")
	}
	checkText(p, "title", in.Title, true, 200)
	checkText(p, "description", in.Description, false, 10000)
	checkText(p, "city", in.City, false, 100)
	a.Title, a.Description, a.City = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.City)
	a.Language = checkLanguage(p, "language", in.Language)
	if d := parseDate(p, "start_date", in.StartDate); d != nil {
		a.StartDate = *d
	}
	if d := parseDate(p, "end_date", in.EndDate); d != nil {
		a.EndDate = *d
		if !a.StartDate.IsZero() && d.Before(a.StartDate) {
			p.Add("end_date", "activity.end_before_start")
		}
	}
	if !a.StartDate.IsZero() && (a.StartDate.Year() < 2000 || a.StartDate.Year() > 2100) {
		p.Add("start_date", "validation.date")
	}
	a.Online = in.Online
	if in.PlaceState != "" {
		s, err := ref.MemberStateByISO3(ctx, strings.ToUpper(in.PlaceState))
		if err != nil {
			p.Add("place_state", "validation.unknown_state")
		} else {
			a.PlaceStateID = &s.ID
		}
	}
	if !a.Online && a.City == "" {
		p.Add("city", "activity.place_required")
	}

	seenState := map[int]bool{}
	for _, iso3 := range in.States {
		s, err := ref.MemberStateByISO3(ctx, strings.ToUpper(strings.TrimSpace(iso3)))
		if err != nil {
			p.Add("states", "validation.unknown_state")
			continue
		}
		if !seenState[s.ID] {
			seenState[s.ID] = true
			v.StateIDs = append(v.StateIDs, s.ID)
		}
	}
	if len(v.StateIDs) == 0 {
		p.Add("states", "activity.states_required")
	}
	slices.Sort(v.StateIDs)

	paras, err := ref.OperativeParagraphs(ctx)
	if err != nil {
		return v, err
	}
	for _, raw := range in.Paragraphs {
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || !slices.ContainsFunc(paras, func(o OperativeRef) bool { return o.Number == n }) {
			p.Add("paragraphs", "validation.unknown_paragraph")
			continue
		}
		if !slices.Contains(a.Paragraphs, int32(n)) {
			a.Paragraphs = append(a.Paragraphs, int32(n))
		}
	}
	sortInt32(a.Paragraphs)
	for _, th := range in.Themes {
		if !validTheme(th) {
			p.Add("themes", "validation.choose")
			continue
		}
		if !slices.Contains(a.Themes, th) {
			a.Themes = append(a.Themes, th)
		}
	}
	slices.Sort(a.Themes)
	if a.Paragraphs == nil {
		a.Paragraphs = pq.Int32Array{}
	}
	if a.Themes == nil {
		a.Themes = pq.StringArray{}
	}

	if len(in.Partners) > 0 {
		var partners []PartnerOrganization
		if err := db.WithContext(ctx).Where("slug IN ?", in.Partners).Find(&partners).Error; err != nil {
			return v, fmt.Errorf("partners: %w", err)
		}
		if len(partners) != len(slices.Compact(slices.Sorted(slices.Values(in.Partners)))) {
			p.Add("partners", "validation.choose")
		}
		for _, o := range partners {
			v.PartnerIDs = append(v.PartnerIDs, o.ID)
		}
		slices.Sort(v.PartnerIDs)
	}

	for _, raw := range strings.FieldsFunc(in.Needs, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		id, err := strconv.ParseInt(strings.TrimPrefix(raw, "#"), 10, 64)
		if err != nil || id <= 0 {
			p.Add("needs", "activity.unknown_need")
			continue
		}
		if !slices.Contains(v.NeedIDs, id) {
			v.NeedIDs = append(v.NeedIDs, id)
		}
	}
	if len(v.NeedIDs) > 0 && !hasProblem(p, "needs") {
		var needs []Need
		if err := db.WithContext(ctx).Select("id, member_state_id, status").Where("id IN ?", v.NeedIDs).Find(&needs).Error; err != nil {
			return v, fmt.Errorf("needs of the activity: %w", err)
		}
		if len(needs) != len(v.NeedIDs) {
			p.Add("needs", "activity.unknown_need")
		}
		for _, n := range needs {
			if !seenState[n.MemberStateID] {
				p.Add("needs", "activity.need_of_other_state")
			}
			if n.Status == NeedDraft || n.Status == NeedWithdrawn || n.Status == NeedDeclined {
				p.Add("needs", "activity.need_not_open")
			}
		}
		slices.Sort(v.NeedIDs)
	}

	v.Draws, err = validateDraws(ctx, db, ref, p, in)
	if err != nil {
		return v, err
	}
	a.Public = in.Public
	return v, p.Err()
}

// validateDraws reads the funding rows: each a committed or paid
// contribution, once, with a positive amount in its currency.
func validateDraws(ctx context.Context, db *gorm.DB, ref *ReferenceCache, p Problems, in ActivityInput) ([]ActivityDraw, error) {
	var out []ActivityDraw
	for i := range in.FundingContribution {
		rawID := strings.TrimPrefix(strings.TrimSpace(in.FundingContribution[i]), "#")
		rawAmount := ""
		if i < len(in.FundingAmount) {
			rawAmount = in.FundingAmount[i]
		}
		if rawID == "" && strings.TrimSpace(rawAmount) == "" {
			continue
		}
		field := FundingFieldID(i)
		id, err := strconv.ParseInt(rawID, 10, 64)
		var c Contribution
		if err == nil {
			err = db.WithContext(ctx).Take(&c, id).Error
		}
		if err != nil || (c.Status != ContributionCommitted && c.Status != ContributionPaid) || c.Kind != ContributionFinancial {
			p.Add(field, "activity.unknown_contribution")
			continue
		}
		if slices.ContainsFunc(out, func(d ActivityDraw) bool { return d.ContributionID == id }) {
			p.Add(field, "activity.contribution_twice")
			continue
		}
		cur, found, err := ref.Currency(ctx, c.Currency)
		if err != nil {
			return nil, err
		}
		if !found {
			p.Add(field, "validation.unknown_currency")
			continue
		}
		amount, ok := parseAmount(p, field, rawAmount, cur)
		if !ok {
			continue
		}
		if amount.IsZero() {
			p.Add(field, "validation.amount_zero")
			continue
		}
		out = append(out, ActivityDraw{ContributionID: id, Amount: amount})
	}
	return out, nil
}

// saveActivityLinks replaces an activity's States, partners, needs and
// draws; the draws are checked against what each contribution still holds
// under its row lock, so two activities drawing at once cannot overdraw it.
// A State's confirmation and feedback stay when the State stays.
func saveActivityLinks(tx *gorm.DB, id int64, v validatedActivity) error {
	states := make(pq.Int64Array, len(v.StateIDs))
	for i, s := range v.StateIDs {
		states[i] = int64(s)
	}
	if err := tx.Exec(`DELETE FROM activity_states WHERE activity_id = ? AND NOT member_state_id = ANY(?)`, id, states).Error; err != nil {
		return fmt.Errorf("States of activity %d: %w", id, err)
	}
	if err := tx.Exec(`INSERT INTO activity_states (activity_id, member_state_id)
		SELECT ?, s FROM unnest(?::int[]) s ON CONFLICT DO NOTHING`, id, states).Error; err != nil {
		return fmt.Errorf("States of activity %d: %w", id, err)
	}
	partners := make(pq.Int64Array, len(v.PartnerIDs))
	for i, s := range v.PartnerIDs {
		partners[i] = int64(s)
	}
	if err := tx.Exec(`DELETE FROM activity_partners WHERE activity_id = ?`, id).Error; err != nil {
		return fmt.Errorf("partners of activity %d: %w", id, err)
	}
	if err := tx.Exec(`INSERT INTO activity_partners (activity_id, partner_id) SELECT ?, s FROM unnest(?::int[]) s`, id, partners).Error; err != nil {
		return fmt.Errorf("partners of activity %d: %w", id, err)
	}
	if err := tx.Exec(`DELETE FROM activity_needs WHERE activity_id = ?`, id).Error; err != nil {
		return fmt.Errorf("needs of activity %d: %w", id, err)
	}
	if err := tx.Exec(`INSERT INTO activity_needs (activity_id, need_id) SELECT ?, n FROM unnest(?::bigint[]) n`, id, pq.Int64Array(v.NeedIDs)).Error; err != nil {
		return fmt.Errorf("needs of activity %d: %w", id, err)
	}
	return saveDraws(tx, id, v.Draws)
}

// saveDraws replaces an activity's draws. Each contribution drawn on is
// locked (in the order of their IDs, so two saves never deadlock), then
// what the other activities already draw on it is summed: a draw beyond
// the rest is refused beside its row.
func saveDraws(tx *gorm.DB, id int64, draws []ActivityDraw) error {
	if err := tx.Exec(`DELETE FROM activity_funding WHERE activity_id = ?`, id).Error; err != nil {
		return fmt.Errorf("funding of activity %d: %w", id, err)
	}
	if len(draws) == 0 {
		return nil
	}
	ids := make(pq.Int64Array, len(draws))
	for i, d := range draws {
		ids[i] = d.ContributionID
	}
	type holding struct {
		ID        int64
		Amount    decimal.Decimal
		Currency  string
		DrawnElse decimal.Decimal
	}
	var held []holding
	if err := tx.Raw(`SELECT c.id, c.amount, c.currency FROM contributions c WHERE c.id = ANY(?) ORDER BY c.id FOR UPDATE`, ids).
		Scan(&held).Error; err != nil {
		return fmt.Errorf("lock the contributions of activity %d: %w", id, err)
	}
	var drawn []struct {
		ContributionID int64
		Sum            decimal.Decimal
	}
	if err := tx.Raw(`SELECT contribution_id, sum(amount) AS sum FROM activity_funding
		WHERE contribution_id = ANY(?) AND activity_id <> ? GROUP BY contribution_id`, ids, id).Scan(&drawn).Error; err != nil {
		return fmt.Errorf("what the contributions of activity %d already fund: %w", id, err)
	}
	p := Problems{}
	for i, d := range draws {
		var h *holding
		for j := range held {
			if held[j].ID == d.ContributionID {
				h = &held[j]
			}
		}
		if h == nil {
			p.Add(FundingFieldID(i), "activity.unknown_contribution")
			continue
		}
		rest := h.Amount
		for _, x := range drawn {
			if x.ContributionID == d.ContributionID {
				rest = rest.Sub(x.Sum)
			}
		}
		if d.Amount.GreaterThan(rest) {
			p.Add(FundingFieldID(i), "activity.overdrawn", "Rest", rest.StringFixedBank(2), "Currency", h.Currency)
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	for i := range draws {
		draws[i].ActivityID = id
	}
	if err := tx.Create(&draws).Error; err != nil {
		return fmt.Errorf("funding of activity %d: %w", id, err)
	}
	return nil
}

// activityLinksView is what the audit trail records of an activity's links.
func (v validatedActivity) linksView() map[string]any {
	draws := make([]string, len(v.Draws))
	for i, d := range v.Draws {
		draws[i] = fmt.Sprintf("%d:%s", d.ContributionID, d.Amount.String())
	}
	return map[string]any{"states": v.StateIDs, "needs": v.NeedIDs, "partners": v.PartnerIDs, "funding": draws}
}

func (v validatedActivity) auditView() map[string]any {
	out := v.Activity.auditView()
	for k, x := range v.linksView() {
		out[k] = x
	}
	return out
}

// CreateActivity records a planned activity with its links, audited in the
// same transaction.
func CreateActivity(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, in ActivityInput, ev AuditContext) (Activity, error) {
	if !CanRecordActivities(u) {
		return Activity{}, ErrForbidden
	}
	v, err := ValidateActivity(ctx, db, ref, in)
	if err != nil {
		return Activity{}, err
	}
	a := v.Activity
	a.Status, a.CreatedBy, a.Version = ActivityPlanned, actorID(ev), 1
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&a).Error; err != nil {
			return fmt.Errorf("create activity: %w", err)
		}
		if err := saveActivityLinks(tx, a.ID, v); err != nil {
			return err
		}
		return recordChange(tx, ev, ActionActivityCreated, Target("activity", a.ID), nil, v.auditView())
	})
	return a, err
}

// lockActivity reads an activity for update.
func lockActivity(tx *gorm.DB, id int64) (Activity, error) {
	var a Activity
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&a, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, fmt.Errorf("activity %d: %w", id, ErrNotFound)
	}
	return a, err
}

// UpdateActivity saves an edit made on version seen, links included,
// audited.
func UpdateActivity(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, id int64, seen int, in ActivityInput, ev AuditContext) (Activity, error) {
	if !CanRecordActivities(u) {
		return Activity{}, ErrForbidden
	}
	v, err := ValidateActivity(ctx, db, ref, in)
	if err != nil {
		return Activity{}, err
	}
	var out Activity
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockActivity(tx, id)
		if err != nil {
			return err
		}
		if cur.Version != seen {
			return fmt.Errorf("activity %d at version %d, edit made on %d: %w", id, cur.Version, seen, ErrStaleVersion)
		}
		before, err := activityLinks(tx, cur)
		if err != nil {
			return err
		}
		next := v.Activity
		values := map[string]any{
			"kind": next.Kind, "title": next.Title, "description": next.Description, "language": next.Language, "start_date": next.StartDate,
			"end_date": next.EndDate, "online": next.Online, "city": next.City, "place_state_id": next.PlaceStateID,
			"paragraphs": next.Paragraphs, "themes": next.Themes, "public": next.Public,
		}
		if err := updateVersioned(tx, "activities", id, seen, values); err != nil {
			return err
		}
		if err := saveActivityLinks(tx, id, v); err != nil {
			return err
		}
		next.ID, next.Status = id, cur.Status
		v.Activity = next
		if err := recordChange(tx, ev, ActionActivityEdited, Target("activity", id), before.auditView(), v.auditView()); err != nil {
			return err
		}
		return tx.Take(&out, id).Error
	})
	return out, err
}

// activityLinks reads what an activity links to, as validated input would
// give it.
func activityLinks(tx *gorm.DB, a Activity) (validatedActivity, error) {
	v := validatedActivity{Activity: a}
	if err := tx.Raw(`SELECT member_state_id FROM activity_states WHERE activity_id = ? ORDER BY member_state_id`, a.ID).Scan(&v.StateIDs).Error; err != nil {
		return v, fmt.Errorf("States of activity %d: %w", a.ID, err)
	}
	if err := tx.Raw(`SELECT need_id FROM activity_needs WHERE activity_id = ? ORDER BY need_id`, a.ID).Scan(&v.NeedIDs).Error; err != nil {
		return v, fmt.Errorf("needs of activity %d: %w", a.ID, err)
	}
	if err := tx.Raw(`SELECT partner_id FROM activity_partners WHERE activity_id = ? ORDER BY partner_id`, a.ID).Scan(&v.PartnerIDs).Error; err != nil {
		return v, fmt.Errorf("partners of activity %d: %w", a.ID, err)
	}
	if err := tx.Where("activity_id = ?", a.ID).Order("contribution_id").Find(&v.Draws).Error; err != nil {
		return v, fmt.Errorf("funding of activity %d: %w", a.ID, err)
	}
	return v, nil
}

// TransitionActivity moves an activity to status to, as the table allows
// u, dating the step; a note explains a cancellation.
func TransitionActivity(ctx context.Context, db *gorm.DB, u *User, id int64, seen int, to ActivityStatus, on time.Time, note string, ev AuditContext) (Activity, error) {
	var out Activity
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockActivity(tx, id)
		if err != nil {
			return err
		}
		step := datedStep[ActivityStatus]{
			Table: "activities", Target: "activity", ID: id, Version: cur.Version, Seen: seen, From: cur.Status, To: to,
			Workflow: ActivityWorkflow, Actors: ActivityActors(u), On: on, Note: note,
			Columns: map[ActivityStatus]string{ActivityDelivered: "delivered_on", ActivityCancelled: "cancelled_on"},
			DateMsg: "activity.step_date", Action: ActionActivityTransition,
		}
		if err := step.apply(tx, ev); err != nil {
			return err
		}
		return tx.Take(&out, id).Error
	})
	if err != nil {
		return out, fmt.Errorf("activity %d to %s: %w", id, to, err)
	}
	return out, nil
}
