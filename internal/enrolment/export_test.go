package enrolment

import (
	"context"
	"encoding/json"
	"strings"
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
// a batch (activeAmong) for the trainees in the cohort.
func ActiveAmongPlan(ctx context.Context, idb bun.IDB, cohortID string, trainees []string) (string, error) {
	if db.IsPostgres(idb) {
		var lines []string
		err := db.Query(ctx, idb, &lines, "EXPLAIN "+activeAmongPG, cohortID, trainees)
		return strings.Join(lines, "\n"), err
	}
	list, err := json.Marshal(trainees)
	if err != nil {
		return "", err
	}
	var rows []struct {
		ID      int    `bun:"id"`
		Parent  int    `bun:"parent"`
		NotUsed int    `bun:"notused"`
		Detail  string `bun:"detail"`
	}
	err = db.Query(ctx, idb, &rows, "EXPLAIN QUERY PLAN "+activeAmongSQLite, cohortID, string(list))
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Detail
	}
	return strings.Join(out, "\n"), err
}
