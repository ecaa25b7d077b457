package catalogue

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

func (s Store) insertPlacement(ctx context.Context, idb bun.IDB, p *Placement) error {
	if _, err := idb.NewInsert().Model(p).Exec(ctx); err != nil {
		return fmt.Errorf("insert placement: %w", err)
	}
	return nil
}

// eligibilityFacts reads in one query everything eligibility needs: the
// course (Kind "g"), its prerequisites with their codes ("r") and the
// trainee's standing ("c" and "p" rows). Enrolment calls it on every
// request of a registration rush, so it is one round trip.
func (s Store) eligibilityFacts(ctx context.Context, d bun.IDB, traineeID, courseID string) ([]standingRow, error) {
	var out []standingRow
	err := db.Query(ctx, d, &out, `SELECT 'g' AS kind, c.id AS course_id, c.code AS code, c.track AS track, c.level AS level
  FROM courses AS c WHERE c.id = ?0
UNION ALL
SELECT 'r' AS kind, p.prerequisite_id AS course_id, pc.code AS code, pc.track AS track, pc.level AS level
  FROM course_prerequisites AS p JOIN courses AS pc ON pc.id = p.prerequisite_id
 WHERE p.course_id = ?0
UNION ALL
`+standingQuery("= ?1", false), courseID, traineeID)
	if err != nil {
		return nil, fmt.Errorf("read eligibility of %s for %s: %w", traineeID, courseID, err)
	}
	return out, nil
}

// standing reads, in one query, the trainee's completed courses with their
// track and level, and their latest placement in each track (an admin may
// correct a placement downwards by placing again).
func (s Store) standing(ctx context.Context, idb bun.IDB, traineeID string) ([]standingRow, error) {
	var out []standingRow
	err := idb.NewRaw(standingQuery("= ?1", false), nil, traineeID).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("read standing of %s: %w", traineeID, err)
	}
	return out, nil
}

// traineeStandingRow is a standingRow of one of several trainees.
type traineeStandingRow struct {
	TraineeID string `bun:"trainee_id"`
	standingRow
}

// standings is standing for several trainees at once, in one query.
func (s Store) standings(ctx context.Context, idb bun.IDB, traineeIDs []string) ([]traineeStandingRow, error) {
	var out []traineeStandingRow
	err := idb.NewRaw(standingQuery("IN (?0)", true),
		bun.List(traineeIDs)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("read standings of %d trainees: %w", len(traineeIDs), err)
	}
	return out, nil
}

// enrolledCourses lists the courses the trainee has an enrolment of one of
// the statuses in.
func (s Store) enrolledCourses(ctx context.Context, idb bun.IDB, traineeID string, statuses ...string) ([]string, error) {
	out := []string{}
	err := idb.NewSelect().TableExpr("enrolments AS e").ColumnExpr("DISTINCT ch.course_id").
		Join("JOIN cohorts AS ch ON ch.id = e.cohort_id").
		Where("e.trainee_id = ?", traineeID).Where("e.status IN (?)", bun.List(statuses)).
		Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("read enrolled courses: %w", err)
	}
	return out, nil
}
