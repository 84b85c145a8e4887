package webtest

// Dex (github.com/dexidp/dex) as a real OpenID Connect provider for
// interoperability tests. Dex runs as a separate process, built once from
// tools/dex (see tools/dex/build.sh) into a cache folder.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

const (
	// DexVersion is the Dex release that tools/dex pins.
	DexVersion = "v2.45.1"

	// DexLoginField and DexPasswordField are the names of the two fields of
	// Dex's password sign-in form (web/templates/password.html): the user's
	// email (or username, see below) and the password.
	DexLoginField    = "login"
	DexPasswordField = "password"

	// DexConnectorID is the id of Dex's built-in password connector, the
	// only connector that StartDex configures.
	DexConnectorID = "local"

	dexStartTimeout = 30 * time.Second
)

// DexUser is a user of Dex's static password database.
type DexUser struct {
	Email    string // what the user types into the sign-in form's "login" field
	Password string // clear text; StartDex stores a bcrypt hash of it
	Username string // the "name" claim; defaults to the part of Email before '@'
	UserID   string // the "sub" claim is derived from it; defaults to a value derived from Email
}

// DexOptions configures StartDex. Every field has a default.
type DexOptions struct {
	ClientID     string   // default "ctap-test"
	ClientSecret string   // default "ctap-test-secret"
	RedirectURIs []string // the client's allowed redirect URIs (exact match)
	Users        []DexUser
}

// Dex is a running Dex process started by StartDex.
type Dex struct {
	// Issuer is the OpenID Connect issuer, http://127.0.0.1:PORT/dex;
	// discovery is at Issuer + "/.well-known/openid-configuration".
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURIs []string
	// Users are the static users with defaults filled in.
	Users []DexUser

	Addr       string // host:port Dex listens on
	ConfigPath string // the config file written for this instance
	LogPath    string // Dex's stdout and stderr

	cmd *exec.Cmd
}

// DefaultDexUser is the user StartDex creates when DexOptions.Users is empty.
var DefaultDexUser = DexUser{
	Email:    "alice@example.org",
	Password: "alice-password",
	Username: "alice",
}

var dexBinary struct {
	sync.Mutex
	path string
}

// DexBinary returns the path of the cached Dex binary, building it via
// tools/dex/build.sh when missing (the path from CTAP_DEX_BIN when set).
//
// The cache is ${CTAP_CACHE_DIR:-$HOME/.cache/ctap}/dex-v2.45.1; a cold build
// takes about 2 minutes and happens once per machine.
func DexBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CTAP_DEX_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CTAP_DEX_BIN: %v", err)
		}
		return p
	}

	dexBinary.Lock()
	defer dexBinary.Unlock()
	if dexBinary.path != "" {
		return dexBinary.path
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("locating tools/dex/build.sh: %v", err)
	}
	script := filepath.Join(root, "tools", "dex", "build.sh")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("bash", script)
	cmd.Dir = filepath.Dir(script)
	cmd.Stdout = &stdout
	// Live on the test's stderr too: a cold build takes minutes.
	cmd.Stderr = io.MultiWriter(&stderr, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	p := strings.TrimSpace(stdout.String())
	if i := strings.LastIndexByte(p, '\n'); i >= 0 {
		p = p[i+1:]
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s printed %q: %v", script, p, err)
	}
	dexBinary.path = p
	return p
}

// repoRoot walks up from the working directory to the go.mod of module ctap.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isCtapModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod with `module ctap` above the working directory")
		}
		dir = parent
	}
}

func isCtapModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], "\"`") == "ctap"
		}
	}
	return false
}

