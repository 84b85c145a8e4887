package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lib/pq"
	"github.com/sergi/go-diff/diffmatchpatch"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Implementation is where a State stands on one operative paragraph, on
// the resolution's fixed scale.
type Implementation string

const (
	ImplNotStarted    Implementation = "not_started"
	ImplPlanned       Implementation = "planned"
	ImplInProgress    Implementation = "in_progress"
	ImplSubstantially Implementation = "substantially_implemented"
	ImplFully         Implementation = "fully_implemented"
	ImplNotApplicable Implementation = "not_applicable"
)

// Implementations lists the scale in order.
func Implementations() []Implementation {
	return []Implementation{ImplNotStarted, ImplPlanned, ImplInProgress, ImplSubstantially, ImplFully, ImplNotApplicable}
}

// Valid reports whether i is on the scale.
func (i Implementation) Valid() bool {
	for _, v := range Implementations() {
		if i == v {
			return true
		}
	}
	return false
}

// ProgressStatus is where a progress report stands in its workflow.
type ProgressStatus string

const (
	ProgressDraft     ProgressStatus = "draft"
	ProgressSubmitted ProgressStatus = "submitted"
	ProgressReturned  ProgressStatus = "returned"
	ProgressValidated ProgressStatus = "validated"
)

// ProgressStatuses lists the workflow's statuses in order.
func ProgressStatuses() []ProgressStatus {
	return []ProgressStatus{ProgressDraft, ProgressSubmitted, ProgressReturned, ProgressValidated}
}

// Editable reports whether the State may edit a report in status s: a
// draft, a returned report, or a validated one (whose edit starts a new
// draft). A submitted report waits for the Secretariat.
func (s ProgressStatus) Editable() bool {
	return s == ProgressDraft || s == ProgressReturned || s == ProgressValidated
}

// ProgressWorkflow is the progress reports' transition table: the State
// submits, the Secretariat validates or returns with a comment, the State
// resubmits.
var ProgressWorkflow = Workflow[ProgressStatus]{
	{From: ProgressDraft, To: ProgressSubmitted, Who: ActorState},
	{From: ProgressSubmitted, To: ProgressValidated, Who: ActorSecretariat},
	{From: ProgressSubmitted, To: ProgressReturned, Who: ActorSecretariat, NoteRequired: true},
	{From: ProgressReturned, To: ProgressSubmitted, Who: ActorState},
}

// Evidence is a link supporting a report: a label and an http(s) address.
type Evidence struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// EvidenceList is a report's evidence, stored as a jsonb array.
type EvidenceList []Evidence

// Value stores the list as jsonb.
func (e EvidenceList) Value() (driver.Value, error) {
	return jsonbValue([]Evidence(e), e == nil, "[]", "evidence")
}

// Scan reads a jsonb array.
func (e *EvidenceList) Scan(src any) error {
	var out []Evidence
	_, err := jsonbScan(src, &out, "evidence")
	*e = out
	return err
}

// GormDataType tells GORM the column type.
func (EvidenceList) GormDataType() string { return "jsonb" }

