package enrolment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// Store is the SQL of enrolments and of the cohort seat counter.
type Store struct {
	DB *bun.DB

	batches *batcher // nil: each enrolment is placed on its own
}

// NewStore is the store of d, placing the enrolments of a rush in batches;
// the batches' metrics are registered with reg.
func NewStore(d *bun.DB, reg prometheus.Registerer) Store {
	s := Store{DB: d}
	s.batches = newBatcher(s, reg)
	return s
}

func (s Store) cohort(ctx context.Context, id string) (cohortSeats, error) {
	return s.cohortFor(ctx, s.DB, id, "")
}

// cohortFor reads the cohort and, in the same query, the trainee's active
// enrolment in it (ActiveID, when traineeID is given and they have one)
// and their name. It is on the enrolment hot path: a prepared statement on
// PostgreSQL (db.Query).
func (Store) cohortFor(ctx context.Context, d *bun.DB, id, traineeID string) (cohortSeats, error) {
	var rows []cohortSeats
	err := db.Query(ctx, d, &rows, `SELECT ch.id, ch.course_id, ch.instructor_id, ch.capacity, ch.seats_taken,
       ch.starts_on, ch.ends_on, ch.label, ch.enrol_opens_at, ch.enrol_closes_at, ch.cancelled_at,
       co.status AS course_status, co.updated_at AS course_updated_at, co.code AS course_code, co.title AS course_title,
       (SELECT e.id FROM enrolments AS e WHERE e.cohort_id = ch.id AND e.trainee_id = ?1
           AND e.status IN ('enrolled', 'waitlisted')) AS active_id,
       (SELECT u.name FROM users AS u WHERE u.id = ?1) AS trainee_name
  FROM cohorts AS ch
  JOIN courses AS co ON co.id = ch.course_id
 WHERE ch.id = ?0`, id, traineeID)
	if err != nil {
		return cohortSeats{}, fmt.Errorf("read cohort %s: %w", id, err)
	}
	if len(rows) == 0 {
		return cohortSeats{}, apperr.NotFound(msg.NotFoundCohort)
	}
	return rows[0], nil
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
		return 0, 0, db.NotFound(err, msg.NotFoundCohort)
	}
	return row.Capacity, row.SeatsTaken, nil
}

// errRecheck says that what the service checked before the write changed
// before the write took the cohort's lock: the window closed, the cohort was
// cancelled, or its course was changed (archived, or its level or
// prerequisites edited). The write placed nothing; the service checks again
// and answers.
var errRecheck = errors.New("the cohort or its course changed between the checks and the write")

// place gives a new enrolment a seat, or else the next place in line, and
// records its audit event, atomically, with the other enrolments of the
// cohort waiting at the same moment (placeBatch). courseSeen is the
// course's updated_at as the service's checks read it.
func (s Store) place(ctx context.Context, e *Enrolment, courseSeen time.Time, actorID string) error {
	if s.batches != nil {
		return s.batches.place(ctx, e, courseSeen, actorID)
	}
	return s.placeAlone(ctx, &placement{e: e, courseSeen: courseSeen, actorID: actorID, requestID: audit.RequestID(ctx)})
}

// placeAlone places one enrolment as a batch of one.
func (s Store) placeAlone(ctx context.Context, p *placement) error {
	out, err := s.placeBatch(ctx, p.e.CohortID, []*placement{p})
	if db.IsUniqueViolation(err) {
		// Only a writer that skipped the cohort's lock could get here.
		return apperr.Conflict("already_enrolled", msg.AlreadyEnrolled)
	}
	if err != nil {
		return err
	}
	return out[0]
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

func (Store) insert(ctx context.Context, idb bun.IDB, e *Enrolment) error {
	_, err := db.Exec(ctx, idb, `INSERT INTO enrolments (id, cohort_id, trainee_id, status, waitlist_seq, created_at, updated_at)
VALUES (?0, ?1, ?2, ?3, ?4, ?5, ?6)`, e.ID, e.CohortID, e.TraineeID, e.Status, e.WaitlistSeq, e.CreatedAt, e.UpdatedAt)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("already_enrolled", msg.AlreadyEnrolled)
		}
		return fmt.Errorf("insert enrolment: %w", err)
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
		return e, db.NotFound(err, msg.NotFoundEnrolment)
	}
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

