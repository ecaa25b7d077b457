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

// eligibilityKey is a trainee and a course they would take.
type eligibilityKey struct{ TraineeID, CourseID string }

// eligibilityFacts reads in one statement everything eligibility needs for
// each key: the course (Kind "g"), its prerequisites with their codes
// ("r") and the trainee's standing ("c" and "p" rows). Enrolment needs it
// on every request of a registration rush, where the requests in flight
// share one read (EligibilityChecks); its cost grows with the keys asked
// for, a few index lookups each. A key whose course does not exist has no
// "g" row.
func (s Store) eligibilityFacts(ctx context.Context, d bun.IDB, keys []eligibilityKey) (map[eligibilityKey][]standingRow, error) {
	trainees, courses := make([]string, len(keys)), make([]string, len(keys))
	distinct := make([]string, 0, len(keys))
	seen := make(map[string]bool, len(keys))
	for i, k := range keys {
		trainees[i], courses[i] = k.TraineeID, k.CourseID
		if !seen[k.TraineeID] {
			seen[k.TraineeID] = true
			distinct = append(distinct, k.TraineeID)
		}
	}
	pairs, args := db.Pairs(d, 0, trainees, courses, "k")
	in, list := db.In(d, 2, distinct)
	var rows []struct {
		TraineeID string  `bun:"trainee_id"`
		ForCourse *string `bun:"for_course"`
		standingRow
	}
	err := db.Query(ctx, d, &rows, `WITH wanted AS (SELECT k.a AS trainee_id, k.b AS course_id FROM `+pairs+`)
SELECT w.trainee_id, w.course_id AS for_course, 'g' AS kind, c.id AS course_id, c.code AS code, c.track AS track, c.level AS level
  FROM wanted AS w JOIN courses AS c ON c.id = w.course_id
UNION ALL
SELECT w.trainee_id, w.course_id, 'r', p.prerequisite_id, pc.code, pc.track, pc.level
  FROM wanted AS w
  JOIN course_prerequisites AS p ON p.course_id = w.course_id
  JOIN courses AS pc ON pc.id = p.prerequisite_id
UNION ALL
SELECT st.trainee_id, NULL, st.kind, st.course_id, st.code, st.track, st.level
  FROM (`+standingQuery(in, true)+`) AS st`, append(args, list)...)
	if err != nil {
		return nil, fmt.Errorf("read eligibility of %d enrolments: %w", len(keys), err)
	}
	byTrainee := map[string][]standingRow{}
	out := make(map[eligibilityKey][]standingRow, len(keys))
	for _, r := range rows {
		if r.ForCourse == nil {
			byTrainee[r.TraineeID] = append(byTrainee[r.TraineeID], r.standingRow)
			continue
		}
		k := eligibilityKey{TraineeID: r.TraineeID, CourseID: *r.ForCourse}
		out[k] = append(out[k], r.standingRow)
	}
	for _, k := range keys {
		if st := byTrainee[k.TraineeID]; len(st) > 0 {
			out[k] = append(out[k], st...)
		}
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
