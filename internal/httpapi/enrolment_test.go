package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type enrolmentView struct {
	ID               string `json:"id"`
	CohortID         string `json:"cohort_id"`
	TraineeID        string `json:"trainee_id"`
	Status           string `json:"status"`
	WaitlistPosition *int   `json:"waitlist_position"`
}

func (v enrolmentView) String() string {
	if v.WaitlistPosition == nil {
		return v.Status
	}
	return fmt.Sprintf("%s#%d", v.Status, *v.WaitlistPosition)
}

func enrol(t *testing.T, e *testutil.Env, cohortID string, u testutil.User, want int) enrolmentView {
	t.Helper()
	var v enrolmentView
	e.Post("/v1/cohorts/"+cohortID+"/enrolments", u.Token, nil).Want(t, want).JSON(t, &v)
	return v
}

func getEnrolment(t *testing.T, e *testutil.Env, id, token string) enrolmentView {
	t.Helper()
	var v enrolmentView
	e.Get("/v1/enrolments/"+id, token).Want(t, http.StatusOK).JSON(t, &v)
	return v
}

func cohortSeats(t *testing.T, e *testutil.Env, id string) (taken, left, waitlist int) {
	t.Helper()
	m := e.Get("/v1/cohorts/"+id, "").Want(t, http.StatusOK).Map(t)
	return int(m["seats_taken"].(float64)), int(m["seats_left"].(float64)), int(m["waitlist_length"].(float64))
}

func TestEnrolSeatsThenWaitlistsInOrder(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 2})
		us := e.Trainees(5)
		var got []string
		var vs []enrolmentView
		for _, u := range us {
			v := enrol(t, e, c.ID, u, http.StatusCreated)
			vs = append(vs, v)
			got = append(got, v.String())
		}
		if diff := cmp.Diff([]string{"enrolled", "enrolled", "waitlisted#1", "waitlisted#2", "waitlisted#3"}, got); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
		// Enrolling again while active is a safe retry: 200, the same enrolment.
		again := enrol(t, e, c.ID, us[3], http.StatusOK)
		if again.ID != vs[3].ID || again.String() != "waitlisted#2" {
			t.Fatalf("retry gave %v, want %v", again, vs[3])
		}
		if taken, left, wl := cohortSeats(t, e, c.ID); taken != 2 || left != 0 || wl != 3 {
			t.Fatalf("cohort seats %d/%d, waitlist %d", taken, left, wl)
		}
		// Each new enrolment is audited once, with its actor and state.
		for i, v := range vs {
			evs := auditEvents(t, e, v.ID)
			want := "enrolment." + v.Status
			if len(evs) != 1 || evs[0].Action != want || *evs[0].ActorID != us[i].ID ||
				evs[0].After == nil || *evs[0].After != `{"status":"`+v.Status+`"}` || evs[0].RequestID == nil {
				t.Fatalf("audit of %s: %+v", v, evs)
			}
		}
		var mine struct {
			Items []enrolmentView `json:"items"`
		}
		e.Get("/v1/me/enrolments", us[4].Token).Want(t, http.StatusOK).JSON(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0].ID != vs[4].ID {
			t.Fatalf("my enrolments %v", mine.Items)
		}
	})
}

