package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type resultView struct {
	EnrolmentID     string  `json:"enrolment_id"`
	Status          string  `json:"status"`
	CertificateCode *string `json:"certificate_code"`
	Corrected       bool    `json:"corrected"`
}

// startedCohort makes a cohort of a 40-hour course (pass 60, attendance
// 0.8), enrols n trainees (seats for all) and moves the clock past its
// start.
func startedCohort(t *testing.T, e *testutil.Env, n int, spec testutil.CohortSpec) (testutil.Cohort, []testutil.User, []enrolmentView) {
	t.Helper()
	if spec.Capacity == 0 {
		spec.Capacity = n
	}
	c := e.OpenCohort(spec)
	us := e.Trainees(n)
	vs := make([]enrolmentView, n)
	for i, u := range us {
		vs[i] = enrol(t, e, c.ID, u, http.StatusCreated)
	}
	e.Clock.Advance(8 * 24 * time.Hour)
	return c, us, vs
}

func row(id string, hours, score float64) map[string]any {
	return map[string]any{"enrolment_id": id, "attended_hours": hours, "score": score}
}

func record(t *testing.T, e *testutil.Env, cohortID, token string, rows ...map[string]any) []resultView {
	t.Helper()
	var out struct {
		Results []resultView `json:"results"`
	}
	e.Post("/v1/cohorts/"+cohortID+"/results", token, map[string]any{"results": rows}).Want(t, http.StatusOK).JSON(t, &out)
	return out.Results
}

// correct posts rows as an admin's correction with reason and returns the
// results the server answered.
func correct(t *testing.T, e *testutil.Env, cohortID, token, reason string, rows ...map[string]any) []resultView {
	t.Helper()
	var out struct {
		Results []resultView `json:"results"`
	}
	e.Post("/v1/cohorts/"+cohortID+"/results", token, map[string]any{"results": rows, "correction_reason": reason}).
		Want(t, http.StatusOK).JSON(t, &out)
	return out.Results
}

func countRows(t *testing.T, e *testutil.Env, table, where string, args ...any) int {
	t.Helper()
	n, err := e.DB.NewSelect().Table(table).Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestResultsPassFailBoundaries(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, _, vs := startedCohort(t, e, 5, testutil.CohortSpec{})
		got := record(t, e, c.ID, c.Instructor.Token,
			row(vs[0].ID, 32, 60),    // exactly 80% and exactly the pass score
			row(vs[1].ID, 31.99, 60), // just under the attendance
			row(vs[2].ID, 32, 59.99), // just under the pass score
			row(vs[3].ID, 40, 100),
			row(vs[4].ID, 0, 0),
		)
		var statuses []string
		for _, r := range got {
			statuses = append(statuses, r.Status)
			if (r.Status == "completed") != (r.CertificateCode != nil) {
				t.Errorf("%s: certificate %v", r.Status, r.CertificateCode)
			}
		}
		if diff := cmp.Diff([]string{"completed", "failed", "failed", "completed", "failed"}, statuses); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
		if n := countRows(t, e, "certificates", "status = 'valid'"); n != 2 {
			t.Fatalf("%d certificates", n)
		}
		// Completed and failed trainees keep their seats.
		if taken, _, _ := cohortSeats(t, e, c.ID); taken != 5 {
			t.Fatalf("seats taken %d", taken)
		}
	})
}

// TestResultsBoundariesAreExact: the required attendance is min_attendance
// × hours even where that product is inexact in binary (0.55 × 12 is
// 6.6000000000000005), and nothing below the line is rounded up to it.
func TestResultsBoundariesAreExact(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 4})
		e.Patch("/v1/courses/"+c.CourseID, e.AdminToken(), map[string]any{"hours": 12, "min_attendance": 0.55}).Want(t, http.StatusOK)
		var vs []enrolmentView
		for _, u := range e.Trainees(4) {
			vs = append(vs, enrol(t, e, c.ID, u, http.StatusCreated))
		}
		e.Clock.Advance(8 * 24 * time.Hour)
		got := record(t, e, c.ID, c.Instructor.Token,
			row(vs[0].ID, 6.6, 60),             // exactly 55% of 12 hours, exactly the pass score
			row(vs[1].ID, 6.5999999999, 60),    // a hair under the attendance
			row(vs[2].ID, 12, 59.9999999999),   // a hair under the pass score
			row(vs[3].ID, 6.6000000001, 60.01), // a hair over both
		)
		var statuses []string
		for _, r := range got {
			statuses = append(statuses, r.Status)
		}
		if diff := cmp.Diff([]string{"completed", "failed", "failed", "completed"}, statuses); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
	})
}

