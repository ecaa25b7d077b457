package enrolment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// Store is the SQL of enrolments and of the cohort seat counter.
type Store struct {
	DB *bun.DB
}

func (Store) cohort(ctx context.Context, idb bun.IDB, id string) (cohortSeats, error) {
	var c cohortSeats
	err := idb.NewSelect().TableExpr("cohorts AS ch").
		ColumnExpr("ch.id, ch.course_id, ch.instructor_id, ch.capacity, ch.seats_taken, ch.starts_on").
		ColumnExpr("ch.enrol_opens_at, ch.enrol_closes_at, ch.cancelled_at, co.status AS course_status").
		Join("JOIN courses AS co ON co.id = ch.course_id").
		Where("ch.id = ?", id).Scan(ctx, &c)
	if err != nil {
		return c, db.NotFound(err, "cohort")
	}
	return c, nil
}

// lockCohort takes the cohort's row lock (PostgreSQL; SQLite's IMMEDIATE
// transaction already holds the database), so that the enrolments of one
// cohort are decided one at a time, and re-reads its seats.
func (Store) lockCohort(ctx context.Context, idb bun.IDB, id string) (capacity, taken int, err error) {
	var row struct {
		Capacity   int `bun:"capacity"`
		SeatsTaken int `bun:"seats_taken"`
	}
	q := idb.NewSelect().Table("cohorts").Column("capacity", "seats_taken").Where("id = ?", id)
	if err := db.Locking(q).Scan(ctx, &row); err != nil {
		return 0, 0, db.NotFound(err, "cohort")
	}
	return row.Capacity, row.SeatsTaken, nil
}

// claim decides, under the cohort's row lock, between a seat and the next
// place in line. Each branch is one conditional statement that takes the
// lock itself: a seat if one is free, else the next waitlist number if the
// cohort is still full (a seat freed in between sends it round again).
func (s Store) claim(ctx context.Context, idb bun.IDB, cohortID string, now time.Time) (seated bool, seq int64, err error) {
	for {
		if seated, err = s.takeSeat(ctx, idb, cohortID, now); err != nil || seated {
			return seated, 0, err
		}
		var seqs []int64
		err = idb.NewUpdate().Table("cohorts").
			Set("waitlist_seq_last = waitlist_seq_last + 1").
			Where("id = ?", cohortID).Where("seats_taken >= capacity").
			Returning("waitlist_seq_last").Scan(ctx, &seqs)
		if err != nil {
			return false, 0, fmt.Errorf("take a waitlist number in %s: %w", cohortID, err)
		}
		if len(seqs) == 1 {
			return false, seqs[0], nil
		}
	}
}

// takeSeat takes one seat if one is free, in one conditional statement.
func (Store) takeSeat(ctx context.Context, idb bun.IDB, cohortID string, now time.Time) (bool, error) {
	res, err := idb.NewUpdate().Table("cohorts").
		Set("seats_taken = seats_taken + 1").Set("updated_at = ?", now).
		Where("id = ?", cohortID).Where("seats_taken < capacity").
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("take seat in %s: %w", cohortID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}

// releaseSeats gives n seats back.
func (Store) releaseSeats(ctx context.Context, idb bun.IDB, cohortID string, n int, now time.Time) error {
	_, err := idb.NewUpdate().Table("cohorts").
		Set("seats_taken = seats_taken - ?", n).Set("updated_at = ?", now).
		Where("id = ?", cohortID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("release seats in %s: %w", cohortID, err)
	}
	return nil
}

func (Store) insert(ctx context.Context, idb bun.IDB, e *Enrolment) error {
	if _, err := idb.NewInsert().Model(e).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("already_enrolled", "the trainee already holds an active enrolment in this cohort")
		}
		return fmt.Errorf("insert enrolment: %w", err)
	}
	return nil
}

