package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/demo"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

func login(t *testing.T, e *testutil.Env, email string) string {
	t.Helper()
	var pair struct {
		AccessToken string `json:"access_token"`
	}
	e.Post("/v1/auth/login", "", map[string]string{"email": email, "password": demo.Password}).Want(t, 200).JSON(t, &pair)
	return pair.AccessToken
}

// The demo's certificates are dated at the end of the cohort that earned
// them, not at the moment of seeding, and seeding again changes nothing.
func TestDemoCertificatesAreDatedAtTheirCohortsEnd(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, e.App); err != nil {
			t.Fatal(err)
		}
		if n, err := demo.Seed(ctx, e.App); err != nil || n != 0 {
			t.Fatalf("seeding again made %d records (%v), want 0", n, err)
		}
		for email, want := range map[string]int{"trainee.choi@demo.skillgrid.kr": 3, "trainee.jung@demo.skillgrid.kr": 4} {
			token := login(t, e, email)
			var transcript struct {
				Entries []struct {
					EnrolmentID string `json:"enrolment_id"`
					EndsOn      string `json:"ends_on"`
				} `json:"entries"`
			}
			e.Get("/v1/me/transcript", token).Want(t, 200).JSON(t, &transcript)
			endsOn := map[string]string{}
			for _, en := range transcript.Entries {
				endsOn[en.EnrolmentID] = en.EndsOn
			}
			var certs struct {
				Items []struct {
					Code        string    `json:"code"`
					EnrolmentID string    `json:"enrolment_id"`
					IssuedAt    time.Time `json:"issued_at"`
				} `json:"items"`
			}
			e.Get("/v1/me/certificates?limit=100", token).Want(t, 200).JSON(t, &certs)
			if len(certs.Items) != want {
				t.Fatalf("%s has %d certificates, want %d", email, len(certs.Items), want)
			}
			for _, c := range certs.Items {
				day := endsOn[c.EnrolmentID]
				end, err := demo.EndOf(catalogue.Cohort{EndsOn: day})
				if err != nil {
					t.Fatalf("%s: certificate %s has no cohort end on the transcript: %v", email, c.Code, err)
				}
				if !c.IssuedAt.Equal(end) || catalogue.Today(c.IssuedAt) != day {
					t.Errorf("%s: certificate %s issued at %s, want its cohort's end %s (%s)", email, c.Code, c.IssuedAt, end, day)
				}
				var public struct {
					IssuedOn string `json:"issued_on"`
				}
				e.Get("/v1/certificates/"+c.Code, "").Want(t, 200).JSON(t, &public)
				if public.IssuedOn != day {
					t.Errorf("%s: certificate %s shows issued_on %s, want %s", email, c.Code, public.IssuedOn, day)
				}
			}
		}
	})
}

