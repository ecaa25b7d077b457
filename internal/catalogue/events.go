package catalogue

import (
	"time"

	"github.com/skillgrid/skillgrid/internal/events"
)

// cohortData is the payload of the cohort.* events.
type cohortData struct {
	CohortID     string   `json:"cohort_id"`
	Cohort       string   `json:"cohort"`
	CourseID     string   `json:"course_id"`
	InstructorID string   `json:"instructor_id"`
	StartsOn     string   `json:"starts_on"`
	EndsOn       string   `json:"ends_on"`
	Mode         string   `json:"mode"`
	Location     *string  `json:"location"`
	Changes      []string `json:"changes,omitempty"`
}

// cohortChanges lists what of a cohort's dates, place and instructor
// differs between before and after: the changes its people must hear of.
// Capacity, label and the enrolment window concern nobody already in it.
func cohortChanges(before, after Cohort) []string {
	var out []string
	if before.StartsOn != after.StartsOn {
		out = append(out, "starts_on")
	}
	if before.EndsOn != after.EndsOn {
		out = append(out, "ends_on")
	}
	if before.Mode != after.Mode {
		out = append(out, "mode")
	}
	if str(before.Location) != str(after.Location) {
		out = append(out, "location")
	}
	if before.InstructorID != after.InstructorID {
		out = append(out, "instructor_id")
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// cohortEvent tells the cohort's instructors (the one before a change
// too) what happened to it.
func cohortEvent(t events.Type, before, after Cohort, changes []string, at time.Time) events.Event {
	to := []string{after.InstructorID}
	if before.InstructorID != after.InstructorID {
		to = append(to, before.InstructorID)
	}
	return events.Event{
		Type: t, Subject: "/v1/cohorts/" + after.ID, At: at, Recipients: to,
		Data: cohortData{
			CohortID: after.ID, Cohort: after.Label, CourseID: after.CourseID, InstructorID: after.InstructorID,
			StartsOn: after.StartsOn, EndsOn: after.EndsOn, Mode: after.Mode, Location: after.Location, Changes: changes,
		},
	}
}
