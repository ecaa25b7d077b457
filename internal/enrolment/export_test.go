package enrolment

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// What the external tests of this package reach inside.

// Place places e as Enrol does once its checks passed, the course as seen
// at courseSeen.
func (s *Service) Place(ctx context.Context, e *Enrolment, courseSeen time.Time) error {
	return s.batches.place(ctx, e, courseSeen, "", cohortNames{})
}

func asBatch(es []*Enrolment, courseSeen time.Time) []*placement {
	batch := make([]*placement, len(es))
	for i, e := range es {
		batch[i] = &placement{e: e, courseSeen: courseSeen, done: make(chan error, 1)}
		batch[i].state.Store(taken)
	}
	return batch
}

// PlaceBatch places es, of one cohort, in one transaction, with no
// fallback: each one's outcome, or the batch's error.
func (s *Service) PlaceBatch(es []*Enrolment, courseSeen time.Time) ([]error, error) {
	return s.batches.placeBatch(context.Background(), es[0].CohortID, asBatch(es, courseSeen))
}

// PlaceTogether places es, of one cohort, as one batch of the batcher,
// falling back as it does, and returns each one's outcome.
func (s *Service) PlaceTogether(es []*Enrolment, courseSeen time.Time) []error {
	batch := asBatch(es, courseSeen)
	s.batches.run(es[0].CohortID, batch)
	out := make([]error, len(batch))
	for i, p := range batch {
		out[i] = <-p.done
	}
	return out
}

// Queued reports how many enrolments wait in the cohort's queue, and
// whether a goroutine is placing the cohort's enrolments.
func (s *Service) Queued(cohortID string) (int, bool) {
	s.batches.mu.Lock()
	defer s.batches.mu.Unlock()
	q, ok := s.batches.queues[cohortID]
	if !ok {
		return 0, false
	}
	return len(q.pending), true
}

// ErrRecheck is errRecheck.
var ErrRecheck = errRecheck

// RequireTrainee is requireTrainee.
func (s *Service) RequireTrainee(ctx context.Context, id string) error {
	return s.requireTrainee(ctx, id)
}

// ActiveAmongPlan is how the database plans the already-enrolled check of
// a batch (activeAmong) for the trainees in the cohort, on a connection of
// d that has not run it (db.Explain).
func ActiveAmongPlan(ctx context.Context, d *bun.DB, cohortID string, trainees []string) (string, error) {
	c, err := d.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer c.Close()
	query, args := activeAmongQuery(c, cohortID, trainees)
	return db.Explain(ctx, c, query, args...)
}

// HotPlans holds the two statements the hot path runs for the trainees of
// a cohort, where the service runs them: a batch's already-enrolled check
// (activeAmong) where the batches write, and the checks' read of the
// cohort (cohortsFor) on Reads. run runs them, as a rush would; explain
// gives the plan their next run would use (db.Explain). On PostgreSQL
// both use the same two connections every time, held until close.
// (SQLite's one writing connection cannot be held; it plans afresh when
// its statistics change anyway.)
func (s *Service) HotPlans(ctx context.Context, cohortID string, trainees []string) (run func() error, explain func() (batch, check string, err error), close func()) {
	var held []bun.Conn
	conn := func(d *bun.DB, i int) (bun.Conn, func(), error) {
		if !db.IsPostgres(d) {
			c, err := d.Conn(ctx)
			return c, func() { _ = c.Close() }, err
		}
		for len(held) <= i {
			c, err := d.Conn(ctx)
			if err != nil {
				return c, nil, err
			}
			held = append(held, c)
		}
		return held[i], func() {}, nil
	}
	keys := make([]cohortKey, len(trainees))
	cohorts := make([]string, len(trainees))
	for i, t := range trainees {
		keys[i], cohorts[i] = cohortKey{CohortID: cohortID, TraineeID: t}, cohortID
	}
	run = func() error {
		w, release, err := conn(s.batches.db, 0)
		if err != nil {
			return err
		}
		_, err = s.Store.activeAmong(ctx, w, cohortID, trainees)
		release()
		if err != nil {
			return err
		}
		r, release, err := conn(s.Reads, 1)
		if err != nil {
			return err
		}
		defer release()
		_, err = s.Store.cohortsFor(ctx, r, keys)
		return err
	}
	explain = func() (string, string, error) {
		w, release, err := conn(s.batches.db, 0)
		if err != nil {
			return "", "", err
		}
		active, args := activeAmongQuery(w, cohortID, trainees)
		batch, err := db.Explain(ctx, w, active, args...)
		release()
		if err != nil {
			return "", "", err
		}
		r, release, err := conn(s.Reads, 1)
		if err != nil {
			return "", "", err
		}
		defer release()
		pairs, pairArgs := db.Pairs(r, 0, cohorts, trainees, "k")
		check, err := db.Explain(ctx, r, cohortsForSQL(pairs), pairArgs...)
		return batch, check, err
	}
	return run, explain, func() {
		for _, c := range held {
			_ = c.Close()
		}
	}
}

// CheckedCohort is what a read of the checks found for one cohort and
// trainee.
type CheckedCohort struct {
	CohortID, TraineeName string
}

// CohortsTogether reads the cohort of each pair (cohort, trainee) in one
// read, as the checks of the enrolments in flight are read; a pair whose
// cohort does not exist is left out.
func (s *Service) CohortsTogether(ctx context.Context, pairs [][2]string) (map[[2]string]CheckedCohort, error) {
	keys := make([]cohortKey, len(pairs))
	for i, p := range pairs {
		keys[i] = cohortKey{CohortID: p[0], TraineeID: p[1]}
	}
	found, err := s.Store.cohortsFor(ctx, s.Reads, keys)
	if err != nil {
		return nil, err
	}
	out := map[[2]string]CheckedCohort{}
	for k, c := range found {
		v := CheckedCohort{CohortID: c.ID}
		if c.TraineeName != nil {
			v.TraineeName = *c.TraineeName
		}
		out[[2]string{k.CohortID, k.TraineeID}] = v
	}
	return out, nil
}
