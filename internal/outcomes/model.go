// Package outcomes measures what the programme is judged on (PRODUCT.md,
// "Outcomes the programme is judged on"): the employment trainees report,
// their satisfaction surveys, and the outcomes report that counts
// completers employed 3 and 6 months after their cohort ends.
package outcomes

import (
	"time"

	"github.com/uptrace/bun"
)

// Employment is a job a trainee reports having started.
type Employment struct {
	bun.BaseModel `bun:"table:employments"`

	ID        string    `bun:"id,pk" json:"id"`
	TraineeID string    `bun:"trainee_id" json:"trainee_id"`
	Employer  string    `bun:"employer" json:"employer"`
	StartedOn string    `bun:"started_on" json:"started_on"`
	Insured   bool      `bun:"insured" json:"insured"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
}

// NewEmployment is what a trainee reports.
type NewEmployment struct {
	Employer  string
	StartedOn string // YYYY-MM-DD
	Insured   bool
}

// Survey is a trainee's rating of one finished enrolment.
type Survey struct {
	bun.BaseModel `bun:"table:surveys"`

	ID          string    `bun:"id,pk" json:"id"`
	EnrolmentID string    `bun:"enrolment_id" json:"enrolment_id"`
	TraineeID   string    `bun:"trainee_id" json:"trainee_id"`
	Rating      int       `bun:"rating" json:"rating"`
	Comment     *string   `bun:"comment" json:"comment"`
	CreatedAt   time.Time `bun:"created_at" json:"created_at"`
}

// Grouping is how the outcomes report groups its rows.
type Grouping string

// The groupings of the outcomes report.
const (
	ByCohort     Grouping = "cohort"
	ByTrackLevel Grouping = "track_level"
)

// Counts are one group's raw figures, as the database aggregates them.
type Counts struct {
	CohortID    *string `bun:"cohort_id"`
	CourseCode  *string `bun:"course_code"`
	CohortLabel *string `bun:"cohort_label"`
	EndsOn      *string `bun:"ends_on"`
	Track       string  `bun:"track"`
	Level       int     `bun:"level"`
	Completers  int     `bun:"completers"`
	Employed3   int     `bun:"employed_3m"`
	Employed6   int     `bun:"employed_6m"`
	Insured6    int     `bun:"insured_6m"`
	// Due3 and Due6 are the latest "ends_on + 3 (6) months" among the
	// group's completers: the figures are measurable once that day has
	// passed. Nil when the group has no completers.
	Due3      *string `bun:"due_3m"`
	Due6      *string `bun:"due_6m"`
	Responses int     `bun:"responses"`
	RatingSum int     `bun:"rating_sum"`
}

// Row is one published row of the outcomes report. A figure is null when
// it is suppressed (a count of 1 to 4, or a rate built on one; its name is
// in Suppressed) or not yet measurable (its name is in NotYetMeasurable).
type Row struct {
	CohortID         *string  `json:"cohort_id"`
	CourseCode       *string  `json:"course_code"`
	CohortLabel      *string  `json:"cohort_label"`
	EndsOn           *string  `json:"ends_on"`
	Track            string   `json:"track"`
	Level            int      `json:"level"`
	Completers       *int     `json:"completers"`
	Employed3        *int     `json:"employed_3m"`
	Employed6        *int     `json:"employed_6m"`
	Insured6         *int     `json:"insured_6m"`
	Employed3Rate    *float64 `json:"employed_3m_rate"`
	Employed6Rate    *float64 `json:"employed_6m_rate"`
	Insured6Rate     *float64 `json:"insured_6m_rate"`
	Responses        *int     `json:"responses"`
	Satisfaction     *float64 `json:"satisfaction"`
	Suppressed       []string `json:"suppressed"`
	NotYetMeasurable []string `json:"not_yet_measurable"`
}

// Report is the outcomes report for cohorts ending within [From, To].
type Report struct {
	From *string  `json:"from"`
	To   *string  `json:"to"`
	By   Grouping `json:"by"`
	// AsOf is the programme date the figures were measured on.
	AsOf string `json:"as_of"`
	Rows []Row  `json:"rows"`
}