// ProgressReport is a State's report on one operative paragraph for one
// reporting period.
type ProgressReport struct {
	ID              int64
	MemberStateID   int
	PeriodID        int64
	ParagraphNumber int
	Implementation  Implementation
	Narrative       string
	Measures        string
	Language        string `gorm:"default:en"` // the language the narrative and measures are written in
	Evidence        EvidenceList
	Status          ProgressStatus
	ReturnComment   string
	StatusChangedAt time.Time
	Version         int
	UpdatedBy       string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (r ProgressReport) auditView() map[string]any {
	ev := r.Evidence
	if ev == nil {
		ev = EvidenceList{}
	}
	return map[string]any{
		"member_state_id": r.MemberStateID, "period_id": r.PeriodID, "paragraph": r.ParagraphNumber,
		"implementation": r.Implementation, "narrative": r.Narrative, "measures": r.Measures,
		"language": r.Language, "evidence": ev, "status": r.Status,
	}
}

// contentView is what an edit can change: an edit changing none of it
// saves nothing.
func (r ProgressReport) contentView() map[string]any {
	v := r.auditView()
	delete(v, "status")
	return v
}

// ProgressVersion is one saved version of a report, as it stood after an
// edit, a workflow step or a carry-forward.
type ProgressVersion struct {
	ID             int64
	ReportID       int64
	Version        int
	Kind           string // saved, transition, carried
	Implementation Implementation
	Narrative      string
	Measures       string
	Language       string `gorm:"default:en"`
	Evidence       EvidenceList
	Status         ProgressStatus
	ReturnComment  string
	Note           string
	SavedByID      *int64
	SavedBy        string
	SavedAt        time.Time
}

// TableName is the versions' table.
func (ProgressVersion) TableName() string { return "progress_report_versions" }

func progressSnapshot(r ProgressReport, kind, note string, ev AuditContext) ProgressVersion {
	evidence := r.Evidence
	if evidence == nil {
		evidence = EvidenceList{}
	}
	return ProgressVersion{
		ReportID: r.ID, Version: r.Version, Kind: kind, Implementation: r.Implementation,
		Narrative: r.Narrative, Measures: r.Measures, Language: r.Language, Evidence: evidence, Status: r.Status,
		ReturnComment: r.ReturnComment, Note: note, SavedByID: actorID(ev), SavedBy: actorName(ev),
	}
}

// Limits of a report's fields.
const (
	MaxNarrative   = 10000
	MaxMeasures    = 5000
	MaxEvidence    = 100
	maxEvidenceURL = 2000
)

// ProgressInput is a report as the State's form submits it. Evidence rows
// come as parallel lists of labels and addresses; a row with both empty is
// ignored.
type ProgressInput struct {
	Implementation string   `form:"implementation" validate:"required,oneof=not_started planned in_progress substantially_implemented fully_implemented not_applicable"`
	Narrative      string   `form:"narrative" validate:"max=10000"`
	Measures       string   `form:"measures" validate:"max=5000"`
	Language       string   `form:"language" validate:"omitempty,oneof=ar zh en fr ru es" msg:"validation.language"`
	EvidenceLabel  []string `form:"evidence_label"`
	EvidenceURL    []string `form:"evidence_url"`
}

// InputOf restates a stored report as the form shows it.
func (r ProgressReport) InputOf() ProgressInput {
	in := ProgressInput{Implementation: string(r.Implementation), Narrative: r.Narrative, Measures: r.Measures, Language: r.Language}
	for _, e := range r.Evidence {
		in.EvidenceLabel = append(in.EvidenceLabel, e.Label)
		in.EvidenceURL = append(in.EvidenceURL, e.URL)
	}
	return in
}

// EvidenceFieldID is the form control of row i (from 1) of the evidence:
// kind "label" or "url". Problems with a row are reported against it.
func EvidenceFieldID(kind string, i int) string { return "evidence_" + kind + "_" + strconv.Itoa(i) }

// ValidateProgress checks an input's meaning and returns the content it
// describes. Every problem is reported against its form field (an
// evidence row's against that row's control).
func ValidateProgress(in ProgressInput) (ProgressReport, error) {
	p := Problems{}
	var r ProgressReport
	r.Implementation = Implementation(in.Implementation)
	if !r.Implementation.Valid() {
		p.Add("implementation", "validation.choose")
	}
	checkText(p, "narrative", in.Narrative, false, MaxNarrative)
	checkText(p, "measures", in.Measures, false, MaxMeasures)
	r.Narrative = strings.TrimSpace(in.Narrative)
	r.Measures = strings.TrimSpace(in.Measures)
	r.Language = checkLanguage(p, "language", in.Language)
	rows := max(len(in.EvidenceLabel), len(in.EvidenceURL))
	r.Evidence = EvidenceList{}
	for i := 0; i < rows; i++ {
		var label, link string
		if i < len(in.EvidenceLabel) {
			label = strings.TrimSpace(in.EvidenceLabel[i])
		}
		if i < len(in.EvidenceURL) {
			link = strings.TrimSpace(in.EvidenceURL[i])
		}
		if label == "" && link == "" {
			continue
		}
		lf, uf := EvidenceFieldID("label", i+1), EvidenceFieldID("url", i+1)
		checkText(p, lf, label, true, 200)
		if link == "" {
			p.Add(uf, "validation.required")
		} else if !validWebAddress(link) {
			p.Add(uf, "validation.url")
		}
		r.Evidence = append(r.Evidence, Evidence{Label: label, URL: link})
	}
	if len(r.Evidence) > MaxEvidence {
		p.Add("evidence", "validation.too_many", "Max", MaxEvidence)
	}
	return r, p.Err()
}

// validWebAddress accepts only absolute http and https addresses with a
// host: no javascript:, data: or relative links reach a page.
func validWebAddress(s string) bool {
	if len(s) > maxEvidenceURL || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return (scheme == "http" || scheme == "https") && u.Hostname() != ""
}

// canActForState tells whether u acts as the State stateID (its focal
// points and administrators).
func canActForState(u *User, stateID int) bool { return hasActor(ActorsFor(u, stateID), ActorState) }

// CanEditProgress tells whether u may edit a report of State stateID in
// status s (no report yet: s is ""), in period p on day today.
func CanEditProgress(u *User, stateID int, s ProgressStatus, p ReportingPeriod, today time.Time) bool {
	return canActForState(u, stateID) && p.IsOpen(today) && (s == "" || s.Editable())
}

// lockProgress reads the report of a State, period and paragraph for
// update; found is false when there is none yet.
func lockProgress(tx *gorm.DB, stateID int, periodID int64, n int) (ProgressReport, bool, error) {
	var r ProgressReport
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("member_state_id = ? AND period_id = ? AND paragraph_number = ?", stateID, periodID, n).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, false, nil
	}
	return r, err == nil, err
}

