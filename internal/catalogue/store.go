package catalogue

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// Store is the SQL of tracks, courses, cohorts, placements and the reads of
// enrolments that levels and seat counts need. It holds nothing: every
// method runs on the handle it is given (the database or a transaction).
type Store struct{}

type courseSkill struct {
	bun.BaseModel `bun:"table:course_skills"`

	CourseID string `bun:"course_id,pk"`
	Skill    string `bun:"skill,pk"`
}

type coursePrerequisite struct {
	bun.BaseModel `bun:"table:course_prerequisites"`

	CourseID       string `bun:"course_id,pk"`
	PrerequisiteID string `bun:"prerequisite_id,pk"`
}

// --- tracks

func (s Store) tracks(ctx context.Context, idb bun.IDB) ([]Track, error) {
	ts := []Track{}
	if err := idb.NewSelect().Model(&ts).Order("code").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list tracks: %w", err)
	}
	return ts, nil
}

func (s Store) trackExists(ctx context.Context, idb bun.IDB, code string) (bool, error) {
	ok, err := idb.NewSelect().Model((*Track)(nil)).Where("code = ?", code).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("find track %s: %w", code, err)
	}
	return ok, nil
}

func (s Store) insertTrack(ctx context.Context, idb bun.IDB, t *Track) error {
	if _, err := idb.NewInsert().Model(t).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("track_exists", msg.TrackExists, "code", t.Code)
		}
		return fmt.Errorf("insert track: %w", err)
	}
	return nil
}

// --- courses

func (s Store) insertCourse(ctx context.Context, idb bun.IDB, c *Course) error {
	if _, err := idb.NewInsert().Model(c).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("course_code_taken", msg.CourseCodeTaken, "code", c.Code)
		}
		return fmt.Errorf("insert course: %w", err)
	}
	return nil
}

func (s Store) updateCourse(ctx context.Context, idb bun.IDB, c *Course, cols ...string) error {
	if _, err := idb.NewUpdate().Model(c).Column(cols...).WherePK().Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("course_code_taken", msg.CourseCodeTaken, "code", c.Code)
		}
		return fmt.Errorf("update course %s: %w", c.ID, err)
	}
	return nil
}

func (s Store) course(ctx context.Context, idb bun.IDB, id string, lock bool) (Course, error) {
	var c Course
	q := idb.NewSelect().Model(&c).Where("c.id = ?", id)
	if lock {
		q = db.Locking(q)
	}
	if err := q.Scan(ctx); err != nil {
		return c, db.NotFound(err, msg.NotFoundCourse)
	}
	cs := []Course{c}
	if err := s.attach(ctx, idb, cs); err != nil {
		return c, err
	}
	return cs[0], nil
}

func (s Store) courseByCode(ctx context.Context, idb bun.IDB, code string) (Course, error) {
	var c Course
	if err := idb.NewSelect().Model(&c).Where("c.code = ?", code).Scan(ctx); err != nil {
		return c, db.NotFound(err, msg.NotFoundCourse)
	}
	cs := []Course{c}
	if err := s.attach(ctx, idb, cs); err != nil {
		return c, err
	}
	return cs[0], nil
}

// coursesByID reads the courses with the ids (without skills and
// prerequisites), keyed by id; missing ids are simply absent.
func (s Store) coursesByID(ctx context.Context, idb bun.IDB, ids []string) (map[string]Course, error) {
	out := map[string]Course{}
	if len(ids) == 0 {
		return out, nil
	}
	var cs []Course
	if err := idb.NewSelect().Model(&cs).Where("c.id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read courses: %w", err)
	}
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, nil
}

// dependents are the courses that have id as a prerequisite.
func (s Store) dependents(ctx context.Context, idb bun.IDB, id string) ([]Course, error) {
	var cs []Course
	err := idb.NewSelect().Model(&cs).
		Join("JOIN course_prerequisites AS cp ON cp.course_id = c.id").
		Where("cp.prerequisite_id = ?", id).Order("c.code").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("read dependents of %s: %w", id, err)
	}
	return cs, nil
}

// prerequisitesOf lists the prerequisite ids of the courses.
func (s Store) prerequisitesOf(ctx context.Context, idb bun.IDB, courseIDs []string) ([]string, error) {
	out := []string{}
	if len(courseIDs) == 0 {
		return out, nil
	}
	err := idb.NewSelect().Table("course_prerequisites").Column("prerequisite_id").
		Where("course_id IN (?)", bun.In(courseIDs)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("read prerequisites: %w", err)
	}
	return out, nil
}

