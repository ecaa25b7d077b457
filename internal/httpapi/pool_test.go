package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
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

type graduateView struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	Levels           map[string]int `json:"levels"`
	Skills           []string       `json:"skills"`
	CareerStage      *string        `json:"career_stage"`
	Region           *string        `json:"region"`
	LastCompletedAt  time.Time      `json:"last_completed_at"`
	CompletedCourses []struct {
		Code            string    `json:"code"`
		Track           string    `json:"track"`
		Level           int       `json:"level"`
		CompletedAt     time.Time `json:"completed_at"`
		CertificateCode *string   `json:"certificate_code"`
	} `json:"completed_courses"`
}

type graduatePage struct {
	Items      []graduateView `json:"items"`
	NextCursor *string        `json:"next_cursor"`
}

type sentView struct {
	ID           string  `json:"id"`
	TraineeID    string  `json:"trainee_id"`
	TraineeEmail *string `json:"trainee_email"`
	TraineePhone *string `json:"trainee_phone"`
	Status       string  `json:"status"`
	HireID       *string `json:"hire_id"`
}

// graduateIDs lists the ids on one page of GET /v1/graduates?query.
func graduateIDs(t *testing.T, e *testutil.Env, token, query string) []string {
	t.Helper()
	var pg graduatePage
	e.Get("/v1/graduates?"+query, token).Want(t, http.StatusOK).JSON(t, &pg)
	ids := []string{}
	for _, g := range pg.Items {
		ids = append(ids, g.ID)
	}
	return ids
}

// graduatesCSV downloads GET /v1/graduates.csv?query and returns the raw
// body and its rows after the header.
func graduatesCSV(t *testing.T, e *testutil.Env, token, query string) (string, [][]string) {
	t.Helper()
	res := e.Get("/v1/graduates.csv?"+query, token).Want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	body := string(res.Body)
	if !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("CSV without a BOM: %.80q", body)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	if len(rows) == 0 || rows[0][0] != "id" || rows[0][1] != "name" {
		t.Fatalf("CSV header %v", rows)
	}
	return body, rows[1:]
}

// manySkills is n distinct skill tags, comma-separated.
func manySkills(n int) string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("skill%d", i)
	}
	return strings.Join(tags, ",")
}

func csvIDs(rows [][]string) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r[0])
	}
	return out
}

// graduate makes a trainee who completed a course in the cohort at `at`
// and opted in to the pool.
func graduate(t *testing.T, e *testutil.Env, cohortID string, at time.Time) (testutil.User, testutil.Completion) {
	t.Helper()
	u := e.NewUser(auth.Trainee)
	c := e.InsertCompletion(cohortID, u.ID, at)
	yes := true
	e.UpdateTrainee(u.ID, account.ProfilePatch{PoolOptIn: &yes})
	return u, c
}

func TestPoolRefusesCompaniesNotApprovedAndOtherRoles(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		g, _ := graduate(t, e, c.ID, e.Clock.Now())
		approved := e.NewCompany(account.CompanyApproved)
		var sent sentView
		e.Post("/v1/graduates/"+g.ID+"/contact-requests", approved.Token, map[string]any{"message": "안녕하세요"}).
			Want(t, http.StatusCreated).JSON(t, &sent)

		for _, status := range []string{account.CompanyPending, account.CompanyRejected} {
			co := e.NewCompany(status)
			for _, r := range []testutil.Req{
				{Method: http.MethodGet, Path: "/v1/graduates"},
				{Method: http.MethodGet, Path: "/v1/graduates.csv?track=bms&min_level=1"},
				{Method: http.MethodGet, Path: "/v1/graduates.xlsx?track=bms&min_level=1"},
				{Method: http.MethodGet, Path: "/v1/graduates/" + g.ID},
				{Method: http.MethodPost, Path: "/v1/graduates/" + g.ID + "/contact-requests", Body: map[string]any{"message": "hello"}},
				{Method: http.MethodGet, Path: "/v1/contact-requests"},
				{Method: http.MethodPost, Path: "/v1/contact-requests/" + sent.ID + "/hire", Body: map[string]any{"position": "engineer", "hired_on": "2026-12-01"}},
				// Bad input too: the answer is about approval, not the request.
				{Method: http.MethodGet, Path: "/v1/graduates?min_level=9&cursor=bogus"},
				{Method: http.MethodPost, Path: "/v1/graduates/" + g.ID + "/contact-requests", Body: map[string]any{"message": ""}},
				{Method: http.MethodGet, Path: "/v1/contact-requests?limit=0"},
				{Method: http.MethodPost, Path: "/v1/contact-requests/" + sent.ID + "/hire", Body: `{"position": 7}`},
			} {
				r.Token = co.Token
				e.Do(r).WantProblem(t, http.StatusForbidden, "company_not_approved")
			}
		}
		// Trainees and instructors may never search; only companies contact.
		for _, tok := range []string{g.Token, c.Instructor.Token} {
			e.Get("/v1/graduates", tok).WantProblem(t, http.StatusForbidden, "role_not_allowed")
			e.Get("/v1/graduates/"+g.ID, tok).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		}
		e.Post("/v1/graduates/"+g.ID+"/contact-requests", e.AdminToken(), map[string]any{"message": "hi"}).
			WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Get("/v1/graduates", "").WantProblem(t, http.StatusUnauthorized, "unauthorized")
		// The approved company and the operator do see the pool.
		for _, tok := range []string{approved.Token, e.AdminToken()} {
			if got := graduateIDs(t, e, tok, ""); !cmp.Equal(got, []string{g.ID}) {
				t.Fatalf("pool %v, want [%s]", got, g.ID)
			}
		}
	})
}

