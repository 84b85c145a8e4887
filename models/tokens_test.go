package models_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

// tokenNow is the moment the token tests run at: fixed, so expiries and
// throttling are exact.
var tokenNow = time.Date(2027, 3, 10, 14, 30, 0, 0, time.UTC)

func tokenInput(name string, days int) models.AccessTokenInput {
	return models.AccessTokenInput{Name: name, ExpiresOn: tokenNow.AddDate(0, 0, days).Format(time.DateOnly)}
}

func auditCount(t *testing.T, db *gorm.DB, action models.AuditAction, tokenID int64) int {
	t.Helper()
	var n int
	if err := db.Raw(`SELECT count(*) FROM audit_events WHERE action = ? AND target_type = 'access_token' AND target_id = ?`,
		string(action), strconv.FormatInt(tokenID, 10)).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAnAccessTokenLivesFromCreationToRevocation(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	ken := roleUser(t, db, "focal.ken@example.org", models.RoleFocalPoint, "KEN")

	tok, secret, err := models.CreateAccessToken(ctx, db, ken, tokenInput("  Nightly export  ", 90), tokenNow, models.AuditContext{Actor: ken})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^ctap_[A-Za-z0-9_-]{43}$`).MatchString(secret) {
		t.Fatalf("secret %q is not ctap_ and 43 characters of base64url", secret)
	}
	if tok.Name != "Nightly export" || tok.Scope != "read" || tok.Version != 1 || tok.UserID != ken.ID {
		t.Errorf("token made as %+v", tok)
	}
	if want := time.Date(2027, 6, 8, 0, 0, 0, 0, time.UTC); !tok.ExpiresAt.Equal(want) {
		t.Errorf("expires at %v, want %v (the start of the chosen day)", tok.ExpiresAt, want)
	}
	if auditCount(t, db, models.ActionTokenCreated, tok.ID) != 1 {
		t.Error("creation not audited")
	}

	// Only the hash is stored: the secret is nowhere in the row.
	var stored []byte
	if err := db.Raw(`SELECT token_hash FROM access_tokens WHERE id = ?`, tok.ID).Row().Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(secret)); !bytes.Equal(stored, sum[:]) {
		t.Error("the stored hash is not the secret's SHA-256")
	}
	var leaked int
	db.Raw(`SELECT count(*) FROM access_tokens t WHERE position(convert_to(?, 'UTF8') IN t.token_hash) > 0
		OR t.name LIKE '%' || ? || '%' OR to_jsonb(t)::text LIKE '%' || ? || '%'`, secret, secret, secret).Scan(&leaked)
	if leaked != 0 {
		t.Error("the secret is stored in clear")
	}

	// It authenticates as its owner, loaded as the session loads them.
	u, got, err := models.AuthenticateAccessToken(ctx, db, secret, "192.0.2.10", tokenNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != ken.ID || !u.HasRole(models.RoleFocalPoint) || u.MemberStateID == nil || u.MemberState == nil || u.MemberState.ISO3 != "KEN" {
		t.Errorf("authenticated as %+v", u)
	}
	if got.ID != tok.ID || got.LastUsedIP != "192.0.2.10" || got.LastUsedAt == nil {
		t.Errorf("token as authenticated: %+v", got)
	}

	// Wrong, malformed or other credentials open nothing.
	for _, s := range []string{"", "ctap_", secret[:len(secret)-1], secret + "A", "Bearer " + secret, "ctap_" + string(bytes.Repeat([]byte("A"), 43))} {
		if _, _, err := models.AuthenticateAccessToken(ctx, db, s, "192.0.2.10", tokenNow); !errors.Is(err, models.ErrTokenInvalid) {
			t.Errorf("secret %q: %v, want ErrTokenInvalid", s, err)
		}
	}

	// Expired: the moment its day starts.
	if _, _, err := models.AuthenticateAccessToken(ctx, db, secret, "192.0.2.10", tok.ExpiresAt); !errors.Is(err, models.ErrTokenInvalid) {
		t.Errorf("expired token: %v", err)
	}
	if tok.Active(tok.ExpiresAt) || !tok.Active(tok.ExpiresAt.Add(-time.Second)) {
		t.Error("Active does not end at the expiry")
	}

	// Revoked by its owner only, at the version seen.
	other := roleUser(t, db, "viewer@example.org", models.RoleViewer, "")
	if err := models.RevokeAccessToken(ctx, db, other, tok.ID, tok.Version, models.AuditContext{Actor: other}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another person revoked it: %v", err)
	}
	if err := models.RevokeAccessToken(ctx, db, ken, tok.ID, tok.Version+1, models.AuditContext{Actor: ken}); !errors.Is(err, models.ErrStaleVersion) {
		t.Errorf("revoked at a version never seen: %v", err)
	}
	if err := models.RevokeAccessToken(ctx, db, ken, tok.ID, tok.Version, models.AuditContext{Actor: ken}); err != nil {
		t.Fatal(err)
	}
	if err := models.RevokeAccessToken(ctx, db, ken, tok.ID, tok.Version, models.AuditContext{Actor: ken}); !errors.Is(err, models.ErrStaleVersion) {
		t.Errorf("revoked twice from the same page: %v", err)
	}
	if auditCount(t, db, models.ActionTokenRevoked, tok.ID) != 1 {
		t.Error("revocation not audited once")
	}
	if _, _, err := models.AuthenticateAccessToken(ctx, db, secret, "192.0.2.10", tokenNow.Add(2*time.Hour)); !errors.Is(err, models.ErrTokenInvalid) {
		t.Errorf("revoked token: %v", err)
	}

	// The list shows them all, newest first, marked.
	second, _, err := models.CreateAccessToken(ctx, db, ken, tokenInput("Dashboard", 30), tokenNow.Add(time.Minute), models.AuditContext{Actor: ken})
	if err != nil {
		t.Fatal(err)
	}
	list, err := models.ListAccessTokens(ctx, db, ken)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != second.ID || list[1].ID != tok.ID || list[1].RevokedAt == nil || !list[0].Active(tokenNow) {
		t.Errorf("list: %+v", list)
	}
	if others, _ := models.ListAccessTokens(ctx, db, other); len(others) != 0 {
		t.Errorf("another person lists %d tokens", len(others))
	}
	if _, err := models.AccessTokenByID(ctx, db, other, second.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("another person reads the token: %v", err)
	}
}

func TestADisabledOrPendingAccountsTokensStopAtOnce(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	ken := roleUser(t, db, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	_, secret, err := models.CreateAccessToken(ctx, db, ken, tokenInput("Export", 30), tokenNow, models.AuditContext{Actor: ken})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := models.AuthenticateAccessToken(ctx, db, secret, "192.0.2.1", tokenNow); err != nil {
		t.Fatal(err)
	}
	for _, status := range []models.UserStatus{models.StatusDisabled, models.StatusPending} {
		db.Exec(`UPDATE users SET status = ? WHERE id = ?`, status, ken.ID)
		if _, _, err := models.AuthenticateAccessToken(ctx, db, secret, "192.0.2.1", tokenNow); !errors.Is(err, models.ErrTokenInvalid) {
			t.Errorf("%s account's token: %v, want ErrTokenInvalid", status, err)
		}
	}
	// Active without a role opens nothing either.
	db.Exec(`UPDATE users SET status = 'active', role = NULL, member_state_id = NULL WHERE id = ?`, ken.ID)
	if _, _, err := models.AuthenticateAccessToken(ctx, db, secret, "192.0.2.1", tokenNow); !errors.Is(err, models.ErrTokenInvalid) {
		t.Errorf("token of an account without a role: %v", err)
	}
}

func TestATokensUseIsRecordedOncePerMinuteAndANewAddressAuditedOnce(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	viewer := roleUser(t, db, "viewer@example.org", models.RoleViewer, "")
	tok, secret, err := models.CreateAccessToken(ctx, db, viewer, tokenInput("Script", 30), tokenNow, models.AuditContext{Actor: viewer})
	if err != nil {
		t.Fatal(err)
	}
	ctx, counter := models.WithStatementCounter(ctx)
	use := func(ip string, at time.Time) int {
		t.Helper()
		before := counter.Count()
		if _, _, err := models.AuthenticateAccessToken(ctx, db, secret, ip, at); err != nil {
			t.Fatal(err)
		}
		return counter.Count() - before
	}
	lastUse := func() (time.Time, string) {
		var row struct {
			LastUsedAt time.Time
			LastUsedIP string
		}
		db.Raw(`SELECT last_used_at, last_used_ip FROM access_tokens WHERE id = ?`, tok.ID).Scan(&row)
		return row.LastUsedAt, row.LastUsedIP
	}

	if n := use("192.0.2.1", tokenNow); n != 2 {
		t.Errorf("first use: %d statements, want 2 (find, then record the new address)", n)
	}
	if at, ip := lastUse(); !at.Equal(tokenNow) || ip != "192.0.2.1" {
		t.Errorf("last use %v from %q", at, ip)
	}
	if n := use("192.0.2.1", tokenNow.Add(30*time.Second)); n != 1 {
		t.Errorf("use within the minute: %d statements, want 1", n)
	}
	if at, _ := lastUse(); !at.Equal(tokenNow) {
		t.Errorf("a use within the minute was recorded (%v)", at)
	}
	if n := use("192.0.2.1", tokenNow.Add(2*time.Minute)); n != 2 {
		t.Errorf("use after the minute: %d statements, want 2", n)
	}
	if at, _ := lastUse(); !at.Equal(tokenNow.Add(2 * time.Minute)) {
		t.Errorf("the use after a minute was not recorded (%v)", at)
	}
	if auditCount(t, db, models.ActionTokenUsedFromNewAddress, tok.ID) != 1 {
		t.Error("the first address is not audited once")
	}

	// Another address: audited once, however often it comes back.
	use("198.51.100.7", tokenNow.Add(2*time.Minute+time.Second))
	if _, ip := lastUse(); ip != "198.51.100.7" {
		t.Errorf("last address %q", ip)
	}
	use("198.51.100.7", tokenNow.Add(10*time.Minute))
	if n := use("192.0.2.1", tokenNow.Add(10*time.Minute+time.Second)); n != 2 {
		t.Errorf("a known address after another: %d statements, want 2 (the address changed)", n)
	}
	if got := auditCount(t, db, models.ActionTokenUsedFromNewAddress, tok.ID); got != 2 {
		t.Errorf("%d new-address events, want 2", got)
	}
	var ev models.AuditEvent
	db.Where("action = ? AND ip = ?", string(models.ActionTokenUsedFromNewAddress), "198.51.100.7").Take(&ev)
	if ev.ActorID == nil || *ev.ActorID != viewer.ID || ev.ActorEmail != viewer.Email {
		t.Errorf("new-address event: %+v", ev)
	}
}

func TestAnAccessTokensInputIsCheckedFieldByField(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	viewer := roleUser(t, db, "viewer@example.org", models.RoleViewer, "")
	for _, tc := range []struct {
		in          models.AccessTokenInput
		field, want string
	}{
		{models.AccessTokenInput{Name: "  ", ExpiresOn: "2027-04-01"}, "name", "validation.required"},
		{models.AccessTokenInput{Name: string(bytes.Repeat([]byte("x"), 101)), ExpiresOn: "2027-04-01"}, "name", "validation.too_long"},
		{models.AccessTokenInput{Name: "A", ExpiresOn: ""}, "expires_on", "validation.required"},
		{models.AccessTokenInput{Name: "A", ExpiresOn: "next week"}, "expires_on", "tokens.expires_format"},
		{models.AccessTokenInput{Name: "A", ExpiresOn: "2027-03-09"}, "expires_on", "tokens.expires_past"},
		{models.AccessTokenInput{Name: "A", ExpiresOn: "2027-03-10"}, "expires_on", "tokens.expires_past"},
		{models.AccessTokenInput{Name: "A", ExpiresOn: "2028-03-10"}, "expires_on", "tokens.expires_too_far"},
	} {
		_, _, err := models.CreateAccessToken(ctx, db, viewer, tc.in, tokenNow, models.AuditContext{Actor: viewer})
		p, ok := models.ProblemsOf(err)
		if !ok || p[tc.field].ID != tc.want {
			t.Errorf("%+v: %v, want %s on %s", tc.in, err, tc.want, tc.field)
		}
	}
	// The last day allowed is a year (MaxTokenLifetime) from today.
	last := models.LatestTokenExpiry(tokenNow).Format(time.DateOnly)
	if last != "2028-03-09" {
		t.Errorf("latest expiry %s", last)
	}
	if _, _, err := models.CreateAccessToken(ctx, db, viewer, models.AccessTokenInput{Name: "A year", ExpiresOn: last}, tokenNow, models.AuditContext{Actor: viewer}); err != nil {
		t.Errorf("a year ahead refused: %v", err)
	}
	if d := models.DefaultAccessTokenInput(tokenNow).ExpiresOn; d != "2027-06-08" {
		t.Errorf("default expiry %s, want 90 days ahead", d)
	}
	var n int
	db.Raw(`SELECT count(*) FROM access_tokens`).Scan(&n)
	if n != 1 {
		t.Errorf("%d tokens stored, want only the valid one", n)
	}
}

func TestAPersonHoldsAtMostTwentyActiveTokens(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	viewer := roleUser(t, db, "viewer@example.org", models.RoleViewer, "")
	var first models.AccessToken
	for i := range models.MaxActiveTokens {
		tok, _, err := models.CreateAccessToken(ctx, db, viewer, tokenInput("Token", 30), tokenNow, models.AuditContext{Actor: viewer})
		if err != nil {
			t.Fatalf("token %d: %v", i+1, err)
		}
		if i == 0 {
			first = tok
		}
	}
	_, _, err := models.CreateAccessToken(ctx, db, viewer, tokenInput("One too many", 30), tokenNow, models.AuditContext{Actor: viewer})
	if p, ok := models.ProblemsOf(err); !ok || p["name"].ID != "tokens.too_many" {
		t.Fatalf("21st token: %v", err)
	}
	// A revoked token no longer counts.
	if err := models.RevokeAccessToken(ctx, db, viewer, first.ID, first.Version, models.AuditContext{Actor: viewer}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := models.CreateAccessToken(ctx, db, viewer, tokenInput("Replacement", 30), tokenNow, models.AuditContext{Actor: viewer}); err != nil {
		t.Errorf("after a revocation: %v", err)
	}
}
