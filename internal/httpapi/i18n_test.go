package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// korean is what a Korean browser sends.
var korean = map[string]string{"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"}

// problemText is what a person reads in a problem, and the code a client
// branches on.
type problemText struct {
	Code, Title, Detail string
	Fields              map[string]string
}

func textOf(p testutil.Problem) problemText {
	out := problemText{Code: p.Code, Title: p.Title, Detail: p.Detail}
	for _, f := range p.Errors {
		if out.Fields == nil {
			out.Fields = map[string]string{}
		}
		out.Fields[f.Field] = f.Message
	}
	return out
}

func TestProblemsSpeakTheRequestsLanguage(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		trainee := e.NewUser(auth.Trainee)
		levelTwo := e.OpenCohort(testutil.CohortSpec{Level: 2})
		cases := []struct {
			name   string
			req    testutil.Req
			status int
			en, ko problemText
		}{
			{
				name:   "validation",
				req:    testutil.Req{Method: http.MethodPost, Path: "/v1/auth/register", Body: map[string]any{"email": "not-an-email", "password": "short", "name": "민준", "role": "trainee"}},
				status: http.StatusUnprocessableEntity,
				en: problemText{Code: "validation_failed", Title: "Unprocessable Entity", Detail: "the request has invalid fields",
					Fields: map[string]string{"email": "must be an email address", "password": "must be at least 10 characters"}},
				ko: problemText{Code: "validation_failed", Title: "처리할 수 없는 요청", Detail: "요청에 올바르지 않은 항목이 있습니다.",
					Fields: map[string]string{"email": "이메일 주소여야 합니다.", "password": "10자 이상이어야 합니다."}},
			},
			{
				name:   "wrong type",
				req:    testutil.Req{Method: http.MethodPost, Path: "/v1/auth/register", Body: map[string]any{"email": 5}},
				status: http.StatusBadRequest,
				en:     problemText{Code: "wrong_type", Title: "Bad Request", Detail: `field "email" must be a string, not number`},
				ko:     problemText{Code: "wrong_type", Title: "잘못된 요청", Detail: `"email" 항목은 문자열 값이어야 합니다(받은 값: number).`},
			},
			{
				name:   "not found",
				req:    testutil.Req{Method: http.MethodGet, Path: "/v1/courses/" + ids.New(), Token: e.AdminToken()},
				status: http.StatusNotFound,
				en:     problemText{Code: "not_found", Title: "Not Found", Detail: "course not found"},
				ko:     problemText{Code: "not_found", Title: "찾을 수 없음", Detail: "과정을 찾을 수 없습니다."},
			},
			{
				name:   "no such route",
				req:    testutil.Req{Method: http.MethodGet, Path: "/v1/nowhere"},
				status: http.StatusNotFound,
				en:     problemText{Code: "not_found", Title: "Not Found", Detail: "this API has no GET /v1/nowhere"},
				ko:     problemText{Code: "not_found", Title: "찾을 수 없음", Detail: "이 API에는 GET /v1/nowhere 요청이 없습니다."},
			},
			{
				name:   "no token",
				req:    testutil.Req{Method: http.MethodGet, Path: "/v1/me"},
				status: http.StatusUnauthorized,
				en:     problemText{Code: "unauthorized", Title: "Unauthorized", Detail: "a valid bearer access token is required"},
				ko:     problemText{Code: "unauthorized", Title: "인증 필요", Detail: "유효한 Bearer 액세스 토큰이 필요합니다."},
			},
			{
				name:   "forbidden",
				req:    testutil.Req{Method: http.MethodGet, Path: "/v1/me/recommendations", Token: e.AdminToken()},
				status: http.StatusForbidden,
				en:     problemText{Code: "role_not_allowed", Title: "Forbidden", Detail: "your role may not do this"},
				ko:     problemText{Code: "role_not_allowed", Title: "권한 없음", Detail: "현재 역할로는 이 작업을 할 수 없습니다."},
			},
		}
		for _, tc := range cases {
			en := e.Do(tc.req).WantProblem(t, tc.status, tc.en.Code)
			if diff := cmp.Diff(tc.en, textOf(en)); diff != "" {
				t.Errorf("%s in English (-want +got):\n%s", tc.name, diff)
			}
			// Any language but Korean is English.
			tc.req.Header = map[string]string{"Accept-Language": "fr-FR, de;q=0.8"}
			if diff := cmp.Diff(tc.en, textOf(e.Do(tc.req).WantProblem(t, tc.status, tc.en.Code))); diff != "" {
				t.Errorf("%s with French asked (-want +got):\n%s", tc.name, diff)
			}
			tc.req.Header = korean
			ko := e.Do(tc.req).WantProblem(t, tc.status, tc.ko.Code)
			if diff := cmp.Diff(tc.ko, textOf(ko)); diff != "" {
				t.Errorf("%s in Korean (-want +got):\n%s", tc.name, diff)
			}
			if ko.Type != en.Type {
				t.Errorf("%s: type %q in Korean, %q in English", tc.name, ko.Type, en.Type)
			}
		}

		// A rule: the course code is drawn at random, so compare the parts
		// around it.
		path := "/v1/cohorts/" + levelTwo.ID + "/enrolments"
		en := e.Post(path, trainee.Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "level_too_low")
		ko := e.Do(testutil.Req{Method: http.MethodPost, Path: path, Token: trainee.Token, Header: korean}).
			WantProblem(t, http.StatusUnprocessableEntity, "level_too_low")
		if en.Title != "Unprocessable Entity" || !strings.HasSuffix(en.Detail, " is level 2: it needs level 1 in bms; you have 0") {
			t.Errorf("English rule problem %q: %q", en.Title, en.Detail)
		}
		if ko.Title != "처리할 수 없는 요청" || !strings.HasSuffix(ko.Detail, " 과정은 레벨 2 과정이라 bms 분야 레벨 1 이상이 필요합니다. 현재 레벨은 0입니다.") {
			t.Errorf("Korean rule problem %q: %q", ko.Title, ko.Detail)
		}
		if code, _, _ := strings.Cut(en.Detail, " "); !strings.HasPrefix(ko.Detail, code+" ") {
			t.Errorf("the Korean detail %q names another course than %q", ko.Detail, en.Detail)
		}
	})
}

