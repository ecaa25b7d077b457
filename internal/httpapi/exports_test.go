package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// downloadCSV gets a .csv download and returns its records, header first,
// after checking its media type, file name and byte-order mark.
func downloadCSV(t *testing.T, e *testutil.Env, path, token, filename string) [][]string {
	t.Helper()
	res := e.Get(path, token).Want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("%s: content type %q", path, ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="`+filename+`"` {
		t.Fatalf("%s: content disposition %q", path, cd)
	}
	body, ok := bytes.CutPrefix(res.Body, []byte("\ufeff"))
	if !ok {
		t.Fatalf("%s: no byte-order mark: %.40q", path, res.Body)
	}
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("%s: read CSV: %v", path, err)
	}
	return records
}

// workbook is a downloaded .xlsx, opened with excelize.
type workbook struct {
	t     *testing.T
	f     *excelize.File
	sheet string
	rows  [][]string // formatted values, header first
}

func downloadXLSX(t *testing.T, e *testutil.Env, path, token, filename string) workbook {
	t.Helper()
	res := e.Get(path, token).Want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != xlsxType {
		t.Fatalf("%s: content type %q", path, ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="`+filename+`"` {
		t.Fatalf("%s: content disposition %q", path, cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatalf("%s: open workbook: %v", path, err)
	}
	t.Cleanup(func() { _ = f.Close() })
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("%s: sheets %v", path, sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatalf("%s: read rows: %v", path, err)
	}
	return workbook{t: t, f: f, sheet: sheets[0], rows: rows}
}

// cell names the cell of the header's column in the row (1 = header).
func (w workbook) cell(header string, row int) string {
	w.t.Helper()
	for i, h := range w.rows[0] {
		if h == header {
			name, _ := excelize.CoordinatesToCellName(i+1, row)
			return name
		}
	}
	w.t.Fatalf("no column %q in %v", header, w.rows[0])
	return ""
}

// wantText checks that the cell holds the text as a string cell.
func (w workbook) wantText(header string, row int, want string) {
	w.t.Helper()
	c := w.cell(header, row)
	typ, _ := w.f.GetCellType(w.sheet, c)
	got, _ := w.f.GetCellValue(w.sheet, c)
	if got != want || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
		w.t.Errorf("%s (%s): %q of type %v, want the text %q", header, c, got, typ, want)
	}
}

// wantNumber checks that the cell holds the number as a number cell.
func (w workbook) wantNumber(header string, row int, want float64) {
	w.t.Helper()
	c := w.cell(header, row)
	typ, _ := w.f.GetCellType(w.sheet, c)
	raw, _ := w.f.GetCellValue(w.sheet, c, excelize.Options{RawCellValue: true})
	got, err := strconv.ParseFloat(raw, 64)
	if err != nil || got != want || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
		w.t.Errorf("%s (%s): %q of type %v, want the number %v", header, c, raw, typ, want)
	}
}

// wantDate checks that the cell is a number with a date format, shown as
// want.
func (w workbook) wantDate(header string, row int, format, want string) {
	w.t.Helper()
	c := w.cell(header, row)
	raw, _ := w.f.GetCellValue(w.sheet, c, excelize.Options{RawCellValue: true})
	shown, _ := w.f.GetCellValue(w.sheet, c)
	id, err := w.f.GetCellStyle(w.sheet, c)
	if err != nil {
		w.t.Fatal(err)
	}
	style, err := w.f.GetStyle(id)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := strconv.ParseFloat(raw, 64); err != nil || style.CustomNumFmt == nil || *style.CustomNumFmt != format || shown != want {
		w.t.Errorf("%s (%s): raw %q shown %q, format %v; want a date cell shown as %q", header, c, raw, shown, style.CustomNumFmt, want)
	}
}

// wantEmpty checks that the cell is empty.
func (w workbook) wantEmpty(header string, row int) {
	w.t.Helper()
	c := w.cell(header, row)
	if got, _ := w.f.GetCellValue(w.sheet, c); got != "" {
		w.t.Errorf("%s (%s): %q, want empty", header, c, got)
	}
}

// kst is how downloads show an instant.
func kst(t time.Time) string { return t.UTC().Add(9 * time.Hour).Format("2006-01-02 15:04:05") }

