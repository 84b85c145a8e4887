package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// ActivityState is a State an activity served, with its confirmation and
// feedback.
type ActivityState struct {
	MemberStateID int        `json:"member_state_id"`
	ConfirmedAt   *time.Time `json:"confirmed_at"`
	Rating        *int       `json:"rating"`
	Feedback      string     `json:"feedback"`
	Version       int        `json:"version"`
}

// ActivityNeed is a need an activity answers, as the viewer may see it.
type ActivityNeed struct {
	ID            int64      `json:"id"`
	Title         string     `json:"title"`
	Language      string     `json:"language"` // the title's
	MemberStateID int        `json:"member_state_id"`
	Status        NeedStatus `json:"status"`
}

// ActivityFunding is an amount an activity drew from a contribution the
// viewer may see.
type ActivityFunding struct {
	ContributionID int64           `json:"contribution_id"`
	Title          string          `json:"title"`
	Language       string          `json:"language"` // the title's
	DonorSlug      string          `json:"donor_slug"`
	DonorName      string          `json:"donor_name"`
	DonorNameFr    string          `json:"donor_name_fr"`
	Amount         decimal.Decimal `json:"amount"`
	Currency       string          `json:"currency"`
}

// DonorLocalName is the donor's name in lang.
func (f ActivityFunding) DonorLocalName(lang string) string {
	return DonorOrganization{Name: f.DonorName, NameFr: f.DonorNameFr}.LocalName(lang)
}

// ActivityDocument is a document an activity produced.
type ActivityDocument struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// ActivityPartner is a partner of an activity.
type ActivityPartner struct {
	Slug string    `json:"slug"`
	Name Localized `json:"name"`
}

// ActivityPage is one activity with everything its page shows.
type ActivityPage struct {
	Activity  Activity
	States    []ActivityState
	Partners  []ActivityPartner
	Needs     []ActivityNeed
	Funding   []ActivityFunding
	Documents []ActivityDocument
	Outcomes  []ActivityOutcome
}

// StateIDs are the States the activity served.
func (p ActivityPage) StateIDs() []int {
	out := make([]int, len(p.States))
	for i, s := range p.States {
		out[i] = s.MemberStateID
	}
	return out
}

// activityPageRow is the activity with its links as JSON arrays, read in
// one statement.
type activityPageRow struct {
	Activity
	StatesJSON    []byte `gorm:"column:states_json"`
	PartnersJSON  []byte `gorm:"column:partners_json"`
	NeedsJSON     []byte `gorm:"column:needs_json"`
	FundingJSON   []byte `gorm:"column:funding_json"`
	DocumentsJSON []byte `gorm:"column:documents_json"`
	OutcomesJSON  []byte `gorm:"column:outcomes_json"`
}

// ActivityByID loads an activity u may see with its States, partners, the
// needs and contributions u may see of those it links to, and its
// documents: one statement. One u may not see is not found.
func ActivityByID(ctx context.Context, db *gorm.DB, u *User, id int64) (ActivityPage, error) {
	var p ActivityPage
	needs := db.WithContext(subqueryContext()).Table("needs").Scopes(NeedsVisibleTo(u)).
		Select("needs.id, needs.title, needs.language, needs.member_state_id, needs.status").
		Where("needs.id IN (SELECT need_id FROM activity_needs WHERE activity_id = activities.id)")
	funding := contributionsQuery(subqueryContext(), db, u, ContributionFilter{}).
		Joins("JOIN activity_funding f ON f.contribution_id = contributions.id").
		Joins("JOIN donor_organizations d ON d.id = contributions.donor_organization_id").
		Select(`f.contribution_id, contributions.title, contributions.language, d.slug AS donor_slug, d.name AS donor_name, d.name_fr AS donor_name_fr,
			f.amount, contributions.currency`).
		Where("f.activity_id = activities.id")
	var row activityPageRow
	err := db.WithContext(ctx).Table("activities").Scopes(ActivitiesVisibleTo(u)).
		Select(`activities.*,
			(SELECT coalesce(jsonb_agg(jsonb_build_object('member_state_id', s.member_state_id, 'confirmed_at', s.confirmed_at,
				'rating', s.rating, 'feedback', s.feedback, 'version', s.version) ORDER BY s.member_state_id), '[]')
				FROM activity_states s WHERE s.activity_id = activities.id) AS states_json,
			(SELECT coalesce(jsonb_agg(jsonb_build_object('slug', o.slug, 'name', o.name) ORDER BY o.name ->> 'en'), '[]')
				FROM activity_partners ap JOIN partner_organizations o ON o.id = ap.partner_id
				WHERE ap.activity_id = activities.id) AS partners_json,
			(SELECT coalesce(jsonb_agg(to_jsonb(n) ORDER BY n.id), '[]') FROM (?) n) AS needs_json,
			(SELECT coalesce(jsonb_agg(to_jsonb(fu) ORDER BY fu.contribution_id), '[]') FROM (?) fu) AS funding_json,
			(SELECT coalesce(jsonb_agg(jsonb_build_object('kind', d.kind, 'title', d.title, 'url', d.url) ORDER BY d.id), '[]')
				FROM activity_documents d WHERE d.activity_id = activities.id) AS documents_json,
			`+activityOutcomesJSON, needs, funding).
		Where("activities.id = ?", id).Take(&row).Error
	if err != nil {
		return p, notFound(err, fmt.Sprintf("activity %d", id))
	}
	p.Activity = row.Activity
	for _, part := range []struct {
		raw []byte
		dst any
	}{{row.StatesJSON, &p.States}, {row.PartnersJSON, &p.Partners}, {row.NeedsJSON, &p.Needs},
		{row.FundingJSON, &p.Funding}, {row.DocumentsJSON, &p.Documents}, {row.OutcomesJSON, &p.Outcomes}} {
		if err := json.Unmarshal(part.raw, part.dst); err != nil {
			return p, fmt.Errorf("activity %d: %w", id, err)
		}
	}
	return p, nil
}

