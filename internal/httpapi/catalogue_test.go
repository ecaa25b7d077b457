package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/demo"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type courseView struct {
	ID            string   `json:"id"`
	Code          string   `json:"code"`
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	Track         string   `json:"track"`
	Level         int      `json:"level"`
	Hours         float64  `json:"hours"`
	PassScore     float64  `json:"pass_score"`
	MinAttendance float64  `json:"min_attendance"`
	Skills        []string `json:"skills"`
	Prerequisites []string `json:"prerequisites"`
	Status        string   `json:"status"`
}

type cohortView struct {
	ID             string `json:"id"`
	CourseID       string `json:"course_id"`
	CourseCode     string `json:"course_code"`
	Track          string `json:"track"`
	Level          int    `json:"level"`
	Label          string `json:"label"`
	InstructorID   string `json:"instructor_id"`
	Capacity       int    `json:"capacity"`
	SeatsTaken     int    `json:"seats_taken"`
	SeatsLeft      int    `json:"seats_left"`
	WaitlistLength int    `json:"waitlist_length"`
	StartsOn       string `json:"starts_on"`
	EndsOn         string `json:"ends_on"`
	Status         string `json:"status"`
}

type recommendationView struct {
	Cohort  cohortView `json:"cohort"`
	Fit     string     `json:"fit"`
	Reasons []string   `json:"reasons"`
}

// catalogueStart is a Monday noon in Korea: 2027-03-01 12:00 KST.
var catalogueStart = time.Date(2027, 3, 1, 3, 0, 0, 0, time.UTC)

