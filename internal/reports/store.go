package reports

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// Store is the SQL of the reports: aggregation in the database. Every
// method runs on the bun.IDB it is given.
type Store struct{}

// cohortSummary counts a cohort's enrolments by status and averages the
// recorded results (attendance as a fraction of the course's hours).
func (Store) cohortSummary(ctx context.Context, idb bun.IDB, cohortID string) (CohortSummary, error) {
	var rows []CohortSummary
	err := idb.NewRaw(`SELECT ch.id AS cohort_id, co.code AS course_code, co.title AS course_title, ch.label,
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
		return CohortSummary{}, apperr.NotFound(msg.NotFoundCohort)
	}
	return rows[0], nil
}

// programme aggregates, per track and level (every track of the catalogue
// at every level, zeros included), the cohorts that start within
// [from, to] (dates; "" leaves that end open) and are not cancelled:
// their courses, cohorts and seats; their enrolments by outcome; their
// graduates (distinct trainees who completed), those of them in the pool
// now, and the contact requests and hires those graduates received.
func (Store) programme(ctx context.Context, idb bun.IDB, from, to string) ([]ProgrammeRow, error) {
	var rows []ProgrammeRow
	err := idb.NewRaw(`WITH c AS (
    SELECT ch.id, ch.capacity, co.id AS course_id, co.track, co.level
      FROM cohorts AS ch JOIN courses AS co ON co.id = ch.course_id
     WHERE `+inPeriod+`
), e AS (
    SELECT c.track, c.level, en.status, en.trainee_id
      FROM enrolments AS en JOIN c ON c.id = en.cohort_id
), grads AS (
    SELECT DISTINCT track, level, trainee_id FROM e WHERE status = 'completed'
), levels AS (
    SELECT 1 AS level UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
), grid AS (
    SELECT t.code AS track, l.level FROM tracks AS t CROSS JOIN levels AS l
), cs AS (
    SELECT track, level, COUNT(DISTINCT course_id) AS courses, COUNT(*) AS cohorts, SUM(capacity) AS seats
      FROM c GROUP BY track, level
), es AS (
    SELECT track, level,
           SUM(CASE WHEN status IN ('enrolled', 'completed', 'failed') THEN 1 ELSE 0 END) AS enrolled,
           SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END) AS waitlisted,
           SUM(CASE WHEN status = 'enrolled' THEN 1 ELSE 0 END) AS in_progress,
           SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
           SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed
      FROM e GROUP BY track, level
), gs AS (
    SELECT g.track, g.level, COUNT(*) AS graduates,
           SUM(CASE WHEN u.pool_opt_in AND u.active THEN 1 ELSE 0 END) AS graduates_in_pool
      FROM grads AS g JOIN users AS u ON u.id = g.trainee_id GROUP BY g.track, g.level
), crs AS (
    SELECT g.track, g.level, COUNT(*) AS contact_requests
      FROM grads AS g JOIN contact_requests AS cr ON cr.trainee_id = g.trainee_id GROUP BY g.track, g.level
)
SELECT grid.track, grid.level,
       COALESCE(cs.courses, 0) AS courses, COALESCE(cs.cohorts, 0) AS cohorts, COALESCE(cs.seats, 0) AS seats,
       COALESCE(es.enrolled, 0) AS enrolled, COALESCE(es.waitlisted, 0) AS waitlisted,
       COALESCE(es.in_progress, 0) AS in_progress,
       COALESCE(es.completed, 0) AS completed, COALESCE(es.failed, 0) AS failed,
       COALESCE(gs.graduates, 0) AS graduates, COALESCE(gs.graduates_in_pool, 0) AS graduates_in_pool,
       COALESCE(crs.contact_requests, 0) AS contact_requests
  FROM grid
  LEFT JOIN cs ON cs.track = grid.track AND cs.level = grid.level
  LEFT JOIN es ON es.track = grid.track AND es.level = grid.level
  LEFT JOIN gs ON gs.track = grid.track AND gs.level = grid.level
  LEFT JOIN crs ON crs.track = grid.track AND crs.level = grid.level
 ORDER BY grid.track, grid.level`, from, to).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("programme report: %w", err)
	}
	return rows, nil
}

// hires reads every recorded hire.
func (Store) hires(ctx context.Context, idb bun.IDB) ([]Hire, error) {
	var hs []Hire
	if err := idb.NewSelect().Table("hires").Column("id", "trainee_id", "created_at").Order("id").Scan(ctx, &hs); err != nil {
		return nil, fmt.Errorf("read hires: %w", err)
	}
	return hs, nil
}

// inPeriod is the report's period, one text for both of its queries: the
// cohort ch is not cancelled and starts within [?0, ?1] ("" leaves that
// end open).
const inPeriod = `ch.cancelled_at IS NULL AND (?0 = '' OR ch.starts_on >= ?0) AND (?1 = '' OR ch.starts_on <= ?1)`

// hiredCompletions reads the completed enrolments of every hired trainee,
// each marked with whether its cohort is in the report's period.
func (Store) hiredCompletions(ctx context.Context, idb bun.IDB, from, to string) ([]Completion, error) {
	var rows []struct {
		Completion
		InPeriod int `bun:"in_period"`
	}
	err := idb.NewRaw(`SELECT en.id AS enrolment_id, en.trainee_id, co.track, co.level, en.result_recorded_at AS completed_at,
       CASE WHEN `+inPeriod+` THEN 1 ELSE 0 END AS in_period
  FROM enrolments AS en
  JOIN cohorts AS ch ON ch.id = en.cohort_id
  JOIN courses AS co ON co.id = ch.course_id
 WHERE en.status = 'completed' AND en.trainee_id IN (SELECT trainee_id FROM hires)
 ORDER BY en.id`, from, to).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read completions of hired trainees: %w", err)
	}
	out := make([]Completion, len(rows))
	for i, r := range rows {
		out[i] = r.Completion
		out[i].InPeriod = r.InPeriod == 1
	}
	return out, nil
}