// SaveProgress saves the State's report on paragraph n for period p, made
// on version seen (0: there was no report yet), keeping the saved version.
// Only the State edits, while the period is open, a report in draft,
// returned or validated (which starts a new draft); ErrStaleVersion when
// someone saved first. n must be an operative paragraph (the caller checks
// it against the reference data).
func SaveProgress(ctx context.Context, db *gorm.DB, u *User, stateID int, p ReportingPeriod, n int, seen int, in ProgressInput, ev AuditContext) (ProgressReport, error) {
	if !canActForState(u, stateID) {
		return ProgressReport{}, fmt.Errorf("edit progress of State %d: %w", stateID, ErrForbidden)
	}
	next, err := ValidateProgress(in)
	if err != nil {
		return next, err
	}
	if !p.IsOpen(Today()) {
		return next, Invalid("_form", "progress.period_not_open")
	}
	var out ProgressReport
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, found, err := lockProgress(tx, stateID, p.ID, n)
		if err != nil {
			return err
		}
		next.MemberStateID, next.PeriodID, next.ParagraphNumber, next.UpdatedBy = stateID, p.ID, n, actorName(ev)
		if !found {
			if seen != 0 {
				return fmt.Errorf("progress %d/%d/%d was removed: %w", stateID, p.ID, n, ErrStaleVersion)
			}
			next.Status, next.Version = ProgressDraft, 1
			if err := tx.Omit("StatusChangedAt", "CreatedAt", "UpdatedAt").Create(&next).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return fmt.Errorf("progress %d/%d/%d created meanwhile: %w", stateID, p.ID, n, ErrStaleVersion)
				}
				return err
			}
			if err := tx.Omit("SavedAt").Create(versionRow(progressSnapshot(next, "saved", "", ev))).Error; err != nil {
				return err
			}
			out = next
			return recordChange(tx, ev, ActionProgressSaved, Target("progress_report", next.ID), nil, next.auditView())
		}
		if cur.Version != seen {
			return fmt.Errorf("progress %d at version %d, edit made on %d: %w", cur.ID, cur.Version, seen, ErrStaleVersion)
		}
		if !cur.Status.Editable() {
			return Invalid("_form", "progress.not_editable")
		}
		next.ID, next.CreatedAt, next.Status, next.ReturnComment, next.StatusChangedAt = cur.ID, cur.CreatedAt, cur.Status, cur.ReturnComment, cur.StatusChangedAt
		if SameValues(cur.contentView(), next.contentView()) {
			out = cur
			return nil // nothing changed: no new version
		}
		values := map[string]any{
			"implementation": next.Implementation, "narrative": next.Narrative, "measures": next.Measures,
			"language": next.Language, "evidence": next.Evidence, "updated_by": next.UpdatedBy,
		}
		if cur.Status == ProgressValidated {
			// An edit after validation starts a new draft.
			now := time.Now().UTC()
			next.Status, next.ReturnComment, next.StatusChangedAt = ProgressDraft, "", now
			values["status"], values["return_comment"], values["status_changed_at"] = ProgressDraft, "", now
		}
		if err := updateVersioned(tx, "progress_reports", cur.ID, seen, values); err != nil {
			return err
		}
		next.Version = seen + 1
		if err := tx.Omit("SavedAt").Create(versionRow(progressSnapshot(next, "saved", "", ev))).Error; err != nil {
			return err
		}
		out = next
		return recordChange(tx, ev, ActionProgressSaved, Target("progress_report", cur.ID), cur.auditView(), next.auditView())
	})
	if err != nil {
		return out, fmt.Errorf("save progress %d/%d/%d: %w", stateID, p.ID, n, err)
	}
	return out, nil
}

