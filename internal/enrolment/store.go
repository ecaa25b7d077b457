package enrolment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// Store is the SQL of enrolments and of the cohort seat counter. Its
// methods run on the handle they are given: the database, or the service's
// transaction.
type Store struct{}

// cohortKey is a cohort and a trainee whose enrolment there is checked
// ("" for none).
type cohortKey struct{ CohortID, TraineeID string }

// cohortFor reads the cohort and, in the same query, the name of the
// trainee (when traineeID is given).
func (s Store) cohortFor(ctx context.Context, idb bun.IDB, id, traineeID string) (cohortSeats, error) {
	k := cohortKey{CohortID: id, TraineeID: traineeID}
	found, err := s.cohortsFor(ctx, idb, []cohortKey{k})
	if err != nil {
		return cohortSeats{}, err
	}
	c, ok := found[k]
	if !ok {
		return cohortSeats{}, apperr.NotFound(msg.NotFoundCohort)
	}
	return c, nil
}

// cohortsFor is cohortFor for several cohorts and trainees in one
// statement; a cohort that does not exist is left out. It is on the
// enrolment hot path, where the checks of the requests in flight share a
// read (Service.checks), and it reads rows by their keys (cohort, course,
// user) and never enrolments, the table a rush fills: a plan made once per
// connection stays apt through a rush, so it is prepared once (db.Query;
// PostgreSQL plans it again when autovacuum analyses a table it reads).
// Whether the trainee already holds an enrolment there is not read here:
// looked up afresh for every read (it must stay a look-up in the active
// pairs' index as a rush fills enrolments: db.QueryAfresh), it cost
// PostgreSQL about a quarter more CPU per enrolment in a rush; the batch
// finds it under the cohort's lock (activeAmong), and a refused request
// asks (Service.heldOr).
func (Store) cohortsFor(ctx context.Context, idb bun.IDB, keys []cohortKey) (map[cohortKey]cohortSeats, error) {
	cohorts, trainees := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		cohorts[i], trainees[i] = k.CohortID, k.TraineeID
	}
	pairs, args := db.Pairs(idb, 0, cohorts, trainees, "k")
	var rows []struct {
		ForTrainee string `bun:"for_trainee"`
		cohortSeats
	}
	err := db.Query(ctx, idb, &rows, cohortsForSQL(pairs), args...)
	if err != nil {
		return nil, fmt.Errorf("read %d cohorts: %w", len(keys), err)
	}
	out := make(map[cohortKey]cohortSeats, len(rows))
	for _, r := range rows {
		out[cohortKey{CohortID: r.ID, TraineeID: r.ForTrainee}] = r.cohortSeats
	}
	return out, nil
}

// cohortsForSQL is cohortsFor's statement over the table of pairs (a
// cohort, b trainee).
func cohortsForSQL(pairs string) string {
	return `SELECT k.b AS for_trainee, ch.id, ch.course_id, ch.instructor_id, ch.capacity, ch.seats_taken,
       ch.starts_on, ch.ends_on, ch.label, ch.enrol_opens_at, ch.enrol_closes_at, ch.cancelled_at,
       co.status AS course_status, co.updated_at AS course_updated_at, co.code AS course_code, co.title AS course_title,
       (SELECT u.name FROM users AS u WHERE u.id = k.b) AS trainee_name
  FROM ` + pairs + `
  JOIN cohorts AS ch ON ch.id = k.a
  JOIN courses AS co ON co.id = ch.course_id`
}

// userRole is the role of the active user id; apperr.NotFound when there
// is no such active user.
func (Store) userRole(ctx context.Context, idb bun.IDB, id string) (string, error) {
	var role string
	err := idb.NewSelect().Table("users").Column("role").Where("id = ?", id).Where("active").Scan(ctx, &role)
	if err != nil {
		return "", fmt.Errorf("role of user %s: %w", id, db.NotFound(err, msg.NotFoundUser))
	}
	return role, nil
}

