package models

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The report of the Secretary-General to the General Assembly under
// operative paragraph 17: one per reporting period, generated from the
// records (report_figures.go), its wording edited by the Secretariat, its
// versions kept, and once issued never changed again.

// ReportStatus is where a report stands.
type ReportStatus string

const (
	ReportDraft  ReportStatus = "draft"
	ReportReview ReportStatus = "review"
	ReportIssued ReportStatus = "issued"
)

// ReportStatuses lists the statuses in workflow order.
func ReportStatuses() []ReportStatus { return []ReportStatus{ReportDraft, ReportReview, ReportIssued} }

// Valid reports whether s is a known status.
func (s ReportStatus) Valid() bool { return slices.Contains(ReportStatuses(), s) }

// Editable tells whether the report's wording, excerpts and figures may
// still change: everything but an issued report.
func (s ReportStatus) Editable() bool { return s != ReportIssued }

// ReportWorkflow is the reports' transition table: the Secretariat drafts,
// sends the draft for review, takes it back with a reason, and issues the
// reviewed report, after which it never changes.
var ReportWorkflow = Workflow[ReportStatus]{
	{From: ReportDraft, To: ReportReview, Who: ActorSecretariat},
	{From: ReportReview, To: ReportDraft, Who: ActorSecretariat, NoteRequired: true},
	{From: ReportReview, To: ReportIssued, Who: ActorSecretariat},
}

// ReportActors are u's capacities on reports: the Secretariat's (and an
// administrator's).
func ReportActors(u *User) []Actor {
	if u.HasRole(RoleAdmin) || u.HasRole(RoleSecretariat) {
		return []Actor{ActorSecretariat}
	}
	return nil
}

// CanDraftReports tells whether u generates, edits and issues reports.
func CanDraftReports(u *User) bool { return len(ReportActors(u)) > 0 }

// CanReadReport tells whether u may read a report in status s: an issued
// report is a document of the General Assembly, read by anyone; a draft
// or one under review only by those who draft.
func CanReadReport(u *User, s ReportStatus) bool { return s == ReportIssued || CanDraftReports(u) }

// ReportsIssued narrows reports to the issued ones: those anyone may read
// (CanReadReport), what /reports lists to those who do not draft and the
// only ones search finds (a draft is not found even by those who draft
// it: search shows what the Assembly was given).
func ReportsIssued(db *gorm.DB) *gorm.DB { return reportsIssuedWhere().scope(db) }

func reportsIssuedWhere() condition { return condition{"reports.status = ?", []any{ReportIssued}} }

// ListIssuedReports lists the issued reports with their periods, newest
// first: what /reports shows to those who do not draft (one statement).
func ListIssuedReports(ctx context.Context, db *gorm.DB) ([]ReportPeriodRow, error) {
	var out []ReportPeriodRow
	err := db.WithContext(ctx).Table("reporting_periods").
		Select(`reporting_periods.*, reports.id AS report_id, reports.status AS report_status, reports.version AS report_version,
			reports.updated_at AS report_updated`).
		Joins("JOIN reports ON reports.period_id = reporting_periods.id").Scopes(ReportsIssued).
		Order("reporting_periods.opens_on DESC, reporting_periods.id DESC").Limit(maxChooserPeriods).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("issued reports: %w", err)
	}
	return out, nil
}

// The report's sections, as a report of the Secretary-General has them.
const (
	SectionIntroduction  = 1
	SectionRatification  = 2
	SectionAssistance    = 3
	SectionProgress      = 4
	SectionContributions = 5
	SectionConclusions   = 6
)

// ReportSections lists the sections in order.
func ReportSections() []int {
	return []int{SectionIntroduction, SectionRatification, SectionAssistance, SectionProgress, SectionContributions, SectionConclusions}
}

