package webtest

// Mailpit (github.com/axllent/mailpit) as a real SMTP server for tests: the
// portal sends through SMTP, and the tests read what arrived through
// Mailpit's REST API. Built once from tools/mailpit into a cache folder
// (make test passes its path as CTAP_MAILPIT_BIN).

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ctap/web"
)

// Mailpit is a running Mailpit process.
type Mailpit struct {
	SMTPURL string // smtp://127.0.0.1:PORT, for CTAP_SMTP_URL
	APIURL  string // http://127.0.0.1:PORT, its REST API
}

// MailpitMessage is one caught message as Mailpit's API gives it.
type MailpitMessage struct {
	ID      string `json:"ID"`
	Subject string `json:"Subject"`
	To      []struct {
		Address string `json:"Address"`
	} `json:"To"`
	Text string `json:"Text"`
	HTML string `json:"HTML"`
}

// Recipients are the message's To addresses.
func (m MailpitMessage) Recipients() []string {
	out := make([]string, len(m.To))
	for i, a := range m.To {
		out[i] = a.Address
	}
	return out
}

// StartMailpit runs Mailpit on free ports until the test ends.
func StartMailpit(t testing.TB) *Mailpit {
	t.Helper()
	return StartMailpitAt(t, FreeAddr(t))
}

// StartMailpitAt runs Mailpit with its SMTP server on smtpAddr (a test of
// a mail server that comes back after an outage knows the address first).
func StartMailpitAt(t testing.TB, smtpAddr string) *Mailpit {
	t.Helper()
	bin := os.Getenv("CTAP_MAILPIT_BIN")
	if bin == "" {
		t.Fatal("CTAP_MAILPIT_BIN is not set: run the tests with `make test`, which builds Mailpit (tools/mailpit/build.sh) and sets it")
	}
	httpAddr := FreeAddr(t)
	cmd := exec.Command(bin, "--disable-version-check", "--quiet",
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--listen", httpAddr, "--smtp", smtpAddr,
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	cmd.Stdout, cmd.Stderr = testWriter{t}, testWriter{t}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Mailpit: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
	})
	m := &Mailpit{SMTPURL: "smtp://" + smtpAddr, APIURL: "http://" + httpAddr}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(m.APIURL + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("Mailpit did not answer on %s within 15 s: %v", httpAddr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return m
}

// FreeAddr is a local address nothing listens on yet.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// WithMail sends the server's email to Mailpit and works the job queue.
func (m *Mailpit) WithMail() Option { return WithSMTP(m.SMTPURL) }

// WithSMTP sends the server's email to an SMTP URL and works the job queue.
func WithSMTP(smtpURL string) Option {
	return func(c *web.Config) {
		c.SMTPURL, c.MailFrom, c.Jobs = smtpURL, "ctap@example.org", true
	}
}

// Messages lists every message caught so far, each in full, oldest first.
func (m *Mailpit) Messages(t testing.TB) []MailpitMessage {
	t.Helper()
	var list struct {
		Messages []struct {
			ID string `json:"ID"`
		} `json:"messages"`
	}
	m.get(t, "/api/v1/messages?limit=500", &list)
	out := make([]MailpitMessage, 0, len(list.Messages))
	for i := len(list.Messages) - 1; i >= 0; i-- {
		var msg MailpitMessage
		m.get(t, "/api/v1/message/"+url.PathEscape(list.Messages[i].ID), &msg)
		out = append(out, msg)
	}
	return out
}

// WaitFor waits until a message to address whose subject contains
// subject has arrived, and returns it.
func (m *Mailpit) WaitFor(t testing.TB, to, subject string, timeout time.Duration) MailpitMessage {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, msg := range m.Messages(t) {
			if strings.Contains(msg.Subject, subject) && contains(msg.Recipients(), to) {
				return msg
			}
		}
		if time.Now().After(deadline) {
			var seen []string
			for _, msg := range m.Messages(t) {
				seen = append(seen, fmt.Sprintf("%v %q", msg.Recipients(), msg.Subject))
			}
			t.Fatalf("no email to %s with %q in its subject within %s; caught: %v", to, subject, timeout, seen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// To lists the messages caught for one address.
func (m *Mailpit) To(t testing.TB, address string) []MailpitMessage {
	t.Helper()
	var out []MailpitMessage
	for _, msg := range m.Messages(t) {
		if contains(msg.Recipients(), address) {
			out = append(out, msg)
		}
	}
	return out
}

func (m *Mailpit) get(t testing.TB, path string, into any) {
	t.Helper()
	resp, err := http.Get(m.APIURL + path)
	if err != nil {
		t.Fatalf("Mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Mailpit %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("Mailpit %s: %v", path, err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
