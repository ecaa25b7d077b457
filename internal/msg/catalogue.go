package msg

// The ids of the catalogue. An id is stable: clients never see it, but the
// texts are found by it, so rename one only together with every use.
const (
	// Problem titles, one per HTTP status the API answers.
	TitleBadRequest            ID = "title.bad_request"
	TitleUnauthorized          ID = "title.unauthorized"
	TitleForbidden             ID = "title.forbidden"
	TitleNotFound              ID = "title.not_found"
	TitleMethodNotAllowed      ID = "title.method_not_allowed"
	TitleNotAcceptable         ID = "title.not_acceptable"
	TitleRequestTimeout        ID = "title.request_timeout"
	TitleConflict              ID = "title.conflict"
	TitleTooLarge              ID = "title.too_large"
	TitleUnsupportedMedia      ID = "title.unsupported_media_type"
	TitleUnprocessable         ID = "title.unprocessable"
	TitleTooManyRequests       ID = "title.too_many_requests"
	TitleHeadersTooLarge       ID = "title.headers_too_large"
	TitleInternal              ID = "title.internal"
	TitleServiceUnavailable    ID = "title.service_unavailable"
	TitleOther                 ID = "title.other"
	InternalError              ID = "internal"
	InvalidFields              ID = "invalid_fields"
	RouteNotFound              ID = "http.route_not_found"
	MethodNotAllowed           ID = "http.method_not_allowed"
	NotAcceptable              ID = "http.not_acceptable"
	RequestTimeout             ID = "http.request_timeout"
	UnsupportedMedia           ID = "http.unsupported_media_type"
	HeadersTooLarge            ID = "http.headers_too_large"
	BadRequest                 ID = "http.bad_request"
	BodyTooLarge               ID = "http.body_too_large"
	Unavailable                ID = "http.unavailable"
	RateLimited                ID = "http.rate_limited"
	NULCharacter               ID = "http.nul_character"
	QueryNotUTF8               ID = "http.query_not_utf8"
	InvalidCursor              ID = "http.invalid_cursor"
	ParamNotInteger            ID = "http.param_not_integer"
	ParamNotBoolean            ID = "http.param_not_boolean"
	BodyRequired               ID = "json.body_required"
	BodyOneValue               ID = "json.one_value"
	BodyMalformedAt            ID = "json.malformed_at"
	BodyNotObject              ID = "json.not_object"
	BodyWrongType              ID = "json.wrong_type"
	BodyEndsEarly              ID = "json.ends_early"
	BodyUnknownField           ID = "json.unknown_field"
	BodyNotJSON                ID = "json.not_json"
	JSONString                 ID = "json.type.string"
	JSONBoolean                ID = "json.type.boolean"
	JSONInteger                ID = "json.type.integer"
	JSONNumber                 ID = "json.type.number"
	JSONArray                  ID = "json.type.array"
	JSONObject                 ID = "json.type.object"
	NotFoundUser               ID = "not_found.user"
	NotFoundCompany            ID = "not_found.company"
	NotFoundTrainee            ID = "not_found.trainee"
	NotFoundTrack              ID = "not_found.track"
	NotFoundCourse             ID = "not_found.course"
	NotFoundCohort             ID = "not_found.cohort"
	NotFoundEnrolment          ID = "not_found.enrolment"
	NotFoundCertificate        ID = "not_found.certificate"
	NotFoundGraduate           ID = "not_found.graduate"
	NotFoundContactRequest     ID = "not_found.contact_request"
	NotFoundDemand             ID = "not_found.demand"
	DemandClosed               ID = "demand.closed"
	DemandHeadcountBelowFilled ID = "demand.headcount_below_filled"
	HireDemandUnknown          ID = "demand.hire_demand_unknown"
	TokenRequired              ID = "auth.token_required"
	BadLogin                   ID = "auth.bad_login"
	TooManyLogins              ID = "auth.too_many_logins"
	RefreshInvalid             ID = "auth.refresh_invalid"
	RefreshExpired             ID = "auth.refresh_expired"
	RefreshReused              ID = "auth.refresh_reused"
	AccountDeactivated         ID = "auth.account_deactivated"
	TokenFromFuture            ID = "auth.token_from_future"
	TokenRoleStale             ID = "auth.token_role_stale"
	SessionEnded               ID = "auth.session_ended"
	SessionUnknown             ID = "auth.session_unknown"
	TokenTooLong               ID = "auth.token_too_long"
	ResetTokenInvalid          ID = "auth.reset_token_invalid"
	CurrentPasswordWrong       ID = "auth.current_password_wrong"
	UnknownParameters          ID = "http.unknown_parameters"
	UnknownParametersNone      ID = "http.unknown_parameters_none"
	AmbiguousLength            ID = "http.ambiguous_length"
	HashingBusy                ID = "auth.hashing_busy"
	RoleNotAllowed             ID = "auth.role_not_allowed"
	TraineesEnrolThemselves    ID = "auth.trainees_enrol_themselves"
	RoleMayNotEnrol            ID = "auth.role_may_not_enrol"
	CompanyNotApproved         ID = "auth.company_not_approved"
	EmailTaken                 ID = "account.email_taken"
	SelfDeactivation           ID = "account.self_deactivation"
	CompanyAlreadyApproved     ID = "account.company_already_approved"
	CompanyAlreadyRejected     ID = "account.company_already_rejected"
	TrackExists                ID = "catalogue.track_exists"
	CourseCodeTaken            ID = "catalogue.course_code_taken"
	CapacityBelowSeats         ID = "catalogue.capacity_below_seats"
	CapacityBelowSeatsTaken    ID = "catalogue.capacity_below_seats_taken"
	CourseArchived             ID = "catalogue.course_archived"
	CohortCancelled            ID = "catalogue.cohort_cancelled"
	CohortAlreadyCancelled     ID = "catalogue.cohort_already_cancelled"
	CohortFinished             ID = "catalogue.cohort_finished"
	AlreadyCompleted           ID = "catalogue.already_completed"
	LevelTooLow                ID = "catalogue.level_too_low"
	PrerequisiteMissing        ID = "catalogue.prerequisite_missing"
	AlreadyEnrolled            ID = "enrolment.already_enrolled"
	EnrolmentClosedMeanwhile   ID = "enrolment.closed_meanwhile"
	EnrolmentCohortCancelled   ID = "enrolment.cohort_cancelled"
	EnrolmentNotPublished      ID = "enrolment.not_published"
	EnrolmentOpensAt           ID = "enrolment.opens_at"
	EnrolmentClosedAt          ID = "enrolment.closed_at"
	EnrolmentIs                ID = "enrolment.is"
	EnrolmentChanged           ID = "enrolment.changed"
	CohortStartedNoWithdraw    ID = "enrolment.cohort_started"
	ResultsCohortCancelled     ID = "results.cohort_cancelled"
	ResultsNotStarted          ID = "results.cohort_not_started"
	ResultFinal                ID = "results.final"
	CertificateRevoked         ID = "results.certificate_revoked"
	ContactRequestOpen         ID = "pool.contact_request_open"
	ContactRequestAnsweredAs   ID = "pool.contact_request_answered_as"
	ContactRequestAnswered     ID = "pool.contact_request_answered"
	AlreadyHired               ID = "pool.already_hired"
	HireNeedsAcceptance        ID = "pool.hire_needs_acceptance"
	NotFoundStatusList         ID = "not_found.status_list"
	NoSigningKey               ID = "credentials.no_signing_key"
	NCSCodeFormat              ID = "field.ncs_code_format"
	NCSUnitRepeats             ID = "field.ncs_unit_repeats"

	// The certificate's page and printable certificate.
	CertPageTitle       ID = "cert.page_title"
	CertHeading         ID = "cert.heading"
	CertCertifies       ID = "cert.certifies"
	CertValid           ID = "cert.valid"
	CertRevoked         ID = "cert.revoked"
	CertHolder          ID = "cert.holder"
	CertCourse          ID = "cert.course"
	CertLevel           ID = "cert.level"
	CertHours           ID = "cert.hours"
	CertIssuedOn        ID = "cert.issued_on"
	CertCode            ID = "cert.code"
	CertNCS             ID = "cert.ncs"
	CertNCSUnit         ID = "cert.ncs_unit"
	CertIssuer          ID = "cert.issuer"
	CertHowToCheck      ID = "cert.how_to_check"
	CertHowToCheckSteps ID = "cert.how_to_check_steps"
	CertScanToVerify    ID = "cert.scan_to_verify"
	CertNotFound        ID = "cert.not_found"

	// Field messages: each follows the field's name in errors[].
	FieldRequired            ID = "field.required"
	FieldEmail               ID = "field.email"
	FieldOneOf               ID = "field.one_of"
	FieldMinChars            ID = "field.min_chars"
	FieldMaxChars            ID = "field.max_chars"
	FieldMinItems            ID = "field.min_items"
	FieldMaxItems            ID = "field.max_items"
	FieldMin                 ID = "field.min"
	FieldMax                 ID = "field.max"
	FieldGreater             ID = "field.greater"
	FieldLess                ID = "field.less"
	FieldBetween             ID = "field.between"
	FieldID                  ID = "field.id"
	FieldDate                ID = "field.date"
	FieldDateRange           ID = "field.date_in_range"
	FieldInstant             ID = "field.instant"
	FieldInstantOrDate       ID = "field.instant_or_date"
	FieldNotBlank            ID = "field.not_blank"
	FieldInvalid             ID = "field.invalid"
	FieldInvalidTag          ID = "field.invalid_tag"
	FieldNotNullKeep         ID = "field.not_null_keep"
	FieldNotNull             ID = "field.not_null"
	PasswordTooShort         ID = "field.password_too_short"
	PasswordTooLong          ID = "field.password_too_long"
	RoleTraineeOrCompany     ID = "field.role_trainee_or_company"
	RoleStaffRegisterSelf    ID = "field.role_staff_register_self"
	RoleStaff                ID = "field.role_staff"
	CompanyNameRequired      ID = "field.company_name_required"
	TraineeOnlyField         ID = "field.trainee_only"
	TraineeIDRequired        ID = "field.trainee_id_required"
	NotATrainee              ID = "field.not_a_trainee"
	NotAnActiveTrainee       ID = "field.not_an_active_trainee"
	UnknownTrack             ID = "field.unknown_track"
	TrackCodeFormat          ID = "field.track_code_format"
	CourseCodeFormat         ID = "field.course_code_format"
	OwnPrerequisite          ID = "field.own_prerequisite"
	NoSuchCourse             ID = "field.no_such_course"
	PrerequisiteAbove        ID = "field.prerequisite_above"
	LevelBelowPrerequisite   ID = "field.level_below_prerequisite"
	PrerequisiteCycle        ID = "field.prerequisite_cycle"
	LevelAboveDependent      ID = "field.level_above_dependent"
	NoSuchInstructor         ID = "field.no_such_instructor"
	NotAnInstructor          ID = "field.not_an_instructor"
	InstructorDeactivated    ID = "field.instructor_deactivated"
	EndsBeforeStarts         ID = "field.ends_before_starts"
	ClosesBeforeOpens        ID = "field.closes_before_opens"
	ClosesAfterEnd           ID = "field.closes_after_end"
	ResultRepeats            ID = "field.result_repeats"
	NotEnrolmentOfCohort     ID = "field.not_enrolment_of_cohort"
	ResultForStatus          ID = "field.result_for_status"
	HoursAboveCourse         ID = "field.hours_above_course"
	CorrectionReasonRequired ID = "field.correction_reason_required"
	TooManySkills            ID = "field.too_many_skills"
	ToBeforeFrom             ID = "field.to_before_from"

	// Recommendation reasons (GET /v1/me/recommendations).
	ReasonNextLevel    ID = "reason.next_level"
	ReasonSameLevel    ID = "reason.same_level"
	ReasonNewTrack     ID = "reason.new_track"
	ReasonRefresher    ID = "reason.refresher"
	ReasonPrerequisite ID = "reason.prerequisite_done"
	ReasonSeatsLeft    ID = "reason.seats_left"
	ReasonWaitlist     ID = "reason.waitlist"

	// Sessions, the register, check-in and calendars.
	NotFoundSession         ID = "not_found.session"
	NotFoundCalendar        ID = "not_found.calendar"
	SessionCancelled        ID = "attendance.session_cancelled"
	SessionNotStarted       ID = "attendance.session_not_started"
	SessionEndsBeforeStart  ID = "attendance.ends_before_start"
	SessionOutsideCohort    ID = "attendance.outside_cohort"
	SessionHoursAboveLength ID = "attendance.hours_above_length"
	SessionOverlap          ID = "attendance.overlap"
	TooManySessions         ID = "attendance.too_many_sessions"
	NoSessionsInPattern     ID = "attendance.no_sessions_in_pattern"
	RecordRepeats           ID = "attendance.record_repeats"
	RegisterClosed          ID = "attendance.register_closed"
	RecordForStatus         ID = "attendance.record_for_status"
	HoursFromRegister       ID = "attendance.hours_from_register"
	CheckInClosed           ID = "attendance.check_in_closed"
	CheckInNoSeat           ID = "attendance.check_in_no_seat"
	CheckInCodeInvalid      ID = "attendance.check_in_code_invalid"
	CheckInTooMany          ID = "attendance.check_in_too_many"
	SessionsOutsideDates    ID = "attendance.sessions_outside_dates"
	// Notifications, e-mail and webhooks.
	NoteEnrolledTitle           ID = "notify.enrolment.enrolled.title"
	NoteEnrolledBody            ID = "notify.enrolment.enrolled.body"
	NoteWaitlistedTitle         ID = "notify.enrolment.waitlisted.title"
	NoteWaitlistedBody          ID = "notify.enrolment.waitlisted.body"
	NotePromotedTitle           ID = "notify.enrolment.promoted.title"
	NotePromotedBody            ID = "notify.enrolment.promoted.body"
	NoteWithdrawnTitle          ID = "notify.enrolment.withdrawn.title"
	NoteWithdrawnBody           ID = "notify.enrolment.withdrawn.body"
	NoteEnrolmentCancelledTitle ID = "notify.enrolment.cancelled.title"
	NoteEnrolmentCancelledBody  ID = "notify.enrolment.cancelled.body"
	NoteCohortChangedTitle      ID = "notify.cohort.changed.title"
	NoteCohortChangedBody       ID = "notify.cohort.changed.body"
	NoteCohortCancelledTitle    ID = "notify.cohort.cancelled.title"
	NoteCohortCancelledBody     ID = "notify.cohort.cancelled.body"
	NoteSessionChangedTitle     ID = "notify.session.changed.title"
	NoteSessionChangedBody      ID = "notify.session.changed.body"
	NoteAtRiskTitle             ID = "notify.attendance.at_risk.title"
	NoteAtRiskBody              ID = "notify.attendance.at_risk.body"
	NoteCompletedTitle          ID = "notify.result.completed.title"
	NoteCompletedBody           ID = "notify.result.completed.body"
	NoteFailedTitle             ID = "notify.result.failed.title"
	NoteFailedBody              ID = "notify.result.failed.body"
	NoteCertificateIssuedTitle  ID = "notify.certificate.issued.title"
	NoteCertificateIssuedBody   ID = "notify.certificate.issued.body"
	NoteCertificateRevokedTitle ID = "notify.certificate.revoked.title"
	NoteCertificateRevokedBody  ID = "notify.certificate.revoked.body"
	NoteContactReceivedTitle    ID = "notify.contact_request.received.title"
	NoteContactReceivedBody     ID = "notify.contact_request.received.body"
	NoteContactAcceptedTitle    ID = "notify.contact_request.accepted.title"
	NoteContactAcceptedBody     ID = "notify.contact_request.accepted.body"
	NoteContactDeclinedTitle    ID = "notify.contact_request.declined.title"
	NoteContactDeclinedBody     ID = "notify.contact_request.declined.body"
	NoteHireTitle               ID = "notify.hire.recorded.title"
	NoteHireBody                ID = "notify.hire.recorded.body"
	NoteCompanyApprovedTitle    ID = "notify.company.approved.title"
	NoteCompanyApprovedBody     ID = "notify.company.approved.body"
	NoteCompanyRejectedTitle    ID = "notify.company.rejected.title"
	NoteCompanyRejectedBody     ID = "notify.company.rejected.body"
	NoteDemandMatchedTitle      ID = "notify.demand.matched.title"
	NoteDemandMatchedBody       ID = "notify.demand.matched.body"
	NoteResetTitle              ID = "notify.password.reset_requested.title"
	NoteResetBody               ID = "notify.password.reset_requested.body"
	NoteWebhookDisabledTitle    ID = "notify.webhook.disabled.title"
	NoteWebhookDisabledBody     ID = "notify.webhook.disabled.body"
	MailResetLink               ID = "mail.reset_link"
	MailOpenLink                ID = "mail.open_link"
	MailFooter                  ID = "mail.footer"
	WebhookURLScheme            ID = "webhook.url_scheme"
	WebhookURLPrivate           ID = "webhook.url_private"
	WebhookURLUnresolvable      ID = "webhook.url_unresolvable"
	UnknownEventType            ID = "events.unknown_type"
	NotFoundNotification        ID = "not_found.notification"
	NotFoundWebhook             ID = "not_found.webhook"
	NotFoundDelivery            ID = "not_found.delivery"
	// Outcomes and personal information (PIPA).
	EmploymentInFuture   ID = "outcomes.employment_in_future"
	SurveyNotFinished    ID = "outcomes.survey_not_finished"
	SurveyAlreadyGiven   ID = "outcomes.survey_already_given"
	ErasurePasswordWrong ID = "privacy.erasure_password_wrong"
	SelfErasureByAdmin   ID = "privacy.self_erasure_by_admin"
	ErasedHolder         ID = "privacy.erased_holder"
)

