// Package enrolment holds trainees' places in cohorts: enrolling, the FIFO
// waitlist, withdrawing, and the seat invariant, which the database enforces
// under any concurrency and across server processes.
package enrolment

import (
	"time"

	"github.com/uptrace/bun"
)

// Enrolment statuses.
const (
	Enrolled   = "enrolled"
	Waitlisted = "waitlisted"
	Withdrawn  = "withdrawn"
	Completed  = "completed"
	Failed     = "failed"
	Cancelled  = "cancelled"
)

// Enrolment is a trainee's place (or place in line) in a cohort.
type Enrolment struct {
	bun.BaseModel `bun:"table:enrolments,alias:e"`

	ID               string     `bun:"id,pk" json:"id"`
	CohortID         string     `bun:"cohort_id" json:"cohort_id"`
	TraineeID        string     `bun:"trainee_id" json:"trainee_id"`
	Status           string     `bun:"status" json:"status"`
	WaitlistSeq      *int64     `bun:"waitlist_seq" json:"-"`
	AttendedHours    *float64   `bun:"attended_hours" json:"attended_hours"`
	Score            *float64   `bun:"score" json:"score"`
	ResultRecordedAt *time.Time `bun:"result_recorded_at" json:"result_recorded_at"`
	CreatedAt        time.Time  `bun:"created_at" json:"created_at"`
	UpdatedAt        time.Time  `bun:"updated_at" json:"updated_at"`

	// Read with the enrolment.
	WaitlistPosition *int   `bun:"waitlist_position,scanonly" json:"waitlist_position"`
	TraineeName      string `bun:"trainee_name,scanonly" json:"trainee_name"`
	CourseID         string `bun:"course_id,scanonly" json:"course_id"`
	CourseCode       string `bun:"course_code,scanonly" json:"course_code"`
	CourseTitle      string `bun:"course_title,scanonly" json:"course_title"`
	CohortLabel      string `bun:"cohort_label,scanonly" json:"cohort_label"`
	StartsOn         string `bun:"starts_on,scanonly" json:"starts_on"`
	EndsOn           string `bun:"ends_on,scanonly" json:"ends_on"`
	InstructorID     string `bun:"instructor_id,scanonly" json:"-"`
	// RegisterHours are the hours the cohort's register credits so far
	// (cohorts with sessions); AtRisk says the trainee can no longer reach
	// the course's minimum attendance. The attendance work keeps both.
	RegisterHours *float64 `bun:"register_hours,scanonly" json:"-"`
	AtRisk        bool     `bun:"at_risk,scanonly" json:"at_risk"`
}

// settle shows the register's hours as attended_hours until a result
// records the final ones.
func (e *Enrolment) settle() {
	if e.AttendedHours == nil && e.RegisterHours != nil {
		h := *e.RegisterHours
		e.AttendedHours = &h
	}
	if e.Status != Enrolled {
		e.AtRisk = false
	}
}

// state is what the audit trail records of an enrolment.
type state struct {
	Status           string `json:"status"`
	WaitlistPosition *int   `json:"waitlist_position,omitempty"`
}

// cohortSeats is the part of a cohort that enrolment rules read.
type cohortSeats struct {
	ID              string     `bun:"id"`
	CourseID        string     `bun:"course_id"`
	InstructorID    string     `bun:"instructor_id"`
	Capacity        int        `bun:"capacity"`
	SeatsTaken      int        `bun:"seats_taken"`
	StartsOn        string     `bun:"starts_on"`
	EnrolOpensAt    time.Time  `bun:"enrol_opens_at"`
	EnrolClosesAt   time.Time  `bun:"enrol_closes_at"`
	CancelledAt     *time.Time `bun:"cancelled_at"`
	CourseStatus    string     `bun:"course_status"`
	CourseUpdatedAt time.Time  `bun:"course_updated_at"`
	Label           string     `bun:"label"`
	EndsOn          string     `bun:"ends_on"`
	CourseCode      string     `bun:"course_code"`
	CourseTitle     string     `bun:"course_title"`
	TraineeName     *string    `bun:"trainee_name"`
}

// active reports whether an enrolment holds or waits for a seat.
func active(status string) bool { return status == Enrolled || status == Waitlisted }
