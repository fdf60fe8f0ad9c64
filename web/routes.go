package web

// routes lists every route tropa serves; mux keeps those of its site.
func (s *Server) routes(mux siteMux) {
	mux.Handle("GET /static/", s.page(s.static))
	mux.HandleFunc("GET /health", s.health)

	// The applicant site.
	mux.Handle("GET /{$}", s.page(s.requestForm))
	mux.Handle("POST /{$}", s.page(s.requestSubmit))
	mux.Handle("GET /check", s.page(s.receiptForm))
	mux.Handle("POST /check", s.page(s.receiptCheck))
	mux.Handle("POST /check/reply", s.page(s.receiptReply))
	mux.Handle("POST /check/erase-contact", s.page(s.receiptEraseContact))
	mux.Handle("GET /channels", s.page(s.channelsShow))
	mux.Handle("GET /channels.txt", s.page(s.channelsFile))
	if s.TelegramWebhook != nil {
		mux.Handle("POST /telegram", s.TelegramWebhook)
	}
	if s.DemoChat != nil {
		mux.Handle("GET /demo/telegram", s.page(s.demoChatShow))
		mux.Handle("POST /demo/telegram", s.page(s.demoChatWrite))
		mux.Handle("POST /demo/telegram/press", s.page(s.demoChatPress))
	}

	// The JSON API.
	mux.Handle("GET /api/v1/challenge", s.api(s.apiChallengeIssue))
	mux.Handle("POST /api/v1/requests", s.api(s.apiRequestSubmit))
	mux.Handle("GET /api/v1/requests/self", s.api(s.apiRequestSelf))
	mux.Handle("POST /api/v1/requests/self/messages", s.api(s.apiRequestReply))

	// The staff site: logging in.
	mux.Handle("GET /staff/{$}", s.staff(s.staffHome))
	mux.Handle("GET /staff/login", s.page(s.loginForm))
	mux.Handle("POST /staff/login", s.page(s.login))
	mux.Handle("POST /staff/logout", s.withSession("", s.logout))
	mux.Handle("GET /staff/totp", s.enrolling(s.totpForm))
	mux.Handle("POST /staff/totp", s.enrolling(s.totpConfirm))

	// Casework.
	mux.Handle("GET /staff/inbox", s.staff(s.queue))
	mux.Handle("GET /staff/find", s.staff(s.caseFind))
	mux.Handle("GET /staff/search", s.staff(s.searchForm))
	mux.Handle("POST /staff/search", s.staff(s.caseSearch))
	mux.Handle("GET /staff/calls", s.staff(s.callDesk))
	mux.Handle("POST /staff/calls", s.staff(s.callTake))
	mux.Handle("POST /staff/calls/returning", s.staff(s.callAdd))
	mux.Handle("GET /staff/requests/{id}", s.staff(s.caseShow))
	mux.Handle("GET /staff/requests/{id}/attachments/{attachment}", s.staff(s.attachmentDownload))
	mux.Handle("POST /staff/requests/{id}/reply", s.staff(s.caseReply))
	mux.Handle("POST /staff/requests/{id}/note", s.staff(s.caseNote))
	mux.Handle("POST /staff/requests/{id}/triage", s.staff(s.caseTriage))
	mux.Handle("POST /staff/requests/{id}/change", s.staff(s.caseChange))
	mux.Handle("POST /staff/requests/{id}/details", s.staff(s.caseDetails))
	mux.Handle("POST /staff/requests/{id}/left", s.staff(s.caseLeftUnit))
	mux.Handle("POST /staff/requests/{id}/deadlines", s.staff(s.deadlineAdd))
	mux.Handle("POST /staff/requests/{id}/deadlines/{deadline}/done", s.staff(s.deadlineDone))
	mux.Handle("POST /staff/requests/{id}/legal", s.staff(s.legalAdd))
	mux.Handle("POST /staff/requests/{id}/legal/{process}/steps", s.staff(s.legalStepSave))
	mux.Handle("POST /staff/requests/{id}/legal/{process}/steps/{step}", s.staff(s.legalStepSave))
	mux.Handle("POST /staff/requests/{id}/assign", s.staff(s.caseAssign))
	mux.Handle("POST /staff/requests/{id}/refer", s.staff(s.caseRefer))
	mux.Handle("POST /staff/requests/{id}/holders/{staff}/remove", s.staff(s.holderRemove))
	mux.Handle("POST /staff/requests/{id}/link", s.staff(s.caseLink))
	mux.Handle("POST /staff/requests/{id}/erase-contact", s.staff(s.caseEraseContact))
	mux.Handle("POST /staff/requests/{id}/keep-closed", s.staff(s.caseKeepClosed))

	// People, one's own account, settings and figures.
	mux.Handle("GET /staff/people", s.staff(s.peopleList))
	mux.Handle("POST /staff/people/{id}/deactivate", s.staff(s.personDeactivate))
	mux.Handle("POST /staff/people/{id}/reset-totp", s.staff(s.personResetTOTP))
	mux.Handle("POST /staff/people/{id}/suspect", s.staff(s.personSuspect))
	mux.Handle("GET /staff/account", s.staff(s.accountShow))
	mux.Handle("POST /staff/account/password", s.staff(s.passwordChange))
	mux.Handle("POST /staff/account/keys", s.staff(s.keysRotate))
	mux.Handle("POST /staff/account/sessions/{id}/end", s.staff(s.sessionEnd))
	mux.Handle("POST /staff/account/sessions/end-others", s.staff(s.sessionsEndOthers))
	mux.Handle("GET /staff/account/notices", s.staff(s.noticesShow))
	mux.Handle("POST /staff/account/notices", s.staff(s.noticesSave))
	mux.Handle("POST /staff/account/notices/telegram", s.staff(s.noticesLink))
	mux.Handle("GET /staff/settings", s.staff(s.settingsShow))
	mux.Handle("POST /staff/settings/wanted", s.staff(s.wantedSet))
	mux.Handle("POST /staff/settings/retention", s.staff(s.retentionSet))
	mux.Handle("POST /staff/settings/proof", s.staff(s.proofSet))
	mux.Handle("POST /staff/settings/figures", s.staff(s.figuresSet))
	mux.Handle("POST /staff/settings/terms/{list}", s.staff(s.termAdd))
	mux.Handle("POST /staff/settings/terms/{list}/{key}", s.staff(s.termRename))
	mux.Handle("GET /staff/stats", s.staff(s.statsShow))
	mux.Handle("GET /staff/stats.csv", s.staff(s.statsExport(StatsExport.WriteCSV, "text/csv; charset=utf-8", "csv")))
	mux.Handle("GET /staff/stats.json", s.staff(s.statsExport(StatsExport.WriteJSON, "application/json", "json")))
	mux.Handle("GET /staff/stats/series", s.staff(s.seriesList))
	mux.Handle("POST /staff/stats/series", s.staff(s.seriesImport))
	mux.Handle("POST /staff/stats/series/delete", s.staff(s.seriesDelete))
	mux.Handle("POST /staff/settings/zone", s.staff(s.orgZoneSet))
	mux.Handle("POST /staff/account/zone", s.staff(s.ownZoneSet))
	mux.Handle("GET /staff/audit", s.staff(s.auditShow))
	mux.Handle("GET /staff/audit.csv", s.staff(s.auditExport))

	// The team on the web: adding people, first logins, forgotten
	// passwords and the organization's identity.
	mux.Handle("GET /staff/enrol", s.page(s.enrolForm))
	mux.Handle("POST /staff/enrol", s.page(s.enrol))
	mux.Handle("POST /staff/people", s.staff(s.personAdd))
	mux.Handle("POST /staff/people/{id}/reset-password", s.staff(s.personResetPassword))
	mux.Handle("GET /staff/people/{id}/regrant", s.staff(s.regrantList))
	mux.Handle("POST /staff/people/{id}/regrant", s.staff(s.regrantSave))
	mux.Handle("POST /staff/settings/identity", s.staff(s.identitySet))

	// Shelters and the stays booked in them.
	mux.Handle("GET /staff/shelters", s.staff(s.shelterList))
	mux.Handle("POST /staff/shelters", s.staff(s.shelterAdd))
	mux.Handle("POST /staff/shelters/{id}/grant", s.staff(s.shelterGrant))
	mux.Handle("POST /staff/requests/{id}/stays", s.staff(s.stayBook))
	mux.Handle("POST /staff/requests/{id}/stays/{stay}", s.staff(s.stayChange))
	// Safe-surrender meetings.
	mux.Handle("GET /staff/meetings", s.staff(s.meetingBoard))
	mux.Handle("POST /staff/requests/{id}/meetings", s.staff(s.meetingArrange))
	mux.Handle("POST /staff/requests/{id}/meetings/{meeting}/state", s.staff(s.meetingMove))
	mux.Handle("POST /staff/requests/{id}/meetings/{meeting}/window", s.staff(s.meetingReschedule))
	mux.Handle("POST /staff/requests/{id}/meetings/{meeting}/send", s.staff(s.meetingSend))

	mux.Handle("/", s.page(notFound))
}

// uploadRoutes take forms with photos, and so larger bodies (see limitBody).
var uploadRoutes = map[string]bool{"POST /{$}": true, "POST /check/reply": true}
