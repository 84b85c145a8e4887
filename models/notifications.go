package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// NotificationKind names an event people are told about. Each has its
// message (notify.<kind>) and each person chooses, per kind, how they hear
// of it (Delivery).
type NotificationKind string

const (
	NotifyNeedSubmitted     NotificationKind = "need_submitted"     // to the Secretariat
	NotifyNeedAccepted      NotificationKind = "need_accepted"      // to the State's focal points
	NotifyNeedDeclined      NotificationKind = "need_declined"      // to the State's focal points
	NotifyNeedMet           NotificationKind = "need_met"           // to the State's focal points
	NotifyNeedShared        NotificationKind = "need_shared"        // to donors whose interests it matches
	NotifyNeedPledged       NotificationKind = "need_pledged"       // to the State's focal points
	NotifyProgressSubmitted NotificationKind = "progress_submitted" // to the Secretariat
	NotifyProgressReturned  NotificationKind = "progress_returned"  // to the State's focal points
	NotifyProgressValidated NotificationKind = "progress_validated" // to the State's focal points
	NotifyContributionPaid  NotificationKind = "contribution_paid"  // to the donor's users
	NotifyReportIssued      NotificationKind = "report_issued"      // to everyone with a role
	NotifyPeriodReminder    NotificationKind = "period_reminder"    // to the State's focal points
)

// NotificationKinds lists every kind, in the order /account offers them.
func NotificationKinds() []NotificationKind {
	return []NotificationKind{
		NotifyNeedSubmitted, NotifyNeedAccepted, NotifyNeedDeclined, NotifyNeedMet, NotifyNeedShared,
		NotifyNeedPledged, NotifyProgressSubmitted, NotifyProgressReturned, NotifyProgressValidated,
		NotifyPeriodReminder, NotifyContributionPaid, NotifyReportIssued,
	}
}

// NotificationKindsFor lists the kinds a person with this role can receive,
// so /account offers only the choices that matter to them.
func NotificationKindsFor(u *User) []NotificationKind {
	switch {
	case u.HasRole(RoleSecretariat), u.HasRole(RoleAdmin):
		return []NotificationKind{NotifyNeedSubmitted, NotifyProgressSubmitted, NotifyReportIssued}
	case u.HasRole(RoleFocalPoint):
		return []NotificationKind{NotifyNeedAccepted, NotifyNeedDeclined, NotifyNeedMet, NotifyNeedPledged,
			NotifyProgressReturned, NotifyProgressValidated, NotifyPeriodReminder, NotifyReportIssued}
	case u.HasRole(RoleDonor):
		return []NotificationKind{NotifyNeedShared, NotifyContributionPaid, NotifyReportIssued}
	case u.HasRole(RoleViewer):
		return []NotificationKind{NotifyReportIssued}
	}
	return nil
}

// Valid reports whether k is a known kind.
func (k NotificationKind) Valid() bool { return slices.Contains(NotificationKinds(), k) }

// Delivery is how a person hears of one kind of event.
type Delivery string

const (
	DeliveryEmail  Delivery = "email"  // in the portal and by email at once
	DeliveryPortal Delivery = "portal" // in the portal only
	DeliveryDigest Delivery = "digest" // in the portal, and in one email a day
)

// Deliveries lists the choices, the default first.
func Deliveries() []Delivery { return []Delivery{DeliveryEmail, DeliveryDigest, DeliveryPortal} }

// Valid reports whether d is a known choice.
func (d Delivery) Valid() bool { return slices.Contains(Deliveries(), d) }

// DeliveryChoices are a person's choices by kind; a kind not listed is
// DeliveryEmail. Stored as users.notification_delivery.
type DeliveryChoices map[NotificationKind]Delivery

// For is the choice for kind k.
func (c DeliveryChoices) For(k NotificationKind) Delivery {
	if d, ok := c[k]; ok && d.Valid() {
		return d
	}
	return DeliveryEmail
}

func (c DeliveryChoices) Value() (driver.Value, error) {
	return jsonbValue(c, c == nil, "{}", "delivery choices")
}

func (c *DeliveryChoices) Scan(src any) error {
	ok, err := jsonbScan(src, c, "delivery choices")
	if !ok && err == nil {
		*c = nil
	}
	return err
}

// NotificationParams are a notification's message data, kept as they were
// when it was made: Title (the record's), State (ISO3 code), Period, Donor,
// Status and the like.
type NotificationParams map[string]string

