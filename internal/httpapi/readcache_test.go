package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// twoServers are two apps on one database, as two serve processes would be.
func twoServers(t *testing.T, fn func(t *testing.T, a, b *testutil.Env)) {
	t.Helper()
	for _, d := range testutil.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			dsn := testutil.NewDSN(t, d)
			fn(t, testutil.NewOn(t, d, dsn), testutil.NewOn(t, d, dsn))
		})
	}
}

// TestACatalogueChangeThroughOneServerIsSeenByAnotherAtOnce: server b
// keeps its catalogue answers in memory, but a change committed through
// server a (a course's title, a new course in a list, a cohort's label)
// shows in b's very next answer, because every change bumps the
// catalogue's version in its transaction and b reads the version on
// every request. A write that bypasses the services (and so the version)
// shows that b does answer from memory.
func TestACatalogueChangeThroughOneServerIsSeenByAnotherAtOnce(t *testing.T) {
	t.Parallel()
	twoServers(t, func(t *testing.T, a, b *testutil.Env) {
		admin := a.AdminToken()
		course := mkCourse(t, a, map[string]any{"title": "첫 제목 (First title)"})
		ch := mkCohort(t, a, course.ID, a.NewUser(auth.Instructor).ID, nil)
		list := "/v1/courses?track=bms&level=1"

		var got courseView
		b.Get("/v1/courses/"+course.ID, "").Want(t, http.StatusOK).JSON(t, &got)
		if got.Title != "첫 제목 (First title)" {
			t.Fatalf("b reads title %q", got.Title)
		}
		if codes := courseCodes(t, b, list, ""); len(codes) != 1 {
			t.Fatalf("b lists %v", codes)
		}
		var chv cohortView
		b.Get("/v1/cohorts/"+ch.ID, "").Want(t, http.StatusOK).JSON(t, &chv)

		// Behind the services' back: b keeps answering what it read.
		if _, err := a.DB.NewUpdate().Table("courses").Set("title = 'bypassed'").Where("id = ?", course.ID).Exec(t.Context()); err != nil {
			t.Fatal(err)
		}
		b.Get("/v1/courses/"+course.ID, "").Want(t, http.StatusOK).JSON(t, &got)
		if got.Title != "첫 제목 (First title)" {
			t.Fatalf("b read %q: its answer was not kept", got.Title)
		}

		// Through server a's services: b sees each change at once.
		a.Patch("/v1/courses/"+course.ID, admin, map[string]any{"title": "새 제목 (New title)"}).Want(t, http.StatusOK)
		b.Get("/v1/courses/"+course.ID, "").Want(t, http.StatusOK).JSON(t, &got)
		if got.Title != "새 제목 (New title)" {
			t.Errorf("after a's change b reads title %q", got.Title)
		}
		other := mkCourse(t, a, nil)
		if codes := courseCodes(t, b, list, ""); len(codes) != 2 || (codes[0] != other.Code && codes[1] != other.Code) {
			t.Errorf("after a made %s b lists %v", other.Code, codes)
		}
		a.Patch("/v1/cohorts/"+ch.ID, admin, map[string]any{"label": "바뀐 이름 (Renamed)"}).Want(t, http.StatusOK)
		b.Get("/v1/cohorts/"+ch.ID, "").Want(t, http.StatusOK).JSON(t, &chv)
		if chv.Label != "바뀐 이름 (Renamed)" {
			t.Errorf("after a's change b reads label %q", chv.Label)
		}
		a.Patch("/v1/courses/"+course.ID, admin, map[string]any{"status": "archived"}).Want(t, http.StatusOK)
		b.Get("/v1/courses/"+course.ID, "").Want(t, http.StatusNotFound)
		b.Get("/v1/cohorts/"+ch.ID, "").Want(t, http.StatusNotFound)
	})
}

// TestSeatsLeftIsNeverMoreThanASecondOld: an enrolment does not bump the
// catalogue's version (a rush would invalidate every cached read many
// times a second), so another server may show the seats it read for up to
// catalogue.SeatsMaxAge, and no longer; the server that took the
// enrolment shows it at once.
func TestSeatsLeftIsNeverMoreThanASecondOld(t *testing.T) {
	t.Parallel()
	twoServers(t, func(t *testing.T, a, b *testutil.Env) {
		c := a.OpenCohort(testutil.CohortSpec{Capacity: 5})
		seatsLeft := func(e *testutil.Env, path string) int {
			t.Helper()
			var v cohortView
			if path == "" {
				e.Get("/v1/cohorts/"+c.ID, "").Want(t, http.StatusOK).JSON(t, &v)
				return v.SeatsLeft
			}
			var pg struct {
				Items []cohortView `json:"items"`
			}
			e.Get(path, "").Want(t, http.StatusOK).JSON(t, &pg)
			for _, it := range pg.Items {
				if it.ID == c.ID {
					return it.SeatsLeft
				}
			}
			t.Fatalf("%s does not list the cohort", path)
			return 0
		}
		for _, path := range []string{"", "/v1/cohorts?open=true"} {
			if n := seatsLeft(b, path); n != 5 {
				t.Fatalf("%q: %d seats left at first", path, n)
			}
		}
		u := a.NewUser(auth.Trainee)
		a.Post("/v1/cohorts/"+c.ID+"/enrolments", u.Token, nil).Want(t, http.StatusCreated)
		// Server a took the enrolment: its next read shows it.
		if n := seatsLeft(a, ""); n != 4 {
			t.Errorf("server a shows %d seats left after its own enrolment", n)
		}
		// Server b, a second later by its clock, shows it too.
		b.Clock.Advance(catalogue.SeatsMaxAge)
		for _, path := range []string{"", "/v1/cohorts?open=true"} {
			if n := seatsLeft(b, path); n != 4 {
				t.Errorf("%q: server b shows %d seats left a second after the enrolment", path, n)
			}
		}
	})
}

