package testutil

import (
	"context"
)

// InsertEnrolment brings in an enrolment of the trainee in the cohort with
// the status, whatever the cohort's window or the trainee's eligibility,
// through the enrolment service's Backfill: it takes a seat or the next
// waitlist number as the enrolment rules do. A completed or failed one gets
// a result. It lets catalogue tests set up completions and waitlists.
func (e *Env) InsertEnrolment(cohortID, traineeID, status string) string {
	e.T.Helper()
	ctx := context.Background()
	now := e.Clock.Now()
	en, err := e.App.Enrolments.Backfill(ctx, "", cohortID, traineeID, status, now)
	if err == nil && (status == "completed" || status == "failed") {
		_, err = e.DB.NewUpdate().Table("enrolments").
			Set("attended_hours = ?", 40.0).Set("score = ?", 80.0).Set("result_recorded_at = ?", now).
			Where("id = ?", en.ID).Exec(ctx)
	}
	if err != nil {
		e.T.Fatalf("insert %s enrolment: %v", status, err)
	}
	return en.ID
}