func (p NotificationParams) Value() (driver.Value, error) {
	return jsonbValue(p, p == nil, "{}", "notification params")
}

func (p *NotificationParams) Scan(src any) error {
	ok, err := jsonbScan(src, p, "notification params")
	if !ok && err == nil {
		*p = nil
	}
	return err
}

// Notification is one thing the portal tells one person.
type Notification struct {
	ID          int64
	UserID      int64
	Kind        NotificationKind
	SubjectKind string
	SubjectID   int64
	Link        string // a path in the portal
	Params      NotificationParams
	Delivery    Delivery
	EmailedAt   *time.Time
	ReadAt      *time.Time
	CreatedAt   time.Time
}

// audience selects the recipients of a notice among active users, as a SQL
// condition on users u (and member_states s, the user's State).
type audience struct {
	where string
	args  []any
}

// secretariatAudience are those who review what States submit: the
// Secretariat and administrators (policy.Review).
func secretariatAudience() audience {
	return audience{where: "u.role IN ('secretariat', 'admin')"}
}

func focalPointsOf(stateID int) audience {
	return audience{where: "u.role = 'focal_point' AND u.member_state_id = ?", args: []any{stateID}}
}

func usersOfDonor(donorID int) audience {
	return audience{where: "u.role = 'donor' AND u.donor_organization_id = ?", args: []any{donorID}}
}

func everyoneWithARole() audience { return audience{where: "u.role IS NOT NULL"} }

// notice is one event to tell its audience about.
type notice struct {
	Kind        NotificationKind
	SubjectKind string
	SubjectID   int64
	Link        string
	Params      NotificationParams
	To          audience
}

// notify records the notice for each person of its audience (never the
// person who caused it), each with the delivery they chose, and enqueues
// the emails of those who chose email, in tx: the notification and its
// email exist if and only if the change that caused them commits.
// It returns how many people were notified.
func notify(tx *gorm.DB, ev AuditContext, n notice) (int, error) {
	params := n.Params
	if params == nil {
		params = NotificationParams{}
	}
	pj, err := json.Marshal(params)
	if err != nil {
		return 0, fmt.Errorf("notify %s: %w", n.Kind, err)
	}
	args := []any{n.Kind, n.SubjectKind, n.SubjectID, n.Link, string(pj), string(n.Kind), actorID(ev)}
	args = append(args, n.To.args...)
	var rows []struct {
		ID       int64
		Delivery Delivery
	}
	err = tx.Raw(`INSERT INTO notifications (user_id, kind, subject_kind, subject_id, link, params, delivery)
		SELECT u.id, ?, ?, ?, ?, ?::jsonb,
			CASE WHEN u.notification_delivery->>k.kind IN ('portal', 'digest') THEN u.notification_delivery->>k.kind ELSE 'email' END
		FROM users u CROSS JOIN (SELECT ?::text AS kind) k
		WHERE u.status = 'active' AND u.id IS DISTINCT FROM ? AND (`+n.To.where+`)
		RETURNING id, delivery`, args...).Scan(&rows).Error
	if err != nil {
		return 0, fmt.Errorf("notify %s: %w", n.Kind, err)
	}
	var jobs []river.InsertManyParams
	for _, r := range rows {
		if r.Delivery == DeliveryEmail {
			jobs = append(jobs, river.InsertManyParams{Args: NotificationEmail{NotificationID: r.ID}})
		}
	}
	if err := enqueue(tx, jobs...); err != nil {
		return 0, fmt.Errorf("notify %s: %w", n.Kind, err)
	}
	return len(rows), nil
}

// ListNotifications is one page of a person's notifications, newest first.
func ListNotifications(ctx context.Context, db *gorm.DB, userID int64, req PageRequest) (Page[Notification], error) {
	q := db.WithContext(ctx).Model(&Notification{}).Where("user_id = ?", userID)
	o := Order{Keys: []SortKey{{Expr: "notifications.id", Type: "bigint"}}, Desc: true}
	p, err := paginate(q, o, req, func(n Notification) []any { return []any{n.ID} })
	if err != nil {
		return p, fmt.Errorf("notifications of user %d: %w", userID, err)
	}
	return p, nil
}