// ActivityResultsInput is a delivered activity's results as typed: the
// participants by sex and by profession, and the documents produced.
type ActivityResultsInput struct {
	Women                 string   `form:"women" validate:"max=7"`
	Men                   string   `form:"men" validate:"max=7"`
	SexNotStated          string   `form:"sex_not_stated" validate:"max=7"`
	Prosecutors           string   `form:"prosecutors" validate:"max=7"`
	Judges                string   `form:"judges" validate:"max=7"`
	Police                string   `form:"police" validate:"max=7"`
	Legislators           string   `form:"legislators" validate:"max=7"`
	CentralAuthority      string   `form:"central_authority" validate:"max=7"`
	FinancialIntelligence string   `form:"financial_intelligence" validate:"max=7"`
	OtherProfession       string   `form:"other_profession" validate:"max=7"`
	DocumentKind          []string `form:"document_kind" validate:"max=20,dive,max=20"`
	DocumentTitle         []string `form:"document_title" validate:"max=20,dive,max=200"`
	DocumentURL           []string `form:"document_url" validate:"max=20,dive,max=2000"`
}

// DocumentKinds are the kinds of documents an activity produces.
var DocumentKinds = []string{"draft_law", "manual", "report", "curriculum", "other"}

// DocumentFieldID is the form field of document row i.
func DocumentFieldID(i int) string { return "document_" + strconv.Itoa(i) }

// ValidateResults reads the counts (whole numbers, empty is 0) and checks
// that by sex and by profession they add up to the same number.
func ValidateResults(in ActivityResultsInput) (Participants, []ActivityDocument, error) {
	p := Problems{}
	count := func(field, raw string) int {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			return 0
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > 1_000_000 {
			p.Add(field, "validation.whole_number")
			return 0
		}
		return n
	}
	r := Participants{
		Women: count("women", in.Women), Men: count("men", in.Men), SexNotStated: count("sex_not_stated", in.SexNotStated),
		Prosecutors: count("prosecutors", in.Prosecutors), Judges: count("judges", in.Judges), Police: count("police", in.Police),
		Legislators: count("legislators", in.Legislators), CentralAuthority: count("central_authority", in.CentralAuthority),
		FinancialIntelligence: count("financial_intelligence", in.FinancialIntelligence), OtherProfession: count("other_profession", in.OtherProfession),
	}
	byProfession := 0
	for _, n := range r.ByProfession() {
		byProfession += n
	}
	if len(p) == 0 && byProfession != r.Total() {
		p.Add("prosecutors", "activity.professions_sum", "BySex", r.Total(), "ByProfession", byProfession)
	}
	var docs []ActivityDocument
	for i := range in.DocumentTitle {
		kind, url := "", ""
		if i < len(in.DocumentKind) {
			kind = in.DocumentKind[i]
		}
		if i < len(in.DocumentURL) {
			url = strings.TrimSpace(in.DocumentURL[i])
		}
		title := strings.TrimSpace(in.DocumentTitle[i])
		if title == "" && url == "" {
			continue
		}
		field := DocumentFieldID(i)
		switch {
		case title == "" || hasControl(title):
			p.Add(field, "activity.document_title")
		case !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://"):
			p.Add(field, "validation.url")
		case !slices.Contains(DocumentKinds, kind):
			p.Add(field, "validation.choose")
		default:
			docs = append(docs, ActivityDocument{Kind: kind, Title: title, URL: url})
		}
	}
	return r, docs, p.Err()
}

