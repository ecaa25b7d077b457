package catalogue_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type courseSkill struct {
	bun.BaseModel `bun:"table:course_skills"`

	CourseID string `bun:"course_id"`
	Skill    string `bun:"skill"`
}

var tracks = []string{"cell-design", "materials", "manufacturing", "bms", "safety-testing", "recycling"}

// insertCourses bulk-inserts n courses, each with one skill (its track's
// code), through bun, a thousand rows per statement; every tenth is a draft.
// It returns each course's status by id, and the ids in order.
func insertCourses(t *testing.T, e *testutil.Env, n int, prefix string) (map[string]string, []string) {
	t.Helper()
	ctx := context.Background()
	now := e.Clock.Now().UTC()
	status := map[string]string{}
	var order []string
	cs := make([]catalogue.Course, 0, 1000)
	flush := func() {
		if len(cs) == 0 {
			return
		}
		if _, err := e.DB.NewInsert().Model(&cs).Exec(ctx); err != nil {
			t.Fatalf("bulk insert: %v", err)
		}
		skills := make([]courseSkill, len(cs))
		for i, c := range cs {
			skills[i] = courseSkill{CourseID: c.ID, Skill: c.Track}
		}
		if _, err := e.DB.NewInsert().Model(&skills).Exec(ctx); err != nil {
			t.Fatalf("bulk insert skills: %v", err)
		}
		cs = cs[:0]
	}
	for i := 0; i < n; i++ {
		c := catalogue.Course{
			ID: ids.New(), Code: fmt.Sprintf("%s-%05d", prefix, i), Title: fmt.Sprintf("배터리 과정 %d (Battery course %d)", i, i),
			Track: tracks[i%len(tracks)], Level: 1 + i%5, Hours: 40, PassScore: 60, MinAttendance: 0.8,
			Status: catalogue.Published, CreatedAt: now, UpdatedAt: now,
		}
		if i%10 == 0 {
			c.Status = catalogue.Draft
		}
		c.SearchText = catalogue.SearchText(c)
		status[c.ID] = c.Status
		order = append(order, c.ID)
		cs = append(cs, c)
		if len(cs) == 1000 {
			flush()
		}
	}
	flush()
	return status, order
}

type coursePage struct {
	Items []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// TestTenThousandCoursesPageExactlyOnce pages through 10,000 courses with
// limit=100, inserting more between pages: every course is seen exactly
// once, in order, and drafts only by admins.
func TestTenThousandCoursesPageExactlyOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		status, _ := insertCourses(t, e, 10_000, "BULK")
		for _, who := range []struct {
			name, token string
			sees        func(status string) bool
		}{
			{"anonymous", "", func(s string) bool { return s == catalogue.Published }},
			{"admin", e.AdminToken(), func(string) bool { return true }},
		} {
			t.Run(who.name, func(t *testing.T) {
				seen := map[string]int{}
				last, cursor := "", ""
				for pages := 0; ; pages++ {
					if pages > 200 {
						t.Fatal("paging does not end")
					}
					var pg coursePage
					e.Get("/v1/courses?limit=100&cursor="+cursor, who.token).Want(t, http.StatusOK).JSON(t, &pg)
					for _, c := range pg.Items {
						if c.ID <= last {
							t.Fatalf("page %d: %s after %s", pages, c.ID, last)
						}
						last = c.ID
						seen[c.ID]++
					}
					if pages == 10 { // arrivals during paging come at the end, once
						late, _ := insertCourses(t, e, 50, "LATE"+who.name[:3])
						for id, s := range late {
							status[id] = s
						}
					}
					if pg.NextCursor == nil {
						break
					}
					cursor = *pg.NextCursor
				}
				want := 0
				for id, s := range status {
					if !who.sees(s) {
						if seen[id] != 0 {
							t.Fatalf("%s saw a %s course", who.name, s)
						}
						continue
					}
					want++
					if seen[id] != 1 {
						t.Fatalf("course %s (%s) seen %d times", id, s, seen[id])
					}
				}
				if len(seen) != want {
					t.Fatalf("saw %d courses, want %d", len(seen), want)
				}
			})
		}
	})
}

// TestCourseListUsesAnIndex runs EXPLAIN on the list query the API runs,
// on 10,000 analysed rows, and checks that each filter walks an index:
// no full scan of courses and no sort outside an index.
func TestCourseListUsesAnIndex(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		_, order := insertCourses(t, e, 10_000, "PLAN")
		if _, err := e.DB.ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
		after := []string{order[len(order)/2]} // a cursor halfway through
		cases := []struct {
			name          string
			f             catalogue.CourseFilter
			publishedOnly bool
		}{
			{"public", catalogue.CourseFilter{}, true},
			{"public by track", catalogue.CourseFilter{Track: "bms"}, true},
			{"public by level", catalogue.CourseFilter{Level: 3}, true},
			{"public by track and level", catalogue.CourseFilter{Track: "bms", Level: 3}, true},
			{"public by skill", catalogue.CourseFilter{Skill: "bms"}, true},
			{"public search", catalogue.CourseFilter{Q: "배터리"}, true},
			{"admin", catalogue.CourseFilter{}, false},
			{"admin by status", catalogue.CourseFilter{Status: catalogue.Draft}, false},
		}
		for _, tc := range cases {
			for _, p := range []page.Params{{Limit: 20}, {Limit: 100, After: after}} {
				q := catalogue.CoursesQuerySQL(e.DB, tc.f, tc.publishedOnly, p)
				plan := explain(t, e, q)
				if e.Dialect == testutil.SQLite {
					// e.g. "SEARCH c USING INDEX courses_status_id_idx (status=? AND id>?)"
					for _, line := range strings.Split(plan, "\n") {
						if strings.Contains(line, " c ") || strings.HasSuffix(line, " c") {
							if !strings.Contains(line, "INDEX") {
								t.Errorf("%s: courses read without an index:\n%s\n%s", tc.name, plan, q)
							}
						}
					}
					if strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") {
						t.Errorf("%s: sorts instead of walking an index:\n%s", tc.name, plan)
					}
				} else {
					// e.g. "Index Scan using courses_status_id_idx on courses c"
					if strings.Contains(plan, "Seq Scan on courses") || !strings.Contains(plan, "Index") {
						t.Errorf("%s: courses read without an index:\n%s\n%s", tc.name, plan, q)
					}
				}
			}
		}
	})
}

func explain(t *testing.T, e *testutil.Env, q string) string {
	t.Helper()
	prefix, col := "EXPLAIN ", 0
	if e.Dialect == testutil.SQLite {
		prefix, col = "EXPLAIN QUERY PLAN ", 3
	}
	rows, err := e.DB.QueryContext(context.Background(), prefix+q)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprint(vals[col]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