func TestTimesInTextsAreKoreaTime(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC))
		u := e.NewUser(auth.Trainee)
		closed := e.OpenCohort(testutil.CohortSpec{
			OpensAt: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2026, 12, 15, 13, 0, 0, 0, time.UTC),
		})
		notYet := e.OpenCohort(testutil.CohortSpec{
			OpensAt: time.Date(2026, 12, 16, 0, 30, 0, 0, time.UTC), ClosesAt: time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC),
		})
		for _, tc := range []struct{ cohort, en, ko string }{
			{closed.ID, "enrolment closed at 2026-12-15 22:00 KST", "수강 신청은 2026-12-15 22:00 KST에 마감되었습니다."},
			{notYet.ID, "enrolment opens at 2026-12-16 09:30 KST", "수강 신청은 2026-12-16 09:30 KST에 시작됩니다."},
		} {
			path := "/v1/cohorts/" + tc.cohort + "/enrolments"
			if p := e.Post(path, u.Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "enrolment_closed"); p.Detail != tc.en {
				t.Errorf("English detail %q, want %q", p.Detail, tc.en)
			}
			p := e.Do(testutil.Req{Method: http.MethodPost, Path: path, Token: u.Token, Header: korean}).
				WantProblem(t, http.StatusUnprocessableEntity, "enrolment_closed")
			if p.Detail != tc.ko {
				t.Errorf("Korean detail %q, want %q", p.Detail, tc.ko)
			}
		}
	})
}

func TestRecommendationReasonsSpeakTheRequestsLanguage(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC))
		u := e.NewUser(auth.Trainee)
		e.OpenCohort(testutil.CohortSpec{Capacity: 12, ClosesAt: time.Date(2026, 12, 18, 13, 0, 0, 0, time.UTC)})
		reasons := func(header map[string]string) []string {
			t.Helper()
			var recs struct {
				Items []struct {
					Reasons []string `json:"reasons"`
				} `json:"items"`
			}
			e.Do(testutil.Req{Method: http.MethodGet, Path: "/v1/me/recommendations", Token: u.Token, Header: header}).
				Want(t, http.StatusOK).JSON(t, &recs)
			if len(recs.Items) != 1 {
				t.Fatalf("%d recommendations, want 1", len(recs.Items))
			}
			return recs.Items[0].Reasons
		}
		en := []string{"a starting point in bms, a track new to you", "12 of 12 seats left; enrolment closes 2026-12-18 22:00 KST"}
		if diff := cmp.Diff(en, reasons(nil)); diff != "" {
			t.Errorf("English reasons (-want +got):\n%s", diff)
		}
		ko := []string{"처음 접하는 bms 분야의 출발점", "정원 12명 중 12자리 남음, 수강 신청 마감 2026-12-18 22:00 KST"}
		if diff := cmp.Diff(ko, reasons(korean)); diff != "" {
			t.Errorf("Korean reasons (-want +got):\n%s", diff)
		}
	})
}

