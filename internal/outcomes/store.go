package outcomes

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Store is the SQL of employment, surveys and the outcomes report.
type Store struct{}

func (Store) insertEmployment(ctx context.Context, idb bun.IDB, e *Employment) error {
	if _, err := idb.NewInsert().Model(e).Exec(ctx); err != nil {
		return fmt.Errorf("insert employment: %w", err)
	}
	return nil
}

// finished is what the survey rule needs to know about an enrolment.
type finished struct {
	TraineeID string `bun:"trainee_id"`
	Status    string `bun:"status"`
}

func (Store) enrolment(ctx context.Context, idb bun.IDB, id string) (finished, error) {
	var f finished
	err := idb.NewSelect().Table("enrolments").Column("trainee_id", "status").Where("id = ?", id).Scan(ctx, &f)
	return f, db.NotFound(err, msg.NotFoundEnrolment)
}

func (Store) insertSurvey(ctx context.Context, idb bun.IDB, s *Survey) error {
	if _, err := idb.NewInsert().Model(s).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("already_rated", msg.SurveyAlreadyGiven)
		}
		return fmt.Errorf("insert survey: %w", err)
	}
	return nil
}

// MonthsAfter is the SQL expression of the date n months after the
// YYYY-MM-DD date in column col, clamped to the end of a shorter month
// (2027-01-31 + 1 month = 2027-02-28; 2028-01-31 + 1 month = 2028-02-29),
// as YYYY-MM-DD. It is the one home of the outcomes report's month rule.
// PostgreSQL's date + interval clamps so; SQLite's date() rolls over into
// the next month instead (01-31 + 1 month = 03-03), so the earlier of that
// and the last day of the target month is taken.
func MonthsAfter(idb bun.IDB, col string, n int) string {
	if db.IsPostgres(idb) {
		return fmt.Sprintf("to_char(CAST(%s AS date) + make_interval(months => %d), 'YYYY-MM-DD')", col, n)
	}
	return fmt.Sprintf("MIN(date(%[1]s, '+%[2]d months'), date(%[1]s, 'start of month', '+%[3]d months', '-1 day'))", col, n, n+1)
}

// counts aggregates the outcomes of the cohorts (not cancelled) that end
// within [from, to] (either may be ""), grouped by cohort or by track and
// level, in one statement. A completer is employed within n months when a
// job they reported (or a hire of theirs) started no later than their
// cohort's ends_on + n months, whenever it started; insured_6m counts only
// insured jobs (a hire is insured).
func (Store) counts(ctx context.Context, idb bun.IDB, from, to string, by Grouping) ([]Counts, error) {
	filter, args := "", []any{}
	if from != "" {
		filter, args = filter+" AND ch.ends_on >= ?", append(args, from)
	}
	if to != "" {
		filter, args = filter+" AND ch.ends_on <= ?", append(args, to)
	}
	employed := func(due string, insuredOnly bool) string {
		insured := ""
		if insuredOnly {
			insured = " AND j.insured"
		}
		return fmt.Sprintf(`CASE WHEN e.status = 'completed' AND (
        EXISTS (SELECT 1 FROM employments AS j WHERE j.trainee_id = e.trainee_id AND j.started_on <= %[1]s%[2]s)
        OR EXISTS (SELECT 1 FROM hires AS h WHERE h.trainee_id = e.trainee_id AND h.hired_on <= %[1]s)) THEN 1 ELSE 0 END`, due, insured)
	}
	keys, order := "c.id, c.code, c.label, c.ends_on, c.track, c.level", "c.ends_on, c.code, c.id"
	cols := "c.id AS cohort_id, c.code AS course_code, c.label AS cohort_label, c.ends_on AS ends_on, c.track, c.level"
	if by == ByTrackLevel {
		keys, order = "c.track, c.level", "c.track, c.level"
		cols = "c.track, c.level"
	}
	q := fmt.Sprintf(`WITH c AS (
    SELECT ch.id, ch.label, ch.ends_on, co.code, co.track, co.level,
        %[1]s AS due3, %[2]s AS due6
    FROM cohorts AS ch JOIN courses AS co ON co.id = ch.course_id
    WHERE ch.cancelled_at IS NULL%[3]s
), f AS (
    SELECT e.cohort_id, e.status, s.rating,
        CASE WHEN e.status = 'completed' THEN c.due3 END AS due3,
        CASE WHEN e.status = 'completed' THEN c.due6 END AS due6,
        %[4]s AS e3,
        %[5]s AS e6,
        %[6]s AS i6
    FROM enrolments AS e
    JOIN c ON c.id = e.cohort_id
    LEFT JOIN surveys AS s ON s.enrolment_id = e.id
    WHERE e.status IN ('completed', 'failed')
)
SELECT %[7]s,
    COALESCE(SUM(CASE WHEN f.status = 'completed' THEN 1 ELSE 0 END), 0) AS completers,
    COALESCE(SUM(f.e3), 0) AS employed_3m,
    COALESCE(SUM(f.e6), 0) AS employed_6m,
    COALESCE(SUM(f.i6), 0) AS insured_6m,
    MAX(f.due3) AS due_3m,
    MAX(f.due6) AS due_6m,
    COUNT(f.rating) AS responses,
    COALESCE(SUM(f.rating), 0) AS rating_sum
FROM c LEFT JOIN f ON f.cohort_id = c.id
GROUP BY %[8]s
ORDER BY %[9]s`,
		MonthsAfter(idb, "ch.ends_on", 3), MonthsAfter(idb, "ch.ends_on", 6), filter,
		employed("c.due3", false), employed("c.due6", false), employed("c.due6", true),
		cols, keys, order)
	var out []Counts
	if err := idb.NewRaw(q, args...).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("outcomes by %s: %w", by, err)
	}
	return out, nil
}
