package catalogue

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// cohort reads one cohort, by a statement prepared once per connection.
func (s Store) cohort(ctx context.Context, idb bun.IDB, id string) (Cohort, error) {
	var chs []Cohort
	if err := db.Query(ctx, idb, &chs, cohortSelect+"\nWHERE ch.id = ?0", id); err != nil {
		return Cohort{}, fmt.Errorf("read cohort %s: %w", id, err)
	}
	if len(chs) == 0 {
		return Cohort{}, apperr.NotFound(msg.NotFoundCohort)
	}
	return chs[0], nil
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

// cohortSelect selects cohorts with their course's headline, their
// instructor's name and their waitlist length, for statements sent with
// their arguments apart (db.Query), which each connection prepares once.
const cohortSelect = `SELECT ch.*, c.code AS course_code, c.title AS course_title, c.status AS course_status,
 c.track AS track, c.level AS level, u.name AS instructor_name,
 (SELECT COUNT(*) FROM enrolments AS e WHERE e.cohort_id = ch.id AND e.status = 'waitlisted') AS waitlist_length
FROM cohorts AS ch JOIN courses AS c ON c.id = ch.course_id JOIN users AS u ON u.id = ch.instructor_id`

// listCohorts is one page of cohorts by start date. Its text depends only
// on which filters are set, never on their values or the time (sent as
// arguments), so the few forms it takes are prepared once per connection.
func (s Store) listCohorts(ctx context.Context, idb bun.IDB, f CohortFilter, v cohortVisibility, now time.Time, p page.Params) ([]Cohort, error) {
	var where []string
	var args []any
	arg := func(a any) string {
		args = append(args, a)
		return "?" + strconv.Itoa(len(args)-1)
	}
	if v.publishedOnly {
		where = append(where, "c.status = "+arg(Published))
	}
	if f.CourseID != "" {
		where = append(where, "ch.course_id = "+arg(f.CourseID))
	}
	if f.InstructorID != "" {
		where = append(where, "ch.instructor_id = "+arg(f.InstructorID))
	}
	if f.Track != "" {
		where = append(where, "c.track = "+arg(f.Track))
	}
	if f.Level != 0 {
		where = append(where, "c.level = "+arg(f.Level))
	}
	if f.Open != nil {
		t := arg(now)
		if *f.Open {
			where = append(where, "ch.cancelled_at IS NULL AND ch.enrol_opens_at <= "+t+" AND ch.enrol_closes_at > "+t)
		} else {
			where = append(where, "(ch.cancelled_at IS NOT NULL OR ch.enrol_opens_at > "+t+" OR ch.enrol_closes_at <= "+t+")")
		}
	}
	if len(p.After) == 2 {
		day, id := arg(p.After[0]), arg(p.After[1])
		where = append(where, "(ch.starts_on > "+day+" OR (ch.starts_on = "+day+" AND ch.id > "+id+"))")
	}
	q := cohortSelect
	if len(where) > 0 {
		q += "\nWHERE " + strings.Join(where, " AND ")
	}
	q += "\nORDER BY ch.starts_on, ch.id LIMIT " + arg(p.Limit+1)
	var chs []Cohort
	if err := db.Query(ctx, idb, &chs, q, args...); err != nil {
		return nil, fmt.Errorf("list cohorts: %w", err)
	}
	return chs, nil
}

// openCohorts are the cohorts of published courses whose window holds now.
func (s Store) openCohorts(ctx context.Context, idb bun.IDB, now time.Time) ([]Cohort, error) {
	var chs []Cohort
	q := cohortSelect + `
WHERE c.status = ?0 AND ch.cancelled_at IS NULL AND ch.enrol_opens_at <= ?1 AND ch.enrol_closes_at > ?1
ORDER BY ch.enrol_closes_at, ch.starts_on, ch.id`
	if err := db.Query(ctx, idb, &chs, q, Published, now); err != nil {
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
