package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/auth"
)

// routes lists every route, in the order of openapi/openapi.yaml. A test
// compares this table with the document and fails on any difference.
func (h *Handlers) routes(app *fiber.App) {
	app.Get("/healthz", h.healthz)
	app.Get("/readyz", h.readyz)
	app.Get("/openapi.yaml", h.openapi)
	app.Get("/docs", h.docs)
	app.Get("/docs/*", h.docs) // the reference's own assets
	if !h.MetricsElsewhere {
		app.Get("/metrics", h.metrics) // else on SKILLGRID_METRICS_ADDR only
	}
	app.Get("/.well-known/jwks.json", h.jwks)
	app.Get("/verify/:code", h.verifyPage)

	signedIn := h.authenticate()
	admin := only(auth.Admin)
	v1 := app.Group("/v1", refuseBadText, h.query.refuseUnknown)

	v1.Post("/auth/register", h.register)
	v1.Post("/auth/login", h.login)
	v1.Post("/auth/refresh", h.refresh)
	v1.Post("/auth/logout", h.logout)
	v1.Post("/auth/password-reset", h.requestPasswordReset)
	v1.Post("/auth/password-reset/confirm", h.confirmPasswordReset)

	v1.Get("/me", signedIn, h.me)
	v1.Patch("/me", signedIn, h.updateMe)
	v1.Delete("/me", signedIn, h.eraseMe)
	v1.Post("/me/password", signedIn, h.changePassword)
	v1.Get("/me/notifications", signedIn, h.myNotifications)
	v1.Post("/me/notifications/read-all", signedIn, h.readAllNotifications)
	v1.Post("/me/notifications/:id/read", signedIn, h.readNotification)

	v1.Post("/users", signedIn, admin, h.createUser)
	v1.Get("/users", signedIn, admin, h.listUsers)
	v1.Patch("/users/:id", signedIn, admin, h.updateUser)
	v1.Delete("/users/:id", signedIn, admin, h.eraseUser)

	v1.Get("/companies", signedIn, admin, h.listCompanies)
	v1.Post("/companies/:id/approve", signedIn, admin, h.approveCompany)
	v1.Post("/companies/:id/reject", signedIn, admin, h.rejectCompany)

	maybeSignedIn := h.maybeSignedIn()
	v1.Get("/levels", h.listLevels)
	v1.Get("/tracks", h.listTracks)
	v1.Post("/tracks", signedIn, admin, h.createTrack)
	v1.Get("/courses", maybeSignedIn, h.listCourses)
	v1.Post("/courses", signedIn, admin, h.createCourse)
	v1.Get("/courses/:id", maybeSignedIn, h.getCourse)
	v1.Patch("/courses/:id", signedIn, admin, h.updateCourse)
	v1.Post("/courses/:id/cohorts", signedIn, admin, h.createCohort)
	v1.Get("/cohorts", maybeSignedIn, h.listCohorts)
	v1.Get("/cohorts/:id", maybeSignedIn, h.getCohort)
	v1.Patch("/cohorts/:id", signedIn, admin, h.updateCohort)
	v1.Post("/cohorts/:id/cancel", signedIn, admin, h.cancelCohort)
	v1.Get("/me/cohorts", signedIn, only(auth.Instructor), h.myCohorts)
	v1.Get("/me/recommendations", signedIn, only(auth.Trainee), h.recommendations)
	v1.Post("/trainees/:id/placements", signedIn, admin, h.createPlacement)

	trainee := only(auth.Trainee)
	v1.Post("/cohorts/:id/enrolments", signedIn, only(auth.Trainee, auth.Admin), h.enrol)
	v1.Get("/cohorts/:id/enrolments", signedIn, only(auth.Instructor, auth.Admin), h.roster)
	v1.Get("/me/enrolments", signedIn, trainee, h.myEnrolments)
	v1.Get("/enrolments/:id", signedIn, h.getEnrolment)
	v1.Post("/enrolments/:id/withdraw", signedIn, only(auth.Trainee, auth.Admin), h.withdraw)

	overseer := only(auth.Instructor, auth.Admin)
	v1.Post("/cohorts/:id/sessions", signedIn, admin, h.createSessions)
	v1.Get("/cohorts/:id/sessions", maybeSignedIn, h.listSessions)
	v1.Patch("/sessions/:id", signedIn, admin, h.updateSession)
	v1.Post("/sessions/:id/cancel", signedIn, admin, h.cancelSession)
	v1.Put("/sessions/:id/attendance", signedIn, overseer, h.putAttendance)
	v1.Get("/sessions/:id/check-in-code", signedIn, overseer, h.checkInCode)
	v1.Post("/sessions/:id/check-in", signedIn, trainee, h.checkIn)
	v1.Get("/enrolments/:id/attendance", signedIn, h.enrolmentAttendance)
	v1.Get("/cohorts/:id/calendar.ics", maybeSignedIn, h.cohortCalendar)
	v1.Post("/me/calendar-feed", signedIn, h.issueCalendarFeed)
	v1.Get("/calendar/:token.ics", h.calendarFeed)

	v1.Post("/cohorts/:id/results", signedIn, only(auth.Instructor, auth.Admin), h.recordResults)
	v1.Get("/me/certificates", signedIn, trainee, h.myCertificates)
	v1.Get("/me/transcript", signedIn, trainee, h.transcript)
	v1.Get("/me/transcript.csv", signedIn, trainee, h.exportTranscript(csvFile))
	v1.Get("/me/transcript.xlsx", signedIn, trainee, h.exportTranscript(xlsxFile))
	// Before /certificates/:code, which would take the .pdf as the code's.
	v1.Get("/certificates/:code.pdf", h.certificatePDF)
	v1.Get("/certificates/:code", h.verifyCertificate)
	v1.Post("/certificates/:code/revoke", signedIn, admin, h.revokeCertificate)
	v1.Get("/certificates/:code/credential", h.credential)
	v1.Get("/issuer", h.issuer)
	v1.Get("/status-lists/:id", h.statusList)

	v1.Get("/reports/programme", signedIn, admin, h.programmeReport)
	v1.Get("/reports/programme.csv", signedIn, admin, h.exportProgrammeReport(csvFile))
	v1.Get("/reports/programme.xlsx", signedIn, admin, h.exportProgrammeReport(xlsxFile))
	v1.Get("/reports/cohorts/:id", signedIn, only(auth.Instructor, auth.Admin), h.cohortReport)
	v1.Get("/audit-events", signedIn, admin, h.auditEvents)

	company, searcher := only(auth.Company), only(auth.Company, auth.Admin)
	v1.Get("/graduates", signedIn, searcher, h.poolOpen, h.listGraduates)
	// Before /graduates/:id, which a reader might think would take them.
	v1.Get("/graduates.csv", signedIn, searcher, h.poolOpen, h.exportGraduates(csvFile))
	v1.Get("/graduates.xlsx", signedIn, searcher, h.poolOpen, h.exportGraduates(xlsxFile))
	v1.Get("/graduates/:id", signedIn, searcher, h.poolOpen, h.getGraduate)
	v1.Post("/graduates/:id/contact-requests", signedIn, company, h.poolOpen, h.sendContactRequest)
	v1.Get("/contact-requests", signedIn, company, h.poolOpen, h.sentContactRequests)
	v1.Post("/contact-requests/:id/hire", signedIn, company, h.poolOpen, h.hire)
	v1.Get("/me/contact-requests", signedIn, trainee, h.receivedContactRequests)
	v1.Post("/contact-requests/:id/accept", signedIn, trainee, h.acceptContactRequest)
	v1.Post("/contact-requests/:id/decline", signedIn, trainee, h.declineContactRequest)

	v1.Get("/events", signedIn, admin, h.eventLog)
	v1.Post("/webhooks", signedIn, admin, h.createWebhook)
	v1.Get("/webhooks", signedIn, admin, h.listWebhooks)
	v1.Patch("/webhooks/:id", signedIn, admin, h.updateWebhook)
	v1.Delete("/webhooks/:id", signedIn, admin, h.deleteWebhook)
	v1.Get("/webhooks/:id/deliveries", signedIn, admin, h.webhookDeliveries)
	v1.Post("/webhooks/:id/deliveries/:delivery_id/redeliver", signedIn, admin, h.redeliver)
	v1.Post("/me/employment", signedIn, trainee, h.reportEmployment)
	v1.Post("/enrolments/:id/survey", signedIn, trainee, h.rateEnrolment)
	v1.Get("/reports/outcomes", signedIn, admin, h.outcomesReport)
	v1.Get("/reports/outcomes.csv", signedIn, admin, h.exportOutcomesReport(csvFile))
	v1.Get("/reports/outcomes.xlsx", signedIn, admin, h.exportOutcomesReport(xlsxFile))

	v1.Get("/me/export", signedIn, h.exportMe)
	v1.Get("/me/consents", signedIn, h.myConsents)
	v1.Get("/me/profile-views", signedIn, trainee, h.myProfileViews)
	demandReader := only(auth.Company, auth.Admin, auth.Trainee)
	v1.Post("/demands", signedIn, company, h.poolOpen, h.createDemand)
	v1.Get("/demands", signedIn, demandReader, h.listDemands)
	v1.Get("/demands/:id", signedIn, demandReader, h.getDemand)
	v1.Patch("/demands/:id", signedIn, only(auth.Company, auth.Admin), h.poolOpen, h.updateDemand)
	v1.Post("/demands/:id/close", signedIn, only(auth.Company, auth.Admin), h.poolOpen, h.closeDemand)
	v1.Get("/demands/:id/matches", signedIn, only(auth.Company, auth.Admin), h.poolOpen, h.demandMatches)
	v1.Get("/reports/demand", signedIn, admin, h.demandReport)
	v1.Get("/reports/demand.csv", signedIn, admin, h.exportDemandReport(csvFile))
	v1.Get("/reports/demand.xlsx", signedIn, admin, h.exportDemandReport(xlsxFile))
}