func TestWithdrawPromotesTheHeadAndPositionsCloseUp(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		us := e.Trainees(4)
		vs := make([]enrolmentView, len(us))
		for i, u := range us {
			vs[i] = enrol(t, e, c.ID, u, http.StatusCreated)
		}
		// The seat holder leaves: the head of the line takes the seat at once.
		var w enrolmentView
		e.Post("/v1/enrolments/"+vs[0].ID+"/withdraw", us[0].Token, nil).Want(t, http.StatusOK).JSON(t, &w)
		if w.Status != "withdrawn" {
			t.Fatalf("withdrawn shows %v", w)
		}
		states := func() []string {
			var out []string
			for i := 1; i < len(us); i++ {
				out = append(out, getEnrolment(t, e, vs[i].ID, us[i].Token).String())
			}
			return out
		}
		if diff := cmp.Diff([]string{"enrolled", "waitlisted#1", "waitlisted#2"}, states()); diff != "" {
			t.Fatalf("after the seat holder left (-want +got):\n%s", diff)
		}
		// Someone in line leaves: the rest close up.
		e.Post("/v1/enrolments/"+vs[2].ID+"/withdraw", us[2].Token, nil).Want(t, http.StatusOK)
		if diff := cmp.Diff([]string{"enrolled", "withdrawn", "waitlisted#1"}, states()); diff != "" {
			t.Fatalf("after a waitlisted trainee left (-want +got):\n%s", diff)
		}
		e.Post("/v1/enrolments/"+vs[2].ID+"/withdraw", us[2].Token, nil).WantProblem(t, http.StatusConflict, "not_active")
		// Only its trainee (or an admin) may withdraw it.
		e.Post("/v1/enrolments/"+vs[3].ID+"/withdraw", us[1].Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/enrolments/"+vs[3].ID+"/withdraw", c.Instructor.Token, nil).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/enrolments/"+vs[3].ID+"/withdraw", e.AdminToken(), nil).Want(t, http.StatusOK)
		if taken, _, wl := cohortSeats(t, e, c.ID); taken != 1 || wl != 0 {
			t.Fatalf("seats %d waitlist %d", taken, wl)
		}
		// Having withdrawn, a trainee may enrol again (at the end of the line).
		if v := enrol(t, e, c.ID, us[0], http.StatusCreated); v.String() != "waitlisted#1" {
			t.Fatalf("re-enrolled as %v", v)
		}
	})
}

func TestWithdrawingEndsWhenTheCohortStarts(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		u := e.NewUser(auth.Trainee)
		v := enrol(t, e, c.ID, u, http.StatusCreated)
		e.Clock.Advance(8 * 24 * time.Hour) // past starts_on
		e.Post("/v1/enrolments/"+v.ID+"/withdraw", u.Token, nil).WantProblem(t, http.StatusConflict, "cohort_started")
		if got := getEnrolment(t, e, v.ID, u.Token); got.Status != "enrolled" {
			t.Fatalf("a refused withdrawal changed the enrolment: %v", got)
		}
	})
}

func TestEnrolmentWindow(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		now := e.Clock.Now()
		u := e.NewUser(auth.Trainee)
		notYet := e.OpenCohort(testutil.CohortSpec{OpensAt: now.Add(time.Hour), ClosesAt: now.Add(2 * time.Hour)})
		p := e.Post("/v1/cohorts/"+notYet.ID+"/enrolments", u.Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "enrolment_closed")
		if !strings.Contains(p.Detail, "opens") {
			t.Errorf("detail %q", p.Detail)
		}
		closed := e.OpenCohort(testutil.CohortSpec{OpensAt: now.Add(-2 * time.Hour), ClosesAt: now.Add(-time.Hour)})
		e.Post("/v1/cohorts/"+closed.ID+"/enrolments", u.Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "enrolment_closed")

		// The window is [opens, closes): open at the first instant, closed at the last.
		edge := e.OpenCohort(testutil.CohortSpec{OpensAt: now.Add(time.Minute), ClosesAt: now.Add(2 * time.Minute)})
		e.Clock.Set(now.Add(time.Minute))
		enrol(t, e, edge.ID, u, http.StatusCreated)
		e.Clock.Set(now.Add(2 * time.Minute))
		e.Post("/v1/cohorts/"+edge.ID+"/enrolments", e.NewUser(auth.Trainee).Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "enrolment_closed")
		e.Clock.Set(now)

		cancelled := e.OpenCohort(testutil.CohortSpec{})
		e.Post("/v1/cohorts/"+cancelled.ID+"/cancel", e.AdminToken(), nil).Want(t, http.StatusOK)
		e.Post("/v1/cohorts/"+cancelled.ID+"/enrolments", u.Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "enrolment_closed")

		// A cohort of an unpublished course: TestEnrollingInAHiddenCohortIsNotFound.

		e.Post("/v1/cohorts/not-a-cohort/enrolments", u.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/cohorts/01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b/enrolments", u.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
	})
}