// TestGraduatesDownloads: the pool as CSV and XLSX, one row per graduate
// and one value per cell: a level column per track of the catalogue,
// numbered skill columns and a group of columns per completed course,
// timestamps in Korea time to the second.
func TestGraduatesDownloads(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		co := e.NewCompany(account.CompanyApproved)
		now := e.Clock.Now().Truncate(time.Second)
		bms1 := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 1})
		bms2 := e.OpenCohort(testutil.CohortSpec{Track: "bms", Level: 2})
		mat := e.OpenCohort(testutil.CohortSpec{Track: "materials", Level: 1})
		g, c1 := graduate(t, e, bms1.ID, now.Add(-48*time.Hour))
		c2 := e.InsertCompletion(bms2.ID, g.ID, now.Add(-24*time.Hour))
		e.RevokeCertificate(c1.CertificateCode)
		e.Patch("/v1/me", g.Token, map[string]any{"name": "김하늘", "skills": []string{"cell-balancing", "BMS"}, "region": "충청북도 청주시"}).
			Want(t, http.StatusOK)
		// A second graduate with one course and no skills.
		h, c3 := graduate(t, e, mat.ID, now.Add(-72*time.Hour))

		var tracks struct {
			Items []struct {
				Code string `json:"code"`
			} `json:"items"`
		}
		e.Get("/v1/tracks", "").Want(t, http.StatusOK).JSON(t, &tracks)
		header := []string{"id", "name", "career_stage", "region", "last_completed_at (KST)", "courses_completed"}
		for _, tr := range tracks.Items {
			header = append(header, "level_"+tr.Code)
		}
		header = append(header, "skill_1", "skill_2")
		for _, i := range []string{"1", "2"} {
			header = append(header, "course_"+i+"_code", "course_"+i+"_title", "course_"+i+"_completed_at (KST)", "course_"+i+"_certificate_code")
		}

		records := downloadCSV(t, e, "/v1/graduates.csv", co.Token, "graduates.csv")
		if diff := cmp.Diff(header, records[0]); diff != "" {
			t.Fatalf("CSV header (-want +got):\n%s", diff)
		}
		if len(records) != 3 || records[1][0] != g.ID || records[2][0] != h.ID {
			t.Fatalf("CSV rows %q", records[1:])
		}
		get := func(rec []string, col string) string {
			return rec[indexOf(t, header, col)]
		}
		course := func(id string) (code, title string) {
			var c struct {
				Code  string `json:"code"`
				Title string `json:"title"`
			}
			e.Get("/v1/courses/"+id, "").Want(t, http.StatusOK).JSON(t, &c)
			return c.Code, c.Title
		}
		code2, title2 := course(bms2.CourseID)
		code1, _ := course(bms1.CourseID)
		for col, want := range map[string]string{
			"name": "김하늘", "career_stage": "", "region": "충청북도 청주시",
			"last_completed_at (KST)": kst(now.Add(-24 * time.Hour)), "courses_completed": "2",
			"level_bms": "2", "level_materials": "", "skill_1": "bms", "skill_2": "cell-balancing",
			"course_1_code": code2, "course_1_title": title2, "course_1_completed_at (KST)": kst(now.Add(-24 * time.Hour)),
			"course_1_certificate_code": c2.CertificateCode,
			"course_2_code":             code1, "course_2_completed_at (KST)": kst(now.Add(-48 * time.Hour)), "course_2_certificate_code": "",
		} {
			if got := get(records[1], col); got != want {
				t.Errorf("CSV %s: %q, want %q", col, got, want)
			}
		}
		for col, want := range map[string]string{
			"courses_completed": "1", "level_materials": "1", "level_bms": "", "skill_1": "",
			"course_1_certificate_code": c3.CertificateCode, "course_2_code": "", "course_2_completed_at (KST)": "",
		} {
			if got := get(records[2], col); got != want {
				t.Errorf("CSV second graduate %s: %q, want %q", col, got, want)
			}
		}
		// The filters apply.
		if rs := downloadCSV(t, e, "/v1/graduates.csv?track=materials", co.Token, "graduates.csv"); len(rs) != 2 || rs[1][0] != h.ID {
			t.Errorf("CSV ?track=materials: %q", rs[1:])
		}

		w := downloadXLSX(t, e, "/v1/graduates.xlsx", co.Token, "graduates.xlsx")
		if w.sheet != "graduates" || len(w.rows) != 3 {
			t.Fatalf("sheet %q with %d rows", w.sheet, len(w.rows))
		}
		if diff := cmp.Diff(header, w.rows[0]); diff != "" {
			t.Fatalf("XLSX header (-want +got):\n%s", diff)
		}
		w.wantText("id", 2, g.ID)
		w.wantText("name", 2, "김하늘")
		w.wantText("region", 2, "충청북도 청주시")
		w.wantNumber("courses_completed", 2, 2)
		w.wantNumber("level_bms", 2, 2)
		w.wantEmpty("level_materials", 2)
		w.wantText("skill_2", 2, "cell-balancing")
		w.wantDate("last_completed_at (KST)", 2, "yyyy-mm-dd hh:mm:ss", kst(now.Add(-24*time.Hour)))
		w.wantDate("course_2_completed_at (KST)", 2, "yyyy-mm-dd hh:mm:ss", kst(now.Add(-48*time.Hour)))
		w.wantEmpty("course_2_certificate_code", 2)
		w.wantNumber("level_materials", 3, 1)
		w.wantEmpty("course_2_completed_at (KST)", 3)
		// Only the header is bold.
		if id, _ := w.f.GetCellStyle(w.sheet, "A1"); id == 0 {
			t.Error("the header has no style")
		}

		// The downloads refuse what the JSON operation refuses.
		for _, ext := range []string{".csv", ".xlsx"} {
			e.Get("/v1/graduates"+ext+"?min_level=abc", co.Token).WantProblem(t, http.StatusBadRequest, "wrong_type")
			e.Get("/v1/graduates"+ext+"?min_level=9", co.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
			e.Get("/v1/graduates"+ext+"?completed_after=yesterday", co.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
			e.Get("/v1/graduates"+ext, g.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
			e.Get("/v1/graduates"+ext, "").WantProblem(t, http.StatusUnauthorized, "unauthorized")
		}
	})
}

