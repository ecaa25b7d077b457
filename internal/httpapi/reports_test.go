package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type auditView struct {
	ID       string         `json:"id"`
	ActorID  *string        `json:"actor_id"`
	Action   string         `json:"action"`
	Entity   string         `json:"entity"`
	EntityID string         `json:"entity_id"`
	Before   map[string]any `json:"before"`
	After    map[string]any `json:"after"`
}

func TestCohortReport(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 3}) // a 40-hour course
		us := e.Trainees(6)
		vs := make([]enrolmentView, len(us))
		for i, u := range us {
			vs[i] = enrol(t, e, c.ID, u, http.StatusCreated)
		}
		e.Post("/v1/enrolments/"+vs[5].ID+"/withdraw", us[5].Token, nil).Want(t, http.StatusOK)
		// Two results: 40h/90 completed, 20h/50 failed (set in the database:
		// this test is about the aggregation).
		ctx := context.Background()
		for i, r := range []struct {
			status       string
			hours, score float64
		}{{"completed", 40, 90}, {"failed", 20, 50}} {
			if _, err := e.DB.NewUpdate().Table("enrolments").Set("status = ?", r.status).
				Set("attended_hours = ?", r.hours).Set("score = ?", r.score).Where("id = ?", vs[i].ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var got map[string]any
		e.Get("/v1/reports/cohorts/"+c.ID, c.Instructor.Token).Want(t, http.StatusOK).JSON(t, &got)
		want := map[string]any{
			"capacity": 3.0, "enrolled": 1.0, "waitlisted": 2.0, "withdrawn": 1.0, "completed": 1.0, "failed": 1.0, "cancelled": 0.0,
			"average_attendance": 0.75, "average_attended_hours": 30.0, "average_score": 70.0,
		}
		for k, v := range want {
			if diff := cmp.Diff(v, got[k]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", k, diff)
			}
		}
		e.Get("/v1/reports/cohorts/"+c.ID, e.AdminToken()).Want(t, http.StatusOK)
		e.Get("/v1/reports/cohorts/"+c.ID, e.NewUser(auth.Instructor).Token).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/reports/cohorts/"+c.ID, us[0].Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Get("/v1/reports/cohorts/nope", e.AdminToken()).WantProblem(t, http.StatusNotFound, "not_found")

		// A cohort with no enrolments reports zeros and no averages.
		empty := e.OpenCohort(testutil.CohortSpec{})
		e.Get("/v1/reports/cohorts/"+empty.ID, e.AdminToken()).Want(t, http.StatusOK).JSON(t, &got)
		if got["enrolled"] != 0.0 || got["average_score"] != nil {
			t.Fatalf("empty cohort %v", got)
		}
	})
}

func TestAuditTrail(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.NewUser(auth.Admin)
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		u := e.NewUser(auth.Trainee)
		v := enrol(t, e, c.ID, u, http.StatusCreated)
		e.Post("/v1/enrolments/"+v.ID+"/withdraw", u.Token, nil).Want(t, http.StatusOK)
		victim := e.NewUser(auth.Instructor)
		e.Patch("/v1/users/"+victim.ID, admin.Token, map[string]any{"active": false}).Want(t, http.StatusOK)

		list := func(query string) []auditView {
			t.Helper()
			var pg struct {
				Items []auditView `json:"items"`
			}
			e.Get("/v1/audit-events?"+query, admin.Token).Want(t, http.StatusOK).JSON(t, &pg)
			return pg.Items
		}
		// The enrolment's history, newest first, with before and after.
		got := list("entity=enrolment&entity_id=" + v.ID)
		var actions []string
		for _, ev := range got {
			actions = append(actions, ev.Action)
		}
		if diff := cmp.Diff([]string{"enrolment.withdrawn", "enrolment.enrolled"}, actions); diff != "" {
			t.Fatalf("enrolment history (-want +got):\n%s", diff)
		}
		if got[0].Before["status"] != "enrolled" || got[0].After["status"] != "withdrawn" || *got[0].ActorID != u.ID {
			t.Fatalf("withdrawal event %+v", got[0])
		}
		if got[1].Before != nil {
			t.Fatalf("a creation has no before: %+v", got[1])
		}
		byActor := list("actor=" + admin.ID + "&action=user.deactivated")
		if len(byActor) != 1 || byActor[0].EntityID != victim.ID || byActor[0].Before["active"] != true || byActor[0].After["active"] != false {
			t.Fatalf("deactivation events %+v", byActor)
		}
		// Time window: nothing in the future, everything since an hour ago.
		future := e.Clock.Now().Add(time.Hour).Format(time.RFC3339)
		if n := len(list("from=" + url.QueryEscape(future))); n != 0 {
			t.Fatalf("%d events from the future", n)
		}
		past := e.Clock.Now().Add(-time.Hour).Format(time.RFC3339)
		if n := len(list("to=" + url.QueryEscape(past))); n != 0 {
			t.Fatalf("%d events before an hour ago", n)
		}
		// Pages of one cover every event once.
		all := list("limit=100")
		seen := map[string]bool{}
		cursor := ""
		for i := 0; i <= len(all); i++ {
			var pg struct {
				Items      []auditView `json:"items"`
				NextCursor *string     `json:"next_cursor"`
			}
			e.Get("/v1/audit-events?limit=1&cursor="+cursor, admin.Token).Want(t, http.StatusOK).JSON(t, &pg)
			for _, ev := range pg.Items {
				if seen[ev.ID] {
					t.Fatalf("event %s twice", ev.ID)
				}
				seen[ev.ID] = true
			}
			if pg.NextCursor == nil {
				break
			}
			cursor = *pg.NextCursor
		}
		if len(seen) != len(all) {
			t.Fatalf("paged %d of %d events", len(seen), len(all))
		}
		e.Get("/v1/audit-events?from=yesterday", admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/audit-events", u.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
	})
}

func TestAuditEventsAreAppendOnlyInTheDatabase(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		e.Patch("/v1/me", u.Token, map[string]any{"pool_opt_in": true}).Want(t, http.StatusOK)
		ctx := context.Background()
		if _, err := e.DB.NewUpdate().Table("audit_events").Set("action = 'forged'").Where("entity_id = ?", u.ID).Exec(ctx); err == nil {
			t.Fatal("an audit event was updated")
		}
		if _, err := e.DB.NewDelete().Table("audit_events").Where("entity_id = ?", u.ID).Exec(ctx); err == nil {
			t.Fatal("an audit event was deleted")
		}
		if evs := auditEvents(t, e, u.ID); len(evs) != 1 || evs[0].Action != "consent.changed" {
			t.Fatalf("events %+v", evs)
		}
	})
}