// The demo has a cohort under way with enrolled trainees, whose demo
// instructor can record their results from the start.
func TestDemoCohortUnderWayKeepsARegister(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, e.App); err != nil {
			t.Fatal(err)
		}
		instructor := login(t, e, demo.UnderWay.Instructor)
		type cohort struct {
			ID         string `json:"id"`
			CourseCode string `json:"course_code"`
			Label      string `json:"label"`
			Status     string `json:"status"`
			StartsOn   string `json:"starts_on"`
			EndsOn     string `json:"ends_on"`
		}
		var mine struct{ Items []cohort }
		e.Get("/v1/me/cohorts?limit=100", instructor).Want(t, 200).JSON(t, &mine)
		var under cohort
		for _, c := range mine.Items {
			if c.CourseCode == demo.UnderWay.Course && c.Label == demo.UnderWay.Label {
				under = c
			}
		}
		today := catalogue.Today(e.Clock.Now())
		if under.ID == "" || under.Status != "in_progress" || under.StartsOn > today || under.EndsOn < today {
			t.Fatalf("the instructor's cohort under way: %+v (today %s), of %+v", under, today, mine.Items)
		}
		var roster struct {
			Items []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			}
		}
		e.Get("/v1/cohorts/"+under.ID+"/enrolments?status=enrolled", instructor).Want(t, 200).JSON(t, &roster)
		if len(roster.Items) < 2 {
			t.Fatalf("the cohort under way has %d enrolled trainees, want at least 2", len(roster.Items))
		}
		// The register is partly kept: Choi (first) is on track, Jung has
		// missed too much; the hours come from it, so results carry only
		// scores.
		var kept struct {
			Items []struct {
				ID            string   `json:"id"`
				AttendedHours *float64 `json:"attended_hours"`
				AtRisk        bool     `json:"at_risk"`
			}
		}
		e.Get("/v1/cohorts/"+under.ID+"/enrolments?status=enrolled", instructor).Want(t, 200).JSON(t, &kept)
		if len(kept.Items) != 2 || kept.Items[0].AtRisk || !kept.Items[1].AtRisk ||
			kept.Items[0].AttendedHours == nil || *kept.Items[0].AttendedHours != 8.75 {
			t.Fatalf("the register's standing on the roster: %+v", kept.Items)
		}
		var sessions struct{ Items []struct{ ID string } }
		e.Get("/v1/cohorts/"+under.ID+"/sessions", instructor).Want(t, 200).JSON(t, &sessions)
		if len(sessions.Items) != demo.UnderWaySessions {
			t.Fatalf("%d sessions, want %d", len(sessions.Items), demo.UnderWaySessions)
		}
		rows := []map[string]any{}
		for _, en := range roster.Items {
			rows = append(rows, map[string]any{"enrolment_id": en.ID, "attended_hours": 60, "score": 90})
		}
		e.Post("/v1/cohorts/"+under.ID+"/results", instructor, map[string]any{"results": rows}).Want(t, 422)
		rows = rows[:0]
		for _, en := range roster.Items {
			rows = append(rows, map[string]any{"enrolment_id": en.ID, "score": 90})
		}
		var summary struct {
			Results []struct {
				Status        string  `json:"status"`
				AttendedHours float64 `json:"attended_hours"`
			} `json:"results"`
		}
		e.Post("/v1/cohorts/"+under.ID+"/results", instructor, map[string]any{"results": rows}).Want(t, 200).JSON(t, &summary)
		if len(summary.Results) != 2 || summary.Results[0].AttendedHours != 8.75 || summary.Results[1].Status != "failed" {
			t.Fatalf("results: %+v", summary.Results)
		}
	})
}

// The demo company's two open demands show in the gap report: one the
// demo's graduates cover, one with a gap the next cohorts must close.
func TestDemoDemandsShowACoveredRowAndAGap(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, e.App); err != nil {
			t.Fatal(err)
		}
		if n, err := demo.Seed(ctx, e.App); err != nil || n != 0 {
			t.Fatalf("seeding again made %d records (%v), want 0", n, err)
		}
		hr := login(t, e, "hr@cellmaker.demo.skillgrid.kr")
		var mine struct {
			Items []struct {
				ID     string `json:"id"`
				Track  string `json:"track"`
				Status string `json:"status"`
			} `json:"items"`
		}
		e.Get("/v1/demands", hr).Want(t, 200).JSON(t, &mine)
		if len(mine.Items) != 2 {
			t.Fatalf("demo company's demands: %+v", mine.Items)
		}
		for _, d := range mine.Items {
			var m struct {
				Items []struct {
					Score int `json:"score"`
				} `json:"items"`
			}
			e.Get("/v1/demands/"+d.ID+"/matches", hr).Want(t, 200).JSON(t, &m)
			if (d.Track == "bms") != (len(m.Items) == 2) {
				t.Errorf("%s demand has %d matches", d.Track, len(m.Items))
			}
		}
		var rep struct {
			Rows []struct {
				Track             string `json:"track"`
				OpenHeadcount     int    `json:"open_headcount"`
				MatchingGraduates int    `json:"matching_graduates"`
				Gap               int    `json:"gap"`
			} `json:"rows"`
		}
		e.Get("/v1/reports/demand", login(t, e, "admin@demo.skillgrid.kr")).Want(t, 200).JSON(t, &rep)
		gaps := map[string]int{}
		for _, r := range rep.Rows {
			gaps[r.Track] = r.Gap
		}
		if len(rep.Rows) != 2 || gaps["bms"] != 0 || gaps["safety-testing"] == 0 {
			t.Errorf("demo gap report: %+v", rep.Rows)
		}
	})
}