// courseBody is a valid published course with over applied (nil deletes).
func courseBody(over map[string]any) map[string]any {
	b := map[string]any{
		"code": testutil.Name("C"), "title": "배터리 기초 (Battery Basics)", "track": "bms",
		"level": 1, "hours": 40, "status": "published",
	}
	for k, v := range over {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func mkCourse(t *testing.T, e *testutil.Env, over map[string]any) courseView {
	t.Helper()
	var c courseView
	e.Post("/v1/courses", e.AdminToken(), courseBody(over)).Want(t, http.StatusCreated).JSON(t, &c)
	return c
}

// cohortBody is a valid cohort whose window is open at the clock's time,
// starting in a week, with over applied (nil deletes).
func cohortBody(e *testutil.Env, instructorID string, over map[string]any) map[string]any {
	now := e.Clock.Now()
	b := map[string]any{
		"label": "2027년 1기 (Cohort 1)", "instructor_id": instructorID, "capacity": 10,
		"starts_on": catalogue.Today(now.AddDate(0, 0, 7)), "ends_on": catalogue.Today(now.AddDate(0, 0, 30)),
		"enrol_opens_at":  now.Add(-time.Hour).Format(time.RFC3339),
		"enrol_closes_at": now.Add(72 * time.Hour).Format(time.RFC3339),
		"mode":            "onsite", "location": "오창 테크노파크 (Ochang Techno-Park)",
	}
	for k, v := range over {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func mkCohort(t *testing.T, e *testutil.Env, courseID, instructorID string, over map[string]any) cohortView {
	t.Helper()
	var ch cohortView
	e.Post("/v1/courses/"+courseID+"/cohorts", e.AdminToken(), cohortBody(e, instructorID, over)).Want(t, http.StatusCreated).JSON(t, &ch)
	return ch
}

func courseCodes(t *testing.T, e *testutil.Env, path, token string) []string {
	t.Helper()
	var pg struct {
		Items []courseView `json:"items"`
	}
	e.Get(path, token).Want(t, http.StatusOK).JSON(t, &pg)
	codes := []string{}
	for _, c := range pg.Items {
		codes = append(codes, c.Code)
	}
	sort.Strings(codes)
	return codes
}

func cohortIDs(t *testing.T, e *testutil.Env, path, token string) []string {
	t.Helper()
	var pg struct {
		Items []cohortView `json:"items"`
	}
	e.Get(path, token).Want(t, http.StatusOK).JSON(t, &pg)
	out := []string{}
	for _, ch := range pg.Items {
		out = append(out, ch.ID)
	}
	sort.Strings(out)
	return out
}

func sorted(xs ...string) []string {
	out := append([]string{}, xs...)
	sort.Strings(out)
	return out
}

func TestLevelsAndTracks(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		var levels struct {
			Items []catalogue.Level `json:"items"`
		}
		e.Get("/v1/levels", "").Want(t, http.StatusOK).JSON(t, &levels)
		want := []catalogue.Level{
			{Level: 1, Name: "Foundation", NameKo: "입문"}, {Level: 2, Name: "Basic", NameKo: "초급"},
			{Level: 3, Name: "Intermediate", NameKo: "중급"}, {Level: 4, Name: "Advanced", NameKo: "고급"},
			{Level: 5, Name: "Expert", NameKo: "전문가"},
		}
		if diff := cmp.Diff(want, levels.Items); diff != "" {
			t.Fatalf("levels (-want +got):\n%s", diff)
		}

		trackCodes := func() []string {
			var ts struct {
				Items []catalogue.Track `json:"items"`
			}
			e.Get("/v1/tracks", "").Want(t, http.StatusOK).JSON(t, &ts)
			var codes []string
			for _, tr := range ts.Items {
				codes = append(codes, tr.Code)
			}
			return codes
		}
		seeded := []string{"bms", "cell-design", "manufacturing", "materials", "recycling", "safety-testing"}
		if diff := cmp.Diff(seeded, trackCodes()); diff != "" {
			t.Fatalf("a fresh database's tracks (-want +got):\n%s", diff)
		}

		admin := e.AdminToken()
		tr := e.Post("/v1/tracks", admin, map[string]any{"code": "solid-state", "name": "전고체 전지 (Solid-State)"}).Want(t, http.StatusCreated).Map(t)
		if tr["code"] != "solid-state" || tr["name"] != "전고체 전지 (Solid-State)" {
			t.Fatalf("created track %v", tr)
		}
		if got := trackCodes(); !slices.Contains(got, "solid-state") || len(got) != 7 {
			t.Fatalf("tracks after adding one: %v", got)
		}
		e.Post("/v1/tracks", admin, map[string]any{"code": "bms", "name": "again"}).WantProblem(t, http.StatusConflict, "track_exists")
		p := e.Post("/v1/tracks", admin, map[string]any{"code": "Not A Code!", "name": "x"}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if diff := cmp.Diff([]string{"code"}, p.Fields()); diff != "" {
			t.Errorf("fields %s", diff)
		}
		e.Post("/v1/tracks", admin, map[string]any{"code": "x"}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Post("/v1/tracks", e.NewUser(auth.Trainee).Token, map[string]any{"code": "x", "name": "x"}).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/tracks", "", map[string]any{"code": "x", "name": "x"}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestCourseValidation(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		base := mkCourse(t, e, map[string]any{"code": "BMS-201", "level": 2, "status": "draft"})
		if base.PassScore != 60 || base.MinAttendance != 0.8 || base.Status != "draft" || len(base.Skills) != 0 || len(base.Prerequisites) != 0 {
			t.Fatalf("defaults: %+v", base)
		}
		cases := []struct {
			name   string
			over   map[string]any
			fields []string
		}{
			{"level 0", map[string]any{"level": 0}, []string{"level"}},
			{"level 6", map[string]any{"level": 6}, []string{"level"}},
			{"no level", map[string]any{"level": nil}, []string{"level"}},
			{"hours 0", map[string]any{"hours": 0}, []string{"hours"}},
			{"negative hours", map[string]any{"hours": -3}, []string{"hours"}},
			{"pass score above 100", map[string]any{"pass_score": 100.5}, []string{"pass_score"}},
			{"pass score below 0", map[string]any{"pass_score": -1}, []string{"pass_score"}},
			{"attendance above 1", map[string]any{"min_attendance": 1.2}, []string{"min_attendance"}},
			{"attendance below 0", map[string]any{"min_attendance": -0.1}, []string{"min_attendance"}},
			{"unknown track", map[string]any{"track": "fusion"}, []string{"track"}},
			{"bad status", map[string]any{"status": "live"}, []string{"status"}},
			{"bad code", map[string]any{"code": "BMS 301!"}, []string{"code"}},
			{"blank title", map[string]any{"title": "  "}, []string{"title"}},
			{"prerequisite not an id", map[string]any{"prerequisites": []string{"nope"}}, []string{"prerequisites[0]"}},
			{"prerequisite that does not exist", map[string]any{"prerequisites": []string{"01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b"}}, []string{"prerequisites[0]"}},
			{"prerequisite of a higher level", map[string]any{"level": 1, "prerequisites": []string{base.ID}}, []string{"prerequisites[0]"}},
			{"several at once", map[string]any{"level": 9, "hours": 0, "pass_score": 101}, []string{"hours", "level", "pass_score"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := e.Post("/v1/courses", admin, courseBody(tc.over)).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
				got := p.Fields()
				sort.Strings(got)
				if diff := cmp.Diff(tc.fields, got); diff != "" {
					t.Fatalf("fields (-want +got):\n%s\n%+v", diff, p)
				}
				for _, fe := range p.Errors {
					if fe.Message == "" {
						t.Errorf("field %s has no message", fe.Field)
					}
				}
			})
		}
		e.Post("/v1/courses", admin, courseBody(map[string]any{"code": "bms-201"})).WantProblem(t, http.StatusConflict, "course_code_taken")
		e.Post("/v1/courses", admin, courseBody(map[string]any{"level": "3"})).WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Post("/v1/courses", admin, courseBody(map[string]any{"colour": "red"})).WantProblem(t, http.StatusBadRequest, "unknown_field")
		e.Post("/v1/courses", e.NewUser(auth.Instructor).Token, courseBody(nil)).WantProblem(t, http.StatusForbidden, "role_not_allowed")

		// An equal-level prerequisite is fine; codes are upper-cased; skills normalised.
		c := mkCourse(t, e, map[string]any{"code": " bms-202 ", "level": 2, "prerequisites": []string{base.ID}, "skills": []string{"SOC-Estimation", "soc-estimation", " cell-balancing "}, "pass_score": 70, "min_attendance": 0.9})
		want := courseView{ID: c.ID, Code: "BMS-202", Title: "배터리 기초 (Battery Basics)", Track: "bms", Level: 2, Hours: 40,
			PassScore: 70, MinAttendance: 0.9, Skills: []string{"cell-balancing", "soc-estimation"}, Prerequisites: []string{base.ID}, Status: "published"}
		if diff := cmp.Diff(want, c); diff != "" {
			t.Fatalf("created course (-want +got):\n%s", diff)
		}
		var got courseView
		e.Get("/v1/courses/"+c.ID, "").Want(t, http.StatusOK).JSON(t, &got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("read back (-want +got):\n%s", diff)
		}
	})
}

func TestOnlyAdminsSeeUnpublishedCourses(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		trainee := e.NewUser(auth.Trainee)
		pub := mkCourse(t, e, map[string]any{"code": "PUB-101"})
		draft := mkCourse(t, e, map[string]any{"code": "DRAFT-101", "status": "draft"})

		for _, tok := range []string{"", trainee.Token} {
			if diff := cmp.Diff([]string{"PUB-101"}, courseCodes(t, e, "/v1/courses", tok)); diff != "" {
				t.Fatalf("public list: %s", diff)
			}
			e.Get("/v1/courses/"+draft.ID, tok).WantProblem(t, http.StatusNotFound, "not_found")
			e.Get("/v1/courses/"+pub.ID, tok).Want(t, http.StatusOK)
			// A status filter cannot reveal drafts.
			if got := courseCodes(t, e, "/v1/courses?status=draft", tok); len(got) != 0 {
				t.Fatalf("non-admin sees drafts: %v", got)
			}
		}
		if diff := cmp.Diff(sorted("DRAFT-101", "PUB-101"), courseCodes(t, e, "/v1/courses", admin)); diff != "" {
			t.Fatalf("admin list: %s", diff)
		}
		if diff := cmp.Diff([]string{"DRAFT-101"}, courseCodes(t, e, "/v1/courses?status=draft", admin)); diff != "" {
			t.Fatalf("admin status filter: %s", diff)
		}
		e.Get("/v1/courses/"+draft.ID, admin).Want(t, http.StatusOK)

		// Publish, then archive.
		e.Patch("/v1/courses/"+draft.ID, admin, map[string]any{"status": "published"}).Want(t, http.StatusOK)
		e.Get("/v1/courses/"+draft.ID, "").Want(t, http.StatusOK)
		var archived courseView
		e.Patch("/v1/courses/"+draft.ID, admin, map[string]any{"status": "archived"}).Want(t, http.StatusOK).JSON(t, &archived)
		if archived.Status != "archived" {
			t.Fatalf("archived %+v", archived)
		}
		e.Get("/v1/courses/"+draft.ID, trainee.Token).WantProblem(t, http.StatusNotFound, "not_found")
		if got := courseCodes(t, e, "/v1/courses?status=archived", admin); !slices.Equal(got, []string{"DRAFT-101"}) {
			t.Fatalf("archived list %v", got)
		}

		e.Get("/v1/courses/not-a-uuid", admin).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/courses/01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b", admin).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/courses", "garbage-token").WantProblem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestCourseListFilters(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		mkCourse(t, e, map[string]any{"code": "BMS-101", "title": "BMS 기초 (BMS Fundamentals)", "skills": []string{"bms", "cell-balancing"}})
		mkCourse(t, e, map[string]any{"code": "BMS-201", "title": "셀 밸런싱 실무 (Cell Balancing Practice)", "level": 2, "skills": []string{"cell-balancing"}})
		mkCourse(t, e, map[string]any{"code": "SAF-101", "title": "배터리 안전 기초 (Battery Safety Basics)", "track": "safety-testing"})
		mkCourse(t, e, map[string]any{"code": "MAT-300", "title": "양극재 100% 분석 (Cathode_Analysis)", "track": "materials", "level": 3})
		mkCourse(t, e, map[string]any{"code": "BMS-100", "title": "BMS 기초 (draft)", "status": "draft"})

		cases := map[string][]string{
			"":                             {"BMS-101", "BMS-201", "MAT-300", "SAF-101"},
			"track=bms":                    {"BMS-101", "BMS-201"},
			"track=BMS":                    {"BMS-101", "BMS-201"},
			"level=2":                      {"BMS-201"},
			"track=bms&level=1":            {"BMS-101"},
			"skill=cell-balancing":         {"BMS-101", "BMS-201"},
			"skill=Cell-Balancing&level=2": {"BMS-201"},
			"q=" + url.QueryEscape("기초"):   {"BMS-101", "SAF-101"},
			"q=" + url.QueryEscape("밸런싱 실무"): {"BMS-201"},
			"q=bms":                        {"BMS-101", "BMS-201"},
			"q=FUNDAMENTALS":               {"BMS-101"},
			"q=saf-1":                      {"SAF-101"},
			"q=" + url.QueryEscape("100%"): {"MAT-300"},
			"q=" + url.QueryEscape("%"):    {"MAT-300"},
			"q=" + url.QueryEscape("e_a"):  {"MAT-300"},
			"q=_":                          {"MAT-300"},
			"q=nothing-like-this":          {},
			"track=recycling":              {},
		}
		for query, want := range cases {
			got := courseCodes(t, e, "/v1/courses?"+query, "")
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("?%s (-want +got):\n%s", query, diff)
			}
		}
		e.Get("/v1/courses?level=two", "").WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Get("/v1/courses?level=7", "").WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/courses?status=live", "").WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/courses?limit=0", "").WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/courses?cursor=bogus", "").WantProblem(t, http.StatusBadRequest, "invalid_cursor")
	})
}

