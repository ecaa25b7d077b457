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

// insertCourses bulk-inserts n courses, spread evenly over the tracks and
// the five levels, each with one skill (its track's code), through bun, a
// thousand rows per statement; every seventh is a draft, so drafts fall
// in every track and level. It returns each
// course's status by id, and the ids in order.
func insertCourses(t *testing.T, e *testutil.Env, n int, prefix string, tracks []string) (map[string]string, []string) {
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
			Track: tracks[i%len(tracks)], Level: 1 + (i/len(tracks))%5, Hours: 40, PassScore: 60, MinAttendance: 0.8,
			Status: catalogue.Published, CreatedAt: now, UpdatedAt: now,
		}
		if i%7 == 0 {
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
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		status, _ := insertCourses(t, e, 10_000, "BULK", tracks)
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
						late, _ := insertCourses(t, e, 50, "LATE"+who.name[:3], tracks)
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

// moreTracks are tracks a grown programme adds to the six it starts with.
var moreTracks = []string{
	"solid-state", "thermal-management", "electrode-coating", "formation-aging", "module-pack", "cell-testing",
	"electrolyte", "separator", "anode", "cathode", "charging", "second-life",
	"failure-analysis", "simulation", "quality", "automation", "supply-chain", "regulation",
}

// TestCourseListUsesAnIndex runs EXPLAIN on the list query the API builds
// (the store's own query builder), on 10,000 analysed courses in 24 tracks
// and 5 levels, and checks that every filter walks an index: no full scan
// of courses and no sort outside an index. Where a composite index is what
// makes a filter cheap, the plan must name it:
//
//   - by track and level (about 80 courses of 10,000), both databases walk
//     courses_track_level_id_idx, and a page much smaller than the rows
//     left is read in id order straight off it, never sorted. Near the end
//     of the list, where the few rows left fit in the page, PostgreSQL may
//     fetch them through the same index by bitmap and sort them: that is
//     the planner being right, not an index missing.
//   - by track alone or level alone (hundreds to thousands of courses),
//     SQLite walks the (track|level, status, id) index; PostgreSQL rightly
//     prefers walking the primary key, which holds courses in the order
//     they were written, and filtering: any index is accepted there.
func TestCourseListUsesAnIndex(t *testing.T) {
	t.Parallel()
	const trackLevel = "courses_track_level_id_idx"
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		admin := e.AdminToken()
		all := append([]string(nil), tracks...)
		for _, code := range moreTracks {
			e.Post("/v1/tracks", admin, map[string]any{"code": code, "name": code}).Want(t, http.StatusCreated)
			all = append(all, code)
		}
		_, order := insertCourses(t, e, 10_000, "PLAN", all)
		if _, err := e.DB.ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name          string
			f             catalogue.CourseFilter
			publishedOnly bool
			index         map[string]string // the index each database must walk; none named: any
		}{
			{"public", catalogue.CourseFilter{}, true, map[string]string{testutil.SQLite: "courses_status_id_idx"}},
			{"public by track", catalogue.CourseFilter{Track: "bms"}, true, map[string]string{testutil.SQLite: "courses_track_status_id_idx"}},
			{"public by level", catalogue.CourseFilter{Level: 3}, true, map[string]string{testutil.SQLite: "courses_level_status_id_idx"}},
			{"public by track and level", catalogue.CourseFilter{Track: "bms", Level: 3}, true,
				map[string]string{testutil.SQLite: trackLevel, testutil.Postgres: trackLevel}},
			{"public by skill", catalogue.CourseFilter{Skill: "bms"}, true, nil},
			{"public search", catalogue.CourseFilter{Q: "배터리"}, true, nil},
			{"admin", catalogue.CourseFilter{}, false, nil},
			{"admin by status", catalogue.CourseFilter{Status: catalogue.Draft}, false, map[string]string{testutil.SQLite: "courses_status_id_idx"}},
			{"admin by track and level", catalogue.CourseFilter{Track: "safety-testing", Level: 5}, false,
				map[string]string{testutil.SQLite: trackLevel, testutil.Postgres: trackLevel}},
		}
		pages := []struct {
			name string
			p    page.Params
			// many: the rows after the cursor far outnumber the page, so an
			// index serving the filter must hand them over in id order.
			many bool
		}{
			{"first page", page.Params{Limit: 20}, true},
			{"from a quarter of the way", page.Params{Limit: 20, After: []string{order[len(order)/4]}}, true},
			{"long page from halfway", page.Params{Limit: 100, After: []string{order[len(order)/2]}}, false},
		}
		for _, tc := range cases {
			for _, pg := range pages {
				q := catalogue.CoursesQuerySQL(e.DB, tc.f, tc.publishedOnly, pg.p)
				plan := explain(t, e, q)
				fail := func(why string) { t.Errorf("%s, %s: %s:\n%s\n%s", tc.name, pg.name, why, plan, q) }
				want := tc.index[e.Dialect]
				if e.Dialect == testutil.SQLite {
					// e.g. "SEARCH c USING INDEX courses_track_level_id_idx (track=? AND level=? AND id>?)"
					for _, line := range strings.Split(plan, "\n") {
						if strings.Contains(line, " c ") || strings.HasSuffix(line, " c") {
							if !strings.Contains(line, "INDEX") {
								fail("courses read without an index")
							} else if want != "" && !strings.Contains(line, " INDEX "+want+" ") {
								fail("courses not read through " + want)
							}
						}
					}
					if strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") {
						fail("sorts instead of walking an index")
					}
					continue
				}
				// e.g. "Index Scan using courses_track_level_id_idx on courses c"
				if strings.Contains(plan, "Seq Scan on courses") || !strings.Contains(plan, "Index") {
					fail("courses read without an index")
				}
				if want == "" {
					continue
				}
				if !strings.Contains(plan, " "+want+" ") {
					fail("courses not read through " + want)
				}
				if pg.many && (!strings.Contains(plan, "Index Scan using "+want+" on courses") || strings.Contains(plan, "Sort")) {
					fail("the page is not read in id order off " + want)
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