// Report is one report of the Secretary-General, for one period.
type Report struct {
	ID          int64
	PeriodID    int64
	Status      ReportStatus
	Content     ReportContent
	Language    string `gorm:"default:en"` // the language of the Secretariat's latest wording
	GeneratedAt time.Time
	IssuedAt    *time.Time
	Version     int
	CreatedBy   *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName is the reports' table.
func (Report) TableName() string { return "reports" }

// ReportVersion is the report as one change left it.
type ReportVersion struct {
	ID        int64
	ReportID  int64
	Version   int
	Kind      string
	Status    ReportStatus
	Content   ReportContent
	Note      string
	SavedByID *int64
	SavedBy   string
	SavedAt   time.Time
}

// TableName is the versions' table.
func (ReportVersion) TableName() string { return "report_versions" }

// ErrReportIssued is returned for any change asked of an issued report.
var ErrReportIssued = errors.New("the report is issued and cannot change")

// ReportByID loads one report.
func ReportByID(ctx context.Context, db *gorm.DB, id int64) (Report, error) {
	var r Report
	if err := db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return r, notFound(err, fmt.Sprintf("report %d", id))
	}
	return r, nil
}

// ReportOfPeriod loads the report of a period.
func ReportOfPeriod(ctx context.Context, db *gorm.DB, periodID int64) (Report, error) {
	var r Report
	if err := db.WithContext(ctx).Where("period_id = ?", periodID).Take(&r).Error; err != nil {
		return r, notFound(err, fmt.Sprintf("report of period %d", periodID))
	}
	return r, nil
}

// ReportPeriodRow is a period with its report, if one was generated.
type ReportPeriodRow struct {
	ReportingPeriod
	ReportID      *int64
	ReportStatus  *ReportStatus
	ReportVersion *int
	ReportUpdated *time.Time
}

// ListReportPeriods returns the periods, newest first, each with its
// report: one statement.
func ListReportPeriods(ctx context.Context, db *gorm.DB) ([]ReportPeriodRow, error) {
	var out []ReportPeriodRow
	err := db.WithContext(ctx).Table("reporting_periods").
		Select(`reporting_periods.*, r.id AS report_id, r.status AS report_status, r.version AS report_version,
			r.updated_at AS report_updated`).
		Joins("LEFT JOIN reports r ON r.period_id = reporting_periods.id").
		Order("reporting_periods.opens_on DESC, reporting_periods.id DESC").Limit(maxChooserPeriods).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("report periods: %w", err)
	}
	return out, nil
}

// ReportVersions lists a report's versions, newest first, up to limit:
// one statement (the content is left out).
func ReportVersions(ctx context.Context, db *gorm.DB, reportID int64, limit int) ([]ReportVersion, error) {
	var out []ReportVersion
	err := db.WithContext(ctx).Select("id, report_id, version, kind, status, note, saved_by_id, saved_by, saved_at").
		Where("report_id = ?", reportID).Order("version DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("versions of report %d: %w", reportID, err)
	}
	return out, nil
}

// ReportVersionByNumber loads one version of a report.
func ReportVersionByNumber(ctx context.Context, db *gorm.DB, reportID int64, v int) (ReportVersion, error) {
	var out ReportVersion
	if err := db.WithContext(ctx).Where("report_id = ? AND version = ?", reportID, v).Take(&out).Error; err != nil {
		return out, notFound(err, fmt.Sprintf("version %d of report %d", v, reportID))
	}
	return out, nil
}

func (r Report) auditView() map[string]any {
	return map[string]any{"period_id": r.PeriodID, "status": r.Status, "version": r.Version, "language": r.Language}
}

// reportChange is one change of a locked report: it is checked against the
// version the person saw and the report's status, then the new content and
// status are written, a version kept and the change audited, in the
// caller's transaction.
type reportChange struct {
	Kind   string
	Action AuditAction
	Note   string
	Audit  map[string]any // what the audit trail records beside the status
	Values map[string]any // further columns written (the search text, when issued)
}

func lockReport(tx *gorm.DB, id int64) (Report, error) {
	var r Report
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&r, id).Error; err != nil {
		return r, notFound(err, fmt.Sprintf("report %d", id))
	}
	return r, nil
}

