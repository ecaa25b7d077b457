package attendance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Store is the SQL of sessions, the register and calendar feeds. Every
// method runs on the bun.IDB it is given.
type Store struct{}

// cohortInfo is what the attendance rules need of a cohort and its course.
type cohortInfo struct {
	ID            string     `bun:"id"`
	Label         string     `bun:"label"`
	InstructorID  string     `bun:"instructor_id"`
	StartsOn      string     `bun:"starts_on"`
	EndsOn        string     `bun:"ends_on"`
	Location      *string    `bun:"location"`
	CancelledAt   *time.Time `bun:"cancelled_at"`
	CourseStatus  string     `bun:"course_status"`
	CourseCode    string     `bun:"course_code"`
	CourseTitle   string     `bun:"course_title"`
	Hours         float64    `bun:"hours"`
	MinAttendance float64    `bun:"min_attendance"`
}

func (Store) cohortQuery(idb bun.IDB, id string) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("cohorts AS ch").
		ColumnExpr("ch.id, ch.label, ch.instructor_id, ch.starts_on, ch.ends_on, ch.location, ch.cancelled_at").
		ColumnExpr("co.status AS course_status, co.code AS course_code, co.title AS course_title, co.hours, co.min_attendance").
		Join("JOIN courses AS co ON co.id = ch.course_id").
		Where("ch.id = ?", id)
}

// cohort reads a cohort and its course.
func (s Store) cohort(ctx context.Context, idb bun.IDB, id string) (cohortInfo, error) {
	var c cohortInfo
	if err := s.cohortQuery(idb, id).Scan(ctx, &c); err != nil {
		return c, db.NotFound(err, msg.NotFoundCohort)
	}
	return c, nil
}

// lockCohort reads a cohort and its course under the cohort's row lock:
// every change of a cohort's sessions or register takes it, so that two
// are decided one after the other (no overlapping sessions, one at-risk
// event).
func (s Store) lockCohort(ctx context.Context, tx bun.IDB, id string) (cohortInfo, error) {
	var c cohortInfo
	if err := db.Locking(s.cohortQuery(tx, id), db.ForUpdate("ch")).Scan(ctx, &c); err != nil {
		return c, db.NotFound(err, msg.NotFoundCohort)
	}
	return c, nil
}

// sessions lists a cohort's sessions, cancelled ones too, by start.
func (Store) sessions(ctx context.Context, idb bun.IDB, cohortID string) ([]Session, error) {
	ss := []Session{}
	if err := idb.NewSelect().Model(&ss).Where("s.cohort_id = ?", cohortID).Order("s.starts_at", "s.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("sessions of %s: %w", cohortID, err)
	}
	for i := range ss {
		ss[i].utc()
	}
	return ss, nil
}

func (Store) session(ctx context.Context, idb bun.IDB, id string) (Session, error) {
	var s Session
	if err := idb.NewSelect().Model(&s).Where("s.id = ?", id).Scan(ctx); err != nil {
		return s, db.NotFound(err, msg.NotFoundSession)
	}
	s.utc()
	return s, nil
}

func (Store) insertSessions(ctx context.Context, idb bun.IDB, ss []Session) error {
	if len(ss) == 0 {
		return nil
	}
	if _, err := idb.NewInsert().Model(&ss).Exec(ctx); err != nil {
		return fmt.Errorf("insert sessions: %w", err)
	}
	return nil
}

func (Store) updateSession(ctx context.Context, idb bun.IDB, s *Session, cols ...string) error {
	if _, err := idb.NewUpdate().Model(s).Column(cols...).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update session %s: %w", s.ID, err)
	}
	return nil
}

// seat is an enrolment as the register sees it.
type seat struct {
	ID        string `bun:"id"`
	CohortID  string `bun:"cohort_id"`
	TraineeID string `bun:"trainee_id"`
	Status    string `bun:"status"`
}

// seated lists the cohort's enrolments that hold a seat and await results.
func (Store) seated(ctx context.Context, idb bun.IDB, cohortID string) ([]seat, error) {
	var out []seat
	err := idb.NewSelect().Table("enrolments").Column("id", "cohort_id", "trainee_id", "status").
		Where("cohort_id = ?", cohortID).Where("status = 'enrolled'").OrderExpr("id").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("seats of %s: %w", cohortID, err)
	}
	return out, nil
}