func TestResultsBatchIsAllOrNothing(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 2})
		us := e.Trainees(4)
		var vs []enrolmentView
		for _, u := range us {
			vs = append(vs, enrol(t, e, c.ID, u, http.StatusCreated)) // 2 enrolled, 2 waitlisted
		}
		e.Post("/v1/enrolments/"+vs[3].ID+"/withdraw", us[3].Token, nil).Want(t, http.StatusOK)
		other := e.OpenCohort(testutil.CohortSpec{})
		foreign := enrol(t, e, other.ID, e.NewUser(auth.Trainee), http.StatusCreated)

		// Before the start: not yet.
		e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []any{row(vs[0].ID, 40, 90)}}).
			WantProblem(t, http.StatusConflict, "cohort_not_started")
		e.Clock.Advance(8 * 24 * time.Hour)

		p := e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []any{
			row(vs[0].ID, 40, 90),                               // good
			row(vs[1].ID, 41, 90),                               // more hours than the course has
			row(vs[2].ID, 30, 90),                               // waitlisted
			row(vs[3].ID, 30, 90),                               // withdrawn
			row(foreign.ID, 30, 90),                             // another cohort's
			row("01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b", 30, 90), // no such enrolment
			row(vs[0].ID, 40, 90),                               // repeated
		}}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		want := []string{"results[1].attended_hours", "results[2].enrolment_id", "results[3].enrolment_id",
			"results[4].enrolment_id", "results[5].enrolment_id", "results[6].enrolment_id"}
		if diff := cmp.Diff(want, p.Fields()); diff != "" {
			t.Fatalf("bad rows (-want +got):\n%s", diff)
		}
		// Out-of-range values are named in the same answer as the rows only
		// the database can judge, every bad field of every row.
		p = e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []any{
			row(vs[0].ID, -1, 90), row(vs[1].ID, 10, 100.5), row(foreign.ID, 50, -3), row(vs[1].ID, 10, 90),
		}}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		want = []string{"results[0].attended_hours", "results[1].score",
			"results[2].enrolment_id", "results[2].attended_hours", "results[2].score", "results[3].enrolment_id"}
		if diff := cmp.Diff(want, p.Fields()); diff != "" {
			t.Fatalf("value validation (-want +got):\n%s", diff)
		}
		e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []any{}}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, `{"results":[{"enrolment_id":"x","attended_hours":"ten","score":1}]}`).
			WantProblem(t, http.StatusBadRequest, "wrong_type")
		// Nothing was applied.
		if n := countRows(t, e, "enrolments", "result_recorded_at IS NOT NULL"); n != 0 {
			t.Fatalf("%d results recorded by refused batches", n)
		}
		if n := countRows(t, e, "certificates", "1 = 1"); n != 0 {
			t.Fatalf("%d certificates issued by refused batches", n)
		}
		// Who may record.
		e.Post("/v1/cohorts/"+c.ID+"/results", e.NewUser(auth.Instructor).Token, map[string]any{"results": []any{row(vs[0].ID, 40, 90)}}).
			WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/cohorts/"+c.ID+"/results", us[0].Token, map[string]any{"results": []any{row(vs[0].ID, 40, 90)}}).
			WantProblem(t, http.StatusForbidden, "role_not_allowed")
		record(t, e, c.ID, e.AdminToken(), row(vs[0].ID, 40, 90), row(vs[1].ID, 10, 90))
	})
}

