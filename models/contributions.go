package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ContributionKind is financial or in kind.
type ContributionKind string

const (
	ContributionFinancial ContributionKind = "financial"
	ContributionInKind    ContributionKind = "in_kind"
)

// ContributionStatus is where a contribution stands: pledged, committed
// (a signed agreement), paid (received), or cancelled.
type ContributionStatus string

const (
	ContributionPledged   ContributionStatus = "pledged"
	ContributionCommitted ContributionStatus = "committed"
	ContributionPaid      ContributionStatus = "paid"
	ContributionCancelled ContributionStatus = "cancelled"
)

// ContributionStatuses lists the statuses in workflow order.
func ContributionStatuses() []ContributionStatus {
	return []ContributionStatus{ContributionPledged, ContributionCommitted, ContributionPaid, ContributionCancelled}
}

// Valid reports whether s is a known status.
func (s ContributionStatus) Valid() bool { return slices.Contains(ContributionStatuses(), s) }

// InKindTypes are the kinds of in-kind support.
var InKindTypes = []string{"experts", "training", "equipment", "hosting", "publications", "other"}

// Earmarks are what a contribution may be earmarked to.
var Earmarks = []string{"none", "theme", "paragraph", "state", "need"}

// Reporters are who reported a contribution.
var Reporters = []string{"donor", "recipient", "secretariat"}

// ActorDonor is a user of the donor organization (a focal point of the
// Member State when the organization is a State), and an administrator.
const ActorDonor Actor = "donor"

// ActorsForDonor returns the capacities u has on a contribution of the
// organization org.
func ActorsForDonor(u *User, org DonorOrganization) []Actor {
	switch {
	case u.HasRole(RoleAdmin):
		return []Actor{ActorDonor, ActorSecretariat}
	case u.HasRole(RoleSecretariat):
		return []Actor{ActorSecretariat}
	case u.HasRole(RoleDonor) && u.DonorOrganizationID != nil && *u.DonorOrganizationID == org.ID:
		return []Actor{ActorDonor}
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil && org.MemberStateID != nil && *u.MemberStateID == *org.MemberStateID:
		return []Actor{ActorDonor}
	}
	return nil
}

// ContributionWorkflow is the contributions' transition table: the donor
// commits or cancels its pledge; the Secretariat confirms receipt.
var ContributionWorkflow = Workflow[ContributionStatus]{
	{From: ContributionPledged, To: ContributionCommitted, Who: ActorDonor},
	{From: ContributionPledged, To: ContributionCommitted, Who: ActorSecretariat},
	{From: ContributionPledged, To: ContributionPaid, Who: ActorSecretariat},
	{From: ContributionCommitted, To: ContributionPaid, Who: ActorSecretariat},
	{From: ContributionPledged, To: ContributionCancelled, Who: ActorDonor, NoteRequired: true},
	{From: ContributionPledged, To: ContributionCancelled, Who: ActorSecretariat, NoteRequired: true},
	{From: ContributionCommitted, To: ContributionCancelled, Who: ActorSecretariat, NoteRequired: true},
}

// Contribution is one voluntary contribution, financial or in kind.
type Contribution struct {
	ID                  int64
	DonorOrganizationID int
	Kind                ContributionKind
	Title               string
	Description         string
	Language            string          `gorm:"default:en"` // the language the title and description are written in
	Amount              decimal.Decimal `gorm:"type:numeric(19,4)"`
	Currency            string
	ValueDate           time.Time `gorm:"type:date"`
	Status              ContributionStatus
	PledgedOn           *time.Time `gorm:"type:date"`
	CommittedOn         *time.Time `gorm:"type:date"`
	PaidOn              *time.Time `gorm:"type:date"`
	CancelledOn         *time.Time `gorm:"type:date"`
	InKindType          *string
	Valuation           string
	Earmark             string
	Theme               *string
	ParagraphNumber     *int
	RecipientStateID    *int
	NeedID              *int64
	ReportedBy          string
	Verified            bool
	VerifiedAt          *time.Time
	Public              bool
	Version             int
	CreatedBy           *int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
	ImportKey           *string
}

// Instalment is one year of a multi-year pledge's schedule.
type Instalment struct {
	ID             int64
	ContributionID int64
	Year           int
	Amount         decimal.Decimal `gorm:"type:numeric(19,4)"`
	PaidOn         *time.Time      `gorm:"type:date"`
	Version        int
}

// TableName is the instalments' table.
func (Instalment) TableName() string { return "contribution_instalments" }