// versionRow is a snapshot ready to insert.
func versionRow(v ProgressVersion) *ProgressVersion { return &v }

// TransitionProgress moves the report on paragraph n to status to, if the
// workflow lets u do so from its current status, with the note the step
// needs (the Secretariat's comment when it returns a report). The State's
// steps need the period open, and a submitted report needs a narrative
// unless the paragraph does not apply. The version, history and audit
// commit together.
func TransitionProgress(ctx context.Context, db *gorm.DB, u *User, stateID int, p ReportingPeriod, n int, seen int, to ProgressStatus, note string, ev AuditContext) (ProgressReport, error) {
	var out ProgressReport
	note = strings.TrimSpace(note)
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, found, err := lockProgress(tx, stateID, p.ID, n)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("progress %d/%d/%d: %w", stateID, p.ID, n, ErrNotFound)
		}
		if cur.Version != seen {
			return fmt.Errorf("progress %d at version %d, transition made on %d: %w", cur.ID, cur.Version, seen, ErrStaleVersion)
		}
		t, err := ProgressWorkflow.check(u, stateID, cur.Status, to, note)
		if err != nil {
			return err
		}
		if t.Who == ActorState && !p.IsOpen(Today()) {
			return Invalid("to", "progress.period_not_open")
		}
		if to == ProgressSubmitted && cur.Narrative == "" && cur.Implementation != ImplNotApplicable {
			return Invalid("to", "progress.narrative_required")
		}
		now := time.Now().UTC()
		comment := cur.ReturnComment
		switch to {
		case ProgressReturned:
			comment = note
		case ProgressValidated:
			comment = ""
		}
		if err := updateVersioned(tx, "progress_reports", cur.ID, seen, map[string]any{
			"status": to, "status_changed_at": now, "return_comment": comment, "updated_by": actorName(ev),
		}); err != nil {
			return err
		}
		before := map[string]any{"status": cur.Status}
		cur.Status, cur.StatusChangedAt, cur.ReturnComment, cur.Version, cur.UpdatedBy = to, now, comment, seen+1, actorName(ev)
		if err := tx.Omit("SavedAt").Create(versionRow(progressSnapshot(cur, "transition", note, ev))).Error; err != nil {
			return err
		}
		out = cur
		if err := recordChange(tx, ev, ActionProgressTransition, Target("progress_report", cur.ID), before, map[string]any{"status": to, "note": note}); err != nil {
			return err
		}
		return progressChanged(tx, ev, cur, p, to)
	})
	if err != nil {
		return out, fmt.Errorf("progress %d/%d/%d to %s: %w", stateID, p.ID, n, to, err)
	}
	return out, nil
}

// ErrNoPreviousPeriod: the open period is the first; there is nothing to
// carry forward.
var ErrNoPreviousPeriod = errors.New("no earlier reporting period")

// CarryResult says what a carry-forward copied.
type CarryResult struct {
	From, To   ReportingPeriod
	Paragraphs []int // the paragraphs that received a draft, in order
}