// catalogue holds every text in English and Korean. It is never written to.
var catalogue = map[ID]entry{
	TitleBadRequest:            {"Bad Request", "잘못된 요청"},
	TitleUnauthorized:          {"Unauthorized", "인증 필요"},
	TitleForbidden:             {"Forbidden", "권한 없음"},
	TitleNotFound:              {"Not Found", "찾을 수 없음"},
	TitleMethodNotAllowed:      {"Method Not Allowed", "허용되지 않는 메서드"},
	TitleNotAcceptable:         {"Not Acceptable", "제공할 수 없는 형식"},
	TitleRequestTimeout:        {"Request Timeout", "요청 시간 초과"},
	TitleConflict:              {"Conflict", "현재 상태와 충돌"},
	TitleTooLarge:              {"Request Entity Too Large", "요청 본문이 너무 큼"},
	TitleUnsupportedMedia:      {"Unsupported Media Type", "지원하지 않는 미디어 형식"},
	TitleUnprocessable:         {"Unprocessable Entity", "처리할 수 없는 요청"},
	TitleTooManyRequests:       {"Too Many Requests", "요청이 너무 많음"},
	TitleHeadersTooLarge:       {"Request Header Fields Too Large", "요청 헤더가 너무 큼"},
	TitleInternal:              {"Internal Server Error", "서버 내부 오류"},
	TitleServiceUnavailable:    {"Service Unavailable", "서비스를 사용할 수 없음"},
	TitleOther:                 {"HTTP {status}", "HTTP {status}"},
	InternalError:              {"an unexpected error occurred; it has been logged", "예기치 않은 오류가 발생했습니다. 오류는 기록되었습니다."},
	InvalidFields:              {"the request has invalid fields", "요청에 올바르지 않은 항목이 있습니다."},
	RouteNotFound:              {"this API has no {method} {path}", "이 API에는 {method} {path} 요청이 없습니다."},
	MethodNotAllowed:           {"this path does not take the {method} method", "이 경로는 {method} 메서드를 받지 않습니다."},
	NotAcceptable:              {"this endpoint cannot answer in a media type the Accept header allows", "이 엔드포인트는 Accept 헤더가 허용하는 미디어 형식으로 응답할 수 없습니다."},
	RequestTimeout:             {"the request took too long to arrive", "요청을 받는 데 시간이 너무 오래 걸렸습니다."},
	UnsupportedMedia:           {"the request body's media type is not supported", "요청 본문의 미디어 형식을 지원하지 않습니다."},
	HeadersTooLarge:            {"the request headers are too large", "요청 헤더가 너무 큽니다."},
	BadRequest:                 {"the request is malformed", "요청 형식이 잘못되었습니다."},
	BodyTooLarge:               {"the request body is larger than 1 MiB", "요청 본문이 1 MiB보다 큽니다."},
	Unavailable:                {"the database is unreachable or not migrated", "데이터베이스에 연결할 수 없거나 마이그레이션되지 않았습니다."},
	RateLimited:                {"too many requests; try again later", "요청이 너무 많습니다. 잠시 후 다시 시도하세요."},
	NULCharacter:               {"text may not contain the NUL character", "텍스트에는 NUL 문자를 넣을 수 없습니다."},
	QueryNotUTF8:               {"query parameters must be UTF-8 text", "쿼리 매개변수는 UTF-8 텍스트여야 합니다."},
	InvalidCursor:              {"cursor is not one this API returned", "이 API가 돌려준 cursor가 아닙니다."},
	ParamNotInteger:            {"{name} must be an integer", "{name} 값은 정수여야 합니다."},
	ParamNotBoolean:            {"{name} must be true or false", "{name} 값은 true 또는 false여야 합니다."},
	BodyRequired:               {"a JSON request body is required", "JSON 요청 본문이 필요합니다."},
	BodyOneValue:               {"the body must hold exactly one JSON value", "본문에는 JSON 값이 정확히 하나만 있어야 합니다."},
	BodyMalformedAt:            {"malformed JSON at byte {offset}: {error}", "{offset}번째 바이트에서 JSON 형식이 잘못되었습니다: {error}"},
	BodyNotObject:              {"the body must be a JSON object", "본문은 JSON 객체여야 합니다."},
	BodyWrongType:              {`field "{field}" must be {type}, not {value}`, `"{field}" 항목은 {type} 값이어야 합니다(받은 값: {value}).`},
	BodyEndsEarly:              {"the JSON body ends too early", "JSON 본문이 중간에 끝났습니다."},
	BodyUnknownField:           {`unknown field "{field}"`, `알 수 없는 항목입니다: "{field}"`},
	BodyNotJSON:                {"the body is not valid JSON", "본문이 올바른 JSON이 아닙니다."},
	JSONString:                 {"a string", "문자열"},
	JSONBoolean:                {"a boolean", "불리언"},
	JSONInteger:                {"an integer", "정수"},
	JSONNumber:                 {"a number", "숫자"},
	JSONArray:                  {"an array", "배열"},
	JSONObject:                 {"an object", "객체"},
	NotFoundUser:               {"user not found", "사용자를 찾을 수 없습니다."},
	NotFoundCompany:            {"company not found", "기업을 찾을 수 없습니다."},
	NotFoundTrainee:            {"trainee not found", "교육생을 찾을 수 없습니다."},
	NotFoundTrack:              {"track not found", "분야를 찾을 수 없습니다."},
	NotFoundCourse:             {"course not found", "과정을 찾을 수 없습니다."},
	NotFoundCohort:             {"cohort not found", "기수를 찾을 수 없습니다."},
	NotFoundEnrolment:          {"enrolment not found", "수강 신청을 찾을 수 없습니다."},
	NotFoundCertificate:        {"certificate not found", "수료증을 찾을 수 없습니다."},
	NotFoundGraduate:           {"graduate not found", "수료생을 찾을 수 없습니다."},
	NotFoundContactRequest:     {"contact request not found", "연락 요청을 찾을 수 없습니다."},
	NotFoundDemand:             {"demand not found", "채용 수요를 찾을 수 없습니다."},
	DemandClosed:               {"the demand is closed", "마감된 채용 수요입니다."},
	DemandHeadcountBelowFilled: {"the headcount cannot be less than the {filled} places already filled", "채용 인원은 이미 채용된 {filled}명보다 적을 수 없습니다."},
	HireDemandUnknown:          {"no demand of your company has this id", "이 ID의 자사 채용 수요가 없습니다."},
	TokenRequired:              {"a valid bearer access token is required", "유효한 Bearer 액세스 토큰이 필요합니다."},
	BadLogin:                   {"email or password is wrong", "이메일 또는 비밀번호가 올바르지 않습니다."},
	TooManyLogins:              {"too many failed logins; try again later", "로그인 실패가 너무 많습니다. 잠시 후 다시 시도하세요."},
	RefreshInvalid:             {"refresh token is not valid", "리프레시 토큰이 유효하지 않습니다."},
	RefreshExpired:             {"refresh token has expired", "리프레시 토큰이 만료되었습니다."},
	RefreshReused:              {"refresh token was already used; its session is revoked", "이미 사용된 리프레시 토큰입니다. 이 세션은 폐기되었습니다."},
	AccountDeactivated:         {"account is deactivated", "비활성화된 계정입니다."},
	TokenFromFuture:            {"token issued in the future", "발급 시각이 미래인 토큰입니다."},
	TokenRoleStale:             {"token role is stale", "토큰의 역할이 계정의 현재 역할과 다릅니다. 다시 로그인하세요."},
	SessionEnded:               {"the session has ended; sign in again", "세션이 종료되었습니다. 다시 로그인하세요."},
	SessionUnknown:             {"token session does not exist", "토큰의 세션이 존재하지 않습니다."},
	TokenTooLong:               {"token lives longer than this server's access tokens", "이 서버의 액세스 토큰보다 유효 기간이 긴 토큰입니다."},
	ResetTokenInvalid:          {"the reset token is used, expired or unknown", "비밀번호 재설정 토큰이 이미 사용되었거나 만료되었거나 알 수 없는 토큰입니다."},
	CurrentPasswordWrong:       {"the current password is wrong", "현재 비밀번호가 올바르지 않습니다."},
	UnknownParameters:          {"unknown query parameters: {names}; this operation takes only {allowed}", "알 수 없는 쿼리 매개변수입니다: {names}. 이 요청은 {allowed}만 받습니다."},
	UnknownParametersNone:      {"unknown query parameters: {names}; this operation takes no query parameters", "알 수 없는 쿼리 매개변수입니다: {names}. 이 요청은 쿼리 매개변수를 받지 않습니다."},
	AmbiguousLength:            {"a request may not carry both Content-Length and Transfer-Encoding", "요청에 Content-Length와 Transfer-Encoding을 함께 보낼 수 없습니다."},
	HashingBusy:                {"the server is busy checking passwords; try again shortly", "서버가 비밀번호를 확인하느라 바쁩니다. 잠시 후 다시 시도하세요."},
	RoleNotAllowed:             {"your role may not do this", "현재 역할로는 이 작업을 할 수 없습니다."},
	TraineesEnrolThemselves:    {"trainees enrol only themselves", "교육생은 본인만 수강 신청할 수 있습니다."},
	RoleMayNotEnrol:            {"your role may not enrol", "현재 역할로는 수강 신청을 할 수 없습니다."},
	CompanyNotApproved:         {"your company account is {status}: the graduate pool opens once an operator approves it", "기업 계정의 상태가 {status}입니다. 운영자가 승인한 기업만 수료생 인재풀을 이용할 수 있습니다."},
	EmailTaken:                 {"an account with this email already exists", "이 이메일로 가입된 계정이 이미 있습니다."},
	SelfDeactivation:           {"you cannot deactivate your own account", "자신의 계정은 비활성화할 수 없습니다."},
	CompanyAlreadyApproved:     {"the company is already approved", "이미 승인된 기업입니다."},
	CompanyAlreadyRejected:     {"the company is already rejected", "이미 반려된 기업입니다."},
	TrackExists:                {"a track with code {code} already exists", "코드가 {code}인 분야가 이미 있습니다."},
	CourseCodeTaken:            {"a course with code {code} already exists", "코드가 {code}인 과정이 이미 있습니다."},
	CapacityBelowSeats:         {"capacity cannot go below the seats taken", "정원을 이미 신청된 좌석 수보다 적게 줄일 수 없습니다."},
	CapacityBelowSeatsTaken:    {"capacity {capacity} is below the {taken} seats taken", "정원 {capacity}명은 이미 신청된 {taken}석보다 적습니다."},
	CourseArchived:             {"{course} is archived and takes no new cohorts", "{course} 과정은 보관되어 새 기수를 열 수 없습니다."},
	CohortCancelled:            {"the cohort is cancelled", "취소된 기수입니다."},
	CohortAlreadyCancelled:     {"the cohort is already cancelled", "이미 취소된 기수입니다."},
	CohortFinished:             {"the cohort has finished and cannot be cancelled", "이미 끝난 기수는 취소할 수 없습니다."},
	AlreadyCompleted:           {"you have already completed {course}", "{course} 과정을 이미 수료했습니다."},
	LevelTooLow:                {"{course} is level {level}: it needs level {needs} in {track}; you have {have}", "{course} 과정은 레벨 {level} 과정이라 {track} 분야 레벨 {needs} 이상이 필요합니다. 현재 레벨은 {have}입니다."},
	PrerequisiteMissing:        {"complete {courses} first", "먼저 {courses} 과정을 수료하세요."},
	AlreadyEnrolled:            {"the trainee already holds an active enrolment in this cohort", "이 교육생은 이미 이 기수에 수강 신청되어 있습니다."},
	EnrolmentClosedMeanwhile: {"enrolment closed while the request was being handled",
		"요청을 처리하는 사이에 수강 신청이 마감되었습니다."},
	EnrolmentCohortCancelled: {"the cohort was cancelled", "취소된 기수입니다."},
	EnrolmentNotPublished:    {"the course is not published", "공개되지 않은 과정입니다."},
	EnrolmentOpensAt:         {"enrolment opens at {at}", "수강 신청은 {at}에 시작됩니다."},
	EnrolmentClosedAt:        {"enrolment closed at {at}", "수강 신청은 {at}에 마감되었습니다."},
	EnrolmentIs:              {"the enrolment is {status}", "이 수강 신청은 진행 중이 아닙니다(상태: {status})."},
	EnrolmentChanged:         {"the enrolment changed; try again", "그사이 수강 신청이 바뀌었습니다. 다시 시도하세요."},
	CohortStartedNoWithdraw:  {"the cohort started on {date}; withdrawing is no longer possible", "기수가 {date}에 시작되어 이제 수강을 철회할 수 없습니다."},
	ResultsCohortCancelled:   {"the cohort was cancelled; it has no results", "취소된 기수라 결과가 없습니다."},
	ResultsNotStarted:        {"results can be recorded once the cohort starts on {date}", "결과는 기수가 시작하는 {date}부터 기록할 수 있습니다."},
	ResultFinal:              {"results are final once recorded; {rows} already have results (an admin may correct them)", "결과는 한 번 기록하면 확정됩니다. {rows}에는 이미 결과가 있습니다(관리자는 정정할 수 있습니다)."},
	CertificateRevoked:       {"the certificate is already revoked", "이미 취소된 수료증입니다."},
	ContactRequestOpen:       {"you already have an open contact request to this graduate; wait for their answer", "이 수료생에게 보낸 연락 요청이 아직 답변을 기다리고 있습니다. 답변을 기다려 주세요."},
	ContactRequestAnsweredAs: {"this contact request was already {status}", "이미 답변한 연락 요청입니다(상태: {status})."},
	ContactRequestAnswered:   {"this contact request was already answered", "이미 답변한 연락 요청입니다."},
	AlreadyHired:             {"a hire is already recorded for this contact request", "이 연락 요청에는 이미 채용이 기록되어 있습니다."},
	HireNeedsAcceptance:      {"a hire can be recorded only after the graduate accepts the contact request (it is {status})", "채용은 수료생이 연락 요청을 수락한 뒤에만 기록할 수 있습니다(현재 상태: {status})."},
	NotFoundStatusList:       {"status list not found", "상태 목록을 찾을 수 없습니다."},
	NoSigningKey:             {"the issuer has no {alg} signing key", "발급기관에 {alg} 서명 키가 없습니다."},
	NCSCodeFormat:            {"must be an NCS competency unit code such as 1903060101_17v2", "1903060101_17v2와 같은 NCS 능력단위 코드여야 합니다."},
	NCSUnitRepeats:           {"repeats ncs_units[{index}]", "ncs_units[{index}]와 중복됩니다."},
	CertPageTitle:            {"Certificate verification", "수료증 진위 확인"},
	CertHeading:              {"Certificate of Completion", "수료증"},
	CertCertifies:            {"This certifies that {name} has completed {course}.", "위 사람 {name}은(는) {course} 과정을 수료하였음을 증명합니다."},
	CertValid:                {"Valid: issued by {issuer} and not revoked.", "유효: {issuer}에서 발급하였으며 취소되지 않았습니다."},
	CertRevoked:              {"Revoked on {date}: this certificate is no longer valid.", "{date}에 취소되어 더 이상 유효하지 않은 수료증입니다."},
	CertHolder:               {"Holder", "수료자"},
	CertCourse:               {"Course", "과정"},
	CertLevel:                {"Level", "수준"},
	CertHours:                {"Hours", "교육 시간"},
	CertIssuedOn:             {"Issued on", "발급일"},
	CertCode:                 {"Certificate code", "수료증 번호"},
	CertNCS:                  {"NCS competency units", "NCS 능력단위"},
	CertNCSUnit:              {"{name} ({code}, NCS level {level})", "{name} ({code}, NCS {level}수준)"},
	CertIssuer:               {"Issuer", "발급기관"},
	CertHowToCheck:           {"Check the signed credential yourself", "서명된 디지털 수료증 직접 검증하기"},
	CertHowToCheckSteps:      {"This certificate is also an Open Badges 3.0 verifiable credential, signed by the issuer. Download it from {credential} and check its signature against the issuer's public keys at {jwks} with any JOSE library, or offline with: skillgrid verify --jwks {jwks} credential.jwt", "이 수료증은 발급기관이 서명한 Open Badges 3.0 검증 가능 자격증명이기도 합니다. {credential} 에서 내려받아 {jwks} 의 발급기관 공개키로 아무 JOSE 라이브러리에서나 서명을 확인하거나, 오프라인에서 다음 명령으로 확인하십시오: skillgrid verify --jwks {jwks} credential.jwt"},
	CertScanToVerify:         {"Scan to verify", "QR 코드로 진위 확인"},
	CertNotFound:             {"No certificate has this code. Check the code as printed on the certificate.", "이 번호의 수료증이 없습니다. 수료증에 인쇄된 번호를 확인하십시오."},

	FieldRequired:            {"is required", "필수 항목입니다."},
	FieldEmail:               {"must be an email address", "이메일 주소여야 합니다."},
	FieldOneOf:               {"must be one of: {values}", "다음 중 하나여야 합니다: {values}"},
	FieldMinChars:            {"must be at least {min} characters", "{min}자 이상이어야 합니다."},
	FieldMaxChars:            {"must be at most {max} characters", "{max}자 이하여야 합니다."},
	FieldMinItems:            {"must have at least {min} items", "{min}개 이상이어야 합니다."},
	FieldMaxItems:            {"must have at most {max} items", "{max}개 이하여야 합니다."},
	FieldMin:                 {"must be at least {min}", "{min} 이상이어야 합니다."},
	FieldMax:                 {"must be at most {max}", "{max} 이하여야 합니다."},
	FieldGreater:             {"must be greater than {min}", "{min}보다 커야 합니다."},
	FieldLess:                {"must be less than {max}", "{max}보다 작아야 합니다."},
	FieldBetween:             {"must be between {min} and {max}", "{min}에서 {max} 사이여야 합니다."},
	FieldID:                  {"must be an id", "ID 형식이어야 합니다."},
	FieldDate:                {"must be a date, YYYY-MM-DD", "날짜(YYYY-MM-DD)여야 합니다."},
	FieldDateRange:           {"must be a date, YYYY-MM-DD, in years 1 to 9999", "1년부터 9999년 사이의 날짜(YYYY-MM-DD)여야 합니다."},
	FieldInstant:             {"must be an RFC 3339 timestamp (e.g. 2026-03-02T09:00:00+09:00) in years 1 to 9999", "1년부터 9999년 사이의 RFC 3339 시각(예: 2026-03-02T09:00:00+09:00)이어야 합니다."},
	FieldInstantOrDate:       {"must be an RFC 3339 timestamp or a YYYY-MM-DD date", "RFC 3339 시각 또는 YYYY-MM-DD 날짜여야 합니다."},
	FieldNotBlank:            {"must not be blank", "비어 있으면 안 됩니다."},
	FieldInvalid:             {"is invalid", "올바르지 않습니다."},
	FieldInvalidTag:          {"is invalid ({rule})", "올바르지 않습니다({rule})."},
	FieldNotNullKeep:         {"must not be null; leave the field out to keep its value", "null일 수 없습니다. 값을 그대로 두려면 이 항목을 빼고 보내세요."},
	FieldNotNull:             {"must not be null", "null일 수 없습니다."},
	PasswordTooShort:         {"must be at least {min} characters", "{min}자 이상이어야 합니다."},
	PasswordTooLong:          {"must be at most {max} characters, got {got}", "{max}자 이하여야 합니다(현재 {got}자)."},
	RoleTraineeOrCompany:     {"must be trainee or company", "trainee 또는 company여야 합니다."},
	RoleStaffRegisterSelf:    {"must be instructor or admin; trainees and companies register themselves", "instructor 또는 admin이어야 합니다. 교육생과 기업은 직접 가입합니다."},
	RoleStaff:                {"must be instructor or admin", "instructor 또는 admin이어야 합니다."},
	CompanyNameRequired:      {"is required for a company", "기업 계정에는 필수입니다."},
	TraineeOnlyField:         {"only trainees have this field", "교육생만 쓰는 항목입니다."},
	TraineeIDRequired:        {"is required when an admin enrols a trainee", "관리자가 교육생을 수강 신청할 때는 필수입니다."},
	NotATrainee:              {"is not a trainee", "교육생이 아닙니다."},
	NotAnActiveTrainee:       {"is not an active trainee", "활성 상태의 교육생이 아닙니다."},
	UnknownTrack:             {`unknown track "{track}"; see GET /v1/tracks`, `알 수 없는 분야입니다: "{track}". GET /v1/tracks에서 확인하세요.`},
	TrackCodeFormat:          {"must be lower-case letters and digits, in words joined by hyphens (e.g. solid-state)", "영문 소문자와 숫자로 된 단어를 하이픈으로 이어야 합니다(예: solid-state)."},
	CourseCodeFormat:         {"must be letters and digits in parts joined by hyphens, at most 32 characters (e.g. BMS-301)", "영문자와 숫자로 된 부분을 하이픈으로 이은 32자 이하여야 합니다(예: BMS-301)."},
	OwnPrerequisite:          {"a course cannot be its own prerequisite", "과정은 자기 자신의 선수 과정이 될 수 없습니다."},
	NoSuchCourse:             {"no course has this id", "이 ID의 과정이 없습니다."},
	PrerequisiteAbove:        {"{course} is level {level}, above this course's level {own}", "{course} 과정은 레벨 {level}이라 이 과정의 레벨({own})보다 높습니다."},
	LevelBelowPrerequisite:   {"must be at least {level}: prerequisite {course} is level {level}", "{level} 이상이어야 합니다. 선수 과정 {course}의 레벨이 {level}입니다."},
	PrerequisiteCycle:        {"{prerequisite} already requires {course}, directly or through other courses: this would form a cycle", "{prerequisite} 과정이 이미 직접 또는 다른 과정을 거쳐 {course} 과정을 선수 과정으로 두고 있어 순환이 생깁니다."},
	LevelAboveDependent:      {"must be at most {level}: this course is a prerequisite of {course} (level {level})", "{level} 이하여야 합니다. 이 과정은 {course} 과정(레벨 {level})의 선수 과정입니다."},
	NoSuchInstructor:         {"no instructor has this id", "이 ID의 강사가 없습니다."},
	NotAnInstructor:          {"this user is not an instructor", "이 사용자는 강사가 아닙니다."},
	InstructorDeactivated:    {"this instructor's account is deactivated", "이 강사의 계정은 비활성화되어 있습니다."},
	EndsBeforeStarts:         {"must not be before starts_on", "starts_on보다 앞설 수 없습니다."},
	ClosesBeforeOpens:        {"must be after enrol_opens_at", "enrol_opens_at보다 뒤여야 합니다."},
	ClosesAfterEnd:           {"must not be after the cohort ends (the end of ends_on)", "기수가 끝나는 시각(ends_on 날짜의 끝)보다 뒤일 수 없습니다."},
	ResultRepeats:            {"repeats results[{index}]", "results[{index}]와 중복됩니다."},
	NotEnrolmentOfCohort:     {"is not an enrolment of this cohort", "이 기수의 수강 신청이 아닙니다."},
	ResultForStatus:          {"is {status}; only enrolled trainees get results", "상태가 {status}입니다. 결과는 수강 중(enrolled)인 교육생만 받을 수 있습니다."},
	HoursAboveCourse:         {"must be at most {hours}, the course's hours", "과정 시간인 {hours}시간 이하여야 합니다."},
	CorrectionReasonRequired: {"is required to change results already recorded", "이미 기록된 결과를 바꾸려면 필수입니다."},
	TooManySkills:            {"at most {max} skills", "기술은 최대 {max}개까지입니다."},
	ToBeforeFrom:             {"must not be before from", "from보다 앞설 수 없습니다."},

	ReasonNextLevel:    {"next level in {track} (you are level {level})", "{track} 분야의 다음 단계 (현재 레벨 {level})"},
	ReasonSameLevel:    {"at your level in {track} (level {level})", "{track} 분야의 현재 수준에 맞는 과정 (레벨 {level})"},
	ReasonNewTrack:     {"a starting point in {track}, a track new to you", "처음 접하는 {track} 분야의 출발점"},
	ReasonRefresher:    {"below your level {level} in {track}: a refresher", "{track} 분야 현재 레벨 {level}보다 낮은 복습 과정"},
	ReasonPrerequisite: {"prerequisite {course} completed", "선수 과정 {course} 수료 완료"},
	ReasonSeatsLeft:    {"{left} of {capacity} seats left; enrolment closes {at}", "정원 {capacity}명 중 {left}자리 남음, 수강 신청 마감 {at}"},
	ReasonWaitlist:     {"full: you would join the waitlist ({waiting} waiting)", "정원 마감: 신청하면 대기자 명단에 오릅니다(대기 {waiting}명)"},

	NotFoundSession:             {"session not found", "수업을 찾을 수 없습니다."},
	NotFoundCalendar:            {"calendar not found", "캘린더를 찾을 수 없습니다."},
	SessionCancelled:            {"the session was cancelled", "취소된 수업입니다."},
	SessionNotStarted:           {"the register of this session opens when it starts, {start}", "이 수업의 출석부는 수업이 시작하는 {start}부터 작성할 수 있습니다."},
	SessionEndsBeforeStart:      {"must be after the start", "시작 시각보다 뒤여야 합니다."},
	SessionOutsideCohort:        {"a session must lie within the cohort's dates, {from} to {to}; this one starts {start}", "수업은 기수 기간({from}~{to}) 안에 있어야 합니다. 이 수업은 {start}에 시작합니다."},
	SessionHoursAboveLength:     {"must not be more than the session's length", "수업 길이보다 길 수 없습니다."},
	SessionOverlap:              {"overlaps the cohort's session from {start} to {end}", "이 기수의 다른 수업({start}~{end})과 시간이 겹칩니다."},
	TooManySessions:             {"makes more than {max} sessions", "수업이 {max}개를 넘습니다."},
	NoSessionsInPattern:         {"makes no session: no listed weekday falls between from and to", "만들어지는 수업이 없습니다. from과 to 사이에 지정한 요일이 없습니다."},
	RecordRepeats:               {"repeats records[{index}]", "records[{index}]와 중복됩니다."},
	RegisterClosed:              {"has its results recorded; its register is closed", "결과가 이미 기록되어 출석부를 고칠 수 없습니다."},
	RecordForStatus:             {"is {status}; only enrolled trainees are on the register", "상태가 {status}입니다. 출석부에는 수강 중(enrolled)인 교육생만 오릅니다."},
	HoursFromRegister:           {"must not be sent: this cohort keeps a register, which computes the hours", "보내지 않아야 합니다. 이 기수는 출석부로 출석 시간을 계산합니다."},
	CheckInClosed:               {"check-in is open from {from} to {to}", "출석 체크는 {from}부터 {to}까지 할 수 있습니다."},
	CheckInNoSeat:               {"only trainees with a seat in this cohort check in", "이 기수의 수강생만 출석 체크를 할 수 있습니다."},
	CheckInCodeInvalid:          {"the code is wrong or has expired; enter the code shown now", "코드가 틀렸거나 만료되었습니다. 지금 보이는 코드를 입력하세요."},
	CheckInTooMany:              {"too many check-in attempts; try again later", "출석 체크 시도가 너무 많습니다. 잠시 후 다시 시도하세요."},
	SessionsOutsideDates:        {"the cohort has sessions from {first} to {last}; its dates must cover them (move or cancel those sessions first)", "이 기수에는 {first}부터 {last}까지 수업이 있어 기간이 이를 포함해야 합니다(먼저 해당 수업을 옮기거나 취소하세요)."},
	NoteEnrolledTitle:           {"Enrolled: {course}", "수강 확정: {course}"},
	NoteEnrolledBody:            {"You have a seat in {course} {cohort}.", "{course} {cohort}에 자리가 확정되었습니다."},
	NoteWaitlistedTitle:         {"Waitlisted: {course}", "대기자 등록: {course}"},
	NoteWaitlistedBody:          {"{course} {cohort} is full: you are number {waitlist_position} on the waitlist.", "{course} {cohort}의 정원이 찼습니다. 대기 순번은 {waitlist_position}번입니다."},
	NotePromotedTitle:           {"A seat for you: {course}", "자리가 났습니다: {course}"},
	NotePromotedBody:            {"A seat freed up in {course} {cohort} and it is yours: you are now enrolled.", "{course} {cohort}에 자리가 나서 수강이 확정되었습니다."},
	NoteWithdrawnTitle:          {"Withdrawn: {course}", "수강 취소: {course}"},
	NoteWithdrawnBody:           {"Your enrolment in {course} {cohort} is withdrawn.", "{course} {cohort} 수강 신청이 취소되었습니다."},
	NoteEnrolmentCancelledTitle: {"Cohort cancelled: {course}", "기수 취소: {course}"},
	NoteEnrolmentCancelledBody:  {"{course} {cohort} was cancelled, and your enrolment with it.", "{course} {cohort} 기수가 취소되어 수강 신청도 취소되었습니다."},
	NoteCohortChangedTitle:      {"Cohort changed: {cohort}", "기수 변경: {cohort}"},
	NoteCohortChangedBody:       {"{cohort} changed ({changes}); it runs from {starts_on} to {ends_on}.", "{cohort} 기수가 변경되었습니다({changes}). 기간은 {starts_on}부터 {ends_on}까지입니다."},
	NoteCohortCancelledTitle:    {"Cohort cancelled: {cohort}", "기수 취소: {cohort}"},
	NoteCohortCancelledBody:     {"{cohort} ({starts_on} to {ends_on}) was cancelled.", "{cohort} 기수({starts_on}~{ends_on})가 취소되었습니다."},
	NoteSessionChangedTitle:     {"Session changed", "수업 일정 변경"},
	NoteSessionChangedBody:      {"A session of your cohort changed; see its schedule.", "기수의 수업 일정이 바뀌었습니다. 일정을 확인하세요."},
	NoteAtRiskTitle:             {"Attendance at risk", "출석 미달 위험"},
	NoteAtRiskBody:              {"The sessions left can no longer bring your attendance to the minimum.", "남은 수업에 모두 출석해도 최소 출석 기준에 미치지 못합니다."},
	NoteCompletedTitle:          {"Completed: {course}", "수료: {course}"},
	NoteCompletedBody:           {"You completed {course} with a score of {score} and {attended_hours} hours attended.", "{course} 과정을 수료했습니다. 점수 {score}점, 출석 {attended_hours}시간."},
	NoteFailedTitle:             {"Not completed: {course}", "미수료: {course}"},
	NoteFailedBody:              {"You did not complete {course}: a score of {score} and {attended_hours} hours attended.", "{course} 과정을 수료하지 못했습니다. 점수 {score}점, 출석 {attended_hours}시간."},
	NoteCertificateIssuedTitle:  {"Certificate issued: {course}", "수료증 발급: {course}"},
	NoteCertificateIssuedBody:   {"Your certificate {code} for {course} is issued.", "{course} 수료증({code})이 발급되었습니다."},
	NoteCertificateRevokedTitle: {"Certificate revoked: {code}", "수료증 취소: {code}"},
	NoteCertificateRevokedBody:  {"Your certificate {code} was revoked: {reason}", "수료증 {code}이(가) 취소되었습니다. 사유: {reason}"},
	NoteContactReceivedTitle:    {"Contact request from {company}", "{company}의 연락 요청"},
	NoteContactReceivedBody:     {"{company} would like to contact you; accepting shows them your e-mail and phone.", "{company}에서 연락을 요청했습니다. 수락하면 이메일과 전화번호가 공개됩니다."},
	NoteContactAcceptedTitle:    {"Contact request accepted", "연락 요청 수락"},
	NoteContactAcceptedBody:     {"The graduate accepted your contact request: their e-mail and phone are now shown to you.", "수료생이 연락 요청을 수락했습니다. 이제 이메일과 전화번호를 볼 수 있습니다."},
	NoteContactDeclinedTitle:    {"Contact request declined", "연락 요청 거절"},
	NoteContactDeclinedBody:     {"The graduate declined your contact request.", "수료생이 연락 요청을 거절했습니다."},
	NoteHireTitle:               {"Hire recorded: {company}", "채용 기록: {company}"},
	NoteHireBody:                {"{company} recorded your hire as {position} from {hired_on}.", "{company}에서 {hired_on}부터 {position} 직무로 채용을 기록했습니다."},
	NoteCompanyApprovedTitle:    {"Company approved", "기업 승인"},
	NoteCompanyApprovedBody:     {"{company} is approved: you may now search the graduate pool.", "{company}이(가) 승인되었습니다. 이제 수료생 인재풀을 검색할 수 있습니다."},
	NoteCompanyRejectedTitle:    {"Company not approved", "기업 승인 거절"},
	NoteCompanyRejectedBody:     {"{company} was not approved: {reason}", "{company}의 승인이 거절되었습니다. 사유: {reason}"},
	NoteDemandMatchedTitle:      {"A graduate matches your demand", "구인 수요에 맞는 수료생"},
	NoteDemandMatchedBody:       {"A graduate in the pool matches one of your demands.", "인재풀의 수료생이 구인 수요에 맞습니다."},
	NoteResetTitle:              {"Password reset requested", "비밀번호 재설정 요청"},
	NoteResetBody:               {"Someone asked to reset your password. If it was not you, ignore it: your password stays as it is.", "비밀번호 재설정이 요청되었습니다. 본인이 요청하지 않았다면 무시하세요. 비밀번호는 그대로 유지됩니다."},
	NoteWebhookDisabledTitle:    {"Webhook switched off", "웹훅 비활성화"},
	NoteWebhookDisabledBody:     {"Every delivery to {url} failed for 24 hours, so the subscription was switched off.", "{url}(으)로의 전송이 24시간 동안 모두 실패하여 구독이 비활성화되었습니다."},
	MailResetLink:               {"Set a new password here (the link works once, for 30 minutes): {link}", "아래 링크에서 새 비밀번호를 설정하세요(30분 동안 한 번만 쓸 수 있습니다): {link}"},
	MailOpenLink:                {"See it in SkillGrid: {link}", "SkillGrid에서 보기: {link}"},
	MailFooter:                  {"You receive this because of your SkillGrid account. Choose which e-mails you get with PATCH /v1/me (email_notifications).", "SkillGrid 계정으로 보내 드리는 메일입니다. 받을 메일 종류는 PATCH /v1/me(email_notifications)로 정할 수 있습니다."},
	WebhookURLScheme:            {"must be an https URL", "https URL이어야 합니다."},
	WebhookURLPrivate:           {"must not resolve to a private, loopback or link-local address", "사설, 루프백 또는 링크 로컬 주소로 연결되면 안 됩니다."},
	WebhookURLUnresolvable:      {"the host does not resolve", "호스트 주소를 찾을 수 없습니다."},
	UnknownEventType:            {"{type} is not an event type", "{type}은(는) 이벤트 유형이 아닙니다."},
	NotFoundNotification:        {"no such notification", "알림을 찾을 수 없습니다."},
	NotFoundWebhook:             {"no such webhook", "웹훅을 찾을 수 없습니다."},
	NotFoundDelivery:            {"no such delivery", "전송 기록을 찾을 수 없습니다."},
	EmploymentInFuture:          {"must not be after today", "오늘 이후일 수 없습니다."},
	SurveyNotFinished:           {"only a completed or failed enrolment can be rated; this one is {status}", "수료 또는 미수료로 끝난 수강만 평가할 수 있습니다. 이 수강은 {status} 상태입니다."},
	SurveyAlreadyGiven:          {"this enrolment has already been rated", "이 수강은 이미 평가했습니다."},
	ErasurePasswordWrong:        {"the password is wrong", "비밀번호가 올바르지 않습니다."},
	SelfErasureByAdmin:          {"admins erase their own account with DELETE /v1/me", "관리자 본인 계정은 DELETE /v1/me로 삭제합니다."},
	ErasedHolder:                {"(erased)", "(삭제됨)"},
}
