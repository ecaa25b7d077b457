package reports

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
)

// Store is the SQL of the reports: aggregation in the database.
type Store struct {
	DB *bun.DB
}

// cohortSummary counts a cohort's enrolments by status and averages the
// recorded results (attendance as a fraction of the course's hours).
func (s Store) cohortSummary(ctx context.Context, cohortID string) (CohortSummary, error) {
	var rows []CohortSummary
	err := s.DB.NewRaw(`SELECT ch.id AS cohort_id, co.code AS course_code, co.title AS course_title, ch.label,
       ch.capacity, ch.instructor_id,
       COUNT(CASE WHEN e.status = 'enrolled' THEN 1 END) AS enrolled,
       COUNT(CASE WHEN e.status = 'waitlisted' THEN 1 END) AS waitlisted,
       COUNT(CASE WHEN e.status = 'withdrawn' THEN 1 END) AS withdrawn,
       COUNT(CASE WHEN e.status = 'completed' THEN 1 END) AS completed,
       COUNT(CASE WHEN e.status = 'failed' THEN 1 END) AS failed,
       COUNT(CASE WHEN e.status = 'cancelled' THEN 1 END) AS cancelled,
       AVG(e.attended_hours / co.hours) AS average_attendance,
       AVG(e.attended_hours) AS average_attended_hours,
       AVG(e.score) AS average_score
  FROM cohorts AS ch
  JOIN courses AS co ON co.id = ch.course_id
  LEFT JOIN enrolments AS e ON e.cohort_id = ch.id
 WHERE ch.id = ?
 GROUP BY ch.id, co.code, co.title, ch.label, ch.capacity, ch.instructor_id`, cohortID).Scan(ctx, &rows)
	if err != nil {
		return CohortSummary{}, fmt.Errorf("summarise cohort %s: %w", cohortID, err)
	}
	if len(rows) == 0 {
		return CohortSummary{}, apperr.NotFound("cohort")
	}
	return rows[0], nil
}
