package reports

import (
	"context"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// Service answers report requests.
type Service struct {
	Store Store
}

// Cohort summarises a cohort for an admin or the cohort's instructor; other
// instructors are told it does not exist.
func (s *Service) Cohort(ctx context.Context, actor auth.Actor, cohortID string) (CohortSummary, error) {
	if !ids.Valid(cohortID) {
		return CohortSummary{}, apperr.NotFound("cohort")
	}
	c, err := s.Store.cohortSummary(ctx, cohortID)
	if err != nil {
		return CohortSummary{}, err
	}
	if actor.Role != auth.Admin && c.InstructorID != actor.ID {
		return CohortSummary{}, apperr.NotFound("cohort")
	}
	return c, nil
}