func TestOptedOutGraduatesNeverAppear(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		co := e.NewCompany(account.CompanyApproved)
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 10})
		now := e.Clock.Now()
		in, _ := graduate(t, e, c.ID, now.Add(-time.Hour))
		out, _ := graduate(t, e, c.ID, now.Add(-2*time.Hour))
		never := e.NewUser(auth.Trainee) // completed, never opted in
		e.InsertCompletion(c.ID, never.ID, now.Add(-3*time.Hour))
		notYet := e.NewUser(auth.Trainee) // opted in, nothing completed
		yes, no := true, false
		e.UpdateTrainee(notYet.ID, account.ProfilePatch{PoolOptIn: &yes})
		e.InsertEnrolment(c.ID, notYet.ID, "enrolled")
		gone, _ := graduate(t, e, c.ID, now.Add(-4*time.Hour)) // deactivated
		e.Patch("/v1/users/"+gone.ID, e.AdminToken(), map[string]any{"active": false}).Want(t, http.StatusOK)

		// Opting out through the API takes effect at once.
		e.Patch("/v1/me", out.Token, map[string]any{"pool_opt_in": false}).Want(t, http.StatusOK)

		want := []string{in.ID}
		if got := graduateIDs(t, e, co.Token, ""); !cmp.Equal(got, want) {
			t.Fatalf("pool %v, want %v", got, want)
		}
		if _, rows := graduatesCSV(t, e, co.Token, ""); !cmp.Equal(csvIDs(rows), want) {
			t.Fatalf("CSV %v, want %v", csvIDs(rows), want)
		}
		e.Get("/v1/graduates/"+in.ID, co.Token).Want(t, http.StatusOK)
		for _, u := range []testutil.User{out, never, notYet, gone, co} {
			e.Get("/v1/graduates/"+u.ID, co.Token).WantProblem(t, http.StatusNotFound, "not_found")
			e.Post("/v1/graduates/"+u.ID+"/contact-requests", co.Token, map[string]any{"message": "hi"}).
				WantProblem(t, http.StatusNotFound, "not_found")
		}
		e.Get("/v1/graduates/not-a-uuid", co.Token).WantProblem(t, http.StatusNotFound, "not_found")

		// The last one opts out: gone from the list, the detail and the CSV.
		e.Patch("/v1/me", in.Token, map[string]any{"pool_opt_in": false}).Want(t, http.StatusOK)
		if got := graduateIDs(t, e, co.Token, ""); len(got) != 0 {
			t.Fatalf("pool after opting out %v", got)
		}
		e.Get("/v1/graduates/"+in.ID, co.Token).WantProblem(t, http.StatusNotFound, "not_found")
		if body, rows := graduatesCSV(t, e, co.Token, ""); len(rows) != 0 || strings.Contains(body, in.ID) {
			t.Fatalf("CSV after opting out: %q", body)
		}
		// And back in.
		e.UpdateTrainee(in.ID, account.ProfilePatch{PoolOptIn: &yes})
		e.UpdateTrainee(out.ID, account.ProfilePatch{PoolOptIn: &no})
		if got := graduateIDs(t, e, co.Token, ""); !cmp.Equal(got, want) {
			t.Fatalf("pool after opting in again %v, want %v", got, want)
		}
	})
}

func TestPoolAnswersNeverHoldEmailOrPhone(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		co := e.NewCompany(account.CompanyApproved)
		c := e.OpenCohort(testutil.CohortSpec{})
		g, _ := graduate(t, e, c.ID, e.Clock.Now())
		phone := "010-9876-5432"
		e.Patch("/v1/me", g.Token, map[string]any{"phone": phone, "region": "충청북도 청주시", "skills": []string{"bms"}}).Want(t, http.StatusOK)
		leaks := func(what string, body []byte) {
			t.Helper()
			if bytes.Contains(bytes.ToLower(body), []byte(strings.ToLower(g.Email))) || bytes.Contains(body, []byte(phone)) ||
				bytes.Contains(body, []byte("email")) || bytes.Contains(body, []byte("phone")) {
				t.Fatalf("%s shows contact details: %s", what, body)
			}
		}
		admin := e.AdminToken()
		for _, tok := range []string{co.Token, admin} {
			leaks("list", e.Get("/v1/graduates", tok).Want(t, http.StatusOK).Body)
			leaks("filtered list", e.Get("/v1/graduates?skill=bms&region="+url.QueryEscape("충청북도 청주시"), tok).Want(t, http.StatusOK).Body)
			leaks("detail", e.Get("/v1/graduates/"+g.ID, tok).Want(t, http.StatusOK).Body)
			body, rows := graduatesCSV(t, e, tok, "")
			if len(rows) != 1 {
				t.Fatalf("CSV rows %v", rows)
			}
			leaks("CSV", []byte(body))
		}
		// Nor a pending contact request, on either side.
		sent := e.Post("/v1/graduates/"+g.ID+"/contact-requests", co.Token, map[string]any{"message": "면접 제안"}).Want(t, http.StatusCreated)
		var sv sentView
		sent.JSON(t, &sv)
		if sv.TraineeEmail != nil || sv.TraineePhone != nil || bytes.Contains(sent.Body, []byte(phone)) || bytes.Contains(sent.Body, []byte(g.Email)) {
			t.Fatalf("pending request shows contact details: %s", sent.Body)
		}
		list := e.Get("/v1/contact-requests", co.Token).Want(t, http.StatusOK).Body
		if bytes.Contains(list, []byte(phone)) || bytes.Contains(list, []byte(g.Email)) {
			t.Fatalf("pending requests show contact details: %s", list)
		}
		// Once the graduate accepts, the company that asked sees them (and
		// the checks above would have caught them).
		e.Post("/v1/contact-requests/"+sv.ID+"/accept", g.Token, nil).Want(t, http.StatusOK)
		list = e.Get("/v1/contact-requests", co.Token).Want(t, http.StatusOK).Body
		if !bytes.Contains(list, []byte(phone)) || !bytes.Contains(list, []byte(g.Email)) {
			t.Fatalf("accepted request hides contact details: %s", list)
		}
		// Still not in any pool answer.
		leaks("list after acceptance", e.Get("/v1/graduates", co.Token).Want(t, http.StatusOK).Body)
		leaks("detail after acceptance", e.Get("/v1/graduates/"+g.ID, co.Token).Want(t, http.StatusOK).Body)
	})
}