func (s Store) replaceSkills(ctx context.Context, idb bun.IDB, courseID string, skills []string) error {
	if _, err := idb.NewDelete().Table("course_skills").Where("course_id = ?", courseID).Exec(ctx); err != nil {
		return fmt.Errorf("clear course skills: %w", err)
	}
	if len(skills) == 0 {
		return nil
	}
	rows := make([]courseSkill, 0, len(skills))
	for _, sk := range skills {
		rows = append(rows, courseSkill{CourseID: courseID, Skill: sk})
	}
	if _, err := idb.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("write course skills: %w", err)
	}
	return nil
}

func (s Store) replacePrerequisites(ctx context.Context, idb bun.IDB, courseID string, prereqs []string) error {
	if _, err := idb.NewDelete().Table("course_prerequisites").Where("course_id = ?", courseID).Exec(ctx); err != nil {
		return fmt.Errorf("clear prerequisites: %w", err)
	}
	if len(prereqs) == 0 {
		return nil
	}
	rows := make([]coursePrerequisite, 0, len(prereqs))
	for _, p := range prereqs {
		rows = append(rows, coursePrerequisite{CourseID: courseID, PrerequisiteID: p})
	}
	if _, err := idb.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("write prerequisites: %w", err)
	}
	return nil
}

// attach fills in the skills and prerequisites of cs with two queries.
func (s Store) attach(ctx context.Context, idb bun.IDB, cs []Course) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	at := make(map[string]int, len(cs))
	for i := range cs {
		ids[i] = cs[i].ID
		at[cs[i].ID] = i
		cs[i].Skills = []string{}
		cs[i].Prerequisites = []string{}
	}
	var skills []struct {
		CourseID string `bun:"course_id"`
		Skill    string `bun:"skill"`
	}
	err := idb.NewSelect().Table("course_skills").Column("course_id", "skill").
		Where("course_id IN (?)", bun.In(ids)).Order("course_id", "skill").Scan(ctx, &skills)
	if err != nil {
		return fmt.Errorf("read course skills: %w", err)
	}
	for _, r := range skills {
		c := &cs[at[r.CourseID]]
		c.Skills = append(c.Skills, r.Skill)
	}
	var prereqs []struct {
		CourseID       string `bun:"course_id"`
		PrerequisiteID string `bun:"prerequisite_id"`
	}
	err = idb.NewSelect().Table("course_prerequisites").Column("course_id", "prerequisite_id").
		Where("course_id IN (?)", bun.In(ids)).Order("course_id", "prerequisite_id").Scan(ctx, &prereqs)
	if err != nil {
		return fmt.Errorf("read prerequisites: %w", err)
	}
	for _, r := range prereqs {
		c := &cs[at[r.CourseID]]
		c.Prerequisites = append(c.Prerequisites, r.PrerequisiteID)
	}
	return nil
}

// coursesQuery is the list query: one page of courses in id order after
// the cursor. publishedOnly hides drafts and archived courses. Every
// equality filter leads an index that ends in id, so a page can be read
// in order from the cursor on, never sorted:
//
//	status             courses_status_id_idx        (status, id)
//	track [+ status]   courses_track_status_id_idx  (track, status, id)
//	level [+ status]   courses_level_status_id_idx  (level, status, id)
//	track and level    courses_track_level_id_idx   (track, level, id); status
//	                   is checked on the rows walked (drafts are few)
//
// skill and q are checked on the rows walked. On 10,000 analysed courses
// in 24 tracks, a public page by track and level (about 70 courses) plans as
//
//	SQLite:     SEARCH c USING INDEX courses_track_level_id_idx (track=? AND level=? AND id>?)
//	PostgreSQL: Index Scan using courses_track_level_id_idx on courses c
//	              Index Cond: (track = ... AND level = ... AND id > ...)  Filter: (status = ...)
//
// and PostgreSQL, once the rows left fit in the page, takes them through
// the same index by bitmap and sorts those few. Where a filter keeps
// hundreds of courses or more (track alone, level alone, none), PostgreSQL
// rightly prefers walking courses_pkey, which holds the rows in the order
// they were written, and filtering; SQLite takes the index of the filter.
// (TestCourseListUsesAnIndex checks these plans on both databases.)
func (s Store) coursesQuery(idb bun.IDB, dst *[]Course, f CourseFilter, publishedOnly bool, p page.Params) *bun.SelectQuery {
	q := idb.NewSelect().Model(dst).Order("c.id").Limit(int64(p.Limit + 1))
	if publishedOnly {
		q = q.Where("c.status = ?", Published)
	}
	if f.Status != "" {
		q = q.Where("c.status = ?", f.Status)
	}
	if f.Track != "" {
		q = q.Where("c.track = ?", f.Track)
	}
	if f.Level != 0 {
		q = q.Where("c.level = ?", f.Level)
	}
	if f.Skill != "" {
		q = q.Where("EXISTS (SELECT 1 FROM course_skills AS cs WHERE cs.course_id = c.id AND cs.skill = ?)", f.Skill)
	}
	if f.Q != "" {
		q = q.Where(`c.search_text LIKE ? ESCAPE '\'`, "%"+escapeLike(f.Q)+"%")
	}
	if len(p.After) > 0 {
		q = q.Where("c.id > ?", p.After[0])
	}
	return q
}

