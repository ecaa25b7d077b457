package reports

import (
	"context"
	"math"
	"sort"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// Service answers report requests.
type Service struct {
	DB    *bun.DB
	Store Store
}

// Cohort summarises a cohort for an admin or the cohort's instructor; other
// instructors are told it does not exist.
func (s *Service) Cohort(ctx context.Context, actor auth.Actor, cohortID string) (CohortSummary, error) {
	if !ids.Valid(cohortID) {
		return CohortSummary{}, apperr.NotFound(msg.NotFoundCohort)
	}
	c, err := s.Store.cohortSummary(ctx, s.DB, cohortID)
	if err != nil {
		return CohortSummary{}, err
	}
	if !actor.Oversees(c.InstructorID) {
		return CohortSummary{}, apperr.NotFound(msg.NotFoundCohort)
	}
	return c, nil
}

// Programme reports the programme's outcomes per track and level for the
// cohorts starting within [from, to] (YYYY-MM-DD dates, either may be
// empty). completion_rate = completed / (completed + failed), among the
// enrolments whose results are in, and nil when there are none: trainees
// still in progress do not lower it. hire_rate = hired graduates /
// graduates, 0 when there are none. Hires are counted once each, by
// AttributeHires.
func (s *Service) Programme(ctx context.Context, from, to string) (Programme, error) {
	var bad []apperr.FieldError
	for name, v := range map[string]string{"from": from, "to": to} {
		if v == "" {
			continue
		}
		if _, ok := dates.Day(v); !ok {
			bad = append(bad, apperr.Field(name, msg.FieldDate))
		}
	}
	if len(bad) > 0 {
		sort.Slice(bad, func(i, j int) bool { return bad[i].Field < bad[j].Field })
		return Programme{}, apperr.Invalid(bad...)
	}
	if from != "" && to != "" && from > to {
		return Programme{}, apperr.Invalid(apperr.Field("to", msg.ToBeforeFrom))
	}
	rows, err := s.Store.programme(ctx, s.DB, from, to)
	if err != nil {
		return Programme{}, err
	}
	hires, err := s.Store.hires(ctx, s.DB)
	if err != nil {
		return Programme{}, err
	}
	completions, err := s.Store.hiredCompletions(ctx, s.DB, from, to)
	if err != nil {
		return Programme{}, err
	}
	counts := AttributeHires(hires, completions)
	for i := range rows {
		r := &rows[i]
		n := counts[RowKey{r.Track, r.Level}]
		r.Hires, r.HiredGraduates = n.Hires, n.HiredGraduates
		r.CompletionRate = CompletionRate(r.Completed, r.Failed)
		r.HireRate = ratio(r.HiredGraduates, r.Graduates)
	}
	p := Programme{Rows: rows}
	if from != "" {
		p.From = &from
	}
	if to != "" {
		p.To = &to
	}
	return p, nil
}

// CompletionRate is completed / (completed + failed), rounded to four
// places, or nil when no result is in.
func CompletionRate(completed, failed int) *float64 {
	if completed+failed == 0 {
		return nil
	}
	r := ratio(completed, completed+failed)
	return &r
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*10000) / 10000
}
