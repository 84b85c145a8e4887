package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ActivityFilter narrows a list, a count, an export or a chart of
// activities; the zero value is every activity the person may see.
type ActivityFilter struct {
	StateID   int    // served this State
	Group     string // served a State of this regional group
	Kind      ActivityKind
	Paragraph int
	Partner   string // partner's slug
	Year      int    // of the start date
	Status    ActivityStatus
	DonorID   int // funded by a contribution of this organization that the person may see
}

// activitiesQuery is every list, count, export and chart's query: the
// activities u may see (ActivitiesVisibleTo) that match f.
func activitiesQuery(ctx context.Context, db *gorm.DB, u *User, f ActivityFilter) *gorm.DB {
	q := db.WithContext(ctx).Table("activities").Scopes(ActivitiesVisibleTo(u))
	if f.StateID != 0 {
		q = q.Where("EXISTS (SELECT 1 FROM activity_states s WHERE s.activity_id = activities.id AND s.member_state_id = ?)", f.StateID)
	}
	if f.Group != "" {
		q = q.Where(`EXISTS (SELECT 1 FROM activity_states s JOIN member_states ms ON ms.id = s.member_state_id
			WHERE s.activity_id = activities.id AND ms.regional_group = ?)`, f.Group)
	}
	if f.Kind != "" {
		q = q.Where("activities.kind = ?", f.Kind)
	}
	if f.Paragraph != 0 {
		q = q.Where("activities.paragraphs @> ARRAY[?]::int[]", f.Paragraph)
	}
	if f.Partner != "" {
		q = q.Where(`EXISTS (SELECT 1 FROM activity_partners ap JOIN partner_organizations o ON o.id = ap.partner_id
			WHERE ap.activity_id = activities.id AND o.slug = ?)`, f.Partner)
	}
	if f.Year != 0 {
		from := time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		q = q.Where("activities.start_date >= ? AND activities.start_date < ?", from, from.AddDate(1, 0, 0))
	}
	if f.Status != "" {
		q = q.Where("activities.status = ?", f.Status)
	}
	if f.DonorID != 0 {
		// Through the contributions u may see: a private contribution's
		// link to an activity stays private.
		funded := contributionsQuery(subqueryContext(), db, u, ContributionFilter{DonorID: f.DonorID}).
			Joins("JOIN activity_funding f ON f.contribution_id = contributions.id").
			Select("f.activity_id")
		q = q.Where("activities.id IN (?)", funded)
	}
	return q
}

// activityColumns are what a list or an export reads: everything but the
// long description.
const activityColumns = `activities.id, activities.kind, activities.title, activities.language, activities.start_date, activities.end_date,
	activities.online, activities.city, activities.place_state_id, activities.paragraphs, activities.themes,
	activities.status, activities.delivered_on, activities.cancelled_on, activities.public,
	activities.women, activities.men, activities.sex_not_stated, activities.prosecutors, activities.judges,
	activities.police, activities.legislators, activities.central_authority, activities.financial_intelligence,
	activities.other_profession, activities.version, activities.created_at, activities.updated_at`

// ActivityRow is an activity as a list shows it, with the ISO codes of the
// States it served.
type ActivityRow struct {
	Activity
	StateCodes string // "KEN UGA TZA", in code order
}

// States are the codes of the States served.
func (r ActivityRow) States() []string { return strings.Fields(r.StateCodes) }

const activityRowSelect = activityColumns + `,
	(SELECT coalesce(string_agg(ms.iso3, ' ' ORDER BY ms.iso3), '') FROM activity_states s
		JOIN member_states ms ON ms.id = s.member_state_id WHERE s.activity_id = activities.id) AS state_codes`

func activityOrder() Order {
	return Order{Keys: []SortKey{{"activities.start_date", "date"}, {"activities.id", "bigint"}}, Desc: true}
}

func activityKey(r ActivityRow) []any {
	return []any{r.StartDate.Format("2006-01-02"), r.ID}
}

// ListActivities returns one page of the activities u may see that match
// f, latest first: one statement.
func ListActivities(ctx context.Context, db *gorm.DB, u *User, f ActivityFilter, req PageRequest) (Page[ActivityRow], error) {
	p, err := paginate(activitiesQuery(ctx, db, u, f).Select(activityRowSelect), activityOrder(), req, activityKey)
	if err != nil {
		return p, fmt.Errorf("list activities: %w", err)
	}
	return p, nil
}

// ActivitySummary is what the activities u may see that match f add up
// to: how many, how many delivered, the States they reached and the
// participants of the delivered ones; and, for the map and the timeline,
// how many served each State and how many began in each quarter, by
// family of kind.
type ActivitySummary struct {
	Count        int64
	Delivered    int64
	StatesCount  int64
	Participants Participants
	ByState      []StateCount
	ByQuarter    []QuarterCount
	Latest       []ActivityBrief // the five that began last
}

// ActivityBrief is an activity as a short list names it.
type ActivityBrief struct {
	ID        int64          `json:"id"`
	Title     string         `json:"title"`
	Language  string         `json:"language"`   // the title's
	StartDate string         `json:"start_date"` // YYYY-MM-DD
	Status    ActivityStatus `json:"status"`
}

// StateCount is how many activities served one State.
type StateCount struct {
	MemberStateID int `json:"state"`
	Count         int `json:"count"`
}

// QuarterCount is how many activities of a family of kinds began in a
// quarter.
type QuarterCount struct {
	Year    int    `json:"year"`
	Quarter int    `json:"quarter"`
	Family  string `json:"family"`
	Count   int    `json:"count"`
}