func (s Store) listCourses(ctx context.Context, idb bun.IDB, f CourseFilter, publishedOnly bool, p page.Params) ([]Course, error) {
	var cs []Course
	if err := s.coursesQuery(idb, &cs, f, publishedOnly, p).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list courses: %w", err)
	}
	if err := s.attach(ctx, idb, cs); err != nil {
		return nil, err
	}
	return cs, nil
}

// escapeLike makes s match literally inside a LIKE pattern escaped by \.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// --- cohorts

// cohortQuery selects cohorts with their course's headline, their
// instructor's name and their waitlist length.
func (s Store) cohortQuery(idb bun.IDB, dst any) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).
		ColumnExpr("ch.*").
		ColumnExpr("c.code AS course_code, c.title AS course_title, c.status AS course_status, c.track AS track, c.level AS level").
		ColumnExpr("u.name AS instructor_name").
		ColumnExpr("(SELECT COUNT(*) FROM enrolments AS e WHERE e.cohort_id = ch.id AND e.status = 'waitlisted') AS waitlist_length").
		Join("JOIN courses AS c ON c.id = ch.course_id").
		Join("JOIN users AS u ON u.id = ch.instructor_id")
}

func (s Store) cohort(ctx context.Context, idb bun.IDB, id string) (Cohort, error) {
	var ch Cohort
	if err := s.cohortQuery(idb, &ch).Where("ch.id = ?", id).Scan(ctx); err != nil {
		return ch, db.NotFound(err, msg.NotFoundCohort)
	}
	return ch, nil
}

// lockCohort reads the bare cohort row, locked for the transaction.
func (s Store) lockCohort(ctx context.Context, idb bun.IDB, id string) (Cohort, error) {
	var ch Cohort
	if err := db.Locking(idb.NewSelect().Model(&ch).Where("ch.id = ?", id)).Scan(ctx); err != nil {
		return ch, db.NotFound(err, msg.NotFoundCohort)
	}
	return ch, nil
}

func (s Store) insertCohort(ctx context.Context, idb bun.IDB, ch *Cohort) error {
	if _, err := idb.NewInsert().Model(ch).ExcludeColumn(cohortReadOnly...).Exec(ctx); err != nil {
		return fmt.Errorf("insert cohort: %w", err)
	}
	return nil
}

// cohortReadOnly are the columns the enrolment work owns.
var cohortReadOnly = []string{"seats_taken", "waitlist_seq_last", "waitlist_left"}

func (s Store) updateCohort(ctx context.Context, idb bun.IDB, ch *Cohort, cols ...string) error {
	if _, err := idb.NewUpdate().Model(ch).Column(cols...).WherePK().Exec(ctx); err != nil {
		if db.IsCheckViolation(err) {
			return apperr.Conflict("capacity_below_seats", msg.CapacityBelowSeats)
		}
		return fmt.Errorf("update cohort %s: %w", ch.ID, err)
	}
	return nil
}

// cohortVisibility limits who sees which cohorts.
type cohortVisibility struct {
	publishedOnly bool // hide cohorts of unpublished courses
}

