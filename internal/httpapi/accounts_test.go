package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

func auditEvents(t *testing.T, e *testutil.Env, entityID string) []audit.Event {
	t.Helper()
	var evs []audit.Event
	if err := e.DB.NewSelect().Model(&evs).Where("entity_id = ?", entityID).Order("id").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestAdminManagesUsers(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		created := e.Post("/v1/users", admin, map[string]any{
			"email": "park@techno-park.kr", "password": "instructor-2026", "name": "박지훈", "role": "instructor",
		}).Want(t, http.StatusCreated).Map(t)
		if created["role"] != "instructor" {
			t.Fatalf("created %v", created)
		}
		// Admins make staff; trainees and companies register themselves.
		e.Post("/v1/users", admin, map[string]any{
			"email": "t@example.kr", "password": "long-enough-pw", "name": "T", "role": "trainee",
		}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Post("/v1/users", admin, map[string]any{
			"email": "PARK@techno-park.kr", "password": "instructor-2026", "name": "박지훈", "role": "admin",
		}).WantProblem(t, http.StatusConflict, "email_taken")

		// The new instructor can sign in.
		e.Post("/v1/auth/login", "", map[string]any{"email": "park@techno-park.kr", "password": "instructor-2026"}).Want(t, http.StatusOK)

		for i := 0; i < 4; i++ {
			e.NewUser(auth.Trainee)
		}
		// Page through trainees two at a time: each exactly once.
		var seen []string
		cursor := ""
		for pages := 0; ; pages++ {
			path := "/v1/users?role=trainee&limit=2"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			var pg struct {
				Items []struct {
					ID   string `json:"id"`
					Role string `json:"role"`
				} `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			e.Get(path, admin).Want(t, http.StatusOK).JSON(t, &pg)
			for _, it := range pg.Items {
				if it.Role != "trainee" {
					t.Fatalf("role filter let through %v", it)
				}
				seen = append(seen, it.ID)
			}
			if pg.NextCursor == nil {
				break
			}
			cursor = *pg.NextCursor
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
		}
		if len(seen) != 4 {
			t.Fatalf("paged %d trainees, want 4: %v", len(seen), seen)
		}
		e.Get("/v1/users?role=wizard", admin).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/users?limit=0", admin).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/users?limit=abc", admin).WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Get("/v1/users?cursor=garbage!", admin).WantProblem(t, http.StatusBadRequest, "invalid_cursor")
		e.Patch("/v1/users/not-a-uuid", admin, map[string]any{"active": false}).WantProblem(t, http.StatusNotFound, "not_found")
		e.Patch("/v1/users/01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b", admin, map[string]any{"active": false}).WantProblem(t, http.StatusNotFound, "not_found")
	})
}

func TestPasswordsAreMeasuredInCharacters(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		// argon2id has no 72-byte limit: 256 Hangul syllables (768 bytes) fit,
		// 257 characters do not.
		tooLong := strings.Repeat("배", auth.MaxPasswordLength+1)
		p := e.Post("/v1/auth/register", "", map[string]any{
			"email": "hangul@example.kr", "password": tooLong, "name": "한글", "role": "trainee",
		}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if !slices.Equal(p.Fields(), []string{"password"}) || !strings.Contains(p.Errors[0].Message, "at most 256 characters") {
			t.Fatalf("problem %+v", p)
		}
		e.Post("/v1/users", e.AdminToken(), map[string]any{
			"email": "staff@example.kr", "password": tooLong, "name": "한글", "role": "instructor",
		}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if n := countRows(t, e, "users", "email IN (?, ?)", "hangul@example.kr", "staff@example.kr"); n != 0 {
			t.Fatalf("%d refused accounts were stored", n)
		}
		fits := strings.Repeat("배", auth.MaxPasswordLength)
		e.Post("/v1/auth/register", "", map[string]any{
			"email": "hangul@example.kr", "password": fits, "name": "한글", "role": "trainee",
		}).Want(t, http.StatusCreated)
		e.Post("/v1/auth/login", "", map[string]any{"email": "hangul@example.kr", "password": fits}).Want(t, http.StatusOK)
		// Every character counts: the same password one syllable short is wrong.
		e.Post("/v1/auth/login", "", map[string]any{"email": "hangul@example.kr", "password": fits[:len(fits)-3]}).
			WantProblem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestDeactivationIsAuditedAndNotForYourself(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.NewUser(auth.Admin)
		e.Patch("/v1/users/"+admin.ID, admin.Token, map[string]any{"active": false}).
			WantProblem(t, http.StatusUnprocessableEntity, "self_deactivation")
		u := e.NewUser(auth.Instructor)
		e.Patch("/v1/users/"+u.ID, admin.Token, map[string]any{"active": false}).Want(t, http.StatusOK)
		evs := auditEvents(t, e, u.ID)
		if len(evs) != 1 || evs[0].Action != "user.deactivated" || *evs[0].ActorID != admin.ID ||
			evs[0].Before == nil || evs[0].After == nil || evs[0].RequestID == nil {
			t.Fatalf("audit events %+v", evs)
		}
	})
}

func TestCompaniesStartPendingUntilApproved(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		e.Post("/v1/auth/register", "", map[string]any{
			"email": "hr@cell.example.kr", "password": "battery-2026!", "name": "Han", "role": "company",
		}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		reg := e.Post("/v1/auth/register", "", map[string]any{
			"email": "hr@cell.example.kr", "password": "battery-2026!", "name": "Han", "role": "company", "company_name": "한빛셀",
		}).Want(t, http.StatusCreated).Map(t)
		co := reg["company"].(map[string]any)
		if co["status"] != "pending" || co["name"] != "한빛셀" {
			t.Fatalf("company %v", co)
		}
		id := co["id"].(string)

		var pg struct {
			Items []map[string]any `json:"items"`
		}
		e.Get("/v1/companies?status=pending", admin).Want(t, http.StatusOK).JSON(t, &pg)
		if len(pg.Items) != 1 || pg.Items[0]["id"] != id || pg.Items[0]["email"] != "hr@cell.example.kr" {
			t.Fatalf("pending companies %v", pg.Items)
		}
		e.Post("/v1/companies/"+id+"/reject", admin, map[string]any{"reason": ""}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		rej := e.Post("/v1/companies/"+id+"/reject", admin, map[string]any{"reason": "사업자 정보 확인 불가"}).Want(t, http.StatusOK).Map(t)
		if rej["status"] != "rejected" || rej["rejection_reason"] != "사업자 정보 확인 불가" {
			t.Fatalf("rejected %v", rej)
		}
		e.Post("/v1/companies/"+id+"/reject", admin, map[string]any{"reason": "again"}).WantProblem(t, http.StatusConflict, "company_already_rejected")

		// The company reads the reason on its own profile.
		var pair auth.TokenPair
		e.Post("/v1/auth/login", "", map[string]any{"email": "hr@cell.example.kr", "password": "battery-2026!"}).Want(t, http.StatusOK).JSON(t, &pair)
		me := e.Get("/v1/me", pair.AccessToken).Want(t, http.StatusOK).Map(t)
		if c := me["company"].(map[string]any); c["rejection_reason"] != "사업자 정보 확인 불가" {
			t.Fatalf("company sees %v", c)
		}

		app := e.Post("/v1/companies/"+id+"/approve", admin, nil).Want(t, http.StatusOK).Map(t)
		if app["status"] != "approved" || app["rejection_reason"] != nil {
			t.Fatalf("approved %v", app)
		}
		e.Post("/v1/companies/"+id+"/approve", admin, nil).WantProblem(t, http.StatusConflict, "company_already_approved")
		e.Post("/v1/companies/01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b/approve", admin, nil).WantProblem(t, http.StatusNotFound, "not_found")

		var actions []string
		for _, ev := range auditEvents(t, e, id) {
			actions = append(actions, ev.Action)
		}
		if diff := cmp.Diff([]string{"company.rejected", "company.approved"}, actions); diff != "" {
			t.Fatalf("audit (-want +got):\n%s", diff)
		}
	})
}

func TestTraineeProfile(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		me := e.Get("/v1/me", u.Token).Want(t, http.StatusOK).Map(t)
		if me["pool_opt_in"] != false || me["levels"] == nil {
			t.Fatalf("new trainee %v", me)
		}
		got := e.Patch("/v1/me", u.Token, map[string]any{
			"skills": []string{"BMS", " cell-balancing ", "bms"}, "career_stage": "job_seeker",
			"region": "충청북도 청주시", "phone": "010-1234-5678", "pool_opt_in": true,
		}).Want(t, http.StatusOK).Map(t)
		want := map[string]any{
			"skills": []any{"bms", "cell-balancing"}, "career_stage": "job_seeker",
			"region": "충청북도 청주시", "phone": "010-1234-5678", "pool_opt_in": true,
		}
		for k, v := range want {
			if diff := cmp.Diff(v, got[k]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", k, diff)
			}
		}
		e.Patch("/v1/me", u.Token, map[string]any{"career_stage": "retired"}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Patch("/v1/me", u.Token, map[string]any{"pool_opt_in": "yes"}).WantProblem(t, http.StatusBadRequest, "wrong_type")

		// Consent changes are audited with before and after.
		e.Patch("/v1/me", u.Token, map[string]any{"pool_opt_in": false}).Want(t, http.StatusOK)
		evs := auditEvents(t, e, u.ID)
		if len(evs) != 2 || evs[0].Action != "consent.changed" || *evs[1].Before != `{"pool_opt_in":true}` || *evs[1].After != `{"pool_opt_in":false}` {
			t.Fatalf("consent audit %+v", evs)
		}

		// Other roles have no trainee fields.
		ins := e.NewUser(auth.Instructor)
		p := e.Patch("/v1/me", ins.Token, map[string]any{"skills": []string{"x"}, "pool_opt_in": true}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if diff := cmp.Diff([]string{"pool_opt_in", "skills"}, p.Fields()); diff != "" {
			t.Fatalf("fields (-want +got):\n%s", diff)
		}
		insMe := e.Patch("/v1/me", ins.Token, map[string]any{"name": "이서연"}).Want(t, http.StatusOK).Map(t)
		if _, has := insMe["levels"]; has || insMe["name"] != "이서연" {
			t.Fatalf("instructor profile %v", insMe)
		}
	})
}

func TestBootstrapAdminIsIdempotent(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		made, err := e.App.Accounts.EnsureAdmin(ctx, "Root@City.go.kr", "bootstrap-password")
		if err != nil || !made {
			t.Fatalf("first EnsureAdmin: %v %v", made, err)
		}
		made, err = e.App.Accounts.EnsureAdmin(ctx, "root@city.go.kr", "another-password")
		if err != nil || made {
			t.Fatalf("second EnsureAdmin: %v %v", made, err)
		}
		var pair auth.TokenPair
		e.Post("/v1/auth/login", "", map[string]any{"email": "root@city.go.kr", "password": "bootstrap-password"}).Want(t, http.StatusOK).JSON(t, &pair)
		e.Get("/v1/users", pair.AccessToken).Want(t, http.StatusOK)
	})
}