// StartDex writes a config into t.TempDir(), starts Dex on a free 127.0.0.1
// port as a child process (killed in t.Cleanup), waits until
// {issuer}/.well-known/openid-configuration answers 200 (poll, up to 30 s),
// and returns it. Dex's stdout/stderr go to a log file in the temp dir,
// printed with t.Log when the test fails.
//
// Dex is configured with in-memory storage, one static confidential client
// (opts.ClientID/ClientSecret/RedirectURIs), the static password database
// (connector id "local") holding opts.Users, and oauth2.skipApprovalScreen,
// so an authorization code flow needs no clicks besides the sign-in form.
// The resource owner password grant is enabled too (passwordConnector
// "local").
//
// How the sign-in goes, over plain HTTP (Dex itself sets no cookies):
//
//	GET  {issuer}/auth?client_id=...&redirect_uri=...&state=...   (the client's auth URL)
//	302  {issuer}/auth/local?client_id=...                          (only one connector: no selection page)
//	302  {issuer}/auth/local/login?back=&state=REQ                  (REQ is Dex's auth request id)
//	200  the sign-in page: <form method="post" action="/dex/auth/local/login?back=&amp;state=REQ">
//	     with fields "login" (the user's email) and "password" (DexLoginField, DexPasswordField)
//	POST the form to its action URL
//	303  {redirect_uri}?code=...&state=...
//
// A wrong email or password answers 200 with the form again, holding an
// element with id "login-error". Dex.Login does all of this for a client.
func StartDex(t testing.TB, opts DexOptions) *Dex {
	t.Helper()
	bin := DexBinary(t)
	dir := t.TempDir()

	d := &Dex{
		ClientID:     opts.ClientID,
		ClientSecret: opts.ClientSecret,
		RedirectURIs: append([]string(nil), opts.RedirectURIs...),
		ConfigPath:   filepath.Join(dir, "dex-config.json"),
		LogPath:      filepath.Join(dir, "dex.log"),
	}
	if d.ClientID == "" {
		d.ClientID = "ctap-test"
	}
	if d.ClientSecret == "" {
		d.ClientSecret = "ctap-test-secret"
	}
	d.Users = append([]DexUser(nil), opts.Users...)
	if len(d.Users) == 0 {
		d.Users = []DexUser{DefaultDexUser}
	}
	passwords := make([]map[string]any, len(d.Users))
	for i := range d.Users {
		u := &d.Users[i]
		if u.Email == "" {
			t.Fatalf("StartDex: user %d has no Email", i)
		}
		if u.Username == "" {
			u.Username, _, _ = strings.Cut(u.Email, "@")
		}
		if u.UserID == "" {
			sum := sha256.Sum256([]byte(strings.ToLower(u.Email)))
			u.UserID = hex.EncodeToString(sum[:16])
		}
		// Dex refuses, at sign-in, hashes cheaper than bcrypt.DefaultCost.
		hash, err := bcrypt.GenerateFromPassword([]byte(u.Password), bcrypt.DefaultCost)
		if err != nil {
			t.Fatalf("StartDex: bcrypt: %v", err)
		}
		passwords[i] = map[string]any{
			"email":             u.Email,
			"hash":              string(hash),
			"username":          u.Username,
			"preferredUsername": u.Username,
			"userID":            u.UserID,
			"emailVerified":     true,
		}
	}

	logf, err := os.Create(d.LogPath)
	if err != nil {
		t.Fatalf("StartDex: %v", err)
	}
	t.Cleanup(func() {
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(d.LogPath)
			t.Logf("Dex log (%s):\n%s", d.LogPath, b)
		}
	})

	// The free port is found by listening on :0 and closing, so another
	// process may take it before Dex binds it: retry on "address in use".
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("StartDex: %v", err)
		}
		d.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		d.Issuer = "http://" + d.Addr + "/dex"
		cfg := map[string]any{
			"issuer":  d.Issuer,
			"storage": map[string]any{"type": "memory"},
			"web":     map[string]any{"http": d.Addr},
			"logger":  map[string]any{"level": "debug", "format": "text"},
			"oauth2": map[string]any{
				"skipApprovalScreen": true,
				"passwordConnector":  DexConnectorID,
			},
			"staticClients": []map[string]any{{
				"id":           d.ClientID,
				"secret":       d.ClientSecret,
				"name":         "ctap test client",
				"redirectURIs": d.RedirectURIs,
			}},
			"enablePasswordDB": true,
			"staticPasswords":  passwords,
		}
		// JSON is YAML, which is what Dex reads.
		b, err := json.MarshalIndent(cfg, "", "  ")
		if err != nil {
			t.Fatalf("StartDex: %v", err)
		}
		if err := os.WriteFile(d.ConfigPath, b, 0o600); err != nil {
			t.Fatalf("StartDex: %v", err)
		}

		fmt.Fprintf(logf, "=== %s serve %s (attempt %d)\n", bin, d.ConfigPath, attempt)
		cmd := exec.Command(bin, "serve", d.ConfigPath)
		cmd.Dir = dir
		cmd.Stdout = logf
		cmd.Stderr = logf
		// Nothing in the config needs $VAR expansion.
		cmd.Env = append(os.Environ(), "DEX_EXPAND_ENV=false")
		cmd.SysProcAttr = dieWithParent()
		logStart, _ := logf.Seek(0, io.SeekCurrent)
		if err := cmd.Start(); err != nil {
			t.Fatalf("StartDex: %v", err)
		}
		p := &dexProcess{cmd: cmd, done: make(chan struct{})}
		go func() { p.err = cmd.Wait(); close(p.done) }()

		err = waitDiscovery(d.Issuer, p, dexStartTimeout)
		if err == nil {
			d.cmd = cmd
			t.Cleanup(p.stop)
			return d
		}
		p.stop()
		logText, _ := os.ReadFile(d.LogPath)
		if attempt < 3 && int64(len(logText)) >= logStart &&
			strings.Contains(string(logText[logStart:]), "address already in use") {
			continue
		}
		t.Fatalf("StartDex: %v\nDex log (%s):\n%s", err, d.LogPath, logText)
	}
}