// placeBatch places a batch of enrolments of one cohort, in arrival order,
// in one transaction: it takes the cohort's row lock once (FOR UPDATE on
// PostgreSQL, and a share lock on its course, which an edit of the course
// takes for update; SQLite's IMMEDIATE transaction holds the database),
// reads the seats and which of the batch's trainees already hold an active
// enrolment there, decides each placement in order (a seat while one is
// free, else the next waitlist number), and writes them all before the one
// commit. Each outcome is nil (placed: the enrolment has its status and
// place in line), errRecheck, or already_enrolled. An error means the
// transaction rolled back and nothing was placed; the enrolments are as
// they came.
func (s Store) placeBatch(ctx context.Context, cohortID string, batch []*placement) ([]error, error) {
	outcomes := make([]error, len(batch))
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var rows []struct {
			Capacity    int        `bun:"capacity"`
			SeatsTaken  int        `bun:"seats_taken"`
			SeqLast     int64      `bun:"waitlist_seq_last"`
			Left        int64      `bun:"waitlist_left"`
			OpensAt     time.Time  `bun:"enrol_opens_at"`
			ClosesAt    time.Time  `bun:"enrol_closes_at"`
			CancelledAt *time.Time `bun:"cancelled_at"`
			Status      string     `bun:"course_status"`
			CourseAt    time.Time  `bun:"course_updated_at"`
		}
		q := `SELECT ch.capacity, ch.seats_taken, ch.waitlist_seq_last, ch.waitlist_left,
       ch.enrol_opens_at, ch.enrol_closes_at, ch.cancelled_at,
       co.status AS course_status, co.updated_at AS course_updated_at
  FROM cohorts AS ch JOIN courses AS co ON co.id = ch.course_id
 WHERE ch.id = ?0`
		if db.IsPostgres(tx) {
			q += ` FOR UPDATE OF ch FOR SHARE OF co`
		}
		if err := db.Query(ctx, tx, &rows, q, cohortID); err != nil {
			return fmt.Errorf("lock cohort %s: %w", cohortID, err)
		}
		if len(rows) == 0 {
			return apperr.NotFound(msg.NotFoundCohort)
		}
		c := rows[0]
		// Read after the lock is held, so that it sees every enrolment
		// placed by whoever held it before.
		held, err := activeAmong(ctx, tx, cohortID, batch)
		if err != nil {
			return err
		}
		var (
			placed         []*placement
			seats, numbers int
			seatedAt       time.Time
		)
		for i, p := range batch {
			e := p.e
			switch {
			case c.CancelledAt != nil || e.CreatedAt.Before(c.OpensAt) || !e.CreatedAt.Before(c.ClosesAt),
				c.Status != "published" || !c.CourseAt.Equal(p.courseSeen):
				outcomes[i] = errRecheck
				continue
			case held[e.TraineeID]:
				outcomes[i] = apperr.Conflict("already_enrolled", msg.AlreadyEnrolled)
				continue
			}
			held[e.TraineeID] = true
			if c.SeatsTaken < c.Capacity {
				c.SeatsTaken++
				seats++
				seatedAt = later(seatedAt, e.CreatedAt)
				e.Status = Enrolled
			} else {
				c.SeqLast++
				numbers++
				seq, pos := c.SeqLast, int(c.SeqLast-c.Left)
				e.Status, e.WaitlistSeq, e.WaitlistPosition = Waitlisted, &seq, &pos
			}
			placed = append(placed, p)
		}
		if len(placed) == 0 {
			return nil
		}
		if _, err := db.Exec(ctx, tx, `UPDATE cohorts
   SET seats_taken = seats_taken + ?1, waitlist_seq_last = waitlist_seq_last + ?2,
       updated_at = CASE WHEN ?1 > 0 THEN ?3 ELSE updated_at END
 WHERE id = ?0`, cohortID, seats, numbers, seatedAt); err != nil {
			return fmt.Errorf("count the placements in %s: %w", cohortID, err)
		}
		return s.insertPlaced(ctx, tx, placed)
	})
	if err != nil {
		for _, p := range batch {
			p.e.Status, p.e.WaitlistSeq, p.e.WaitlistPosition = "", nil, nil
		}
		return nil, err
	}
	return outcomes, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// activeAmong is the set of the batch's trainees who hold an active