func indexOf(t *testing.T, header []string, col string) int {
	t.Helper()
	for i, h := range header {
		if h == col {
			return i
		}
	}
	t.Fatalf("no column %q", col)
	return -1
}

// TestTranscriptDownloads: the transcript names its trainee in every row,
// even when it has no enrolment, and its XLSX has typed cells.
func TestTranscriptDownloads(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 1, testutil.CohortSpec{})
		u := us[0]
		code := *record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 36, 82.5))[0].CertificateCode
		e.Patch("/v1/me", u.Token, map[string]any{"name": "이서연"}).Want(t, http.StatusOK)
		var cohort struct {
			StartsOn string `json:"starts_on"`
			EndsOn   string `json:"ends_on"`
		}
		e.Get("/v1/cohorts/"+c.ID, u.Token).Want(t, http.StatusOK).JSON(t, &cohort)

		records := downloadCSV(t, e, "/v1/me/transcript.csv", u.Token, "transcript.csv")
		header := []string{"trainee_name", "trainee_email", "course_code", "course_title", "track", "level", "hours", "cohort",
			"starts_on", "ends_on", "status", "attended_hours", "score", "certificate_code", "certificate_status"}
		if diff := cmp.Diff(header, records[0]); diff != "" {
			t.Fatalf("CSV header (-want +got):\n%s", diff)
		}
		if len(records) != 2 {
			t.Fatalf("CSV %q", records)
		}
		r := records[1]
		if r[0] != "이서연" || r[1] != u.Email || r[4] != "bms" || r[5] != "1" || r[8] != cohort.StartsOn || r[10] != "completed" ||
			r[11] != "36" || r[12] != "82.5" || r[13] != code || r[14] != "valid" {
			t.Errorf("CSV row %q", r)
		}

		w := downloadXLSX(t, e, "/v1/me/transcript.xlsx", u.Token, "transcript.xlsx")
		if diff := cmp.Diff(header, w.rows[0]); diff != "" {
			t.Fatalf("XLSX header (-want +got):\n%s", diff)
		}
		w.wantText("trainee_name", 2, "이서연")
		w.wantText("trainee_email", 2, u.Email)
		w.wantNumber("level", 2, 1)
		w.wantNumber("score", 2, 82.5)
		w.wantDate("starts_on", 2, "yyyy-mm-dd", cohort.StartsOn)
		w.wantDate("ends_on", 2, "yyyy-mm-dd", cohort.EndsOn)
		w.wantText("certificate_code", 2, code)

		// Nothing yet: one row that still names the trainee.
		fresh := e.NewUser(auth.Trainee)
		e.Patch("/v1/me", fresh.Token, map[string]any{"name": "박지민"}).Want(t, http.StatusOK)
		records = downloadCSV(t, e, "/v1/me/transcript.csv", fresh.Token, "transcript.csv")
		if len(records) != 2 || records[1][0] != "박지민" || records[1][1] != fresh.Email || strings.Join(records[1][2:], "") != "" {
			t.Errorf("empty transcript CSV %q", records)
		}
		w = downloadXLSX(t, e, "/v1/me/transcript.xlsx", fresh.Token, "transcript.xlsx")
		w.wantText("trainee_email", 2, fresh.Email)
		w.wantEmpty("level", 2)
		w.wantEmpty("hours", 2)

		for _, ext := range []string{".csv", ".xlsx"} {
			e.Get("/v1/me/transcript"+ext, c.Instructor.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
			e.Get("/v1/me/transcript"+ext, "").WantProblem(t, http.StatusUnauthorized, "unauthorized")
		}
	})
}

// TestJSONOperationsAnswerOnlyJSON: the operations that used to answer CSV
// by the Accept header answer JSON whatever it asks.
func TestJSONOperationsAnswerOnlyJSON(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		_, us, _ := startedCohort(t, e, 1, testutil.CohortSpec{})
		co := e.NewCompany(account.CompanyApproved)
		for _, r := range []struct{ path, token string }{
			{"/v1/graduates", co.Token},
			{"/v1/reports/programme", e.AdminToken()},
			{"/v1/me/transcript", us[0].Token},
		} {
			for _, accept := range []string{"text/csv", "image/png", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
				res := e.Do(testutil.Req{Method: http.MethodGet, Path: r.path, Token: r.token, Header: map[string]string{"Accept": accept}}).
					Want(t, http.StatusOK)
				if ct := res.Header.Get("Content-Type"); ct != "application/json" || res.Body[0] != '{' {
					t.Errorf("%s with Accept %s: %q %.20q", r.path, accept, ct, res.Body)
				}
			}
		}
	})
}