// Text that users write reaches companies' spreadsheets through the CSV;
// a cell a spreadsheet would run as a formula is defused with a leading
// apostrophe, and nothing else is touched.
func TestPoolCSVCellsCannotRunFormulas(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		co := e.NewCompany(account.CompanyApproved)
		c := e.OpenCohort(testutil.CohortSpec{})
		g, _ := graduate(t, e, c.ID, e.Clock.Now())
		name, region := `=HYPERLINK("http://example.com","x")`, "+82 충청북도"
		e.Patch("/v1/me", g.Token, map[string]any{"name": name, "region": region}).Want(t, http.StatusOK)
		_, rows := graduatesCSV(t, e, co.Token, "")
		if len(rows) != 1 || rows[0][0] != g.ID || rows[0][1] != "'"+name || rows[0][3] != "'"+region {
			t.Fatalf("CSV rows %q: want the name and region defused", rows)
		}
	})
}

// An export that fails after its 200 was sent must not look complete: the
// transfer breaks, so the client cannot mistake a cut file for the pool.
// One that fails on its first chunk is answered with a problem. The failure
// here is a completion time no client could send (-infinity), which the
// export cannot read.
func TestPoolExportFailures(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.App.Pool.ExportChunk = 1
		co := e.NewCompany(account.CompanyApproved)
		c := e.OpenCohort(testutil.CohortSpec{})
		other := e.OpenCohort(testutil.CohortSpec{Track: "materials"})
		now := e.Clock.Now()
		newer, _ := graduate(t, e, c.ID, now)
		older, _ := graduate(t, e, c.ID, now.Add(-time.Hour))
		base := e.Serve()
		// get exports; a response whose transfer broke is an error, whether
		// it broke in the body or, when the connection closed before the
		// server had sent anything, before the status line.
		get := func(ext ...string) (*http.Response, []byte, error) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, base+"/v1/graduates"+append(ext, ".csv")[0], nil)
			req.Header.Set("Authorization", "Bearer "+co.Token)
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := client.Do(req)
			if err != nil {
				return &http.Response{}, nil, err
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			return res, body, err
		}
		unreadable := func(g testutil.User) {
			t.Helper()
			// An older completion: the graduate keeps their place, and
			// the export fails on reading their courses.
			done := e.InsertCompletion(other.ID, g.ID, now.Add(-48*time.Hour))
			if _, err := e.DB.NewUpdate().Table("enrolments").Set("result_recorded_at = '-infinity'").
				Where("id = ?", done.EnrolmentID).Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		res, body, err := get()
		if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(string(body), newer.ID) || !strings.Contains(string(body), older.ID) {
			t.Fatalf("a sound export: %v %d %q", err, res.StatusCode, body)
		}

		res, body, err = get(".xlsx")
		if err != nil || res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("PK")) {
			t.Fatalf("a sound workbook: %v %d %.40q", err, res.StatusCode, body)
		}

		unreadable(older) // in the second chunk
		res, body, err = get()
		if err == nil || (res.StatusCode != 0 && res.StatusCode != http.StatusOK) {
			t.Fatalf("failed in the second chunk: %d, %q, error %v: want a 200 whose transfer broke", res.StatusCode, body, err)
		}
		// A workbook is written whole before its answer begins: the same
		// failure is a problem.
		res, body, err = get(".xlsx")
		if err != nil || res.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("workbook failed in the second chunk: %d %q %q (%v), want a 500 problem", res.StatusCode, res.Header.Get("Content-Type"), body, err)
		}

		unreadable(newer) // in the first chunk
		res, body, err = get()
		if err != nil || res.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("failed in the first chunk: %d %q %q (%v), want a 500 problem", res.StatusCode, res.Header.Get("Content-Type"), body, err)
		}
	})
}