func (c Contribution) auditView() map[string]any {
	return map[string]any{
		"donor": c.DonorOrganizationID, "kind": c.Kind, "title": c.Title, "description": c.Description,
		"language": c.Language, "amount": c.Amount.String(), "currency": c.Currency, "value_date": c.ValueDate.Format("2006-01-02"),
		"status": c.Status, "in_kind_type": deref(c.InKindType), "valuation": c.Valuation,
		"earmark": c.Earmark, "theme": deref(c.Theme), "paragraph": intString(c.ParagraphNumber),
		"recipient": intString(c.RecipientStateID), "need": int64String(c.NeedID),
		"reported_by": c.ReportedBy, "verified": c.Verified, "public": c.Public,
	}
}

func intString(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func int64String(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// ContributionInput is a contribution as a person types it.
type ContributionInput struct {
	Donor       string `form:"donor" validate:"required,max=100"`
	Kind        string `form:"kind" validate:"required,oneof=financial in_kind"`
	Title       string `form:"title" validate:"required,max=200"`
	Description string `form:"description" validate:"max=5000"`
	Language    string `form:"language" validate:"omitempty,oneof=ar zh en fr ru es" msg:"validation.language"`
	Amount      string `form:"amount" validate:"required,max=40"`
	Currency    string `form:"currency" validate:"required,len=3"`
	ValueDate   string `form:"value_date" validate:"required,datetime=2006-01-02"`
	InKindType  string `form:"in_kind_type" validate:"omitempty,oneof=experts training equipment hosting publications other"`
	Valuation   string `form:"valuation" validate:"max=1000"`
	Earmark     string `form:"earmark" validate:"required,oneof=none theme paragraph state need"`
	Theme       string `form:"theme" validate:"max=40"`
	Paragraph   string `form:"paragraph" validate:"max=4"`
	Recipient   string `form:"recipient" validate:"omitempty,len=3"`
	Need        string `form:"need" validate:"omitempty,number,max=19"`
	ReportedBy  string `form:"reported_by" validate:"omitempty,oneof=donor recipient secretariat"`
	Public      bool   `form:"public"`
	// Instalments: a multi-year schedule, one row per year ("" rows ignored).
	InstalmentYear   []string `form:"instalment_year" validate:"max=30,dive,max=4"`
	InstalmentAmount []string `form:"instalment_amount" validate:"max=30,dive,max=40"`
}

// validatedContribution is a contribution as validated, with its schedule.
type validatedContribution struct {
	Contribution
	Instalments []Instalment
	Donor       DonorOrganization
}

// ValidateContribution checks an input's meaning against the reference
// data and u's rights: the organization must be one u may record for, an
// earmarked need one the donor may see and of the recipient State, the
// schedule must add up to the amount. Nothing is stored.
func ValidateContribution(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, in ContributionInput) (validatedContribution, error) {
	p := Problems{}
	var v validatedContribution
	c := &v.Contribution
	checkText(p, "title", in.Title, true, 200)
	checkText(p, "description", in.Description, false, 5000)
	checkText(p, "valuation", in.Valuation, false, 1000)
	c.Title, c.Description, c.Valuation = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.Valuation)
	c.Language = checkLanguage(p, "language", in.Language)

	donor, err := DonorOrganizationBySlug(ctx, db, strings.TrimSpace(in.Donor))
	switch {
	case errors.Is(err, ErrNotFound):
		p.Add("donor", "contribution.unknown_donor")
	case err != nil:
		return v, err
	case len(ActorsForDonor(u, donor)) == 0:
		p.Add("donor", "contribution.foreign_donor")
	default:
		v.Donor, c.DonorOrganizationID = donor, donor.ID
	}

	c.Kind = ContributionKind(in.Kind)
	if c.Kind == ContributionInKind {
		if !slices.Contains(InKindTypes, in.InKindType) {
			p.Add("in_kind_type", "validation.choose")
		} else {
			c.InKindType = strPtr(in.InKindType)
		}
	}

	cur, found, err := ref.Currency(ctx, strings.ToUpper(strings.TrimSpace(in.Currency)))
	if err != nil {
		return v, err
	}
	if !found {
		p.Add("currency", "validation.unknown_currency")
	} else {
		c.Currency = cur.Code
		if amount, ok := parseAmount(p, "amount", in.Amount, cur); ok {
			if amount.IsZero() {
				p.Add("amount", "validation.amount_zero")
			}
			c.Amount = amount
		}
	}
	if d := parseDate(p, "value_date", in.ValueDate); d != nil {
		if d.Year() < 2000 || d.After(time.Now().AddDate(10, 0, 0)) {
			p.Add("value_date", "contribution.value_date_range")
		}
		c.ValueDate = *d
	}

	c.Earmark = in.Earmark
	switch in.Earmark {
	case "theme":
		if !validTheme(in.Theme) {
			p.Add("theme", "validation.choose")
		} else {
			c.Theme = strPtr(in.Theme)
		}
	case "paragraph":
		n, err := strconv.Atoi(in.Paragraph)
		paras, rerr := ref.OperativeParagraphs(ctx)
		if rerr != nil {
			return v, rerr
		}
		if err != nil || !slices.ContainsFunc(paras, func(o OperativeRef) bool { return o.Number == n }) {
			p.Add("paragraph", "validation.unknown_paragraph")
		} else {
			c.ParagraphNumber = &n
		}
	case "state":
		s, err := ref.MemberStateByISO3(ctx, strings.ToUpper(in.Recipient))
		if err != nil {
			p.Add("recipient", "validation.unknown_state")
		} else {
			c.RecipientStateID = &s.ID
		}
	case "need":
		id, err := strconv.ParseInt(in.Need, 10, 64)
		var n Need
		if err == nil {
			err = db.WithContext(ctx).Scopes(NeedsVisibleTo(u)).Take(&n, id).Error
		}
		// A need the person may not see is as unknown as one that does not
		// exist, and a closed need takes no new funding.
		if err != nil || !NeedTakesFunding(n) {
			p.Add("need", "contribution.unknown_need")
		} else {
			c.NeedID, c.RecipientStateID = &n.ID, &n.MemberStateID
		}
	}

	c.ReportedBy = "donor"
	if hasActor(ActorsForDonor(u, v.Donor), ActorSecretariat) {
		c.ReportedBy = "secretariat"
		if in.ReportedBy != "" {
			c.ReportedBy = in.ReportedBy
		}
	}
	c.Public = in.Public

	v.Instalments = validateSchedule(p, in, c.Amount, cur)
	return v, p.Err()
}

// validateSchedule reads the instalments: distinct years, positive amounts
// adding up to the contribution's amount.
func validateSchedule(p Problems, in ContributionInput, total decimal.Decimal, cur Currency) []Instalment {
	var out []Instalment
	sum := decimal.Zero
	seen := map[int]bool{}
	for i := range in.InstalmentYear {
		rawYear := strings.TrimSpace(in.InstalmentYear[i])
		rawAmount := ""
		if i < len(in.InstalmentAmount) {
			rawAmount = in.InstalmentAmount[i]
		}
		if rawYear == "" && strings.TrimSpace(rawAmount) == "" {
			continue
		}
		field := InstalmentFieldID(i)
		y, err := strconv.Atoi(rawYear)
		if err != nil || y < 2000 || y > 2100 || seen[y] {
			p.Add(field, "contribution.instalment_year")
			continue
		}
		seen[y] = true
		amount, ok := parseAmount(p, field, rawAmount, cur)
		if !ok {
			continue
		}
		if amount.IsZero() {
			p.Add(field, "validation.amount_zero")
			continue
		}
		sum = sum.Add(amount)
		out = append(out, Instalment{Year: y, Amount: amount})
	}
	if len(out) > 0 && !sum.Equal(total) && !hasProblem(p, "amount") {
		p.Add("instalments", "contribution.schedule_sum")
	}
	slices.SortFunc(out, func(a, b Instalment) int { return a.Year - b.Year })
	return out
}

// InstalmentFieldID is the form field of instalment row i.
func InstalmentFieldID(i int) string { return "instalment_" + strconv.Itoa(i) }

// CreateContribution records a new contribution as pledged on its value
// date (the Secretariat may record it directly as committed or paid
// through the workflow afterwards), with its schedule and audit row.
func CreateContribution(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, in ContributionInput, ev AuditContext) (Contribution, error) {
	v, err := ValidateContribution(ctx, db, ref, u, in)
	if err != nil {
		return Contribution{}, err
	}
	c := v.Contribution
	c.Status, c.PledgedOn, c.CreatedBy, c.Version = ContributionPledged, &c.ValueDate, actorID(ev), 1
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Omit(clause.Associations).Create(&c).Error; err != nil {
			return fmt.Errorf("create contribution: %w", err)
		}
		if err := saveSchedule(tx, c.ID, v.Instalments); err != nil {
			return err
		}
		if err := recordChange(tx, ev, ActionContributionCreated, Target("contribution", c.ID), nil, c.auditView()); err != nil {
			return err
		}
		return contributionPledgedToNeed(tx, ev, c)
	})
	return c, err
}

