package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AccessToken is a personal access token for the read-only JSON API: a
// program sends its secret as "Authorization: Bearer ctap_…" and acts as
// the token's owner, with the owner's role and scope at that moment. Only
// the secret's SHA-256 is stored (not in this struct), so the secret is
// shown once, when the token is made.
type AccessToken struct {
	ID         int64
	UserID     int64
	Name       string
	Scope      string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	LastUsedIP string
	RevokedAt  *time.Time
	Version    int
}

// Active tells whether the token still opens the API at now: neither
// revoked nor expired. (Its owner's account must be active too, which
// AuthenticateAccessToken checks.)
func (t AccessToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && now.Before(t.ExpiresAt)
}

func (t AccessToken) auditView() map[string]any {
	v := map[string]any{"name": t.Name, "scope": t.Scope, "expires_at": t.ExpiresAt.UTC().Format(time.RFC3339)}
	if t.RevokedAt != nil {
		v["revoked_at"] = t.RevokedAt.UTC().Format(time.RFC3339)
	}
	return v
}

const (
	// MaxTokenLifetime is how far ahead a token's expiry may be set: the
	// last day it may be chosen is today plus this. A token that lives
	// forever is a token nobody remembers to revoke.
	MaxTokenLifetime = 365 * 24 * time.Hour
	// DefaultTokenLifetime is the expiry the form offers first.
	DefaultTokenLifetime = 90 * 24 * time.Hour
	// MaxActiveTokens is how many active tokens one person may hold: enough
	// for every program they run, few enough to review.
	MaxActiveTokens = 20
	// tokenPrefix marks CTAP's secrets, so a leaked one is recognizable
	// (secret scanners, logs) and a wrong kind of credential is refused
	// before any lookup.
	tokenPrefix = "ctap_"
	// tokenSecretBytes of randomness: 256 bits, 43 characters of base64url.
	tokenSecretBytes = 32
	// tokenUseInterval: a token's last use is recorded at most this often
	// from one address, so a busy program does not write on every request.
	tokenUseInterval = time.Minute
)

// TokenScopeRead is the only scope so far: reading what the owner may read.
const TokenScopeRead = "read"

// ErrTokenInvalid refuses a secret that opens nothing: malformed, unknown,
// revoked, expired, or its owner's account not active. The API answers all
// of them alike (401), so a caller learns nothing about which.
var ErrTokenInvalid = errors.New("invalid access token")

// AccessTokenInput is the form that makes a token: its name, and the day
// it expires (YYYY-MM-DD, at most MaxTokenLifetime ahead). It has no
// shape tags: CreateAccessToken checks both fields, with the limits its
// messages name (a tag's "at most 400 characters" would contradict them).
type AccessTokenInput struct {
	Name      string `form:"name"`
	ExpiresOn string `form:"expires_on"`
}

// DefaultAccessTokenInput is the form as first offered at now: no name,
// expiring after DefaultTokenLifetime.
func DefaultAccessTokenInput(now time.Time) AccessTokenInput {
	return AccessTokenInput{ExpiresOn: tokenDay(now).Add(DefaultTokenLifetime).Format(time.DateOnly)}
}

// LatestTokenExpiry is the last day a token made at now may expire on.
func LatestTokenExpiry(now time.Time) time.Time { return tokenDay(now).Add(MaxTokenLifetime) }