func TestResultsAreFinalAndCorrectionsAreAudited(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 2, testutil.CohortSpec{})
		first := record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 90), row(vs[1].ID, 10, 90))
		code := *first[0].CertificateCode

		p := e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []any{row(vs[0].ID, 40, 95)}}).
			WantProblem(t, http.StatusConflict, "result_final")
		if !strings.Contains(p.Detail, "results[0]") {
			t.Errorf("detail %q does not name the row", p.Detail)
		}
		admin := e.NewUser(auth.Admin)
		e.Post("/v1/cohorts/"+c.ID+"/results", admin.Token, map[string]any{"results": []any{row(vs[0].ID, 10, 95)}}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")

		// Correct the first to failed (its certificate is revoked) and the
		// second to completed (it gets one).
		out := correct(t, e, c.ID, admin.Token, "출석부 재확인 (attendance sheets re-checked)", row(vs[0].ID, 10, 95), row(vs[1].ID, 38, 70))
		if out[0].Status != "failed" || !out[0].Corrected || out[1].Status != "completed" || out[1].CertificateCode == nil {
			t.Fatalf("corrections %+v", out)
		}
		var v map[string]any
		e.Get("/v1/certificates/"+code, "").Want(t, http.StatusOK).JSON(t, &v)
		if v["status"] != "revoked" || v["revoked_on"] == nil {
			t.Fatalf("corrected-to-failed certificate shows %v", v)
		}
		evs := auditEvents(t, e, vs[0].ID)
		var actions []string
		for _, ev := range evs {
			actions = append(actions, ev.Action)
		}
		if diff := cmp.Diff([]string{"enrolment.enrolled", "result.recorded", "result.corrected"}, actions); diff != "" {
			t.Fatalf("audit (-want +got):\n%s", diff)
		}
		last := evs[2]
		if *last.ActorID != admin.ID || !strings.Contains(*last.Before, `"status":"completed"`) ||
			!strings.Contains(*last.After, `"status":"failed"`) || !strings.Contains(*last.After, "attendance sheets re-checked") {
			t.Fatalf("correction event %+v before=%s after=%s", last, *last.Before, *last.After)
		}
		// An admin re-sending results exactly as recorded (a retry) needs
		// no reason and changes nothing, so the trail has no new entry.
		again := record(t, e, c.ID, admin.Token, row(vs[0].ID, 10, 95), row(vs[1].ID, 38, 70))
		if again[0].Corrected || again[1].Corrected || again[0].Status != "failed" || again[1].CertificateCode == nil ||
			*again[1].CertificateCode != *out[1].CertificateCode {
			t.Fatalf("unchanged re-send %+v", again)
		}
		if n := len(auditEvents(t, e, vs[0].ID)); n != 3 {
			t.Fatalf("an unchanged re-send left %d audit events, want 3", n)
		}
		if n := countRows(t, e, "certificates", "enrolment_id = ?", vs[1].ID); n != 1 {
			t.Fatalf("an unchanged re-send left %d certificates, want 1", n)
		}
		var mine struct {
			Items []map[string]any `json:"items"`
		}
		e.Get("/v1/me/certificates", us[1].Token).Want(t, http.StatusOK).JSON(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0]["status"] != "valid" {
			t.Fatalf("second trainee's certificates %v", mine.Items)
		}
	})
}

// Certificate codes are 80 random bits; should one be drawn twice, the
// second certificate draws again instead of failing the results.
func TestCertificateCodeCollisionDrawsAgain(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, _, vs := startedCohort(t, e, 2, testutil.CohortSpec{})
		first := *record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 36, 82))[0].CertificateCode
		const fresh = "SG-ABCD-EFGH-JKMN-PQRS"
		draws := []string{first, fresh}
		e.App.Results.NewCode = func() (string, error) {
			code := draws[0]
			draws = draws[1:]
			return code, nil
		}
		if got := record(t, e, c.ID, c.Instructor.Token, row(vs[1].ID, 36, 90))[0].CertificateCode; got == nil || *got != fresh {
			t.Fatalf("second certificate %v, want %s after the collision", got, fresh)
		}
		if len(draws) != 0 {
			t.Fatalf("%d draws left, want both used", len(draws))
		}
	})
}

