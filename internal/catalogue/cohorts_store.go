package catalogue

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

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

// sessionSpan is when the cohort's first scheduled session starts and its
// last one ends (the attendance work schedules them); ok is false when it
// has none.
func (s Store) sessionSpan(ctx context.Context, idb bun.IDB, cohortID string) (first, last time.Time, ok bool, err error) {
	var starts, ends []time.Time
	q := func(col, order string, dst *[]time.Time) error {
		return idb.NewSelect().Table("cohort_sessions").Column(col).
			Where("cohort_id = ?", cohortID).Where("status = 'scheduled'").
			OrderExpr(col+" "+order).Limit(1).Scan(ctx, dst)
	}
	if err := q("starts_at", "ASC", &starts); err != nil {
		return first, last, false, fmt.Errorf("first session of %s: %w", cohortID, err)
	}
	if err := q("ends_at", "DESC", &ends); err != nil {
		return first, last, false, fmt.Errorf("last session of %s: %w", cohortID, err)
	}
	if len(starts) == 0 || len(ends) == 0 {
		return first, last, false, nil
	}
	return starts[0], ends[0], true, nil
}