// lockCohort takes the cohort's row lock (PostgreSQL; SQLite's IMMEDIATE
// transaction already holds the database), so that the enrolments of one
// cohort are decided one at a time.
func (Store) lockCohort(ctx context.Context, idb bun.IDB, id string) error {
	var locked string
	q := idb.NewSelect().Table("cohorts").Column("id").Where("id = ?", id)
	if err := db.Locking(q).Scan(ctx, &locked); err != nil {
		return db.NotFound(err, msg.NotFoundCohort)
	}
	return nil
}

// lockForPlacing takes the cohort's row lock, and a share lock on its
// course, which an edit of the course takes for update (PostgreSQL;
// SQLite's IMMEDIATE transaction holds the database), and reads what
// placing enrolments decides on; Active is left to activeAmong.
func (Store) lockForPlacing(ctx context.Context, idb bun.IDB, cohortID string) (cohortState, error) {
	var rows []cohortState
	err := db.Query(ctx, idb, &rows, `SELECT ch.capacity, ch.seats_taken, ch.waitlist_seq_last, ch.waitlist_left,
       ch.enrol_opens_at, ch.enrol_closes_at, ch.cancelled_at,
       co.status AS course_status, co.updated_at AS course_updated_at
  FROM cohorts AS ch JOIN courses AS co ON co.id = ch.course_id
 WHERE ch.id = ?0`+db.LockClause(idb, db.ForUpdate("ch"), db.ForShare("co")), cohortID)
	if err != nil {
		return cohortState{}, fmt.Errorf("lock cohort %s: %w", cohortID, err)
	}
	if len(rows) == 0 {
		return cohortState{}, apperr.NotFound(msg.NotFoundCohort)
	}
	return rows[0], nil
}

// promoteSeat takes a seat for the head of the waitlist, if one is free:
// open window or not.
func (Store) promoteSeat(ctx context.Context, idb bun.IDB, cohortID string, now time.Time) (bool, error) {
	n, err := db.Exec(ctx, idb, `UPDATE cohorts SET seats_taken = seats_taken + 1, updated_at = ?0
 WHERE id = ?1 AND seats_taken < capacity`, now, cohortID)
	if err != nil {
		return false, fmt.Errorf("take seat in %s: %w", cohortID, err)
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

// setStatus moves an enrolment of the cohort from one status to another;
// it reports false when the enrolment was no longer in the expected
// status. Leaving the waitlist is counted on the cohort, in the same
// transaction, so that a newcomer's position needs no count.
func (Store) setStatus(ctx context.Context, idb bun.IDB, cohortID, id, from, to string, now time.Time) (bool, error) {
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
	if n == 1 && from == Waitlisted {
		_, err := idb.NewUpdate().Table("cohorts").Set("waitlist_left = waitlist_left + 1").Where("id = ?", cohortID).Exec(ctx)
		if err != nil {
			return false, fmt.Errorf("count a departure from the waitlist of %s: %w", cohortID, err)
		}
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
		Where("e.cohort_id = ?", cohortID).Where("e.status IN (?)", bun.List([]string{Enrolled, Waitlisted})).
		OrderExpr("e.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("active enrolments of %s: %w", cohortID, err)
	}
	return es, nil
}

// detailed selects enrolments with what a client sees beside them: the
// waitlist position (its rank among the cohort's waitlisted), the trainee's
// name, the cohort's course, and what the attendance work last computed
// from the cohort's register (hours and at_risk; see Enrolment.settle).
func (Store) detailed(idb bun.IDB, dst any) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).Column("e.*").
		ColumnExpr(`CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM enrolments AS w
			WHERE w.cohort_id = e.cohort_id AND w.status = 'waitlisted' AND w.waitlist_seq <= e.waitlist_seq) END AS waitlist_position`).
		ColumnExpr("u.name AS trainee_name, ch.course_id, co.code AS course_code, co.title AS course_title").
		ColumnExpr("ch.label AS cohort_label, ch.starts_on, ch.ends_on, ch.instructor_id").
		ColumnExpr("st.attended_hours AS register_hours, COALESCE(st.at_risk, FALSE) AS at_risk").
		Join("JOIN users AS u ON u.id = e.trainee_id").
		Join("LEFT JOIN attendance_standings AS st ON st.enrolment_id = e.id").
		Join("JOIN cohorts AS ch ON ch.id = e.cohort_id").
		Join("JOIN courses AS co ON co.id = ch.course_id")
}

func (s Store) get(ctx context.Context, idb bun.IDB, id string) (Enrolment, error) {
	var e Enrolment
	if err := s.detailed(idb, &e).Where("e.id = ?", id).Scan(ctx); err != nil {
		return e, db.NotFound(err, msg.NotFoundEnrolment)
	}
	e.settle()
	return e, nil
}

// activeID finds the id of the trainee's active enrolment in the cohort.
func (Store) activeID(ctx context.Context, idb bun.IDB, cohortID, traineeID string) (string, bool, error) {
	var id string
	err := idb.NewSelect().Table("enrolments").Column("id").
		Where("cohort_id = ?", cohortID).Where("trainee_id = ?", traineeID).
		Where("status IN (?)", bun.List([]string{Enrolled, Waitlisted})).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("active enrolment: %w", err)
	}
	return id, true, nil
}

