package views

import (
	"context"
	"strings"

	"ctap/models"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// navLink is one item of the main navigation. Section is the address
// prefix that makes it current (the administration covers every /admin
// page); Count, when positive, says how many things wait there.
type navLink struct {
	Href, Section, Label string
	Count                int
	CountText            string // shown instead of Count when set ("100+")
	CountLabel           string
}

// siteNav lists the main navigation for the person: everyone's pages, then
// their own place (a focal point's State, the Secretariat's review queue,
// the administration).
func siteNav(ctx context.Context) []navLink {
	u := reqctx.User(ctx)
	links := []navLink{
		{Href: "/", Label: t(ctx, "nav.overview")},
		{Href: "/paragraphs", Label: t(ctx, "nav.resolution")},
		{Href: "/states", Label: t(ctx, "nav.states")},
		{Href: "/instruments", Label: t(ctx, "nav.instruments")},
		{Href: "/needs", Label: t(ctx, "nav.needs")},
		{Href: "/activities", Label: t(ctx, "nav.activities")},
		{Href: "/contributions", Label: t(ctx, "nav.contributions")},
		{Href: "/donors", Label: t(ctx, "nav.donors")},
	}
	if policy.Anyone(u, policy.UseAccount) {
		links = append(links, navLink{Href: "/dashboard", Label: t(ctx, "nav.dashboard")})
	}
	w := reqctx.Waiting(ctx)
	if u.HasRole(models.RoleFocalPoint) && u.MemberState != nil {
		href := "/states/" + u.MemberState.ISO3
		links = append(links, navLink{Href: href, Label: t(ctx, "nav.workspace"),
			Count: w.Returned, CountLabel: tn(ctx, "nav.returned_count", w.Returned)})
	}
	if policy.Anyone(u, policy.Review) {
		review := navLink{Href: "/review", Label: t(ctx, "nav.review"), Count: w.Review(), CountLabel: tn(ctx, "nav.waiting_count", w.Review())}
		if w.ReviewCapped() {
			review.CountText = tf(ctx, "nav.count_more", "Count", models.ReviewCountCap)
			review.CountLabel = tf(ctx, "nav.waiting_count_many", "Count", models.ReviewCountCap)
		}
		links = append(links, review)
	}
	if policy.Anyone(u, policy.DraftReports) {
		links = append(links, navLink{Href: "/reports", Label: t(ctx, "nav.reports")})
	}
	if admin := adminNavLinks(ctx); len(admin) > 0 {
		links = append(links, navLink{Href: admin[0].Href, Section: "/admin", Label: t(ctx, "nav.admin")})
	}
	return links
}

// adminNavLinks lists the administration pages the person may open: the
// users, invitations and audit for administrators, the reporting periods
// for them and the Secretariat.
func adminNavLinks(ctx context.Context) []navLink {
	u := reqctx.User(ctx)
	var links []navLink
	if policy.Anyone(u, policy.ManageUsers) {
		links = append(links,
			navLink{Href: "/admin/users", Label: t(ctx, "admin.users")},
			navLink{Href: "/admin/invitations", Label: t(ctx, "admin.invitations")})
	}
	if policy.Anyone(u, policy.ReadAudit) {
		links = append(links, navLink{Href: "/admin/audit", Label: t(ctx, "admin.audit")})
	}
	if policy.Anyone(u, policy.ManageJobs) {
		links = append(links, navLink{Href: "/admin/jobs", Label: t(ctx, "jobs.title")})
	}
	if policy.Anyone(u, policy.Review) {
		links = append(links, navLink{Href: "/admin/periods", Label: t(ctx, "period.list_title")})
	}
	if policy.Anyone(u, policy.ManageRates) {
		links = append(links, navLink{Href: "/admin/rates", Label: t(ctx, "rates.title")})
	}
	if policy.Anyone(u, policy.ManagePartners) {
		links = append(links, navLink{Href: "/admin/partners", Label: t(ctx, "partner.title")})
	}
	return links
}

// currentNav is the index of the link whose section holds the page, the
// longest when several do (a focal point's /states/KEN is their workspace,
// not the list of States); -1 when none does.
func currentNav(ctx context.Context, links []navLink) int {
	p := currentPath(ctx)
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	best, bestLen := -1, 0
	for i, l := range links {
		s := l.Section
		if s == "" {
			s = l.Href
		}
		match := p == s || (s != "/" && strings.HasPrefix(p, s+"/"))
		if match && len(s) > bestLen {
			best, bestLen = i, len(s)
		}
	}
	return best
}