func TestPoolEntryShowsLevelsSkillsCoursesAndValidCertificates(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		co := e.NewCompany(account.CompanyApproved)
		now := e.Clock.Now().Truncate(time.Second)
		bms1 := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 1})
		bms2 := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 2})
		mat := e.OpenCohort(testutil.CohortSpec{Track: "materials", Level: 1})
		g, c1 := graduate(t, e, bms1.ID, now.Add(-48*time.Hour))
		c2 := e.InsertCompletion(bms2.ID, g.ID, now.Add(-24*time.Hour))
		c3 := e.InsertCompletion(mat.ID, g.ID, now.Add(-72*time.Hour))
		e.RevokeCertificate(c1.CertificateCode)
		// A placement above the completions raises the level.
		e.Post("/v1/trainees/"+g.ID+"/placements", e.AdminToken(), map[string]any{"track": "safety-testing", "level": 3, "reason": "경력 인정"}).
			Want(t, http.StatusCreated)
		e.Patch("/v1/me", g.Token, map[string]any{"skills": []string{"BMS", "cell-balancing"}, "career_stage": "job_seeker", "region": "청주"}).
			Want(t, http.StatusOK)

		var got graduateView
		e.Get("/v1/graduates/"+g.ID, co.Token).Want(t, http.StatusOK).JSON(t, &got)
		if diff := cmp.Diff(map[string]int{"bms": 2, "materials": 1, "safety-testing": 3}, got.Levels); diff != "" {
			t.Errorf("levels (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"bms", "cell-balancing"}, got.Skills); diff != "" {
			t.Errorf("skills (-want +got):\n%s", diff)
		}
		if got.CareerStage == nil || *got.CareerStage != "job_seeker" || got.Region == nil || *got.Region != "청주" {
			t.Errorf("career stage %v, region %v", got.CareerStage, got.Region)
		}
		if !got.LastCompletedAt.Equal(now.Add(-24 * time.Hour)) {
			t.Errorf("last completed %v", got.LastCompletedAt)
		}
		var courses []string
		for _, cc := range got.CompletedCourses {
			cert := "-"
			if cc.CertificateCode != nil {
				cert = *cc.CertificateCode
			}
			courses = append(courses, fmt.Sprintf("%s/%d %s", cc.Track, cc.Level, cert))
		}
		// Newest first; the revoked certificate's code is not shown.
		if diff := cmp.Diff([]string{"bms/2 " + c2.CertificateCode, "bms/1 -", "materials/1 " + c3.CertificateCode}, courses); diff != "" {
			t.Errorf("courses (-want +got):\n%s", diff)
		}
		var pg graduatePage
		e.Get("/v1/graduates", co.Token).Want(t, http.StatusOK).JSON(t, &pg)
		if len(pg.Items) != 1 || !cmp.Equal(pg.Items[0], got) {
			t.Errorf("list entry differs from detail: %+v", pg.Items)
		}
	})
}

func TestPoolFilters(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		co := e.NewCompany(account.CompanyApproved)
		now := e.Clock.Now()
		day := func(d int) time.Time { return now.AddDate(0, 0, d) }
		bms1 := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 1})
		bms3 := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 3})
		rec2 := e.OpenCohort(testutil.CohortSpec{Track: "recycling", Level: 2})
		ctx := context.Background()
		// A course with a Korean title and a known code, for q.
		if _, err := e.DB.NewUpdate().Table("courses").Set("code = 'REC-201'").Set("title = '폐배터리 재활용 공정'").
			Set("search_text = 'rec-201 폐배터리 재활용 공정'").Where("id = ?", rec2.CourseID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		a, _ := graduate(t, e, bms1.ID, day(-30))  // bms 1
		b, _ := graduate(t, e, bms3.ID, day(-20))  // bms 3
		cc, _ := graduate(t, e, rec2.ID, day(-10)) // recycling 2
		d, _ := graduate(t, e, bms1.ID, day(-5))   // bms 1, placed at materials 4
		e.Post("/v1/trainees/"+d.ID+"/placements", e.AdminToken(), map[string]any{"track": "materials", "level": 4, "reason": "경력"}).
			Want(t, http.StatusCreated)
		e.Patch("/v1/me", a.Token, map[string]any{"name": "ÉLODIE Dupont", "skills": []string{"bms", "soc-estimation"}, "region": "청주", "career_stage": "student"}).Want(t, http.StatusOK)
		e.Patch("/v1/me", b.Token, map[string]any{"name": "김하늘", "skills": []string{"cell-balancing"}, "region": "세종", "career_stage": "job_seeker"}).Want(t, http.StatusOK)
		e.Patch("/v1/me", cc.Token, map[string]any{"name": "Lee 50%_off", "skills": []string{"recycling"}, "region": "청주", "career_stage": "incumbent"}).Want(t, http.StatusOK)
		e.Patch("/v1/me", d.Token, map[string]any{"name": "박민수"}).Want(t, http.StatusOK)

		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{d.ID, cc.ID, b.ID, a.ID}},
			{"track=bms", []string{d.ID, b.ID, a.ID}},
			{"track=BMS&min_level=2", []string{b.ID}},
			{"track=materials&min_level=4", []string{d.ID}},
			{"track=materials&min_level=5", []string{}},
			{"min_level=3", []string{d.ID, b.ID}},
			{"min_level=2", []string{d.ID, cc.ID, b.ID}},
			{"skill=cell-balancing", []string{b.ID}},
			{"skill=recycling&skill=SOC-estimation", []string{cc.ID, a.ID}},
			{"skill=" + url.QueryEscape("recycling, cell-balancing"), []string{cc.ID, b.ID}},
			{"completed_after=" + day(-10).Format(time.DateOnly), []string{d.ID, cc.ID}},
			{"region=" + url.QueryEscape("청주"), []string{cc.ID, a.ID}},
			{"career_stage=job_seeker", []string{b.ID}},
			{"q=" + url.QueryEscape("élodie"), []string{a.ID}}, // Unicode case folding, on SQLite too
			{"q=" + url.QueryEscape("하늘"), []string{b.ID}},     // Korean name
			{"q=" + url.QueryEscape("재활용"), []string{cc.ID}},   // Korean course title
			{"q=rec-201", []string{cc.ID}},                     // course code, any case
			{"q=" + url.QueryEscape("50%_"), []string{cc.ID}},  // LIKE wildcards match literally
			{"q=" + url.QueryEscape("%"), []string{cc.ID}},
			{"track=bms&region=" + url.QueryEscape("청주") + "&q=dupont", []string{a.ID}},
		} {
			// The default walk budget walks all four completions; the small
			// ones find the rest of each answer from the users' side.
			for _, w := range []int{0, 1, 2, 3} {
				e.App.Pool.Store.WalkBudget = w
				if got := graduateIDs(t, e, co.Token, tc.query); !cmp.Equal(got, tc.want) {
					t.Errorf("?%s, walk budget %d: %v, want %v", tc.query, w, got, tc.want)
				}
				if _, rows := graduatesCSV(t, e, co.Token, tc.query); !cmp.Equal(csvIDs(rows), tc.want) {
					t.Errorf("CSV ?%s, walk budget %d: %v, want %v", tc.query, w, csvIDs(rows), tc.want)
				}
			}
		}
		// Wrong types are 400, values out of range 422; none is a 5xx.
		for q, want := range map[string]int{
			"min_level=abc": 400, "limit=x": 400, "cursor=bogus": 400, "cursor=WyJhIl0": 400,
			"cursor=" + url.QueryEscape(`WyJub3QtYS10aW1lIiwieCJd`): 400,
			"min_level=0": 422, "min_level=6": 422, "limit=0": 422, "limit=101": 422,
			"completed_after=yesterday": 422, "completed_after=2026-02-30": 422, "career_stage=retired": 422,
			"q=" + strings.Repeat("가", 101): 422, "skill=" + manySkills(21): 422,
			"q=a%00b": 400, "region=%00": 400, "skill=bms&skill=%00": 400, "track=%00": 400, "q=%ff%fe": 400, "region=%ff": 400,
		} {
			res := e.Get("/v1/graduates?"+q, co.Token)
			if res.Status != want {
				t.Errorf("?%.40s: %d, want %d; %s", q, res.Status, want, res.Body)
			}
		}
	})
}