type dexProcess struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd.Wait returned
	err  error         // cmd.Wait's result, once done is closed
}

// stop asks Dex to stop, kills it after 5 s, and waits for it.
func (p *dexProcess) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		p.cmd.Process.Kill()
	}
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitDiscovery polls the discovery document until it answers 200, the
// process exits, or the timeout passes.
func waitDiscovery(issuer string, p *dexProcess, timeout time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	u := issuer + "/.well-known/openid-configuration"
	deadline := time.Now().Add(timeout)
	var last error
	for {
		resp, err := client.Get(u)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET %s: %s", u, resp.Status)
		}
		last = err
		select {
		case <-p.done:
			return fmt.Errorf("dex exited before it was ready: %v", p.err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dex not ready after %s: %v", timeout, last)
		}
	}
}

// dieWithParent makes the kernel kill Dex when the test process dies without
// running its cleanups (a test timeout, a crash), where the platform can
// (Linux's Pdeathsig; the field does not exist elsewhere, hence reflect).
func dieWithParent() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{}
	if f := reflect.ValueOf(attr).Elem().FieldByName("Pdeathsig"); f.IsValid() && f.CanSet() {
		f.Set(reflect.ValueOf(syscall.SIGKILL))
	}
	return attr
}

var dexFormAction = regexp.MustCompile(`(?is)<form[^>]*\baction="([^"]*)"`)

// Login signs in on Dex's password form as a person would: client GETs
// startURL (the relying party's login URL, or an authorization URL of Dex),
// which must lead through redirects to Dex's sign-in page; then it posts
// login (the user's email) and password to the form, and client follows the
// redirects back to the relying party. Login returns that last response,
// whose body the caller must close. client needs a cookie jar when the
// relying party keeps its login state in cookies; Dex needs none.
//
// A wrong email or password is an error, as is any page other than the
// sign-in form.
func (d *Dex) Login(client *http.Client, startURL, login, password string) (*http.Response, error) {
	resp, err := client.Get(startURL)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	page := resp.Request.URL
	if resp.StatusCode != http.StatusOK || !d.isLoginPage(page) {
		return nil, fmt.Errorf("dex login: GET %s ended at %s (%s), not at Dex's sign-in page:\n%s",
			startURL, page, resp.Status, truncate(body))
	}
	m := dexFormAction.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("dex login: no form on %s:\n%s", page, truncate(body))
	}
	action, err := page.Parse(html.UnescapeString(string(m[1])))
	if err != nil {
		return nil, fmt.Errorf("dex login: form action: %v", err)
	}
	resp, err = client.PostForm(action.String(), url.Values{
		DexLoginField:    {login},
		DexPasswordField: {password},
	})
	if err != nil {
		return nil, err
	}
	if d.isLoginPage(resp.Request.URL) {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(body, []byte(`id="login-error"`)) {
			return nil, fmt.Errorf("dex login: Dex rejected login %q and its password", login)
		}
		return nil, fmt.Errorf("dex login: POST %s: %s:\n%s", action, resp.Status, truncate(body))
	}
	return resp, nil
}

func (d *Dex) isLoginPage(u *url.URL) bool {
	iss, err := url.Parse(d.Issuer)
	if err != nil {
		return false
	}
	return u.Host == iss.Host && u.Path == iss.Path+"/auth/"+DexConnectorID+"/login"
}

func truncate(b []byte) string {
	const max = 2000
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}