func TestLocaleRoundTrip(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		type profile struct {
			ID     string `json:"id"`
			Locale string `json:"locale"`
		}
		register := func(header map[string]string) profile {
			t.Helper()
			var p profile
			e.Do(testutil.Req{Method: http.MethodPost, Path: "/v1/auth/register", Header: header, Body: map[string]any{
				"email": testutil.Name("locale") + "@test.skillgrid.kr", "password": "battery-2026!", "name": "김서연", "role": "trainee",
			}}).Want(t, http.StatusCreated).JSON(t, &p)
			return p
		}
		if p := register(korean); p.Locale != "ko" {
			t.Errorf("registered from a Korean browser: locale %q, want ko", p.Locale)
		}
		if p := register(map[string]string{"Accept-Language": "en-US, ko;q=0.5"}); p.Locale != "en" {
			t.Errorf("registered from an English browser: locale %q, want en", p.Locale)
		}
		if p := register(nil); p.Locale != "en" {
			t.Errorf("registered without Accept-Language: locale %q, want en", p.Locale)
		}

		u := e.NewUser(auth.Company)
		me := func() profile {
			t.Helper()
			var p profile
			e.Get("/v1/me", u.Token).Want(t, http.StatusOK).JSON(t, &p)
			return p
		}
		if got := me().Locale; got != "en" {
			t.Fatalf("a new account's locale %q, want en", got)
		}
		var p profile
		e.Patch("/v1/me", u.Token, map[string]any{"locale": "ko"}).Want(t, http.StatusOK).JSON(t, &p)
		if p.Locale != "ko" || me().Locale != "ko" {
			t.Fatalf("after PATCH locale=ko: %q, then %q", p.Locale, me().Locale)
		}
		e.Patch("/v1/me", u.Token, map[string]any{"locale": "ko"}).Want(t, http.StatusOK)

		for _, bad := range []any{"fr", "KO", "ko-KR", ""} {
			pr := e.Do(testutil.Req{Method: http.MethodPatch, Path: "/v1/me", Token: u.Token, Header: korean, Body: map[string]any{"locale": bad}}).
				WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
			if diff := cmp.Diff(map[string]string{"locale": "다음 중 하나여야 합니다: en, ko"}, textOf(pr).Fields); diff != "" {
				t.Errorf("locale %q (-want +got):\n%s", bad, diff)
			}
		}
		e.Patch("/v1/me", u.Token, map[string]any{"locale": 1}).WantProblem(t, http.StatusBadRequest, "wrong_type")
		if got := me().Locale; got != "ko" {
			t.Fatalf("refused changes changed the locale to %q", got)
		}

		// The locale is the language of what is sent later; an answer
		// follows the request's Accept-Language.
		if p := e.Get("/v1/me/recommendations", u.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed"); p.Title != "Forbidden" {
			t.Errorf("a Korean-locale user asking without Accept-Language got title %q", p.Title)
		}

		// One change, one audit event; setting the same locale again is none.
		var evs struct {
			Items []struct {
				ActorID *string        `json:"actor_id"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
			} `json:"items"`
		}
		e.Get("/v1/audit-events?action=locale.changed&entity_id="+u.ID, e.AdminToken()).Want(t, http.StatusOK).JSON(t, &evs)
		if len(evs.Items) != 1 || evs.Items[0].ActorID == nil || *evs.Items[0].ActorID != u.ID ||
			evs.Items[0].Before["locale"] != "en" || evs.Items[0].After["locale"] != "ko" {
			t.Fatalf("audit events %+v", evs.Items)
		}
	})
}