func saveSchedule(tx *gorm.DB, id int64, rows []Instalment) error {
	if err := tx.Where("contribution_id = ? AND paid_on IS NULL", id).Delete(&Instalment{}).Error; err != nil {
		return fmt.Errorf("schedule of contribution %d: %w", id, err)
	}
	for _, r := range rows {
		r.ContributionID = id
		err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "contribution_id"}, {Name: "year"}},
			DoUpdates: clause.Assignments(map[string]any{"amount": r.Amount, "version": gorm.Expr("contribution_instalments.version + 1")})}).
			Create(&r).Error
		if err != nil {
			return fmt.Errorf("schedule of contribution %d: %w", id, err)
		}
	}
	return nil
}

func hasProblem(p Problems, field string) bool {
	_, ok := p[field]
	return ok
}

// lockContribution reads a contribution for update.
func lockContribution(tx *gorm.DB, id int64) (Contribution, error) {
	var c Contribution
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, fmt.Errorf("contribution %d: %w", id, ErrNotFound)
	}
	return c, err
}

// donorOf reads a contribution's organization.
func donorOf(tx *gorm.DB, c Contribution) (DonorOrganization, error) {
	var d DonorOrganization
	if err := tx.Take(&d, c.DonorOrganizationID).Error; err != nil {
		return d, fmt.Errorf("donor of contribution %d: %w", c.ID, err)
	}
	return d, nil
}