func (Store) enrolments(ctx context.Context, idb bun.IDB, ids []string) (map[string]seat, error) {
	var es []seat
	if len(ids) > 0 {
		err := idb.NewSelect().Table("enrolments").Column("id", "cohort_id", "trainee_id", "status").
			Where("id IN (?)", bun.List(ids)).Scan(ctx, &es)
		if err != nil {
			return nil, fmt.Errorf("read enrolments: %w", err)
		}
	}
	out := make(map[string]seat, len(es))
	for _, e := range es {
		out[e.ID] = e
	}
	return out, nil
}

// seatOf finds the trainee's enrolment holding a seat in the cohort.
func (Store) seatOf(ctx context.Context, idb bun.IDB, cohortID, traineeID string) (seat, bool, error) {
	var e seat
	err := idb.NewSelect().Table("enrolments").Column("id", "cohort_id", "trainee_id", "status").
		Where("cohort_id = ?", cohortID).Where("trainee_id = ?", traineeID).Where("status = 'enrolled'").
		Limit(1).Scan(ctx, &e)
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	if err != nil {
		return e, false, fmt.Errorf("seat of %s in %s: %w", traineeID, cohortID, err)
	}
	return e, true, nil
}

// enrolment reads one enrolment with its cohort's instructor.
func (Store) enrolment(ctx context.Context, idb bun.IDB, id string) (seat, string, error) {
	var row struct {
		seat
		InstructorID string `bun:"instructor_id"`
	}
	err := idb.NewSelect().TableExpr("enrolments AS e").
		ColumnExpr("e.id, e.cohort_id, e.trainee_id, e.status, ch.instructor_id").
		Join("JOIN cohorts AS ch ON ch.id = e.cohort_id").Where("e.id = ?", id).Scan(ctx, &row)
	if err != nil {
		return seat{}, "", db.NotFound(err, msg.NotFoundEnrolment)
	}
	return row.seat, row.InstructorID, nil
}

// recordsQuery selects records with their trainee.
func (Store) recordsQuery(idb bun.IDB, dst any) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).Column("r.*").
		ColumnExpr("e.trainee_id, u.name AS trainee_name").
		Join("JOIN enrolments AS e ON e.id = r.enrolment_id").
		Join("JOIN users AS u ON u.id = e.trainee_id")
}

// sessionRecords is one session's register, by enrolment.
func (s Store) sessionRecords(ctx context.Context, idb bun.IDB, sessionID string) ([]Record, error) {
	rs := []Record{}
	if err := s.recordsQuery(idb, &rs).Where("r.session_id = ?", sessionID).OrderExpr("r.enrolment_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("register of %s: %w", sessionID, err)
	}
	for i := range rs {
		rs[i].utc()
	}
	return rs, nil
}

// cohortRecords is every record of the cohort's sessions.
func (s Store) cohortRecords(ctx context.Context, idb bun.IDB, cohortID string) ([]Record, error) {
	rs := []Record{}
	err := s.recordsQuery(idb, &rs).Join("JOIN cohort_sessions AS s ON s.id = r.session_id").
		Where("s.cohort_id = ?", cohortID).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("register of cohort %s: %w", cohortID, err)
	}
	return rs, nil
}

// enrolmentRecords is every record of one enrolment.
func (s Store) enrolmentRecords(ctx context.Context, idb bun.IDB, enrolmentID string) ([]Record, error) {
	rs := []Record{}
	if err := s.recordsQuery(idb, &rs).Where("r.enrolment_id = ?", enrolmentID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("records of %s: %w", enrolmentID, err)
	}
	for i := range rs {
		rs[i].utc()
	}
	return rs, nil
}

func (s Store) record(ctx context.Context, idb bun.IDB, sessionID, enrolmentID string) (Record, bool, error) {
	var r Record
	err := s.recordsQuery(idb, &r).Where("r.session_id = ?", sessionID).Where("r.enrolment_id = ?", enrolmentID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("record of %s in %s: %w", enrolmentID, sessionID, err)
	}
	r.utc()
	return r, true, nil
}

// putRecord writes a record, replacing the one the session holds for the
// enrolment.
func (Store) putRecord(ctx context.Context, idb bun.IDB, r *Record) error {
	_, err := idb.NewInsert().Model(r).
		On("CONFLICT (session_id, enrolment_id) DO UPDATE").
		Set("status = EXCLUDED.status, note = EXCLUDED.note, source = EXCLUDED.source").
		Set("recorded_by = EXCLUDED.recorded_by, checked_in_at = EXCLUDED.checked_in_at, updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("write record of %s in %s: %w", r.EnrolmentID, r.SessionID, err)
	}
	return nil
}

