package models_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/scs/v2"

	"ctap/models"
	"ctap/models/dbtest"
)

// A browser's User-Agent is stored with the session, cut to 300 bytes. A
// long non-ASCII one (or one with bytes that are not UTF-8 at all) must not
// stop the session from being saved: PostgreSQL refuses text that is not
// valid UTF-8, and a refused commit is a sign-in that fails.
func TestASessionCommitsWithALongNonASCIIUserAgent(t *testing.T) {
	db := dbtest.New(t)
	store := &models.SessionStore{DB: db, IdleTimeout: time.Hour}
	expiry := time.Now().Add(time.Hour)
	data, err := (scs.GobCodec{}).Encode(expiry, map[string]any{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, userAgent string
		keepsPrefix     bool // the stored value is the start of the header as sent
	}{
		// The 300th byte falls inside a two-, three- or four-byte rune.
		{"400 × é", "Mozilla/5.0 (" + strings.Repeat("é", 400), true},
		{"three-byte runes", "Mozilla/5.0 (" + strings.Repeat("浏览器", 200), true},
		{"four-byte runes across the cut", "M" + strings.Repeat("🦊", 100), true},
		{"bytes that are not UTF-8", "Mozilla/5.0 (\xff\xfe) " + strings.Repeat("a", 400), false},
		{"short and plain", "Mozilla/5.0 (X11; Linux x86_64)", true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			token := "tok-" + string(rune('a'+i))
			ctx := models.WithSessionMeta(context.Background(), models.SessionMeta{IP: "203.0.113.7", UserAgent: c.userAgent})
			if err := store.CommitCtx(ctx, token, data, expiry); err != nil {
				t.Fatalf("commit with a %d-byte user agent: %v", len(c.userAgent), err)
			}
			var stored string
			if err := db.Raw("SELECT user_agent FROM sessions WHERE token = ?", token).Scan(&stored).Error; err != nil {
				t.Fatal(err)
			}
			if !utf8.ValidString(stored) {
				t.Errorf("stored user agent is not valid UTF-8: %q", stored)
			}
			if len(stored) > 300 {
				t.Errorf("stored user agent has %d bytes, want at most 300", len(stored))
			}
			if len(c.userAgent) > 300 && len(stored) < 297 {
				t.Errorf("stored user agent cut to %d bytes, want as much of 300 as whole characters allow", len(stored))
			}
			if c.keepsPrefix && !strings.HasPrefix(c.userAgent, stored) {
				t.Errorf("stored user agent %q is not the start of the one sent", stored)
			}
			if _, found, err := store.FindCtx(context.Background(), token); err != nil || !found {
				t.Errorf("the session was not found again: found=%v err=%v", found, err)
			}
		})
	}
}
