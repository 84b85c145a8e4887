package views

import (
	"context"

	"ctap/models"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// roleTask is one thing the signed-in person's role lets them do, with the
// page where they do it.
type roleTask struct {
	Href, Label, Text string
}

// roleTasksTitle says whose tasks the home page lists: the role, and the
// State or organization it acts for.
func roleTasksTitle(ctx context.Context) string {
	u := reqctx.User(ctx)
	switch {
	case u.HasRole(models.RoleFocalPoint) && u.MemberState != nil:
		return tf(ctx, "home.tasks_title_for", "Role", roleLabel(ctx, u), "Scope", u.MemberState.LocalName(lang(ctx)))
	case u.HasRole(models.RoleDonor) && u.DonorOrganization != nil:
		return tf(ctx, "home.tasks_title_for", "Role", roleLabel(ctx, u), "Scope", u.DonorOrganization.LocalName(lang(ctx)))
	}
	return tf(ctx, "home.tasks_title", "Role", roleLabel(ctx, u))
}

// roleTasks lists what the signed-in person's role can do, each linking
// straight to its page; none for a visitor or a pending account. The
// policy decides each (a link is offered only where it leads somewhere).
func roleTasks(ctx context.Context) []roleTask {
	u := reqctx.User(ctx)
	if !policy.Anyone(u, policy.UseAccount) {
		return nil
	}
	task := func(href, key string) roleTask {
		return roleTask{Href: href, Label: t(ctx, "home.task."+key), Text: t(ctx, "home.task."+key+"_text")}
	}
	var tasks []roleTask
	switch {
	case u.HasRole(models.RoleFocalPoint) && u.MemberState != nil:
		iso3 := u.MemberState.ISO3
		tasks = append(tasks,
			task("/states/"+iso3, "workspace"),
			task("/needs/new", "record_need"),
			task("/states/"+iso3+"/progress", "progress"),
			task("/states/"+iso3+"/treaties", "treaties"))
	case u.HasRole(models.RoleDonor) && u.DonorOrganization != nil:
		slug := u.DonorOrganization.Slug
		tasks = append(tasks,
			task("/needs?funding=gap&sort=gap", "fund_needs"),
			task("/contributions/new", "pledge"),
			task("/donors/"+slug, "organization"),
			task("/donors/"+slug+"/interests", "interests"))
	case policy.Anyone(u, policy.Review):
		tasks = append(tasks, task("/review", "review"))
		if policy.Anyone(u, policy.DraftReports) {
			tasks = append(tasks, task("/reports", "reports"))
		}
		tasks = append(tasks, task("/activities/new", "activity"), task("/contributions/import", "import"))
		if policy.Anyone(u, policy.ManageUsers) {
			tasks = append(tasks, task("/admin/invitations/new", "invite"), task("/admin/jobs", "jobs"))
		}
	default:
		tasks = append(tasks, task("/instruments", "instruments"), task("/needs", "needs"))
	}
	return append(tasks, task("/dashboard", "dashboard"), task("/notifications", "notifications"))
}
