package reports

import (
	"context"
	"math"
	"sort"
	"strconv"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
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
		return CohortSummary{}, apperr.NotFound(msg.NotFoundCohort)
	}
	c, err := s.Store.cohortSummary(ctx, cohortID)
	if err != nil {
		return CohortSummary{}, err
	}
	if actor.Role != auth.Admin && c.InstructorID != actor.ID {
		return CohortSummary{}, apperr.NotFound(msg.NotFoundCohort)
	}
	return c, nil
}

// Programme reports the programme's outcomes per track and level for the
// cohorts starting within [from, to] (YYYY-MM-DD dates, either may be
// empty). Rates are fractions, 0 when there is nothing to divide by:
// completion_rate = completed / enrolled (the trainees who held a seat),
// hire_rate = hired graduates / graduates.
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
	rows, err := s.Store.programme(ctx, from, to)
	if err != nil {
		return Programme{}, err
	}
	for i := range rows {
		rows[i].CompletionRate = ratio(rows[i].Completed, rows[i].Enrolled)
		rows[i].HireRate = ratio(rows[i].HiredGraduates, rows[i].Graduates)
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

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*10000) / 10000
}

// CSVHeader and CSVRecord write the programme report as CSV.
var CSVHeader = []string{"track", "level", "courses", "cohorts", "seats", "enrolled", "waitlisted", "completed", "failed",
	"completion_rate", "graduates", "graduates_in_pool", "contact_requests", "hires", "hired_graduates", "hire_rate"}

// CSVRecord is one row of the CSV, in CSVHeader's order.
func (r ProgrammeRow) CSVRecord() []string {
	i := strconv.Itoa
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return []string{r.Track, i(r.Level), i(r.Courses), i(r.Cohorts), i(r.Seats), i(r.Enrolled), i(r.Waitlisted),
		i(r.Completed), i(r.Failed), f(r.CompletionRate), i(r.Graduates), i(r.GraduatesInPool), i(r.ContactRequests),
		i(r.Hires), i(r.HiredGraduates), f(r.HireRate)}
}
