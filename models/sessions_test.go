package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"ctap/models"
	"ctap/models/dbtest"
)

func TestASessionLoadsItsUserAndExpiresWhenIdleOrTooOld(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	store := &models.SessionStore{DB: db, IdleTimeout: time.Hour}
	if err := db.Exec(`INSERT INTO users (issuer, subject, email, status, role, member_state_id)
		VALUES ('https://idp.example', 's', 'focal@example.org', 'active', 'focal_point', (SELECT id FROM member_states WHERE iso3 = 'KEN'))`).Error; err != nil {
		t.Fatal(err)
	}
	var userID int64
	db.Raw("SELECT id FROM users WHERE email = 'focal@example.org'").Scan(&userID)
	data, err := (scs.GobCodec{}).Encode(time.Now().Add(time.Hour), map[string]any{models.SessionUserKey: userID})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CommitCtx(ctx, "tok", data, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	slotCtx, slot := models.WithSessionSlot(ctx)
	counted, counter := models.WithStatementCounter(slotCtx)
	if _, found, err := store.FindCtx(counted, "tok"); err != nil || !found {
		t.Fatalf("fresh session: found=%v err=%v", found, err)
	}
	if slot.User == nil || slot.User.ID != userID || slot.User.MemberState == nil || slot.User.MemberState.ISO3 != "KEN" {
		t.Fatalf("the session's user was not loaded with its State: %+v", slot.User)
	}
	if counter.Count() != 1 {
		t.Errorf("session and user took %d statements, want 1", counter.Count())
	}

	// Idle for longer than the timeout: gone.
	db.Exec("UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE token = 'tok'")
	if _, found, _ := store.FindCtx(ctx, "tok"); found {
		t.Error("an idle session was still found")
	}
	// Active, but past its absolute expiry: gone too.
	db.Exec("UPDATE sessions SET last_seen_at = now(), expiry = now() - interval '1 second' WHERE token = 'tok'")
	if _, found, _ := store.FindCtx(ctx, "tok"); found {
		t.Error("an expired session was still found")
	}
	n, err := models.DeleteExpiredSessions(ctx, db, time.Hour)
	if err != nil || n != 1 {
		t.Errorf("sweep removed %d sessions (err %v), want 1", n, err)
	}
}

func TestAnExpiredInvitationDoesNotBind(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	if _, err := models.CreateInvitation(ctx, db, models.NewInvitation{Email: "late@example.org", Assignment: models.Assignment{Role: models.RoleViewer}}, models.AuditContext{}); err != nil {
		t.Fatal(err)
	}
	db.Exec("UPDATE invitations SET expires_at = now() - interval '1 day'")
	res, err := models.SignIn(ctx, db, models.Identity{Issuer: "https://idp.example", Subject: "late", Email: "late@example.org", EmailVerified: true}, models.SignInPolicy{}, models.AuditContext{})
	if err != nil {
		t.Fatal(err)
	}
	if res.User.Status != models.StatusPending {
		t.Errorf("an expired invitation bound a role: %s %s", res.User.Status, res.User.RoleName())
	}
}
