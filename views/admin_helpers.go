package views

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"ctap/models"
)

func yesNo(ctx context.Context, b bool) string {
	if b {
		return t(ctx, "common.yes")
	}
	return t(ctx, "common.no")
}

// formSummary restates what the administrator submitted, for the conflict
// notice.
func formSummary(ctx context.Context, f UserForm) string {
	parts := []string{t(ctx, "status."+f.Status)}
	if f.Role != "" {
		parts = append(parts, t(ctx, "role."+f.Role))
	}
	if f.State != "" && f.Role == "focal_point" {
		parts = append(parts, f.State)
	}
	if f.Donor != "" && f.Role == "donor" {
		parts = append(parts, f.Donor)
	}
	return strings.Join(parts, ", ")
}

func auditActionOptions(ctx context.Context) []Option {
	opts := []Option{{Value: "", Label: t(ctx, "admin.any_action")}}
	for _, f := range models.AuditFamilies() {
		opts = append(opts, Option{Value: f + ".", Label: t(ctx, "audit."+f)})
	}
	return opts
}

// AuditNames resolves the IDs an event's before and after hold, so the
// trail shows a State's or organization's name, never its number.
type AuditNames struct {
	States map[int]models.MemberState
	Donors map[int]models.DonorOrganization
}

// auditValue is one labelled value of an event's before or after.
type auditValue struct {
	Label string
	Value string
}

// hasMessage tells whether the catalogue holds a message (T shows a missing one
// as its ID).
func hasMessage(ctx context.Context, id string) bool { return t(ctx, id) != id }

// auditWho names who acted: their name and email, or what acted (a
// command) when no one signed in did.
func auditWho(ctx context.Context, e models.AuditEntry) string {
	switch {
	case e.ActorName != "" && e.ActorName != e.ActorEmail:
		return e.ActorName + " (" + e.ActorEmail + ")"
	case e.ActorEmail != "":
		return e.ActorEmail
	}
	return t(ctx, "audit.nobody")
}

// auditEventName is the action's name in the reader's language.
func auditEventName(ctx context.Context, action string) string {
	if id := "audit.action." + action; hasMessage(ctx, id) {
		return t(ctx, id)
	}
	return action
}

// auditTargetKind names the kind of record an event is about.
func auditTargetKind(ctx context.Context, kind string) string {
	if kind == "" {
		return ""
	}
	if id := "audit.target." + kind; hasMessage(ctx, id) {
		return t(ctx, id)
	}
	return kind
}

// auditTargetName is the record's name in the reader's language, or a
// word saying it is gone.
func auditTargetName(ctx context.Context, e models.AuditEntry) string {
	switch {
	case lang(ctx) == "fr" && e.TargetNameFr != "":
		return e.TargetNameFr
	case e.TargetName != "":
		return e.TargetName
	case e.TargetID != "":
		return t(ctx, "audit.record_gone")
	}
	return ""
}

// auditTargetHref is the address of the record's page, "" when it has
// none (or is gone).
func auditTargetHref(e models.AuditEntry) string {
	if e.TargetName == "" {
		return ""
	}
	id := e.TargetID
	switch e.TargetType {
	case "user":
		return "/admin/users/" + id
	case "invitation":
		if e.TargetRef == "open" {
			return "/admin/invitations"
		}
	case "need":
		return "/needs/" + id
	case "contribution":
		return "/contributions/" + id
	case "activity":
		return "/activities/" + id
	case "period":
		return "/admin/periods/" + id
	case "report":
		return "/reports/" + id
	case "progress_report":
		if iso3, n, ok := strings.Cut(e.TargetRef, "/"); ok {
			return "/states/" + iso3 + "/progress/" + n
		}
	case "treaty_action", "treaty_incorporation":
		if e.TargetRef != "" {
			return "/states/" + e.TargetRef + "/treaties"
		}
	case "donor_organization":
		if e.TargetRef != "" {
			return "/donors/" + e.TargetRef
		}
	case "member_state":
		if e.TargetRef != "" {
			return "/states/" + e.TargetRef
		}
	case "partner":
		return "/admin/partners/" + id
	case "exchange_rate":
		return "/admin/rates/" + id
	}
	return ""
}

// auditValues reads a recorded before or after as labelled values, in the
// reader's language; when the event has both, only what changed. IDs the
// trail cannot name are left out rather than shown as numbers.
func auditValues(ctx context.Context, raw, other []byte, names AuditNames) []auditValue {
	var m, o map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil
	}
	_ = json.Unmarshal(other, &o)
	keys := make([]string, 0, len(m))
	for k := range m {
		if o != nil {
			if ov, ok := o[k]; ok && reflect.DeepEqual(ov, m[k]) {
				continue
			}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]auditValue, 0, len(keys))
	for _, k := range keys {
		v, ok := auditValueText(ctx, k, m[k], names)
		if !ok {
			continue
		}
		out = append(out, auditValue{Label: auditFieldLabel(ctx, k), Value: v})
	}
	return out
}

// auditFieldLabel is a field's label: the catalogue's where it has one,
// the field's name in words otherwise.
func auditFieldLabel(ctx context.Context, key string) string {
	if id := "audit.field." + key; hasMessage(ctx, id) {
		return t(ctx, id)
	}
	words := strings.ReplaceAll(key, "_", " ")
	return strings.ToUpper(words[:1]) + words[1:]
}

func auditValueText(ctx context.Context, key string, v any, names AuditNames) (string, bool) {
	switch key {
	case "member_state_id":
		if n, ok := v.(float64); ok {
			if n == 0 {
				return "—", true
			}
			if s, ok := names.States[int(n)]; ok {
				return s.LocalName(lang(ctx)), true
			}
		}
		return "", false
	case "donor_organization_id":
		if n, ok := v.(float64); ok {
			if n == 0 {
				return "—", true
			}
			if d, ok := names.Donors[int(n)]; ok {
				return d.LocalName(lang(ctx)), true
			}
		}
		return "", false
	}
	if strings.HasSuffix(key, "_id") || key == "id" {
		return "", false // a number means nothing to the reader
	}
	switch x := v.(type) {
	case nil:
		return "—", true
	case string:
		if x == "" {
			return "—", true
		}
		if key == "role" && hasMessage(ctx, "role."+x) {
			return t(ctx, "role."+x), true
		}
		if key == "status" && hasMessage(ctx, "status."+x) {
			return t(ctx, "status."+x), true
		}
		if at, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return formatDateTime(ctx, at), true
		}
		if d, err := time.Parse("2006-01-02", x); err == nil {
			return formatDate(ctx, d), true
		}
		return x, true
	case bool:
		return yesNo(ctx, x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case map[string]any:
		if en, ok := x["en"].(string); ok {
			if fr, ok := x["fr"].(string); ok && fr != "" && lang(ctx) == "fr" {
				return fr, true
			}
			return en, true
		}
	case []any:
		parts := make([]string, 0, len(x))
		for _, item := range x {
			if s, ok := auditValueText(ctx, "", item, names); ok {
				parts = append(parts, s)
			}
		}
		if len(parts) == 0 {
			return "—", true
		}
		return strings.Join(parts, ", "), true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", false
	}
	return string(b), true
}
