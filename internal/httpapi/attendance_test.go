package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type sessionView struct {
	ID       string    `json:"id"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Hours    float64   `json:"hours"`
	Status   string    `json:"status"`
	Sequence int       `json:"sequence"`
}

type sessionList struct {
	Items []sessionView `json:"items"`
}

type recordView struct {
	EnrolmentID   string  `json:"enrolment_id"`
	Status        string  `json:"status"`
	Source        string  `json:"source"`
	CreditedHours float64 `json:"credited_hours"`
}

type registerView struct {
	Records []recordView `json:"records"`
}

func seoul(t *testing.T) *time.Location {
	t.Helper()
	z, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// registerCohort makes a cohort of a 40-hour course (attendance 0.8, so
// 32 hours required) starting in a week and lasting two, with n trainees
// seated; it returns the cohort, the trainees, their enrolments and the
// first day.
func registerCohort(t *testing.T, e *testutil.Env, n int) (testutil.Cohort, []testutil.User, []enrolmentView, time.Time) {
	t.Helper()
	now := e.Clock.Now()
	first := now.Add(7 * 24 * time.Hour)
	c := e.OpenCohort(testutil.CohortSpec{Capacity: n + 1, StartsOn: catalogue.Today(first), EndsOn: catalogue.Today(first.Add(14 * 24 * time.Hour))})
	us := e.Trainees(n)
	vs := make([]enrolmentView, n)
	for i, u := range us {
		vs[i] = enrol(t, e, c.ID, u, http.StatusCreated)
	}
	day, err := time.ParseInLocation(time.DateOnly, catalogue.Today(first), seoul(t))
	if err != nil {
		t.Fatal(err)
	}
	return c, us, vs, day
}

// at is the instant of day's Korea-time clock reading hh:mm.
func at(day time.Time, hh, mm int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, day.Location())
}

func weekly(from, to time.Time, start, end string, skip ...string) map[string]any {
	w := map[string]any{"weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "start_time": start, "end_time": end,
		"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly)}
	if len(skip) > 0 {
		w["skip"] = skip
	}
	return map[string]any{"weekly": w, "topic": "BMS 실습"}
}

func TestSessionsAreScheduledInKoreaTimeWithinTheCohortWithoutOverlap(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, _, _, day := registerCohort(t, e, 1)
		admin := e.AdminToken()
		path := "/v1/cohorts/" + c.ID + "/sessions"
		// Seven days from the first, skipping the third: six sessions,
		// 19:00-22:00 in Seoul whatever the server's zone (10:00-13:00 UTC).
		var made sessionList
		e.Post(path, admin, weekly(day, day.AddDate(0, 0, 6), "19:00", "22:00", day.AddDate(0, 0, 2).Format(time.DateOnly))).
			Want(t, http.StatusCreated).JSON(t, &made)
		if len(made.Items) != 6 {
			t.Fatalf("made %d sessions, want 6", len(made.Items))
		}
		first := made.Items[0]
		if want := at(day, 19, 0).UTC(); !first.StartsAt.Equal(want) || first.StartsAt.Hour() != 10 || first.Hours != 3 {
			t.Fatalf("first session %+v, want start %v and 3 hours", first, want)
		}
		for _, s := range made.Items {
			if s.StartsAt.In(seoul(t)).Format(time.DateOnly) == day.AddDate(0, 0, 2).Format(time.DateOnly) {
				t.Fatalf("a session on the skipped day: %+v", s)
			}
		}
		var listed sessionList
		e.Get(path, "").Want(t, http.StatusOK).JSON(t, &listed) // public for a published course
		if len(listed.Items) != 6 {
			t.Fatalf("listed %d sessions", len(listed.Items))
		}

		// Outside the cohort's dates, overlapping, by a non-admin: refused,
		// and nothing is made.
		e.Post(path, admin, map[string]any{"starts_at": at(day, 9, 0).AddDate(0, 0, -1), "ends_at": at(day, 12, 0).AddDate(0, 0, -1)}).
			WantProblem(t, http.StatusUnprocessableEntity, "session_outside_cohort")
		e.Post(path, admin, map[string]any{"starts_at": at(day, 21, 0), "ends_at": at(day, 23, 0)}).
			WantProblem(t, http.StatusUnprocessableEntity, "session_overlap")
		e.Post(path, admin, weekly(day.AddDate(0, 0, 6), day.AddDate(0, 0, 8), "21:30", "22:30")).
			WantProblem(t, http.StatusUnprocessableEntity, "session_overlap")
		e.Post(path, c.Instructor.Token, map[string]any{"starts_at": at(day, 9, 0), "ends_at": at(day, 12, 0)}).
			WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post(path, admin, map[string]any{"starts_at": at(day, 12, 0), "ends_at": at(day, 9, 0)}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if n := countRows(t, e, "cohort_sessions", "cohort_id = ?", c.ID); n != 6 {
			t.Fatalf("%d sessions after refusals, want 6", n)
		}
		// The cohort's dates must keep covering its sessions.
		e.Patch("/v1/cohorts/"+c.ID, admin, map[string]any{"ends_on": day.AddDate(0, 0, 3).Format(time.DateOnly)}).
			WantProblem(t, http.StatusConflict, "sessions_outside_dates")
		e.Patch("/v1/cohorts/"+c.ID, admin, map[string]any{"ends_on": day.AddDate(0, 0, 20).Format(time.DateOnly)}).Want(t, http.StatusOK)
		// A morning session the same day fits.
		e.Post(path, admin, map[string]any{"starts_at": at(day, 9, 0), "ends_at": at(day, 12, 0), "hours": 2.5}).Want(t, http.StatusCreated)

		// Moving a session raises its sequence and tells the trainees;
		// onto another session it is refused.
		var moved sessionView
		e.Patch("/v1/sessions/"+first.ID, admin, map[string]any{"starts_at": at(day, 18, 0), "ends_at": at(day, 22, 0)}).
			Want(t, http.StatusOK).JSON(t, &moved)
		if moved.Sequence != 1 || moved.Hours != 4 {
			t.Fatalf("moved session %+v, want sequence 1 and its new length", moved)
		}
		e.Patch("/v1/sessions/"+first.ID, admin, map[string]any{"starts_at": at(day, 11, 0)}).
			WantProblem(t, http.StatusUnprocessableEntity, "session_overlap")
		var cancelled sessionView
		e.Post("/v1/sessions/"+first.ID+"/cancel", admin, nil).Want(t, http.StatusOK).JSON(t, &cancelled)
		again := sessionView{}
		e.Post("/v1/sessions/"+first.ID+"/cancel", admin, nil).Want(t, http.StatusOK).JSON(t, &again)
		if cancelled.Status != "cancelled" || cancelled.Sequence != 2 || again.Sequence != 2 {
			t.Fatalf("cancelled %+v, again %+v", cancelled, again)
		}
		e.Patch("/v1/sessions/"+first.ID, admin, map[string]any{"topic": "x"}).WantProblem(t, http.StatusConflict, "session_cancelled")
		if n := countRows(t, e, "events", "type = 'session.changed' AND subject = ?", "/v1/sessions/"+first.ID); n != 2 {
			t.Fatalf("%d session.changed events, want 2", n)
		}
		if n := countRows(t, e, "audit_events", "entity = 'session' AND action = 'session.created'"); n != 7 {
			t.Fatalf("%d audited creations, want 7", n)
		}
	})
}

type attendanceView struct {
	AttendedHours float64 `json:"attended_hours"`
	RequiredHours float64 `json:"required_hours"`
	AtRisk        bool    `json:"at_risk"`
	Sessions      []struct {
		Status        *string `json:"status"`
		CreditedHours float64 `json:"credited_hours"`
	} `json:"sessions"`
}

type rosterView struct {
	Items []struct {
		ID            string   `json:"id"`
		AttendedHours *float64 `json:"attended_hours"`
		AtRisk        bool     `json:"at_risk"`
	} `json:"items"`
}

func TestTheRegisterCountsHoursFlagsRiskOnceAndDecidesCompletion(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, es, day := registerCohort(t, e, 3)
		a, b, x := es[0], es[1], es[2]
		admin := e.AdminToken()
		// Ten 4-hour sessions: 40 hours, 32 required.
		var ss sessionList
		e.Post("/v1/cohorts/"+c.ID+"/sessions", admin, weekly(day, day.AddDate(0, 0, 9), "09:00", "13:00")).
			Want(t, http.StatusCreated).JSON(t, &ss)
		mark := func(i int, rows ...map[string]any) registerView {
			t.Helper()
			var out registerView
			e.Do(testutil.Req{Method: http.MethodPut, Path: "/v1/sessions/" + ss.Items[i].ID + "/attendance", Token: c.Instructor.Token,
				Body: map[string]any{"records": rows}}).Want(t, http.StatusOK).JSON(t, &out)
			return out
		}
		rec := func(id, status string) map[string]any { return map[string]any{"enrolment_id": id, "status": status} }
		put := func(i int, token string, rows ...map[string]any) *testutil.Response {
			return e.Do(testutil.Req{Method: http.MethodPut, Path: "/v1/sessions/" + ss.Items[i].ID + "/attendance", Token: token,
				Body: map[string]any{"records": rows}})
		}
		put(0, c.Instructor.Token, rec(a.ID, "present")).WantProblem(t, http.StatusConflict, "session_not_started")
		e.Clock.Advance(17 * 24 * time.Hour) // past the tenth session

		reg := mark(0, rec(a.ID, "present"), rec(b.ID, "late"), rec(x.ID, "absent"))
		got := map[string]float64{}
		for _, r := range reg.Records {
			got[r.EnrolmentID] = r.CreditedHours
		}
		if diff := cmp.Diff(map[string]float64{a.ID: 4, b.ID: 2, x.ID: 0}, got); diff != "" {
			t.Fatalf("credited hours (-want +got):\n%s", diff)
		}
		// All or nothing: one bad row names itself and changes nothing.
		p := put(0, c.Instructor.Token, rec(a.ID, "absent"), rec(us[0].ID, "present"), rec(a.ID, "late")).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if diff := cmp.Diff([]string{"records[1].enrolment_id", "records[2].enrolment_id"}, p.Fields()); diff != "" {
			t.Fatalf("bad rows (-want +got):\n%s", diff)
		}
		other := e.NewUser("instructor")
		put(0, other.Token, rec(a.ID, "absent")).WantProblem(t, http.StatusNotFound, "not_found")

		// x misses a second session: 0 + 32 open still reaches 32.
		mark(1, rec(a.ID, "present"), rec(b.ID, "present"), rec(x.ID, "absent"))
		if n := countRows(t, e, "events", "type = 'attendance.at_risk'"); n != 0 {
			t.Fatalf("%d at-risk events before it is certain", n)
		}
		// A third: 28 left cannot reach 32. Told once, however it goes on.
		mark(2, rec(a.ID, "present"), rec(b.ID, "present"), rec(x.ID, "absent"))
		mark(3, rec(a.ID, "present"), rec(b.ID, "present"), rec(x.ID, "left_early"))
		if n := countRows(t, e, "events", "type = 'attendance.at_risk' AND subject = ?", "/v1/enrolments/"+x.ID); n != 1 {
			t.Fatalf("%d at-risk events for x, want 1", n)
		}
		if n := countRows(t, e, "events", "type = 'attendance.at_risk'"); n != 1 {
			t.Fatalf("%d at-risk events in all, want 1", n)
		}
		var roster rosterView
		e.Get("/v1/cohorts/"+c.ID+"/enrolments", c.Instructor.Token).Want(t, http.StatusOK).JSON(t, &roster)
		hours, risk := map[string]float64{}, map[string]bool{}
		for _, it := range roster.Items {
			hours[it.ID], risk[it.ID] = *it.AttendedHours, it.AtRisk
		}
		if diff := cmp.Diff(map[string]float64{a.ID: 16, b.ID: 14, x.ID: 2}, hours); diff != "" {
			t.Fatalf("roster hours (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]bool{a.ID: false, b.ID: false, x.ID: true}, risk); diff != "" {
			t.Fatalf("roster at_risk (-want +got):\n%s", diff)
		}

		// The trainee's own view; others are told it does not exist.
		var mine attendanceView
		e.Get("/v1/enrolments/"+b.ID+"/attendance", us[1].Token).Want(t, http.StatusOK).JSON(t, &mine)
		if mine.AttendedHours != 14 || mine.RequiredHours != 32 || mine.AtRisk || len(mine.Sessions) != 10 ||
			*mine.Sessions[0].Status != "late" || mine.Sessions[0].CreditedHours != 2 || mine.Sessions[9].Status != nil {
			t.Fatalf("b's attendance %+v", mine)
		}
		e.Get("/v1/enrolments/"+b.ID+"/attendance", us[0].Token).WantProblem(t, http.StatusNotFound, "not_found")

		// A change is audited with before and after.
		mark(0, rec(x.ID, "excused"))
		if n := countRows(t, e, "audit_events", "action = 'attendance.changed' AND entity_id = ?", x.ID); n != 1 {
			t.Fatalf("%d audited changes, want 1", n)
		}

		for i := 4; i < 10; i++ {
			mark(i, rec(a.ID, "present"), rec(b.ID, "present"), rec(x.ID, "present"))
		}
		// Results: hours come from the register; sending them is refused.
		e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []map[string]any{row(a.ID, 40, 90)}}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		score := func(id string, s float64) map[string]any { return map[string]any{"enrolment_id": id, "score": s} }
		var res struct {
			Results []struct {
				EnrolmentID   string  `json:"enrolment_id"`
				Status        string  `json:"status"`
				AttendedHours float64 `json:"attended_hours"`
			} `json:"results"`
		}
		e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []map[string]any{score(a.ID, 90), score(b.ID, 90), score(x.ID, 90)}}).
			Want(t, http.StatusOK).JSON(t, &res)
		outcome := map[string]string{}
		for _, r := range res.Results {
			outcome[r.EnrolmentID] = fmt.Sprintf("%s %gh", r.Status, r.AttendedHours)
		}
		// a 40 h, b 2+36 = 38 h, x 4 (excused) + 0 + 0 + 2 + 24 = 30 h < 32.
		if diff := cmp.Diff(map[string]string{a.ID: "completed 40h", b.ID: "completed 38h", x.ID: "failed 30h"}, outcome); diff != "" {
			t.Fatalf("outcomes (-want +got):\n%s", diff)
		}
		// The register of a trainee with results is closed.
		put(9, c.Instructor.Token, rec(a.ID, "absent")).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
	})
}

func TestResultsWithoutSessionsStillNeedTheirHours(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, _, vs := startedCohort(t, e, 1, testutil.CohortSpec{})
		p := e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []map[string]any{{"enrolment_id": vs[0].ID, "score": 90}}}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if diff := cmp.Diff([]string{"results[0].attended_hours"}, p.Fields()); diff != "" {
			t.Fatalf("fields (-want +got):\n%s", diff)
		}
		record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 90))
	})
}

type checkInCodeView struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
	URL       string    `json:"url"`
}

func TestSelfCheckInWithRotatingCodes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, _, day := registerCohort(t, e, 4)
		outsider := e.NewUser("trainee")
		var ss sessionList
		e.Post("/v1/cohorts/"+c.ID+"/sessions", e.AdminToken(), map[string]any{"starts_at": at(day, 10, 0), "ends_at": at(day, 13, 0)}).
			Want(t, http.StatusCreated).JSON(t, &ss)
		s := ss.Items[0]
		codePath, checkIn := "/v1/sessions/"+s.ID+"/check-in-code", "/v1/sessions/"+s.ID+"/check-in"
		try := func(u testutil.User, code string) *testutil.Response {
			return e.Post(checkIn, u.Token, map[string]any{"code": code})
		}
		code := func() checkInCodeView {
			t.Helper()
			var v checkInCodeView
			e.Get(codePath, c.Instructor.Token).Want(t, http.StatusOK).JSON(t, &v)
			return v
		}

		e.Clock.Set(at(day, 9, 40)) // 20 minutes before: closed
		e.Get(codePath, c.Instructor.Token).WantProblem(t, http.StatusUnprocessableEntity, "check_in_closed")
		try(us[0], "000000").WantProblem(t, http.StatusUnprocessableEntity, "check_in_closed")

		e.Clock.Set(at(day, 9, 50))
		first := code()
		if len(first.Code) != 6 || !first.ExpiresAt.Equal(at(day, 9, 50).Add(30*time.Second)) ||
			!strings.HasSuffix(first.URL, "/v1/sessions/"+s.ID+"/check-in?code="+first.Code) {
			t.Fatalf("code %+v", first)
		}
		var r recordView
		try(us[0], first.Code).Want(t, http.StatusCreated).JSON(t, &r)
		if r.Status != "present" || r.Source != "check_in" || r.CreditedHours != 3 {
			t.Fatalf("check-in %+v", r)
		}
		try(us[0], first.Code).Want(t, http.StatusOK).JSON(t, &r) // again: nothing changes
		if r.Status != "present" {
			t.Fatalf("second check-in %+v", r)
		}
		wrong := []byte(first.Code)
		wrong[0] = '0' + (wrong[0]-'0'+1)%10
		try(us[1], string(wrong)).WantProblem(t, http.StatusUnprocessableEntity, "check_in_code_invalid")

		e.Clock.Advance(30 * time.Second) // the code of the step before still works
		try(us[1], first.Code).Want(t, http.StatusCreated)
		e.Clock.Advance(30 * time.Second) // two steps back does not
		try(us[2], first.Code).WantProblem(t, http.StatusUnprocessableEntity, "check_in_code_invalid")

		e.Clock.Set(at(day, 10, 11)) // more than 10 minutes after the start: late, half the hours
		try(us[2], code().Code).Want(t, http.StatusCreated).JSON(t, &r)
		if r.Status != "late" || r.CreditedHours != 1.5 {
			t.Fatalf("late check-in %+v", r)
		}
		try(outsider, code().Code).WantProblem(t, http.StatusForbidden, "not_in_cohort")
		e.Get(codePath, us[0].Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")

		// Attempts are limited per trainee.
		for i := 0; i < 10; i++ {
			try(us[3], "999999x").WantProblem(t, http.StatusUnprocessableEntity, "check_in_code_invalid")
		}
		try(us[3], code().Code).WantProblem(t, http.StatusTooManyRequests, "rate_limited")

		e.Clock.Set(at(day, 13, 1)) // after the end: closed
		try(us[3], "123456").WantProblem(t, http.StatusUnprocessableEntity, "check_in_closed")
		if n := countRows(t, e, "attendance_records", "session_id = ?", s.ID); n != 3 {
			t.Fatalf("%d records, want 3", n)
		}
	})
}

func TestCalendarsShowSessionsAsACalendarAppWould(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, _, day := registerCohort(t, e, 1)
		admin := e.AdminToken()
		var ss sessionList
		e.Post("/v1/cohorts/"+c.ID+"/sessions", admin, weekly(day, day.AddDate(0, 0, 1), "19:00", "22:00")).
			Want(t, http.StatusCreated).JSON(t, &ss)
		kept, dropped := ss.Items[0], ss.Items[1]
		e.Patch("/v1/sessions/"+kept.ID, admin, map[string]any{"starts_at": at(day, 18, 30), "topic": "셀 밸런싱"}).Want(t, http.StatusOK)
		e.Post("/v1/sessions/"+dropped.ID+"/cancel", admin, nil).Want(t, http.StatusOK)

		parse := func(res *testutil.Response) *ics.Calendar {
			t.Helper()
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
				t.Fatalf("content type %q", ct)
			}
			cal, err := ics.ParseCalendar(strings.NewReader(string(res.Body)))
			if err != nil {
				t.Fatalf("parse calendar: %v\n%s", err, res.Body)
			}
			return cal
		}
		cal := parse(e.Get("/v1/cohorts/"+c.ID+"/calendar.ics", "").Want(t, http.StatusOK))
		if tzs := cal.Timezones(); len(tzs) != 1 || tzs[0].GetProperty(ics.ComponentPropertyTzid).Value != "Asia/Seoul" {
			t.Fatalf("time zones %+v", tzs)
		}
		type shown struct{ UID, Start, End, Status, Sequence, Summary string }
		var got []shown
		for _, ev := range cal.Events() {
			start, err := ev.GetStartAt()
			if err != nil {
				t.Fatal(err)
			}
			end, err := ev.GetEndAt()
			if err != nil {
				t.Fatal(err)
			}
			if tz := ev.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["TZID"]; len(tz) != 1 || tz[0] != "Asia/Seoul" {
				t.Fatalf("DTSTART TZID %v", tz)
			}
			got = append(got, shown{
				UID: ev.Id(), Start: start.Format("2006-01-02 15:04 MST"), End: end.Format("15:04"),
				Status:   ev.GetProperty(ics.ComponentPropertyStatus).Value,
				Sequence: ev.GetProperty(ics.ComponentPropertySequence).Value,
				Summary:  ev.GetProperty(ics.ComponentPropertySummary).Value,
			})
		}
		d0, d1 := day.Format("2006-01-02"), day.AddDate(0, 0, 1).Format("2006-01-02")
		want := []shown{
			{UID: kept.ID + "@sessions.skillgrid.kr", Start: d0 + " 18:30 KST", End: "22:00", Status: "CONFIRMED", Sequence: "1"},
			{UID: dropped.ID + "@sessions.skillgrid.kr", Start: d1 + " 19:00 KST", End: "22:00", Status: "CANCELLED", Sequence: "1"},
		}
		if len(got) == 2 {
			if !strings.HasSuffix(got[0].Summary, ": 셀 밸런싱") {
				t.Errorf("summary %q", got[0].Summary)
			}
			got[0].Summary, got[1].Summary = "", ""
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("events (-want +got):\n%s", diff)
		}

		// The trainee's secret feed; issuing again replaces it.
		var feed struct {
			URL string `json:"url"`
		}
		e.Post("/v1/me/calendar-feed", us[0].Token, nil).Want(t, http.StatusCreated).JSON(t, &feed)
		old := feed.URL[strings.Index(feed.URL, "/v1/"):]
		if n := len(parse(e.Get(old, "").Want(t, http.StatusOK)).Events()); n != 2 {
			t.Fatalf("the feed shows %d sessions, want 2", n)
		}
		e.Post("/v1/me/calendar-feed", us[0].Token, nil).Want(t, http.StatusCreated).JSON(t, &feed)
		e.Get(old, "").WantProblem(t, http.StatusNotFound, "not_found")
		e.Get(feed.URL[strings.Index(feed.URL, "/v1/"):], "").Want(t, http.StatusOK)
		if n := countRows(t, e, "calendar_feeds", "token_hash = ?", strings.TrimSuffix(old[len("/v1/calendar/"):], ".ics")); n != 0 {
			t.Fatal("a token is stored in the clear")
		}
		// The instructor's feed has the cohort they teach; a stranger's none.
		e.Post("/v1/me/calendar-feed", c.Instructor.Token, nil).Want(t, http.StatusCreated).JSON(t, &feed)
		if n := len(parse(e.Get(feed.URL[strings.Index(feed.URL, "/v1/"):], "").Want(t, http.StatusOK)).Events()); n != 2 {
			t.Fatalf("the instructor's feed shows %d sessions, want 2", n)
		}
		stranger := e.NewUser("trainee")
		e.Post("/v1/me/calendar-feed", stranger.Token, nil).Want(t, http.StatusCreated).JSON(t, &feed)
		if n := len(parse(e.Get(feed.URL[strings.Index(feed.URL, "/v1/"):], "").Want(t, http.StatusOK)).Events()); n != 0 {
			t.Fatalf("a stranger's feed shows %d sessions", n)
		}
	})
}

// send makes one request to a served app from a goroutine.
func send(method, url, token string, body any) (int, string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	var p struct {
		Code string `json:"code"`
	}
	if res.StatusCode >= 400 {
		if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
			return res.StatusCode, "", err
		}
	}
	return res.StatusCode, p.Code, nil
}

// all sends the requests at once and returns their statuses and codes.
func all(t *testing.T, n int, do func(i int) (int, string, error)) []string {
	t.Helper()
	out := make([]string, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s, code, err := do(i)
			out[i], errs[i] = fmt.Sprintf("%d %s", s, code), err
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(out)
	return out
}

func TestConcurrentSchedulingAndRegistersKeepTheRules(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		base := e.Serve()
		c, _, es, day := registerCohort(t, e, 1)
		admin := e.AdminToken()
		// Five admins book overlapping evenings at once: one wins.
		got := all(t, 5, func(i int) (int, string, error) {
			return send(http.MethodPost, base+"/v1/cohorts/"+c.ID+"/sessions", admin,
				map[string]any{"starts_at": at(day, 18, 10*i), "ends_at": at(day, 21, 0)})
		})
		want := []string{"201 ", "422 session_overlap", "422 session_overlap", "422 session_overlap", "422 session_overlap"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("answers (-want +got):\n%s", diff)
		}
		if n := countRows(t, e, "cohort_sessions", "cohort_id = ?", c.ID); n != 1 {
			t.Fatalf("%d sessions, want 1", n)
		}
		// Nine 4-hour mornings: 39 hours with the evening, 32 required.
		var ss sessionList
		e.Post("/v1/cohorts/"+c.ID+"/sessions", admin, weekly(day.AddDate(0, 0, 1), day.AddDate(0, 0, 9), "09:00", "13:00")).
			Want(t, http.StatusCreated).JSON(t, &ss)
		e.Clock.Advance(17 * 24 * time.Hour)
		// Absences recorded at once in three sessions: any two make the
		// minimum (32 of 40) unreachable; the warning is recorded once.
		all(t, 3, func(i int) (int, string, error) {
			return send(http.MethodPut, base+"/v1/sessions/"+ss.Items[i].ID+"/attendance", c.Instructor.Token,
				map[string]any{"records": []map[string]any{{"enrolment_id": es[0].ID, "status": "absent"}}})
		})
		if n := countRows(t, e, "events", "type = 'attendance.at_risk' AND subject = ?", "/v1/enrolments/"+es[0].ID); n != 1 {
			t.Fatalf("%d at-risk events, want 1", n)
		}
	})
}
