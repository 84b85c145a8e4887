// Package mailer sends the portal's email through SMTP, with
// github.com/wneessen/go-mail. It knows nothing of what the messages say.
package mailer

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Message is one email, in plain text and HTML.
type Message struct {
	To       string
	ToName   string
	Subject  string
	Text     string
	HTML     string
	Language string // the message's language, for Content-Language
}

// Sender sends messages through one SMTP server.
type Sender struct {
	host     string
	opts     []mail.Option
	from     string
	fromName string
}

// New reads the server from an smtp:// or smtps:// URL (credentials in
// its user part; smtp uses STARTTLS when the server offers it, smtps
// implicit TLS) and the From address.
func New(rawURL, from, fromName string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("CTAP_SMTP_URL: %w", err)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("CTAP_SMTP_URL %q: no host", rawURL)
	}
	if from == "" {
		return nil, fmt.Errorf("CTAP_MAIL_FROM is required with CTAP_SMTP_URL")
	}
	opts := []mail.Option{mail.WithTimeout(15 * time.Second)}
	port := 0
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("CTAP_SMTP_URL %q: port: %w", rawURL, err)
		}
	}
	switch u.Scheme {
	case "smtp":
		if port == 0 {
			port = 587
		}
		opts = append(opts, mail.WithPort(port), mail.WithTLSPortPolicy(mail.TLSOpportunistic))
	case "smtps":
		if port == 0 {
			port = 465
		}
		opts = append(opts, mail.WithSSL(), mail.WithPort(port))
	default:
		return nil, fmt.Errorf("CTAP_SMTP_URL %q: the scheme must be smtp or smtps", rawURL)
	}
	if user := u.User.Username(); user != "" {
		pw, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(user), mail.WithPassword(pw))
	}
	return &Sender{host: u.Hostname(), opts: opts, from: from, fromName: fromName}, nil
}

// Send delivers one message. A new connection per message: the portal
// sends a few emails a minute, and a dropped connection never outlives a
// job's retry.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg := mail.NewMsg()
	if err := msg.FromFormat(s.fromName, s.from); err != nil {
		return fmt.Errorf("mail from %s: %w", s.from, err)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return fmt.Errorf("mail to %s: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	if m.Language != "" {
		msg.SetGenHeader(mail.HeaderContentLang, m.Language)
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	client, err := mail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("mail client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail to %s: %w", m.To, err)
	}
	return nil
}