func TestPublicVerifierShowsOnlyWhatAVerifierNeeds(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 1, testutil.CohortSpec{})
		e.Patch("/v1/me", us[0].Token, map[string]any{"phone": "010-9999-8888"}).Want(t, http.StatusOK)
		code := *record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 87.25))[0].CertificateCode
		res := e.Get("/v1/certificates/"+code, "").Want(t, http.StatusOK)
		var v map[string]any
		res.JSON(t, &v)
		var keys []string
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		want := []string{"code", "course_code", "course_title", "holder_erased", "hours", "issued_on", "level", "revoked_on", "status", "track", "trainee_name"}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Fatalf("verifier keys (-want +got):\n%s", diff)
		}
		body := string(res.Body)
		for _, secret := range []string{us[0].Email, "010-9999-8888", us[0].ID, vs[0].ID, "87.25"} {
			if strings.Contains(body, secret) {
				t.Errorf("the verifier shows %q", secret)
			}
		}
		// People type codes loosely.
		loose := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(code, "SG-"), "-", ""))
		e.Get("/v1/certificates/"+loose, "").Want(t, http.StatusOK)
		e.Get("/v1/certificates/SG-0000-0000-0000-0000", "").WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/certificates/not-a-code", "").WantProblem(t, http.StatusNotFound, "not_found")

		// Admin revocation, once.
		e.Post("/v1/certificates/"+code+"/revoke", us[0].Token, map[string]any{"reason": "x"}).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/certificates/"+code+"/revoke", e.AdminToken(), map[string]any{"reason": "위조 확인 (forged)"}).Want(t, http.StatusOK)
		e.Post("/v1/certificates/"+code+"/revoke", e.AdminToken(), map[string]any{"reason": "again"}).WantProblem(t, http.StatusConflict, "certificate_revoked")
		e.Get("/v1/certificates/"+code, "").Want(t, http.StatusOK).JSON(t, &v)
		if v["status"] != "revoked" {
			t.Fatalf("revoked certificate shows %v", v)
		}
	})
}

func TestCertificateLookupsAreRateLimited(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		for i := 0; i < 60; i++ {
			e.Get("/v1/certificates/SG-0000-0000-0000-000"+string(rune('0'+i%10)), "").Want(t, http.StatusNotFound)
		}
		res := e.Get("/v1/certificates/SG-0000-0000-0000-0000", "")
		res.WantProblem(t, http.StatusTooManyRequests, "rate_limited")
		if res.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
		e.Clock.Advance(time.Minute)
		e.Get("/v1/certificates/SG-0000-0000-0000-0000", "").Want(t, http.StatusNotFound)
	})
}

func TestCompletionRaisesTheLevelAndOpensTheNext(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 1, testutil.CohortSpec{Track: "materials", Level: 1})
		u := us[0]
		next := e.OpenCohort(testutil.CohortSpec{Track: "materials", Level: 2})
		e.Post("/v1/cohorts/"+next.ID+"/enrolments", u.Token, nil).WantProblem(t, http.StatusUnprocessableEntity, "level_too_low")
		record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 75))
		me := e.Get("/v1/me", u.Token).Want(t, http.StatusOK).Map(t)
		if lv := me["levels"].(map[string]any)["materials"]; lv != 1.0 {
			t.Fatalf("level after completion %v", me["levels"])
		}
		enrol(t, e, next.ID, u, http.StatusCreated)
	})
}

func TestTranscript(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 1, testutil.CohortSpec{})
		code := *record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 36, 82))[0].CertificateCode
		var tr struct {
			Levels  map[string]int `json:"levels"`
			Entries []struct {
				Status          string   `json:"status"`
				Score           *float64 `json:"score"`
				CertificateCode *string  `json:"certificate_code"`
			} `json:"entries"`
		}
		e.Get("/v1/me/transcript", us[0].Token).Want(t, http.StatusOK).JSON(t, &tr)
		if len(tr.Entries) != 1 || tr.Entries[0].Status != "completed" || *tr.Entries[0].Score != 82 ||
			*tr.Entries[0].CertificateCode != code || tr.Levels["bms"] != 1 {
			t.Fatalf("transcript %+v", tr)
		}
		// The course title is an operator's text: a formula in it is defused.
		title := "=1+2"
		e.Patch("/v1/courses/"+c.CourseID, e.AdminToken(), map[string]any{"title": title}).Want(t, http.StatusOK)
		records := downloadCSV(t, e, "/v1/me/transcript.csv", us[0].Token, "transcript.csv")
		if len(records) != 2 || records[0][2] != "course_code" || records[1][3] != "'"+title ||
			records[1][10] != "completed" || records[1][13] != code {
			t.Fatalf("CSV records %v", records)
		}
	})
}

