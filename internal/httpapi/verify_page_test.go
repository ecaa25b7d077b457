package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/skillgrid/skillgrid/internal/testutil"
)

func TestVerifyPageInKoreanAndEnglish(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 1, testutil.CohortSpec{})
		e.Patch("/v1/courses/"+c.CourseID, e.AdminToken(), map[string]any{"ncs_units": []map[string]any{
			{"code": "1903060101_17v2", "name": "배터리 관리 시스템 설계", "level": 3},
		}}).Want(t, http.StatusOK)
		code := *record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 87.25))[0].CertificateCode
		var v map[string]any
		e.Get("/v1/certificates/"+code, "").Want(t, http.StatusOK).JSON(t, &v)
		get := func(lang string) string {
			t.Helper()
			h := map[string]string{}
			if lang != "" {
				h["Accept-Language"] = lang
			}
			res := e.Do(testutil.Req{Method: http.MethodGet, Path: "/verify/" + code, Header: h}).Want(t, http.StatusOK)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("content type %q", ct)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			body := string(res.Body)
			for _, external := range []string{"<script", "<link", "src=", "@import", "url("} {
				if strings.Contains(body, external) {
					t.Errorf("the page loads something: %q", external)
				}
			}
			for _, secret := range []string{us[0].Email, "87.25"} {
				if strings.Contains(body, secret) {
					t.Errorf("the page shows %q", secret)
				}
			}
			// The same facts as the public verifier.
			for _, fact := range []string{v["trainee_name"].(string), v["course_title"].(string), v["course_code"].(string), v["issued_on"].(string), code, "1903060101_17v2", "/v1/certificates/" + code + "/credential", "/.well-known/jwks.json"} {
				if !strings.Contains(body, fact) {
					t.Errorf("the page lacks %q", fact)
				}
			}
			return body
		}
		both := get("")
		if !strings.Contains(both, "수료증 진위 확인") || !strings.Contains(both, "Certificate verification") || !strings.Contains(both, "유효") || !strings.Contains(both, "Valid") {
			t.Errorf("without Accept-Language the page is not in both languages:\n%s", both)
		}
		ko := get("ko-KR,ko;q=0.9")
		if !strings.Contains(ko, "수료증 진위 확인") || strings.Contains(ko, "Certificate verification") {
			t.Errorf("the Korean page:\n%s", ko)
		}
		en := get("en")
		if strings.Contains(en, "수료증 진위 확인") || !strings.Contains(en, "Certificate verification") {
			t.Errorf("the English page:\n%s", en)
		}
		e.Post("/v1/certificates/"+code+"/revoke", e.AdminToken(), map[string]any{"reason": "forged"}).Want(t, http.StatusOK)
		if revoked := get(""); !strings.Contains(revoked, "취소") || !strings.Contains(revoked, "Revoked on") || strings.Contains(revoked, "Valid:") {
			t.Errorf("the revoked certificate's page:\n%s", revoked)
		}
		res := e.Get("/verify/SG-0000-0000-0000-0000", "").Want(t, http.StatusNotFound)
		if !strings.Contains(string(res.Body), "이 번호의 수료증이 없습니다") {
			t.Errorf("not found page: %s", res.Body)
		}
	})
}