// CarryForward starts the open period's reports of State stateID from the
// previous period's answers: each paragraph of paragraphs that has a report
// there and none yet in the open period gets a draft with the same status,
// narrative, measures and evidence. Running it again copies nothing more.
// Audited once, with the paragraphs copied.
func CarryForward(ctx context.Context, db *gorm.DB, u *User, stateID int, paragraphs []int, ev AuditContext) (CarryResult, error) {
	var res CarryResult
	if !canActForState(u, stateID) {
		return res, fmt.Errorf("carry forward for State %d: %w", stateID, ErrForbidden)
	}
	nums := make(pq.Int64Array, len(paragraphs))
	for i, n := range paragraphs {
		nums[i] = int64(n)
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		to, err := openPeriod(tx, Today())
		if err != nil {
			return err
		}
		var from ReportingPeriod
		err = tx.Where("opens_on < ?", to.OpensOn).Order("opens_on DESC, id DESC").Take(&from).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNoPreviousPeriod
		}
		if err != nil {
			return err
		}
		res.From, res.To = from, to
		var copied []struct {
			ID              int64
			ParagraphNumber int
		}
		err = tx.Raw(`INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation,
				narrative, measures, language, evidence, status, version, updated_by)
			SELECT member_state_id, ?, paragraph_number, implementation, narrative, measures, language, evidence, 'draft', 1, ?
			FROM progress_reports WHERE member_state_id = ? AND period_id = ? AND paragraph_number = ANY(?)
			ORDER BY paragraph_number
			ON CONFLICT (member_state_id, period_id, paragraph_number) DO NOTHING
			RETURNING id, paragraph_number`, to.ID, actorName(ev), stateID, from.ID, nums).Scan(&copied).Error
		if err != nil {
			return err
		}
		if len(copied) == 0 {
			return nil
		}
		ids := make(pq.Int64Array, len(copied))
		for i, c := range copied {
			ids[i] = c.ID
			res.Paragraphs = append(res.Paragraphs, c.ParagraphNumber)
		}
		slices.Sort(res.Paragraphs)
		if err := tx.Exec(`INSERT INTO progress_report_versions (report_id, version, kind, implementation, narrative,
				measures, language, evidence, status, note, saved_by_id, saved_by)
			SELECT id, 1, 'carried', implementation, narrative, measures, language, evidence, status, ?, ?, ?
			FROM progress_reports WHERE id = ANY(?)`,
			fmt.Sprintf("period %d", from.ID), actorID(ev), actorName(ev), ids).Error; err != nil {
			return err
		}
		return recordChange(tx, ev, ActionProgressCarried, AuditTarget{Type: "member_state", ID: strconv.Itoa(stateID)}, nil,
			map[string]any{"from_period_id": from.ID, "to_period_id": to.ID, "paragraphs": res.Paragraphs})
	})
	if err != nil {
		return res, fmt.Errorf("carry forward for State %d: %w", stateID, err)
	}
	return res, nil
}

// ProgressSummary is one row of a State's progress page: a report without
// its long texts, and whether its narrative is missing.
type ProgressSummary struct {
	ID               int64
	ParagraphNumber  int
	Implementation   Implementation
	Status           ProgressStatus
	Version          int
	UpdatedBy        string
	UpdatedAt        time.Time
	NarrativeMissing bool
	EvidenceCount    int
}

// StateProgress returns the reports u may see of State stateID for one
// period, by paragraph: one statement, whatever the data.
func StateProgress(ctx context.Context, db *gorm.DB, u *User, stateID int, periodID int64) ([]ProgressSummary, error) {
	var rows []ProgressSummary
	err := db.WithContext(ctx).Model(&ProgressReport{}).Scopes(ProgressVisibleTo(u)).
		Select(`progress_reports.id, progress_reports.paragraph_number, progress_reports.implementation,
			progress_reports.status, progress_reports.version, progress_reports.updated_by, progress_reports.updated_at,
			progress_reports.narrative = '' AS narrative_missing, jsonb_array_length(progress_reports.evidence) AS evidence_count`).
		Where("progress_reports.member_state_id = ? AND progress_reports.period_id = ?", stateID, periodID).
		Order("progress_reports.paragraph_number").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("progress of State %d in period %d: %w", stateID, periodID, err)
	}
	return rows, nil
}