func TestCoursePatch(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		a := mkCourse(t, e, map[string]any{"code": "CELL-101", "track": "cell-design"})
		b := mkCourse(t, e, map[string]any{"code": "CELL-102", "track": "cell-design"})
		var got courseView
		e.Patch("/v1/courses/"+a.ID, admin, map[string]any{
			"code": "cell-110", "title": "파우치 셀 설계 (Pouch Cell Design)", "hours": 32.5, "skills": []string{"pouch"},
		}).Want(t, http.StatusOK).JSON(t, &got)
		if got.Code != "CELL-110" || got.Hours != 32.5 || !slices.Equal(got.Skills, []string{"pouch"}) || got.Track != "cell-design" {
			t.Fatalf("patched %+v", got)
		}
		// The search column follows the new code and title.
		if diff := cmp.Diff([]string{"CELL-110"}, courseCodes(t, e, "/v1/courses?q="+url.QueryEscape("파우치"), "")); diff != "" {
			t.Fatal(diff)
		}
		if got := courseCodes(t, e, "/v1/courses?q=cell-101", ""); len(got) != 0 {
			t.Fatalf("old code still found: %v", got)
		}
		e.Patch("/v1/courses/"+b.ID, admin, map[string]any{"code": "CELL-110"}).WantProblem(t, http.StatusConflict, "course_code_taken")
		e.Patch("/v1/courses/"+b.ID, admin, map[string]any{"track": "nowhere"}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Patch("/v1/courses/"+b.ID, admin, map[string]any{"min_attendance": 80}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Patch("/v1/courses/"+b.ID, admin, map[string]any{"id": "x"}).WantProblem(t, http.StatusBadRequest, "unknown_field")
		e.Patch("/v1/courses/"+b.ID, admin, map[string]any{"hours": "many"}).WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Patch("/v1/courses/01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b", admin, map[string]any{"title": "x"}).WantProblem(t, http.StatusNotFound, "not_found")
		e.Patch("/v1/courses/nope", admin, map[string]any{"title": "x"}).WantProblem(t, http.StatusNotFound, "not_found")
		e.Patch("/v1/courses/"+b.ID, e.NewUser(auth.Trainee).Token, map[string]any{"title": "x"}).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		if evs := auditEvents(t, e, a.ID); len(evs) != 2 || evs[0].Action != "course.created" || evs[1].Action != "course.updated" {
			t.Fatalf("audit %+v", evs)
		}
	})
}

