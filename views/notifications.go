package views

import (
	"context"
	"strings"
	"time"

	"ctap/models"
	"ctap/web/reqctx"
)

// StateNames names Member States by ISO3 code, in any language; handlers
// and the mail worker fill it from the reference cache (StateNamesOf).
type StateNames map[string]models.MemberState

// StateNamesOf indexes the Member States by code.
func StateNamesOf(states []models.MemberState) StateNames {
	out := make(StateNames, len(states))
	for _, s := range states {
		out[s.ISO3] = s
	}
	return out
}

func (s StateNames) name(ctx context.Context, iso3 string) string {
	if ms, ok := s[iso3]; ok {
		return ms.LocalName(lang(ctx))
	}
	return iso3
}

// NotificationMessage is one notification as a sentence in the reader's
// language (notify.<kind>), with the State named in that language.
func NotificationMessage(ctx context.Context, n models.Notification, states StateNames) string {
	data := map[string]any{}
	for k, v := range n.Params {
		data[k] = v
	}
	if iso3 := n.Params["State"]; iso3 != "" {
		data["State"] = states.name(ctx, iso3)
	}
	if fr := n.Params["PeriodFr"]; fr != "" && lang(ctx) == "fr" {
		data["Period"] = fr
	}
	if due := n.Params["Due"]; due != "" {
		if d, err := parseDate(due); err == nil {
			data["Due"] = formatDate(ctx, d)
		}
	}
	id := "notify." + string(n.Kind)
	if n.Kind == models.NotifyPeriodReminder && strings.HasPrefix(n.Params["Stage"], "overdue-") {
		id += "_overdue"
	}
	return loc(ctx).Data(id, data)
}

// NotificationKindLabel names a kind of event, as /account offers it.
func NotificationKindLabel(ctx context.Context, k models.NotificationKind) string {
	return t(ctx, "notify.kind."+string(k))
}

func deliveryOptions(ctx context.Context) []Option {
	opts := make([]Option, 0, 3)
	for _, d := range models.Deliveries() {
		opts = append(opts, Option{Value: string(d), Label: t(ctx, "notify.delivery."+string(d))})
	}
	return opts
}

// NotificationsData is /notifications.
type NotificationsData struct {
	Page   models.Page[models.Notification]
	States StateNames
	Nav    PageNav
	// UpTo is the newest notification shown: "mark all as read" marks up
	// to it, so one arriving meanwhile stays unread.
	UpTo int64
}

func parseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// NotificationSettingsForm is the /account form of a person's choices.
type NotificationSettingsForm struct {
	Kinds    []models.NotificationKind
	Choices  models.DeliveryChoices
	Language string
	Version  int
	Errors   []FieldError
	// Stale: the account changed since the form was shown; saving again
	// applies these choices over it.
	Stale bool
}

// EmailData is one email's content, rendered as HTML (EmailHTML) and text
// (EmailText) in the recipient's language.
type EmailData struct {
	Greeting string
	Lines    []EmailLine
	Footer   string
	BaseURL  string
}

// EmailLine is one paragraph of an email, with the link it leads to.
type EmailLine struct {
	Text string
	Link string // absolute URL, "" for none
}

// EmailText is the plain-text version of an email.
func EmailText(d EmailData) string {
	var b strings.Builder
	b.WriteString(d.Greeting)
	b.WriteString("\n\n")
	for _, l := range d.Lines {
		b.WriteString(l.Text)
		b.WriteString("\n")
		if l.Link != "" {
			b.WriteString(l.Link)
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("-- \n")
	b.WriteString(d.Footer)
	b.WriteString("\n")
	return b.String()
}

// NotificationEmail is the content of one notification's email.
func NotificationEmail(ctx context.Context, n models.Notification, to models.Recipient, states StateNames, baseURL string) (subject string, d EmailData) {
	msg := NotificationMessage(ctx, n, states)
	return t(ctx, "site.short_name") + ": " + msg, EmailData{
		Greeting: tf(ctx, "email.greeting", "Name", recipientName(to)),
		Lines:    []EmailLine{{Text: msg, Link: baseURL + n.Link}},
		Footer:   tf(ctx, "email.footer", "URL", baseURL+"/account"),
		BaseURL:  baseURL,
	}
}

// DigestEmail is the content of one person's daily digest.
func DigestEmail(ctx context.Context, d models.Digest, states StateNames, baseURL string) (subject string, e EmailData) {
	e = EmailData{
		Greeting: tf(ctx, "email.greeting", "Name", recipientName(d.To)),
		Footer:   tf(ctx, "email.footer", "URL", baseURL+"/account"),
		BaseURL:  baseURL,
	}
	e.Lines = append(e.Lines, EmailLine{Text: tn(ctx, "email.digest_lead", len(d.Items))})
	for _, n := range d.Items {
		e.Lines = append(e.Lines, EmailLine{Text: NotificationMessage(ctx, n, states), Link: baseURL + n.Link})
	}
	e.Lines = append(e.Lines, EmailLine{Text: t(ctx, "email.digest_all"), Link: baseURL + "/notifications"})
	return t(ctx, "site.short_name") + ": " + tn(ctx, "email.digest_subject", len(d.Items)), e
}

// InvitationEmail is the content of an invitation's email.
func InvitationEmail(ctx context.Context, inv models.Invitation, scope, inviter, baseURL string) (subject string, e EmailData) {
	role := t(ctx, "role."+string(inv.Role))
	if scope != "" {
		role += " (" + scope + ")"
	}
	return t(ctx, "email.invitation_subject"), EmailData{
		Greeting: tf(ctx, "email.greeting", "Name", inv.Email),
		Lines: []EmailLine{
			{Text: invitationBody(ctx, inviter, role, formatDate(ctx, inv.ExpiresAt))},
			{Text: t(ctx, "email.invitation_sign_in"), Link: baseURL + "/auth/login"},
		},
		Footer:  t(ctx, "email.invitation_footer"),
		BaseURL: baseURL,
	}
}

func recipientName(to models.Recipient) string {
	if to.Name != "" {
		return to.Name
	}
	return to.Email
}

// languageOptions are the portal's languages, all six in the UN's order,
// each in its own name (marked as in its language, for screen readers).
func languageOptions(ctx context.Context) []Option {
	cat := reqctx.Catalogue(ctx)
	if cat == nil {
		return []Option{{Value: "en", Label: "English"}}
	}
	opts := make([]Option, 0, len(cat.Languages()))
	for _, l := range cat.Languages() {
		opts = append(opts, Option{Value: l.Tag, Label: l.Name})
	}
	return opts
}

func invitationBody(ctx context.Context, inviter, role, expires string) string {
	if inviter == "" { // made by a command, not a person
		return tf(ctx, "email.invitation_body_system", "Role", role, "Expires", expires)
	}
	return tf(ctx, "email.invitation_body", "Inviter", inviter, "Role", role, "Expires", expires)
}
