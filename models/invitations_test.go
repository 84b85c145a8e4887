package models_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

// signedIn creates an account for email by signing in (pending unless an
// invitation or the bootstrap list says otherwise) with one session.
func signedIn(t *testing.T, db *gorm.DB, email string, p models.SignInPolicy) models.User {
	t.Helper()
	ctx := context.Background()
	res, err := models.SignIn(ctx, db, models.Identity{Issuer: "https://idp.example", Subject: email, Email: email, EmailVerified: true}, p, models.AuditContext{})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := (scs.GobCodec{}).Encode(time.Now().Add(time.Hour), map[string]any{models.SessionUserKey: res.User.ID})
	store := &models.SessionStore{DB: db, IdleTimeout: time.Hour}
	if err := store.CommitCtx(ctx, "tok-"+email, data, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return res.User
}

func TestAnInvitationForAnAccountAppliesOrIsRefused(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	admin := signedIn(t, db, "admin@example.org", models.SignInPolicy{BootstrapAdmins: []string{"admin@example.org"}})
	pending := signedIn(t, db, "pending@example.org", models.SignInPolicy{})
	ev := models.AuditContext{Actor: &admin}

	// A pending account gets the role at once, audited, its sessions ended.
	out, err := models.CreateInvitation(ctx, db, models.NewInvitation{Email: "Pending@example.org", Assignment: models.Assignment{Role: models.RoleViewer}}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Applied) != 1 || out.Invitation.ID != 0 || !out.Applied[0].HasRole(models.RoleViewer) {
		t.Fatalf("applied %+v, invitation %d", out.Applied, out.Invitation.ID)
	}
	u, _ := models.UserByID(ctx, db, pending.ID)
	if !u.HasRole(models.RoleViewer) || u.Version != pending.Version+1 {
		t.Errorf("the account is %s %s at version %d", u.Status, u.RoleName(), u.Version)
	}
	var sessions, audited, invitations int64
	db.Raw("SELECT count(*) FROM sessions WHERE user_id = ?", u.ID).Scan(&sessions)
	db.Raw("SELECT count(*) FROM audit_events WHERE action = ? AND actor_id = ? AND target_id = ?", models.ActionInvitationApplied, admin.ID, strconv.FormatInt(u.ID, 10)).Scan(&audited)
	db.Raw("SELECT count(*) FROM invitations WHERE email = 'pending@example.org'").Scan(&invitations)
	if sessions != 0 || audited != 1 || invitations != 0 {
		t.Errorf("%d sessions left, %d audit rows, %d invitations", sessions, audited, invitations)
	}

	// The same role again is nothing to do.
	if _, err := models.CreateInvitation(ctx, db, models.NewInvitation{Email: "pending@example.org", Assignment: models.Assignment{Role: models.RoleViewer}}, ev); !errors.Is(err, models.ErrAlreadyAssigned) {
		t.Errorf("the same role again: %v", err)
	}
	// The last administrator keeps their role.
	if _, err := models.CreateInvitation(ctx, db, models.NewInvitation{Email: "admin@example.org", Assignment: models.Assignment{Role: models.RoleViewer}}, ev); !errors.Is(err, models.ErrLastAdmin) {
		t.Errorf("demoting the last admin: %v", err)
	}
	// A disabled account refuses it, and nothing is written.
	if _, err := models.ChangeUser(ctx, db, u.ID, models.UserChange{Version: u.Version, Status: models.StatusDisabled}, ev); err != nil {
		t.Fatal(err)
	}
	if _, err := models.CreateInvitation(ctx, db, models.NewInvitation{Email: "pending@example.org", Assignment: models.Assignment{Role: models.RoleSecretariat}}, ev); !errors.Is(err, models.ErrAccountDisabled) {
		t.Errorf("a disabled account: %v", err)
	}
	if got, _ := models.UserByID(ctx, db, u.ID); got.Status != models.StatusDisabled || got.RoleName() != "viewer" {
		t.Errorf("after the refusal: %s %s", got.Status, got.RoleName())
	}
	// An email without an account still opens an invitation.
	out, err = models.CreateInvitation(ctx, db, models.NewInvitation{Email: "later@example.org", Assignment: models.Assignment{Role: models.RoleViewer}}, ev)
	if err != nil || out.Invitation.ID == 0 || len(out.Applied) != 0 {
		t.Errorf("a new email: %+v %v", out, err)
	}
}