// ProgressFor returns the report u may see of State stateID on paragraph n
// for one period; found is false when there is none (or u may not see it).
func ProgressFor(ctx context.Context, db *gorm.DB, u *User, stateID int, periodID int64, n int) (ProgressReport, bool, error) {
	var r ProgressReport
	err := db.WithContext(ctx).Scopes(ProgressVisibleTo(u)).
		Where("progress_reports.member_state_id = ? AND progress_reports.period_id = ? AND progress_reports.paragraph_number = ?", stateID, periodID, n).
		Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("progress %d/%d/%d: %w", stateID, periodID, n, err)
	}
	return r, true, nil
}

// ProgressVersions returns one page of a report's versions, newest first,
// without their long texts: one statement.
func ProgressVersions(ctx context.Context, db *gorm.DB, reportID int64, req PageRequest) (Page[ProgressVersion], error) {
	q := db.WithContext(ctx).Model(&ProgressVersion{}).
		Select("id, report_id, version, kind, implementation, status, note, saved_by, saved_at").
		Where("report_id = ?", reportID)
	o := Order{Keys: []SortKey{{"progress_report_versions.version", "int"}}, Desc: true}
	p, err := paginate(q, o, req, func(v ProgressVersion) []any { return []any{strconv.Itoa(v.Version)} })
	if err != nil {
		return p, fmt.Errorf("versions of progress %d: %w", reportID, err)
	}
	return p, nil
}

// ProgressVersionPair returns version v of a report and the one before it
// (nil for the first): one statement.
func ProgressVersionPair(ctx context.Context, db *gorm.DB, reportID int64, v int) (ProgressVersion, *ProgressVersion, error) {
	var rows []ProgressVersion
	if err := db.WithContext(ctx).Where("report_id = ? AND version IN (?, ?)", reportID, v, v-1).Order("version DESC").Find(&rows).Error; err != nil {
		return ProgressVersion{}, nil, fmt.Errorf("version %d of progress %d: %w", v, reportID, err)
	}
	if len(rows) == 0 || rows[0].Version != v {
		return ProgressVersion{}, nil, fmt.Errorf("version %d of progress %d: %w", v, reportID, ErrNotFound)
	}
	if len(rows) == 2 {
		return rows[0], &rows[1], nil
	}
	return rows[0], nil, nil
}

// ImplementationCount is how many validated reports stand at one point of
// the scale.
type ImplementationCount struct {
	Implementation Implementation
	Count          int
}

// ProgressDistribution is how the States' validated reports on one
// paragraph are distributed over the scale in the period open today.
type ProgressDistribution struct {
	Period *ReportingPeriod // nil when no period is open
	Counts []ImplementationCount
	Total  int
}

// DistributionFor counts, in one statement, the validated reports on
// paragraph n of the period open on day today, by implementation status.
// It is an aggregate over every State: callers show it to those the policy
// lets read progress at all.
func DistributionFor(ctx context.Context, db *gorm.DB, n int, today time.Time) (ProgressDistribution, error) {
	var rows []struct {
		ID             int64
		Title          Localized
		OpensOn        time.Time
		DueOn          time.Time
		ClosesOn       time.Time
		Implementation *string
		Count          int
	}
	err := db.WithContext(ctx).Raw(`SELECT p.id, p.title, p.opens_on, p.due_on, p.closes_on, r.implementation, count(r.id) AS count
		FROM (SELECT * FROM reporting_periods WHERE opens_on <= ? AND closes_on >= ? ORDER BY opens_on DESC, id DESC LIMIT 1) p
		LEFT JOIN progress_reports r ON r.period_id = p.id AND r.paragraph_number = ? AND r.status = 'validated'
		GROUP BY p.id, p.title, p.opens_on, p.due_on, p.closes_on, r.implementation`, today, today, n).Scan(&rows).Error
	if err != nil {
		return ProgressDistribution{}, fmt.Errorf("distribution of paragraph %d: %w", n, err)
	}
	d := ProgressDistribution{}
	by := map[Implementation]int{}
	for _, r := range rows {
		if d.Period == nil {
			d.Period = &ReportingPeriod{ID: r.ID, Title: r.Title, OpensOn: r.OpensOn, DueOn: r.DueOn, ClosesOn: r.ClosesOn}
		}
		if r.Implementation != nil {
			by[Implementation(*r.Implementation)] = r.Count
			d.Total += r.Count
		}
	}
	if d.Period == nil {
		return d, nil
	}
	for _, i := range Implementations() {
		d.Counts = append(d.Counts, ImplementationCount{Implementation: i, Count: by[i]})
	}
	return d, nil
}

