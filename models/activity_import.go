package models

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The Secretariat's import of activities from its own records: a CSV file,
// one activity per row named by the file's own key (import_key), checked
// by the rules of the form (FormChecker, then ValidateActivity) and of the
// results; nothing is imported if a row is wrong, and importing the same
// file again changes nothing.

// Columns of the activities' import file: the required ones, then those a
// file may add. Lists (states, paragraphs, themes, partners, needs) are
// separated by spaces or semicolons.
var (
	ActivityImportRequired = []string{"import_key", "kind", "title", "start_date", "end_date", "states", "status"}
	ActivityImportOptional = []string{"status_date", "city", "place_state", "online", "paragraphs", "themes", "partners",
		"needs", "public", "description", "language", "women", "men", "sex_not_stated", "prosecutors", "judges", "police",
		"legislators", "central_authority", "financial_intelligence", "other_profession"}
)

// MaxActivityImportRows bounds one import.
const MaxActivityImportRows = 5000

var activityImportFile = importFile{Required: ActivityImportRequired, Optional: ActivityImportOptional, MaxRows: MaxActivityImportRows}

// ActivityImportResult counts what an import did.
type ActivityImportResult = ImportCounts

type activityImportRow struct {
	line int
	v    validatedActivity
}

// importView is what an import compares: the activity, its status and
// dates, its participants and links.
func (v validatedActivity) importView() map[string]any {
	out := v.auditView()
	out["key"] = deref(v.ImportKey)
	out["delivered_on"] = dateString(v.DeliveredOn)
	out["cancelled_on"] = dateString(v.CancelledOn)
	out["participants"] = v.Participants
	delete(out, "funding") // the file does not carry funding
	return out
}

// splitList reads a list cell.
func splitList(raw string) []string {
	return strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == ';' || r == ',' })
}

// ImportActivities reads a CSV file of activities and records them (all or
// nothing): a new key creates an activity, a known one updates it when the
// file's values differ (its next version) and leaves it alone otherwise.
// The funding an activity draws is kept on its own page, never imported.
// Each change is audited, and the import itself once.
func ImportActivities(ctx context.Context, db *gorm.DB, ref *ReferenceCache, check *FormChecker, u *User, r io.Reader, ev AuditContext) (ActivityImportResult, error) {
	var res ActivityImportResult
	if !CanRecordActivities(u) {
		return res, fmt.Errorf("import activities: %w", ErrForbidden)
	}
	rows, err := readActivityImport(ctx, db, ref, check, r)
	if _, refused := ImportProblemsOf(err); refused {
		return res, err
	}
	if err != nil {
		return res, fmt.Errorf("import activities: %w", err)
	}
	res.Rows = len(rows)
	keys := make(pq.StringArray, len(rows))
	for i, row := range rows {
		keys[i] = *row.v.ImportKey
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing []Activity
		if err := tx.Where("import_key = ANY(?)", keys).Clauses(clause.Locking{Strength: "UPDATE"}).Find(&existing).Error; err != nil {
			return fmt.Errorf("activities already imported: %w", err)
		}
		stored := make(map[string]Activity, len(existing))
		for _, a := range existing {
			stored[*a.ImportKey] = a
		}
		for _, row := range rows {
			cur, known := stored[*row.v.ImportKey]
			if !known {
				a := row.v.Activity
				a.CreatedBy, a.Version = actorID(ev), 1
				if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&a).Error; err != nil {
					return fmt.Errorf("create the activity of line %d: %w", row.line, err)
				}
				row.v.Activity = a
				if err := saveImportedLinks(tx, a.ID, row.v); err != nil {
					return fmt.Errorf("line %d: %w", row.line, err)
				}
				if err := recordChange(tx, ev, ActionActivityCreated, Target("activity", a.ID), nil, row.v.importView()); err != nil {
					return err
				}
				res.Created++
				continue
			}
			before, err := activityLinks(tx, cur)
			if err != nil {
				return err
			}
			row.v.Activity.ID = cur.ID
			if SameValues(before.importView(), row.v.importView()) {
				res.Unchanged++
				continue
			}
			a := row.v.Activity
			values := map[string]any{
				"kind": a.Kind, "title": a.Title, "description": a.Description, "language": a.Language, "start_date": a.StartDate, "end_date": a.EndDate,
				"online": a.Online, "city": a.City, "place_state_id": a.PlaceStateID, "paragraphs": a.Paragraphs, "themes": a.Themes,
				"public": a.Public, "status": a.Status, "delivered_on": a.DeliveredOn, "cancelled_on": a.CancelledOn,
				"women": a.Women, "men": a.Men, "sex_not_stated": a.SexNotStated, "prosecutors": a.Prosecutors, "judges": a.Judges,
				"police": a.Police, "legislators": a.Legislators, "central_authority": a.CentralAuthority,
				"financial_intelligence": a.FinancialIntelligence, "other_profession": a.OtherProfession,
			}
			if err := updateVersioned(tx, "activities", cur.ID, cur.Version, values); err != nil {
				return fmt.Errorf("line %d: %w", row.line, err)
			}
			if err := saveImportedLinks(tx, cur.ID, row.v); err != nil {
				return fmt.Errorf("line %d: %w", row.line, err)
			}
			if err := recordChange(tx, ev, ActionActivityEdited, Target("activity", cur.ID), before.importView(), row.v.importView()); err != nil {
				return err
			}
			res.Changed++
		}
		return recordChange(tx, ev, ActionActivitiesImported, AuditTarget{Type: "activity_import"}, nil, res)
	})
	if err != nil {
		return ActivityImportResult{}, fmt.Errorf("import activities: %w", err)
	}
	return res, nil
}

