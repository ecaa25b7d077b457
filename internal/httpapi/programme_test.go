package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type programmeRow struct {
	Track           string   `json:"track"`
	Level           int      `json:"level"`
	Courses         int      `json:"courses"`
	Cohorts         int      `json:"cohorts"`
	Seats           int      `json:"seats"`
	Enrolled        int      `json:"enrolled"`
	Waitlisted      int      `json:"waitlisted"`
	InProgress      int      `json:"in_progress"`
	Completed       int      `json:"completed"`
	Failed          int      `json:"failed"`
	CompletionRate  *float64 `json:"completion_rate"`
	Graduates       int      `json:"graduates"`
	GraduatesInPool int      `json:"graduates_in_pool"`
	ContactRequests int      `json:"contact_requests"`
	Hires           int      `json:"hires"`
	HiredGraduates  int      `json:"hired_graduates"`
	HireRate        float64  `json:"hire_rate"`
}

func rate(r float64) *float64 { return &r }

// programmeRows reads the report at path (with its query) by track/level.
func programmeRows(t *testing.T, e *testutil.Env, token, path string) map[string]programmeRow {
	t.Helper()
	var rep struct {
		Rows []programmeRow `json:"rows"`
	}
	e.Get(path, token).Want(t, http.StatusOK).JSON(t, &rep)
	got := map[string]programmeRow{}
	for _, r := range rep.Rows {
		got[r.Track+"/"+strconv.Itoa(r.Level)] = r
	}
	return got
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
		e.Clock.Advance(time.Hour)
		record(t, e, b1.ID, b1.Instructor.Token, row(eb.ID, 40, 80)) // t1's latest completion
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
			// t1 and t2 completed, t3 failed; t5's result is not in, so
			// the rate is 2 / 3. Both graduates are in the pool and both
			// were contacted. t1 was hired, but after completing B1 too:
			// the hire counts there, once.
			"bms/1": {Track: "bms", Level: 1, Courses: 1, Cohorts: 2, Seats: 5, Enrolled: 4, Waitlisted: 1, InProgress: 1, Completed: 2, Failed: 1,
				CompletionRate: rate(0.6667), Graduates: 2, GraduatesInPool: 2, ContactRequests: 2},
			"bms/2": {Track: "bms", Level: 2, Courses: 1, Cohorts: 1, Seats: 2, Enrolled: 1, Completed: 1,
				CompletionRate: rate(1), Graduates: 1, GraduatesInPool: 1, ContactRequests: 1, Hires: 1, HiredGraduates: 1, HireRate: 1},
			"materials/1": {Track: "materials", Level: 1, Courses: 1, Cohorts: 1, Seats: 2, Enrolled: 2, Completed: 1, Failed: 1,
				CompletionRate: rate(0.5), Graduates: 1, GraduatesInPool: 1, ContactRequests: 1},
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
		// The same rows as CSV and XLSX.
		period := "?from=" + day(5) + "&to=" + day(12)
		records := downloadCSV(t, e, "/v1/reports/programme.csv"+period, admin.Token, "programme-report.csv")
		header := []string{"track", "level", "courses", "cohorts", "seats", "enrolled", "waitlisted", "in_progress", "completed", "failed",
			"completion_rate", "graduates", "graduates_in_pool", "contact_requests", "hires", "hired_graduates", "hire_rate"}
		if len(records) != 31 || !cmp.Equal(records[0], header) {
			t.Fatalf("CSV %v", records[:min(2, len(records))])
		}
		csvRows := map[string][]string{}
		for _, rec := range records[1:] {
			csvRows[rec[0]+"/"+rec[1]] = rec
		}
		for k, want := range map[string][]string{
			"bms/1":       {"bms", "1", "1", "2", "5", "4", "1", "1", "2", "1", "0.6667", "2", "2", "2", "0", "0", "0"},
			"bms/2":       {"bms", "2", "1", "1", "2", "1", "0", "0", "1", "0", "1", "1", "1", "1", "1", "1", "1"},
			"recycling/1": {"recycling", "1", "0", "0", "0", "0", "0", "0", "0", "0", "", "0", "0", "0", "0", "0", "0"},
		} {
			if diff := cmp.Diff(want, csvRows[k]); diff != "" {
				t.Errorf("CSV %s (-want +got):\n%s", k, diff)
			}
		}
		w := downloadXLSX(t, e, "/v1/reports/programme.xlsx"+period, admin.Token, "programme-report.xlsx")
		if w.sheet != "programme-report" || len(w.rows) != 31 || !cmp.Equal(w.rows[0], header) {
			t.Fatalf("XLSX %q: %v", w.sheet, w.rows[:min(2, len(w.rows))])
		}
		for i, r := range w.rows {
			if r[0] == "bms" && r[1] == "1" {
				w.wantText("track", i+1, "bms")
				w.wantNumber("level", i+1, 1)
				w.wantNumber("in_progress", i+1, 1)
				w.wantNumber("completion_rate", i+1, 0.6667)
			}
			if r[0] == "recycling" && r[1] == "1" {
				w.wantEmpty("completion_rate", i+1)
			}
		}
		for _, ext := range []string{".csv", ".xlsx"} {
			e.Get("/v1/reports/programme"+ext+"?from=2026-13-01", admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
			e.Get("/v1/reports/programme"+ext, t1.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		}
		// Bad periods and roles.
		e.Get("/v1/reports/programme?from=2026-13-01", admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/reports/programme?from="+day(5)+"&to="+day(1), admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/reports/programme", t1.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
	})
}

// TestProgrammeReportCountsEachHireOnce: a hire counts once, in the row of
// the graduate's latest completion before it, so the hires column sums to
// the hires; and trainees who sign up for a cohort that has not started
// count as in progress without changing the completion rate.
func TestProgrammeReportCountsEachHireOnce(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		now := e.Clock.Now()
		co := e.NewCompany(account.CompanyApproved)
		hire := func(g testutil.User) {
			t.Helper()
			var cr struct {
				ID string `json:"id"`
			}
			e.Post("/v1/graduates/"+g.ID+"/contact-requests", co.Token, map[string]any{"message": "채용 제안"}).
				Want(t, http.StatusCreated).JSON(t, &cr)
			e.Post("/v1/contact-requests/"+cr.ID+"/accept", g.Token, nil).Want(t, http.StatusOK)
			e.Post("/v1/contact-requests/"+cr.ID+"/hire", co.Token, map[string]any{"position": "엔지니어", "hired_on": catalogue.Today(now)}).
				Want(t, http.StatusCreated)
		}
		bms1 := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 1})
		bms2 := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 2})
		mat1 := e.OpenCohort(testutil.CohortSpec{Track: "materials", Level: 1})
		mat2 := e.OpenCohort(testutil.CohortSpec{Track: "materials", Level: 2})

		// g completed bms 1, then bms 2, then was hired: the hire is bms/2's.
		g, _ := graduate(t, e, bms1.ID, now.Add(-48*time.Hour))
		e.InsertCompletion(bms2.ID, g.ID, now.Add(-24*time.Hour))
		hire(g)
		// h completed materials 1 and was hired; the materials 2 completed
		// after the hire does not take it.
		h, _ := graduate(t, e, mat1.ID, now.Add(-24*time.Hour))
		hire(h)
		e.InsertCompletion(mat2.ID, h.ID, now.Add(time.Hour))
		// f failed bms 1: bms/1 has one completion and one failure.
		f := e.NewUser(auth.Trainee)
		e.InsertEnrolment(bms1.ID, f.ID, "failed")

		rows := programmeRows(t, e, admin, "/v1/reports/programme")
		hires := 0
		for k, r := range rows {
			hires += r.Hires
			want := map[string]int{"bms/2": 1, "materials/1": 1}[k]
			if r.Hires != want || r.HiredGraduates != want {
				t.Errorf("%s: hires %d, hired graduates %d; want %d", k, r.Hires, r.HiredGraduates, want)
			}
		}
		if hires != 2 {
			t.Errorf("hires sum to %d, want 2", hires)
		}
		if r := rows["bms/1"]; r.Graduates != 1 || r.HireRate != 0 || rows["bms/2"].HireRate != 1 || rows["materials/2"].Graduates != 1 {
			t.Errorf("graduates and hire rates: bms/1 %+v, bms/2 %+v, materials/2 %+v", r, rows["bms/2"], rows["materials/2"])
		}
		before := rows["bms/1"]
		if before.CompletionRate == nil || *before.CompletionRate != 0.5 || before.InProgress != 0 || before.Enrolled != 2 {
			t.Fatalf("bms/1 before sign-ups: %+v", before)
		}

		// Two trainees sign up for a bms 1 cohort that has not started.
		next := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 1, Capacity: 5})
		for _, u := range e.Trainees(2) {
			enrol(t, e, next.ID, u, http.StatusCreated)
		}
		after := programmeRows(t, e, admin, "/v1/reports/programme")["bms/1"]
		if after.CompletionRate == nil || *after.CompletionRate != 0.5 || after.InProgress != 2 || after.Enrolled != 4 {
			t.Errorf("bms/1 after sign-ups: %+v", after)
		}
		// A track and level with no result in has no rate.
		if r := rows["recycling/3"]; r.CompletionRate != nil {
			t.Errorf("recycling/3 rate %v, want null", *r.CompletionRate)
		}
	})
}