// MarkNotificationRead marks one of the person's notifications read and
// returns it (ErrNotFound for another person's). Reading is the person's
// own state, not a change to a record: it is not audited.
func MarkNotificationRead(ctx context.Context, db *gorm.DB, userID, id int64) (Notification, error) {
	var n Notification
	res := db.WithContext(ctx).Raw(`UPDATE notifications SET read_at = coalesce(read_at, now())
		WHERE id = ? AND user_id = ? RETURNING *`, id, userID).Scan(&n)
	if res.Error != nil {
		return n, fmt.Errorf("mark notification %d read: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return n, fmt.Errorf("notification %d of user %d: %w", id, userID, ErrNotFound)
	}
	return n, nil
}

// MarkAllNotificationsRead marks every unread notification of the person
// read, up to the newest one they saw (upTo), so one that arrives while
// they read stays unread. It returns how many it marked.
func MarkAllNotificationsRead(ctx context.Context, db *gorm.DB, userID, upTo int64) (int64, error) {
	res := db.WithContext(ctx).Exec(`UPDATE notifications SET read_at = now()
		WHERE user_id = ? AND read_at IS NULL AND id <= ?`, userID, upTo)
	if res.Error != nil {
		return 0, fmt.Errorf("mark notifications of user %d read: %w", userID, res.Error)
	}
	return res.RowsAffected, nil
}

// NotificationSettings are what /account lets a person choose about what
// they are sent.
type NotificationSettings struct {
	Language string
	Delivery DeliveryChoices
}

// SaveNotificationSettings records a person's choices, version-checked
// against their account and audited.
func SaveNotificationSettings(ctx context.Context, db *gorm.DB, u *User, seen int, s NotificationSettings, ev AuditContext) error {
	for k, d := range s.Delivery {
		if !k.Valid() || !d.Valid() {
			return Invalid("delivery", "notifications.delivery_invalid")
		}
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before struct {
			Language             string
			NotificationDelivery DeliveryChoices
		}
		if err := tx.Raw(`SELECT language, notification_delivery FROM users WHERE id = ? FOR UPDATE`, u.ID).Scan(&before).Error; err != nil {
			return err
		}
		if err := updateVersioned(tx, "users", u.ID, seen, map[string]any{"language": s.Language, "notification_delivery": s.Delivery}); err != nil {
			return err
		}
		return recordChange(tx, ev, ActionNotificationSettings, Target("user", u.ID),
			map[string]any{"language": before.Language, "delivery": before.NotificationDelivery},
			map[string]any{"language": s.Language, "delivery": s.Delivery})
	})
	if err != nil {
		return fmt.Errorf("notification settings of user %d: %w", u.ID, err)
	}
	return nil
}

// RememberLanguage keeps the language a signed-in person switched to, for
// what is sent to them later. It is a preference the switcher sets on the
// way, not an edit of the account: no version, no audit.
func RememberLanguage(ctx context.Context, db *gorm.DB, userID int64, tag string) error {
	if err := db.WithContext(ctx).Exec(`UPDATE users SET language = ? WHERE id = ? AND language <> ?`, tag, userID, tag).Error; err != nil {
		return fmt.Errorf("remember language of user %d: %w", userID, err)
	}
	return nil
}

// Recipient is who an email goes to.
type Recipient struct {
	UserID   int64
	Email    string
	Name     string
	Language string
}

// NotificationToEmail is a notification with its recipient, for its email.
type NotificationToEmail struct {
	Notification
	To Recipient
}

// NotificationForEmail loads one notification and its recipient; ok is
// false when there is nothing to send (already sent, or the account is no
// longer active).
func NotificationForEmail(ctx context.Context, db *gorm.DB, id int64) (n NotificationToEmail, ok bool, err error) {
	var row struct {
		Notification
		Email    string
		Name     string
		Language string
		Status   UserStatus
	}
	res := db.WithContext(ctx).Raw(`SELECT n.*, u.email, u.name, u.language, u.status
		FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id = ?`, id).Scan(&row)
	if res.Error != nil {
		return n, false, fmt.Errorf("notification %d for email: %w", id, res.Error)
	}
	if res.RowsAffected == 0 || row.EmailedAt != nil || row.Status != StatusActive {
		return n, false, nil
	}
	n.Notification = row.Notification
	n.To = Recipient{UserID: row.UserID, Email: row.Email, Name: row.Name, Language: row.Language}
	return n, true, nil
}