// TestEnrollingAgainAfterTheRulesChangedGivesTheEnrolmentBack: enrolling
// again while active is a safe retry however the rules changed since the
// trainee enrolled (the window closed, the course's level was raised):
// 200 with their enrolment, where a trainee who holds none is refused.
func TestEnrollingAgainAfterTheRulesChangedGivesTheEnrolmentBack(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		now := e.Clock.Now()
		c := e.OpenCohort(testutil.CohortSpec{OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)})
		u := e.NewUser(auth.Trainee)
		first := enrol(t, e, c.ID, u, http.StatusCreated)

		e.Clock.Set(now.Add(time.Hour)) // the window closes
		if again := enrol(t, e, c.ID, u, http.StatusOK); again.ID != first.ID || again.Status != first.Status {
			t.Errorf("retry after the window closed gave %v, want %v", again, first)
		}
		e.Post("/v1/cohorts/"+c.ID+"/enrolments", e.NewUser(auth.Trainee).Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "enrolment_closed")

		e.Clock.Set(now) // open again, for a course the trainee's level no longer meets
		e.Patch("/v1/courses/"+c.CourseID, e.AdminToken(), map[string]any{"level": 3}).Want(t, http.StatusOK)
		if again := enrol(t, e, c.ID, u, http.StatusOK); again.ID != first.ID || again.Status != first.Status {
			t.Errorf("retry after the level was raised gave %v, want %v", again, first)
		}
		e.Post("/v1/cohorts/"+c.ID+"/enrolments", e.NewUser(auth.Trainee).Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "level_too_low")

		var n int
		if err := e.DB.NewSelect().Table("enrolments").ColumnExpr("count(*)").Where("cohort_id = ?", c.ID).Scan(context.Background(), &n); err != nil || n != 1 {
			t.Fatalf("enrolments in the cohort: %d, %v; want the first only", n, err)
		}
	})
}

// TestEnrollingInAHiddenCohortIsNotFound: the cohort of a draft or archived
// course does not exist for a trainee (GET answers 404), and enrolling in
// it answers the very same 404 as a cohort that does not exist, not a 422
// that would tell them it does. An admin sees it and is told enrolment is
// closed.
func TestEnrollingInAHiddenCohortIsNotFound(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		u := e.NewUser(auth.Trainee)
		none := e.Post("/v1/cohorts/01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b/enrolments", u.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
		for _, status := range []string{"draft", "archived"} {
			t.Run(status, func(t *testing.T) {
				c := e.OpenCohort(testutil.CohortSpec{})
				e.Patch("/v1/courses/"+c.CourseID, admin, map[string]any{"status": status}).Want(t, http.StatusOK)

				got := e.Get("/v1/cohorts/"+c.ID, u.Token).WantProblem(t, http.StatusNotFound, "not_found")
				if diff := cmp.Diff(none, got); diff != "" {
					t.Errorf("GET of the hidden cohort differs from a missing one (-missing +hidden):\n%s", diff)
				}
				got = e.Post("/v1/cohorts/"+c.ID+"/enrolments", u.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
				if diff := cmp.Diff(none, got); diff != "" {
					t.Errorf("enrolling in the hidden cohort differs from a missing one (-missing +hidden):\n%s", diff)
				}
				p := e.Post("/v1/cohorts/"+c.ID+"/enrolments", admin, map[string]any{"trainee_id": u.ID}).
					WantProblem(t, http.StatusUnprocessableEntity, "enrolment_closed")
				if !strings.Contains(p.Detail, "not published") {
					t.Errorf("admin's detail %q", p.Detail)
				}

				// Nothing was written; published again, the cohort takes the trainee.
				e.Patch("/v1/courses/"+c.CourseID, admin, map[string]any{"status": "published"}).Want(t, http.StatusOK)
				if taken, _, waiting := cohortSeats(t, e, c.ID); taken != 0 || waiting != 0 {
					t.Fatalf("refused enrolments took %d seats and %d places in line", taken, waiting)
				}
				enrol(t, e, c.ID, u, http.StatusCreated)
			})
		}
	})
}