// listOfTrainee pages a trainee's enrolments, newest first.
func (s Store) listOfTrainee(ctx context.Context, idb bun.IDB, traineeID string, p page.Params) ([]Enrolment, error) {
	var es []Enrolment
	q := s.detailed(idb, &es).Where("e.trainee_id = ?", traineeID).OrderExpr("e.id DESC").Limit(int64(p.Limit + 1))
	if len(p.After) > 0 {
		q = q.Where("e.id < ?", p.After[0])
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list enrolments: %w", err)
	}
	settleAll(es)
	return es, nil
}

// roster pages a cohort's enrolments in arrival order.
func (s Store) roster(ctx context.Context, idb bun.IDB, cohortID, status string, p page.Params) ([]Enrolment, error) {
	var es []Enrolment
	q := s.detailed(idb, &es).Where("e.cohort_id = ?", cohortID).OrderExpr("e.id").Limit(int64(p.Limit + 1))
	if status != "" {
		q = q.Where("e.status = ?", status)
	}
	if len(p.After) > 0 {
		q = q.Where("e.id > ?", p.After[0])
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("roster of %s: %w", cohortID, err)
	}
	settleAll(es)
	return es, nil
}

func settleAll(es []Enrolment) {
	for i := range es {
		es[i].settle()
	}
}

// activeAmong is the set of the trainees who hold an active enrolment in
// the cohort; read under the cohort's lock, it sees every enrolment placed
// by whoever held the lock before. It walks the batch's trainees and looks
// each one up in the cohort's active pairs (enrolments_active_key), so its
// cost grows with the batch, never with the cohort. Written as a filter of
// the cohort's active enrolments (or as a semi-join), PostgreSQL planned it
// on statistics taken while the cohort was nearly empty and walked every
// active enrolment of the cohort for each batch: 14 ms a batch at 16,000,
// a rush slower the longer it ran. On PostgreSQL a LATERAL subquery forces
// the lookup per trainee whatever the statistics say; SQLite's planner
// already looks each one up. It is planned at every run on PostgreSQL
// (db.QueryAfresh): a plan made while the table was nearly empty could
// walk the cohort's enrolments instead, at the same cost there.
const (
	activeAmongPG = `SELECT t.id AS trainee_id FROM unnest(?1::text[]) AS t(id)
CROSS JOIN LATERAL (SELECT 1 FROM enrolments AS e WHERE e.cohort_id = ?0 AND e.trainee_id = t.id
   AND e.status IN ('enrolled', 'waitlisted') LIMIT 1) AS held`
	activeAmongSQLite = `SELECT t.value AS trainee_id FROM json_each(?1) AS t
 WHERE EXISTS (SELECT 1 FROM enrolments AS e WHERE e.cohort_id = ?0 AND e.trainee_id = t.value
   AND e.status IN ('enrolled', 'waitlisted'))`
)