func TestPrerequisitesStayLevelledAndAcyclic(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		a := mkCourse(t, e, map[string]any{"code": "MFG-201", "track": "manufacturing", "level": 2})
		b := mkCourse(t, e, map[string]any{"code": "MFG-202", "track": "manufacturing", "level": 2, "prerequisites": []string{a.ID}})
		c := mkCourse(t, e, map[string]any{"code": "MFG-203", "track": "manufacturing", "level": 2, "prerequisites": []string{b.ID}})

		fieldsOf := func(p testutil.Problem) []string { got := p.Fields(); sort.Strings(got); return got }
		// a -> c -> b -> a would be a cycle.
		p := e.Patch("/v1/courses/"+a.ID, admin, map[string]any{"prerequisites": []string{c.ID}}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if !slices.Equal(fieldsOf(p), []string{"prerequisites[0]"}) || !strings.Contains(p.Errors[0].Message, "cycle") {
			t.Fatalf("cycle: %+v", p)
		}
		p = e.Patch("/v1/courses/"+a.ID, admin, map[string]any{"prerequisites": []string{a.ID}}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if !slices.Equal(fieldsOf(p), []string{"prerequisites[0]"}) {
			t.Fatalf("self: %+v", p)
		}
		// b's level may not drop below its prerequisite a's ...
		p = e.Patch("/v1/courses/"+b.ID, admin, map[string]any{"level": 1}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if !slices.Equal(fieldsOf(p), []string{"level"}) || !strings.Contains(p.Errors[0].Message, "MFG-201") {
			t.Fatalf("level below prerequisite: %+v", p)
		}
		// ... nor rise above c's, which requires it.
		p = e.Patch("/v1/courses/"+b.ID, admin, map[string]any{"level": 3}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if !slices.Equal(fieldsOf(p), []string{"level"}) || !strings.Contains(p.Errors[0].Message, "MFG-203") {
			t.Fatalf("level above dependent: %+v", p)
		}
		// Moving c up first makes room; a new prerequisite set is checked whole.
		e.Patch("/v1/courses/"+c.ID, admin, map[string]any{"level": 3}).Want(t, http.StatusOK)
		e.Patch("/v1/courses/"+b.ID, admin, map[string]any{"level": 3}).Want(t, http.StatusOK)
		var got courseView
		e.Patch("/v1/courses/"+c.ID, admin, map[string]any{"prerequisites": []string{a.ID, b.ID, a.ID}}).Want(t, http.StatusOK).JSON(t, &got)
		if diff := cmp.Diff(sorted(a.ID, b.ID), sorted(got.Prerequisites...)); diff != "" {
			t.Fatalf("prerequisites: %s", diff)
		}
		e.Patch("/v1/courses/"+c.ID, admin, map[string]any{"prerequisites": []string{}}).Want(t, http.StatusOK).JSON(t, &got)
		if len(got.Prerequisites) != 0 {
			t.Fatalf("cleared prerequisites: %v", got.Prerequisites)
		}
	})
}

func TestCohortRules(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(catalogueStart)
		admin := e.AdminToken()
		ins := e.NewUser(auth.Instructor)
		course := mkCourse(t, e, map[string]any{"code": "SAF-201", "track": "safety-testing"})
		path := "/v1/courses/" + course.ID + "/cohorts"
		gone := e.NewUser(auth.Instructor) // has left: the account is deactivated
		e.Patch("/v1/users/"+gone.ID, admin, map[string]any{"active": false}).Want(t, http.StatusOK)

		ch := mkCohort(t, e, course.ID, ins.ID, nil)
		if ch.CourseID != course.ID || ch.CourseCode != "SAF-201" || ch.Track != "safety-testing" || ch.Level != 1 ||
			ch.Capacity != 10 || ch.SeatsTaken != 0 || ch.SeatsLeft != 10 || ch.WaitlistLength != 0 || ch.Status != "open" {
			t.Fatalf("cohort %+v", ch)
		}

		cases := []struct {
			name   string
			over   map[string]any
			fields []string
		}{
			{"starts after it ends", map[string]any{"starts_on": "2027-04-10", "ends_on": "2027-04-09"}, []string{"ends_on"}},
			{"window closes before it opens", map[string]any{"enrol_opens_at": "2027-03-02T00:00:00Z", "enrol_closes_at": "2027-03-01T00:00:00Z"}, []string{"enrol_closes_at"}},
			{"window closes as it opens", map[string]any{"enrol_opens_at": "2027-03-02T00:00:00Z", "enrol_closes_at": "2027-03-02T00:00:00Z"}, []string{"enrol_closes_at"}},
			{"window closes after the end", map[string]any{"ends_on": "2027-03-20", "enrol_closes_at": "2027-03-20T15:00:01Z"}, []string{"enrol_closes_at"}},
			{"capacity 0", map[string]any{"capacity": 0}, []string{"capacity"}},
			{"bad date", map[string]any{"starts_on": "2027-02-30"}, []string{"starts_on"}},
			{"bad timestamp", map[string]any{"enrol_opens_at": "tomorrow"}, []string{"enrol_opens_at"}},
			{"bad mode", map[string]any{"mode": "carrier-pigeon"}, []string{"mode"}},
			{"instructor is a trainee", map[string]any{"instructor_id": e.NewUser(auth.Trainee).ID}, []string{"instructor_id"}},
			{"instructor does not exist", map[string]any{"instructor_id": "01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b"}, []string{"instructor_id"}},
			{"instructor not an id", map[string]any{"instructor_id": "park"}, []string{"instructor_id"}},
			{"instructor is deactivated", map[string]any{"instructor_id": gone.ID}, []string{"instructor_id"}},
			{"missing label", map[string]any{"label": nil}, []string{"label"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := e.Post(path, admin, cohortBody(e, ins.ID, tc.over)).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
				if diff := cmp.Diff(tc.fields, p.Fields()); diff != "" {
					t.Fatalf("fields (-want +got):\n%s\n%+v", diff, p)
				}
			})
		}
		// The window may close exactly at the end of ends_on (midnight KST).
		mkCohort(t, e, course.ID, ins.ID, map[string]any{"ends_on": "2027-03-20", "enrol_closes_at": "2027-03-20T15:00:00Z"})
		// Admins back-fill past cohorts.
		past := mkCohort(t, e, course.ID, ins.ID, map[string]any{
			"starts_on": "2025-05-01", "ends_on": "2025-05-20",
			"enrol_opens_at": "2025-03-01T00:00:00Z", "enrol_closes_at": "2025-04-25T00:00:00Z",
		})
		if past.Status != "finished" {
			t.Fatalf("back-filled cohort %+v", past)
		}
		e.Post(path, admin, cohortBody(e, ins.ID, map[string]any{"capacity": "ten"})).WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Post("/v1/courses/01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b/cohorts", admin, cohortBody(e, ins.ID, nil)).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/courses/x/cohorts", admin, cohortBody(e, ins.ID, nil)).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post(path, ins.Token, cohortBody(e, ins.ID, nil)).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Patch("/v1/courses/"+course.ID, admin, map[string]any{"status": "archived"}).Want(t, http.StatusOK)
		e.Post(path, admin, cohortBody(e, ins.ID, nil)).WantProblem(t, http.StatusUnprocessableEntity, "course_archived")

		// PATCH keeps the rules on the merged cohort.
		p := e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"ends_on": catalogue.Today(catalogueStart)}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if diff := cmp.Diff(sorted("ends_on", "enrol_closes_at"), sorted(p.Fields()...)); diff != "" {
			t.Fatalf("patch fields: %s", diff)
		}
		other := e.NewUser(auth.Instructor)
		var got cohortView
		e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"instructor_id": other.ID, "label": "2027년 1기 (변경)", "mode": "hybrid"}).Want(t, http.StatusOK).JSON(t, &got)
		if got.InstructorID != other.ID || got.Label != "2027년 1기 (변경)" {
			t.Fatalf("patched cohort %+v", got)
		}
		e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"instructor_id": e.NewUser(auth.Company).ID}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		p = e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"instructor_id": gone.ID}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if diff := cmp.Diff([]string{"instructor_id"}, p.Fields()); diff != "" {
			t.Fatalf("assigning a deactivated instructor, fields (-want +got):\n%s", diff)
		}
		// An instructor deactivated after being assigned blocks no other change.
		e.Patch("/v1/users/"+other.ID, admin, map[string]any{"active": false}).Want(t, http.StatusOK)
		e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"capacity": 12}).Want(t, http.StatusOK)
		e.Patch("/v1/cohorts/nope", admin, map[string]any{"capacity": 3}).WantProblem(t, http.StatusNotFound, "not_found")
	})
}

