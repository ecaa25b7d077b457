package catalogue

// The level rule, in one place. A trainee's level in a track is the
// highest level of a course they completed in it, or the level of their
// latest admin placement there if that is higher (0 if neither); a later
// placement replaces an earlier one in the same track, so an admin can
// correct a placement downwards, and completed courses still count. A
// trainee may take a course of level L in track T only if L ≤ level(T)+1.
//
// In Go the rule is standingOf (the fold of a trainee's facts into levels)
// and levelAllows (the step up). In SQL it is the two sources below, which
// every query that reads or compares a level is built from: standingQuery,
// which reads the facts standingOf folds (for enrolment's eligibility, a
// trainee's profile, the pool's entries), and LevelAtLeast, the condition
// "level ≥ m" of the graduate pool's search.

// standing is what eligibility needs to know about a trainee.
type standing struct {
	levels    map[string]int  // track -> level; tracks at level 0 are absent
	completed map[string]bool // course ids
}

// standingRow is one fact of a trainee's standing: a completed course
// (Kind "c", with its id) or the latest placement in a track (Kind "p").
// Eligibility adds the course asked for ("g") and its prerequisites ("r"),
// which the fold ignores.
type standingRow struct {
	Kind     string  `bun:"kind"`
	CourseID *string `bun:"course_id"`
	Code     *string `bun:"code"`
	Track    string  `bun:"track"`
	Level    int     `bun:"level"`
}

// standingOf folds completion and placement rows into levels per track and
// the set of completed courses: the level in a track is the highest level
// among them. The rows hold only the latest placement per track (see
// currentPlacement), so a lowered placement is not outranked by the one it
// replaced.
func standingOf(rows []standingRow) standing {
	st := standing{levels: map[string]int{}, completed: map[string]bool{}}
	for _, r := range rows {
		if r.Kind == "c" && r.CourseID != nil {
			st.completed[*r.CourseID] = true
		}
		if r.Level > st.levels[r.Track] {
			st.levels[r.Track] = r.Level
		}
	}
	return st
}

// levelAllows reports whether a trainee at level have in a track may take
// a course of level in it: one step above their level at most.
func levelAllows(have, level int) bool { return level <= have+1 }

// completedEnrolment is the condition that the enrolment e counts toward
// its trainee's level: it was completed, at its course's level in its
// course's track.
func completedEnrolment(e string) string { return e + ".status = 'completed'" }

// currentPlacement is the condition that the placement p is the one that
// counts: its trainee's latest in its track.
func currentPlacement(p string) string {
	return p + ".id = (SELECT MAX(p2.id) FROM placements AS p2 WHERE p2.trainee_id = " + p + ".trainee_id AND p2.track = " + p + ".track)"
}

// standingQuery is the SQL of the standing rows (see standingRow) of the
// trainees whose id satisfies traineeMatch, a condition on the id column
// written after it ("= ?1", "IN (?0)"); withTrainee adds the trainee's id
// as a first column, trainee_id, for a query over several trainees.
func standingQuery(traineeMatch string, withTrainee bool) string {
	completion, placement := "", ""
	if withTrainee {
		completion, placement = "e.trainee_id AS trainee_id, ", "p.trainee_id AS trainee_id, "
	}
	return `SELECT ` + completion + `'c' AS kind, c.id AS course_id, NULL AS code, c.track AS track, c.level AS level
  FROM enrolments AS e
  JOIN cohorts AS ch ON ch.id = e.cohort_id
  JOIN courses AS c ON c.id = ch.course_id
 WHERE e.trainee_id ` + traineeMatch + ` AND ` + completedEnrolment("e") + `
UNION ALL
SELECT ` + placement + `'p' AS kind, NULL AS course_id, NULL AS code, p.track AS track, p.level AS level
  FROM placements AS p
 WHERE p.trainee_id ` + traineeMatch + `
   AND ` + currentPlacement("p")
}

// LevelForm is how LevelAtLeast reaches a trainee's completions and
// placements; the graduate pool picks the one its plan needs.
type LevelForm int

const (
	// PerTrainee checks each trainee met, through an index on the
	// trainee: cheap when few trainees are met (a walk that stops early,
	// a region's members). The completions are a scalar subquery rather
	// than EXISTS, which PostgreSQL may turn into a hash of everything the
	// subquery could find (every completion of a broad track, 40,000
	// rows) to check a few hundred trainees.
	PerTrainee LevelForm = iota
	// TraineeSet builds the set of trainees at the level once, from the
	// completions of the few cohorts whose course counts and from the
	// placements, for a database to start from when nothing else narrows
	// the trainees.
	TraineeSet
)

// LevelAtLeast is the level rule as an SQL condition on the trainee whose
// id is the column traineeID, with its arguments: their level in track is
// at least min (min ≥ 1), or in any track if track is "". That holds when
// they completed a course of level min or above there, or their current
// placement there is at min or above. The cohorts of the courses that
// count are a small set, read once.
func LevelAtLeast(traineeID, track string, min int, form LevelForm) (string, []any) {
	course, placed := "", ""
	args := []any{min}
	if track != "" {
		course, placed = " AND lc.track = ?", " AND p.track = ?"
		args = append(args, track)
	}
	args = append(args, args...)
	cohorts := `SELECT lch.id FROM cohorts AS lch JOIN courses AS lc ON lc.id = lch.course_id WHERE lc.level >= ?` + course
	latest := `p.level >= ?` + placed + `
     AND ` + currentPlacement("p")
	if form == TraineeSet {
		return `(` + traineeID + ` IN (SELECT le.trainee_id FROM enrolments AS le
   WHERE ` + completedEnrolment("le") + ` AND le.cohort_id IN (` + cohorts + `))
 OR ` + traineeID + ` IN (SELECT p.trainee_id FROM placements AS p WHERE ` + latest + `))`, args
	}
	return `((SELECT 1 FROM enrolments AS le
   WHERE le.trainee_id = ` + traineeID + ` AND ` + completedEnrolment("le") + ` AND le.cohort_id IN (` + cohorts + `) LIMIT 1) IS NOT NULL
 OR EXISTS (SELECT 1 FROM placements AS p WHERE p.trainee_id = ` + traineeID + ` AND ` + latest + `))`, args
}

// QualifyingRows is the level rule as the SQL of the facts that give
// trainees a level of at least min (≥ 1) in track, with its arguments: one
// row (trainee_id, level, at) per completed course there at min or above,
// at being when its result was recorded, and one per current placement
// there at min or above, with a NULL at. A trainee has such a row exactly
// when LevelAtLeast holds, and then their level in the track is the
// highest level among their rows. Employer demand ranks its matches from
// them (the level, and the latest qualifying completion).
func QualifyingRows(track string, min int) (string, []any) {
	return `SELECT e.trainee_id AS trainee_id, c.level AS level, e.result_recorded_at AS at
  FROM courses AS c
  JOIN cohorts AS ch ON ch.course_id = c.id
  JOIN enrolments AS e ON e.cohort_id = ch.id
 WHERE c.track = ? AND c.level >= ? AND ` + completedEnrolment("e") + `
UNION ALL
SELECT p.trainee_id AS trainee_id, p.level AS level, NULL AS at
  FROM placements AS p
 WHERE p.track = ? AND p.level >= ? AND ` + currentPlacement("p"), []any{track, min, track, min}
}