// setStatus moves an enrolment from one status to another; it reports false
// when the enrolment was no longer in the expected status.
func (Store) setStatus(ctx context.Context, idb bun.IDB, id, from, to string, now time.Time) (bool, error) {
	res, err := idb.NewUpdate().Table("enrolments").
		Set("status = ?", to).Set("waitlist_seq = NULL").Set("updated_at = ?", now).
		Where("id = ?", id).Where("status = ?", from).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("set enrolment %s %s: %w", id, to, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}

// waitlistHead is the earliest waitlisted enrolment of the cohort.
func (Store) waitlistHead(ctx context.Context, idb bun.IDB, cohortID string) (Enrolment, bool, error) {
	var e Enrolment
	err := idb.NewSelect().Model(&e).Column("e.*").
		Where("e.cohort_id = ?", cohortID).Where("e.status = ?", Waitlisted).
		OrderExpr("e.waitlist_seq, e.id").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	if err != nil {
		return e, false, fmt.Errorf("waitlist head of %s: %w", cohortID, err)
	}
	return e, true, nil
}

// activeIn lists the enrolled and waitlisted enrolments of a cohort.
func (Store) activeIn(ctx context.Context, idb bun.IDB, cohortID string) ([]Enrolment, error) {
	var es []Enrolment
	err := idb.NewSelect().Model(&es).Column("e.*").
		Where("e.cohort_id = ?", cohortID).Where("e.status IN (?)", bun.In([]string{Enrolled, Waitlisted})).
		OrderExpr("e.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("active enrolments of %s: %w", cohortID, err)
	}
	return es, nil
}

// detailed selects enrolments with what a client sees beside them: the
// waitlist position (its rank among the cohort's waitlisted), the trainee's
// name and the cohort's course.
func (Store) detailed(idb bun.IDB, dst any) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).Column("e.*").
		ColumnExpr(`CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM enrolments AS w
			WHERE w.cohort_id = e.cohort_id AND w.status = 'waitlisted' AND w.waitlist_seq <= e.waitlist_seq) END AS waitlist_position`).
		ColumnExpr("u.name AS trainee_name, ch.course_id, co.code AS course_code, co.title AS course_title").
		ColumnExpr("ch.label AS cohort_label, ch.starts_on, ch.ends_on, ch.instructor_id").
		Join("JOIN users AS u ON u.id = e.trainee_id").
		Join("JOIN cohorts AS ch ON ch.id = e.cohort_id").
		Join("JOIN courses AS co ON co.id = ch.course_id")
}

func (s Store) get(ctx context.Context, idb bun.IDB, id string) (Enrolment, error) {
	var e Enrolment
	if err := s.detailed(idb, &e).Where("e.id = ?", id).Scan(ctx); err != nil {
		return e, db.NotFound(err, "enrolment")
	}
	return e, nil
}

// activeID finds the id of the trainee's active enrolment in the cohort.
func (Store) activeID(ctx context.Context, idb bun.IDB, cohortID, traineeID string) (string, bool, error) {
	var id string
	err := idb.NewSelect().Table("enrolments").Column("id").
		Where("cohort_id = ?", cohortID).Where("trainee_id = ?", traineeID).
		Where("status IN (?)", bun.In([]string{Enrolled, Waitlisted})).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("active enrolment: %w", err)
	}
	return id, true, nil
}

// activeOf finds the trainee's active enrolment in the cohort, if any.
func (s Store) activeOf(ctx context.Context, idb bun.IDB, cohortID, traineeID string) (Enrolment, bool, error) {
	var e Enrolment
	err := s.detailed(idb, &e).Where("e.cohort_id = ?", cohortID).Where("e.trainee_id = ?", traineeID).
		Where("e.status IN (?)", bun.In([]string{Enrolled, Waitlisted})).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	if err != nil {
		return e, false, fmt.Errorf("active enrolment: %w", err)
	}
	return e, true, nil
}

// listOfTrainee pages a trainee's enrolments, newest first.
func (s Store) listOfTrainee(ctx context.Context, traineeID string, p page.Params) ([]Enrolment, error) {
	var es []Enrolment
	q := s.detailed(s.DB, &es).Where("e.trainee_id = ?", traineeID).OrderExpr("e.id DESC").Limit(int64(p.Limit + 1))
	if len(p.After) > 0 {
		q = q.Where("e.id < ?", p.After[0])
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list enrolments: %w", err)
	}
	return es, nil
}

// roster pages a cohort's enrolments in arrival order.
func (s Store) roster(ctx context.Context, cohortID, status string, p page.Params) ([]Enrolment, error) {
	var es []Enrolment
	q := s.detailed(s.DB, &es).Where("e.cohort_id = ?", cohortID).OrderExpr("e.id").Limit(int64(p.Limit + 1))
	if status != "" {
		q = q.Where("e.status = ?", status)
	}
	if len(p.After) > 0 {
		q = q.Where("e.id > ?", p.After[0])
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("roster of %s: %w", cohortID, err)
	}
	return es, nil
}