// TestResultsCorrectionKeepsTheCertificateState: a certificate is issued
// only when an enrolment moves into completed. A correction that keeps it
// completed (only the score changes) leaves its certificate as it is: a
// valid one stays valid with the same code, one an admin revoked stays
// revoked and no new one appears.
func TestResultsCorrectionKeepsTheCertificateState(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 2, testutil.CohortSpec{})
		first := record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 90), row(vs[1].ID, 40, 90))
		revoked, kept := *first[0].CertificateCode, *first[1].CertificateCode
		admin := e.NewUser(auth.Admin)
		e.Post("/v1/certificates/"+revoked+"/revoke", admin.Token, map[string]any{"reason": "위조 확인 (forged)"}).Want(t, http.StatusOK)

		out := correct(t, e, c.ID, admin.Token, "시험 재채점 (exam re-marked)", row(vs[0].ID, 40, 75), row(vs[1].ID, 40, 75))
		want := []resultView{
			{EnrolmentID: vs[0].ID, Status: "completed", Corrected: true},
			{EnrolmentID: vs[1].ID, Status: "completed", CertificateCode: &kept, Corrected: true},
		}
		if diff := cmp.Diff(want, out); diff != "" {
			t.Errorf("score-only corrections (-want +got):\n%s", diff)
		}
		for _, w := range []struct {
			enrolment    string
			total, valid int
		}{{vs[0].ID, 1, 0}, {vs[1].ID, 1, 1}} {
			if n := countRows(t, e, "certificates", "enrolment_id = ?", w.enrolment); n != w.total {
				t.Errorf("enrolment %s has %d certificates, want %d", w.enrolment, n, w.total)
			}
			if n := countRows(t, e, "certificates", "enrolment_id = ? AND status = 'valid'", w.enrolment); n != w.valid {
				t.Errorf("enrolment %s has %d valid certificates, want %d", w.enrolment, n, w.valid)
			}
		}
		if n := countRows(t, e, "audit_events", "action = 'certificate.issued'"); n != 2 {
			t.Errorf("%d certificate.issued events, want 2", n)
		}
		for code, status := range map[string]string{revoked: "revoked", kept: "valid"} {
			var v map[string]any
			e.Get("/v1/certificates/"+code, "").Want(t, http.StatusOK).JSON(t, &v)
			if v["status"] != status {
				t.Errorf("certificate %s shows %v, want %s", code, v["status"], status)
			}
		}
		var mine struct {
			Items []map[string]any `json:"items"`
		}
		e.Get("/v1/me/certificates", us[0].Token).Want(t, http.StatusOK).JSON(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0]["code"] != revoked || mine.Items[0]["status"] != "revoked" {
			t.Fatalf("revoked trainee's certificates %v", mine.Items)
		}

		// Moving into completed again (failed, then completed) is a new
		// completion, which issues a new certificate.
		const reason = "출석부 재확인 (attendance sheets re-checked)"
		correct(t, e, c.ID, admin.Token, reason, row(vs[0].ID, 10, 75))
		out = correct(t, e, c.ID, admin.Token, reason, row(vs[0].ID, 40, 75))
		if r := out[0]; r.Status != "completed" || r.CertificateCode == nil || *r.CertificateCode == revoked {
			t.Fatalf("failed corrected to completed %+v", r)
		}
		if n := countRows(t, e, "certificates", "enrolment_id = ? AND status = 'valid'", vs[0].ID); n != 1 {
			t.Fatalf("after completing again: %d valid certificates, want 1", n)
		}
	})
}