// checkReportWritable refuses a change to an issued report and one made on
// an older version.
func checkReportWritable(r Report, seen int) error {
	if !r.Status.Editable() {
		return fmt.Errorf("report %d: %w", r.ID, ErrReportIssued)
	}
	if r.Version != seen {
		return fmt.Errorf("report %d at version %d, change made on %d: %w", r.ID, r.Version, seen, ErrStaleVersion)
	}
	return nil
}

// saveReport writes next (the locked report cur, changed) as the next
// version, keeps the version and audits the change.
func saveReport(tx *gorm.DB, ev AuditContext, cur, next Report, ch reportChange) (Report, error) {
	values := map[string]any{"content": next.Content, "status": next.Status, "language": next.Language}
	if !next.GeneratedAt.Equal(cur.GeneratedAt) {
		values["generated_at"] = next.GeneratedAt
	}
	if next.Status == ReportIssued {
		values["issued_at"] = time.Now().UTC()
	}
	maps.Copy(values, ch.Values)
	if err := updateVersioned(tx, "reports", cur.ID, cur.Version, values); err != nil {
		return next, err
	}
	next.Version = cur.Version + 1
	if err := keepReportVersion(tx, ev, next, ch); err != nil {
		return next, err
	}
	before, after := cur.auditView(), next.auditView()
	maps.Copy(after, ch.Audit)
	if err := recordChange(tx, ev, ch.Action, Target("report", cur.ID), before, after); err != nil {
		return next, err
	}
	return next, nil
}

func keepReportVersion(tx *gorm.DB, ev AuditContext, r Report, ch reportChange) error {
	v := ReportVersion{ReportID: r.ID, Version: r.Version, Kind: ch.Kind, Status: r.Status, Content: r.Content,
		Note: ch.Note, SavedByID: actorID(ev), SavedBy: actorName(ev)}
	if err := tx.Omit("SavedAt").Create(&v).Error; err != nil {
		return fmt.Errorf("keep version %d of report %d: %w", r.Version, r.ID, err)
	}
	return nil
}

// changeReport is every change of an existing report but a regeneration:
// in one transaction the report is locked, refused when issued or changed
// since version seen, changed by change (which returns the report as it
// should be and what its version and the audit trail say of it), then
// saved as the next version.
func changeReport(ctx context.Context, db *gorm.DB, id int64, seen int, ev AuditContext,
	change func(tx *gorm.DB, cur Report) (Report, reportChange, error)) (Report, error) {
	var out Report
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockReport(tx, id)
		if err != nil {
			return err
		}
		if err := checkReportWritable(cur, seen); err != nil {
			return err
		}
		next, ch, err := change(tx, cur)
		if err != nil {
			return err
		}
		out, err = saveReport(tx, ev, cur, next, ch)
		return err
	})
	return out, err
}

// GenerateReport counts the figures of a period's report as u may see
// them (report_figures.go) and stores them: a new report, or the period's
// report regenerated (seen is the version the person regenerates; ignored
// for a new one). A regeneration keeps the Secretariat's wording of every
// paragraph and the excerpts it chose (refreshed from the narratives, or
// dropped when no longer validated); the figures are new, so an edited
// paragraph whose figures moved is flagged. An issued report is refused.
func GenerateReport(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, periodID int64, seen int, ev AuditContext) (Report, error) {
	if !CanDraftReports(u) {
		return Report{}, ErrForbidden
	}
	period, err := PeriodByID(ctx, db, periodID)
	if err != nil {
		return Report{}, err
	}
	fresh, err := countReport(ctx, db, ref, u, period)
	if err != nil {
		return Report{}, err
	}
	var out Report
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing Report
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("period_id = ?", periodID).Take(&existing).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			out = Report{PeriodID: periodID, Status: ReportDraft, Content: fresh, GeneratedAt: fresh.GeneratedAt,
				Version: 1, CreatedBy: actorID(ev)}
			// Two people generating the period's first report at once: the
			// second finds the first's (a stale version, which leads to it).
			res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "period_id"}}, DoNothing: true}).
				Omit("CreatedAt", "UpdatedAt", "IssuedAt").Create(&out)
			if res.Error != nil {
				return fmt.Errorf("create: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				return fmt.Errorf("report of period %d generated meanwhile: %w", periodID, ErrStaleVersion)
			}
			if err := keepReportVersion(tx, ev, out, reportChange{Kind: "generated"}); err != nil {
				return err
			}
			return recordChange(tx, ev, ActionReportGenerated, Target("report", out.ID), nil, out.auditView())
		}
		if err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if err := checkReportWritable(existing, seen); err != nil {
			return err
		}
		next := existing
		next.Content = carryOver(existing.Content, fresh)
		next.GeneratedAt = fresh.GeneratedAt
		if err := refreshExcerpts(tx, &next.Content, periodID); err != nil {
			return err
		}
		out, err = saveReport(tx, ev, existing, next, reportChange{Kind: "regenerated", Action: ActionReportRegenerated,
			Audit: map[string]any{"flagged": next.Content.Flagged()}})
		return err
	})
	if err != nil {
		return out, fmt.Errorf("generate report of period %d: %w", periodID, err)
	}
	return out, nil
}