// ActivityFamilies group the kinds for the timeline, which can tell three
// series apart: workshops and training, advice, tools and visits.
func ActivityFamilies() []string { return []string{"training", "advice", "other"} }

// activityFamilyExpr is the family of activities.kind, as ActivityFamilies.
const activityFamilyExpr = `CASE WHEN kind IN ('national_workshop', 'regional_workshop', 'training_course',
	'training_of_trainers', 'elearning') THEN 'training'
	WHEN kind IN ('legislative_assistance', 'expert_advice', 'mentoring') THEN 'advice' ELSE 'other' END`

// SummarizeActivities sums the activities u may see that match f, with
// their counts by State and by quarter: one statement, whatever their
// number.
func SummarizeActivities(ctx context.Context, db *gorm.DB, u *User, f ActivityFilter) (ActivitySummary, error) {
	var s struct {
		Count, Delivered, StatesCount int64
		Participants                  `gorm:"embedded"`
		ByState                       []byte
		ByQuarter                     []byte
		Latest                        []byte
	}
	// The matching activities are read once (a materialized CTE) and every
	// figure, count and list is taken from them.
	matching := activitiesQuery(subqueryContext(), db, u, f).Select(`activities.id, activities.kind, activities.title, activities.language,
		activities.start_date, activities.status, activities.women, activities.men, activities.sex_not_stated,
		activities.prosecutors, activities.judges, activities.police, activities.legislators, activities.central_authority,
		activities.financial_intelligence, activities.other_profession`)
	err := db.WithContext(ctx).Raw(`WITH a AS MATERIALIZED (?), st AS MATERIALIZED (
			SELECT s.member_state_id, count(*) AS n FROM activity_states s JOIN a ON a.id = s.activity_id GROUP BY s.member_state_id)
		SELECT count(*) AS count,
		count(*) FILTER (WHERE a.status = 'delivered') AS delivered,
		(SELECT count(*) FROM st) AS states_count,
		coalesce(sum(a.women), 0) AS women, coalesce(sum(a.men), 0) AS men,
		coalesce(sum(a.sex_not_stated), 0) AS sex_not_stated,
		coalesce(sum(a.prosecutors), 0) AS prosecutors, coalesce(sum(a.judges), 0) AS judges,
		coalesce(sum(a.police), 0) AS police, coalesce(sum(a.legislators), 0) AS legislators,
		coalesce(sum(a.central_authority), 0) AS central_authority,
		coalesce(sum(a.financial_intelligence), 0) AS financial_intelligence,
		coalesce(sum(a.other_profession), 0) AS other_profession,
		(SELECT coalesce(jsonb_agg(jsonb_build_object('state', st.member_state_id, 'count', st.n) ORDER BY st.member_state_id), '[]')
			FROM st) AS by_state,
		(SELECT coalesce(jsonb_agg(jsonb_build_object('year', x.y, 'quarter', x.q, 'family', x.family, 'count', x.n)
				ORDER BY x.y, x.q, x.family), '[]')
			FROM (SELECT extract(year FROM start_date)::int AS y, extract(quarter FROM start_date)::int AS q,
				`+activityFamilyExpr+` AS family, count(*) AS n
				FROM a GROUP BY 1, 2, 3) x) AS by_quarter,
		(SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'title', x.title, 'language', x.language, 'start_date', x.start_date, 'status', x.status)
				ORDER BY x.start_date DESC, x.id DESC), '[]')
			FROM (SELECT id, title, language, start_date, status FROM a ORDER BY start_date DESC, id DESC LIMIT 5) x) AS latest
		FROM a`, matching).Scan(&s).Error
	if err != nil {
		return ActivitySummary{}, fmt.Errorf("summarize activities: %w", err)
	}
	out := ActivitySummary{Count: s.Count, Delivered: s.Delivered, StatesCount: s.StatesCount, Participants: s.Participants}
	if err := json.Unmarshal(s.ByState, &out.ByState); err != nil {
		return out, fmt.Errorf("summarize activities: %w", err)
	}
	if err := json.Unmarshal(s.ByQuarter, &out.ByQuarter); err != nil {
		return out, fmt.Errorf("summarize activities: %w", err)
	}
	if err := json.Unmarshal(s.Latest, &out.Latest); err != nil {
		return out, fmt.Errorf("summarize activities: %w", err)
	}
	return out, nil
}

// ExportActivities returns every activity u may see that matches f, in the
// list's order, up to MaxExportRows: one statement.
func ExportActivities(ctx context.Context, db *gorm.DB, u *User, f ActivityFilter) ([]ActivityRow, error) {
	var out []ActivityRow
	err := activitiesQuery(ctx, db, u, f).Select(activityRowSelect).
		Order("activities.start_date DESC, activities.id DESC").Limit(MaxExportRows).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("export activities: %w", err)
	}
	return out, nil
}

// NeedActivities lists the activities u may see that answer a need,
// latest first, with whether each is among those the need was met by: one
// statement.
func NeedActivities(ctx context.Context, db *gorm.DB, u *User, needID int64) ([]NeedActivity, error) {
	var out []NeedActivity
	err := activitiesQuery(ctx, db, u, ActivityFilter{}).
		Select(activityRowSelect+`, EXISTS (SELECT 1 FROM need_met_by m WHERE m.need_id = ? AND m.activity_id = activities.id) AS met_need`, needID).
		Where("activities.id IN (SELECT activity_id FROM activity_needs WHERE need_id = ?)", needID).
		Order("activities.start_date DESC, activities.id DESC").Limit(100).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("activities of need %d: %w", needID, err)
	}
	return out, nil
}

// NeedActivity is an activity that answers a need.
type NeedActivity struct {
	ActivityRow
	MetNeed bool // cited when the need was marked met
}
