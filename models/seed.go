package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// DemoAccount is one of the development provider's accounts; the demo
// invites it to its role so its first sign-in binds it.
type DemoAccount struct {
	Email string
	Name  string
	Role  Role   // "" for an account that lands pending
	Scope string // ISO3 for a focal point, slug for a donor
	// Try is what to try first as this account, one line of `make run`'s
	// output: where to go, what to do, what to see. A browser journey
	// follows each (web/firsthour_journeys_test.go).
	Try string
}

// DemoPassword is every demo account's password.
const DemoPassword = "demo"

// DemoAccounts lists the demo accounts, as PRODUCT.md and the README name
// them.
func DemoAccounts() []DemoAccount {
	return []DemoAccount{
		{"admin@example.org", "Ada Admin (demo)", RoleAdmin, "",
			"invite someone at /admin/invitations/new, then sign in as them (password demo): they land with the role you gave"},
		{"secretariat@example.org", "Sam Secretariat (demo)", RoleSecretariat, "",
			"you land on /review: start the review of the oldest submitted need and accept it; its State's focal points are told"},
		{"focal.ken@example.org", "Wanjiru Focal Point, Kenya (demo)", RoleFocalPoint, "KEN",
			"you land on Kenya's workspace: open the report on paragraph 3 the Secretariat returned, answer its comment, submit it"},
		{"focal.fra@example.org", "Camille Focal Point, France (demo)", RoleFocalPoint, "FRA",
			"open /notifications: France's report is overdue; the reminder leads to the paragraphs left to submit"},
		{"focal.idn@example.org", "Budi Focal Point, Indonesia (demo)", RoleFocalPoint, "IDN",
			"record a need at /needs/new and submit it: it appears in the Secretariat's review queue"},
		{"donor.nor@example.org", "Ingrid Donor, Norway (demo)", RoleDonor, "norway",
			"open /needs?funding=gap&sort=gap and pledge to the need with the largest gap: your pledge shows on the need"},
		{"donor.eu@example.org", "Elena Donor, European Union (demo)", RoleDonor, "european-union",
			"open /dashboard: funding committed and paid by year against needs, the EU's private grants counted for you only"},
		{"viewer@example.org", "Victor Viewer (demo)", RoleViewer, "",
			"open /instruments: each State's status for the 19 instruments; the dashboard charts the parties over time"},
		{"newcomer@example.org", "Nina Newcomer (demo)", "", "",
			"sign in: the account awaits approval; public pages stay readable with a banner saying whom to ask"},
	}
}

// ResolveScope turns a demo account's scope code into an assignment.
func ResolveScope(ctx context.Context, db *gorm.DB, role Role, scope string) (Assignment, error) {
	a := Assignment{Role: role}
	switch role {
	case RoleFocalPoint:
		s, err := MemberStateByISO3(ctx, db, scope)
		if err != nil {
			return a, err
		}
		a.MemberStateID = &s.ID
	case RoleDonor:
		d, err := DonorOrganizationBySlug(ctx, db, scope)
		if err != nil {
			return a, err
		}
		a.DonorOrganizationID = &d.ID
	}
	return a, a.Validate()
}

// SeedDemo loads the synthetic demo data: invitations for the demo
// accounts (so their first sign-in through the development provider binds
// their role), a reporting period open today, and the workspace tables:
// needs with their histories, progress reports with their versions, and
// treaty actions (seed_workspace.go); then voluntary contributions and the
// exchange rates that convert them (seed_contributions.go). Reference data
// comes with the migrations. Running it again adds nothing.
func SeedDemo(ctx context.Context, db *gorm.DB) (string, error) {
	invited := 0
	for _, a := range DemoAccounts() {
		if a.Role == "" {
			continue
		}
		var users int64
		if err := db.WithContext(ctx).Model(&User{}).Where("lower(email) = ?", strings.ToLower(a.Email)).Count(&users).Error; err != nil {
			return "", fmt.Errorf("seed demo: %w", err)
		}
		if users > 0 {
			continue
		}
		as, err := ResolveScope(ctx, db, a.Role, a.Scope)
		if err != nil {
			return "", fmt.Errorf("seed demo %s: %w", a.Email, err)
		}
		_, err = CreateInvitation(ctx, db, NewInvitation{Email: a.Email, Assignment: as}, AuditContext{ActorNote: "ctap seed --demo"})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("seed demo %s: %w", a.Email, err)
		}
		invited++
	}
	ws, err := seedDemoWorkspace(ctx, db)
	if err != nil {
		return "", err
	}
	cs, err := seedDemoContributions(ctx, db)
	if err != nil {
		return "", err
	}
	as, err := seedDemoActivities(ctx, db)
	if err != nil {
		return "", err
	}
	reported, err := seedDemoReport(ctx, db)
	if err != nil {
		return "", err
	}
	summary := fmt.Sprintf("demo data: %d demo account(s) invited (synthetic, example.org addresses)", invited)
	if ws.Empty() {
		summary += "; the demo needs, progress reports and treaty actions were there already"
	} else {
		summary += "; " + ws.String() + ` added (synthetic: titles and narratives end in "(demo)")`
	}
	if cs.Empty() {
		summary += "; the demo contributions and exchange rates were there already"
	} else {
		summary += "; " + cs.String() + ` added (synthetic: titles end in "(demo)"; ` +
			demoRateGap.Currency + " has no rate for " + demoRateGap.Month.Format(rateMonthLayout) + ")"
	}
	if as.Empty() {
		summary += "; the demo activities were there already"
	} else {
		summary += "; " + as.String() + ` added (synthetic: titles end in "(demo)")`
	}
	if reported {
		summary += "; the 2016 report of the Secretary-General drafted (/reports)"
	}
	return summary, nil
}