// carryOver is the fresh content with the Secretariat's wording and
// excerpts of the old: the wording keeps the figures it was written over,
// so ChangedFigures compares them with the fresh ones.
func carryOver(old, fresh ReportContent) ReportContent {
	edits := map[string]*ReportEdit{}
	for _, p := range old.Paragraphs {
		if p.Edited != nil {
			edits[p.Key] = p.Edited
		}
	}
	for i := range fresh.Paragraphs {
		fresh.Paragraphs[i].Edited = edits[fresh.Paragraphs[i].Key]
	}
	fresh.Excerpts = old.Excerpts
	return fresh
}

// refreshExcerpts copies again the narratives quoted, dropping those no
// longer validated: one statement.
func refreshExcerpts(tx *gorm.DB, c *ReportContent, periodID int64) error {
	if len(c.Excerpts) == 0 {
		return nil
	}
	ids := make([]int64, len(c.Excerpts))
	for i, e := range c.Excerpts {
		ids[i] = e.ProgressID
	}
	var rows []struct {
		ID        int64
		Narrative string
	}
	if err := tx.Table("progress_reports").Select("id, narrative").
		Where("id IN ? AND period_id = ? AND status = ?", ids, periodID, ProgressValidated).Scan(&rows).Error; err != nil {
		return fmt.Errorf("refresh excerpts: %w", err)
	}
	text := map[int64]string{}
	for _, r := range rows {
		text[r.ID] = r.Narrative
	}
	kept := c.Excerpts[:0]
	for _, e := range c.Excerpts {
		if t, ok := text[e.ProgressID]; ok && strings.TrimSpace(t) != "" {
			e.Text = t
			kept = append(kept, e)
		}
	}
	c.Excerpts = kept
	return nil
}

// ParagraphInput is the Secretariat's wording of one paragraph. {Name}
// stands for the paragraph's figure Name, so wording that keeps it keeps
// the figure current.
type ParagraphInput struct {
	Text     string `form:"text" validate:"max=10000"`
	Language string `form:"language" validate:"omitempty,oneof=ar zh en fr ru es" msg:"validation.language"`
	Restore  bool   `form:"restore"` // back to the generated wording
	Version  int    `form:"version"`
}

// figureToken matches {Name} in edited wording.
var figureToken = regexp.MustCompile(`\{([A-Za-z][A-Za-z0-9]*)\}`)

// FigureTokenIndex locates the {Name}s of a wording: for each, the start
// and end of {Name} and of Name, as regexp's submatch indices.
func FigureTokenIndex(text string) [][]int { return figureToken.FindAllStringSubmatchIndex(text, -1) }

