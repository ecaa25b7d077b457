package httpapi_test

import (
	"bytes"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// pdfText extracts a PDF's text with poppler's pdftotext, a reader that
// owes nothing to the library that wrote it (the repository's Makefile and
// CI install it).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext (install poppler-utils): %v: %s", err, errs.String())
	}
	return out.String()
}

func TestCertificatePDFShowsThePageFacts(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 1, testutil.CohortSpec{})
		name := "윤서아"
		e.UpdateTrainee(us[0].ID, account.ProfilePatch{Name: &name})
		e.Patch("/v1/courses/"+c.CourseID, e.AdminToken(), map[string]any{"ncs_units": []map[string]any{
			{"code": "1903060101_17v2", "name": "배터리 관리 시스템 설계", "level": 3},
		}}).Want(t, http.StatusOK)
		code := *record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 87.25))[0].CertificateCode
		var v map[string]any
		e.Get("/v1/certificates/"+code, "").Want(t, http.StatusOK).JSON(t, &v)

		res := e.Get("/v1/certificates/"+code+".pdf", "").Want(t, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
			t.Fatalf("content type %q, starts %q", ct, res.Body[:8])
		}
		text := pdfText(t, res.Body)
		// The same facts as the verify page.
		for _, fact := range []string{"윤서아", "수료증", "Certificate of Completion", v["course_title"].(string), v["course_code"].(string),
			code, v["issued_on"].(string), "1903060101_17v2", "배터리 관리 시스템 설계", "/verify/" + code} {
			if !strings.Contains(text, fact) {
				t.Errorf("the PDF lacks %q; its text:\n%s", fact, text)
			}
		}
		if strings.Contains(text, "87.25") || strings.Contains(text, us[0].Email) {
			t.Error("the PDF shows the score or the e-mail")
		}
		if strings.Contains(text, "취소") {
			t.Error("a valid certificate prints as revoked")
		}
		e.Post("/v1/certificates/"+code+"/revoke", e.AdminToken(), map[string]any{"reason": "forged"}).Want(t, http.StatusOK)
		if text := pdfText(t, e.Get("/v1/certificates/"+strings.ToLower(code)+".pdf", "").Want(t, http.StatusOK).Body); !strings.Contains(text, "취소") || !strings.Contains(text, "Revoked on") {
			t.Errorf("the revoked certificate's PDF:\n%s", text)
		}
		e.Get("/v1/certificates/SG-0000-0000-0000-0000.pdf", "").WantProblem(t, http.StatusNotFound, "not_found")
	})
}
