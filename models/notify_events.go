package models

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/lib/pq"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// The events people are told about, each called in the transaction of the
// change that causes it (see notify).

// sharedWithDonors tells whether donors are shown a need asking for
// funding: shared beyond its State and still fundable.
func sharedWithDonors(v NeedVisibility, s NeedStatus) bool {
	return v != VisibilityState && slices.Contains(FundableNeedStatuses(), s)
}

// stateCode is a State's ISO3 code, the notifications' way to name it in
// any language.
func stateCode(tx *gorm.DB, stateID int) (string, error) {
	var iso3 string
	if err := tx.Raw(`SELECT iso3 FROM member_states WHERE id = ?`, stateID).Scan(&iso3).Error; err != nil {
		return "", fmt.Errorf("State %d: %w", stateID, err)
	}
	return iso3, nil
}

// needChanged tells the people concerned that need n went from status
// (before, visibility wasVisible) to its current status and visibility.
func needChanged(tx *gorm.DB, ev AuditContext, from NeedStatus, wasVisible NeedVisibility, n Need) error {
	iso3, err := stateCode(tx, n.MemberStateID)
	if err != nil {
		return err
	}
	about := notice{
		SubjectKind: "need", SubjectID: n.ID, Link: "/needs/" + strconv.FormatInt(n.ID, 10),
		Params: NotificationParams{"Title": n.Title, "State": iso3},
	}
	if from != n.Status {
		switch n.Status {
		case NeedSubmitted:
			about.Kind, about.To = NotifyNeedSubmitted, secretariatAudience()
		case NeedAccepted:
			about.Kind, about.To = NotifyNeedAccepted, focalPointsOf(n.MemberStateID)
		case NeedDeclined:
			about.Kind, about.To = NotifyNeedDeclined, focalPointsOf(n.MemberStateID)
		case NeedMet:
			about.Kind, about.To = NotifyNeedMet, focalPointsOf(n.MemberStateID)
		}
		if about.Kind != "" {
			if _, err := notify(tx, ev, about); err != nil {
				return err
			}
		}
	}
	if !sharedWithDonors(wasVisible, from) && sharedWithDonors(n.Visibility, n.Status) {
		about.Kind, about.To = NotifyNeedShared, interestedDonors(n)
		if _, err := notify(tx, ev, about); err != nil {
			return err
		}
	}
	return nil
}

// interestedDonors are the users of the donor organizations whose declared
// interests the need matches, who were not told of it before (a need
// shared, withdrawn from donors and shared again is announced once).
func interestedDonors(n Need) audience {
	return audience{
		where: `u.role = 'donor' AND EXISTS (
			SELECT 1 FROM donor_interests di
			WHERE di.donor_organization_id = u.donor_organization_id
			  AND cardinality(di.themes) + cardinality(di.paragraphs) + cardinality(di.regional_groups) > 0
			  AND (cardinality(di.themes) = 0 OR ? = ANY (di.themes))
			  AND (cardinality(di.paragraphs) = 0 OR di.paragraphs && ?::int[])
			  AND (cardinality(di.regional_groups) = 0 OR
			       (SELECT regional_group FROM member_states WHERE id = ?) = ANY (di.regional_groups)))
		AND NOT EXISTS (SELECT 1 FROM notifications o
			WHERE o.subject_kind = 'need' AND o.subject_id = ? AND o.kind = 'need_shared' AND o.user_id = u.id)`,
		args: []any{n.Theme, pq.Int32Array(n.Paragraphs), n.MemberStateID, n.ID},
	}
}

// progressChanged tells the people concerned that a State's report on a
// paragraph moved to status to.
func progressChanged(tx *gorm.DB, ev AuditContext, r ProgressReport, p ReportingPeriod, to ProgressStatus) error {
	var kind NotificationKind
	var who audience
	switch to {
	case ProgressSubmitted:
		kind, who = NotifyProgressSubmitted, secretariatAudience()
	case ProgressReturned:
		kind, who = NotifyProgressReturned, focalPointsOf(r.MemberStateID)
	case ProgressValidated:
		kind, who = NotifyProgressValidated, focalPointsOf(r.MemberStateID)
	default:
		return nil
	}
	iso3, err := stateCode(tx, r.MemberStateID)
	if err != nil {
		return err
	}
	n := strconv.Itoa(r.ParagraphNumber)
	_, err = notify(tx, ev, notice{
		Kind: kind, SubjectKind: "progress_report", SubjectID: r.ID, To: who,
		Link:   "/states/" + iso3 + "/progress/" + n + "?period=" + strconv.FormatInt(p.ID, 10),
		Params: NotificationParams{"State": iso3, "Paragraph": n, "Period": p.Title.In("en"), "PeriodFr": p.Title.In("fr")},
	})
	return err
}

// contributionPledgedToNeed tells a State's focal points that a donor
// pledged against one of its needs.
func contributionPledgedToNeed(tx *gorm.DB, ev AuditContext, c Contribution) error {
	if c.NeedID == nil {
		return nil
	}
	var need struct {
		Title         string
		MemberStateID int
		ISO3          string
		Donor         string
	}
	err := tx.Raw(`SELECT n.title, n.member_state_id, s.iso3, d.name AS donor
		FROM needs n JOIN member_states s ON s.id = n.member_state_id, donor_organizations d
		WHERE n.id = ? AND d.id = ?`, *c.NeedID, c.DonorOrganizationID).Scan(&need).Error
	if err != nil {
		return fmt.Errorf("need %d pledged: %w", *c.NeedID, err)
	}
	_, err = notify(tx, ev, notice{
		Kind: NotifyNeedPledged, SubjectKind: "contribution", SubjectID: c.ID, To: focalPointsOf(need.MemberStateID),
		Link:   "/contributions/" + strconv.FormatInt(c.ID, 10),
		Params: NotificationParams{"Title": need.Title, "State": need.ISO3, "Donor": need.Donor},
	})
	return err
}

// contributionPaid tells a donor's users that the Secretariat confirmed
// their contribution as paid.
func contributionPaid(tx *gorm.DB, ev AuditContext, c Contribution) error {
	_, err := notify(tx, ev, notice{
		Kind: NotifyContributionPaid, SubjectKind: "contribution", SubjectID: c.ID, To: usersOfDonor(c.DonorOrganizationID),
		Link:   "/contributions/" + strconv.FormatInt(c.ID, 10),
		Params: NotificationParams{"Title": c.Title},
	})
	return err
}

// invitationSent enqueues the invitation's email with its sign-in link.
func invitationSent(tx *gorm.DB, inv Invitation) error {
	return enqueue(tx, river.InsertManyParams{Args: InvitationEmail{InvitationID: inv.ID}})
}

// reportIssued tells everyone with a role that the report of the
// Secretary-General for a period is issued (a public document from then).
func reportIssued(tx *gorm.DB, ev AuditContext, r Report) error {
	var p ReportingPeriod
	if err := tx.Take(&p, r.PeriodID).Error; err != nil {
		return fmt.Errorf("report %d issued: %w", r.ID, err)
	}
	_, err := notify(tx, ev, notice{
		Kind: NotifyReportIssued, SubjectKind: "report", SubjectID: r.ID, To: everyoneWithARole(),
		Link:   "/reports/" + strconv.FormatInt(r.ID, 10),
		Params: NotificationParams{"Period": p.Title.In("en"), "PeriodFr": p.Title.In("fr")},
	})
	return err
}
