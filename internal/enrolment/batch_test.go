package enrolment_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/enrolment"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

func newEnrolment(cohortID, traineeID string, at time.Time) *enrolment.Enrolment {
	return &enrolment.Enrolment{ID: ids.New(), CohortID: cohortID, TraineeID: traineeID, CreatedAt: at, UpdatedAt: at}
}

type cohortCounters struct {
	SeatsTaken int   `bun:"seats_taken"`
	SeqLast    int64 `bun:"waitlist_seq_last"`
}

// courseSeen is the course's updated_at, as the service's checks read it.
func courseSeen(t *testing.T, e *testutil.Env, courseID string) time.Time {
	t.Helper()
	var at time.Time
	if err := e.DB.NewSelect().Table("courses").Column("updated_at").Where("id = ?", courseID).
		Scan(context.Background(), &at); err != nil {
		t.Fatal(err)
	}
	return at
}

func counters(t *testing.T, e *testutil.Env, cohortID string) cohortCounters {
	t.Helper()
	var c cohortCounters
	if err := e.DB.NewSelect().Table("cohorts").Column("seats_taken", "waitlist_seq_last").
		Where("id = ?", cohortID).Scan(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func stored(t *testing.T, e *testutil.Env, id string) (status string, seq *int64, ok bool) {
	t.Helper()
	var rows []struct {
		Status string `bun:"status"`
		Seq    *int64 `bun:"waitlist_seq"`
	}
	if err := e.DB.NewSelect().Table("enrolments").Column("status", "waitlist_seq").
		Where("id = ?", id).Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return "", nil, false
	}
	return rows[0].Status, rows[0].Seq, true
}

// One batch decides its enrolments in arrival order, as one at a time
// would: seats first, then waitlist numbers; a trainee twice in the batch
// is enrolled once; an enrolment made after the window closed is refused;
// and each placed enrolment has its audit event.
func TestBatchDecidesInArrivalOrder(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		now := e.Clock.Now()
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 2, ClosesAt: now.Add(time.Hour)})
		tr := e.Trainees(4)
		s := enrolment.NewService(e.DB, e.Reads, catalogue.Eligibility{}.Checks(e.Reads), e.Clock.Now, nil)
		batch := []*enrolment.Enrolment{
			newEnrolment(c.ID, tr[0].ID, now),
			newEnrolment(c.ID, tr[1].ID, now),
			newEnrolment(c.ID, tr[0].ID, now), // the same trainee again
			newEnrolment(c.ID, tr[2].ID, now),
			newEnrolment(c.ID, tr[3].ID, now.Add(2*time.Hour)), // after the window closed
		}
		seen := courseSeen(t, e, c.CourseID)
		out, err := s.PlaceBatch(batch, seen)
		if err != nil {
			t.Fatalf("the batch failed: %v", err)
		}
		if out[0] != nil || out[1] != nil || out[3] != nil {
			t.Fatalf("outcomes %v: want the 1st, 2nd and 4th placed", out)
		}
		if !apperr.Is(out[2], "already_enrolled") {
			t.Errorf("the same trainee again: %v, want already_enrolled", out[2])
		}
		if !errors.Is(out[4], enrolment.ErrRecheck) {
			t.Errorf("after the window: %v, want a recheck", out[4])
		}
		want := []string{enrolment.Enrolled, enrolment.Enrolled, "", enrolment.Waitlisted, ""}
		for i, en := range batch {
			status, seq, ok := stored(t, e, en.ID)
			if status != want[i] || ok != (want[i] != "") || en.Status != want[i] {
				t.Errorf("enrolment %d: stored %q (%v), answered %q, want %q", i, status, ok, en.Status, want[i])
			}
			if i == 3 && (seq == nil || *seq != 1 || en.WaitlistPosition == nil || *en.WaitlistPosition != 1) {
				t.Errorf("waitlisted: number %v, position %v, want 1 and 1", seq, en.WaitlistPosition)
			}
		}
		if got := counters(t, e, c.ID); got != (cohortCounters{SeatsTaken: 2, SeqLast: 1}) {
			t.Errorf("cohort counters %+v, want 2 seats and 1 number", got)
		}
		n, err := e.DB.NewSelect().Table("audit_events").Where("entity = 'enrolment'").
			Where("entity_id IN (?, ?, ?)", batch[0].ID, batch[1].ID, batch[3].ID).Count(context.Background())
		if err != nil || n != 3 {
			t.Errorf("%d audit events for the 3 placed (%v), want 3", n, err)
		}
	})
}

