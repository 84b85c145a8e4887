package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ctap/models"
	"ctap/web/webtest"
)

// benchmarkPage measures one page as a client, in process over loopback.
func benchmarkPage(b *testing.B, path string, as string) {
	srv := webtest.NewServer(b)
	if _, err := models.SeedScale(context.Background(), srv.DB, 2); err != nil {
		b.Fatal(err)
	}
	c := srv.Client()
	if as != "" {
		role := models.RoleAdmin
		srv.Invite(b, as, role, "")
		c.SignIn(b, as)
	}
	u, _ := url.Parse(srv.URL)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	if as != "" && strings.HasPrefix(path, "/api/") {
		// The API reads a token, never the session.
		req.Header.Set("Authorization", "Bearer "+tokenFor(b, srv, as, time.Now(), 30))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Do(req.Clone(context.Background()))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

func BenchmarkStatesPage(b *testing.B)     { benchmarkPage(b, "/states", "") }
func BenchmarkStatePage(b *testing.B)      { benchmarkPage(b, "/states/KEN", "") }
func BenchmarkAdminUsersPage(b *testing.B) { benchmarkPage(b, "/admin/users", "admin@example.org") }
func BenchmarkResolutionPage(b *testing.B) { benchmarkPage(b, "/paragraphs", "") }

func BenchmarkSignedInStatePage(b *testing.B) { benchmarkPage(b, "/states/KEN", "admin@example.org") }

func BenchmarkHomePage(b *testing.B) { benchmarkPage(b, "/", "") }

func BenchmarkAPINeedsWithAToken(b *testing.B) {
	benchmarkPage(b, "/api/v1/needs", "admin@example.org")
}

func BenchmarkSearchPage(b *testing.B) { benchmarkPage(b, "/search?q=Kenya", "") }

func BenchmarkSignedInSearchPage(b *testing.B) {
	benchmarkPage(b, "/search?q=Kenya", "admin@example.org")
}