// tokenDay is now's day in UTC: expiries are whole days, the same for
// everyone wherever they are.
func tokenDay(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// validate checks the input at now and returns the name and the moment the
// token expires (the start of the chosen day, UTC).
func (in AccessTokenInput) validate(now time.Time) (string, time.Time, error) {
	p := Problems{}
	name := strings.TrimSpace(in.Name)
	checkText(p, "name", name, true, 100)
	var expires time.Time
	day, err := time.Parse(time.DateOnly, strings.TrimSpace(in.ExpiresOn))
	switch {
	case strings.TrimSpace(in.ExpiresOn) == "":
		p.Add("expires_on", "validation.required")
	case err != nil:
		p.Add("expires_on", "tokens.expires_format")
	case !day.After(tokenDay(now)):
		p.Add("expires_on", "tokens.expires_past")
	case day.After(LatestTokenExpiry(now)):
		p.Add("expires_on", "tokens.expires_too_far", "Latest", LatestTokenExpiry(now).Format(time.DateOnly))
	default:
		expires = day
	}
	return name, expires, p.Err()
}

// newTokenSecret makes a secret and its hash. The secret is 32 bytes from
// crypto/rand: unguessable, so its SHA-256 can be looked up directly
// (no salt, no slow hash) and found in constant time by the unique index.
func newTokenSecret() (string, []byte, error) {
	b := make([]byte, tokenSecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("token secret: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, tokenHash(secret), nil
}

func tokenHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// wellFormedSecret tells whether s could be a secret CTAP made, so that
// anything else (another service's token, a truncated paste) is refused
// without a query.
func wellFormedSecret(s string) bool {
	rest, ok := strings.CutPrefix(s, tokenPrefix)
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(tokenSecretBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// tokenColumns are what the pages and the API read of a token (never its
// hash).
const tokenColumns = `id, user_id, name, scope, created_at, expires_at, last_used_at, last_used_ip, revoked_at, version`

// CreateAccessToken makes a token for u and returns it with its secret,
// which is shown this once and stored only hashed. It refuses (field
// problems) a wrong name or expiry, and a 21st active token. Audited in
// the same transaction.
func CreateAccessToken(ctx context.Context, db *gorm.DB, u *User, in AccessTokenInput, now time.Time, ev AuditContext) (AccessToken, string, error) {
	var tok AccessToken
	name, expires, err := in.validate(now)
	if err != nil {
		return tok, "", err
	}
	secret, hash, err := newTokenSecret()
	if err != nil {
		return tok, "", err
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The owner's row is locked so two creations at once cannot both
		// pass the count below.
		var active int64
		err := tx.Raw(`SELECT (SELECT count(*) FROM access_tokens t
				WHERE t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > ?)
			FROM users u WHERE u.id = ? FOR UPDATE OF u`, now.UTC(), u.ID).Scan(&active).Error
		if err != nil {
			return err
		}
		if active >= MaxActiveTokens {
			return Invalid("name", "tokens.too_many", "Max", MaxActiveTokens)
		}
		res := tx.Raw(`INSERT INTO access_tokens (user_id, name, token_hash, scope, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING `+tokenColumns,
			u.ID, name, hash, TokenScopeRead, now.UTC(), expires).Scan(&tok)
		if res.Error != nil {
			return res.Error
		}
		return recordChange(tx, ev, ActionTokenCreated, Target("access_token", tok.ID), nil, tok.auditView())
	})
	if err != nil {
		return AccessToken{}, "", fmt.Errorf("create access token for user %d: %w", u.ID, err)
	}
	return tok, secret, nil
}

// ListAccessTokens returns u's tokens, newest first, the revoked and
// expired ones included (AccessToken.Active tells them apart). Only the
// owner's: nobody else, an administrator neither, lists them.
func ListAccessTokens(ctx context.Context, db *gorm.DB, u *User) ([]AccessToken, error) {
	var out []AccessToken
	err := db.WithContext(ctx).Raw(`SELECT `+tokenColumns+` FROM access_tokens
		WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 500`, u.ID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("access tokens of user %d: %w", u.ID, err)
	}
	return out, nil
}

// AccessTokenByID returns one of u's tokens; another person's is
// ErrNotFound, as if it did not exist.
func AccessTokenByID(ctx context.Context, db *gorm.DB, u *User, id int64) (AccessToken, error) {
	var tok AccessToken
	res := db.WithContext(ctx).Raw(`SELECT `+tokenColumns+` FROM access_tokens WHERE id = ? AND user_id = ?`, id, u.ID).Scan(&tok)
	if res.Error != nil {
		return tok, fmt.Errorf("access token %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return tok, fmt.Errorf("access token %d of user %d: %w", id, u.ID, ErrNotFound)
	}
	return tok, nil
}

// RevokeAccessToken ends one of u's tokens at once, as seen at version
// seen (ErrStaleVersion when it changed since, ErrNotFound when it is not
// u's). Only the owner revokes: an administrator who must stop a person's
// tokens disables the account, which stops them all. Audited.
func RevokeAccessToken(ctx context.Context, db *gorm.DB, u *User, id int64, seen int, ev AuditContext) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur AccessToken
		res := tx.Raw(`SELECT `+tokenColumns+` FROM access_tokens WHERE id = ? AND user_id = ? FOR UPDATE`, id, u.ID).Scan(&cur)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if cur.Version != seen || cur.RevokedAt != nil {
			return fmt.Errorf("at version %d, revoked on %d: %w", cur.Version, seen, ErrStaleVersion)
		}
		var after AccessToken
		if err := tx.Raw(`UPDATE access_tokens SET revoked_at = now(), version = version + 1
			WHERE id = ? RETURNING `+tokenColumns, id).Scan(&after).Error; err != nil {
			return err
		}
		return recordChange(tx, ev, ActionTokenRevoked, Target("access_token", id), cur.auditView(), after.auditView())
	})
	if err != nil {
		return fmt.Errorf("revoke access token %d of user %d: %w", id, u.ID, err)
	}
	return nil
}

// AuthenticateAccessToken finds the user a secret acts for, at now, from
// address ip. One statement finds the token by its hash with its owner
// loaded as a session loads one (role, State, organization); a revoked or
// expired token, or an owner not active with a role (pending, disabled),
// is ErrTokenInvalid at once. Then, only when needed, one more statement
// records the use: when the last one is older than a minute or came from
// another address, and, for an address the token was never used from, the
// address with its audit event (token.used_from_new_address), atomically.
// So an API request costs one statement, at most two.
func AuthenticateAccessToken(ctx context.Context, db *gorm.DB, secret, ip string, now time.Time) (*User, AccessToken, error) {
	var tok AccessToken
	if !wellFormedSecret(secret) {
		return nil, tok, ErrTokenInvalid
	}
	db = db.WithContext(ctx)
	var (
		user     requestUserScan
		lastUsed sql.NullTime
		revoked  sql.NullTime
		known    bool
	)
	dest := []any{&tok.ID, &tok.UserID, &tok.Name, &tok.Scope, &tok.CreatedAt, &tok.ExpiresAt,
		&lastUsed, &tok.LastUsedIP, &revoked, &tok.Version}
	dest = append(dest, user.dest()...)
	err := db.Raw(`SELECT t.id, t.user_id, t.name, t.scope, t.created_at, t.expires_at, t.last_used_at, t.last_used_ip,
			t.revoked_at, t.version, `+requestUserColumns+`,
			EXISTS (SELECT 1 FROM access_token_addresses a WHERE a.token_id = t.id AND a.ip = @ip)
		FROM access_tokens t
		JOIN users u ON u.id = t.user_id AND u.status = 'active' AND u.role IS NOT NULL
		`+requestUserJoins+`
		WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND t.expires_at > @now`,
		sql.Named("hash", tokenHash(secret)), sql.Named("ip", ip), sql.Named("now", now.UTC())).
		Row().Scan(append(dest, &known)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, AccessToken{}, ErrTokenInvalid
	}
	if err != nil {
		return nil, AccessToken{}, fmt.Errorf("authenticate access token: %w", err)
	}
	if lastUsed.Valid {
		tok.LastUsedAt = &lastUsed.Time
	}
	if revoked.Valid {
		tok.RevokedAt = &revoked.Time
	}
	u := user.user()
	recent := tok.LastUsedAt != nil && now.Sub(*tok.LastUsedAt) < tokenUseInterval
	switch {
	case !known:
		if err := recordNewTokenAddress(db, u, tok, ip, now); err != nil {
			return nil, AccessToken{}, err
		}
	case !recent || tok.LastUsedIP != ip:
		if err := db.Exec(`UPDATE access_tokens SET last_used_at = ?, last_used_ip = ? WHERE id = ?`,
			now.UTC(), ip, tok.ID).Error; err != nil {
			return nil, AccessToken{}, fmt.Errorf("record use of access token %d: %w", tok.ID, err)
		}
	default:
		return u, tok, nil
	}
	used := now.UTC()
	tok.LastUsedAt, tok.LastUsedIP = &used, ip
	return u, tok, nil
}

// recordNewTokenAddress records a use from an address the token was not
// seen at: the address, the last use and the audit event, in one
// statement (atomic without a transaction's extra round trips). The event
// is written only when the address row is: of two first uses at once
// from the same address, one is audited.
func recordNewTokenAddress(db *gorm.DB, u *User, tok AccessToken, ip string, now time.Time) error {
	e, err := newAuditEvent(AuditContext{Actor: u, IP: ip}, ActionTokenUsedFromNewAddress,
		Target("access_token", tok.ID), nil, map[string]any{"name": tok.Name, "ip": ip})
	if err != nil {
		return err
	}
	err = db.Exec(`WITH address AS (
			INSERT INTO access_token_addresses (token_id, ip, first_seen_at) VALUES (@token, @ip, @now)
			ON CONFLICT DO NOTHING RETURNING token_id
		), used AS (
			UPDATE access_tokens SET last_used_at = @now, last_used_ip = @ip WHERE id = @token
		)
		INSERT INTO audit_events (actor_id, actor_email, action, target_type, target_id, ip, request_id, after)
		SELECT @actor, @email, @action, @type, @target, @ip, '', CAST(@details AS jsonb) FROM address`,
		sql.Named("token", tok.ID), sql.Named("ip", ip), sql.Named("now", now.UTC()),
		sql.Named("actor", e.ActorID), sql.Named("email", e.ActorEmail), sql.Named("action", e.Action),
		sql.Named("type", e.TargetType), sql.Named("target", e.TargetID), sql.Named("details", string(e.After))).Error
	if err != nil {
		return fmt.Errorf("record new address of access token %d: %w", tok.ID, err)
	}
	return nil
}