// CanEditContribution tells whether u may edit a contribution: its donor
// while it is pledged, the Secretariat until it is paid or cancelled.
func CanEditContribution(u *User, c Contribution, donor DonorOrganization) bool {
	actors := ActorsForDonor(u, donor)
	switch c.Status {
	case ContributionPledged:
		return len(actors) > 0
	case ContributionCommitted:
		return hasActor(actors, ActorSecretariat)
	}
	return false
}

// UpdateContribution saves an edit made on version seen, with its schedule
// and audit row; the organization cannot change hands.
func UpdateContribution(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, id int64, seen int, in ContributionInput, ev AuditContext) (Contribution, error) {
	var out Contribution
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockContribution(tx, id)
		if err != nil {
			return err
		}
		donor, err := donorOf(tx, cur)
		if err != nil {
			return err
		}
		if !CanEditContribution(u, cur, donor) {
			return ErrForbidden
		}
		in.Donor = donor.Slug
		v, err := ValidateContribution(ctx, tx, ref, u, in)
		if err != nil {
			return err
		}
		if cur.Version != seen {
			return fmt.Errorf("contribution %d at version %d, edit made on %d: %w", id, cur.Version, seen, ErrStaleVersion)
		}
		next := v.Contribution
		if !hasActor(ActorsForDonor(u, donor), ActorSecretariat) {
			next.ReportedBy = cur.ReportedBy // only the Secretariat says who reported it
		}
		values := map[string]any{
			"kind": next.Kind, "title": next.Title, "description": next.Description, "language": next.Language, "amount": next.Amount,
			"currency": next.Currency, "value_date": next.ValueDate, "in_kind_type": next.InKindType,
			"valuation": next.Valuation, "earmark": next.Earmark, "theme": next.Theme,
			"paragraph_number": next.ParagraphNumber, "recipient_state_id": next.RecipientStateID,
			"need_id": next.NeedID, "reported_by": next.ReportedBy, "public": next.Public,
		}
		if err := updateVersioned(tx, "contributions", id, seen, values); err != nil {
			return err
		}
		if err := saveSchedule(tx, id, v.Instalments); err != nil {
			return err
		}
		next.ID, next.DonorOrganizationID, next.Status, next.Verified = id, cur.DonorOrganizationID, cur.Status, cur.Verified
		if err := recordChange(tx, ev, ActionContributionEdited, Target("contribution", id), cur.auditView(), next.auditView()); err != nil {
			return err
		}
		if err := tx.Take(&out, id).Error; err != nil {
			return fmt.Errorf("reload contribution %d: %w", id, err)
		}
		return nil
	})
	return out, err
}