func TestEnrolmentEligibility(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		l3 := e.OpenCohort(testutil.CohortSpec{Level: 3, Track: "bms"})
		p := e.Post("/v1/cohorts/"+l3.ID+"/enrolments", u.Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "level_too_low")
		if !strings.Contains(p.Detail, "bms") || !strings.Contains(p.Detail, "3") {
			t.Errorf("detail %q does not say what is missing", p.Detail)
		}
		// A placement at level 2 in bms opens level 3 there.
		e.Post("/v1/trainees/"+u.ID+"/placements", e.AdminToken(), map[string]any{"track": "bms", "level": 2, "reason": "현장 경력 5년 (5 years on the line)"}).
			Want(t, http.StatusCreated)
		enrol(t, e, l3.ID, u, http.StatusCreated)

		first := e.OpenCohort(testutil.CohortSpec{Level: 1, Track: "safety-testing"})
		second := e.OpenCohort(testutil.CohortSpec{Level: 1, Track: "safety-testing", Prereqs: []string{first.CourseID}})
		p = e.Post("/v1/cohorts/"+second.ID+"/enrolments", u.Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "prerequisite_missing")
		if !strings.Contains(p.Detail, "TST-") {
			t.Errorf("detail %q does not name the missing course", p.Detail)
		}
		// Complete the prerequisite: the gate opens; the completed course stays shut.
		v := enrol(t, e, first.ID, u, http.StatusCreated)
		if _, err := e.DB.NewUpdate().Table("enrolments").Set("status = 'completed'").Where("id = ?", v.ID).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		enrol(t, e, second.ID, u, http.StatusCreated)
		rerun := cohortOf(t, e, first.CourseID)
		e.Post("/v1/cohorts/"+rerun+"/enrolments", u.Token, nil).WantProblem(t, http.StatusConflict, "already_completed")
	})
}

// cohortOf makes another open cohort of an existing course.
func cohortOf(t *testing.T, e *testutil.Env, courseID string) string {
	t.Helper()
	now := e.Clock.Now()
	ins := e.NewUser(auth.Instructor)
	m := e.Post("/v1/courses/"+courseID+"/cohorts", e.AdminToken(), map[string]any{
		"label": "재수강 (rerun)", "instructor_id": ins.ID, "capacity": 5,
		"starts_on": now.AddDate(0, 0, 10).Format(time.DateOnly), "ends_on": now.AddDate(0, 0, 20).Format(time.DateOnly),
		"enrol_opens_at": now.Add(-time.Hour).Format(time.RFC3339), "enrol_closes_at": now.AddDate(0, 0, 5).Format(time.RFC3339),
		"mode": "online",
	}).Want(t, http.StatusCreated).Map(t)
	return m["id"].(string)
}

func TestAdminEnrolsOnATraineesBehalf(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 3})
		u := e.NewUser(auth.Trainee)
		var v enrolmentView
		admin := e.NewUser(auth.Admin)
		res := e.Post("/v1/cohorts/"+c.ID+"/enrolments", admin.Token, map[string]any{"trainee_id": u.ID}).Want(t, http.StatusCreated)
		res.JSON(t, &v)
		if v.TraineeID != u.ID || v.Status != "enrolled" {
			t.Fatalf("admin enrolment %v", v)
		}
		// The audit event names the admin who acted and the request.
		var ev []struct {
			ActorID   *string `bun:"actor_id"`
			RequestID *string `bun:"request_id"`
		}
		if err := e.DB.NewSelect().Table("audit_events").Column("actor_id", "request_id").
			Where("entity_id = ?", v.ID).Where("action = 'enrolment.enrolled'").Scan(context.Background(), &ev); err != nil {
			t.Fatal(err)
		}
		rid := res.Header.Get("X-Request-ID")
		if len(ev) != 1 || ev[0].ActorID == nil || *ev[0].ActorID != admin.ID || rid == "" || ev[0].RequestID == nil || *ev[0].RequestID != rid {
			t.Fatalf("audit of the admin's enrolment %+v, want actor %s and request %q", ev, admin.ID, rid)
		}
		e.Post("/v1/cohorts/"+c.ID+"/enrolments", e.AdminToken(), nil).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Post("/v1/cohorts/"+c.ID+"/enrolments", e.AdminToken(), map[string]any{"trainee_id": c.Instructor.ID}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		other := e.NewUser(auth.Trainee)
		e.Post("/v1/cohorts/"+c.ID+"/enrolments", other.Token, map[string]any{"trainee_id": u.ID}).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/cohorts/"+c.ID+"/enrolments", c.Instructor.Token, nil).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/cohorts/"+c.ID+"/enrolments", other.Token, `{"trainee_id": 5}`).WantProblem(t, http.StatusBadRequest, "wrong_type")
	})
}

