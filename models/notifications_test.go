package models_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

// notificationsOf lists the kinds of the notifications a user received.
func notificationsOf(t *testing.T, db *gorm.DB, u *models.User) []models.Notification {
	t.Helper()
	var out []models.Notification
	if err := db.Where("user_id = ?", u.ID).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// emailJobsFor counts the queued email jobs of a user's notifications.
func emailJobsFor(t *testing.T, db *gorm.DB, u *models.User) int {
	t.Helper()
	var n int
	err := db.Raw(`SELECT count(*) FROM river_job j JOIN notifications n ON n.id = (j.args->>'notification_id')::bigint
		WHERE j.kind = 'notification_email' AND n.user_id = ?`, u.ID).Scan(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func kinds(ns []models.Notification) []models.NotificationKind {
	out := make([]models.NotificationKind, len(ns))
	for i, n := range ns {
		out[i] = n.Kind
	}
	return out
}

func TestANeedsStepsNotifyThePeopleConcernedWithTheirChosenDelivery(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	quiet := roleUser(t, db, "quiet.secretariat@example.org", models.RoleSecretariat, "")
	if err := models.SaveNotificationSettings(ctx, db, quiet, quiet.Version, models.NotificationSettings{
		Language: "fr", Delivery: models.DeliveryChoices{models.NotifyNeedSubmitted: models.DeliveryPortal},
	}, models.AuditContext{Actor: quiet}); err != nil {
		t.Fatal(err)
	}
	ref := &models.ReferenceCache{DB: db}
	n, err := models.CreateNeed(ctx, db, ref, p.focalKEN, validNeed("KEN"), models.AuditContext{Actor: p.focalKEN})
	if err != nil {
		t.Fatal(err)
	}
	if got := notificationsOf(t, db, p.secretariat); len(got) != 0 {
		t.Fatalf("a draft notified the Secretariat: %v", kinds(got))
	}
	n, err = models.TransitionNeed(ctx, db, p.focalKEN, n.ID, n.Version, models.NeedSubmitted, "", nil, models.AuditContext{Actor: p.focalKEN})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*models.User{p.secretariat, quiet} {
		got := notificationsOf(t, db, u)
		if len(got) != 1 || got[0].Kind != models.NotifyNeedSubmitted || got[0].Link != "/needs/"+itoa(n.ID) ||
			got[0].Params["Title"] != n.Title || got[0].Params["State"] != "KEN" {
			t.Fatalf("%s after the submission: %+v", u.Email, got)
		}
	}
	if emailJobsFor(t, db, p.secretariat) != 1 {
		t.Error("the Secretariat's email was not queued with the submission")
	}
	if emailJobsFor(t, db, quiet) != 0 {
		t.Error("an email was queued for someone who chose the portal only")
	}
	for _, u := range []*models.User{p.focalKEN, p.focalFRA, p.donor, p.viewer} {
		if got := notificationsOf(t, db, u); len(got) != 0 {
			t.Errorf("%s was told of another's submission: %v", u.Email, kinds(got))
		}
	}

	ev := models.AuditContext{Actor: p.secretariat}
	n, err = models.TransitionNeed(ctx, db, p.secretariat, n.ID, n.Version, models.NeedUnderReview, "", nil, ev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = models.TransitionNeed(ctx, db, p.secretariat, n.ID, n.Version, models.NeedAccepted, "", nil, ev); err != nil {
		t.Fatal(err)
	}
	got := notificationsOf(t, db, p.focalKEN)
	if len(got) != 1 || got[0].Kind != models.NotifyNeedAccepted {
		t.Fatalf("the State's focal point after acceptance: %v", kinds(got))
	}
	if emailJobsFor(t, db, p.focalKEN) != 1 {
		t.Error("the focal point's email was not queued")
	}
	if got := notificationsOf(t, db, p.focalFRA); len(got) != 0 {
		t.Errorf("another State's focal point was told: %v", kinds(got))
	}
}

func TestARolledBackChangeLeavesNoNotificationAndNoEmail(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	n, err := models.CreateNeed(ctx, db, &models.ReferenceCache{DB: db}, p.focalKEN, validNeed("KEN"), models.AuditContext{Actor: p.focalKEN})
	if err != nil {
		t.Fatal(err)
	}
	undo := errors.New("the request failed after the change")
	err = db.Transaction(func(tx *gorm.DB) error {
		if _, err := models.TransitionNeed(ctx, tx, p.focalKEN, n.ID, n.Version, models.NeedSubmitted, "", nil, models.AuditContext{Actor: p.focalKEN}); err != nil {
			return err
		}
		var inside int
		tx.Raw(`SELECT count(*) FROM notifications`).Scan(&inside)
		if inside == 0 {
			t.Error("the submission made no notification inside its transaction")
		}
		return undo
	})
	if !errors.Is(err, undo) {
		t.Fatal(err)
	}
	var notes, jobs int
	db.Raw(`SELECT count(*) FROM notifications`).Scan(&notes)
	db.Raw(`SELECT count(*) FROM river_job WHERE kind = 'notification_email'`).Scan(&jobs)
	if notes != 0 || jobs != 0 {
		t.Fatalf("after the rollback: %d notifications and %d email jobs, want none", notes, jobs)
	}
}

func TestANeedSharedWithDonorsReachesTheDonorsWhoseInterestsItMatchesOnce(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db) // p.donor is Norway's
	ref := &models.ReferenceCache{DB: db}
	sweden := roleUser(t, db, "donor.sweden@example.org", models.RoleDonor, "sweden")
	eu := roleUser(t, db, "donor.eu@example.org", models.RoleDonor, "european-union")
	// Norway funds criminal justice in Africa; Sweden only paragraph 3;
	// the EU declared nothing.
	if err := models.SaveDonorInterests(ctx, db, ref, p.donor, *p.donor.DonorOrganizationID, models.DonorInterestsInput{
		Themes: []string{"criminal_justice"}, RegionalGroups: []string{"african"},
	}, models.AuditContext{Actor: p.donor}); err != nil {
		t.Fatal(err)
	}
	if err := models.SaveDonorInterests(ctx, db, ref, sweden, *sweden.DonorOrganizationID, models.DonorInterestsInput{
		Paragraphs: []string{"3"},
	}, models.AuditContext{Actor: sweden}); err != nil {
		t.Fatal(err)
	}
	in := validNeed("KEN") // criminal justice, paragraphs 2 and 7, Kenya (African Group)
	in.Visibility = "donors"
	n, err := models.CreateNeed(ctx, db, ref, p.focalKEN, in, models.AuditContext{Actor: p.focalKEN})
	if err != nil {
		t.Fatal(err)
	}
	if got := notificationsOf(t, db, p.donor); len(got) != 0 {
		t.Fatalf("a draft was announced to donors: %v", kinds(got))
	}
	n, err = models.TransitionNeed(ctx, db, p.focalKEN, n.ID, n.Version, models.NeedSubmitted, "", nil, models.AuditContext{Actor: p.focalKEN})
	if err != nil {
		t.Fatal(err)
	}
	if got := notificationsOf(t, db, p.donor); len(got) != 1 || got[0].Kind != models.NotifyNeedShared {
		t.Fatalf("Norway, whose interests match: %v", kinds(got))
	}
	for _, u := range []*models.User{sweden, eu} {
		if got := notificationsOf(t, db, u); len(got) != 0 {
			t.Errorf("%s, whose interests do not match, was told: %v", u.Email, kinds(got))
		}
	}
	// Hidden from donors and shared again: not announced twice.
	in.Visibility = "state"
	n, err = models.UpdateNeed(ctx, db, ref, p.focalKEN, n.ID, n.Version, in, models.AuditContext{Actor: p.focalKEN})
	if err != nil {
		t.Fatal(err)
	}
	in.Visibility = "public"
	if _, err = models.UpdateNeed(ctx, db, ref, p.focalKEN, n.ID, n.Version, in, models.AuditContext{Actor: p.focalKEN}); err != nil {
		t.Fatal(err)
	}
	if got := notificationsOf(t, db, p.donor); len(got) != 1 {
		t.Errorf("Norway was told %d times of the same need", len(got))
	}
}

func TestRemindersGoOncePerStateAndStageEvenFromTwoSchedulersAtOnce(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	second := roleUser(t, db, "focal2.ken@example.org", models.RoleFocalPoint, "KEN")
	due := time.Date(2031, 3, 31, 0, 0, 0, 0, time.UTC)
	period, err := models.CreatePeriod(ctx, db, models.PeriodInput{TitleEN: "2031 reports", OpensOn: "2031-01-01", DueOn: "2031-03-31", ClosesOn: "2031-06-30"}, models.AuditContext{Actor: p.secretariat})
	if err != nil {
		t.Fatal(err)
	}
	// France has submitted a report on every operative paragraph; Kenya
	// one only, the rest still to do.
	if err := db.Exec(`INSERT INTO progress_reports (member_state_id, period_id, paragraph_number, implementation, narrative, status)
		SELECT s.id, ?, p.number, 'in_progress', 'Draft law tabled.', 'submitted'
		FROM member_states s, paragraphs p
		WHERE (s.iso3 = 'FRA' OR (s.iso3 = 'KEN' AND p.number = 2)) AND p.kind = 'operative'
		  AND p.resolution_id = (SELECT id FROM resolutions ORDER BY adopted_on DESC LIMIT 1)`, period.ID).Error; err != nil {
		t.Fatal(err)
	}
	var operative int
	db.Raw(`SELECT count(*) FROM paragraphs WHERE kind = 'operative' AND resolution_id = (SELECT id FROM resolutions ORDER BY adopted_on DESC LIMIT 1)`).Scan(&operative)
	run := func(day time.Time) int {
		t.Helper()
		// Two schedulers at once, as two replicas would run them.
		var wg sync.WaitGroup
		counts := make([]int, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				counts[i], errs[i] = models.RunReminders(ctx, db, day, []int{14, 3})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		return counts[0] + counts[1]
	}
	reminders := func() []string {
		var stages []string
		db.Raw(`SELECT s.iso3 || ' ' || r.stage FROM period_reminders r JOIN member_states s ON s.id = r.member_state_id
			WHERE r.period_id = ? ORDER BY r.sent_at, r.stage`, period.ID).Scan(&stages)
		return stages
	}

	if n := run(due.AddDate(0, 0, -20)); n != 0 {
		t.Errorf("20 days before the due date: %d reminders, want none", n)
	}
	if n := run(due.AddDate(0, 0, -10)); n != 1 {
		t.Errorf("10 days before (past the 14-day mark): %d reminders, want 1 (Kenya)", n)
	}
	if n := run(due.AddDate(0, 0, -9)); n != 0 {
		t.Errorf("the next day: %d reminders, want none", n)
	}
	if n := run(due.AddDate(0, 0, -3)); n != 1 {
		t.Errorf("3 days before: %d reminders, want 1", n)
	}
	if n := run(due.AddDate(0, 0, 1)); n != 1 {
		t.Errorf("the day after the due date: %d reminders, want 1", n)
	}
	if n := run(due.AddDate(0, 0, 6)); n != 0 {
		t.Errorf("six days late: %d reminders, want none (once a week)", n)
	}
	if n := run(due.AddDate(0, 0, 8)); n != 1 {
		t.Errorf("eight days late: %d reminders, want 1 (the second week)", n)
	}
	want := []string{"KEN before-14", "KEN before-3", "KEN overdue-1", "KEN overdue-2"}
	if got := reminders(); !equalStrings(got, want) {
		t.Errorf("reminders recorded %v, want %v", got, want)
	}
	for _, u := range []*models.User{p.focalKEN, second} {
		got := notificationsOf(t, db, u)
		if len(got) != 4 {
			t.Errorf("%s received %d reminders, want 4", u.Email, len(got))
		}
		for _, n := range got {
			if n.Kind != models.NotifyPeriodReminder || n.SubjectID != period.ID || n.Params["Missing"] != strconv.Itoa(operative-1) {
				t.Errorf("%s: %+v", u.Email, n)
			}
		}
	}
	if got := notificationsOf(t, db, p.focalFRA); len(got) != 0 {
		t.Errorf("France, which reported on every paragraph, was reminded: %v", kinds(got))
	}
	listed, err := models.ListPeriodReminders(ctx, db, period.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0].ISO3 != "KEN" || len(listed[0].Reminders) != 4 || listed[0].Reminders[0].Recipients != 2 {
		t.Errorf("the period's page lists %+v", listed)
	}
}

func TestPeopleMarkTheirOwnNotificationsReadAndNobodyElses(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	for range 3 { // three needs submitted: three notifications
		n2, err := models.CreateNeed(ctx, db, &models.ReferenceCache{DB: db}, p.focalKEN, validNeed("KEN"), models.AuditContext{Actor: p.focalKEN})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := models.TransitionNeed(ctx, db, p.focalKEN, n2.ID, n2.Version, models.NeedSubmitted, "", nil, models.AuditContext{Actor: p.focalKEN}); err != nil {
			t.Fatal(err)
		}
	}
	mine := notificationsOf(t, db, p.secretariat)
	if len(mine) != 3 {
		t.Fatalf("the Secretariat has %d notifications, want 3", len(mine))
	}
	if _, err := models.MarkNotificationRead(ctx, db, p.focalKEN.ID, mine[0].ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("someone else marked the Secretariat's notification read: %v", err)
	}
	if _, err := models.MarkNotificationRead(ctx, db, p.secretariat.ID, mine[0].ID); err != nil {
		t.Fatal(err)
	}
	// "Mark all" covers what the person saw: up to the second.
	marked, err := models.MarkAllNotificationsRead(ctx, db, p.secretariat.ID, mine[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if marked != 1 {
		t.Errorf("mark all marked %d, want 1 (the first was read already, the third was not seen)", marked)
	}
	after := notificationsOf(t, db, p.secretariat)
	if after[0].ReadAt == nil || after[1].ReadAt == nil || after[2].ReadAt != nil {
		t.Errorf("read marks after: %v %v %v", after[0].ReadAt, after[1].ReadAt, after[2].ReadAt)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestTheReviewQueueListsTheContributionsToVerifyOldestFirst(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	p := newPeople(t, db)
	ref := &models.ReferenceCache{DB: db}
	var ids []int64
	for i, title := range []string{"Older pledge", "Newer pledge", "Verified pledge"} {
		c, err := models.CreateContribution(ctx, db, ref, p.donor, models.ContributionInput{Donor: "norway", Kind: "financial",
			Title: title, Amount: "1000", Currency: "USD", ValueDate: "2026-03-01", Earmark: "none"}, models.AuditContext{Actor: p.donor})
		if err != nil {
			t.Fatal(err)
		}
		db.Exec(`UPDATE contributions SET created_at = now() - make_interval(days => ?) WHERE id = ?`, 10-i, c.ID)
		if title == "Verified pledge" {
			if err := models.VerifyContribution(ctx, db, p.secretariat, c.ID, c.Version, true, models.AuditContext{Actor: p.secretariat}); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, c.ID)
	}
	q, err := models.LoadReviewQueue(ctx, db, p.secretariat)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Contributions) != 2 || q.Contributions[0].ID != ids[0] || q.Contributions[1].ID != ids[1] ||
		q.Contributions[0].DonorName != "Norway" || q.Contributions[0].Waiting(time.Now()) != 10 {
		t.Errorf("contributions to verify: %+v, want the two unverified, oldest first, with their donor", q.Contributions)
	}
}
