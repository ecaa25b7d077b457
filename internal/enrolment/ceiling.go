package enrolment

import (
	"context"
	"fmt"

	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// PlaceInBatches enrols the trainees in the cohort in batches of size, one
// batch transaction after another, exactly as a rush's batches are placed
// (placeBatch: the same lock, reads, decision and writes), but with none
// of the work a request does around its batch (the token, the checks, the
// queue, HTTP). It is the ceiling a rush's rate is measured against
// (cmd/bench-rush), not a way to enrol anyone: it checks no window and no
// eligibility.
func (s *Service) PlaceInBatches(ctx context.Context, actorID, cohortID string, traineeIDs []string, size int) error {
	c, err := s.Store.cohortFor(ctx, s.DB, cohortID, "")
	if err != nil {
		return err
	}
	for start := 0; start < len(traineeIDs); start += size {
		part := traineeIDs[start:min(start+size, len(traineeIDs))]
		batch := make([]*placement, len(part))
		now := s.Now()
		for i, t := range part {
			e := &Enrolment{ID: ids.New(), CohortID: cohortID, TraineeID: t, CreatedAt: now, UpdatedAt: now}
			batch[i] = &placement{e: e, courseSeen: c.CourseUpdatedAt, actorID: actorID, done: make(chan error, 1)}
		}
		outcomes, err := s.batches.placeBatch(ctx, cohortID, batch)
		if err != nil {
			return err
		}
		for i, o := range outcomes {
			if o != nil {
				return fmt.Errorf("place %s: %w", part[i], o)
			}
		}
	}
	return nil
}
