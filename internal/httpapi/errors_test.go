package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/platform/page"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

func TestBadInputGetsProblems(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		cases := []struct {
			name   string
			body   any
			status int
			code   string
			fields []string
		}{
			{"empty body", "", 400, "malformed_json", nil},
			{"not JSON", "email=a", 400, "malformed_json", nil},
			{"truncated", `{"email": "a@b.kr"`, 400, "malformed_json", nil},
			{"array", `[1,2]`, 400, "malformed_json", nil},
			{"two values", `{} {}`, 400, "malformed_json", nil},
			{"wrong type", `{"email": 5}`, 400, "wrong_type", nil},
			{"unknown field", `{"email":"a@b.kr","password":"long-enough-pw","name":"A","role":"trainee","admin":true}`, 400, "unknown_field", nil},
			{"every field bad", `{"email":"not-an-email","password":"short","name":" ","role":"company"}`, 422, "validation_failed",
				[]string{"email", "password", "name", "company_name"}},
			{"missing fields", `{}`, 422, "validation_failed", []string{"email", "password", "name", "role"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := e.Post("/v1/auth/register", "", c.body).WantProblem(t, c.status, c.code)
				if c.fields != nil {
					if diff := cmp.Diff(c.fields, p.Fields()); diff != "" {
						t.Errorf("fields (-want +got):\n%s", diff)
					}
				}
				if p.Title == "" || p.Type == "" || p.Detail == "" {
					t.Errorf("incomplete problem %+v", p)
				}
			})
		}
		// None of those made an account.
		var n int
		if err := e.DB.NewSelect().Table("users").ColumnExpr("count(*)").Scan(t.Context(), &n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("bad requests created %d users", n)
		}
	})
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Get("/v1/nope", "").WantProblem(t, http.StatusNotFound, "not_found")
		e.Do(testutil.Req{Method: http.MethodPut, Path: "/v1/me"}).WantProblem(t, http.StatusMethodNotAllowed, "method_not_allowed")
	})
}

func TestDuplicateEmailIsAConflict(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		body := map[string]any{"email": "dup@example.kr", "password": "long-enough-pw", "name": "A", "role": "trainee"}
		e.Post("/v1/auth/register", "", body).Want(t, http.StatusCreated)
		body["email"] = "DUP@example.kr"
		e.Post("/v1/auth/register", "", body).WantProblem(t, http.StatusConflict, "email_taken")
	})
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		base := e.Serve()
		u := e.NewUser(auth.Trainee)
		// The server answers as soon as it reads a Content-Length over the
		// limit, so speak raw HTTP: a client library would report the reset
		// of the unread body instead of the answer.
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		const size = 2 << 20
		fmt.Fprintf(conn, "PATCH /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"name\":\"", u.Token, size)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var p testutil.Problem
		if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusRequestEntityTooLarge || p.Code != "body_too_large" ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("got %d %+v", res.StatusCode, p)
		}
		// Just under the limit is read and judged on its content.
		name := strings.Repeat("가", 300_000) // 900 KB
		e.Patch("/v1/me", u.Token, map[string]any{"name": name}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		me := e.Get("/v1/me", u.Token).Want(t, http.StatusOK).Map(t)
		if strings.HasPrefix(me["name"].(string), "가가") {
			t.Fatal("an oversized name was applied")
		}
	})
}

func TestPanicsBecomeProblemsAndAreLogged(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.App.HTTP.Get("/test/panic", func(*fiberCtx) error { panic("boom: secret internals") })
		res, err := e.App.HTTP.Test(httptestRequest(http.MethodGet, "/test/panic"))
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		_, _ = body.ReadFrom(res.Body)
		if res.StatusCode != 500 || strings.Contains(body.String(), "secret internals") || !strings.Contains(body.String(), `"code":"internal"`) {
			t.Fatalf("panic answered %d %s", res.StatusCode, body.String())
		}
		rid := res.Header.Get("X-Request-ID")
		if rid == "" || !strings.Contains(e.Logs.String(), rid) || !strings.Contains(e.Logs.String(), "secret internals") {
			t.Fatalf("panic not logged with request id %q:\n%s", rid, e.Logs.String())
		}
		if !strings.Contains(e.Logs.String(), "errors_test.go") {
			t.Fatalf("panic logged without the stack that says where it happened:\n%s", e.Logs.String())
		}
		// The server still serves.
		e.Get("/healthz", "").Want(t, http.StatusOK)
	})
}

func TestOversizedHeadersGetAProblem(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	base := e.Serve()
	res, err := http.Get(base + "/v1/certificates/" + strings.Repeat("A", 6000))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p testutil.Problem
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge || p.Code != "headers_too_large" {
		t.Fatalf("got %d %+v", res.StatusCode, p)
	}
}

