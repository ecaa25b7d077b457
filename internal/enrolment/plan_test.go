package enrolment_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/enrolment"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// TestTheAlreadyEnrolledCheckLooksUpEachTraineeOfTheBatch: the check a
// batch makes under the cohort's lock must cost what the batch holds, not
// what the cohort holds. The statistics are taken while the cohort is
// empty, as they are when a rush begins, and the cohort then fills with
// 600 active enrolments: the plan must still look each of the batch's
// trainees up by (cohort, trainee) in the active pairs' index, never walk
// the cohort's enrolments (PostgreSQL did, with a filter on the trainee,
// and a rush of 16,000 slowed to half its pace).
func TestTheAlreadyEnrolledCheckLooksUpEachTraineeOfTheBatch(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		c := analysedCohort(t, e)
		trainees := fillCohort(t, e, c.ID, 0, 600)
		plan, err := enrolment.ActiveAmongPlan(ctx, e.DB, c.ID, trainees[:3])
		if err != nil {
			t.Fatal(err)
		}
		var lookup string
		switch e.Dialect {
		case testutil.Postgres:
			lookup = "AND (trainee_id = t.id))"
		default:
			lookup = "trainee_id=?"
		}
		if !strings.Contains(plan, lookup) || strings.Contains(plan, "SCAN e") {
			t.Errorf("the check does not look each trainee up (want %q):\n%s", lookup, plan)
		}
	})
}

// TestHotLookUpsStayLookUpsAsARushFillsTheTable: the statements the hot
// path runs for a batch's trainees must still look them up by an index
// once a rush has filled the table, though they first ran (and their
// statistics were taken) while it was nearly empty, as when a new
// programme's first rush begins. On PostgreSQL, a statement prepared once
// per connection kept a plan made then: a scan of enrolments for each
// trainee, or a walk of the cohort's enrolments (on a nearly empty table
// both cost what the right plan costs), and an analysed rush of 16,000
// ran at a tenth of its ceiling (db.OpenReads, db.QueryAfresh). The
// batch's already-enrolled check, planned at every run, looks each trainee
// up in enrolments; the checks' read, prepared once per connection, does
// not read enrolments at all.
func TestHotLookUpsStayLookUpsAsARushFillsTheTable(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		c := analysedCohort(t, e)
		trainees := fillCohort(t, e, c.ID, 0, 5)
		run, explain, done := e.App.Enrolments.HotPlans(ctx, c.ID, trainees[:3])
		defer done()
		for i := 0; i < 6; i++ { // past PostgreSQL's five custom plans
			if err := run(); err != nil {
				t.Fatal(err)
			}
		}
		fillCohort(t, e, c.ID, 5, 1005)
		batch, read, err := explain()
		if err != nil {
			t.Fatal(err)
		}
		scan, lookup := regexp.MustCompile(`Seq Scan on enrolments|Index Cond: \(cohort_id = [^)]*\)\n`), regexp.MustCompile(`Index Cond: \(.*trainee_id = `)
		// The read does not touch enrolments, the table a rush grows.
		readsEnrolments := regexp.MustCompile(` on enrolments\b`)
		if e.Dialect != testutil.Postgres {
			scan, lookup = regexp.MustCompile(`SCAN e\b`), regexp.MustCompile(`SEARCH e .*INDEX enrolments_\w+ \(.*trainee_id=\?`)
			readsEnrolments = regexp.MustCompile(`\b(SCAN|SEARCH) e\b`)
		}
		if scan.MatchString(batch+"\n") || !lookup.MatchString(batch) {
			t.Errorf("once the cohort filled, the batch's check does not look the trainees up by an index of enrolments:\n%s", batch)
		}
		if readsEnrolments.MatchString(read) {
			t.Errorf("the checks' read, prepared once per connection, reads enrolments:\n%s", read)
		}
	})
}

// analysedCohort opens a cohort of ten seats and takes the statistics
// while it is empty, as they are when a rush begins.
func analysedCohort(t *testing.T, e *testutil.Env) testutil.Cohort {
	t.Helper()
	c := e.OpenCohort(testutil.CohortSpec{Capacity: 10})
	if _, err := e.DB.ExecContext(context.Background(), "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	return c
}

// fillCohort enrols new trainees from..to-1 in the cohort straight in the
// database, in arrival order: the first ten hold seats, the rest wait in
// line with those numbers. It returns their ids.
func fillCohort(t *testing.T, e *testutil.Env, cohortID string, from, to int) []string {
	t.Helper()
	now := e.Clock.Now()
	var trainees []string
	for i := from; i < to; i++ {
		u := e.NewUser(auth.Trainee)
		trainees = append(trainees, u.ID)
		status := "waitlisted"
		if i < 10 {
			status = "enrolled"
		}
		if _, err := e.DB.ExecContext(context.Background(), `INSERT INTO enrolments (id, cohort_id, trainee_id, status, waitlist_seq, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, ids.New(), cohortID, u.ID, status, i, now.Add(time.Duration(i)), now); err != nil {
			t.Fatal(err)
		}
	}
	return trainees
}