func TestPoolPagesVisitEachGraduateOnce(t *testing.T) {
	t.Parallel()
	// The default walk budget walks to every page; a budget of 7 is less
	// than a page (8 keys are asked for), so every page ends with graduates
	// found from the users' side.
	for _, w := range []int{0, 7} {
		t.Run(fmt.Sprintf("walk budget %d", w), func(t *testing.T) {
			t.Parallel()
			poolPagesVisitEachGraduateOnce(t, w)
		})
	}
}

func poolPagesVisitEachGraduateOnce(t *testing.T, walkBudget int) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.App.Pool.Store.WalkBudget = walkBudget
		co := e.NewCompany(account.CompanyApproved)
		bms := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 2, Capacity: 300})
		other := e.OpenCohort(testutil.CohortSpec{Track: "materials", Level: 1, Capacity: 100})
		base := e.Clock.Now().Add(-1000 * time.Hour)
		var want []string
		at := map[string]time.Time{}
		for i := 0; i < 250; i++ {
			// Groups of five share a completion time: the id breaks the tie.
			t0 := base.Add(time.Duration(i/5) * time.Hour)
			g, _ := graduate(t, e, bms.ID, t0)
			want = append(want, g.ID)
			at[g.ID] = t0
			if i%10 == 0 { // an older completion elsewhere must not repeat them
				e.InsertCompletion(other.ID, g.ID, t0.Add(-500*time.Hour))
			}
			if i%25 == 0 { // outside the filter
				e.InsertCompletion(other.ID, e.NewUser(auth.Trainee).ID, t0)
			}
		}
		sort.Slice(want, func(i, j int) bool {
			if !at[want[i]].Equal(at[want[j]]) {
				return at[want[i]].After(at[want[j]])
			}
			return want[i] > want[j]
		})
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 40 {
				t.Fatal("pagination does not end")
			}
			q := "track=bms&min_level=2&limit=7"
			if cursor != "" {
				q += "&cursor=" + cursor
			}
			var pg graduatePage
			e.Get("/v1/graduates?"+q, co.Token).Want(t, http.StatusOK).JSON(t, &pg)
			if len(pg.Items) > 7 {
				t.Fatalf("page of %d", len(pg.Items))
			}
			for _, g := range pg.Items {
				got = append(got, g.ID)
			}
			if pg.NextCursor == nil {
				break
			}
			cursor = url.QueryEscape(*pg.NextCursor)
			// A newer graduate arriving mid-walk does not disturb it.
			if pages == 3 {
				graduate(t, e, bms.ID, e.Clock.Now())
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("pages (-want +got):\n%s", diff)
		}
		if _, rows := graduatesCSV(t, e, co.Token, "track=bms&min_level=2"); len(rows) != 251 || !cmp.Equal(csvIDs(rows)[1:], want) {
			t.Fatalf("CSV has %d rows", len(rows))
		}
	})
}