// MarkEmailed records that the notifications went out by email.
func MarkEmailed(ctx context.Context, db *gorm.DB, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := db.WithContext(ctx).Exec(`UPDATE notifications SET emailed_at = now() WHERE id IN ? AND emailed_at IS NULL`, ids).Error; err != nil {
		return fmt.Errorf("mark notifications emailed: %w", err)
	}
	return nil
}

// Digest is what one person's daily email gathers.
type Digest struct {
	To    Recipient
	Items []Notification
}

// DigestRecipients lists the people with notifications waiting for their
// daily digest.
func DigestRecipients(ctx context.Context, db *gorm.DB) ([]int64, error) {
	var ids []int64
	err := db.WithContext(ctx).Raw(`SELECT DISTINCT n.user_id FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.delivery = 'digest' AND n.emailed_at IS NULL AND u.status = 'active' ORDER BY 1`).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("digest recipients: %w", err)
	}
	return ids, nil
}

// DigestFor loads what waits for one person's digest (at most the 200
// newest; the email links to the rest).
func DigestFor(ctx context.Context, db *gorm.DB, userID int64) (Digest, error) {
	var d Digest
	err := db.WithContext(ctx).Raw(`SELECT id AS user_id, email, name, language FROM users WHERE id = ? AND status = 'active'`, userID).Scan(&d.To).Error
	if err != nil {
		return d, fmt.Errorf("digest of user %d: %w", userID, err)
	}
	if d.To.UserID == 0 {
		return d, nil
	}
	err = db.WithContext(ctx).Where("user_id = ? AND delivery = 'digest' AND emailed_at IS NULL", userID).
		Order("id DESC").Limit(200).Find(&d.Items).Error
	if err != nil {
		return d, fmt.Errorf("digest of user %d: %w", userID, err)
	}
	return d, nil
}

// NotificationSettingsInput is the /account form: the language of what is
// sent, and how each kind of event is delivered (a kind the form does not
// carry keeps its choice).
type NotificationSettingsInput struct {
	Version           int    `form:"version"`
	Language          string `form:"language" validate:"required,max=8"`
	NeedSubmitted     string `form:"need_submitted" validate:"omitempty,oneof=email digest portal"`
	NeedAccepted      string `form:"need_accepted" validate:"omitempty,oneof=email digest portal"`
	NeedDeclined      string `form:"need_declined" validate:"omitempty,oneof=email digest portal"`
	NeedMet           string `form:"need_met" validate:"omitempty,oneof=email digest portal"`
	NeedShared        string `form:"need_shared" validate:"omitempty,oneof=email digest portal"`
	NeedPledged       string `form:"need_pledged" validate:"omitempty,oneof=email digest portal"`
	ProgressSubmitted string `form:"progress_submitted" validate:"omitempty,oneof=email digest portal"`
	ProgressReturned  string `form:"progress_returned" validate:"omitempty,oneof=email digest portal"`
	ProgressValidated string `form:"progress_validated" validate:"omitempty,oneof=email digest portal"`
	PeriodReminder    string `form:"period_reminder" validate:"omitempty,oneof=email digest portal"`
	ContributionPaid  string `form:"contribution_paid" validate:"omitempty,oneof=email digest portal"`
	ReportIssued      string `form:"report_issued" validate:"omitempty,oneof=email digest portal"`
}

// Choices merges the form's choices over the current ones.
func (in NotificationSettingsInput) Choices(current DeliveryChoices) DeliveryChoices {
	out := DeliveryChoices{}
	for k, d := range current {
		if k.Valid() && d.Valid() {
			out[k] = d
		}
	}
	for k, v := range map[NotificationKind]string{
		NotifyNeedSubmitted: in.NeedSubmitted, NotifyNeedAccepted: in.NeedAccepted, NotifyNeedDeclined: in.NeedDeclined,
		NotifyNeedMet: in.NeedMet, NotifyNeedShared: in.NeedShared, NotifyNeedPledged: in.NeedPledged,
		NotifyProgressSubmitted: in.ProgressSubmitted, NotifyProgressReturned: in.ProgressReturned,
		NotifyProgressValidated: in.ProgressValidated, NotifyPeriodReminder: in.PeriodReminder,
		NotifyContributionPaid: in.ContributionPaid, NotifyReportIssued: in.ReportIssued,
	} {
		if v != "" {
			out[k] = Delivery(v)
		}
	}
	return out
}
