package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// pastCohort is a cohort of a new level-1 course in track that ran from
// startsOn to endsOn, its enrolment window before it.
func pastCohort(e *testutil.Env, track, startsOn, endsOn string) testutil.Cohort {
	start, _ := time.Parse(time.DateOnly, startsOn)
	return e.OpenCohort(testutil.CohortSpec{
		Capacity: 30, Track: track, StartsOn: startsOn, EndsOn: endsOn,
		OpensAt: start.Add(-30 * 24 * time.Hour), ClosesAt: start.Add(-24 * time.Hour),
	})
}

func reportJob(t *testing.T, e *testutil.Env, u testutil.User, startedOn string, insured bool) {
	t.Helper()
	e.Post("/v1/me/employment", u.Token, map[string]any{"employer": "한빛셀", "started_on": startedOn, "insured": insured}).
		Want(t, http.StatusCreated)
}

// hireThrough records a hire of the graduate u on hiredOn through the
// pool: opt-in, a contact request, its acceptance, the hire.
func hireThrough(t *testing.T, e *testutil.Env, co, u testutil.User, hiredOn string) {
	t.Helper()
	optIn := true
	e.UpdateTrainee(u.ID, account.ProfilePatch{PoolOptIn: &optIn})
	var cr struct {
		ID string `json:"id"`
	}
	e.Post("/v1/graduates/"+u.ID+"/contact-requests", co.Token, map[string]any{"message": "면접 제안"}).Want(t, http.StatusCreated).JSON(t, &cr)
	e.Post("/v1/contact-requests/"+cr.ID+"/accept", u.Token, nil).Want(t, http.StatusOK)
	e.Post("/v1/contact-requests/"+cr.ID+"/hire", co.Token, map[string]any{"position": "BMS engineer", "hired_on": hiredOn}).Want(t, http.StatusCreated)
}

func TestEmploymentAndSurveys(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(time.Date(2027, 3, 10, 3, 0, 0, 0, time.UTC)) // 2027-03-10 in Korea
		u, other := e.NewUser(auth.Trainee), e.NewUser(auth.Trainee)
		var job map[string]any
		e.Post("/v1/me/employment", u.Token, map[string]any{"employer": " 한빛셀 ", "started_on": "2027-03-02", "insured": true}).
			Want(t, http.StatusCreated).JSON(t, &job)
		if job["employer"] != "한빛셀" || job["started_on"] != "2027-03-02" || job["insured"] != true || job["trainee_id"] != u.ID {
			t.Fatalf("employment %v", job)
		}
		p := e.Post("/v1/me/employment", u.Token, map[string]any{"employer": "x", "started_on": "2027-03-11", "insured": true}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if diff := cmp.Diff([]string{"started_on"}, p.Fields()); diff != "" {
			t.Fatalf("future start: %s", diff)
		}
		p = e.Post("/v1/me/employment", u.Token, map[string]any{"employer": "", "started_on": "soon"}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if diff := cmp.Diff([]string{"employer", "started_on", "insured"}, p.Fields()); diff != "" {
			t.Fatalf("bad fields: %s", diff)
		}
		e.Post("/v1/me/employment", e.NewCompany(account.CompanyApproved).Token, map[string]any{"employer": "x", "started_on": "2027-03-02", "insured": true}).
			WantProblem(t, http.StatusForbidden, "role_not_allowed")

		c := pastCohort(e, "bms", "2027-01-04", "2027-01-29")
		done := e.InsertCompletion(c.ID, u.ID, time.Date(2027, 1, 29, 9, 0, 0, 0, time.UTC)).EnrolmentID
		failed := e.InsertEnrolment(c.ID, other.ID, "failed")
		running := e.InsertEnrolment(e.OpenCohort(testutil.CohortSpec{}).ID, u.ID, "enrolled")
		var sv map[string]any
		e.Post("/v1/enrolments/"+done+"/survey", u.Token, map[string]any{"rating": 4, "comment": "실습이 좋았습니다"}).
			Want(t, http.StatusCreated).JSON(t, &sv)
		if sv["rating"] != 4.0 || sv["enrolment_id"] != done || sv["comment"] != "실습이 좋았습니다" {
			t.Fatalf("survey %v", sv)
		}
		e.Post("/v1/enrolments/"+done+"/survey", u.Token, map[string]any{"rating": 5}).WantProblem(t, http.StatusConflict, "already_rated")
		e.Post("/v1/enrolments/"+running+"/survey", u.Token, map[string]any{"rating": 5}).WantProblem(t, http.StatusConflict, "not_finished")
		e.Post("/v1/enrolments/"+failed+"/survey", u.Token, map[string]any{"rating": 5}).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/enrolments/"+failed+"/survey", other.Token, map[string]any{"rating": 0}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Post("/v1/enrolments/"+failed+"/survey", other.Token, map[string]any{"rating": 1}).Want(t, http.StatusCreated)
		e.Post("/v1/enrolments/nope/survey", other.Token, map[string]any{"rating": 1}).WantProblem(t, http.StatusNotFound, "not_found")

		// Both are audited, without the employer or the comment.
		var trail struct {
			Items []auditView `json:"items"`
		}
		e.Get("/v1/audit-events?actor="+u.ID, e.AdminToken()).Want(t, http.StatusOK).JSON(t, &trail)
		actions := map[string]bool{}
		for _, a := range trail.Items {
			actions[a.Action] = true
		}
		if !actions["employment.reported"] || !actions["survey.created"] {
			t.Fatalf("audit actions %v", actions)
		}
		raw := string(e.Get("/v1/audit-events?actor="+u.ID, e.AdminToken()).Body)
		if strings.Contains(raw, "한빛셀") || strings.Contains(raw, "실습") {
			t.Fatalf("free text in the trail: %s", raw)
		}
	})
}
