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

// The Secretariat's import of contributions from its own records: a CSV
// file, one contribution per row, each named by the file's own key
// (import_key) so that importing the file again updates what changed and
// leaves the rest alone. Each row is checked by the rules of the form
// (FormChecker, then ValidateContribution) plus its status and dates.

// Columns of the contributions' import file: the required ones, then those
// a file may add.
var (
	ContributionImportRequired = []string{"import_key", "donor", "kind", "title", "amount", "currency", "value_date", "status"}
	ContributionImportOptional = []string{"status_date", "earmark", "theme", "paragraph", "recipient", "need",
		"in_kind_type", "valuation", "description", "language", "reported_by", "public", "verified"}
)

// MaxContributionImportRows bounds one import.
const MaxContributionImportRows = 5000

var contributionImportFile = importFile{
	Required: ContributionImportRequired, Optional: ContributionImportOptional, MaxRows: MaxContributionImportRows,
}

// CanImportContributions tells whether u imports contributions: the
// Secretariat and administrators.
func CanImportContributions(u *User) bool { return u.HasRole(RoleSecretariat) || u.HasRole(RoleAdmin) }

// ContributionImportResult counts what an import did.
type ContributionImportResult = ImportCounts

// contributionImportRow is one checked row: the contribution as the file
// gives it, status and dates included.
type contributionImportRow struct {
	line int
	c    Contribution
}

// importView is what an import compares: the audit view and the dates of
// the status steps.
func (c Contribution) importView() map[string]any {
	v := c.auditView()
	v["key"] = deref(c.ImportKey)
	for name, d := range map[string]*time.Time{"pledged_on": c.PledgedOn, "committed_on": c.CommittedOn, "paid_on": c.PaidOn, "cancelled_on": c.CancelledOn} {
		v[name] = dateString(d)
	}
	return v
}

// ImportContributions reads a CSV file of contributions and records them:
// every row is checked, and when any is wrong nothing is stored and every
// problem is returned by line and column (an *ImportError). Otherwise a
// row whose key is new is created, one whose key is known is updated to
// the file's values (its next version) when they differ and left alone
// when they do not, so the same file imported twice changes nothing. Each
// change is audited, and the import itself once, in one transaction.
func ImportContributions(ctx context.Context, db *gorm.DB, ref *ReferenceCache, check *FormChecker, u *User, r io.Reader, ev AuditContext) (ContributionImportResult, error) {
	var res ContributionImportResult
	if !CanImportContributions(u) {
		return res, fmt.Errorf("import contributions: %w", ErrForbidden)
	}
	rows, err := readContributionImport(ctx, db, ref, check, u, r)
	if _, refused := ImportProblemsOf(err); refused {
		return res, err
	}
	if err != nil {
		return res, fmt.Errorf("import contributions: %w", err)
	}
	res.Rows = len(rows)
	keys := make(pq.StringArray, len(rows))
	for i, row := range rows {
		keys[i] = *row.c.ImportKey
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing []Contribution
		if err := tx.Where("import_key = ANY(?)", keys).Clauses(clause.Locking{Strength: "UPDATE"}).Find(&existing).Error; err != nil {
			return fmt.Errorf("contributions already imported: %w", err)
		}
		stored := make(map[string]Contribution, len(existing))
		for _, c := range existing {
			stored[*c.ImportKey] = c
		}
		for _, row := range rows {
			cur, known := stored[*row.c.ImportKey]
			switch {
			case !known:
				c := row.c
				c.CreatedBy, c.Version = actorID(ev), 1
				if c.Verified {
					now := time.Now()
					c.VerifiedAt = &now
				}
				if err := tx.Omit(clause.Associations).Create(&c).Error; err != nil {
					return fmt.Errorf("create the contribution of line %d: %w", row.line, err)
				}
				if err := recordChange(tx, ev, ActionContributionCreated, Target("contribution", c.ID), nil, c.importView()); err != nil {
					return err
				}
				res.Created++
			case SameValues(cur.importView(), row.c.importView()):
				res.Unchanged++
			default:
				if err := updateImportedContribution(tx, cur, row.c); err != nil {
					return fmt.Errorf("line %d: %w", row.line, err)
				}
				next := row.c
				next.ID = cur.ID
				if err := recordChange(tx, ev, ActionContributionEdited, Target("contribution", cur.ID), cur.importView(), next.importView()); err != nil {
					return err
				}
				res.Changed++
			}
		}
		return recordChange(tx, ev, ActionContributionsImported, AuditTarget{Type: "contribution_import"}, nil, res)
	})
	if err != nil {
		return ContributionImportResult{}, fmt.Errorf("import contributions: %w", err)
	}
	return res, nil
}