func TestCohortStatusFollowsTheClock(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(catalogueStart)
		admin := e.AdminToken()
		ins := e.NewUser(auth.Instructor)
		course := mkCourse(t, e, nil)
		// Window 2027-03-05 00:00Z .. 2027-03-10 00:00Z; runs 2027-03-15 .. 2027-03-19 (KST days).
		ch := mkCohort(t, e, course.ID, ins.ID, map[string]any{
			"enrol_opens_at": "2027-03-05T00:00:00Z", "enrol_closes_at": "2027-03-10T00:00:00Z",
			"starts_on": "2027-03-15", "ends_on": "2027-03-19",
		})
		steps := []struct {
			at     time.Time
			status string
		}{
			{catalogueStart, "upcoming"},
			{time.Date(2027, 3, 4, 23, 59, 59, 0, time.UTC), "upcoming"},
			{time.Date(2027, 3, 5, 0, 0, 0, 0, time.UTC), "open"},
			{time.Date(2027, 3, 9, 23, 59, 59, 0, time.UTC), "open"},
			{time.Date(2027, 3, 10, 0, 0, 0, 0, time.UTC), "closed"},
			{time.Date(2027, 3, 14, 14, 59, 59, 0, time.UTC), "closed"},      // 23:59:59 KST on the 14th
			{time.Date(2027, 3, 14, 15, 0, 0, 0, time.UTC), "in_progress"},   // 00:00 KST on the 15th
			{time.Date(2027, 3, 19, 14, 59, 59, 0, time.UTC), "in_progress"}, // last second of the 19th in Korea
			{time.Date(2027, 3, 19, 15, 0, 0, 0, time.UTC), "finished"},
		}
		for _, s := range steps {
			e.Clock.Set(s.at)
			var one cohortView
			e.Get("/v1/cohorts/"+ch.ID, "").Want(t, http.StatusOK).JSON(t, &one)
			var list struct {
				Items []cohortView `json:"items"`
			}
			e.Get("/v1/cohorts?course_id="+course.ID, "").Want(t, http.StatusOK).JSON(t, &list)
			if one.Status != s.status || len(list.Items) != 1 || list.Items[0].Status != s.status {
				t.Fatalf("at %s: detail %q, list %+v, want %q", s.at, one.Status, list.Items, s.status)
			}
			openOnly := cohortIDs(t, e, "/v1/cohorts?open=true&course_id="+course.ID, "")
			notOpen := cohortIDs(t, e, "/v1/cohorts?open=false&course_id="+course.ID, "")
			if (s.status == "open") != (len(openOnly) == 1) || len(openOnly)+len(notOpen) != 1 {
				t.Fatalf("at %s (%s): open=true %v, open=false %v", s.at, s.status, openOnly, notOpen)
			}
		}

		// Cancelling: from open to cancelled, once; a finished cohort stays finished.
		e.Clock.Set(time.Date(2027, 3, 6, 0, 0, 0, 0, time.UTC))
		var cancelled cohortView
		e.Post("/v1/cohorts/"+ch.ID+"/cancel", admin, nil).Want(t, http.StatusOK).JSON(t, &cancelled)
		if cancelled.Status != "cancelled" {
			t.Fatalf("cancelled %+v", cancelled)
		}
		if got := cohortIDs(t, e, "/v1/cohorts?open=true", ""); len(got) != 0 {
			t.Fatalf("a cancelled cohort is listed as open: %v", got)
		}
		e.Post("/v1/cohorts/"+ch.ID+"/cancel", admin, nil).WantProblem(t, http.StatusConflict, "cohort_cancelled")
		e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"capacity": 20}).WantProblem(t, http.StatusConflict, "cohort_cancelled")
		e.Clock.Set(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
		var still cohortView
		e.Get("/v1/cohorts/"+ch.ID, "").Want(t, http.StatusOK).JSON(t, &still)
		if still.Status != "cancelled" {
			t.Fatalf("after its end a cancelled cohort reads %q", still.Status)
		}
		done := mkCohort(t, e, course.ID, ins.ID, map[string]any{
			"starts_on": "2027-03-15", "ends_on": "2027-03-19",
			"enrol_opens_at": "2027-03-01T00:00:00Z", "enrol_closes_at": "2027-03-10T00:00:00Z",
		})
		e.Post("/v1/cohorts/"+done.ID+"/cancel", admin, nil).WantProblem(t, http.StatusConflict, "cohort_finished")
		e.Post("/v1/cohorts/"+done.ID+"/cancel", ins.Token, nil).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/cohorts/nope/cancel", admin, nil).WantProblem(t, http.StatusNotFound, "not_found")
		if evs := auditEvents(t, e, ch.ID); len(evs) != 2 || evs[1].Action != "cohort.cancelled" {
			t.Fatalf("audit %+v", evs)
		}
	})
}

func TestCohortSeatsAndCapacity(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(catalogueStart)
		admin := e.AdminToken()
		course := mkCourse(t, e, nil)
		ch := mkCohort(t, e, course.ID, e.NewUser(auth.Instructor).ID, map[string]any{"capacity": 3})
		for _, status := range []string{"enrolled", "enrolled", "completed", "waitlisted", "waitlisted", "withdrawn"} {
			e.InsertEnrolment(ch.ID, e.NewUser(auth.Trainee).ID, status)
		}
		var got cohortView
		e.Get("/v1/cohorts/"+ch.ID, "").Want(t, http.StatusOK).JSON(t, &got)
		if got.SeatsTaken != 3 || got.SeatsLeft != 0 || got.WaitlistLength != 2 {
			t.Fatalf("seats %+v", got)
		}
		p := e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"capacity": 2}).WantProblem(t, http.StatusConflict, "capacity_below_seats")
		if !strings.Contains(p.Detail, "3") {
			t.Errorf("detail %q does not name the seats taken", p.Detail)
		}
		e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"capacity": 3}).Want(t, http.StatusOK)
		e.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"capacity": 5}).Want(t, http.StatusOK).JSON(t, &got)
		// Raising capacity may promote the waitlist (the enrolment hook);
		// either way the counts stay consistent.
		if got.Capacity != 5 || got.SeatsLeft != got.Capacity-got.SeatsTaken || got.SeatsTaken+got.WaitlistLength != 5 {
			t.Fatalf("after raising capacity %+v", got)
		}
		var list struct {
			Items []cohortView `json:"items"`
		}
		e.Get("/v1/cohorts?course_id="+course.ID, "").Want(t, http.StatusOK).JSON(t, &list)
		if diff := cmp.Diff([]cohortView{got}, list.Items); diff != "" {
			t.Fatalf("list and detail differ (-detail +list):\n%s", diff)
		}
	})
}