// saveImportedLinks replaces the States, partners and needs an imported
// activity links to, keeping its funding (kept on its page).
func saveImportedLinks(tx *gorm.DB, id int64, v validatedActivity) error {
	var draws []ActivityDraw
	if err := tx.Where("activity_id = ?", id).Find(&draws).Error; err != nil {
		return fmt.Errorf("funding of activity %d: %w", id, err)
	}
	v.Draws = draws
	return saveActivityLinks(tx, id, v)
}

// readActivityImport parses the file and checks each row on its own and
// against the file's other rows.
func readActivityImport(ctx context.Context, db *gorm.DB, ref *ReferenceCache, check *FormChecker, r io.Reader) ([]activityImportRow, error) {
	var ps importProblems
	var rows []activityImportRow
	first := map[string]int{}
	order := append(append([]string{}, ActivityImportRequired...), ActivityImportOptional...)
	column := func(field string) string { return field }
	today := Today()
	err := activityImportFile.read(r, &ps, func(rec importRecord) error {
		for _, name := range order {
			if v := rec.Cell(name); hasControl(v) || !utf8.ValidString(v) {
				ps.add(rec.Line, name, "validation.invalid_text")
				return nil
			}
		}
		key := rec.Cell("import_key")
		in := ActivityInput{
			Kind: rec.Cell("kind"), Title: rec.Cell("title"), Description: rec.Cell("description"),
			Language:  strings.ToLower(rec.Cell("language")),
			StartDate: rec.Cell("start_date"), EndDate: rec.Cell("end_date"), City: rec.Cell("city"),
			PlaceState: strings.ToUpper(rec.Cell("place_state")), States: splitList(strings.ToUpper(rec.Cell("states"))),
			Paragraphs: splitList(rec.Cell("paragraphs")), Themes: splitList(rec.Cell("themes")),
			Partners: splitList(rec.Cell("partners")), Needs: rec.Cell("needs"),
		}
		p := check.Check(in)
		if key == "" {
			p.Add("import_key", "validation.required")
		} else if len([]rune(key)) > 100 {
			p.Add("import_key", "validation.too_long", "Max", 100)
		} else if prev, dup := first[key]; dup {
			p.Add("import_key", "activity.import_duplicate", "Line", prev)
		}
		var okOnline, okPublic bool
		in.Online, okOnline = parseYesNo(rec.Cell("online"))
		if !okOnline {
			p.Add("online", "contribution.import_yes_no")
		}
		in.Public, okPublic = parseYesNo(rec.Cell("public"))
		if !okPublic {
			p.Add("public", "contribution.import_yes_no")
		}
		status := ActivityStatus(rec.Cell("status"))
		if !status.Valid() {
			p.Add("status", "validation.choose")
		}
		results := ActivityResultsInput{
			Women: rec.Cell("women"), Men: rec.Cell("men"), SexNotStated: rec.Cell("sex_not_stated"),
			Prosecutors: rec.Cell("prosecutors"), Judges: rec.Cell("judges"), Police: rec.Cell("police"),
			Legislators: rec.Cell("legislators"), CentralAuthority: rec.Cell("central_authority"),
			FinancialIntelligence: rec.Cell("financial_intelligence"), OtherProfession: rec.Cell("other_profession"),
		}
		var v validatedActivity
		if len(p) == 0 {
			var err error
			v, err = ValidateActivity(ctx, db, ref, in)
			if vp, invalid := ProblemsOf(err); invalid {
				p.Merge(vp)
			} else if err != nil {
				return err
			}
			participants, _, err := ValidateResults(results)
			if rp, invalid := ProblemsOf(err); invalid {
				p.Merge(rp)
			} else if err != nil {
				return err
			}
			if status != ActivityDelivered && participants.Total() > 0 {
				p.Add("women", "activity.results_when_delivered")
			}
			v.Participants = participants
		}
		var stepDate *time.Time
		if raw := rec.Cell("status_date"); raw != "" {
			stepDate = parseDate(p, "status_date", raw)
			if stepDate != nil && stepDate.After(today.AddDate(0, 0, 1)) {
				p.Add("status_date", "activity.step_date")
			}
		}
		if len(p) > 0 {
			ps.addChecked(rec.Line, p, order, column)
			return nil
		}
		first[key] = rec.Line
		v.ImportKey, v.Status = &key, status
		on := v.EndDate
		if stepDate != nil {
			on = *stepDate
		}
		switch status {
		case ActivityDelivered:
			v.DeliveredOn = &on
		case ActivityCancelled:
			v.CancelledOn = &on
		}
		rows = append(rows, activityImportRow{line: rec.Line, v: v})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, ps.err()
}
