package httpapi_test

import (
	"net/http"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/testutil"
)

type ncsView struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level int    `json:"level"`
}

func TestCoursesCarryNCSUnits(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		units := []map[string]any{
			{"code": "1903060101_17v2", "name": "배터리 관리 시스템 설계", "level": 3},
			{"code": " 1903060102_17v1 ", "name": " 셀 밸런싱 ", "level": 4},
		}
		var course struct {
			ID       string    `json:"id"`
			NCSUnits []ncsView `json:"ncs_units"`
		}
		e.Post("/v1/courses", admin, map[string]any{
			"code": "NCS-101", "title": "NCS 과정", "track": "bms", "level": 1, "hours": 40, "status": "published", "ncs_units": units,
		}).Want(t, http.StatusCreated).JSON(t, &course)
		want := []ncsView{{"1903060101_17v2", "배터리 관리 시스템 설계", 3}, {"1903060102_17v1", "셀 밸런싱", 4}}
		if diff := cmp.Diff(want, course.NCSUnits); diff != "" {
			t.Fatalf("created units (-want +got):\n%s", diff)
		}
		// The catalogue shows them to anyone.
		e.Get("/v1/courses/"+course.ID, "").Want(t, http.StatusOK).JSON(t, &course)
		if diff := cmp.Diff(want, course.NCSUnits); diff != "" {
			t.Fatalf("read units (-want +got):\n%s", diff)
		}
		var list struct {
			Items []struct {
				Code     string    `json:"code"`
				NCSUnits []ncsView `json:"ncs_units"`
			} `json:"items"`
		}
		e.Get("/v1/courses?q=NCS-101", "").Want(t, http.StatusOK).JSON(t, &list)
		if len(list.Items) != 1 || len(list.Items[0].NCSUnits) != 2 {
			t.Fatalf("listed %+v", list.Items)
		}
		// A course without units shows an empty list.
		var plain struct {
			NCSUnits []ncsView `json:"ncs_units"`
		}
		res := e.Post("/v1/courses", admin, map[string]any{"code": "NCS-102", "title": "t", "track": "bms", "level": 1, "hours": 10}).Want(t, http.StatusCreated)
		res.JSON(t, &plain)
		if plain.NCSUnits == nil || len(plain.NCSUnits) != 0 {
			t.Fatalf("no units answered as %s", res.Body)
		}

		// Every bad unit is named at once, and nothing changes.
		p := e.Patch("/v1/courses/"+course.ID, admin, map[string]any{"ncs_units": []map[string]any{
			{"code": "19030601", "name": "x", "level": 3},
			{"code": "1903060101_17v2", "name": "a", "level": 0},
			{"code": "1903060101_17v2", "name": "b", "level": 9},
		}}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		got := p.Fields()
		sort.Strings(got)
		wantFields := []string{"ncs_units[0].code", "ncs_units[1].level", "ncs_units[2].code", "ncs_units[2].level"}
		if diff := cmp.Diff(wantFields, got); diff != "" {
			t.Fatalf("fields (-want +got):\n%s", diff)
		}
		e.Patch("/v1/courses/"+course.ID, admin, map[string]any{"ncs_units": []map[string]any{{"code": "1903060101_17v2", "level": 3}}}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Patch("/v1/courses/"+course.ID, admin, map[string]any{"ncs_units": []map[string]any{{"code": "1903060101_17v2", "name": "n", "level": "3"}}}).
			WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Get("/v1/courses/"+course.ID, "").Want(t, http.StatusOK).JSON(t, &course)
		if len(course.NCSUnits) != 2 {
			t.Fatalf("a refused patch changed the units: %+v", course.NCSUnits)
		}
		// A patch replaces the list; one without ncs_units keeps it.
		e.Patch("/v1/courses/"+course.ID, admin, map[string]any{"ncs_units": []map[string]any{units[0]}}).Want(t, http.StatusOK)
		e.Patch("/v1/courses/"+course.ID, admin, map[string]any{"title": "NCS 과정 2"}).Want(t, http.StatusOK).JSON(t, &course)
		if diff := cmp.Diff(want[:1], course.NCSUnits); diff != "" {
			t.Fatalf("patched units (-want +got):\n%s", diff)
		}
	})
}

func TestCredentialAlignsToTheCoursesNCSUnits(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, _, vs := startedCohort(t, e, 1, testutil.CohortSpec{})
		e.Patch("/v1/courses/"+c.CourseID, e.AdminToken(), map[string]any{"ncs_units": []map[string]any{
			{"code": "1903060101_17v2", "name": "배터리 관리 시스템 설계", "level": 3},
		}}).Want(t, http.StatusOK)
		code := *record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 90))[0].CertificateCode
		_, claims, err := verifyIndependently(t, e, fetchCredential(t, e, code, ""), "RS256", publicKeys(t, e))
		if err != nil {
			t.Fatal(err)
		}
		ach := claims["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
		al, _ := ach["alignment"].([]any)
		if len(al) != 1 {
			t.Fatalf("alignment %v", ach["alignment"])
		}
		a := al[0].(map[string]any)
		if a["targetCode"] != "1903060101_17v2" || a["targetName"] != "배터리 관리 시스템 설계" || a["targetUrl"] == "" ||
			a["targetFramework"] == "" || a["type"].([]any)[0] != "Alignment" {
			t.Errorf("alignment %v", a)
		}
	})
}
