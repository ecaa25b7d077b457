package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/privacy"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type consentView struct {
	Purpose string `json:"purpose"`
	Granted bool   `json:"granted"`
	Source  string `json:"source"`
}

type consentPage struct {
	Items      []consentView `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

func TestConsentHistory(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		e.Clock.Advance(time.Minute)
		e.Patch("/v1/me", u.Token, map[string]any{"pool_opt_in": true}).Want(t, http.StatusOK)
		e.Clock.Advance(time.Minute)
		e.Patch("/v1/me", u.Token, map[string]any{"pool_opt_in": true, "region": "청주"}).Want(t, http.StatusOK) // no change of consent
		e.Clock.Advance(time.Minute)
		e.Patch("/v1/me", u.Token, map[string]any{"pool_opt_in": false}).Want(t, http.StatusOK)
		// E-mail: one type off leaves e-mail granted; every type the user
		// may turn off, off, withdraws it; one back on grants it again.
		e.Clock.Advance(time.Minute)
		e.Patch("/v1/me", u.Token, map[string]any{"email_notifications": map[string]bool{"enrolment.created": false}}).Want(t, http.StatusOK)
		allOff := map[string]bool{}
		for _, typ := range events.Types {
			if typ != events.PasswordResetRequested {
				allOff[string(typ)] = false
			}
		}
		e.Clock.Advance(time.Minute)
		e.Patch("/v1/me", u.Token, map[string]any{"email_notifications": allOff}).Want(t, http.StatusOK)
		e.Clock.Advance(time.Minute)
		e.Patch("/v1/me", u.Token, map[string]any{"email_notifications": map[string]bool{"enrolment.promoted": true}}).Want(t, http.StatusOK)
		want := []consentView{
			{Purpose: "terms", Granted: true, Source: "registration"},
			{Purpose: "pool", Granted: true, Source: "profile"},
			{Purpose: "pool", Granted: false, Source: "profile"},
			{Purpose: "email", Granted: false, Source: "profile"},
			{Purpose: "email", Granted: true, Source: "profile"},
		}
		var all consentPage
		e.Get("/v1/me/consents", u.Token).Want(t, http.StatusOK).JSON(t, &all)
		if diff := cmp.Diff(want, all.Items); diff != "" || all.NextCursor != nil {
			t.Fatalf("history (-want +got):\n%s", diff)
		}
		// Paged, the same history once.
		var first, second consentPage
		e.Get("/v1/me/consents?limit=2", u.Token).Want(t, http.StatusOK).JSON(t, &first)
		if first.NextCursor == nil {
			t.Fatal("no next page")
		}
		e.Get("/v1/me/consents?limit=3&cursor="+*first.NextCursor, u.Token).Want(t, http.StatusOK).JSON(t, &second)
		if diff := cmp.Diff(want, append(first.Items, second.Items...)); diff != "" {
			t.Fatalf("pages (-want +got):\n%s", diff)
		}
		// An account an operator makes accepted the terms through them.
		ins := e.NewUser(auth.Instructor)
		e.Get("/v1/me/consents", ins.Token).Want(t, http.StatusOK).JSON(t, &all)
		if diff := cmp.Diff([]consentView{{Purpose: "terms", Granted: true, Source: "admin"}}, all.Items); diff != "" {
			t.Fatalf("instructor (-want +got):\n%s", diff)
		}
		e.Get("/v1/me/consents?cursor=bad", u.Token).WantProblem(t, http.StatusBadRequest, "invalid_cursor")
	})
}

type viewView struct {
	CompanyID   string `json:"company_id"`
	CompanyName string `json:"company_name"`
	Kind        string `json:"kind"`
}

// pooledGraduate makes a trainee with a completion who opted in to the pool.
func pooledGraduate(t *testing.T, e *testutil.Env, cohortID string) testutil.User {
	t.Helper()
	u := e.NewUser(auth.Trainee)
	e.InsertCompletion(cohortID, u.ID, e.Clock.Now().Add(-time.Hour))
	in := true
	e.UpdateTrainee(u.ID, account.ProfilePatch{PoolOptIn: &in})
	return u
}

func TestProfileViews(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{})
		g, g2 := pooledGraduate(t, e, c.ID), pooledGraduate(t, e, c.ID)
		co, rival := e.NewCompany(account.CompanyApproved), e.NewCompany(account.CompanyApproved)
		coID := companyID(t, e, co)
		views := func(u testutil.User) []viewView {
			t.Helper()
			var p struct {
				Items []viewView `json:"items"`
			}
			e.Get("/v1/me/profile-views", u.Token).Want(t, http.StatusOK).JSON(t, &p)
			return p.Items
		}
		// An operator's reads are not recorded.
		e.Get("/v1/graduates", e.AdminToken()).Want(t, http.StatusOK)
		e.Get("/v1/graduates/"+g.ID, e.AdminToken()).Want(t, http.StatusOK)
		if v := views(g); len(v) != 0 {
			t.Fatalf("views after the admin's reads: %v", v)
		}
		// A search page records each graduate on it once; a read and an
		// export once each.
		e.Clock.Advance(time.Second)
		e.Get("/v1/graduates?limit=100", co.Token).Want(t, http.StatusOK)
		e.Clock.Advance(time.Second)
		e.Get("/v1/graduates/"+g.ID, co.Token).Want(t, http.StatusOK)
		e.Clock.Advance(time.Second)
		e.App.Pool.ExportChunk = 1 // several chunks, still once per graduate
		e.Get("/v1/graduates.csv", co.Token).Want(t, http.StatusOK)
		name := "테스트 기업"
		want := []viewView{
			{CompanyID: coID, CompanyName: name, Kind: "export"},
			{CompanyID: coID, CompanyName: name, Kind: "read"},
			{CompanyID: coID, CompanyName: name, Kind: "search"},
		}
		got := views(g)
		for i := range got {
			got[i].CompanyName = name // the helper's company names differ
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("g's views (-want +got):\n%s", diff)
		}
		if v := views(g2); len(v) != 2 || v[0].Kind != "export" || v[1].Kind != "search" {
			t.Fatalf("g2's views %v", v)
		}
		// Another company's read is listed with its name.
		e.Clock.Advance(time.Second)
		e.Get("/v1/graduates/"+g2.ID, rival.Token).Want(t, http.StatusOK)
		if v := views(g2); len(v) != 3 || v[0].CompanyID != companyID(t, e, rival) || v[0].CompanyName == "" {
			t.Fatalf("g2's views %v", v)
		}
		e.Get("/v1/me/profile-views", co.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
	})
}

func companyID(t *testing.T, e *testutil.Env, u testutil.User) string {
	t.Helper()
	c, err := e.App.Accounts.CompanyOf(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// textHits counts, in every column of every table of the database (read
// from its schema), the values that contain needle.
func textHits(t *testing.T, d *bun.DB, needle string) []string {
	t.Helper()
	ctx := context.Background()
	type col struct {
		Table  string `bun:"table_name"`
		Column string `bun:"column_name"`
	}
	var cols []col
	var err error
	find := "instr(CAST(%s AS TEXT), ?) > 0"
	if db.IsPostgres(d) {
		find = "strpos(CAST(%s AS TEXT), ?) > 0"
		err = d.NewRaw(`SELECT table_name, column_name FROM information_schema.columns
WHERE table_schema = current_schema() ORDER BY table_name, column_name`).Scan(ctx, &cols)
	} else {
		err = d.NewRaw(`SELECT m.name AS table_name, p.name AS column_name
FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2`).Scan(ctx, &cols)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) < 50 {
		t.Fatalf("only %d columns read from the schema", len(cols))
	}
	var hits []string
	for _, c := range cols {
		var n int
		q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE "+find, bun.Ident(c.Table), bun.Ident(c.Column))
		if err := d.NewRaw(q, needle).Scan(ctx, &n); err != nil {
			t.Fatalf("%s.%s: %v", c.Table, c.Column, err)
		}
		if n > 0 {
			hits = append(hits, fmt.Sprintf("%s.%s (%d)", c.Table, c.Column, n))
		}
	}
	return hits
}

func TestErasureLeavesNoPersonalDataAnywhere(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		suffix := testutil.Name("x")
		name, email, phone := "윤서아 Yoon "+suffix, "seoa."+suffix+"@example.kr", "010-5550-"+suffix
		password := "battery-2026!"
		e.Post("/v1/auth/register", "", map[string]any{"email": email, "password": password, "name": name, "role": "trainee"}).
			Want(t, http.StatusCreated)
		var pair struct {
			AccessToken string `json:"access_token"`
		}
		e.Post("/v1/auth/login", "", map[string]any{"email": email, "password": password}).Want(t, http.StatusOK).JSON(t, &pair)
		var me struct {
			ID string `json:"id"`
		}
		tok := pair.AccessToken
		e.Patch("/v1/me", tok, map[string]any{"phone": phone, "skills": []string{"bms"}, "career_stage": "job_seeker",
			"region": "충청북도 청주시", "pool_opt_in": true}).Want(t, http.StatusOK).JSON(t, &me)
		u := testutil.User{ID: me.ID, Email: email, Token: tok, Role: auth.Trainee}

		// A training record, a pool entry that companies read and contact,
		// a hire, employment, a survey, a placement, a reset request and a
		// failed login: every place a trace could stay.
		admin := e.NewUser(auth.Admin)
		c := pastCohort(e, "bms", "2026-01-05", "2026-01-30")
		enrolmentID := e.InsertEnrolment(c.ID, u.ID, "enrolled")
		e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []map[string]any{
			{"enrolment_id": enrolmentID, "attended_hours": 40, "score": 90}}}).Want(t, http.StatusOK)
		var certs struct {
			Items []struct {
				Code string `json:"code"`
			} `json:"items"`
		}
		e.Get("/v1/me/certificates", tok).Want(t, http.StatusOK).JSON(t, &certs)
		if len(certs.Items) != 1 {
			t.Fatalf("certificates %+v", certs)
		}
		done := testutil.Completion{EnrolmentID: enrolmentID, CertificateCode: certs.Items[0].Code}
		co := e.NewCompany(account.CompanyApproved)
		e.Get("/v1/graduates", co.Token).Want(t, http.StatusOK)
		e.Get("/v1/graduates.csv", co.Token).Want(t, http.StatusOK)
		hireThrough(t, e, co, u, catalogueToday(e))
		e.Post("/v1/graduates/"+u.ID+"/contact-requests", co.Token, map[string]any{"message": name + "님, " + phone + "로 연락 부탁드립니다"}).
			Want(t, http.StatusCreated)
		reportJob(t, e, u, "2026-03-02", true)
		e.Post("/v1/enrolments/"+done.EnrolmentID+"/survey", tok, map[string]any{"rating": 5, "comment": "저는 " + name + "입니다"}).Want(t, http.StatusCreated)
		e.Post("/v1/trainees/"+u.ID+"/placements", admin.Token, map[string]any{"track": "recycling", "level": 1, "reason": "경력 인정"}).Want(t, http.StatusCreated)
		if _, err := e.App.Auth.RequestReset(context.Background(), email, "192.0.2.7"); err != nil {
			t.Fatal(err)
		}
		e.Post("/v1/auth/login", "", map[string]any{"email": email, "password": "not-the-password"}).Want(t, http.StatusUnauthorized)
		// A register note naming the trainee (the instructor's free text).
		sessionID, at := ids.New(), time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
		if _, err := db.Exec(context.Background(), e.DB, `INSERT INTO cohort_sessions (id, cohort_id, starts_at, ends_at, hours, check_in_secret, created_at, updated_at)
VALUES (?0, ?1, ?2, ?3, 3, 'secret', ?2, ?2)`, sessionID, c.ID, at, at.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(context.Background(), e.DB, `INSERT INTO attendance_records (session_id, enrolment_id, status, note, source, recorded_by, updated_at)
VALUES (?0, ?1, 'late', ?2, 'register', ?3, ?4)`, sessionID, enrolmentID, name+" 버스 지연", c.Instructor.ID, at); err != nil {
			t.Fatal(err)
		}
		needles := []string{name, strings.ToLower(name), email, phone}
		for _, n := range needles[:3] {
			if len(textHits(t, e.DB, n)) == 0 {
				t.Fatalf("%q is nowhere before the erasure: the scan sees nothing", n)
			}
		}

		e.Do(testutil.Req{Method: http.MethodDelete, Path: "/v1/me", Token: tok, Body: map[string]any{"password": "wrong-password"}}).
			WantProblem(t, http.StatusUnprocessableEntity, "password_wrong")
		e.Do(testutil.Req{Method: http.MethodDelete, Path: "/v1/me", Token: tok, Body: map[string]any{}}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Do(testutil.Req{Method: http.MethodDelete, Path: "/v1/me", Token: tok, Body: map[string]any{"password": password}}).
			Want(t, http.StatusNoContent)

		for _, n := range needles {
			if hits := textHits(t, e.DB, n); len(hits) > 0 {
				t.Errorf("%q is still in %v", n, hits)
			}
		}
		// Signed out everywhere and for good; gone from the pool at once.
		e.Get("/v1/me", tok).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		e.Post("/v1/auth/login", "", map[string]any{"email": email, "password": password}).Want(t, http.StatusUnauthorized)
		e.Get("/v1/graduates/"+u.ID, co.Token).WantProblem(t, http.StatusNotFound, "not_found")
		var pool struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		e.Get("/v1/graduates?limit=100", co.Token).Want(t, http.StatusOK).JSON(t, &pool)
		for _, g := range pool.Items {
			if g.ID == u.ID {
				t.Fatal("the erased graduate is still in the pool")
			}
		}
		// The record stays, pseudonymous: the certificate verifies without
		// a name, the completion still counts.
		var cert map[string]any
		e.Get("/v1/certificates/"+done.CertificateCode, "").Want(t, http.StatusOK).JSON(t, &cert)
		if cert["holder_erased"] != true || cert["trainee_name"] != "" || cert["status"] != "valid" {
			t.Fatalf("certificate %v", cert)
		}
		var outcomes outcomesReport
		e.Get("/v1/reports/outcomes?from=2026-01-30&to=2026-01-30", admin.Token).Want(t, http.StatusOK).JSON(t, &outcomes)
		if len(outcomes.Rows) != 1 || outcomes.Rows[0].Suppressed[0] != "completers" {
			t.Fatalf("the completion no longer counts: %+v", outcomes.Rows)
		}
		// The e-mail is free again.
		e.Post("/v1/auth/register", "", map[string]any{"email": email, "password": password, "name": "새 사람", "role": "trainee"}).
			Want(t, http.StatusCreated)
		// Audited, without the erased data; the consents are withdrawn.
		var trail struct {
			Items []auditView `json:"items"`
		}
		e.Get("/v1/audit-events?action=user.erased&entity_id="+u.ID, admin.Token).Want(t, http.StatusOK).JSON(t, &trail)
		if len(trail.Items) != 1 || *trail.Items[0].ActorID != u.ID {
			t.Fatalf("erasure audit %+v", trail.Items)
		}
		var withdrawn []privacy.Purpose
		if err := e.DB.NewSelect().Table("consents").Column("purpose").Where("user_id = ? AND source = 'erasure' AND NOT granted", u.ID).
			Order("purpose").Scan(context.Background(), &withdrawn); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]privacy.Purpose{privacy.PurposePool, privacy.PurposeTerms}, withdrawn); diff != "" {
			t.Fatalf("withdrawn consents (-want +got):\n%s", diff)
		}
	})
}

func catalogueToday(e *testutil.Env) string { return e.Clock.Now().UTC().Format(time.DateOnly) }

func TestAdminErasure(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.NewUser(auth.Admin)
		u := e.NewUser(auth.Instructor)
		del := func(id, token string) *testutil.Response {
			return e.Do(testutil.Req{Method: http.MethodDelete, Path: "/v1/users/" + id, Token: token})
		}
		del(u.ID, u.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		del(admin.ID, admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "self_erasure")
		del(u.ID, admin.Token).Want(t, http.StatusNoContent)
		del(u.ID, admin.Token).WantProblem(t, http.StatusNotFound, "not_found")
		e.Patch("/v1/users/"+u.ID, admin.Token, map[string]any{"active": true}).WantProblem(t, http.StatusNotFound, "not_found")
		del("nope", admin.Token).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/me", u.Token).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		if hits := textHits(t, e.DB, u.Email); len(hits) > 0 {
			t.Fatalf("the e-mail is still in %v", hits)
		}
		var trail struct {
			Items []auditView `json:"items"`
		}
		e.Get("/v1/audit-events?action=user.erased&entity_id="+u.ID, admin.Token).Want(t, http.StatusOK).JSON(t, &trail)
		if len(trail.Items) != 1 || *trail.Items[0].ActorID != admin.ID || trail.Items[0].After["by"] != "admin" {
			t.Fatalf("erasure audit %+v", trail.Items)
		}
	})
}

// userColumn names the columns that say whose a row is, besides foreign
// keys to users.
var userColumn = regexp.MustCompile(`^(.*_)?(user|trainee|graduate|actor|instructor|recipient|holder|owner)_id$|^(sent|recorded|placed|revoked|created|decided)_by$`)

// TestExportCoversEveryTableWithPersonalData derives from the schema the
// tables that refer to a user (a foreign key to users, or a column named
// like one) and fails for any that privacy.Exported does not read and
// privacy.NotExported does not excuse.
func TestExportCoversEveryTableWithPersonalData(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			d := testutil.NewDB(t, dialect)
			ctx := context.Background()
			type ref struct {
				Table  string  `bun:"table_name"`
				Column string  `bun:"column_name"`
				Target *string `bun:"target"`
			}
			var refs []ref
			var err error
			if dialect == testutil.Postgres {
				err = d.NewRaw(`SELECT c.table_name, c.column_name, (
    SELECT ccu.table_name FROM information_schema.key_column_usage AS k
    JOIN information_schema.referential_constraints AS rc ON rc.constraint_name = k.constraint_name AND rc.constraint_schema = k.constraint_schema
    JOIN information_schema.constraint_column_usage AS ccu ON ccu.constraint_name = rc.unique_constraint_name AND ccu.constraint_schema = rc.unique_constraint_schema
    WHERE k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.column_name = c.column_name LIMIT 1) AS target
FROM information_schema.columns AS c WHERE c.table_schema = current_schema()`).Scan(ctx, &refs)
			} else {
				err = d.NewRaw(`SELECT m.name AS table_name, p.name AS column_name,
    (SELECT f."table" FROM pragma_foreign_key_list(m.name) AS f WHERE f."from" = p.name) AS target
FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`).Scan(ctx, &refs)
			}
			if err != nil {
				t.Fatal(err)
			}
			covered := map[string]bool{}
			for _, s := range privacy.Exported {
				covered[s.Table] = true
			}
			tables := map[string]bool{}
			personal := map[string]bool{}
			for _, r := range refs {
				tables[r.Table] = true
				if (r.Target != nil && *r.Target == "users") || userColumn.MatchString(r.Column) {
					personal[r.Table] = true
				}
			}
			if !personal["users"] {
				personal["users"] = true
			}
			var missing []string
			for tbl := range personal {
				if _, excused := privacy.NotExported[tbl]; !covered[tbl] && !excused {
					missing = append(missing, tbl)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("tables that hold data about a user but are not in privacy.Exported (nor excused in NotExported): %v", missing)
			}
			for tbl := range covered {
				if !tables[tbl] {
					t.Errorf("privacy.Exported reads %s, which the schema does not have", tbl)
				}
			}
			if len(personal) < 10 {
				t.Fatalf("only %d tables found to hold personal data: %v", len(personal), personal)
			}
		})
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := pastCohort(e, "bms", "2026-01-05", "2026-01-30")
		u := pooledGraduate(t, e, c.ID)
		en := e.InsertEnrolment(c.ID, u.ID, "failed")
		_ = en
		reportJob(t, e, u, "2026-03-02", true)
		co := e.NewCompany(account.CompanyApproved)
		e.Get("/v1/graduates/"+u.ID, co.Token).Want(t, http.StatusOK)
		var out struct {
			UserID string                      `json:"user_id"`
			Levels map[string]int              `json:"levels"`
			Data   map[string][]map[string]any `json:"data"`
		}
		e.Get("/v1/me/export", u.Token).Want(t, http.StatusOK).JSON(t, &out)
		if out.UserID != u.ID || out.Levels["bms"] != 1 {
			t.Fatalf("export head %v %v", out.UserID, out.Levels)
		}
		for _, s := range privacy.Exported {
			if _, ok := out.Data[s.Name]; !ok {
				t.Errorf("no section %s", s.Name)
			}
		}
		p := out.Data["profile"]
		if len(p) != 1 || p[0]["email"] != u.Email || p[0]["pool_opt_in"] != true || p[0]["password_hash"] != nil {
			t.Fatalf("profile %v", p)
		}
		if _, err := time.Parse(time.RFC3339Nano, fmt.Sprint(p[0]["created_at"])); err != nil {
			t.Fatalf("created_at %v: %v", p[0]["created_at"], err)
		}
		for name, n := range map[string]int{"enrolments": 2, "certificates": 1, "employment": 1, "consents": 2, "profile_views": 1} {
			if len(out.Data[name]) != n {
				t.Errorf("%s: %d rows, want %d: %v", name, len(out.Data[name]), n, out.Data[name])
			}
		}
		if out.Data["employment"][0]["insured"] != true {
			t.Errorf("employment %v", out.Data["employment"])
		}
		if len(out.Data["audit_events"]) == 0 {
			t.Error("no audit events")
		}
		// Someone else's data is not in it.
		other := e.NewUser(auth.Trainee)
		e.Get("/v1/me/export", other.Token).Want(t, http.StatusOK).JSON(t, &out)
		if len(out.Data["enrolments"]) != 0 || len(out.Data["profile"]) != 1 || out.Data["profile"][0]["id"] != other.ID {
			t.Fatalf("other's export %v", out.Data)
		}
	})
}