// FigureTokens lists the {Name}s of a wording.
func FigureTokens(text string) []string {
	var out []string
	for _, m := range figureToken.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// ValidateParagraphText checks a wording against the paragraph: some text
// (unless restoring), and no {Name} the paragraph has no figure for.
func ValidateParagraphText(p ReportParagraph, in ParagraphInput) error {
	if in.Restore {
		return nil
	}
	pr := Problems{}
	checkText(pr, "text", in.Text, true, 10000)
	checkLanguage(pr, "language", in.Language)
	for _, name := range FigureTokens(in.Text) {
		if _, ok := p.Figure(name); !ok {
			pr.Add("text", "report.unknown_figure", "Name", name)
			break
		}
	}
	return pr.Err()
}

// EditReportParagraph saves the Secretariat's wording of the paragraph
// key, made on version seen, with the figures it stands over now; Restore
// goes back to the generated wording.
func EditReportParagraph(ctx context.Context, db *gorm.DB, u *User, id int64, key string, in ParagraphInput, ev AuditContext) (Report, error) {
	if !CanDraftReports(u) {
		return Report{}, ErrForbidden
	}
	out, err := changeReport(ctx, db, id, in.Version, ev, func(_ *gorm.DB, cur Report) (Report, reportChange, error) {
		p, n, ok := cur.Content.Paragraph(key)
		if !ok {
			return cur, reportChange{}, fmt.Errorf("paragraph %q: %w", key, ErrNotFound)
		}
		if err := ValidateParagraphText(p, in); err != nil {
			return cur, reportChange{}, err
		}
		next := cur
		next.Content.Paragraphs = slices.Clone(cur.Content.Paragraphs)
		if in.Restore {
			p.Edited = nil
		} else {
			lang := checkLanguage(Problems{}, "language", in.Language) // checked above
			p.Edited = &ReportEdit{Text: strings.TrimSpace(in.Text), Language: lang, Figures: p.figureValues(), By: actorName(ev), At: time.Now().UTC()}
			next.Language = lang
		}
		next.Content.Paragraphs[n-1] = p
		return next, reportChange{Kind: "edited", Action: ActionReportEdited,
			Audit: map[string]any{"paragraph": strconv.Itoa(n), "key": key, "restored": in.Restore}}, nil
	})
	if err != nil {
		return out, fmt.Errorf("edit paragraph %s of report %d: %w", key, id, err)
	}
	return out, nil
}

// ExcerptInput quotes (or stops quoting) one validated narrative.
type ExcerptInput struct {
	ProgressID int64 `form:"progress_id" validate:"required,min=1"`
	Quote      bool  `form:"quote"`
	Version    int   `form:"version"`
}

// ChooseExcerpt quotes a validated narrative of the report's period that u
// may see under section IV, or stops quoting it.
func ChooseExcerpt(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, id int64, in ExcerptInput, ev AuditContext) (Report, error) {
	if !CanDraftReports(u) {
		return Report{}, ErrForbidden
	}
	out, err := changeReport(ctx, db, id, in.Version, ev, func(tx *gorm.DB, cur Report) (Report, reportChange, error) {
		next := cur
		next.Content.Excerpts = slices.DeleteFunc(slices.Clone(cur.Content.Excerpts), func(e ReportExcerpt) bool {
			return e.ProgressID == in.ProgressID
		})
		if in.Quote {
			var pr ProgressReport
			err := tx.Model(&ProgressReport{}).Scopes(ProgressVisibleTo(u)).
				Where("progress_reports.id = ? AND period_id = ? AND status = ? AND narrative <> ''", in.ProgressID, cur.PeriodID, ProgressValidated).
				Take(&pr).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return cur, reportChange{}, Invalid("progress_id", "report.excerpt_not_validated")
			}
			if err != nil {
				return cur, reportChange{}, fmt.Errorf("narrative %d: %w", in.ProgressID, err)
			}
			st, _, err := ref.MemberStateByID(ctx, pr.MemberStateID)
			if err != nil {
				return cur, reportChange{}, err
			}
			next.Content.Excerpts = append(next.Content.Excerpts, ReportExcerpt{ProgressID: pr.ID, Paragraph: pr.ParagraphNumber,
				StateISO3: st.ISO3, Text: pr.Narrative})
			slices.SortStableFunc(next.Content.Excerpts, func(a, b ReportExcerpt) int {
				if a.Paragraph != b.Paragraph {
					return a.Paragraph - b.Paragraph
				}
				return strings.Compare(a.StateISO3, b.StateISO3)
			})
		}
		return next, reportChange{Kind: "excerpts", Action: ActionReportExcerpts,
			Audit: map[string]any{"progress_id": in.ProgressID, "quoted": in.Quote}}, nil
	})
	if err != nil {
		return out, fmt.Errorf("excerpt of report %d: %w", id, err)
	}
	return out, nil
}