// The write re-checks the course under its lock: if the course was edited
// after the service's checks read it (archived, its level or prerequisites
// changed), nothing is placed and the service must check again.
func TestBatchRechecksTheCourse(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		now := e.Clock.Now()
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		tr := e.Trainees(3)
		s := enrolment.NewService(e.DB, e.Reads, catalogue.Eligibility{}.Checks(e.Reads), e.Clock.Now, nil)
		seen := courseSeen(t, e, c.CourseID)

		e.Clock.Advance(time.Second)
		e.Patch("/v1/courses/"+c.CourseID, e.AdminToken(), map[string]any{"level": 2}).Want(t, 200)
		stale := newEnrolment(c.ID, tr[0].ID, now)
		if out, err := s.PlaceBatch([]*enrolment.Enrolment{stale}, seen); err != nil || !errors.Is(out[0], enrolment.ErrRecheck) {
			t.Fatalf("checked before the course changed: %v %v, want a recheck", out, err)
		}

		e.Clock.Advance(time.Second)
		e.Patch("/v1/courses/"+c.CourseID, e.AdminToken(), map[string]any{"status": "archived"}).Want(t, 200)
		archived := newEnrolment(c.ID, tr[1].ID, now)
		if out, err := s.PlaceBatch([]*enrolment.Enrolment{archived}, courseSeen(t, e, c.CourseID)); err != nil || !errors.Is(out[0], enrolment.ErrRecheck) {
			t.Fatalf("an archived course: %v %v, want a recheck", out, err)
		}
		for _, en := range []*enrolment.Enrolment{stale, archived} {
			if _, _, ok := stored(t, e, en.ID); ok {
				t.Errorf("%s was stored", en.ID)
			}
		}
		if got := counters(t, e, c.ID); got.SeatsTaken != 0 {
			t.Errorf("%d seats taken, want none", got.SeatsTaken)
		}
	})
}

// When a batch fails as a whole, nothing of it stays, and each enrolment
// is placed on its own: one bad row costs only itself.
func TestFailedBatchFallsBackToOneAtATime(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		now := e.Clock.Now()
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		tr := e.Trainees(2)
		reg := prometheus.NewRegistry()
		s := enrolment.NewService(e.DB, e.Reads, catalogue.Eligibility{}.Checks(e.Reads), e.Clock.Now, reg)
		batch := []*enrolment.Enrolment{
			newEnrolment(c.ID, tr[0].ID, now),
			newEnrolment(c.ID, ids.New(), now), // no such trainee: the batch's insert fails
			newEnrolment(c.ID, tr[1].ID, now),
		}
		out := s.PlaceTogether(batch, courseSeen(t, e, c.CourseID))
		if out[0] != nil || out[2] != nil {
			t.Fatalf("outcomes %v: want the good ones placed alone", out)
		}
		if out[1] == nil || !db.IsForeignKeyViolation(out[1]) {
			t.Errorf("the unknown trainee: %v, want a foreign-key violation", out[1])
		}
		if status, _, _ := stored(t, e, batch[0].ID); status != enrolment.Enrolled {
			t.Errorf("first: %q, want enrolled", status)
		}
		if status, seq, _ := stored(t, e, batch[2].ID); status != enrolment.Waitlisted || seq == nil || *seq != 1 {
			t.Errorf("third: %q #%v, want waitlisted #1", status, seq)
		}
		if _, _, ok := stored(t, e, batch[1].ID); ok {
			t.Error("the unknown trainee's enrolment was stored")
		}
		if got := counters(t, e, c.ID); got != (cohortCounters{SeatsTaken: 1, SeqLast: 1}) {
			t.Errorf("cohort counters %+v, want what the two placements took: 1 seat, 1 number", got)
		}
		if n := counted(t, reg, "skillgrid_enrolment_batch_failures_total"); n != 1 {
			t.Errorf("%v failed batches counted, want 1", n)
		}
	})
}

// A request that gives up while its enrolment still waits in the queue is
// not enrolled later behind its back; the one already being placed is.
func TestGivingUpInTheQueuePlacesNothing(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		now := e.Clock.Now()
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		tr := e.Trainees(2)
		s := enrolment.NewService(e.DB, e.Reads, catalogue.Eligibility{}.Checks(e.Reads), e.Clock.Now, nil)
		seen := courseSeen(t, e, c.CourseID)

		// Hold the cohort, so that the first batch waits: its row lock on
		// PostgreSQL, SQLite's one connection.
		tx, err := e.DB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Locking(tx.NewSelect().Table("cohorts").Column("id").Where("id = ?", c.ID)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		first, second := newEnrolment(c.ID, tr[0].ID, now), newEnrolment(c.ID, tr[1].ID, now)
		firstDone := make(chan error, 1)
		go func() { firstDone <- s.Place(ctx, first, seen) }()
		waitFor(t, "the first enrolment to be in a batch", func() bool { n, busy := s.Queued(c.ID); return busy && n == 0 })

		gaveUp, cancel := context.WithCancel(ctx)
		secondDone := make(chan error, 1)
		go func() { secondDone <- s.Place(gaveUp, second, seen) }()
		waitFor(t, "the second enrolment to queue", func() bool { n, _ := s.Queued(c.ID); return n == 1 })
		cancel()
		if err := <-secondDone; !errors.Is(err, context.Canceled) {
			t.Errorf("the request that gave up got %v, want context.Canceled", err)
		}

		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := <-firstDone; err != nil {
			t.Fatalf("first: %v", err)
		}
		waitFor(t, "the queue to empty", func() bool { _, busy := s.Queued(c.ID); return !busy })
		if status, _, _ := stored(t, e, first.ID); status != enrolment.Enrolled {
			t.Errorf("first: %q, want enrolled", status)
		}
		if _, _, ok := stored(t, e, second.ID); ok {
			t.Error("the enrolment of the request that gave up was stored")
		}
		if got := counters(t, e, c.ID); got.SeatsTaken != 1 {
			t.Errorf("%d seats taken, want 1", got.SeatsTaken)
		}
	})
}

// counted is the value of a counter in reg.
func counted(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name && len(f.GetMetric()) == 1 {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no counter %s", name)
	return 0
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
