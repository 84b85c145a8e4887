package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"ctap/models"
	"ctap/models/dbtest"
)

// Saving a focal point or a donor without changing their State or
// organization is not a role change: it is audited as a plain change and
// their sessions go on. (The scopes are pointers; comparing them by address
// once took every save for a role change.)
func TestSavingAScopedUserUnchangedIsNotARoleChange(t *testing.T) {
	for _, tc := range []struct {
		role  models.Role
		scope string
	}{{models.RoleFocalPoint, "KEN"}, {models.RoleDonor, "norway"}} {
		t.Run(string(tc.role), func(t *testing.T) {
			db := dbtest.New(t)
			ctx := context.Background()
			a, err := models.ResolveScope(ctx, db, tc.role, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := models.CreateInvitation(ctx, db, models.NewInvitation{Email: "person@example.org", Assignment: a}, models.AuditContext{}); err != nil {
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

			// The administrator saves the account as it is, with a fresh
			// copy of its scope (as a form decodes it).
			same, err := models.ResolveScope(ctx, db, tc.role, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := models.ChangeUser(ctx, db, u.ID, models.UserChange{Version: u.Version, Status: models.StatusActive, Assignment: &same}, models.AuditContext{ActorNote: "test"}); err != nil {
				t.Fatal(err)
			}
			var action string
			db.Raw("SELECT action FROM audit_events WHERE target_type = 'user' AND actor_email = 'test' ORDER BY id DESC LIMIT 1").Scan(&action)
			if action != string(models.ActionUserChanged) {
				t.Errorf("saving an unchanged %s was audited as %q, want %q", tc.role, action, models.ActionUserChanged)
			}
			var sessions int64
			db.Raw("SELECT count(*) FROM sessions WHERE user_id = ?", u.ID).Scan(&sessions)
			if sessions != 1 {
				t.Errorf("saving an unchanged %s ended their sessions (%d left)", tc.role, sessions)
			}

			// Moving them to another State or organization is a role change.
			other, err := models.ResolveScope(ctx, db, tc.role, map[models.Role]string{models.RoleFocalPoint: "FRA", models.RoleDonor: "european-union"}[tc.role])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := models.ChangeUser(ctx, db, u.ID, models.UserChange{Version: u.Version + 1, Status: models.StatusActive, Assignment: &other}, models.AuditContext{ActorNote: "test"}); err != nil {
				t.Fatal(err)
			}
			db.Raw("SELECT action FROM audit_events WHERE target_type = 'user' AND actor_email = 'test' ORDER BY id DESC LIMIT 1").Scan(&action)
			if action != string(models.ActionUserRoleChanged) {
				t.Errorf("moving a %s to another scope was audited as %q, want %q", tc.role, action, models.ActionUserRoleChanged)
			}
			db.Raw("SELECT count(*) FROM sessions WHERE user_id = ?", u.ID).Scan(&sessions)
			if sessions != 0 {
				t.Errorf("a role change left %d sessions", sessions)
			}
		})
	}
}