// ReportRenderer writes a report's document as plain text in a language
// (views.ReportPlainText in that language's catalogue): the models cannot,
// since generated wording is a message of the catalogue.
type ReportRenderer func(c ReportContent, lang string) (string, error)

// ReportSearchLanguages are the languages an issued report's text is
// stored in for search (migrations 23 and 25 have a column for each): the
// six official languages.
func ReportSearchLanguages() []string { return []string{"ar", "zh", "en", "fr", "ru", "es"} }

// TransitionReport moves a report along ReportWorkflow, made on version
// seen, in one transaction with its version and audit row: the one place a
// report is issued (what follows an issue hangs on it). Issuing stores the
// report's text in each language, rendered by render, for search: it is
// written in the UPDATE that issues the report, after which the report
// (and so its text) never changes.
func TransitionReport(ctx context.Context, db *gorm.DB, u *User, id int64, seen int, to ReportStatus, note string,
	render ReportRenderer, ev AuditContext) (Report, error) {
	note = strings.TrimSpace(note)
	out, err := changeReport(ctx, db, id, seen, ev, func(tx *gorm.DB, cur Report) (Report, reportChange, error) {
		if _, err := ReportWorkflow.checkFor(ReportActors(u), cur.Status, to, note); err != nil {
			return cur, reportChange{}, err
		}
		next := cur
		next.Status = to
		ch := reportChange{Kind: "transition", Action: ActionReportTransition, Note: note, Audit: map[string]any{"note": note}}
		if to == ReportIssued {
			if err := reportIssued(tx, ev, cur); err != nil {
				return cur, reportChange{}, err
			}
			ch.Values = map[string]any{}
			for _, lang := range ReportSearchLanguages() {
				text, err := render(cur.Content, lang)
				if err != nil {
					return cur, reportChange{}, fmt.Errorf("text in %s for search: %w", lang, err)
				}
				ch.Values["search_text_"+lang] = text
			}
		}
		return next, ch, nil
	})
	if err != nil {
		return out, fmt.Errorf("report %d to %s: %w", id, to, err)
	}
	return out, nil
}

// NarrativeRow is a validated progress report of the period, whose
// narrative the Secretariat may quote.
type NarrativeRow struct {
	ID              int64
	MemberStateID   int
	ParagraphNumber int
	Implementation  Implementation
	Narrative       string
}

// ValidatedNarratives lists one page of the validated progress reports of
// a period that u may see, by paragraph then State, optionally of one
// paragraph (0: all): the list section IV's figures are counted from, and
// the narratives to quote. One statement.
func ValidatedNarratives(ctx context.Context, db *gorm.DB, u *User, periodID int64, paragraph int, req PageRequest) (Page[NarrativeRow], error) {
	q := db.WithContext(ctx).Table("progress_reports").Scopes(ProgressVisibleTo(u)).
		Select("progress_reports.id, progress_reports.member_state_id, progress_reports.paragraph_number, progress_reports.implementation, progress_reports.narrative").
		Where("progress_reports.period_id = ? AND progress_reports.status = ?", periodID, ProgressValidated)
	if paragraph != 0 {
		q = q.Where("progress_reports.paragraph_number = ?", paragraph)
	}
	order := Order{Keys: []SortKey{{"progress_reports.paragraph_number", "int"}, {"progress_reports.id", "bigint"}}}
	p, err := paginate(q, order, req, func(r NarrativeRow) []any { return []any{r.ParagraphNumber, r.ID} })
	if err != nil {
		return p, fmt.Errorf("validated narratives of period %d: %w", periodID, err)
	}
	return p, nil
}