func TestContactRequestsHiresAndWhoMaySeeThem(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		g, _ := graduate(t, e, c.ID, e.Clock.Now())
		otherTrainee, _ := graduate(t, e, c.ID, e.Clock.Now())
		co := e.NewCompany(account.CompanyApproved)
		rival := e.NewCompany(account.CompanyApproved)
		path := "/v1/graduates/" + g.ID + "/contact-requests"

		e.Post(path, co.Token, map[string]any{"message": "  "}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Post(path, co.Token, map[string]any{"message": 5}).WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Post(path, co.Token, map[string]any{"message": "a\u0000b"}).WantProblem(t, http.StatusBadRequest, "nul_character")
		var sv sentView
		e.Post(path, co.Token, map[string]any{"message": "배터리 셀 엔지니어 채용 관련 연락드립니다."}).Want(t, http.StatusCreated).JSON(t, &sv)
		if sv.Status != "pending" || sv.TraineeID != g.ID || sv.HireID != nil {
			t.Fatalf("sent %+v", sv)
		}
		// One open request per company and graduate; another company may ask too.
		e.Post(path, co.Token, map[string]any{"message": "again"}).WantProblem(t, http.StatusConflict, "contact_request_open")
		var rivalReq sentView
		e.Post(path, rival.Token, map[string]any{"message": "저희도"}).Want(t, http.StatusCreated).JSON(t, &rivalReq)

		// The graduate sees both; nobody else sees them.
		var mine struct {
			Items []struct {
				ID          string `json:"id"`
				CompanyName string `json:"company_name"`
				Status      string `json:"status"`
			} `json:"items"`
		}
		e.Get("/v1/me/contact-requests", g.Token).Want(t, http.StatusOK).JSON(t, &mine)
		if len(mine.Items) != 2 || mine.Items[0].ID != rivalReq.ID || mine.Items[1].ID != sv.ID || mine.Items[1].CompanyName == "" {
			t.Fatalf("received %+v", mine.Items)
		}
		e.Get("/v1/me/contact-requests", otherTrainee.Token).Want(t, http.StatusOK).JSON(t, &mine)
		if len(mine.Items) != 0 {
			t.Fatalf("another trainee sees %+v", mine.Items)
		}
		var sent struct {
			Items []sentView `json:"items"`
		}
		e.Get("/v1/contact-requests", rival.Token).Want(t, http.StatusOK).JSON(t, &sent)
		if len(sent.Items) != 1 || sent.Items[0].ID != rivalReq.ID {
			t.Fatalf("rival sees %+v", sent.Items)
		}

		hire := map[string]any{"position": "BMS 시험 엔지니어", "hired_on": "2026-12-01"}
		// No hire before the graduate accepts.
		e.Post("/v1/contact-requests/"+sv.ID+"/hire", co.Token, hire).WantProblem(t, http.StatusConflict, "not_accepted")
		// Only the trainee it was sent to may answer; to anyone else it does not exist.
		e.Post("/v1/contact-requests/"+sv.ID+"/accept", otherTrainee.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/contact-requests/"+sv.ID+"/decline", otherTrainee.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/contact-requests/"+sv.ID+"/accept", co.Token, nil).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/contact-requests/not-an-id/accept", g.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/contact-requests/"+g.ID+"/accept", g.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")

		e.Post("/v1/contact-requests/"+sv.ID+"/accept", g.Token, nil).Want(t, http.StatusOK)
		e.Post("/v1/contact-requests/"+sv.ID+"/accept", g.Token, nil).WantProblem(t, http.StatusConflict, "contact_request_answered")
		e.Post("/v1/contact-requests/"+sv.ID+"/decline", g.Token, nil).WantProblem(t, http.StatusConflict, "contact_request_answered")
		e.Post("/v1/contact-requests/"+rivalReq.ID+"/decline", g.Token, nil).Want(t, http.StatusOK)

		// The hire: only the company that sent the request, only once.
		e.Post("/v1/contact-requests/"+sv.ID+"/hire", rival.Token, hire).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/contact-requests/"+sv.ID+"/hire", g.Token, hire).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/contact-requests/"+rivalReq.ID+"/hire", rival.Token, hire).WantProblem(t, http.StatusConflict, "not_accepted")
		e.Post("/v1/contact-requests/"+sv.ID+"/hire", co.Token, map[string]any{"position": "x", "hired_on": "2026-13-01"}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Post("/v1/contact-requests/"+sv.ID+"/hire", co.Token, map[string]any{"position": "x\u0000", "hired_on": "2026-12-01"}).
			WantProblem(t, http.StatusBadRequest, "nul_character")
		var h struct {
			ID               string `json:"id"`
			CompanyID        string `json:"company_id"`
			TraineeID        string `json:"trainee_id"`
			ContactRequestID string `json:"contact_request_id"`
			Position         string `json:"position"`
			HiredOn          string `json:"hired_on"`
		}
		e.Post("/v1/contact-requests/"+sv.ID+"/hire", co.Token, hire).Want(t, http.StatusCreated).JSON(t, &h)
		if h.TraineeID != g.ID || h.ContactRequestID != sv.ID || h.Position != "BMS 시험 엔지니어" || h.HiredOn != "2026-12-01" {
			t.Fatalf("hire %+v", h)
		}
		e.Post("/v1/contact-requests/"+sv.ID+"/hire", co.Token, hire).WantProblem(t, http.StatusConflict, "already_hired")
		e.Get("/v1/contact-requests", co.Token).Want(t, http.StatusOK).JSON(t, &sent)
		if len(sent.Items) != 1 || sent.Items[0].HireID == nil || *sent.Items[0].HireID != h.ID || sent.Items[0].TraineeEmail == nil {
			t.Fatalf("company's requests after the hire %+v", sent.Items)
		}
		// The declined rival may ask again; the answered request no longer blocks.
		e.Post(path, rival.Token, map[string]any{"message": "다시 연락드립니다"}).Want(t, http.StatusCreated)
		e.Get("/v1/contact-requests?status=pending", rival.Token).Want(t, http.StatusOK).JSON(t, &sent)
		if len(sent.Items) != 1 || sent.Items[0].Status != "pending" {
			t.Fatalf("rival's pending requests %+v", sent.Items)
		}
		e.Get("/v1/contact-requests?status=maybe", rival.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")

		// Every state change is audited, by its actor.
		var hireRow struct {
			TraineeID string `bun:"trainee_id"`
		}
		if err := e.DB.NewSelect().Table("hires").Column("trainee_id").Where("id = ?", h.ID).Scan(context.Background(), &hireRow); err != nil || hireRow.TraineeID != g.ID {
			t.Fatalf("stored hire %+v %v", hireRow, err)
		}
		for _, w := range []struct{ entity, action, actor string }{
			{sv.ID, "contact_request.created", co.ID},
			{sv.ID, "contact_request.accepted", g.ID},
			{rivalReq.ID, "contact_request.declined", g.ID},
			{h.ID, "hire.created", co.ID},
		} {
			n := 0
			for _, ev := range auditEvents(t, e, w.entity) {
				if ev.Action == w.action && ev.ActorID != nil && *ev.ActorID == w.actor {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s on %s: %d events", w.action, w.entity, n)
			}
		}
	})
}

func TestOneOpenContactRequestUnderConcurrency(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{})
		g, _ := graduate(t, e, c.ID, e.Clock.Now())
		co := e.NewCompany(account.CompanyApproved)
		base := e.Serve()
		var wg sync.WaitGroup
		codes := make([]int, 12)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPost, base+"/v1/graduates/"+g.ID+"/contact-requests", strings.NewReader(`{"message":"hi"}`))
				req.Header.Set("Authorization", "Bearer "+co.Token)
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				codes[i] = res.StatusCode
			}()
		}
		wg.Wait()
		count := map[int]int{}
		for _, s := range codes {
			count[s]++
		}
		if diff := cmp.Diff(map[int]int{201: 1, 409: len(codes) - 1}, count); diff != "" {
			t.Fatalf("statuses (-want +got):\n%s", diff)
		}
	})
}

