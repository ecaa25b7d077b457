package httpapi_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type programmeRow struct {
	Track           string  `json:"track"`
	Level           int     `json:"level"`
	Courses         int     `json:"courses"`
	Cohorts         int     `json:"cohorts"`
	Seats           int     `json:"seats"`
	Enrolled        int     `json:"enrolled"`
	Waitlisted      int     `json:"waitlisted"`
	Completed       int     `json:"completed"`
	Failed          int     `json:"failed"`
	CompletionRate  float64 `json:"completion_rate"`
	Graduates       int     `json:"graduates"`
	GraduatesInPool int     `json:"graduates_in_pool"`
	ContactRequests int     `json:"contact_requests"`
	Hires           int     `json:"hires"`
	HiredGraduates  int     `json:"hired_graduates"`
	HireRate        float64 `json:"hire_rate"`
}

// TestProgrammeReport builds a known programme through the API and checks
// every figure of the report against a hand-computed expectation.
func TestProgrammeReport(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.NewUser(auth.Admin)
		now := e.Clock.Now()
		day := func(d int) string { return catalogue.Today(now.AddDate(0, 0, d)) }
		ts := e.Trainees(6)
		t1, t2, t3, t4, t5, t6 := ts[0], ts[1], ts[2], ts[3], ts[4], ts[5]

		// bms level 1: course A, cohorts A1 (3 seats) and A2 (2 seats) in the
		// period, A0 before it; bms level 2: B1; materials level 1: C1; and a
		// cancelled bms level 1 cohort in the period.
		a1 := e.OpenCohort(testutil.CohortSpec{Capacity: 3, Track: "bms", Level: 1}) // starts day 7
		a2 := cohortOf(t, e, a1.CourseID)                                            // starts day 10, 5 seats
		e.Patch("/v1/cohorts/"+a2, admin.Token, map[string]any{"capacity": 2}).Want(t, http.StatusOK)
		a0 := e.OpenCohort(testutil.CohortSpec{Capacity: 5, StartsOn: day(2), ClosesAt: now.Add(24 * time.Hour)})
		b1 := e.OpenCohort(testutil.CohortSpec{Capacity: 2, Track: "bms", Level: 2})
		c1 := e.OpenCohort(testutil.CohortSpec{Capacity: 2, Track: "materials", Level: 1})
		gone := e.OpenCohort(testutil.CohortSpec{Capacity: 4, Track: "bms", Level: 1})

		e.Post("/v1/trainees/"+t1.ID+"/placements", admin.Token, map[string]any{"track": "bms", "level": 1, "reason": "현장 경력"}).
			Want(t, http.StatusCreated)
		ea := map[string]enrolmentView{}
		for _, u := range []testutil.User{t1, t2, t3, t4} {
			ea[u.ID] = enrol(t, e, a1.ID, u, http.StatusCreated) // t4 waits
		}
		enrol(t, e, a2, t5, http.StatusCreated)
		e3 := enrol(t, e, a0.ID, t3, http.StatusCreated)
		eb := enrol(t, e, b1.ID, t1, http.StatusCreated)
		ec6 := enrol(t, e, c1.ID, t6, http.StatusCreated)
		ec2 := enrol(t, e, c1.ID, t2, http.StatusCreated)
		enrol(t, e, gone.ID, t6, http.StatusCreated)
		e.Post("/v1/cohorts/"+gone.ID+"/cancel", admin.Token, nil).Want(t, http.StatusOK)

		e.Clock.Advance(12 * 24 * time.Hour) // every cohort has started
		record(t, e, a1.ID, a1.Instructor.Token, row(ea[t1.ID].ID, 40, 90), row(ea[t2.ID].ID, 36, 70), row(ea[t3.ID].ID, 10, 90))
		record(t, e, a0.ID, a0.Instructor.Token, row(e3.ID, 40, 90)) // outside the period
		record(t, e, b1.ID, b1.Instructor.Token, row(eb.ID, 40, 80))
		record(t, e, c1.ID, c1.Instructor.Token, row(ec6.ID, 40, 20), row(ec2.ID, 40, 65))

		for _, u := range []testutil.User{t1, t2, t6} {
			e.Patch("/v1/me", u.Token, map[string]any{"pool_opt_in": true}).Want(t, http.StatusOK)
		}
		company := e.NewUser(auth.Company)
		var me struct {
			Company struct {
				ID string `json:"id"`
			} `json:"company"`
		}
		e.Get("/v1/me", company.Token).Want(t, http.StatusOK).JSON(t, &me)
		e.Post("/v1/companies/"+me.Company.ID+"/approve", admin.Token, nil).Want(t, http.StatusOK)
		var cr1, cr2 struct {
			ID string `json:"id"`
		}
		e.Post("/v1/graduates/"+t1.ID+"/contact-requests", company.Token, map[string]any{"message": "면접 제안드립니다"}).
			Want(t, http.StatusCreated).JSON(t, &cr1)
		e.Post("/v1/graduates/"+t2.ID+"/contact-requests", company.Token, map[string]any{"message": "연락 부탁드립니다"}).
			Want(t, http.StatusCreated).JSON(t, &cr2)
		e.Post("/v1/contact-requests/"+cr1.ID+"/accept", t1.Token, nil).Want(t, http.StatusOK)
		e.Post("/v1/contact-requests/"+cr1.ID+"/hire", company.Token, map[string]any{"position": "BMS 엔지니어", "hired_on": day(13)}).
			Want(t, http.StatusCreated)

		var rep struct {
			From *string        `json:"from"`
			To   *string        `json:"to"`
			Rows []programmeRow `json:"rows"`
		}
		e.Get("/v1/reports/programme?from="+day(5)+"&to="+day(12), admin.Token).Want(t, http.StatusOK).JSON(t, &rep)
		if rep.From == nil || *rep.From != day(5) || len(rep.Rows) != 6*5 {
			t.Fatalf("report covers %v..%v with %d rows", rep.From, rep.To, len(rep.Rows))
		}
		got := map[string]programmeRow{}
		for _, r := range rep.Rows {
			got[r.Track+"/"+string(rune('0'+r.Level))] = r
		}
		want := map[string]programmeRow{
			// A1 + A2: t1, t2, t3 held seats in A1 and t5 in A2; t4 waits;
			// t1 and t2 completed, t3 failed. Both graduates are in the pool,
			// both were contacted, t1 was hired.
			"bms/1": {Track: "bms", Level: 1, Courses: 1, Cohorts: 2, Seats: 5, Enrolled: 4, Waitlisted: 1, Completed: 2, Failed: 1,
				CompletionRate: 0.5, Graduates: 2, GraduatesInPool: 2, ContactRequests: 2, Hires: 1, HiredGraduates: 1, HireRate: 0.5},
			"bms/2": {Track: "bms", Level: 2, Courses: 1, Cohorts: 1, Seats: 2, Enrolled: 1, Completed: 1,
				CompletionRate: 1, Graduates: 1, GraduatesInPool: 1, ContactRequests: 1, Hires: 1, HiredGraduates: 1, HireRate: 1},
			"materials/1": {Track: "materials", Level: 1, Courses: 1, Cohorts: 1, Seats: 2, Enrolled: 2, Completed: 1, Failed: 1,
				CompletionRate: 0.5, Graduates: 1, GraduatesInPool: 1, ContactRequests: 1},
		}
		// Every other track and level is in the report with nothing in it.
		for k, g := range got {
			w, ok := want[k]
			if !ok {
				w = programmeRow{Track: g.Track, Level: g.Level}
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("%s (-want +got):\n%s", k, diff)
			}
		}
		for k := range want {
			if _, ok := got[k]; !ok {
				t.Errorf("no row for %s", k)
			}
		}
		// Without a period, A0 counts too: one more cohort, seat-holder,
		// completion and graduate (t3, not in the pool) at bms level 1.
		e.Get("/v1/reports/programme", admin.Token).Want(t, http.StatusOK).JSON(t, &rep)
		for _, r := range rep.Rows {
			if r.Track == "bms" && r.Level == 1 && (r.Cohorts != 3 || r.Completed != 3 || r.Graduates != 3 || r.GraduatesInPool != 2) {
				t.Errorf("all-time bms/1: %+v", r)
			}
		}
		// The same rows as CSV.
		res := e.Do(testutil.Req{Method: http.MethodGet, Path: "/v1/reports/programme?from=" + day(5) + "&to=" + day(12),
			Token: admin.Token, Header: map[string]string{"Accept": "text/csv"}}).Want(t, http.StatusOK)
		if !strings.HasPrefix(string(res.Body), "\ufeff") {
			t.Fatal("CSV without a BOM")
		}
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(res.Body), "\ufeff"))).ReadAll()
		if err != nil || len(records) != 31 || records[0][0] != "track" || records[0][9] != "completion_rate" {
			t.Fatalf("CSV %v %v", records[:min(2, len(records))], err)
		}
		for _, rec := range records[1:] {
			if rec[0] == "bms" && rec[1] == "1" {
				if diff := cmp.Diff([]string{"bms", "1", "1", "2", "5", "4", "1", "2", "1", "0.5", "2", "2", "2", "1", "1", "0.5"}, rec); diff != "" {
					t.Errorf("CSV bms/1 (-want +got):\n%s", diff)
				}
			}
		}
		// Bad periods and roles.
		e.Get("/v1/reports/programme?from=2026-13-01", admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/reports/programme?from="+day(5)+"&to="+day(1), admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/reports/programme", t1.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
	})
}