func TestCohortListsAndVisibility(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(catalogueStart)
		admin := e.AdminToken()
		park, lee := e.NewUser(auth.Instructor), e.NewUser(auth.Instructor)
		bms := mkCourse(t, e, map[string]any{"code": "BMS-101"})
		rec := mkCourse(t, e, map[string]any{"code": "REC-201", "track": "recycling", "level": 2})
		draft := mkCourse(t, e, map[string]any{"code": "DRAFT-301", "level": 3, "status": "draft"})

		a := mkCohort(t, e, bms.ID, park.ID, map[string]any{"starts_on": "2027-03-20", "ends_on": "2027-04-20"})
		b := mkCohort(t, e, bms.ID, lee.ID, map[string]any{"starts_on": "2027-03-10", "ends_on": "2027-04-20",
			"enrol_opens_at": "2027-03-08T00:00:00Z", "enrol_closes_at": "2027-03-09T00:00:00Z"})
		c := mkCohort(t, e, rec.ID, park.ID, map[string]any{"starts_on": "2027-03-20", "ends_on": "2027-04-20"})
		d := mkCohort(t, e, draft.ID, lee.ID, nil)

		trainee := e.NewUser(auth.Trainee).Token
		cases := []struct {
			query, token string
			want         []string
		}{
			{"", "", sorted(a.ID, b.ID, c.ID)},
			{"", trainee, sorted(a.ID, b.ID, c.ID)},
			{"", admin, sorted(a.ID, b.ID, c.ID, d.ID)},
			{"course_id=" + bms.ID, "", sorted(a.ID, b.ID)},
			{"course_id=" + draft.ID, "", []string{}},
			{"track=recycling", "", []string{c.ID}},
			{"level=2", "", []string{c.ID}},
			{"level=3", admin, []string{d.ID}},
			{"instructor_id=" + park.ID, "", sorted(a.ID, c.ID)},
			{"open=true", "", sorted(a.ID, c.ID)},
			{"open=false", "", []string{b.ID}},
			{"open=true&track=bms", "", []string{a.ID}},
		}
		for _, tc := range cases {
			if diff := cmp.Diff(tc.want, cohortIDs(t, e, "/v1/cohorts?"+tc.query, tc.token)); diff != "" {
				t.Errorf("?%s (-want +got):\n%s", tc.query, diff)
			}
		}
		// The cohort of a draft course: hidden but from admins and its instructor.
		e.Get("/v1/cohorts/"+d.ID, "").WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/cohorts/"+d.ID, trainee).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/cohorts/"+d.ID, park.Token).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/cohorts/"+d.ID, lee.Token).Want(t, http.StatusOK)
		e.Get("/v1/cohorts/"+d.ID, admin).Want(t, http.StatusOK)
		e.Get("/v1/cohorts/not-an-id", "").WantProblem(t, http.StatusNotFound, "not_found")

		// Pages in start order, each cohort once.
		var seen []string
		cursor := ""
		for {
			var pg struct {
				Items      []cohortView `json:"items"`
				NextCursor *string      `json:"next_cursor"`
			}
			path := "/v1/cohorts?limit=1"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			e.Get(path, admin).Want(t, http.StatusOK).JSON(t, &pg)
			for _, ch := range pg.Items {
				seen = append(seen, ch.StartsOn+" "+ch.ID)
			}
			if pg.NextCursor == nil {
				break
			}
			cursor = *pg.NextCursor
		}
		if len(seen) != 4 || !slices.IsSorted(seen) || !strings.HasSuffix(seen[0], d.ID) {
			t.Fatalf("paged cohorts %v", seen)
		}

		// Instructors see what they teach, drafts included.
		if diff := cmp.Diff(sorted(b.ID, d.ID), cohortIDs(t, e, "/v1/me/cohorts", lee.Token)); diff != "" {
			t.Fatalf("lee's cohorts: %s", diff)
		}
		if diff := cmp.Diff(sorted(a.ID, c.ID), cohortIDs(t, e, "/v1/me/cohorts", park.Token)); diff != "" {
			t.Fatalf("park's cohorts: %s", diff)
		}
		e.Get("/v1/me/cohorts", trainee).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Get("/v1/me/cohorts", "").WantProblem(t, http.StatusUnauthorized, "unauthorized")

		e.Get("/v1/cohorts?course_id=abc", "").WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/cohorts?open=yes", "").WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Get("/v1/cohorts?level=x", "").WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Get("/v1/cohorts?level=0", "").WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/cohorts?cursor="+url.QueryEscape(pageCursor("only-one-part")), "").WantProblem(t, http.StatusBadRequest, "invalid_cursor")
	})
}

// pageCursor makes a cursor of the given key parts, as the API encodes them.
func pageCursor(parts ...string) string {
	b, _ := json.Marshal(parts)
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestPlacementsAndLevels(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(catalogueStart)
		admin := e.AdminToken()
		trainee := e.NewUser(auth.Trainee)
		levels := func() map[string]int {
			var me struct {
				Levels map[string]int `json:"levels"`
			}
			e.Get("/v1/me", trainee.Token).Want(t, http.StatusOK).JSON(t, &me)
			return me.Levels
		}
		if got := levels(); len(got) != 0 {
			t.Fatalf("a new trainee has levels %v", got)
		}
		var pl catalogue.Placement
		e.Post("/v1/trainees/"+trainee.ID+"/placements", admin, map[string]any{"track": "bms", "level": 2, "reason": "현직 3년 경력"}).
			Want(t, http.StatusCreated).JSON(t, &pl)
		if pl.TraineeID != trainee.ID || pl.Track != "bms" || pl.Level != 2 || pl.Reason != "현직 3년 경력" || pl.PlacedBy == "" {
			t.Fatalf("placement %+v", pl)
		}
		if diff := cmp.Diff(map[string]int{"bms": 2}, levels()); diff != "" {
			t.Fatal(diff)
		}
		evs := auditEvents(t, e, pl.ID)
		if len(evs) != 1 || evs[0].Action != "placement.created" || evs[0].Entity != "placement" || evs[0].ActorID == nil {
			t.Fatalf("audit %+v", evs)
		}

		// A completed level-3 course lifts bms to 3 and recycling to 1.
		ins := e.NewUser(auth.Instructor).ID
		bms3 := mkCourse(t, e, map[string]any{"level": 3})
		rec1 := mkCourse(t, e, map[string]any{"track": "recycling"})
		e.InsertEnrolment(mkCohort(t, e, bms3.ID, ins, nil).ID, trainee.ID, "completed")
		e.InsertEnrolment(mkCohort(t, e, rec1.ID, ins, nil).ID, trainee.ID, "completed")
		// A failed or merely enrolled course counts for nothing.
		e.InsertEnrolment(mkCohort(t, e, mkCourse(t, e, map[string]any{"track": "materials", "level": 1}).ID, ins, nil).ID, trainee.ID, "failed")
		e.InsertEnrolment(mkCohort(t, e, mkCourse(t, e, map[string]any{"track": "cell-design", "level": 1}).ID, ins, nil).ID, trainee.ID, "enrolled")
		if diff := cmp.Diff(map[string]int{"bms": 3, "recycling": 1}, levels()); diff != "" {
			t.Fatal(diff)
		}
		// A higher placement wins; a later, lower placement corrects it,
		// but never below what was completed.
		place := func(track string, level int) {
			e.Post("/v1/trainees/"+trainee.ID+"/placements", admin, map[string]any{"track": track, "level": level, "reason": "재평가"}).Want(t, http.StatusCreated)
		}
		place("recycling", 4)
		if diff := cmp.Diff(map[string]int{"bms": 3, "recycling": 4}, levels()); diff != "" {
			t.Fatal(diff)
		}
		place("recycling", 2)
		place("bms", 1)
		if diff := cmp.Diff(map[string]int{"bms": 3, "recycling": 2}, levels()); diff != "" {
			t.Fatal(diff)
		}

		instructor := e.NewUser(auth.Instructor)
		body := map[string]any{"track": "bms", "level": 2, "reason": "x"}
		e.Post("/v1/trainees/"+instructor.ID+"/placements", admin, body).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/trainees/01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b/placements", admin, body).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/trainees/nope/placements", admin, body).WantProblem(t, http.StatusNotFound, "not_found")
		p := e.Post("/v1/trainees/"+trainee.ID+"/placements", admin, map[string]any{"track": "fusion", "level": 2, "reason": "x"}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if !slices.Equal(p.Fields(), []string{"track"}) {
			t.Fatalf("fields %v", p.Fields())
		}
		p = e.Post("/v1/trainees/"+trainee.ID+"/placements", admin, map[string]any{"track": "bms", "level": 6, "reason": ""}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if diff := cmp.Diff(sorted("level", "reason"), sorted(p.Fields()...)); diff != "" {
			t.Fatal(diff)
		}
		e.Post("/v1/trainees/"+trainee.ID+"/placements", trainee.Token, body).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		// Other roles' profiles carry no levels.
		if m := e.Get("/v1/me", instructor.Token).Want(t, http.StatusOK).Map(t); m["levels"] != nil {
			t.Fatalf("an instructor's profile has levels: %v", m)
		}
	})
}

