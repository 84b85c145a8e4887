package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"ctap/models"
	"ctap/models/dbtest"
)

func TestHasOpenInvitationOnlyForAnOpenUnexpiredOne(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	invite := func(email string) models.Invitation {
		t.Helper()
		inv, err := models.CreateInvitation(ctx, db, models.NewInvitation{Email: email, Assignment: models.Assignment{Role: models.RoleViewer}}, models.AuditContext{ActorNote: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return inv.Invitation
	}
	invite("open@example.org")
	revoked := invite("revoked@example.org")
	if err := models.RevokeInvitation(ctx, db, revoked.ID, models.AuditContext{ActorNote: "test"}); err != nil {
		t.Fatal(err)
	}
	expired := invite("expired@example.org")
	db.Exec("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = ?", expired.ID)

	for email, want := range map[string]bool{
		"open@example.org": true, " Open@Example.ORG ": true,
		"revoked@example.org": false, "expired@example.org": false, "nobody@example.org": false,
	} {
		got, err := models.HasOpenInvitation(ctx, db, email)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("HasOpenInvitation(%q) = %v, want %v", email, got, want)
		}
	}
}

// Disabling an account keeps its sessions for its next request to end
// (and say why); enabling it again ends them, so none resumes.
func TestDisablingKeepsTheSessionsForTheNextRequestAndEnablingEndsThem(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	if _, err := models.CreateInvitation(ctx, db, models.NewInvitation{Email: "person@example.org", Assignment: models.Assignment{Role: models.RoleViewer}}, models.AuditContext{}); err != nil {
		t.Fatal(err)
	}
	res, err := models.SignIn(ctx, db, models.Identity{Issuer: "https://idp.example", Subject: "p", Email: "person@example.org", EmailVerified: true}, models.SignInPolicy{}, models.AuditContext{})
	if err != nil {
		t.Fatal(err)
	}
	u := res.User
	data, _ := (scs.GobCodec{}).Encode(time.Now().Add(time.Hour), map[string]any{models.SessionUserKey: u.ID})
	store := &models.SessionStore{DB: db, IdleTimeout: time.Hour}
	if err := store.CommitCtx(ctx, "tok", data, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	sessions := func() int64 {
		var n int64
		db.Raw("SELECT count(*) FROM sessions WHERE user_id = ?", u.ID).Scan(&n)
		return n
	}

	if _, err := models.ChangeUser(ctx, db, u.ID, models.UserChange{Version: u.Version, Status: models.StatusDisabled}, models.AuditContext{ActorNote: "test"}); err != nil {
		t.Fatal(err)
	}
	if n := sessions(); n != 1 {
		t.Errorf("disabling left %d sessions, want 1 kept for the next request", n)
	}
	// The session finds its user disabled: it cannot be used.
	sctx, slot := models.WithSessionSlot(ctx)
	if _, found, err := store.FindCtx(sctx, "tok"); err != nil || !found || slot.User == nil || slot.User.Status != models.StatusDisabled {
		t.Fatalf("the kept session: found %v, err %v, user %+v", found, err, slot.User)
	}

	if _, err := models.ChangeUser(ctx, db, u.ID, models.UserChange{Version: u.Version + 1, Status: models.StatusActive}, models.AuditContext{ActorNote: "test"}); err != nil {
		t.Fatal(err)
	}
	if n := sessions(); n != 0 {
		t.Errorf("enabling again left %d sessions from before", n)
	}
}
