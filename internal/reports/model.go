// Package reports answers the operators' questions about the programme's
// outcomes, computed by aggregation in the database.
package reports

// CohortSummary is a cohort's roster outcome.
type CohortSummary struct {
	CohortID          string   `bun:"cohort_id" json:"cohort_id"`
	CourseCode        string   `bun:"course_code" json:"course_code"`
	CourseTitle       string   `bun:"course_title" json:"course_title"`
	Label             string   `bun:"label" json:"label"`
	Capacity          int      `bun:"capacity" json:"capacity"`
	Enrolled          int      `bun:"enrolled" json:"enrolled"`
	Waitlisted        int      `bun:"waitlisted" json:"waitlisted"`
	Withdrawn         int      `bun:"withdrawn" json:"withdrawn"`
	Completed         int      `bun:"completed" json:"completed"`
	Failed            int      `bun:"failed" json:"failed"`
	Cancelled         int      `bun:"cancelled" json:"cancelled"`
	AverageAttendance *float64 `bun:"average_attendance" json:"average_attendance"`
	AverageHours      *float64 `bun:"average_attended_hours" json:"average_attended_hours"`
	AverageScore      *float64 `bun:"average_score" json:"average_score"`
	InstructorID      string   `bun:"instructor_id" json:"-"`
}

// ProgrammeRow is one track and level of the programme report.
type ProgrammeRow struct {
	Track           string   `bun:"track" json:"track"`
	Level           int      `bun:"level" json:"level"`
	Courses         int      `bun:"courses" json:"courses"`
	Cohorts         int      `bun:"cohorts" json:"cohorts"`
	Seats           int      `bun:"seats" json:"seats"`
	Enrolled        int      `bun:"enrolled" json:"enrolled"`
	Waitlisted      int      `bun:"waitlisted" json:"waitlisted"`
	InProgress      int      `bun:"in_progress" json:"in_progress"`
	Completed       int      `bun:"completed" json:"completed"`
	Failed          int      `bun:"failed" json:"failed"`
	CompletionRate  *float64 `bun:"-" json:"completion_rate"`
	Graduates       int      `bun:"graduates" json:"graduates"`
	GraduatesInPool int      `bun:"graduates_in_pool" json:"graduates_in_pool"`
	ContactRequests int      `bun:"contact_requests" json:"contact_requests"`
	Hires           int      `bun:"-" json:"hires"`
	HiredGraduates  int      `bun:"-" json:"hired_graduates"`
	HireRate        float64  `bun:"-" json:"hire_rate"`
}

// Programme is the programme report for a period of cohort start dates.
type Programme struct {
	From *string        `json:"from"`
	To   *string        `json:"to"`
	Rows []ProgrammeRow `json:"rows"`
}
