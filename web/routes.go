package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"ctap/assets"
	"ctap/web/policy"
)

// routes registers every route of the portal, top to bottom, each behind
// the permission the policy checks before its handler runs.
func (s *Server) routes() {
	h := s.handlers
	get := func(path string, perm policy.Permission, fn echo.HandlerFunc) {
		s.handle(http.MethodGet, path, perm, fn)
	}
	post := func(path string, perm policy.Permission, fn echo.HandlerFunc) {
		s.handle(http.MethodPost, path, perm, fn)
	}

	// Operations.
	get("/healthz", policy.Open, h.Healthz)
	get("/readyz", policy.Open, h.Readyz)
	get("/metrics", policy.Open, s.metricsHandler())
	get(assets.Prefix+"*", policy.Open, serveAsset)
	get("/lang/:tag", policy.Open, h.SetLanguage)

	// Sign-in through OpenID Connect. Starting a sign-in and coming back
	// from the provider count apart: each sign-in is one of each, and
	// returns flooding the callback must not lock people out of starting.
	s.handle(http.MethodGet, "/auth/login", policy.Open, h.Login, s.signInLimiter())
	s.handle(http.MethodGet, "/auth/callback", policy.Open, h.Callback, s.signInLimiter())
	post("/auth/logout", policy.Open, h.Logout)
	get("/pending", policy.SeeWaitingPage, h.Pending)
	if s.devIDP != nil {
		get(DevIDPPath+"/*", policy.Open, echo.WrapHandler(s.devIDP))
		post(DevIDPPath+"/*", policy.Open, echo.WrapHandler(s.devIDP))
		if s.cfg.MailpitURL != "" {
			// The mail the development server sent, caught by Mailpit.
			get("/dev-mail", policy.Open, h.DevMail)
			get("/dev-mail/:id", policy.Open, h.DevMailMessage)
		}
	}

	// Public pages.
	get("/", policy.ReadPublic, h.Home)
	get("/paragraphs", policy.ReadPublic, h.Paragraphs)
	get("/paragraphs/:n", policy.ReadPublic, h.Paragraph)
	get("/states", policy.ReadPublic, h.States)
	get("/states/:iso3", policy.ReadPublic, h.State)
	get("/instruments", policy.ReadPublic, h.Instruments)
	get("/donors", policy.ReadPublic, h.Donors)
	get("/donors/:slug", policy.ReadPublic, h.Donor)
	get("/donors/:slug/iati.xml", policy.ReadPublic, h.DonorIATI) // what the visitor may see, as IATI 2.03

	// The read-only JSON API (version 1) and its description, rendered.
	s.mountAPI()
	get("/api", policy.ReadPublic, h.APIDocs)

	// Search over everything the person may see (each kind through its
	// list's visibility scope).
	get("/search", policy.ReadPublic, h.Search)
	// What shared needs an organization wants to hear of (its donor users;
	// the handler checks the organization).
	get("/donors/:slug/interests", policy.KeepDonorInterests, h.DonorInterests)
	post("/donors/:slug/interests", policy.KeepDonorInterests, h.SaveDonorInterests)

	// Technical-assistance needs: the list shows what the person may see
	// (models.NeedsVisibleTo); each need is checked against the policy.
	get("/needs", policy.ReadPublic, h.Needs)
	get("/needs/new", policy.RecordNeeds, h.NewNeed)
	post("/needs", policy.RecordNeeds, h.CreateNeed)
	get("/needs/:id", policy.ReadPublic, h.Need)
	get("/needs/:id/edit", policy.EditNeed, h.EditNeed)
	post("/needs/:id/edit", policy.EditNeed, h.UpdateNeed)
	post("/needs/:id/transition", policy.UseAccount, h.NeedTransition)

	// Voluntary contributions (operative paragraph 15): the list shows what
	// the person may see (models.ContributionsVisibleTo); each one is
	// decided by models.ActorsForDonor and models.ContributionWorkflow.
	get("/contributions", policy.ReadPublic, h.Contributions)
	// Technical assistance delivered (operative paragraphs 4 to 14): the
	// list shows what the person may see (models.ActivitiesVisibleTo);
	// steps follow models.ActivityWorkflow.
	get("/activities", policy.ReadPublic, h.Activities)
	get("/activities/new", policy.RecordActivities, h.NewActivity)
	get("/activities/import", policy.RecordActivities, h.ActivityImportForm)
	post("/activities/import", policy.RecordActivities, h.ImportActivities)
	post("/activities", policy.RecordActivities, h.CreateActivity)
	get("/activities/:id", policy.ReadPublic, h.Activity)
	get("/activities/:id/edit", policy.RecordActivities, h.EditActivity)
	post("/activities/:id/edit", policy.RecordActivities, h.UpdateActivity)
	post("/activities/:id/transition", policy.RecordActivities, h.ActivityTransition)
	get("/activities/:id/results", policy.RecordActivities, h.ActivityResultsForm)
	post("/activities/:id/results", policy.RecordActivities, h.SaveActivityResults)
	post("/activities/:id/confirm", policy.ConfirmParticipation, h.ConfirmParticipation)
	post("/activities/:id/outcomes", policy.RecordActivities, h.AddActivityOutcome)
	get("/contributions/new", policy.RecordContributions, h.NewContribution)
	get("/contributions/import", policy.Review, h.ContributionImportForm)
	post("/contributions/import", policy.Review, h.ImportContributions)
	post("/contributions", policy.RecordContributions, h.CreateContribution)
	get("/contributions/:id", policy.ReadPublic, h.Contribution)
	get("/contributions/:id/edit", policy.RecordContributions, h.EditContribution)
	post("/contributions/:id/edit", policy.RecordContributions, h.UpdateContribution)
	post("/contributions/:id/transition", policy.UseAccount, h.ContributionTransition)
	post("/contributions/:id/verify", policy.Review, h.VerifyContribution)

	// The Secretariat's starting page: what waits for its review.
	get("/review", policy.Review, h.Review)

	// Treaty status. /instruments (above) shows the matrix; a State's focal
	// points record its actions (the handler checks the State); the
	// Secretariat imports them.
	get("/states/:iso3/treaties", policy.ReadPublic, h.StateTreaties)
	get("/states/:iso3/treaties/:code", policy.ActForState, h.EditStateTreaty)
	post("/states/:iso3/treaties/:code", policy.ActForState, h.SaveStateTreaty)
	get("/instruments/import", policy.Review, h.TreatyImportForm)
	post("/instruments/import", policy.Review, h.ImportTreaties)

	// Progress against each paragraph. A State's reports are read by its
	// focal points, the Secretariat and admins (the handler checks the
	// State: models.CanSeeProgress); the State edits and submits, the
	// Secretariat validates or returns (models.ProgressWorkflow decides).
	get("/states/:iso3/progress", policy.ReadProgress, h.Progress)
	post("/states/:iso3/progress/carry-forward", policy.ActForState, h.CarryForward)
	get("/states/:iso3/progress/:n", policy.ReadProgress, h.ProgressParagraph)
	get("/states/:iso3/progress/:n/edit", policy.ActForState, h.EditProgress)
	post("/states/:iso3/progress/:n/edit", policy.ActForState, h.SaveProgress)
	post("/states/:iso3/progress/:n/transition", policy.ReadProgress, h.ProgressTransition)
	get("/states/:iso3/progress/:n/versions/:v", policy.ReadProgress, h.ProgressVersion)
	get("/admin/periods", policy.Review, h.AdminPeriods)

	// The report of the Secretary-General (operative paragraph 17): one per
	// period, generated from the records as the Secretariat sees them,
	// edited, versioned and issued (models.ReportWorkflow decides); the
	// DOCX and the print view are rendered from the stored report.
	get("/reports", policy.ReadReport, h.Reports) // issued reports for all, every period's for drafters
	post("/reports", policy.DraftReports, h.GenerateReport)
	get("/reports/:id", policy.ReadReport, h.Report)
	post("/reports/:id/generate", policy.DraftReports, h.RegenerateReport)
	get("/reports/:id/print", policy.ReadReport, h.PrintReport)
	get("/reports/:id/report.docx", policy.ReadReport, h.ReportDOCX)
	get("/reports/:id/paragraphs/:key", policy.DraftReports, h.EditReportParagraph)
	post("/reports/:id/paragraphs/:key", policy.DraftReports, h.SaveReportParagraph)
	get("/reports/:id/excerpts", policy.DraftReports, h.ReportExcerpts)
	post("/reports/:id/excerpts", policy.DraftReports, h.ChooseReportExcerpt)
	post("/reports/:id/transition", policy.DraftReports, h.ReportTransition)
	get("/reports/:id/versions/:v", policy.DraftReports, h.ReportVersion)
	get("/admin/periods/new", policy.Review, h.AdminNewPeriod)
	post("/admin/periods", policy.Review, h.AdminCreatePeriod)
	get("/admin/periods/:id", policy.Review, h.AdminPeriod)
	post("/admin/periods/:id", policy.Review, h.AdminUpdatePeriod)

	// The UN operational rates of exchange, kept by administrators.
	get("/admin/rates", policy.ManageRates, h.AdminRates)
	get("/admin/rates/new", policy.ManageRates, h.AdminNewRate)
	post("/admin/rates", policy.ManageRates, h.AdminCreateRate)
	get("/admin/partners", policy.ManagePartners, h.AdminPartners)
	get("/admin/partners/new", policy.ManagePartners, h.AdminNewPartner)
	post("/admin/partners", policy.ManagePartners, h.AdminSavePartner)
	get("/admin/partners/:slug", policy.ManagePartners, h.AdminEditPartner)
	post("/admin/partners/:slug", policy.ManagePartners, h.AdminSavePartner)
	get("/admin/rates/import", policy.ManageRates, h.AdminRateImportForm)
	post("/admin/rates/import", policy.ManageRates, h.AdminImportRates)
	get("/admin/rates/:currency/:month", policy.ManageRates, h.AdminRate)
	post("/admin/rates/:currency/:month", policy.ManageRates, h.AdminUpdateRate)

	// What the records the person may see add up to (the home page charts
	// the public ones).
	get("/dashboard", policy.UseAccount, h.Dashboard)

	// The signed-in user's own account.
	get("/account", policy.UseAccount, h.Account)
	get("/account/sessions/end-others", policy.UseAccount, h.ConfirmEndOtherSessions)
	post("/account/sessions/end-others", policy.UseAccount, h.EndOtherSessions)
	post("/account/notifications", policy.UseAccount, h.SaveNotificationSettings)
	// Personal access tokens for the read-only API: the person's own only
	// (the handlers answer 404 for another's); a new token's secret is shown
	// in the answer to its POST, once.
	get("/account/tokens", policy.UseAccount, h.AccessTokens)
	post("/account/tokens", policy.UseAccount, h.CreateAccessToken)
	get("/account/tokens/:id/revoke", policy.UseAccount, h.ConfirmRevokeAccessToken)
	post("/account/tokens/:id/revoke", policy.UseAccount, h.RevokeAccessToken)

	// The person's notifications (the handlers reach only their own).
	get("/notifications", policy.UseAccount, h.Notifications)
	post("/notifications/read-all", policy.UseAccount, h.ReadAllNotifications)
	post("/notifications/:id/open", policy.UseAccount, h.OpenNotification)
	post("/notifications/:id/read", policy.UseAccount, h.ReadNotification)

	// Administration.
	get("/admin/users", policy.ManageUsers, h.AdminUsers)
	get("/admin/users/:id", policy.ManageUsers, h.AdminUser)
	post("/admin/users/:id", policy.ManageUsers, h.AdminChangeUser)
	// Destructive actions are asked about on a page of their own (GET),
	// whose form makes them (POST).
	get("/admin/users/:id/disable", policy.ManageUsers, h.AdminConfirmDisableUser)
	get("/admin/users/:id/sessions/end", policy.ManageUsers, h.AdminConfirmEndUserSessions)
	post("/admin/users/:id/sessions/end", policy.ManageUsers, h.AdminEndUserSessions)
	get("/admin/invitations", policy.ManageUsers, h.AdminInvitations)
	get("/admin/invitations/new", policy.ManageUsers, h.AdminNewInvitation)
	post("/admin/invitations", policy.ManageUsers, h.AdminCreateInvitation)
	get("/admin/invitations/:id/revoke", policy.ManageUsers, h.AdminConfirmRevokeInvitation)
	post("/admin/invitations/:id/revoke", policy.ManageUsers, h.AdminRevokeInvitation)
	get("/admin/audit", policy.ReadAudit, h.AdminAudit)
	get("/admin/jobs", policy.ManageJobs, h.AdminJobs)
	post("/admin/jobs/:id/retry", policy.ManageJobs, h.AdminRetryJob)
}
