package models_test

import (
	"context"
	"testing"

	"ctap/models"
	"ctap/models/dbtest"
)

func TestTheDemoTellsEachDemoPersonWhatHappenedOnce(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	if _, err := models.SeedDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	subject := func(email string) string { return "demo-subject-" + email }
	made, err := models.PrepareDemoAccounts(ctx, db, "http://127.0.0.1:8080/dev-idp", subject)
	if err != nil {
		t.Fatal(err)
	}
	if made != len(models.DemoAccounts())-1 { // all but the newcomer, who lands pending
		t.Errorf("%d demo accounts prepared, want %d", made, len(models.DemoAccounts())-1)
	}
	n, err := models.SeedDemoNotifications(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the demo told nobody anything")
	}
	byEmail := map[string][]string{}
	var rows []struct{ Email, Kind string }
	db.Raw(`SELECT u.email, n.kind FROM notifications n JOIN users u ON u.id = n.user_id ORDER BY n.id`).Scan(&rows)
	for _, r := range rows {
		byEmail[r.Email] = append(byEmail[r.Email], r.Kind)
	}
	want := map[string]string{
		"secretariat@example.org": "need_submitted",
		"admin@example.org":       "need_submitted",
		"focal.ken@example.org":   "period_reminder",
		"donor.nor@example.org":   "need_shared",
		"donor.eu@example.org":    "contribution_paid",
		"focal.fra@example.org":   "",
		"focal.idn@example.org":   "",
	}
	for email, kind := range want {
		got := byEmail[email]
		if len(got) == 0 {
			t.Errorf("%s has no demo notification", email)
			continue
		}
		if kind != "" && !contains(got, kind) {
			t.Errorf("%s was told %v, want a %s among them", email, got, kind)
		}
	}
	again, err := models.SeedDemoNotifications(ctx, db)
	if err != nil || again != 0 {
		t.Errorf("a second run added %d (%v), want nothing", again, err)
	}
	if again, err := models.PrepareDemoAccounts(ctx, db, "http://127.0.0.1:8080/dev-idp", subject); err != nil || again != 0 {
		t.Errorf("a second preparation made %d accounts (%v)", again, err)
	}
}