// TestResultsCorrectionKeepsTheCompletionTime: the time of a result is when
// the enrolment reached its outcome. A correction that keeps the outcome
// (completed or failed) keeps it, so a graduate whose score is fixed keeps
// its place in the pool and its completed_at; a correction that changes
// the outcome sets it. The audit trail records when the correction was made.
func TestResultsCorrectionKeepsTheCompletionTime(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 3, testutil.CohortSpec{})
		yes := true
		for _, u := range us {
			e.UpdateTrainee(u.ID, account.ProfilePatch{PoolOptIn: &yes})
		}
		admin := e.NewUser(auth.Admin)
		recordedAt := func(enrolmentID string) time.Time {
			t.Helper()
			var v struct {
				ResultRecordedAt *time.Time `json:"result_recorded_at"`
			}
			e.Get("/v1/enrolments/"+enrolmentID, admin.Token).Want(t, http.StatusOK).JSON(t, &v)
			if v.ResultRecordedAt == nil {
				t.Fatalf("enrolment %s has no result time", enrolmentID)
			}
			return *v.ResultRecordedAt
		}
		pool := func() ([]string, map[string]graduateView) {
			t.Helper()
			var pg graduatePage
			e.Get("/v1/graduates", admin.Token).Want(t, http.StatusOK).JSON(t, &pg)
			ids, byID := []string{}, map[string]graduateView{}
			for _, g := range pg.Items {
				ids = append(ids, g.ID)
				byID[g.ID] = g
			}
			return ids, byID
		}

		// us[0] completes and us[2] fails; us[1] completes an hour later.
		record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 70), row(vs[2].ID, 10, 50))
		e.Clock.Advance(time.Hour)
		record(t, e, c.ID, c.Instructor.Token, row(vs[1].ID, 40, 70))
		completed, failed := recordedAt(vs[0].ID), recordedAt(vs[2].ID)
		if ids, _ := pool(); !cmp.Equal([]string{us[1].ID, us[0].ID}, ids) {
			t.Fatalf("pool before corrections %v", ids)
		}

		// Corrections that keep the outcome: the score only.
		e.Clock.Advance(time.Hour)
		correctedAt := e.Clock.Now()
		out := correct(t, e, c.ID, admin.Token, "시험 재채점 (exam re-marked)", row(vs[0].ID, 40, 95), row(vs[2].ID, 12, 55))
		if r := out; r[0].Status != "completed" || !r[0].Corrected || r[1].Status != "failed" || !r[1].Corrected {
			t.Fatalf("corrections %+v", r)
		}
		if got := recordedAt(vs[0].ID); !got.Equal(completed) {
			t.Errorf("completed->completed moved the result time from %s to %s", completed, got)
		}
		if got := recordedAt(vs[2].ID); !got.Equal(failed) {
			t.Errorf("failed->failed moved the result time from %s to %s", failed, got)
		}
		ids, byID := pool()
		if !cmp.Equal([]string{us[1].ID, us[0].ID}, ids) {
			t.Errorf("a score correction reordered the pool: %v", ids)
		}
		if g := byID[us[0].ID]; !g.LastCompletedAt.Equal(completed) || len(g.CompletedCourses) != 1 ||
			!g.CompletedCourses[0].CompletedAt.Equal(completed) {
			t.Errorf("corrected graduate %+v, want completed at %s", g, completed)
		}
		evs := auditEvents(t, e, vs[0].ID)
		if last := evs[len(evs)-1]; last.Action != "result.corrected" || last.At.Sub(correctedAt).Abs() > time.Millisecond {
			t.Errorf("last event %s at %s, want result.corrected at %s", last.Action, last.At, correctedAt)
		}

		// A correction that changes the outcome sets the time.
		e.Clock.Advance(time.Hour)
		correct(t, e, c.ID, admin.Token, "출석부 재확인 (attendance sheets re-checked)", row(vs[2].ID, 40, 80))
		if got := recordedAt(vs[2].ID); got.Sub(e.Clock.Now()).Abs() > time.Millisecond {
			t.Errorf("failed->completed result time %s, want %s", got, e.Clock.Now())
		}
		if ids, _ := pool(); !cmp.Equal([]string{us[2].ID, us[1].ID, us[0].ID}, ids) {
			t.Errorf("pool after a new completion %v", ids)
		}
	})
}

// submit posts a batch from any goroutine (it never stops the test) and
// returns the status and, for a problem, its code.
func submit(base, cohortID, token string, body any) (int, string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequest(http.MethodPost, base+"/v1/cohorts/"+cohortID+"/results", bytes.NewReader(b))
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
			return res.StatusCode, "", fmt.Errorf("problem body: %w", err)
		}
	}
	return res.StatusCode, p.Code, nil
}