// TransitionContribution moves a contribution to status to, as the table
// allows u, dating the step; a note explains a cancellation.
func TransitionContribution(ctx context.Context, db *gorm.DB, u *User, id int64, seen int, to ContributionStatus, on time.Time, note string, ev AuditContext) (Contribution, error) {
	var out Contribution
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockContribution(tx, id)
		if err != nil {
			return err
		}
		donor, err := donorOf(tx, cur)
		if err != nil {
			return err
		}
		step := datedStep[ContributionStatus]{
			Table: "contributions", Target: "contribution", ID: id, Version: cur.Version, Seen: seen, From: cur.Status, To: to,
			Workflow: ContributionWorkflow, Actors: ActorsForDonor(u, donor), On: on, Note: note,
			Columns: map[ContributionStatus]string{ContributionCommitted: "committed_on", ContributionPaid: "paid_on", ContributionCancelled: "cancelled_on"},
			DateMsg: "contribution.step_date", Action: ActionContributionTransition,
		}
		if err := step.apply(tx, ev); err != nil {
			return err
		}
		if to == ContributionPaid {
			// Receipt of the whole contribution settles its schedule.
			if err := tx.Model(&Instalment{}).Where("contribution_id = ? AND paid_on IS NULL", id).Update("paid_on", on).Error; err != nil {
				return fmt.Errorf("settle the schedule of contribution %d: %w", id, err)
			}
		}
		if err := tx.Take(&out, id).Error; err != nil {
			return err
		}
		if to == ContributionPaid {
			return contributionPaid(tx, ev, out)
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("contribution %d to %s: %w", id, to, err)
	}
	return out, nil
}

// VerifyContribution records that the Secretariat checked a contribution
// against its own records (or withdraws that), audited.
func VerifyContribution(ctx context.Context, db *gorm.DB, u *User, id int64, seen int, verified bool, ev AuditContext) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockContribution(tx, id)
		if err != nil {
			return err
		}
		donor, err := donorOf(tx, cur)
		if err != nil {
			return err
		}
		if !hasActor(ActorsForDonor(u, donor), ActorSecretariat) {
			return ErrForbidden
		}
		var at any
		if verified {
			at = time.Now().UTC()
		}
		if err := updateVersioned(tx, "contributions", id, seen, map[string]any{"verified": verified, "verified_at": at}); err != nil {
			return err
		}
		return recordChange(tx, ev, ActionContributionVerified, Target("contribution", id),
			map[string]any{"verified": cur.Verified}, map[string]any{"verified": verified})
	})
}

// ContributionPage is one contribution as its page shows it.
type ContributionPage struct {
	Contribution Contribution
	Donor        DonorOrganization
	Instalments  []Instalment
	Need         *Need // the need it is earmarked to, when u may see it
	// RecipientISO3 is the recipient State's code ("" when none).
	RecipientISO3 string
	// USD is the equivalent in US dollars, nil when the month has no rate.
	USD *decimal.Decimal
}

// ContributionByID loads a contribution u may see with its organization,
// schedule and earmarked need: three statements. One u may not see is
// ErrNotFound, as if it did not exist.
func ContributionByID(ctx context.Context, db *gorm.DB, u *User, id int64) (ContributionPage, error) {
	var p ContributionPage
	var row struct {
		Contribution
		USD           *decimal.Decimal `gorm:"column:usd"`
		DonorSlug     string
		DonorName     string
		DonorNameFr   string
		DonorKind     string
		DonorState    *int
		RecipientISO3 *string
	}
	err := contributionsQuery(ctx, db, u, ContributionFilter{}).
		Select(contributionRowSelect+`, d.slug AS donor_slug, d.name AS donor_name, d.name_fr AS donor_name_fr,
			d.kind AS donor_kind, d.member_state_id AS donor_state, rs.iso3 AS recipient_iso3`).
		Joins("JOIN donor_organizations d ON d.id = contributions.donor_organization_id").
		Joins("LEFT JOIN member_states rs ON rs.id = contributions.recipient_state_id").
		Where("contributions.id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, fmt.Errorf("contribution %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("contribution %d: %w", id, err)
	}
	p.Contribution, p.USD = row.Contribution, row.USD
	p.RecipientISO3 = deref(row.RecipientISO3)
	p.Donor = DonorOrganization{ID: row.DonorOrganizationID, Slug: row.DonorSlug, Name: row.DonorName, NameFr: row.DonorNameFr,
		Kind: row.DonorKind, MemberStateID: row.DonorState}
	if err := db.WithContext(ctx).Where("contribution_id = ?", id).Order("year").Find(&p.Instalments).Error; err != nil {
		return p, fmt.Errorf("schedule of contribution %d: %w", id, err)
	}
	// The earmarked need, when u may see it; read even when there is none,
	// so the page costs the same statements whatever it shows.
	var needID int64
	if p.Contribution.NeedID != nil {
		needID = *p.Contribution.NeedID
	}
	var needs []Need
	if err := db.WithContext(ctx).Scopes(NeedsVisibleTo(u)).Select(needColumns).Where("needs.id = ?", needID).Find(&needs).Error; err != nil {
		return p, fmt.Errorf("need of contribution %d: %w", id, err)
	}
	if len(needs) == 1 {
		p.Need = &needs[0]
	}
	return p, nil
}