// openAt is the SQL condition of a cohort whose enrolment window holds now.
func openAt(q *bun.SelectQuery, now time.Time) *bun.SelectQuery {
	return q.Where("ch.cancelled_at IS NULL").
		Where("ch.enrol_opens_at <= ?", now).
		Where("ch.enrol_closes_at > ?", now)
}

func (s Store) listCohorts(ctx context.Context, idb bun.IDB, f CohortFilter, v cohortVisibility, now time.Time, p page.Params) ([]Cohort, error) {
	var chs []Cohort
	q := s.cohortQuery(idb, &chs).Order("ch.starts_on", "ch.id").Limit(int64(p.Limit + 1))
	if v.publishedOnly {
		q = q.Where("c.status = ?", Published)
	}
	if f.CourseID != "" {
		q = q.Where("ch.course_id = ?", f.CourseID)
	}
	if f.InstructorID != "" {
		q = q.Where("ch.instructor_id = ?", f.InstructorID)
	}
	if f.Track != "" {
		q = q.Where("c.track = ?", f.Track)
	}
	if f.Level != 0 {
		q = q.Where("c.level = ?", f.Level)
	}
	if f.Open != nil {
		if *f.Open {
			q = openAt(q, now)
		} else {
			q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("ch.cancelled_at IS NOT NULL").
					WhereOr("ch.enrol_opens_at > ?", now).
					WhereOr("ch.enrol_closes_at <= ?", now)
			})
		}
	}
	if len(p.After) == 2 {
		q = q.Where("(ch.starts_on > ? OR (ch.starts_on = ? AND ch.id > ?))", p.After[0], p.After[0], p.After[1])
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list cohorts: %w", err)
	}
	return chs, nil
}

// openCohorts are the cohorts of published courses whose window holds now.
func (s Store) openCohorts(ctx context.Context, idb bun.IDB, now time.Time) ([]Cohort, error) {
	var chs []Cohort
	q := openAt(s.cohortQuery(idb, &chs), now).Where("c.status = ?", Published).Order("ch.enrol_closes_at", "ch.starts_on", "ch.id")
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list open cohorts: %w", err)
	}
	return chs, nil
}

// account is what the catalogue checks of a user it is given by id.
type account struct {
	Role   string `bun:"role"`
	Active bool   `bun:"active"`
}

// user reads the role of the user with the id and whether the account is
// active (a deactivated account keeps its role).
func (s Store) user(ctx context.Context, idb bun.IDB, id string) (account, error) {
	var u account
	if err := idb.NewSelect().Table("users").Column("role", "active").Where("id = ?", id).Scan(ctx, &u); err != nil {
		return u, db.NotFound(err, msg.NotFoundUser)
	}
	return u, nil
}

// --- levels and placements

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
		bun.In(traineeIDs)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("read standings of %d trainees: %w", len(traineeIDs), err)
	}
	return out, nil
}

// gate is what eligibility needs of a course: its track, level and
// prerequisites with their codes, in one query.
type gate struct {
	ID            string
	Code          string
	Track         string
	Level         int
	Prerequisites map[string]string // id -> code
}

// enrolledCourses lists the courses the trainee has an enrolment of one of
// the statuses in.
func (s Store) enrolledCourses(ctx context.Context, idb bun.IDB, traineeID string, statuses ...string) ([]string, error) {
	out := []string{}
	err := idb.NewSelect().TableExpr("enrolments AS e").ColumnExpr("DISTINCT ch.course_id").
		Join("JOIN cohorts AS ch ON ch.id = e.cohort_id").
		Where("e.trainee_id = ?", traineeID).Where("e.status IN (?)", bun.In(statuses)).
		Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("read enrolled courses: %w", err)
	}
	return out, nil
}

// prerequisiteLock is the advisory lock key of the prerequisite graph.
const prerequisiteLock = 4_201_126

// lockPrerequisites serialises changes to the prerequisite graph on
// PostgreSQL, so that two concurrent edits cannot close a cycle that
// neither sees alone. SQLite's single writer already serialises them.
func (s Store) lockPrerequisites(ctx context.Context, idb bun.IDB) error {
	if !db.IsPostgres(idb) {
		return nil
	}
	if _, err := idb.NewRaw("SELECT pg_advisory_xact_lock(?)", prerequisiteLock).Exec(ctx); err != nil {
		return fmt.Errorf("lock prerequisites: %w", err)
	}
	return nil
}