// standing is an enrolment's stored standing.
type standing struct {
	bun.BaseModel `bun:"table:attendance_standings"`

	EnrolmentID     string     `bun:"enrolment_id,pk"`
	AttendedHours   float64    `bun:"attended_hours"`
	AtRisk          bool       `bun:"at_risk"`
	AtRiskFlaggedAt *time.Time `bun:"at_risk_flagged_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`
}

func (Store) standings(ctx context.Context, idb bun.IDB, cohortID string) (map[string]standing, error) {
	var sts []standing
	err := idb.NewSelect().Model(&sts).
		Where("enrolment_id IN (SELECT id FROM enrolments WHERE cohort_id = ?)", cohortID).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("standings of %s: %w", cohortID, err)
	}
	out := make(map[string]standing, len(sts))
	for _, st := range sts {
		out[st.EnrolmentID] = st
	}
	return out, nil
}

func (Store) putStanding(ctx context.Context, idb bun.IDB, st *standing) error {
	_, err := idb.NewInsert().Model(st).
		On("CONFLICT (enrolment_id) DO UPDATE").
		Set("attended_hours = EXCLUDED.attended_hours, at_risk = EXCLUDED.at_risk").
		Set("at_risk_flagged_at = EXCLUDED.at_risk_flagged_at, updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("write standing of %s: %w", st.EnrolmentID, err)
	}
	return nil
}

// calendarSession is a session with what a calendar entry shows.
type calendarSession struct {
	Session        `bun:",extend"`
	CourseCode     string  `bun:"course_code,scanonly"`
	CourseTitle    string  `bun:"course_title,scanonly"`
	CohortLabel    string  `bun:"cohort_label,scanonly"`
	CohortLocation *string `bun:"cohort_location,scanonly"`
}

func (Store) calendarQuery(idb bun.IDB, dst any) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).Column("s.*").
		ColumnExpr("co.code AS course_code, co.title AS course_title, ch.label AS cohort_label, ch.location AS cohort_location").
		Join("JOIN cohorts AS ch ON ch.id = s.cohort_id").
		Join("JOIN courses AS co ON co.id = ch.course_id").
		Order("s.starts_at", "s.id")
}

func (s Store) cohortCalendar(ctx context.Context, idb bun.IDB, cohortID string) ([]calendarSession, error) {
	var out []calendarSession
	if err := s.calendarQuery(idb, &out).Where("s.cohort_id = ?", cohortID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("calendar of %s: %w", cohortID, err)
	}
	return out, nil
}

// userCalendar is the sessions of every cohort the user holds a seat in
// (enrolled, or with a result) or teaches.
func (s Store) userCalendar(ctx context.Context, idb bun.IDB, userID string) ([]calendarSession, error) {
	var out []calendarSession
	err := s.calendarQuery(idb, &out).
		Where(`(ch.instructor_id = ? OR ch.id IN (SELECT cohort_id FROM enrolments
			WHERE trainee_id = ? AND status IN ('enrolled', 'completed', 'failed')))`, userID, userID).
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("calendar of user %s: %w", userID, err)
	}
	return out, nil
}

// putFeed stores the hash of the user's feed token, replacing any other.
func (Store) putFeed(ctx context.Context, idb bun.IDB, userID, hash string, now time.Time) error {
	_, err := db.Exec(ctx, idb, `INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?0, ?1, ?2)
ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`, userID, hash, now)
	if err != nil {
		return fmt.Errorf("store calendar feed of %s: %w", userID, err)
	}
	return nil
}

// feedOwner finds the active user whose feed token has the hash.
func (Store) feedOwner(ctx context.Context, idb bun.IDB, hash string) (string, error) {
	var id string
	err := idb.NewSelect().TableExpr("calendar_feeds AS f").ColumnExpr("f.user_id").
		Join("JOIN users AS u ON u.id = f.user_id").
		Where("f.token_hash = ?", hash).Where("u.active").Scan(ctx, &id)
	if err != nil {
		return "", db.NotFound(err, msg.NotFoundCalendar)
	}
	return id, nil
}