func TestNULCharactersAreBadInput(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		e.Get("/v1/courses?q=%00", "").WantProblem(t, http.StatusBadRequest, "nul_character")
		e.Get("/v1/cohorts/%00", "").WantProblem(t, http.StatusNotFound, "not_found") // path ids are never decoded into SQL text
		e.Patch("/v1/me", u.Token, `{"name":"a\u0000b"}`).WantProblem(t, http.StatusBadRequest, "nul_character")
		e.Post("/v1/auth/register", "", "{\"email\":\"a\x00@b.kr\"}").WantProblem(t, http.StatusBadRequest, "nul_character")
		if me := e.Get("/v1/me", u.Token).Want(t, http.StatusOK).Map(t); strings.Contains(me["name"].(string), "b") {
			t.Fatalf("a refused patch changed the name: %v", me["name"])
		}
	})
}

// TestValuesNoColumnCanHoldAreBadInput sends text and times that Go parses
// but PostgreSQL refuses (invalid UTF-8, year 0 once in UTC, a NUL inside a
// forged cursor): each is a 4xx problem on both databases, never a 500.
func TestValuesNoColumnCanHoldAreBadInput(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		ch := e.OpenCohort(testutil.CohortSpec{})

		e.Get("/v1/graduates?region=%ff", admin).WantProblem(t, http.StatusBadRequest, "invalid_utf8")
		e.Get("/v1/audit-events?entity=%c3%28", admin).WantProblem(t, http.StatusBadRequest, "invalid_utf8")

		if p := e.Get("/v1/graduates?completed_after=0000-01-01", admin).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed"); !slices.Equal(p.Fields(), []string{"completed_after"}) {
			t.Errorf("fields = %v", p.Fields())
		}
		if p := e.Get("/v1/audit-events?from=0000-06-01&to=0001-01-01T00:00:00%2B09:00", admin).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed"); !slices.Equal(p.Fields(), []string{"from", "to"}) {
			t.Errorf("fields = %v", p.Fields())
		}
		if p := e.Get("/v1/reports/programme?from=0000-01-01", admin).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed"); !slices.Equal(p.Fields(), []string{"from"}) {
			t.Errorf("fields = %v", p.Fields())
		}

		forged := []string{
			page.Encode("\x00"),
			page.Encode("0000-12-31T00:00:00Z", ch.ID), // a graduates cursor in year 0
		}
		for _, cur := range forged {
			e.Get("/v1/courses?cursor="+cur, "").WantProblem(t, http.StatusBadRequest, "invalid_cursor")
			e.Get("/v1/cohorts/"+ch.ID+"/enrolments?cursor="+cur, admin).WantProblem(t, http.StatusBadRequest, "invalid_cursor")
			e.Get("/v1/graduates?cursor="+cur, admin).WantProblem(t, http.StatusBadRequest, "invalid_cursor")
		}

		cohort := map[string]any{
			"label": "자정 1기", "instructor_id": ch.Instructor.ID, "capacity": 5,
			"starts_on": "0000-03-01", "ends_on": "2027-04-01",
			"enrol_opens_at": "0001-01-01T00:00:00+09:00", "enrol_closes_at": "2027-02-01T00:00:00+09:00",
			"mode": "onsite",
		}
		p := e.Post("/v1/courses/"+ch.CourseID+"/cohorts", admin, cohort).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if got, want := p.Fields(), []string{"starts_on", "enrol_opens_at"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"enrol_closes_at": "9999-12-31T23:00:00-05:00"}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if n := countRows(t, e, "cohorts", "1 = 1"); n != 1 {
			t.Fatalf("cohorts = %d, want only the one made before", n)
		}
	})
}

// TestNullIsNotLeftOut: no request field is nullable, so null is refused
// (422, every null named) rather than read as "no change".
func TestNullIsNotLeftOut(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		ch := e.OpenCohort(testutil.CohortSpec{})
		before := e.Get("/v1/cohorts/"+ch.ID, admin).Want(t, http.StatusOK).Map(t)
		p := e.Patch("/v1/cohorts/"+ch.ID, admin, `{"location": null, "capacity": null, "label": "새 이름"}`).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if got, want := p.Fields(), []string{"capacity", "location"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		if after := e.Get("/v1/cohorts/"+ch.ID, admin).Want(t, http.StatusOK).Map(t); !cmp.Equal(before, after) {
			t.Fatalf("a refused patch changed the cohort:\n%s", cmp.Diff(before, after))
		}
		p = e.Post("/v1/cohorts/"+ch.ID+"/results", admin, `{"results": [null, {"enrolment_id": null, "attended_hours": 1, "score": 1}]}`).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if got, want := p.Fields(), []string{"results[0]", "results[1].enrolment_id"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
	})
}