func TestEligibility(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(catalogueStart)
		ctx := context.Background()
		ins := e.NewUser(auth.Instructor).ID
		trainee := e.NewUser(auth.Trainee)
		b101 := mkCourse(t, e, map[string]any{"code": "BMS-101"})
		b201 := mkCourse(t, e, map[string]any{"code": "BMS-201", "level": 2, "prerequisites": []string{b101.ID}})
		b202 := mkCourse(t, e, map[string]any{"code": "BMS-202", "level": 2})
		b301 := mkCourse(t, e, map[string]any{"code": "BMS-301", "level": 3, "prerequisites": []string{b201.ID, b202.ID}})

		check := func(courseID string) error {
			return e.App.Catalogue.CheckEligible(ctx, e.DB, trainee.ID, courseID)
		}
		wantErr := func(err error, kind apperr.Kind, code, detail string) {
			t.Helper()
			ae, ok := apperr.As(err)
			if !ok || ae.Kind != kind || ae.Code != code || !strings.Contains(ae.Detail(), detail) {
				t.Fatalf("got %v, want %s containing %q", err, code, detail)
			}
		}
		if err := check(b101.ID); err != nil {
			t.Fatalf("level 1 with level 0: %v", err)
		}
		wantErr(check(b202.ID), apperr.KindRule, "level_too_low", "needs level 1 in bms; you have 0")
		wantErr(check(b301.ID), apperr.KindRule, "level_too_low", "needs level 2 in bms; you have 0")

		e.InsertEnrolment(mkCohort(t, e, b101.ID, ins, nil).ID, trainee.ID, "completed")
		wantErr(check(b101.ID), apperr.KindConflict, "already_completed", "BMS-101")
		if err := check(b201.ID); err != nil {
			t.Fatalf("BMS-201 after BMS-101: %v", err)
		}
		// A placement lifts the level but does not waive prerequisites.
		e.Post("/v1/trainees/"+trainee.ID+"/placements", e.AdminToken(), map[string]any{"track": "bms", "level": 2, "reason": "경력"}).Want(t, http.StatusCreated)
		wantErr(check(b301.ID), apperr.KindRule, "prerequisite_missing", "complete BMS-201, BMS-202 first")
		e.InsertEnrolment(mkCohort(t, e, b201.ID, ins, nil).ID, trainee.ID, "completed")
		wantErr(check(b301.ID), apperr.KindRule, "prerequisite_missing", "complete BMS-202 first")
		e.InsertEnrolment(mkCohort(t, e, b202.ID, ins, nil).ID, trainee.ID, "completed")
		if err := check(b301.ID); err != nil {
			t.Fatalf("BMS-301 with everything done: %v", err)
		}
		if err := check("01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b"); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Fatalf("unknown course: %v", err)
		}
	})
}

func TestRecommendations(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(catalogueStart)
		admin := e.AdminToken()
		ins := e.NewUser(auth.Instructor).ID
		trainee := e.NewUser(auth.Trainee)

		b101 := mkCourse(t, e, map[string]any{"code": "BMS-101"})
		b102 := mkCourse(t, e, map[string]any{"code": "BMS-102"})
		b201 := mkCourse(t, e, map[string]any{"code": "BMS-201", "level": 2, "prerequisites": []string{b101.ID}})
		b202 := mkCourse(t, e, map[string]any{"code": "BMS-202", "level": 2, "prerequisites": []string{b102.ID}})
		b301 := mkCourse(t, e, map[string]any{"code": "BMS-301", "level": 3})
		c101 := mkCourse(t, e, map[string]any{"code": "CELL-101", "track": "cell-design"})
		c201 := mkCourse(t, e, map[string]any{"code": "CELL-201", "track": "cell-design", "level": 2})
		m101 := mkCourse(t, e, map[string]any{"code": "MAT-101", "track": "materials"})
		draft := mkCourse(t, e, map[string]any{"code": "BMS-103", "status": "draft"})

		// BMS-101 completed: bms level 1.
		e.InsertEnrolment(mkCohort(t, e, b101.ID, ins, map[string]any{
			"starts_on": "2026-10-01", "ends_on": "2026-10-20",
			"enrol_opens_at": "2026-09-01T00:00:00Z", "enrol_closes_at": "2026-09-25T00:00:00Z",
		}).ID, trainee.ID, "completed")

		next := mkCohort(t, e, b201.ID, ins, map[string]any{"enrol_closes_at": catalogueStart.Add(96 * time.Hour).Format(time.RFC3339)})
		nextSooner := mkCohort(t, e, b201.ID, ins, map[string]any{"enrol_closes_at": catalogueStart.Add(48 * time.Hour).Format(time.RFC3339)})
		same := mkCohort(t, e, b102.ID, ins, map[string]any{"capacity": 1})
		e.InsertEnrolment(same.ID, e.NewUser(auth.Trainee).ID, "enrolled")
		e.InsertEnrolment(same.ID, e.NewUser(auth.Trainee).ID, "waitlisted")
		fresh := mkCohort(t, e, c101.ID, ins, nil)
		// Not recommended: prerequisite missing, level too low twice, already
		// completed, a draft course, a cancelled cohort, a closed window, and
		// a course the trainee is already enrolled in.
		mkCohort(t, e, b202.ID, ins, nil)
		mkCohort(t, e, b301.ID, ins, nil)
		mkCohort(t, e, c201.ID, ins, nil)
		mkCohort(t, e, b101.ID, ins, nil)
		mkCohort(t, e, draft.ID, ins, nil)
		gone := mkCohort(t, e, c101.ID, ins, nil)
		e.Post("/v1/cohorts/"+gone.ID+"/cancel", admin, nil).Want(t, http.StatusOK)
		mkCohort(t, e, c101.ID, ins, map[string]any{"enrol_opens_at": catalogueStart.Add(time.Hour).Format(time.RFC3339)})
		busy := mkCohort(t, e, m101.ID, ins, nil)
		e.InsertEnrolment(busy.ID, trainee.ID, "waitlisted")
		mkCohort(t, e, m101.ID, ins, nil) // another run of a course they are waiting for

		var recs struct {
			Items      []recommendationView `json:"items"`
			NextCursor *string              `json:"next_cursor"`
		}
		e.Get("/v1/me/recommendations", trainee.Token).Want(t, http.StatusOK).JSON(t, &recs)
		var got []string
		for _, r := range recs.Items {
			got = append(got, r.Fit+" "+r.Cohort.ID)
		}
		want := []string{
			"next_level " + nextSooner.ID, "next_level " + next.ID,
			"same_level " + same.ID,
			"new_track " + fresh.ID,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("recommendations (-want +got):\n%s", diff)
		}
		first := recs.Items[0]
		if !slices.Contains(first.Reasons, "next level in bms (you are level 1)") || !slices.Contains(first.Reasons, "prerequisite BMS-101 completed") {
			t.Fatalf("reasons %q", first.Reasons)
		}
		if r := recs.Items[2].Reasons; !strings.Contains(strings.Join(r, "|"), "waitlist (1 waiting)") {
			t.Fatalf("a full cohort's reasons %q", r)
		}
		if recs.Items[2].Cohort.SeatsLeft != 0 || recs.Items[2].Cohort.WaitlistLength != 1 {
			t.Fatalf("full cohort %+v", recs.Items[2].Cohort)
		}
		e.Get("/v1/me/recommendations?limit=1", trainee.Token).Want(t, http.StatusOK).JSON(t, &recs)
		if len(recs.Items) != 1 || recs.Items[0].Cohort.ID != nextSooner.ID || recs.NextCursor != nil {
			t.Fatalf("limit=1: %+v", recs)
		}
		e.Get("/v1/me/recommendations?limit=500", trainee.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/me/recommendations?limit=x", trainee.Token).WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Get("/v1/me/recommendations", admin).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Get("/v1/me/recommendations", "").WantProblem(t, http.StatusUnauthorized, "unauthorized")

		// Once the window has closed there is nothing to recommend.
		e.Clock.Advance(30 * 24 * time.Hour)
		e.Get("/v1/me/recommendations", trainee.Token).Want(t, http.StatusOK).JSON(t, &recs)
		if len(recs.Items) != 0 {
			t.Fatalf("after every window closed: %+v", recs.Items)
		}
	})
}