func TestWhoSeesAnEnrolment(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{})
		u := e.NewUser(auth.Trainee)
		v := enrol(t, e, c.ID, u, http.StatusCreated)
		otherInstructor := e.NewUser(auth.Instructor)
		company := e.NewUser(auth.Company)
		for name, tok := range map[string]string{"its trainee": u.Token, "its instructor": c.Instructor.Token, "admin": e.AdminToken()} {
			if got := getEnrolment(t, e, v.ID, tok); got.ID != v.ID {
				t.Errorf("%s sees %v", name, got)
			}
		}
		for name, tok := range map[string]string{"another trainee": e.NewUser(auth.Trainee).Token, "another instructor": otherInstructor.Token, "a company": company.Token} {
			if res := e.Get("/v1/enrolments/"+v.ID, tok); res.Status != http.StatusNotFound {
				t.Errorf("%s got %d, want 404", name, res.Status)
			}
		}
		// The roster: the cohort's instructor and admins only.
		var roster struct {
			Items []enrolmentView `json:"items"`
		}
		e.Get("/v1/cohorts/"+c.ID+"/enrolments", c.Instructor.Token).Want(t, http.StatusOK).JSON(t, &roster)
		if len(roster.Items) != 1 || roster.Items[0].ID != v.ID {
			t.Fatalf("roster %v", roster.Items)
		}
		e.Get("/v1/cohorts/"+c.ID+"/enrolments?status=waitlisted", e.AdminToken()).Want(t, http.StatusOK).JSON(t, &roster)
		if len(roster.Items) != 0 {
			t.Fatalf("status filter let through %v", roster.Items)
		}
		e.Get("/v1/cohorts/"+c.ID+"/enrolments", otherInstructor.Token).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/cohorts/"+c.ID+"/enrolments", u.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Get("/v1/me/enrolments", c.Instructor.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
	})
}

func TestCapacityChangesPromoteOrAreRefused(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 2})
		us := e.Trainees(5)
		vs := make([]enrolmentView, len(us))
		for i, u := range us {
			vs[i] = enrol(t, e, c.ID, u, http.StatusCreated)
		}
		e.Patch("/v1/cohorts/"+c.ID, e.AdminToken(), map[string]any{"capacity": 1}).WantProblem(t, http.StatusConflict, "capacity_below_seats")
		e.Patch("/v1/cohorts/"+c.ID, e.AdminToken(), map[string]any{"capacity": 4}).Want(t, http.StatusOK)
		var got []string
		for i, v := range vs {
			got = append(got, getEnrolment(t, e, v.ID, us[i].Token).String())
		}
		if diff := cmp.Diff([]string{"enrolled", "enrolled", "enrolled", "enrolled", "waitlisted#1"}, got); diff != "" {
			t.Fatalf("after raising capacity (-want +got):\n%s", diff)
		}
		if taken, left, wl := cohortSeats(t, e, c.ID); taken != 4 || left != 0 || wl != 1 {
			t.Fatalf("seats %d/%d waitlist %d", taken, left, wl)
		}
	})
}

func TestCancellingACohortCancelsItsEnrolments(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		us := e.Trainees(2)
		a := enrol(t, e, c.ID, us[0], http.StatusCreated)
		b := enrol(t, e, c.ID, us[1], http.StatusCreated)
		e.Post("/v1/cohorts/"+c.ID+"/cancel", e.AdminToken(), nil).Want(t, http.StatusOK)
		for i, v := range []enrolmentView{a, b} {
			if got := getEnrolment(t, e, v.ID, us[i].Token); got.Status != "cancelled" || got.WaitlistPosition != nil {
				t.Errorf("after cancel %v", got)
			}
		}
		if taken, _, wl := cohortSeats(t, e, c.ID); taken != 0 || wl != 0 {
			t.Fatalf("seats %d waitlist %d", taken, wl)
		}
	})
}