// enrolment in the cohort.
func activeAmong(ctx context.Context, tx bun.Tx, cohortID string, batch []*placement) (map[string]bool, error) {
	trainees := make([]string, len(batch))
	for i, p := range batch {
		trainees[i] = p.e.TraineeID
	}
	var (
		rows []struct {
			TraineeID string `bun:"trainee_id"`
		}
		err error
	)
	const active = `SELECT trainee_id FROM enrolments WHERE cohort_id = ?0 AND status IN ('enrolled', 'waitlisted') AND trainee_id `
	if db.IsPostgres(tx) {
		err = db.Query(ctx, tx, &rows, active+`= ANY(?1)`, cohortID, trainees)
	} else {
		list, jerr := json.Marshal(trainees)
		if jerr != nil {
			return nil, jerr
		}
		err = db.Query(ctx, tx, &rows, active+`IN (SELECT value FROM json_each(?1))`, cohortID, string(list))
	}
	if err != nil {
		return nil, fmt.Errorf("active enrolments in %s: %w", cohortID, err)
	}
	held := make(map[string]bool, len(batch))
	for _, r := range rows {
		held[r.TraineeID] = true
	}
	return held, nil
}

// insertPlaced writes the placed enrolments and their audit events: on
// PostgreSQL in one statement, on SQLite (in process, no round trips) one
// prepared insert at a time.
func (s Store) insertPlaced(ctx context.Context, tx bun.Tx, placed []*placement) error {
	if !db.IsPostgres(tx) {
		for _, p := range placed {
			e := p.e
			if err := s.insert(ctx, tx, e); err != nil {
				return err
			}
			if err := audit.Record(audit.WithRequestID(ctx, p.requestID), tx, e.CreatedAt, audit.Change{
				ActorID: p.actorID, Action: "enrolment." + e.Status, Entity: "enrolment", EntityID: e.ID,
				After: state{Status: e.Status},
			}); err != nil {
				return err
			}
		}
		return nil
	}
	n := len(placed)
	var (
		enrolments, trainees, statuses = make([]string, n), make([]string, n), make([]string, n)
		seqs                           = make([]*int64, n)
		ats                            = make([]time.Time, n)
		events                         = make([]string, n)
		actors, requests               = make([]*string, n), make([]*string, n)
	)
	for i, p := range placed {
		e := p.e
		enrolments[i], trainees[i], statuses[i], seqs[i], ats[i] = e.ID, e.TraineeID, e.Status, e.WaitlistSeq, e.CreatedAt
		events[i] = ids.New()
		if p.actorID != "" {
			actors[i] = &p.actorID
		}
		if p.requestID != "" {
			requests[i] = &p.requestID
		}
	}
	_, err := db.Exec(ctx, tx, `WITH placed AS (
    INSERT INTO enrolments (id, cohort_id, trainee_id, status, waitlist_seq, created_at, updated_at)
    SELECT u.id, ?0, u.trainee_id, u.status, u.seq, u.at, u.at
      FROM unnest(?1::text[], ?2::text[], ?3::text[], ?4::bigint[], ?5::timestamptz[]) AS u(id, trainee_id, status, seq, at)
)
INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, after_json, request_id)
SELECT u.id, u.at, u.actor_id, 'enrolment.' || u.status, 'enrolment', u.entity_id, '{"status":"' || u.status || '"}', u.request_id
  FROM unnest(?6::text[], ?5::timestamptz[], ?7::text[], ?3::text[], ?1::text[], ?8::text[]) AS u(id, at, actor_id, status, entity_id, request_id)`,
		placed[0].e.CohortID, enrolments, trainees, statuses, seqs, ats, events, actors, requests)
	if err != nil {
		return fmt.Errorf("insert %d enrolments: %w", n, err)
	}
	return nil
}