// updateImportedContribution moves a contribution to the file's values and
// its next version; receipt settles its schedule, as the workflow does.
func updateImportedContribution(tx *gorm.DB, cur, next Contribution) error {
	values := map[string]any{
		"donor_organization_id": next.DonorOrganizationID,
		"kind":                  next.Kind, "title": next.Title, "description": next.Description, "language": next.Language, "amount": next.Amount,
		"currency": next.Currency, "value_date": next.ValueDate, "status": next.Status,
		"pledged_on": next.PledgedOn, "committed_on": next.CommittedOn, "paid_on": next.PaidOn, "cancelled_on": next.CancelledOn,
		"in_kind_type": next.InKindType, "valuation": next.Valuation, "earmark": next.Earmark, "theme": next.Theme,
		"paragraph_number": next.ParagraphNumber, "recipient_state_id": next.RecipientStateID, "need_id": next.NeedID,
		"reported_by": next.ReportedBy, "public": next.Public, "verified": next.Verified,
	}
	if next.Verified && !cur.Verified {
		values["verified_at"] = time.Now()
	}
	if !next.Verified {
		values["verified_at"] = nil
	}
	if err := updateVersioned(tx, "contributions", cur.ID, cur.Version, values); err != nil {
		return err
	}
	if next.Status == ContributionPaid && next.PaidOn != nil {
		if err := tx.Model(&Instalment{}).Where("contribution_id = ? AND paid_on IS NULL", cur.ID).Update("paid_on", *next.PaidOn).Error; err != nil {
			return fmt.Errorf("settle the schedule of contribution %d: %w", cur.ID, err)
		}
	}
	return nil
}

// readContributionImport parses the file and checks each row on its own
// and against the file's other rows.
func readContributionImport(ctx context.Context, db *gorm.DB, ref *ReferenceCache, check *FormChecker, u *User, r io.Reader) ([]contributionImportRow, error) {
	var ps importProblems
	var rows []contributionImportRow
	first := map[string]int{} // import_key → the line that gives it
	order := append(append([]string{}, ContributionImportRequired...), ContributionImportOptional...)
	column := func(field string) string {
		if field == "instalments" {
			return ""
		}
		return field
	}
	today := Today()
	err := contributionImportFile.read(r, &ps, func(rec importRecord) error {
		for _, name := range order {
			if v := rec.Cell(name); hasControl(v) || !utf8.ValidString(v) {
				ps.add(rec.Line, name, "validation.invalid_text")
				return nil
			}
		}
		key := rec.Cell("import_key")
		in := ContributionInput{
			Donor: rec.Cell("donor"), Kind: rec.Cell("kind"), Title: rec.Cell("title"), Description: rec.Cell("description"),
			Language: strings.ToLower(rec.Cell("language")),
			Amount:   rec.Cell("amount"), Currency: strings.ToUpper(rec.Cell("currency")), ValueDate: rec.Cell("value_date"),
			InKindType: rec.Cell("in_kind_type"), Valuation: rec.Cell("valuation"), Earmark: rec.Cell("earmark"),
			Theme: rec.Cell("theme"), Paragraph: rec.Cell("paragraph"), Recipient: strings.ToUpper(rec.Cell("recipient")),
			Need: rec.Cell("need"), ReportedBy: rec.Cell("reported_by"),
		}
		if in.Earmark == "" {
			in.Earmark = "none"
		}
		p := check.Check(in)
		if key == "" {
			p.Add("import_key", "validation.required")
		} else if len([]rune(key)) > 100 {
			p.Add("import_key", "validation.too_long", "Max", 100)
		} else if prev, dup := first[key]; dup {
			p.Add("import_key", "contribution.import_duplicate", "Line", prev)
		}
		public, okPublic := parseYesNo(rec.Cell("public"))
		if !okPublic {
			p.Add("public", "contribution.import_yes_no")
		}
		verified, okVerified := parseYesNo(rec.Cell("verified"))
		if !okVerified {
			p.Add("verified", "contribution.import_yes_no")
		}
		in.Public = public
		status := ContributionStatus(rec.Cell("status"))
		if !status.Valid() {
			p.Add("status", "validation.choose")
		}
		var v validatedContribution
		if len(p) == 0 {
			var err error
			v, err = ValidateContribution(ctx, db, ref, u, in)
			vp, invalid := ProblemsOf(err)
			switch {
			case invalid:
				p.Merge(vp)
			case err != nil:
				return err
			}
		}
		statusDate := v.ValueDate
		if raw := rec.Cell("status_date"); raw != "" {
			if d := parseDate(p, "status_date", raw); d != nil {
				statusDate = *d
				if status != ContributionPledged && d.After(today.AddDate(0, 0, 1)) {
					p.Add("status_date", "contribution.step_date")
				}
			}
		}
		if len(p) > 0 {
			ps.addChecked(rec.Line, p, order, column)
			return nil
		}
		first[key] = rec.Line
		c := v.Contribution
		c.ImportKey, c.Status, c.Verified = &key, status, verified
		c.PledgedOn = &c.ValueDate
		switch status {
		case ContributionPledged:
			c.PledgedOn = &statusDate
		case ContributionCommitted:
			c.CommittedOn = &statusDate
		case ContributionPaid:
			c.PaidOn = &statusDate
		case ContributionCancelled:
			c.CancelledOn = &statusDate
		}
		rows = append(rows, contributionImportRow{line: rec.Line, c: c})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, ps.err()
}

// parseYesNo reads a yes-or-no cell: empty is no.
func parseYesNo(raw string) (value, ok bool) {
	switch strings.ToLower(raw) {
	case "", "no", "false", "0", "n":
		return false, true
	case "yes", "true", "1", "y":
		return true, true
	}
	return false, false
}