// SaveActivityResults records a delivered activity's participants and
// documents, made on version seen, audited.
func SaveActivityResults(ctx context.Context, db *gorm.DB, u *User, id int64, seen int, in ActivityResultsInput, ev AuditContext) error {
	if !CanRecordActivities(u) {
		return ErrForbidden
	}
	r, docs, err := ValidateResults(in)
	if err != nil {
		return err
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockActivity(tx, id)
		if err != nil {
			return err
		}
		if cur.Status != ActivityDelivered {
			return Invalid("women", "activity.results_when_delivered")
		}
		if cur.Version != seen {
			return fmt.Errorf("activity %d at version %d, results made on %d: %w", id, cur.Version, seen, ErrStaleVersion)
		}
		values := map[string]any{
			"women": r.Women, "men": r.Men, "sex_not_stated": r.SexNotStated, "prosecutors": r.Prosecutors,
			"judges": r.Judges, "police": r.Police, "legislators": r.Legislators, "central_authority": r.CentralAuthority,
			"financial_intelligence": r.FinancialIntelligence, "other_profession": r.OtherProfession,
		}
		if err := updateVersioned(tx, "activities", id, seen, values); err != nil {
			return err
		}
		var before []ActivityDocument
		if err := tx.Raw(`SELECT kind, title, url FROM activity_documents WHERE activity_id = ? ORDER BY id`, id).Scan(&before).Error; err != nil {
			return fmt.Errorf("documents of activity %d: %w", id, err)
		}
		if err := tx.Exec(`DELETE FROM activity_documents WHERE activity_id = ?`, id).Error; err != nil {
			return fmt.Errorf("documents of activity %d: %w", id, err)
		}
		for _, d := range docs {
			if err := tx.Exec(`INSERT INTO activity_documents (activity_id, kind, title, url) VALUES (?, ?, ?, ?)`, id, d.Kind, d.Title, d.URL).Error; err != nil {
				return fmt.Errorf("documents of activity %d: %w", id, err)
			}
		}
		return recordChange(tx, ev, ActionActivityResults, Target("activity", id),
			map[string]any{"participants": cur.Participants, "documents": before},
			map[string]any{"participants": r, "documents": docs})
	})
}

// FeedbackInput is a beneficiary State's confirmation of its participation
// and its feedback.
type FeedbackInput struct {
	Rating   string `form:"rating" validate:"omitempty,oneof=1 2 3 4 5"`
	Feedback string `form:"feedback" validate:"max=5000"`
	Version  int    `form:"version"`
}

// ConfirmParticipation records that u's State took part in a delivered
// activity, with a rating and a comment: a focal point of one of the
// activity's States (or an administrator, for any of them), audited and
// version-checked on the State's row.
func ConfirmParticipation(ctx context.Context, db *gorm.DB, u *User, activityID int64, stateID int, in FeedbackInput, ev AuditContext) error {
	if !hasActor(ActorsFor(u, stateID), ActorState) {
		return ErrForbidden
	}
	p := Problems{}
	checkText(p, "feedback", in.Feedback, false, 5000)
	var rating *int
	if in.Rating != "" {
		n, err := strconv.Atoi(in.Rating)
		if err != nil || n < 1 || n > 5 {
			p.Add("rating", "validation.choose")
		} else {
			rating = &n
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := lockActivity(tx, activityID)
		if err != nil {
			return err
		}
		if a.Status != ActivityDelivered {
			return Invalid("rating", "activity.confirm_when_delivered")
		}
		var cur ActivityState
		err = tx.Raw(`SELECT member_state_id, confirmed_at, rating, feedback, version FROM activity_states
			WHERE activity_id = ? AND member_state_id = ? FOR UPDATE`, activityID, stateID).Scan(&cur).Error
		if err != nil {
			return fmt.Errorf("State %d of activity %d: %w", stateID, activityID, err)
		}
		if cur.MemberStateID == 0 {
			return fmt.Errorf("State %d of activity %d: %w", stateID, activityID, ErrNotFound)
		}
		if cur.Version != in.Version {
			return fmt.Errorf("State %d of activity %d at version %d, confirmed on %d: %w", stateID, activityID, cur.Version, in.Version, ErrStaleVersion)
		}
		res := tx.Exec(`UPDATE activity_states SET confirmed_at = now(), confirmed_by = ?, rating = ?, feedback = ?, version = version + 1
			WHERE activity_id = ? AND member_state_id = ? AND version = ?`,
			actorID(ev), rating, strings.TrimSpace(in.Feedback), activityID, stateID, in.Version)
		if res.Error != nil {
			return fmt.Errorf("confirm State %d of activity %d: %w", stateID, activityID, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrStaleVersion
		}
		return recordChange(tx, ev, ActionActivityConfirmed, Target("activity", activityID),
			map[string]any{"state": stateID, "confirmed": cur.ConfirmedAt != nil, "rating": cur.Rating, "feedback": cur.Feedback},
			map[string]any{"state": stateID, "confirmed": true, "rating": rating, "feedback": strings.TrimSpace(in.Feedback)})
	})
}
