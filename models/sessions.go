package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/scs/v2"
	"gorm.io/gorm"
)

// SessionStore keeps scs sessions in PostgreSQL, beside the user they
// belong to. Finding a session loads its user in the same query, and marks
// it seen (at most once a minute), so a signed-in page costs one statement
// for both; idle sessions expire here rather than in scs, which would
// rewrite the session on every request.
type SessionStore struct {
	DB          *gorm.DB
	IdleTimeout time.Duration
}

var _ scs.CtxStore = (*SessionStore)(nil)

// SessionSlot receives, during a request, what finding its session loaded.
// Middleware puts an empty slot in the request context before scs loads the
// session; the store fills it.
type SessionSlot struct {
	User *User // nil for an anonymous session or a deleted user
	// Waiting are the navigation's counts, read in the same statement.
	Waiting WaitingCounts
}

type slotKey struct{}

// WithSessionSlot returns a context carrying an empty slot.
func WithSessionSlot(ctx context.Context) (context.Context, *SessionSlot) {
	s := &SessionSlot{}
	return context.WithValue(ctx, slotKey{}, s), s
}

// SessionMeta is the request's address and browser, recorded on commit.
type SessionMeta struct {
	IP        string
	UserAgent string
}

type metaKey struct{}

// WithSessionMeta records the address and browser for a commit.
func WithSessionMeta(ctx context.Context, m SessionMeta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// FindCtx returns the session's data; the user goes into the slot. The
// row is scanned field by field: this runs on every signed-in request.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	row := s.DB.WithContext(ctx).Raw(`
		WITH s AS (
			SELECT token, data, user_id, last_seen_at FROM sessions
			WHERE token = @token AND expiry > now() AND last_seen_at > now() - make_interval(secs => @idle)
		), touched AS (
			UPDATE sessions SET last_seen_at = now() FROM s
			WHERE sessions.token = s.token AND s.last_seen_at < now() - interval '1 minute'
		)
		SELECT s.data, `+requestUserColumns+`,
			CASE WHEN u.status = 'active' AND u.role IN ('admin', 'secretariat') THEN
				(SELECT count(*) FROM (SELECT 1 FROM needs WHERE status IN ('submitted', 'under_review')
					LIMIT `+strconv.Itoa(ReviewCountCap+1)+`) capped) END,
			CASE WHEN u.status = 'active' AND u.role IN ('admin', 'secretariat') THEN
				(SELECT count(*) FROM (SELECT 1 FROM progress_reports WHERE status = 'submitted'
					LIMIT `+strconv.Itoa(ReviewCountCap+1)+`) capped) END,
			CASE WHEN u.status = 'active' AND u.role = 'focal_point' THEN
				(SELECT count(*) FROM progress_reports WHERE member_state_id = u.member_state_id AND status = 'returned') END,
			CASE WHEN u.status = 'active' THEN
				(SELECT count(*) FROM notifications WHERE user_id = u.id AND read_at IS NULL) END,
			CASE WHEN u.status = 'active' AND u.role IN ('admin', 'secretariat') THEN
				(SELECT count(*) FROM (SELECT 1 FROM contributions WHERE NOT verified AND status <> 'cancelled'
					LIMIT `+strconv.Itoa(ReviewCountCap+1)+`) capped) END
		FROM s
		LEFT JOIN users u ON u.id = s.user_id
		`+requestUserJoins,
		sql.Named("token", token), sql.Named("idle", s.IdleTimeout.Seconds())).Row()
	var (
		data                                  []byte
		user                                  requestUserScan
		reviewNeeds, reviewProgress, returned sql.NullInt64
		unread, unverified                    sql.NullInt64
	)
	dest := append([]any{&data}, user.dest()...)
	err := row.Scan(append(dest, &reviewNeeds, &reviewProgress, &returned, &unread, &unverified)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	slot, ok := ctx.Value(slotKey{}).(*SessionSlot)
	if !ok {
		return data, true, nil
	}
	if !user.id.Valid {
		return data, true, nil
	}
	slot.User = user.user()
	slot.Waiting = WaitingCounts{
		ReviewNeeds: int(reviewNeeds.Int64), ReviewProgress: int(reviewProgress.Int64), Returned: int(returned.Int64),
		UnreadNotifications: int(unread.Int64), ReviewContributions: int(unverified.Int64),
	}
	return data, true, nil
}

// requestUserColumns are the columns of the user a request acts as, with
// their State's and organization's names, read in the same statement as
// what identifies the request (its session, or an API token): users u,
// member_states ms and donor_organizations d, joined by requestUserJoins.
// requestUserScan reads them, so both load the user alike.
const requestUserColumns = `u.id, u.issuer, u.subject, u.email, u.email_verified, u.name, u.status, u.role,
			u.member_state_id, u.donor_organization_id, u.version, u.last_sign_in_at,
			ms.iso3, ms.name, ms.name_fr, d.slug, d.name, d.name_fr`

// requestUserJoins joins the user's State and organization to users u.
const requestUserJoins = `LEFT JOIN member_states ms ON ms.id = u.member_state_id
		LEFT JOIN donor_organizations d ON d.id = u.donor_organization_id`

// requestUserScan receives requestUserColumns; every column may be NULL
// (a session without a user).
type requestUserScan struct {
	id                                   sql.NullInt64
	issuer, subject, email, name, status sql.NullString
	verified                             sql.NullBool
	role                                 *string
	stateID, donorID, version            sql.NullInt64
	lastSignIn                           sql.NullTime
	iso3, stateName, stateNameFr         sql.NullString
	donorSlug, donorName, donorNameFr    sql.NullString
}

// dest lists where Scan puts requestUserColumns, in their order.
func (s *requestUserScan) dest() []any {
	return []any{&s.id, &s.issuer, &s.subject, &s.email, &s.verified, &s.name, &s.status, &s.role,
		&s.stateID, &s.donorID, &s.version, &s.lastSignIn,
		&s.iso3, &s.stateName, &s.stateNameFr, &s.donorSlug, &s.donorName, &s.donorNameFr}
}

// user is the scanned user with its State and organization filled in.
func (s *requestUserScan) user() *User {
	u := &User{
		ID: s.id.Int64, Issuer: s.issuer.String, Subject: s.subject.String, Email: s.email.String,
		EmailVerified: s.verified.Bool, Name: s.name.String, Status: UserStatus(s.status.String), Version: int(s.version.Int64),
	}
	if s.role != nil {
		r := Role(*s.role)
		u.Role = &r
	}
	if s.lastSignIn.Valid {
		t := s.lastSignIn.Time
		u.LastSignInAt = &t
	}
	if s.stateID.Valid {
		sid := int(s.stateID.Int64)
		u.MemberStateID = &sid
		u.MemberState = &MemberState{ID: sid, ISO3: s.iso3.String, Name: s.stateName.String, NameFr: s.stateNameFr.String}
	}
	if s.donorID.Valid {
		did := int(s.donorID.Int64)
		u.DonorOrganizationID = &did
		u.DonorOrganization = &DonorOrganization{ID: did, Slug: s.donorSlug.String, Name: s.donorName.String, NameFr: s.donorNameFr.String}
	}
	return u
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// SessionUserKey is the session value holding the signed-in user's ID.
const SessionUserKey = "user_id"

// CommitCtx saves the session; the user ID is read from the session's own
// values so the row says whose it is.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	var userID *int64
	if _, values, err := (scs.GobCodec{}).Decode(b); err == nil {
		if id, ok := values[SessionUserKey].(int64); ok && id > 0 {
			userID = &id
		}
	}
	meta, _ := ctx.Value(metaKey{}).(SessionMeta)
	err := s.DB.WithContext(ctx).Exec(`
		INSERT INTO sessions (token, data, expiry, user_id, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, user_id = EXCLUDED.user_id,
			last_seen_at = now(), ip = EXCLUDED.ip, user_agent = EXCLUDED.user_agent`,
		token, b, expiry.UTC(), userID, meta.IP, truncate(meta.UserAgent, 300)).Error
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// truncate keeps at most n bytes of s without splitting a character, so
// what it returns is valid UTF-8, which PostgreSQL requires of text: bytes
// of s that are not UTF-8 (a header may carry any) become U+FFFD first, and
// a rune that would cross the limit is left out whole. The limit is in
// bytes: it bounds what each session row holds.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// DeleteCtx removes a session.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if err := s.DB.WithContext(ctx).Exec("DELETE FROM sessions WHERE token = ?", token).Error; err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Find, Commit and Delete satisfy scs.Store; scs calls the Ctx versions.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s *SessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpiredSessions removes sessions past their expiry or idle limit.
func DeleteExpiredSessions(ctx context.Context, db *gorm.DB, idle time.Duration) (int64, error) {
	res := db.WithContext(ctx).Exec("DELETE FROM sessions WHERE expiry < now() OR last_seen_at < now() - make_interval(secs => ?)", idle.Seconds())
	return res.RowsAffected, res.Error
}

// Session is one of a user's signed-in browsers, for the account page.
type Session struct {
	Token      string
	CreatedAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// ListUserSessions returns the user's live sessions, most recent first.
func ListUserSessions(ctx context.Context, db *gorm.DB, userID int64, idle time.Duration) ([]Session, error) {
	var out []Session
	err := db.WithContext(ctx).Raw(`SELECT token, created_at, last_seen_at, ip, user_agent FROM sessions
		WHERE user_id = ? AND expiry > now() AND last_seen_at > now() - make_interval(secs => ?)
		ORDER BY last_seen_at DESC LIMIT 50`, userID, idle.Seconds()).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// EndOtherSessions signs the user out everywhere but the current session.
func EndOtherSessions(ctx context.Context, db *gorm.DB, userID int64, keepToken string, ev AuditContext) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec("DELETE FROM sessions WHERE user_id = ? AND token <> ?", userID, keepToken)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		return recordChange(tx, ev, ActionOtherSessionsEnded, Target("user", userID), nil, map[string]any{"sessions": n})
	})
	if err != nil {
		return 0, fmt.Errorf("end other sessions: %w", err)
	}
	return n, nil
}

// SessionSlotFrom returns the request's slot, or nil.
func SessionSlotFrom(ctx context.Context) *SessionSlot {
	s, _ := ctx.Value(slotKey{}).(*SessionSlot)
	return s
}

// DeleteUserSessions ends every session of a user.
func DeleteUserSessions(ctx context.Context, db *gorm.DB, userID int64) error {
	if err := db.WithContext(ctx).Exec("DELETE FROM sessions WHERE user_id = ?", userID).Error; err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// CountUserSessions counts the user's live sessions, for the page that
// asks before ending them.
func CountUserSessions(ctx context.Context, db *gorm.DB, userID int64, idle time.Duration) (int, error) {
	var n int64
	err := db.WithContext(ctx).Raw(`SELECT count(*) FROM sessions
		WHERE user_id = ? AND expiry > now() AND last_seen_at > now() - make_interval(secs => ?)`, userID, idle.Seconds()).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count sessions of user %d: %w", userID, err)
	}
	return int(n), nil
}

// EndUserSessions signs a user out of every browser, as an administrator
// does for a lost laptop, and audits it; it returns how many ended.
func EndUserSessions(ctx context.Context, db *gorm.DB, userID int64, ev AuditContext) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec("DELETE FROM sessions WHERE user_id = ?", userID)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		return recordChange(tx, ev, ActionUserSessionsEnded, Target("user", userID), nil, map[string]any{"sessions": n})
	})
	if err != nil {
		return 0, fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	return n, nil
}
