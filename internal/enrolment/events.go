package enrolment

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// cohortNames are what an enrolment's event says of its cohort.
type cohortNames struct {
	CourseCode  string `bun:"course_code"`
	CohortLabel string `bun:"cohort_label"`
}

// enrolmentData is the payload of the enrolment.* events.
type enrolmentData struct {
	EnrolmentID      string `json:"enrolment_id"`
	CohortID         string `json:"cohort_id"`
	TraineeID        string `json:"trainee_id"`
	Status           string `json:"status"`
	WaitlistPosition *int   `json:"waitlist_position,omitempty"`
	Course           string `json:"course"`
	Cohort           string `json:"cohort"`
}

// enrolmentEvent tells the trainee what became of their enrolment.
func enrolmentEvent(t events.Type, e *Enrolment, n cohortNames, at time.Time) events.Event {
	return events.Event{
		Type: t, Subject: "/v1/enrolments/" + e.ID, At: at, Recipients: []string{e.TraineeID},
		Data: enrolmentData{
			EnrolmentID: e.ID, CohortID: e.CohortID, TraineeID: e.TraineeID, Status: e.Status,
			WaitlistPosition: e.WaitlistPosition, Course: n.CourseCode, Cohort: n.CohortLabel,
		},
	}
}

// names reads what events say of a cohort.
func (Store) names(ctx context.Context, idb bun.IDB, cohortID string) (cohortNames, error) {
	var ns []cohortNames
	err := db.Query(ctx, idb, &ns, `SELECT co.code AS course_code, ch.label AS cohort_label
FROM cohorts AS ch JOIN courses AS co ON co.id = ch.course_id WHERE ch.id = ?0`, cohortID)
	if err != nil {
		return cohortNames{}, fmt.Errorf("names of cohort %s: %w", cohortID, err)
	}
	if len(ns) == 0 {
		return cohortNames{}, fmt.Errorf("names of cohort %s: no such cohort", cohortID)
	}
	return ns[0], nil
}