func TestDemoSeedIsMeaningfulAndIdempotent(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		made, err := demo.Seed(ctx, e.App)
		if err != nil || made == 0 {
			t.Fatalf("first seed: %d, %v", made, err)
		}
		counts := func() map[string]int {
			out := map[string]int{}
			for _, table := range []string{"users", "tracks", "courses", "course_prerequisites", "cohorts", "placements", "enrolments", "audit_events"} {
				n, err := e.DB.NewSelect().Table(table).Count(ctx)
				if err != nil {
					t.Fatal(err)
				}
				out[table] = int(n)
			}
			return out
		}
		before := counts()
		again, err := demo.Seed(ctx, e.App)
		if err != nil || again != 0 {
			t.Fatalf("second seed: %d, %v", again, err)
		}
		if diff := cmp.Diff(before, counts()); diff != "" {
			t.Fatalf("seeding twice changed the data (-first +second):\n%s", diff)
		}

		// Every track has published courses, with Korean titles.
		for _, track := range []string{"cell-design", "materials", "manufacturing", "bms", "safety-testing", "recycling"} {
			var pg struct {
				Items []courseView `json:"items"`
			}
			e.Get("/v1/courses?track="+track+"&limit=100", "").Want(t, http.StatusOK).JSON(t, &pg)
			levels := map[int]bool{}
			for _, c := range pg.Items {
				levels[c.Level] = true
			}
			if len(levels) < 3 {
				t.Errorf("track %s has courses at levels %v", track, levels)
			}
		}
		if got := courseCodes(t, e, "/v1/courses?q="+url.QueryEscape("기초")+"&limit=100", ""); len(got) == 0 {
			t.Error("no Korean titles to search")
		}
		statuses := map[string]int{}
		cursor := ""
		for {
			var pg struct {
				Items      []cohortView `json:"items"`
				NextCursor *string      `json:"next_cursor"`
			}
			e.Get("/v1/cohorts?limit=100&cursor="+cursor, "").Want(t, http.StatusOK).JSON(t, &pg)
			for _, ch := range pg.Items {
				statuses[ch.Status]++
			}
			if pg.NextCursor == nil {
				break
			}
			cursor = *pg.NextCursor
		}
		for _, s := range []string{"finished", "open", "upcoming"} {
			if statuses[s] == 0 {
				t.Errorf("no %s cohorts in the demo: %v", s, statuses)
			}
		}

		// A demo trainee has levels and recommendations.
		pair, err := e.App.Auth.Login(ctx, "trainee.choi@demo.skillgrid.kr", demo.Password, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		me := e.Get("/v1/me", pair.AccessToken).Want(t, http.StatusOK).Map(t)
		if lv, _ := me["levels"].(map[string]any); len(lv) == 0 {
			t.Errorf("demo trainee has no levels: %v", me)
		}
		var recs struct {
			Items []recommendationView `json:"items"`
		}
		e.Get("/v1/me/recommendations", pair.AccessToken).Want(t, http.StatusOK).JSON(t, &recs)
		if len(recs.Items) == 0 {
			t.Error("demo trainee has no recommendations")
		}
		ipair, err := e.App.Auth.Login(ctx, "instructor.park@demo.skillgrid.kr", demo.Password, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if got := cohortIDs(t, e, "/v1/me/cohorts?limit=100", ipair.AccessToken); len(got) == 0 {
			t.Error("demo instructor teaches nothing")
		}

		// Prerequisite chains, trainees at different levels, an approved and
		// a pending company, and graduates the approved one can find.
		if before["course_prerequisites"] == 0 {
			t.Error("no prerequisite chains in the demo")
		}
		levelSets := map[string]bool{}
		for _, email := range []string{"trainee.choi@demo.skillgrid.kr", "trainee.jung@demo.skillgrid.kr", "trainee.kang@demo.skillgrid.kr"} {
			p, err := e.App.Auth.Login(ctx, email, demo.Password, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			levelSets[fmt.Sprint(e.Get("/v1/me", p.AccessToken).Want(t, http.StatusOK).Map(t)["levels"])] = true
		}
		if len(levelSets) < 2 {
			t.Errorf("demo trainees all stand at the same levels: %v", levelSets)
		}
		companies := func() map[string]string {
			var pg struct {
				Items []struct{ Email, Status string } `json:"items"`
			}
			e.Get("/v1/companies?limit=100", e.AdminToken()).Want(t, http.StatusOK).JSON(t, &pg)
			out := map[string]string{}
			for _, c := range pg.Items {
				out[c.Email] = c.Status
			}
			return out
		}
		want := map[string]string{"hr@cellmaker.demo.skillgrid.kr": "approved", "hr@materials.demo.skillgrid.kr": "pending"}
		if diff := cmp.Diff(want, companies()); diff != "" {
			t.Errorf("demo companies (-want +got):\n%s", diff)
		}
		cpair, err := e.App.Auth.Login(ctx, "hr@cellmaker.demo.skillgrid.kr", demo.Password, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if got := graduateIDs(t, e, cpair.AccessToken, ""); len(got) < 2 {
			t.Errorf("the approved demo company finds %d graduates, want at least 2", len(got))
		}
		// A run cut off between making the company and approving it heals.
		res, err := e.DB.NewUpdate().Table("companies").Set("status = 'pending'").Set("decided_at = NULL").
			Where("user_id = (SELECT id FROM users WHERE email = ?)", "hr@cellmaker.demo.skillgrid.kr").Exec(ctx)
		if n, _ := res.RowsAffected(); err != nil || n != 1 {
			t.Fatalf("set the demo company back to pending: %d rows, %v", n, err)
		}
		if _, err := demo.Seed(ctx, e.App); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, companies()); diff != "" {
			t.Errorf("re-seeding left the approved company pending (-want +got):\n%s", diff)
		}
	})
}