// TestResultsConcurrentSubmissionsCannotDoubleIssue: batches for one cohort
// sent at once are decided one after the other. The first records every
// result; after it an instructor's identical batch is 409 result_final and
// an admin's identical batch is a harmless retry (200, nothing written). So
// each enrolment has exactly one result.recorded event, no correction, and
// exactly one certificate, valid, issued once.
func TestResultsConcurrentSubmissionsCannotDoubleIssue(t *testing.T) {
	t.Parallel()
	const instructor, admin = "instructor", "admin"
	for _, tc := range []struct {
		name    string
		senders []string
	}{
		{"the instructor twice", []string{instructor, instructor}},
		{"the instructor and admins", []string{instructor, admin, instructor, admin}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
				base := e.Serve()
				adminUser := e.NewUser(auth.Admin)
				// A few rounds, each on its own cohort, to give a race a
				// chance to show.
				for round := 0; round < 3; round++ {
					c, _, vs := startedCohort(t, e, 10, testutil.CohortSpec{})
					var rows []map[string]any
					for _, v := range vs {
						rows = append(rows, row(v.ID, 40, 90))
					}
					body := map[string]any{"results": rows, "correction_reason": "re-sent"}
					type answer struct {
						status int
						code   string
						err    error
					}
					answers := make([]answer, len(tc.senders))
					start := make(chan struct{})
					var wg sync.WaitGroup
					for i, who := range tc.senders {
						tok := c.Instructor.Token
						if who == admin {
							tok = adminUser.Token
						}
						wg.Add(1)
						go func() {
							defer wg.Done()
							<-start
							s, code, err := submit(base, c.ID, tok, body)
							answers[i] = answer{s, code, err}
						}()
					}
					close(start)
					wg.Wait()

					// Admins always get 200: they record first or re-send
					// unchanged. Of the instructor's submissions exactly
					// one is 200 if it came first, none if an admin did;
					// every other is 409 result_final.
					instructorOK := 0
					for i, a := range answers {
						switch {
						case a.err != nil:
							t.Fatalf("round %d: submission %d (%s): %v", round, i, tc.senders[i], a.err)
						case tc.senders[i] == admin && a.status != http.StatusOK:
							t.Errorf("round %d: admin submission %d answered %d %s, want 200", round, i, a.status, a.code)
						case tc.senders[i] == instructor && a.status == http.StatusOK:
							instructorOK++
						case tc.senders[i] == instructor && (a.status != http.StatusConflict || a.code != "result_final"):
							t.Errorf("round %d: instructor submission %d answered %d %s, want 200 or 409 result_final",
								round, i, a.status, a.code)
						}
					}
					if instructorOK > 1 || (!slices.Contains(tc.senders, admin) && instructorOK != 1) {
						t.Errorf("round %d: %d instructor submissions succeeded: %+v", round, instructorOK, answers)
					}

					for _, v := range vs {
						var actions []string
						for _, ev := range auditEvents(t, e, v.ID) {
							actions = append(actions, ev.Action)
						}
						if diff := cmp.Diff([]string{"enrolment.enrolled", "result.recorded"}, actions); diff != "" {
							t.Errorf("round %d: enrolment %s audit (-want +got):\n%s", round, v.ID, diff)
						}
						if n := countRows(t, e, "certificates", "enrolment_id = ?", v.ID); n != 1 {
							t.Errorf("round %d: enrolment %s has %d certificates, want 1", round, v.ID, n)
						}
						if n := countRows(t, e, "certificates", "enrolment_id = ? AND status = 'valid'", v.ID); n != 1 {
							t.Errorf("round %d: enrolment %s has %d valid certificates, want 1", round, v.ID, n)
						}
						if n := countRows(t, e, "audit_events", "action = 'certificate.issued' AND entity_id IN (SELECT id FROM certificates WHERE enrolment_id = ?)", v.ID); n != 1 {
							t.Errorf("round %d: enrolment %s has %d certificate.issued events, want 1", round, v.ID, n)
						}
					}
					if t.Failed() {
						return
					}
				}
			})
		})
	}
}
