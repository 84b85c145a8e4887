package views

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

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

// auditFields renders a recorded before/after object as "key: value"
// pairs, sorted, for reading rather than parsing.
func auditFields(raw []byte) string {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return string(raw)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := m[k]
		if v == nil || v == "" {
			v = "—"
		}
		parts = append(parts, fmt.Sprintf("%s: %v", k, v))
	}
	return strings.Join(parts, "; ")
}
