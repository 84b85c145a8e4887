package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ctap/models"
	"ctap/models/dbtest"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestHelpListsTheCommandsAndTheVariables(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, envOf(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"migrate", "migrate status", "seed --demo", "serve", "dev", "import-resolution FILE", "DATABASE_URL", "CTAP_BASE_URL", "CTAP_ADDR"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

func TestAMissingOrMalformedVariableStopsWithASentenceNamingIt(t *testing.T) {
	db := dbtest.URL(t)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"migrate"}, map[string]string{}, "DATABASE_URL is not set"},
		{[]string{"migrate"}, map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL is malformed"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db}, "CTAP_BASE_URL is not set"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "ctap.example.org"}, "CTAP_BASE_URL is malformed"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org", "CTAP_DB_MAX_OPEN_CONNS": "lots"}, "CTAP_DB_MAX_OPEN_CONNS is malformed"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org", "CTAP_AUTO_MIGRATE": "perhaps"}, "CTAP_AUTO_MIGRATE is malformed"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org"}, "OIDC_ISSUER is not set"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org", "OIDC_ISSUER": "https://idp.example"}, "OIDC_CLIENT_ID is not set"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org", "OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "c"}, "OIDC_CLIENT_SECRET is not set"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org", "OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s", "OIDC_GROUP_ROLES": "admins"}, "OIDC_GROUP_ROLES is malformed"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org", "OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s", "CTAP_SESSION_IDLE_TIMEOUT": "soon"}, "CTAP_SESSION_IDLE_TIMEOUT is malformed"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org", "CTAP_CONTACT_EMAIL": "Admins <admins@example.org>"}, "CTAP_CONTACT_EMAIL is malformed"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org", "CTAP_PPROF_ADDR": "0.0.0.0:6060"}, "CTAP_PPROF_ADDR must be a loopback address"},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": db, "CTAP_BASE_URL": "https://ctap.example.org", "CTAP_METRICS_TOKEN": "short"}, "CTAP_METRICS_TOKEN is too short"},
		{[]string{"frobnicate"}, map[string]string{}, `unknown command "frobnicate"`},
	} {
		var out bytes.Buffer
		err := run(context.Background(), tc.args, envOf(tc.env), &out, &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v with %v: error %v, want %q", tc.args, tc.env, err, tc.want)
		}
	}
}

func TestServeRefusesASchemaThatIsBehind(t *testing.T) {
	url := emptyDatabaseURL(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve"}, envOf(map[string]string{
		"DATABASE_URL": url, "CTAP_BASE_URL": "http://127.0.0.1:1", "CTAP_ADDR": "127.0.0.1:0",
		"OIDC_ISSUER": "https://login.example.org", "OIDC_CLIENT_ID": "ctap", "OIDC_CLIENT_SECRET": "s",
	}), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "run `ctap migrate`") {
		t.Fatalf("serve on an empty database: %v", err)
	}
}

