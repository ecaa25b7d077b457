package results

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// Store is the SQL of results and certificates. Every method runs on the
// bun.IDB it is given: the service's database or its transaction.
type Store struct{}

// cohortCourse is what deciding results needs of a cohort and its course.
type cohortCourse struct {
	ID            string     `bun:"id"`
	InstructorID  string     `bun:"instructor_id"`
	StartsOn      string     `bun:"starts_on"`
	CancelledAt   *time.Time `bun:"cancelled_at"`
	CourseID      string     `bun:"course_id"`
	CourseCode    string     `bun:"course_code"`
	Hours         float64    `bun:"hours"`
	PassScore     float64    `bun:"pass_score"`
	MinAttendance float64    `bun:"min_attendance"`
}

// lockCohort reads the cohort and its course, taking the cohort's row lock
// on PostgreSQL so that two batches for one cohort are decided one after
// the other (SQLite's write transaction already holds the database).
func (Store) lockCohort(ctx context.Context, tx bun.IDB, id string) (cohortCourse, error) {
	var c cohortCourse
	q := tx.NewSelect().TableExpr("cohorts AS ch").
		ColumnExpr("ch.id, ch.instructor_id, ch.starts_on, ch.cancelled_at, ch.course_id").
		ColumnExpr("co.code AS course_code, co.hours, co.pass_score, co.min_attendance").
		Join("JOIN courses AS co ON co.id = ch.course_id").
		Where("ch.id = ?", id)
	if err := db.Locking(q, db.ForUpdate("ch")).Scan(ctx, &c); err != nil {
		return c, db.NotFound(err, msg.NotFoundCohort)
	}
	return c, nil
}

// enrolment is what deciding a result needs of an enrolment.
type enrolment struct {
	ID            string   `bun:"id"`
	CohortID      string   `bun:"cohort_id"`
	TraineeID     string   `bun:"trainee_id"`
	Status        string   `bun:"status"`
	AttendedHours *float64 `bun:"attended_hours"`
	Score         *float64 `bun:"score"`
}

func (Store) enrolments(ctx context.Context, tx bun.IDB, ids []string) (map[string]enrolment, error) {
	var es []enrolment
	if len(ids) > 0 {
		err := tx.NewSelect().Table("enrolments").Column("id", "cohort_id", "trainee_id", "status", "attended_hours", "score").
			Where("id IN (?)", bun.List(ids)).Scan(ctx, &es)
		if err != nil {
			return nil, fmt.Errorf("read enrolments: %w", err)
		}
	}
	out := make(map[string]enrolment, len(es))
	for _, e := range es {
		out[e.ID] = e
	}
	return out, nil
}

// setResult writes an enrolment's result; stamp also sets the time of the
// result (result_recorded_at) to now, which is otherwise left as it was.
func (Store) setResult(ctx context.Context, tx bun.IDB, id, status string, hours, score float64, stamp bool, now time.Time) error {
	q := tx.NewUpdate().Table("enrolments").
		Set("status = ?", status).Set("attended_hours = ?", hours).Set("score = ?", score).
		Set("updated_at = ?", now)
	if stamp {
		q = q.Set("result_recorded_at = ?", now)
	}
	_, err := q.Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record result of %s: %w", id, err)
	}
	return nil
}

func (Store) validCertificateOf(ctx context.Context, tx bun.IDB, enrolmentID string) (Certificate, bool, error) {
	var c Certificate
	err := tx.NewSelect().Model(&c).Where("enrolment_id = ?", enrolmentID).Where("status = ?", Valid).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("read certificate of %s: %w", enrolmentID, err)
	}
	return c, true, nil
}

// insertCertificate issues c, and reports false, with nothing written, when
// another certificate already has its code (the caller draws another): the
// conflict is skipped rather than raised, which on PostgreSQL would abort
// the whole transaction.
func (Store) insertCertificate(ctx context.Context, tx bun.IDB, c *Certificate) (bool, error) {
	ok, err := db.ChangedOne(ctx, tx.NewInsert().Model(c).On("CONFLICT (code) DO NOTHING"))
	if err != nil {
		return false, fmt.Errorf("issue certificate: %w", err)
	}
	return ok, nil
}

func (Store) revoke(ctx context.Context, tx bun.IDB, id, reason, by string, now time.Time) (bool, error) {
	ok, err := db.ChangedOne(ctx, tx.NewUpdate().Table("certificates").
		Set("status = ?", Revoked).Set("revoked_at = ?", now).Set("revoke_reason = ?", reason).Set("revoked_by = ?", by).
		Where("id = ?", id).Where("status = ?", Valid))
	if err != nil {
		return false, fmt.Errorf("revoke certificate %s: %w", id, err)
	}
	return ok, nil
}

// detailed selects certificates with the holder's name and the course.
func (Store) detailed(idb bun.IDB, dst any) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).Column("cert.*").
		ColumnExpr("u.name AS trainee_name, co.code AS course_code, co.title AS course_title").
		ColumnExpr("co.track, co.level, co.hours").
		ColumnExpr("u.erased_at IS NOT NULL AS holder_erased").
		Join("JOIN users AS u ON u.id = cert.trainee_id").
		Join("JOIN courses AS co ON co.id = cert.course_id")
}

func (s Store) byCode(ctx context.Context, idb bun.IDB, code string) (Certificate, error) {
	var c Certificate
	if err := s.detailed(idb, &c).Where("cert.code = ?", code).Scan(ctx); err != nil {
		return c, db.NotFound(err, msg.NotFoundCertificate)
	}
	return c, nil
}

func (s Store) certificatesOf(ctx context.Context, idb bun.IDB, traineeID string, p page.Params) ([]Certificate, error) {
	var cs []Certificate
	q := s.detailed(idb, &cs).Where("cert.trainee_id = ?", traineeID).OrderExpr("cert.id DESC").Limit(int64(p.Limit + 1))
	if len(p.After) > 0 {
		q = q.Where("cert.id < ?", p.After[0])
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list certificates: %w", err)
	}
	return cs, nil
}

// transcript is every enrolment of the trainee, oldest first, with its
// latest certificate.
func (Store) transcript(ctx context.Context, idb bun.IDB, traineeID string) ([]TranscriptEntry, error) {
	var out []TranscriptEntry
	err := idb.NewRaw(`SELECT e.id AS enrolment_id, co.code AS course_code, co.title AS course_title, co.track, co.level,
       co.hours, ch.label AS cohort_label, ch.starts_on, ch.ends_on, e.status, e.attended_hours, e.score,
       cert.code AS certificate_code, cert.status AS certificate_status
  FROM enrolments AS e
  JOIN cohorts AS ch ON ch.id = e.cohort_id
  JOIN courses AS co ON co.id = ch.course_id
  LEFT JOIN certificates AS cert ON cert.id = (
       SELECT c2.id FROM certificates AS c2 WHERE c2.enrolment_id = e.id ORDER BY c2.id DESC LIMIT 1)
 WHERE e.trainee_id = ?
 ORDER BY ch.starts_on, e.id`, traineeID).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("read transcript: %w", err)
	}
	if out == nil {
		out = []TranscriptEntry{}
	}
	return out, nil
}

// trainee reads the name and e-mail of the trainee with the id.
func (Store) trainee(ctx context.Context, idb bun.IDB, id string) (name, email string, err error) {
	if err := idb.NewSelect().Table("users").Column("name", "email").Where("id = ?", id).Scan(ctx, &name, &email); err != nil {
		return "", "", db.NotFound(err, msg.NotFoundTrainee)
	}
	return name, email, nil
}