func (Store) activeAmong(ctx context.Context, idb bun.IDB, cohortID string, trainees []string) (map[string]bool, error) {
	var rows []struct {
		TraineeID string `bun:"trainee_id"`
	}
	query, args := activeAmongQuery(idb, cohortID, trainees)
	if err := db.QueryAfresh(ctx, idb, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("active enrolments in %s: %w", cohortID, err)
	}
	held := make(map[string]bool, len(rows))
	for _, r := range rows {
		held[r.TraineeID] = true
	}
	return held, nil
}

// activeAmongQuery is activeAmong's statement on idb's database, with its
// arguments.
func activeAmongQuery(idb bun.IDB, cohortID string, trainees []string) (string, []any) {
	if db.IsPostgres(idb) {
		return activeAmongPG, []any{cohortID, trainees}
	}
	list, _ := json.Marshal(trainees) // strings always marshal
	return activeAmongSQLite, []any{cohortID, string(list)}
}

// insertPlaced writes enrolments placed in one cohort (each with its status
// and waitlist number) and counts what they took on the cohort: on
// PostgreSQL in one statement, on SQLite (in process, no round trips) one
// prepared statement at a time. A trainee who already holds an active
// enrolment there (the unique index says so; only a writer that skipped
// the cohort's lock could get here) is ErrAlreadyEnrolled.
func (Store) insertPlaced(ctx context.Context, idb bun.IDB, cohortID string, took tally, placed []*Enrolment) error {
	err := insertPlaced(ctx, idb, cohortID, took, placed)
	if db.IsUniqueViolation(err) {
		return fmt.Errorf("insert enrolments: %w", alreadyEnrolled())
	}
	return err
}

func insertPlaced(ctx context.Context, idb bun.IDB, cohortID string, took tally, placed []*Enrolment) error {
	const count = `UPDATE cohorts
   SET seats_taken = seats_taken + ?1, waitlist_seq_last = waitlist_seq_last + ?2,
       updated_at = CASE WHEN ?1 > 0 THEN ?3 ELSE updated_at END
 WHERE id = ?0`
	if !db.IsPostgres(idb) {
		if _, err := db.Exec(ctx, idb, count, cohortID, took.Seats, took.Numbers, took.SeatedAt); err != nil {
			return fmt.Errorf("count the placements in %s: %w", cohortID, err)
		}
		for _, e := range placed {
			_, err := db.Exec(ctx, idb, `INSERT INTO enrolments (id, cohort_id, trainee_id, status, waitlist_seq, created_at, updated_at)
VALUES (?0, ?1, ?2, ?3, ?4, ?5, ?6)`, e.ID, e.CohortID, e.TraineeID, e.Status, e.WaitlistSeq, e.CreatedAt, e.UpdatedAt)
			if err != nil {
				return fmt.Errorf("insert enrolment: %w", err)
			}
		}
		return nil
	}
	n := len(placed)
	var (
		enrolments, trainees, statuses = make([]string, n), make([]string, n), make([]string, n)
		seqs                           = make([]*int64, n)
		ats                            = make([]time.Time, n)
	)
	for i, e := range placed {
		enrolments[i], trainees[i], statuses[i], seqs[i], ats[i] = e.ID, e.TraineeID, e.Status, e.WaitlistSeq, e.CreatedAt
	}
	_, err := db.Exec(ctx, idb, `WITH counted AS (`+count+`
 RETURNING id)
INSERT INTO enrolments (id, cohort_id, trainee_id, status, waitlist_seq, created_at, updated_at)
SELECT u.id, counted.id, u.trainee_id, u.status, u.seq, u.at, u.at
  FROM counted, unnest(?4::text[], ?5::text[], ?6::text[], ?7::bigint[], ?8::timestamptz[]) AS u(id, trainee_id, status, seq, at)`,
		cohortID, took.Seats, took.Numbers, took.SeatedAt, enrolments, trainees, statuses, seqs, ats)
	if err != nil {
		return fmt.Errorf("insert %d enrolments: %w", n, err)
	}
	return nil
}