func TestMigrateThenStatus(t *testing.T) {
	url := emptyDatabaseURL(t)
	env := envOf(map[string]string{"DATABASE_URL": url})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "applied 1 00001_reference_schema.sql") {
		t.Errorf("migrate printed %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "database schema is current") {
		t.Errorf("second migrate printed %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "status"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "pending") || !strings.Contains(out.String(), "applied") {
		t.Errorf("status printed %q", out.String())
	}
}

func TestImportResolutionRefusesAMalformedFileNamingTheLineAndImportsNothing(t *testing.T) {
	url := dbtest.URL(t)
	env := envOf(map[string]string{"DATABASE_URL": url})
	official, err := os.ReadFile("../../migrations/resolutions/A-RES-70-177.txt")
	if err != nil {
		t.Fatal(err)
	}
	later := strings.NewReplacer("70/177.", "72/194.", "A/RES/70/177", "A/RES/72/194", "17 December 2015", "19 December 2017").Replace(string(official))
	broken := strings.Replace(later, "\t3.\tStresses", "\t4.\tStresses", 1)

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	good := filepath.Join(dir, "good.txt")
	if err := os.WriteFile(bad, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte(later), 0o600); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	err = run(context.Background(), []string{"import-resolution", bad}, env, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "line 27") {
		t.Fatalf("malformed file: error %v, want one naming line 27", err)
	}
	err = run(context.Background(), []string{"import-resolution", good}, env, &out, &out)
	if err != nil {
		t.Fatalf("well-formed later resolution: %v", err)
	}
	if !strings.Contains(out.String(), "imported A/RES/72/194 (17 preambular and 17 operative paragraphs, 4 footnotes)") {
		t.Errorf("import printed %q", out.String())
	}
	err = run(context.Background(), []string{"import-resolution", good}, env, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "already imported") {
		t.Errorf("second import: %v", err)
	}
}

func TestGrantAdminRecoversAnAdministrator(t *testing.T) {
	url := dbtest.URL(t)
	env := envOf(map[string]string{"DATABASE_URL": url})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"users", "grant-admin", "Someone@Example.org"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "invitation") {
		t.Errorf("with no account yet: %q", out.String())
	}
	db, err := models.Open(context.Background(), url, models.PoolConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s, _ := db.DB(); s.Close() }()
	if err := db.Exec(`INSERT INTO users (issuer, subject, email, status) VALUES ('https://idp.example', 'x', 'other@example.org', 'pending')`).Error; err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"users", "grant-admin", "other@example.org"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	var u models.User
	db.Where("email = ?", "other@example.org").Take(&u)
	if !u.HasRole(models.RoleAdmin) {
		t.Fatalf("after grant-admin: %s %s", u.Status, u.RoleName())
	}
	var audited int64
	db.Model(&models.AuditEvent{}).Where("action = 'user.granted_admin' AND actor_email = 'ctap users grant-admin'").Count(&audited)
	if audited != 1 {
		t.Errorf("%d audit events for grant-admin", audited)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServeLogsJSONAndShutsDownGracefully(t *testing.T) {
	url := dbtest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, envOf(map[string]string{
			"DATABASE_URL": url, "CTAP_ADDR": "127.0.0.1:0", "CTAP_BASE_URL": "http://127.0.0.1:1",
			"OIDC_ISSUER": "http://127.0.0.1:1/unreachable", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s",
		}), &logs, &logs)
	}()

	// The server says where it listens, in JSON.
	addr := ""
	for deadline := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, line := range strings.Split(logs.String(), "\n") {
			var entry map[string]any
			if json.Unmarshal([]byte(line), &entry) == nil && entry["msg"] == "serving" {
				addr, _ = entry["addr"].(string)
			}
		}
	}
	if addr == "" {
		t.Fatalf("serve did not log where it listens:\n%s", logs.String())
	}
	resp, err := http.Get("http://" + addr + "/states")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/states: %d", resp.StatusCode)
	}

	cancel() // what SIGTERM does through signal.NotifyContext
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve ended with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	var sawRequest bool
	for _, line := range strings.Split(logs.String(), "\n") {
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) == nil && entry["msg"] == "request" && entry["uri"] == "/states" {
			sawRequest = entry["status"] == float64(200) && entry["request_id"] != ""
		}
	}
	if !sawRequest {
		t.Errorf("no JSON access-log line for GET /states:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"msg":"shutting down"`) {
		t.Error("no shutdown log line")
	}
}

// The README's walkthrough is what `make run` prints: one line per demo
// account, the same words.
func TestTheREADMEWalkthroughIsWhatMakeRunPrints(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(readme), "`", "")
	for _, a := range models.DemoAccounts() {
		if !strings.Contains(text, "| "+a.Email+" | "+a.Try+" |") {
			t.Errorf("the README's walkthrough lacks the line of %s: %q", a.Email, a.Try)
		}
	}
}