// DiffOp is what happened to a piece of text between two versions.
type DiffOp string

const (
	DiffSame    DiffOp = "same"
	DiffRemoved DiffOp = "removed"
	DiffAdded   DiffOp = "added"
)

// DiffPart is a run of text with what happened to it.
type DiffPart struct {
	Op   DiffOp
	Text string
}

// WordDiff is a readable difference between two texts, word by word: each
// word, space run or punctuation mark is a unit, so a changed word shows
// as removed and added whole rather than letter by letter.
func WordDiff(before, after string) []DiffPart {
	index := map[string]rune{}
	var tokens []string
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range splitWords(s) {
			r, ok := index[tok]
			if !ok {
				tokens = append(tokens, tok)
				r = rune(len(tokens)) // 1…; texts are short enough to stay below the surrogates
				index[tok] = r
			}
			out = append(out, r)
		}
		return out
	}
	a, b := encode(before), encode(after)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(a, b, false))
	var out []DiffPart
	for _, d := range diffs {
		op := DiffSame
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = DiffRemoved
		case diffmatchpatch.DiffInsert:
			op = DiffAdded
		}
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(tokens[r-1])
		}
		if sb.Len() == 0 {
			continue
		}
		if len(out) > 0 && out[len(out)-1].Op == op {
			out[len(out)-1].Text += sb.String()
			continue
		}
		out = append(out, DiffPart{Op: op, Text: sb.String()})
	}
	return out
}

// splitWords cuts a text into words (letters and digits), runs of spaces
// and single other characters.
func splitWords(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		switch {
		case unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]) || unicode.IsMark(rs[i]):
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || unicode.IsMark(rs[j])) {
				j++
			}
		case unicode.IsSpace(rs[i]):
			for j < len(rs) && unicode.IsSpace(rs[j]) {
				j++
			}
		}
		out = append(out, string(rs[i:j]))
		i = j
	}
	return out
}

// ProgressFilter narrows a list of progress reports across States.
type ProgressFilter struct {
	StateID   int
	PeriodID  int64
	Paragraph int
	Status    ProgressStatus
}

// ListProgress returns one page of the progress reports u may see
// (ProgressVisibleTo), by State and paragraph, with their narratives: one
// statement.
func ListProgress(ctx context.Context, db *gorm.DB, u *User, f ProgressFilter, req PageRequest) (Page[ProgressReport], error) {
	q := db.WithContext(ctx).Model(&ProgressReport{}).Scopes(ProgressVisibleTo(u))
	if f.StateID != 0 {
		q = q.Where("progress_reports.member_state_id = ?", f.StateID)
	}
	if f.PeriodID != 0 {
		q = q.Where("progress_reports.period_id = ?", f.PeriodID)
	}
	if f.Paragraph != 0 {
		q = q.Where("progress_reports.paragraph_number = ?", f.Paragraph)
	}
	if f.Status != "" {
		q = q.Where("progress_reports.status = ?", f.Status)
	}
	order := Order{Keys: []SortKey{{"progress_reports.period_id", "bigint"}, {"progress_reports.member_state_id", "int"},
		{"progress_reports.paragraph_number", "int"}, {"progress_reports.id", "bigint"}}}
	p, err := paginate(q, order, req, func(r ProgressReport) []any {
		return []any{strconv.FormatInt(r.PeriodID, 10), strconv.Itoa(r.MemberStateID), strconv.Itoa(r.ParagraphNumber), strconv.FormatInt(r.ID, 10)}
	})
	if err != nil {
		return p, fmt.Errorf("list progress reports: %w", err)
	}
	return p, nil
}
