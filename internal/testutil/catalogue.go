package testutil

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// InsertEnrolment writes an enrolment of the trainee in the cohort with the
// status straight into the database, keeping the cohort's seat counter and
// the waitlist order as the enrolment rules would. It lets catalogue tests
// set up completions and waitlists without going through enrolment.
func (e *Env) InsertEnrolment(cohortID, traineeID, status string) string {
	e.T.Helper()
	ctx := context.Background()
	id := ids.New()
	now := e.Clock.Now()
	err := e.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row := map[string]any{
			"id": id, "cohort_id": cohortID, "trainee_id": traineeID, "status": status,
			"created_at": now, "updated_at": now,
		}
		switch status {
		case "waitlisted":
			// The next number from the cohort's own counter, as the
			// enrolment store takes it, so a real enrolment after this one
			// does not get the same number.
			var seq int64
			if err := tx.NewUpdate().Table("cohorts").Set("waitlist_seq_last = waitlist_seq_last + 1").
				Where("id = ?", cohortID).Returning("waitlist_seq_last").Scan(ctx, &seq); err != nil {
				return err
			}
			row["waitlist_seq"] = seq
		case "enrolled", "completed", "failed":
			if _, err := tx.NewUpdate().Table("cohorts").Set("seats_taken = seats_taken + 1").
				Where("id = ?", cohortID).Exec(ctx); err != nil {
				return err
			}
		}
		if status == "completed" || status == "failed" {
			row["attended_hours"], row["score"], row["result_recorded_at"] = 40.0, 80.0, now
		}
		_, err := tx.NewInsert().Model(&row).Table("enrolments").Exec(ctx)
		return err
	})
	if err != nil {
		e.T.Fatalf("insert %s enrolment: %v", status, err)
	}
	return id
}
