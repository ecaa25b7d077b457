package demand

import (
	"context"
	"fmt"
	"math"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
)

// GapReport is the operators' view of demand against supply, per track
// and level, as of a date.
type GapReport struct {
	AsOf string   `json:"as_of"`
	Rows []GapRow `json:"rows"`
}

// GapRow is one track and level that open demands ask for.
type GapRow struct {
	Track string `bun:"track" json:"track"`
	Level int    `bun:"level" json:"level"`
	// Demands are the open demands asking for the track at this level,
	// needed on or after the report's date; NeededBy is the latest date
	// among them.
	Demands  int    `bun:"demands" json:"demands"`
	NeededBy string `bun:"needed_by" json:"needed_by"`
	// OpenHeadcount is their places not filled yet.
	OpenHeadcount int `bun:"open_headcount" json:"open_headcount"`
	// MatchingGraduates are the graduates of the pool at the level or
	// above in the track now.
	MatchingGraduates int `json:"matching_graduates"`
	// DueToComplete are the trainees enrolled in a cohort of the track at
	// the level or above that ends from the report's date to NeededBy,
	// who do not have the level yet.
	DueToComplete int `json:"due_to_complete"`
	// Gap is what neither covers: OpenHeadcount - MatchingGraduates -
	// DueToComplete, never below 0.
	Gap int `json:"gap"`
	// CompletionRate is completed ÷ (completed + failed) among the results
	// of the track's courses at this level, nil without any.
	CompletionRate *float64 `json:"completion_rate"`
	// SeatsNeeded are the cohort seats it would take to close the gap at
	// that completion rate (SeatsToClose).
	SeatsNeeded int `json:"seats_needed"`
}

// Gap is the part of the open headcount that neither the matching
// graduates nor the trainees due to complete cover.
func Gap(openHeadcount, matching, due int) int {
	return max(0, openHeadcount-matching-due)
}

// SeatsToClose is how many cohort seats it takes to close a gap when a
// seat ends in completion at rate (0-1]: gap ÷ rate, rounded up. Without a
// rate to go by (no results yet, or none passed) it is one seat per
// missing person.
func SeatsToClose(gap int, rate *float64) int {
	if gap <= 0 {
		return 0
	}
	if rate == nil || *rate <= 0 {
		return gap
	}
	return int(math.Ceil(float64(gap)/(*rate) - 1e-9))
}

// Report is the gap report as of asOf (YYYY-MM-DD; today when empty).
func (s *Service) Report(ctx context.Context, asOf string) (GapReport, error) {
	if asOf == "" {
		asOf = s.now().UTC().Format("2006-01-02")
	} else if _, ok := dates.Day(asOf); !ok {
		return GapReport{}, apperr.Invalid(apperr.Field("as_of", msg.FieldDate))
	}
	rows, err := s.store.gapRows(ctx, s.db, asOf)
	if err != nil {
		return GapReport{}, err
	}
	for i := range rows {
		r := &rows[i]
		if err := s.store.supply(ctx, s.db, asOf, r); err != nil {
			return GapReport{}, err
		}
		r.Gap = Gap(r.OpenHeadcount, r.MatchingGraduates, r.DueToComplete)
		r.SeatsNeeded = SeatsToClose(r.Gap, r.CompletionRate)
	}
	return GapReport{AsOf: asOf, Rows: rows}, nil
}

// gapRows reads the open demands needed on or after asOf, per track and
// level.
func (s Store) gapRows(ctx context.Context, idb bun.IDB, asOf string) ([]GapRow, error) {
	rows := []GapRow{}
	err := idb.NewSelect().TableExpr("demands AS d").
		ColumnExpr("d.track AS track, d.min_level AS level, COUNT(*) AS demands").
		ColumnExpr("MAX(d.needed_by) AS needed_by, SUM(d.headcount - d.filled) AS open_headcount").
		Where("d.status = ?", Open).Where("d.needed_by >= ?", asOf).
		GroupExpr("d.track, d.min_level").OrderExpr("d.track, d.min_level").
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("demand report: %w", err)
	}
	return rows, nil
}

// supply fills a row's matching graduates, trainees due to complete and
// completion rate, each by the catalogue's level rule.
func (s Store) supply(ctx context.Context, idb bun.IDB, asOf string, r *GapRow) error {
	level, args := catalogue.LevelAtLeast("u.id", r.Track, r.Level, catalogue.TraineeSet)
	err := idb.NewSelect().TableExpr("users AS u").ColumnExpr("COUNT(*)").
		Where("u.role = 'trainee'").Where("u.active").Where("u.pool_opt_in").
		Where("EXISTS (SELECT 1 FROM enrolments AS pe WHERE pe.trainee_id = u.id AND pe.status = 'completed')").
		Where(level, args...).
		Scan(ctx, &r.MatchingGraduates)
	if err != nil {
		return fmt.Errorf("demand report: matching graduates: %w", err)
	}
	has, hasArgs := catalogue.LevelAtLeast("e.trainee_id", r.Track, r.Level, catalogue.PerTrainee)
	err = idb.NewSelect().TableExpr("enrolments AS e").ColumnExpr("COUNT(DISTINCT e.trainee_id)").
		Join("JOIN cohorts AS ch ON ch.id = e.cohort_id").
		Join("JOIN courses AS c ON c.id = ch.course_id").
		Where("c.track = ?", r.Track).Where("c.level >= ?", r.Level).
		Where("e.status = 'enrolled'").Where("ch.cancelled_at IS NULL").
		Where("ch.ends_on >= ?", asOf).Where("ch.ends_on <= ?", r.NeededBy).
		Where("NOT "+has, hasArgs...).
		Scan(ctx, &r.DueToComplete)
	if err != nil {
		return fmt.Errorf("demand report: due to complete: %w", err)
	}
	var res struct {
		Completed int `bun:"completed"`
		Failed    int `bun:"failed"`
	}
	err = idb.NewSelect().TableExpr("enrolments AS e").
		ColumnExpr("COALESCE(SUM(CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END), 0) AS completed").
		ColumnExpr("COALESCE(SUM(CASE WHEN e.status = 'failed' THEN 1 ELSE 0 END), 0) AS failed").
		Join("JOIN cohorts AS ch ON ch.id = e.cohort_id").
		Join("JOIN courses AS c ON c.id = ch.course_id").
		Where("c.track = ?", r.Track).Where("c.level = ?", r.Level).
		Scan(ctx, &res)
	if err != nil {
		return fmt.Errorf("demand report: completion rate: %w", err)
	}
	if n := res.Completed + res.Failed; n > 0 {
		rate := math.Round(float64(res.Completed)/float64(n)*10000) / 10000
		r.CompletionRate = &rate
	}
	return nil
}