// TestCatalogueReadsAnswer304ToTheirOwnETag: every public catalogue read
// carries a strong ETag; sending it back in If-None-Match (also weakly, or
// among others) gets 304 with no body while the answer is unchanged, and
// the new answer once it changed. Anonymous answers may be kept by a
// shared cache for a second; answers to a token are not stored.
func TestCatalogueReadsAnswer304ToTheirOwnETag(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		course := mkCourse(t, e, nil)
		ch := mkCohort(t, e, course.ID, e.NewUser(auth.Instructor).ID, nil)
		trainee := e.NewUser(auth.Trainee)
		for _, path := range []string{"/v1/courses?track=bms", "/v1/courses/" + course.ID, "/v1/cohorts/" + ch.ID, "/v1/cohorts?open=true"} {
			first := e.Get(path, "").Want(t, http.StatusOK)
			tag := first.Header.Get("ETag")
			if !strings.HasPrefix(tag, `"`) || len(tag) < 3 {
				t.Fatalf("%s: ETag %q", path, tag)
			}
			if cc := first.Header.Get("Cache-Control"); cc != "public, max-age=1" {
				t.Errorf("%s: Cache-Control %q", path, cc)
			}
			for _, inm := range []string{tag, "W/" + tag, `"other", ` + tag, "*"} {
				res := e.Do(testutil.Req{Method: http.MethodGet, Path: path, Header: map[string]string{"If-None-Match": inm}}).Want(t, http.StatusNotModified)
				if len(res.Body) != 0 || res.Header.Get("ETag") != tag {
					t.Errorf("%s, If-None-Match %s: 304 with %d bytes, ETag %q", path, inm, len(res.Body), res.Header.Get("ETag"))
				}
			}
			e.Do(testutil.Req{Method: http.MethodGet, Path: path, Header: map[string]string{"If-None-Match": `"other"`}}).Want(t, http.StatusOK)
			// With a token: the same tag, and 304, but never stored.
			res := e.Do(testutil.Req{Method: http.MethodGet, Path: path, Token: trainee.Token, Header: map[string]string{"If-None-Match": tag}}).Want(t, http.StatusNotModified)
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s with a token: Cache-Control %q", path, cc)
			}
		}
		// A change makes a new answer, and the old tag gets it in full.
		path := "/v1/courses/" + course.ID
		tag := e.Get(path, "").Want(t, http.StatusOK).Header.Get("ETag")
		e.Patch(path, admin, map[string]any{"title": "바뀐 과정 (Changed)"}).Want(t, http.StatusOK)
		res := e.Do(testutil.Req{Method: http.MethodGet, Path: path, Header: map[string]string{"If-None-Match": tag}}).Want(t, http.StatusOK)
		if res.Header.Get("ETag") == tag || !strings.Contains(string(res.Body), "바뀐 과정") {
			t.Errorf("after a change: ETag %q (was %q), body %s", res.Header.Get("ETag"), tag, res.Body)
		}
	})
}

// TestAdminsReadTheCatalogueUncached: an admin sees drafts, so admins'
// reads are never answered from, nor stored in, the public cache.
func TestAdminsReadTheCatalogueUncached(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		mkCourse(t, e, nil)
		draft := mkCourse(t, e, map[string]any{"status": "draft"})
		if codes := courseCodes(t, e, "/v1/courses?track=bms", admin); len(codes) != 2 {
			t.Fatalf("admin lists %v", codes)
		}
		if codes := courseCodes(t, e, "/v1/courses?track=bms", ""); len(codes) != 1 || codes[0] == draft.Code {
			t.Errorf("anonymous lists %v after an admin's read", codes)
		}
		if codes := courseCodes(t, e, "/v1/courses?track=bms", admin); len(codes) != 2 {
			t.Errorf("admin lists %v after an anonymous read", codes)
		}
	})
}
