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

type outcomesRow struct {
	CohortID         *string  `json:"cohort_id"`
	EndsOn           *string  `json:"ends_on"`
	Track            string   `json:"track"`
	Level            int      `json:"level"`
	Completers       *int     `json:"completers"`
	Employed3        *int     `json:"employed_3m"`
	Employed6        *int     `json:"employed_6m"`
	Insured6         *int     `json:"insured_6m"`
	Employed3Rate    *float64 `json:"employed_3m_rate"`
	Employed6Rate    *float64 `json:"employed_6m_rate"`
	Insured6Rate     *float64 `json:"insured_6m_rate"`
	Responses        *int     `json:"responses"`
	Satisfaction     *float64 `json:"satisfaction"`
	Suppressed       []string `json:"suppressed"`
	NotYetMeasurable []string `json:"not_yet_measurable"`
}

type outcomesReport struct {
	By   string        `json:"by"`
	AsOf string        `json:"as_of"`
	Rows []outcomesRow `json:"rows"`
}

func intp(n int) *int           { return &n }
func floatp(f float64) *float64 { return &f }
func strp(s string) *string     { return &s }

// TestOutcomesReport reproduces figures computed by hand. As of 2027-08-15:
//
// Cohort A (bms 1) ends 2027-01-31, so 3 months later is 2027-04-30 (not
// May 1st) and 6 months later 2027-07-31. Ten completers and one failure:
//
//	c1 job 2027-04-30 uninsured  -> 3m 6m
//	c2 job 2027-05-01 insured    ->    6m ins (a day past the 3 months)
//	c3 hired 2027-02-10          -> 3m 6m ins (a hire is insured)
//	c4 job 2020-03-01 insured    -> 3m 6m ins (held since before the course)
//	c5 job 2027-03-15 insured    -> 3m 6m ins
//	c6 job 2027-01-15 uninsured  -> 3m 6m
//	c7 job 2027-07-31 insured    ->    6m ins (the last day of the 6 months)
//	c8 job 2027-08-01 insured    -> -
//	c9 nothing                   -> -
//	c10 jobs 2027-02-01 uninsured and 2027-06-01 insured -> 3m 6m ins (once)
//	failed trainee, job 2027-02-01 -> not a completer, not counted
//
// employed_3m 6 (0.6), employed_6m 8 (0.8), insured_6m 6 (0.6); ratings
// 5 4 4 3 5 from c1..c5 and 1 from the failed trainee: 22/6 = 3.67.
//
// Cohort B (materials 1) ends 2027-06-30: 3 months later is 2027-09-30,
// after today: five completers, every employment figure not yet measurable.
//
// Cohort C (bms 1) ends 2027-02-12 (6 months: 2027-08-12, passed) with three completers, nobody employed:
// completers and every rate suppressed, the zero counts shown.
func TestOutcomesReport(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Clock.Set(time.Date(2027, 8, 15, 3, 0, 0, 0, time.UTC))
		co := e.NewCompany(account.CompanyApproved)
		a := pastCohort(e, "bms", "2027-01-04", "2027-01-31")
		b := pastCohort(e, "materials", "2027-06-01", "2027-06-30")
		c := pastCohort(e, "bms", "2027-01-04", "2027-02-12")
		at := func(day string) time.Time {
			d, _ := time.Parse(time.DateOnly, day)
			return d.Add(9 * time.Hour)
		}
		cs := e.Trainees(10)
		enrolments := make([]string, len(cs))
		for i, u := range cs {
			enrolments[i] = e.InsertCompletion(a.ID, u.ID, at("2027-01-31")).EnrolmentID
		}
		reportJob(t, e, cs[0], "2027-04-30", false)
		reportJob(t, e, cs[1], "2027-05-01", true)
		hireThrough(t, e, co, cs[2], "2027-02-10")
		reportJob(t, e, cs[3], "2020-03-01", true)
		reportJob(t, e, cs[4], "2027-03-15", true)
		reportJob(t, e, cs[5], "2027-01-15", false)
		reportJob(t, e, cs[6], "2027-07-31", true)
		reportJob(t, e, cs[7], "2027-08-01", true)
		reportJob(t, e, cs[9], "2027-02-01", false)
		reportJob(t, e, cs[9], "2027-06-01", true)
		failed := e.NewUser(auth.Trainee)
		failedEnrolment := e.InsertEnrolment(a.ID, failed.ID, "failed")
		reportJob(t, e, failed, "2027-02-01", true)
		for i, r := range []int{5, 4, 4, 3, 5} {
			e.Post("/v1/enrolments/"+enrolments[i]+"/survey", cs[i].Token, map[string]any{"rating": r}).Want(t, http.StatusCreated)
		}
		e.Post("/v1/enrolments/"+failedEnrolment+"/survey", failed.Token, map[string]any{"rating": 1}).Want(t, http.StatusCreated)
		for _, u := range e.Trainees(5) {
			e.InsertCompletion(b.ID, u.ID, at("2027-06-30"))
			reportJob(t, e, u, "2027-07-01", true)
		}
		for _, u := range e.Trainees(3) {
			e.InsertCompletion(c.ID, u.ID, at("2027-02-12"))
		}

		none := []string{}
		rowA := outcomesRow{CohortID: &a.ID, EndsOn: strp("2027-01-31"), Track: "bms", Level: 1,
			Completers: intp(10), Employed3: intp(6), Employed6: intp(8), Insured6: intp(6),
			Employed3Rate: floatp(0.6), Employed6Rate: floatp(0.8), Insured6Rate: floatp(0.6),
			Responses: intp(6), Satisfaction: floatp(3.67), Suppressed: none, NotYetMeasurable: none}
		rowC := outcomesRow{CohortID: &c.ID, EndsOn: strp("2027-02-12"), Track: "bms", Level: 1,
			Employed3: intp(0), Employed6: intp(0), Insured6: intp(0), Responses: intp(0),
			Suppressed: []string{"completers", "employed_3m_rate", "employed_6m_rate", "insured_6m_rate"}, NotYetMeasurable: none}
		rowB := outcomesRow{CohortID: &b.ID, EndsOn: strp("2027-06-30"), Track: "materials", Level: 1,
			Completers: intp(5), Responses: intp(0), Suppressed: none,
			NotYetMeasurable: []string{"employed_3m", "employed_3m_rate", "employed_6m", "employed_6m_rate", "insured_6m", "insured_6m_rate"}}
		admin := e.AdminToken()
		var got outcomesReport
		e.Get("/v1/reports/outcomes", admin).Want(t, http.StatusOK).JSON(t, &got)
		want := outcomesReport{By: "cohort", AsOf: "2027-08-15", Rows: []outcomesRow{rowA, rowC, rowB}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("by cohort (-want +got):\n%s", diff)
		}

		// By track and level: A and C together are 13 completers, 6/13,
		// 8/13 and 6/13; the latest 6 months end on 2027-08-12, passed.
		e.Get("/v1/reports/outcomes?by=track_level", admin).Want(t, http.StatusOK).JSON(t, &got)
		want = outcomesReport{By: "track_level", AsOf: "2027-08-15", Rows: []outcomesRow{
			{Track: "bms", Level: 1, Completers: intp(13), Employed3: intp(6), Employed6: intp(8), Insured6: intp(6),
				Employed3Rate: floatp(0.4615), Employed6Rate: floatp(0.6154), Insured6Rate: floatp(0.4615),
				Responses: intp(6), Satisfaction: floatp(3.67), Suppressed: none, NotYetMeasurable: none},
			{Track: "materials", Level: 1, Completers: intp(5), Responses: intp(0), Suppressed: none, NotYetMeasurable: rowB.NotYetMeasurable},
		}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("by track and level (-want +got):\n%s", diff)
		}

		// The period is of cohort end dates.
		e.Get("/v1/reports/outcomes?from=2027-02-01&to=2027-02-28", admin).Want(t, http.StatusOK).JSON(t, &got)
		if diff := cmp.Diff([]outcomesRow{rowC}, got.Rows); diff != "" {
			t.Fatalf("February (-want +got):\n%s", diff)
		}

		// The CSV has the same figures, empty where JSON has null.
		csv := string(e.Get("/v1/reports/outcomes.csv?by=track_level", admin).Want(t, http.StatusOK).Body)
		wantCSV := "\ufefftrack,level,completers,employed_3m,employed_6m,insured_6m,employed_3m_rate,employed_6m_rate,insured_6m_rate,responses,satisfaction,suppressed,not_yet_measurable\n" +
			"bms,1,13,6,8,6,0.4615,0.6154,0.4615,6,3.67,,\n" +
			"materials,1,5,,,,,,,0,,,employed_3m employed_3m_rate employed_6m employed_6m_rate insured_6m insured_6m_rate\n"
		if diff := cmp.Diff(wantCSV, csv); diff != "" {
			t.Fatalf("CSV (-want +got):\n%s", diff)
		}
		e.Get("/v1/reports/outcomes.xlsx?by=cohort", admin).Want(t, http.StatusOK)

		e.Get("/v1/reports/outcomes?by=course", admin).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/reports/outcomes?from=2027-03-01&to=2027-02-01", admin).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/reports/outcomes?form=2027-03-01", admin).WantProblem(t, http.StatusBadRequest, "unknown_parameter")
		e.Get("/v1/reports/outcomes", cs[0].Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
	})
}
