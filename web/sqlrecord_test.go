package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ctap/models"
	"ctap/web"
	"ctap/web/webtest"
)

// The bench asks the server for a page's statements (X-Bench-Record-SQL)
// and replays them against PostgreSQL alone.
func TestABenchServerWritesTheStatementsOfARequestThatAsksForThem(t *testing.T) {
	dir := t.TempDir()
	srv := webtest.NewServer(t, func(c *web.Config) { c.BenchSQLDir = dir })
	srv.Invite(t, "admin@example.org", models.RoleAdmin, "")
	c := srv.Client()
	c.SignIn(t, "admin@example.org")

	c.SetHeader(web.BenchRecordSQLHeader, "users-50-rows-admin")
	resp := c.Get(t, "/admin/users")
	if resp.StatusCode != 200 {
		t.Fatalf("/admin/users: %d", resp.StatusCode)
	}
	b, err := os.ReadFile(filepath.Join(dir, "users-50-rows-admin.sql"))
	if err != nil {
		t.Fatalf("the statements were not written: %v", err)
	}
	statements := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n-- next\n")
	if want := srv.Statements(t, resp); want == 0 || len(statements) != want {
		t.Fatalf("wrote %d statements, the request issued %d:\n%s", len(statements), want, b)
	}
	for _, s := range statements {
		if strings.TrimSpace(s) == "" || strings.Contains(s, "$1") {
			t.Errorf("not a statement that runs alone: %q", s)
			continue
		}
		rows, err := srv.DB.WithContext(context.Background()).Raw(s).Rows()
		if err != nil {
			t.Errorf("replay %q: %v", s, err)
			continue
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			t.Errorf("replay %q: %v", s, err)
		}
		rows.Close()
	}

	// A name that could leave the directory, and a request that does not
	// ask, write nothing. Both still find the session the replay wrote
	// back (it commits the session's data, which is bytes).
	for _, name := range []string{"../escape", ""} {
		c.SetHeader(web.BenchRecordSQLHeader, name)
		if resp := c.Get(t, "/admin/users"); resp.StatusCode != 200 {
			t.Errorf("after the replay, /admin/users (header %q): %d", name, resp.StatusCode)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the directory holds %q, want only users-50-rows-admin.sql", names)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape.sql")); err == nil {
		t.Error("a name with .. wrote outside the directory")
	}
}

func TestAServerWithoutTheBenchSettingRecordsNothing(t *testing.T) {
	srv := webtest.NewServer(t)
	if srv.Config.BenchSQLDir != "" {
		t.Fatalf("CTAP_BENCH_SQL_DIR defaults to %q, want unset", srv.Config.BenchSQLDir)
	}
	c := srv.Client()
	c.SetHeader(web.BenchRecordSQLHeader, "home-unset")
	if resp := c.Get(t, "/"); resp.StatusCode != 200 {
		t.Fatalf("/: %d", resp.StatusCode)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{wd, os.TempDir()} {
		if _, err := os.Stat(filepath.Join(d, "home-unset.sql")); err == nil {
			t.Errorf("home-unset.sql was written in %s", d)
		}
	}
}
