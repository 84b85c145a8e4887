package models_test

import (
	"context"
	"testing"

	"ctap/models"
	"ctap/models/dbtest"
)

// TestTheDemoSeedAddsActivitiesOnce checks what the issue asks of the demo:
// at least 40 activities over three years across at least 25 States,
// national and regional, funded by demo contributions, answering demo
// needs, with participants adding up by sex and profession; the met needs
// cite them; a second seed adds nothing.
func TestTheDemoSeedAddsActivitiesOnce(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	r := seedReader{t, ctx, db}
	if _, err := models.SeedDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	if n := r.count("SELECT count(*) FROM activities"); n < 40 {
		t.Errorf("%d activities, want 40 or more", n)
	}
	if n := r.count("SELECT count(DISTINCT extract(year FROM start_date)) FROM activities"); n < 3 {
		t.Errorf("activities in %d years, want 3 or more", n)
	}
	if n := r.count("SELECT count(DISTINCT member_state_id) FROM activity_states"); n < 25 {
		t.Errorf("activities for %d States, want 25 or more", n)
	}
	if n := r.count("SELECT count(*) FROM activities a WHERE (SELECT count(*) FROM activity_states s WHERE s.activity_id = a.id) > 1"); n == 0 {
		t.Error("no regional activity serving several States")
	}
	for _, status := range []string{"planned", "delivered", "cancelled"} {
		if n := r.count("SELECT count(*) FROM activities WHERE status = ?", status); n == 0 {
			t.Errorf("no %s activity", status)
		}
	}
	if n := r.count("SELECT count(DISTINCT activity_id) FROM activity_funding"); n < 5 {
		t.Errorf("%d activities funded by contributions, want several", n)
	}
	if n := r.count(`SELECT count(*) FROM (SELECT c.id FROM contributions c JOIN activity_funding f ON f.contribution_id = c.id
		GROUP BY c.id, c.amount HAVING sum(f.amount) > c.amount) over`); n != 0 {
		t.Errorf("%d contributions funding more than they hold", n)
	}
	if n := r.count("SELECT count(*) FROM activity_needs"); n < 5 {
		t.Errorf("%d needs answered by activities, want several", n)
	}
	if n := r.count(`SELECT count(*) FROM needs n WHERE n.status = 'met' AND n.title LIKE '%(demo)'
		AND NOT EXISTS (SELECT 1 FROM need_met_by m WHERE m.need_id = n.id)`); n != 0 {
		t.Errorf("%d met demo needs cite no activity", n)
	}
	if n := r.count("SELECT count(*) FROM activities WHERE status = 'delivered' AND women + men + sex_not_stated = 0"); n != 0 {
		t.Errorf("%d delivered activities without participants", n)
	}
	if n := r.count(`SELECT count(*) FROM activity_states s JOIN member_states ms ON ms.id = s.member_state_id
		JOIN activities a ON a.id = s.activity_id WHERE ms.iso3 = 'KEN' AND a.status = 'delivered' AND s.confirmed_at IS NULL`); n == 0 {
		t.Error("no delivered activity waits for Kenya's confirmation")
	}
	before := r.count("SELECT count(*) FROM activities")
	if _, err := models.SeedDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	if after := r.count("SELECT count(*) FROM activities"); after != before {
		t.Errorf("a second seed added %d activities", after-before)
	}
}

// TestTheScaleSeedAddsFiveThousandActivitiesPerUnit checks the synthetic
// activities: their number, every kind and status, States reached, and
// funding that stays within each contribution.
func TestTheScaleSeedAddsFiveThousandActivitiesPerUnit(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	r := seedReader{t, ctx, db}
	if _, err := models.SeedScale(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	if n := r.count("SELECT count(*) FROM activities WHERE title LIKE 'Synthetic activity %'"); n != 5000 {
		t.Errorf("scale 1 added %d activities, want 5,000", n)
	}
	if n := r.count("SELECT count(DISTINCT kind) FROM activities"); n != int64(len(models.ActivityKinds())) {
		t.Errorf("%d kinds, want all %d", n, len(models.ActivityKinds()))
	}
	if n := r.count("SELECT count(DISTINCT status) FROM activities"); n != 3 {
		t.Errorf("%d statuses, want 3", n)
	}
	if n := r.count("SELECT count(DISTINCT member_state_id) FROM activity_states"); n != 193 {
		t.Errorf("activities reach %d States, want all 193", n)
	}
	if n := r.count("SELECT count(*) FROM activities a WHERE NOT EXISTS (SELECT 1 FROM activity_states s WHERE s.activity_id = a.id)"); n != 0 {
		t.Errorf("%d activities serve no State", n)
	}
	if n := r.count("SELECT count(*) FROM activity_funding"); n < 500 {
		t.Errorf("%d draws on contributions, want about a fifth of the activities", n)
	}
	if n := r.count(`SELECT count(*) FROM (SELECT c.id FROM contributions c JOIN activity_funding f ON f.contribution_id = c.id
		GROUP BY c.id, c.amount HAVING sum(f.amount) > c.amount) over`); n != 0 {
		t.Errorf("%d contributions funding more than they hold", n)
	}
}