// graduatePages pages through GET /v1/graduates?query with the limit to
// the end and returns the ids in order.
func graduatePages(t *testing.T, e *testutil.Env, token, query string, limit int) []string {
	t.Helper()
	got := []string{}
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 200 {
			t.Fatalf("?%s: pagination does not end", query)
		}
		q := fmt.Sprintf("%s&limit=%d", query, limit)
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		var pg graduatePage
		e.Get("/v1/graduates?"+q, token).Want(t, http.StatusOK).JSON(t, &pg)
		if len(pg.Items) > limit {
			t.Fatalf("?%s: a page of %d", q, len(pg.Items))
		}
		for _, g := range pg.Items {
			got = append(got, g.ID)
		}
		if pg.NextCursor == nil {
			return got
		}
		cursor = *pg.NextCursor
	}
}

// TestPoolSearchDoesNotDependOnTheWalkBudget checks the search's two
// phases against the pool worked out here: for walk budgets W (the
// completions walked before the rest is found from the users' side) from
// 1 to all of them, every filter and page size, the pages and the CSV
// list exactly the matching graduates, each once, by latest completion
// then id. The data has ties in completion time (between graduates, and
// two completions of one graduate at once), graduates with completions on
// both sides of the floors, completions of trainees outside the pool
// among those walked, and placements (the latest in a track counts);
// pages of one put a floor W completions below every graduate.
func TestPoolSearchDoesNotDependOnTheWalkBudget(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		co := e.NewCompany(account.CompanyApproved)
		ctx := context.Background()
		type course struct {
			id, track string
			level     int
		}
		var courses []course
		for _, c := range []struct {
			track string
			level int
		}{{"bms", 1}, {"bms", 3}, {"recycling", 2}, {"materials", 1}} {
			ch := e.OpenCohort(testutil.CohortSpec{Track: c.track, Level: c.level, Capacity: 100})
			courses = append(courses, course{ch.ID, c.track, c.level})
			if c.track == "recycling" {
				if _, err := e.DB.NewUpdate().Table("courses").Set("search_text = 'rec-201 폐배터리 재활용 공정'").
					Where("id = ?", ch.CourseID).Exec(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Twelve slots half a day apart: most completions share their time
		// with others.
		base := e.Clock.Now().Truncate(24*time.Hour).AddDate(0, 0, -10)
		slot := func(n int) time.Time { return base.Add(time.Duration(n%12) * 12 * time.Hour) }
		type trainee struct {
			id, name, region string
			stage            string
			skills           []string
			last             time.Time
			done             []course
			placed           map[string]int // the latest placement per track
			inPool           bool
		}
		var pool []trainee
		completions := 0
		yes := true
		for i := 0; i < 40; i++ {
			u := e.NewUser(auth.Trainee)
			tr := trainee{id: u.ID, name: "테스트 trainee", inPool: true}
			// 1 to 3 completions in scattered slots: the latest decides the
			// place, the others lie below it, on either side of a floor.
			for k := 0; k <= i%3; k++ {
				c, at := courses[(i+k)%len(courses)], slot(i*7+k*5)
				e.InsertCompletion(c.id, u.ID, at)
				completions++
				if i%11 == 0 { // two completions at the same instant
					e.InsertCompletion(courses[(i+k+1)%len(courses)].id, u.ID, at)
					completions++
					tr.done = append(tr.done, courses[(i+k+1)%len(courses)])
				}
				tr.done = append(tr.done, c)
				if at.After(tr.last) {
					tr.last = at
				}
			}
			p := account.ProfilePatch{PoolOptIn: &yes}
			if i%13 == 6 { // completed, never opted in: walked, never shown
				p.PoolOptIn, tr.inPool = nil, false
			}
			if r := []string{"청주", "세종", "", "청주"}[i%4]; r != "" {
				tr.region = r
				p.Region = &r
			}
			if st := []string{"job_seeker", "student", "", "incumbent", "job_seeker", "", "student"}[i%7]; st != "" {
				tr.stage = st
				p.CareerStage = &st
			}
			tr.skills = [][]string{{"bms"}, {"recycling", "soc-estimation"}, {}}[i%3]
			p.Skills = &tr.skills
			if i%5 == 0 {
				tr.name = "김하늘"
				p.Name = &tr.name
			}
			e.UpdateTrainee(u.ID, p)
			if i%9 == 4 { // deactivated
				e.Patch("/v1/users/"+u.ID, e.AdminToken(), map[string]any{"active": false}).Want(t, http.StatusOK)
				tr.inPool = false
			}
			// Placements: the latest in a track counts, even when lower.
			for _, pl := range [][]struct {
				track string
				level int
			}{3: {{"recycling", 3}}, 7: {{"recycling", 4}, {"recycling", 2}}, 8: {{"safety-testing", 5}}}[i%9] {
				e.Post("/v1/trainees/"+u.ID+"/placements", e.AdminToken(), map[string]any{"track": pl.track, "level": pl.level, "reason": "경력"}).
					Want(t, http.StatusCreated)
				if tr.placed == nil {
					tr.placed = map[string]int{}
				}
				tr.placed[pl.track] = pl.level
			}
			pool = append(pool, tr)
		}
		// Opted in with nothing completed: never a graduate.
		for i := 0; i < 3; i++ {
			u := e.NewUser(auth.Trainee)
			e.UpdateTrainee(u.ID, account.ProfilePatch{PoolOptIn: &yes})
			e.InsertEnrolment(courses[i].id, u.ID, "enrolled")
		}
		sort.Slice(pool, func(i, j int) bool {
			if !pool[i].last.Equal(pool[j].last) {
				return pool[i].last.After(pool[j].last)
			}
			return pool[i].id > pool[j].id
		})
		has := func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		}
		// The catalogue's rule: the highest level completed in the track, or
		// the latest placement in it if that is higher; any track if "".
		level := func(tr trainee, track string) int {
			n := 0
			for _, c := range tr.done {
				if track == "" || c.track == track {
					n = max(n, c.level)
				}
			}
			for t, l := range tr.placed {
				if track == "" || t == track {
					n = max(n, l)
				}
			}
			return n
		}
		after := slot(6)
		for _, f := range []struct {
			query string
			match func(trainee) bool
		}{
			{"", func(trainee) bool { return true }},
			{"region=" + url.QueryEscape("청주"), func(tr trainee) bool { return tr.region == "청주" }},
			{"skill=recycling", func(tr trainee) bool { return has(tr.skills, "recycling") }},
			{"skill=bms&skill=soc-estimation", func(tr trainee) bool { return has(tr.skills, "bms") || has(tr.skills, "soc-estimation") }},
			{"track=bms&min_level=2", func(tr trainee) bool { return level(tr, "bms") >= 2 }},
			{"track=recycling&min_level=3", func(tr trainee) bool { return level(tr, "recycling") >= 3 }},
			{"min_level=3", func(tr trainee) bool { return level(tr, "") >= 3 }},
			{"track=recycling&min_level=2&region=" + url.QueryEscape("청주"),
				func(tr trainee) bool { return level(tr, "recycling") >= 2 && tr.region == "청주" }},
			{"min_level=3&skill=recycling", func(tr trainee) bool { return level(tr, "") >= 3 && has(tr.skills, "recycling") }},
			{"q=" + url.QueryEscape("하늘"), func(tr trainee) bool { return tr.name == "김하늘" }},
			{"q=" + url.QueryEscape("재활용"), func(tr trainee) bool { // the recycling course's title; not a placement
				for _, c := range tr.done {
					if c.track == "recycling" {
						return true
					}
				}
				return false
			}},
			{"completed_after=" + after.Format(time.DateOnly), func(tr trainee) bool { return !tr.last.Before(after) }},
			{"region=" + url.QueryEscape("세종") + "&skill=bms&completed_after=" + slot(2).Format(time.DateOnly),
				func(tr trainee) bool {
					return tr.region == "세종" && has(tr.skills, "bms") && !tr.last.Before(slot(2))
				}},
			{"region=" + url.QueryEscape("청주") + "&career_stage=job_seeker",
				func(tr trainee) bool { return tr.region == "청주" && tr.stage == "job_seeker" }},
			{"track=bms&min_level=1&region=" + url.QueryEscape("청주") + "&career_stage=student",
				func(tr trainee) bool { return level(tr, "bms") >= 1 && tr.region == "청주" && tr.stage == "student" }},
			{"career_stage=incumbent&skill=recycling",
				func(tr trainee) bool { return tr.stage == "incumbent" && has(tr.skills, "recycling") }},
			{"region=" + url.QueryEscape("세종") + "&q=" + url.QueryEscape("하늘"),
				func(tr trainee) bool { return tr.region == "세종" && tr.name == "김하늘" }},
			{"region=" + url.QueryEscape("독도"), func(trainee) bool { return false }},
		} {
			want := []string{}
			for _, tr := range pool {
				if tr.inPool && f.match(tr) {
					want = append(want, tr.id)
				}
			}
			for _, w := range []int{1, 2, 3, 5, 13, completions, 0} {
				e.App.Pool.Store.WalkBudget = w
				for _, limit := range []int{1, 4} {
					if got := graduatePages(t, e, co.Token, f.query, limit); !cmp.Equal(got, want) {
						t.Errorf("?%s, walk budget %d, limit %d (-want +got):\n%s", f.query, w, limit, cmp.Diff(want, got))
					}
				}
				if _, rows := graduatesCSV(t, e, co.Token, f.query); !cmp.Equal(csvIDs(rows), want) {
					t.Errorf("CSV ?%s, walk budget %d (-want +got):\n%s", f.query, w, cmp.Diff(want, csvIDs(rows)))
				}
			}
		}
	})
}
