package pool_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/pool"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

func sqlitePlan(t *testing.T, e *testutil.Env, q string) string {
	t.Helper()
	rows, err := e.DB.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%d<-%d %s", id, parent, detail))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestSQLitePoolPlansUseTheirIndexes pins the plans the pool search was
// measured with on SQLite (cmd/bench-pool, README), whose planner has no
// statistics and picks indexes by their shape alone, so that a change to
// the queries or the indexes (migration 9) that would lose them fails here
// rather than in production:
//
//   - the walk reads completions newest first from
//     enrolments_status_recorded_idx, each trainee from a covering index of
//     the pool's members (users_pool_region_idx with a region), and never
//     sorts;
//   - the users' side starts from the members' covering index (by region
//     when there is one) and reads each one's latest completion from
//     enrolments_completed_trainee_idx.
//
// PostgreSQL chooses by cost, with statistics; its plans are covered by the
// benchmark, not pinned.
func TestSQLitePoolPlansUseTheirIndexes(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	floor := time.Now().Add(-time.Hour)
	for _, f := range []pool.Filter{
		{},
		{Region: "서울특별시"},
		{Skills: []string{"bms", "soc-estimation"}},
		{Track: "bms", MinLevel: 2},
		{MinLevel: 4},
		{Q: "민준"},
		{CompletedAfter: "2026-10-25", Skills: []string{"bms"}},
		{Region: "충청북도", CareerStage: "job_seeker", Track: "manufacturing", MinLevel: 2},
	} {
		members := "users_pool_idx"
		if f.Region != "" {
			members = "users_pool_region_idx"
		}
		walk := sqlitePlan(t, e, pool.WalkQuerySQL(e.DB, f, floor, 21))
		for _, want := range []string{
			"SEARCH e USING INDEX enrolments_status_recorded_idx (status=? AND result_recorded_at>?)",
			"SEARCH u USING COVERING INDEX " + members + " (",
		} {
			if !strings.Contains(walk, want) {
				t.Errorf("walk for %+v does not %q:\n%s", f, want, walk)
			}
		}
		if strings.Contains(walk, "TEMP B-TREE") || strings.Contains(walk, "SCAN e") || strings.Contains(walk, "SCAN u") {
			t.Errorf("walk for %+v scans or sorts:\n%s", f, walk)
		}
		users := sqlitePlan(t, e, pool.UsersQuerySQL(e.DB, f, floor, 21))
		for _, want := range []string{
			"SEARCH u USING COVERING INDEX " + members + " (",
			"SEARCH l USING COVERING INDEX enrolments_completed_trainee_idx (trainee_id=?)",
		} {
			if !strings.Contains(users, want) {
				t.Errorf("users' side for %+v does not %q:\n%s", f, want, users)
			}
		}
		if strings.Contains(users, "SCAN u") {
			t.Errorf("users' side for %+v scans users:\n%s", f, users)
		}
	}
}