// ContributionSorts lists the orders the list offers.
func ContributionSorts() []string { return []string{"value_date", "updated", "amount"} }

func contributionOrder(sort string) Order {
	switch sort {
	case "updated":
		return Order{Keys: []SortKey{{"contributions.updated_at", "timestamptz"}, {"contributions.id", "bigint"}}, Desc: true}
	}
	return Order{Keys: []SortKey{{"contributions.value_date", "date"}, {"contributions.id", "bigint"}}, Desc: true}
}

func contributionKey(sort string) func(ContributionRow) []any {
	return func(c ContributionRow) []any {
		if sort == "updated" {
			return []any{c.UpdatedAt.UTC().Format(time.RFC3339Nano), c.ID}
		}
		return []any{c.ValueDate.Format("2006-01-02"), c.ID}
	}
}

// ContributionRow is a contribution as lists and exports show it, with its
// US-dollar equivalent (nil when its month has no rate).
type ContributionRow struct {
	Contribution
	USD *decimal.Decimal `gorm:"column:usd"`
}

// contributionRowSelect adds the equivalent at the value date's month,
// the one the totals add (usdExpr).
const contributionRowSelect = `contributions.*, ` + usdExpr + ` AS usd`

// ListContributions returns one page of the contributions u may see that
// match f: one statement.
func ListContributions(ctx context.Context, db *gorm.DB, u *User, f ContributionFilter, sort string, req PageRequest) (Page[ContributionRow], error) {
	q := contributionsQuery(ctx, db, u, f).Select(contributionRowSelect)
	p, err := paginate(q, contributionOrder(sort), req, contributionKey(sort))
	if err != nil {
		return p, fmt.Errorf("list contributions: %w", err)
	}
	return p, nil
}

// ExportContributions returns every contribution u may see that matches f,
// in the list's order, up to MaxExportRows: one statement.
func ExportContributions(ctx context.Context, db *gorm.DB, u *User, f ContributionFilter, sort string) ([]ContributionRow, error) {
	o := contributionOrder(sort)
	var order []string
	for _, k := range o.Keys {
		order = append(order, k.Expr+" DESC")
	}
	var out []ContributionRow
	err := contributionsQuery(ctx, db, u, f).Select(contributionRowSelect).
		Order(strings.Join(order, ", ")).Limit(MaxExportRows).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("export contributions: %w", err)
	}
	return out, nil
}

// InputOfContribution restates a stored contribution as its form shows it.
func InputOfContribution(p ContributionPage) ContributionInput {
	c := p.Contribution
	in := ContributionInput{
		Donor: p.Donor.Slug, Kind: string(c.Kind), Title: c.Title, Description: c.Description, Language: c.Language,
		Amount: c.Amount.String(), Currency: c.Currency, ValueDate: c.ValueDate.Format("2006-01-02"),
		InKindType: deref(c.InKindType), Valuation: c.Valuation, Earmark: c.Earmark, Theme: deref(c.Theme),
		Paragraph: intString(c.ParagraphNumber), Need: int64String(c.NeedID), ReportedBy: c.ReportedBy, Public: c.Public,
	}
	if c.Earmark == "state" {
		in.Recipient = p.RecipientISO3
	}
	for _, i := range p.Instalments {
		in.InstalmentYear = append(in.InstalmentYear, strconv.Itoa(i.Year))
		in.InstalmentAmount = append(in.InstalmentAmount, i.Amount.String())
	}
	return in
}

// NeedTakesFunding tells whether contributions may be earmarked to a need:
// one open (submitted to in delivery) and shared beyond its State.
func NeedTakesFunding(n Need) bool {
	return n.Visibility != VisibilityState && !n.Status.Closed() && n.Status != NeedDraft
}
