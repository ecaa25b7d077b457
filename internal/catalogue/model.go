// Package catalogue is the programme's offer: the fixed levels, the tracks,
// the courses and their cohorts, and each trainee's level per track, with
// the one eligibility rule that enrolment and recommendations share.
package catalogue

import (
	"time"

	"github.com/uptrace/bun"
)

// Level is one of the five fixed levels.
type Level struct {
	Level  int    `json:"level"`
	Name   string `json:"name"`
	NameKo string `json:"name_ko"`
}

// Levels are the programme's levels, lowest first.
var Levels = []Level{
	{Level: 1, Name: "Foundation", NameKo: "입문"},
	{Level: 2, Name: "Basic", NameKo: "초급"},
	{Level: 3, Name: "Intermediate", NameKo: "중급"},
	{Level: 4, Name: "Advanced", NameKo: "고급"},
	{Level: 5, Name: "Expert", NameKo: "전문가"},
}

// MaxLevel is the highest level.
const MaxLevel = 5

// Track is an industry track, reference data the admin manages.
type Track struct {
	bun.BaseModel `bun:"table:tracks"`

	Code      string    `bun:"code,pk" json:"code"`
	Name      string    `bun:"name" json:"name"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
}

// Course statuses.
const (
	Draft     = "draft"
	Published = "published"
	Archived  = "archived"
)

// Course defaults.
const (
	DefaultPassScore     = 60.0
	DefaultMinAttendance = 0.8
)

// Course is a catalogue entry.
type Course struct {
	bun.BaseModel `bun:"table:courses,alias:c"`

	ID            string    `bun:"id,pk" json:"id"`
	Code          string    `bun:"code" json:"code"`
	Title         string    `bun:"title" json:"title"`
	Description   string    `bun:"description" json:"description"`
	Track         string    `bun:"track" json:"track"`
	Level         int       `bun:"level" json:"level"`
	Hours         float64   `bun:"hours" json:"hours"`
	PassScore     float64   `bun:"pass_score" json:"pass_score"`
	MinAttendance float64   `bun:"min_attendance" json:"min_attendance"`
	Status        string    `bun:"status" json:"status"`
	SearchText    string    `bun:"search_text" json:"-"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at" json:"updated_at"`

	NCSUnits NCSUnits `bun:"ncs_units" json:"ncs_units"`

	Skills        []string `bun:"-" json:"skills"`
	Prerequisites []string `bun:"-" json:"prerequisites"`
}

// NewCourse is what the admin gives to make a course; nil takes the default.
type NewCourse struct {
	Code          string
	Title         string
	Description   string
	Track         string
	Level         int
	Hours         float64
	PassScore     *float64
	MinAttendance *float64
	Skills        []string
	Prerequisites []string
	NCSUnits      []NCSUnit
	Status        string // "" is draft
}

// CoursePatch changes a course; nil leaves a field as it is.
type CoursePatch struct {
	Code          *string
	Title         *string
	Description   *string
	Track         *string
	Level         *int
	Hours         *float64
	PassScore     *float64
	MinAttendance *float64
	Skills        *[]string
	Prerequisites *[]string
	NCSUnits      *[]NCSUnit
	Status        *string
}

// CourseFilter narrows the course list; zero values do not filter.
type CourseFilter struct {
	Track  string
	Level  int
	Skill  string
	Q      string
	Status string
}

// Cohort modes.
var Modes = []string{"onsite", "online", "hybrid"}

// Cohort statuses, derived from the clock, the window and the dates.
const (
	Upcoming   = "upcoming"
	Open       = "open"
	Closed     = "closed"
	InProgress = "in_progress"
	Finished   = "finished"
	Cancelled  = "cancelled"
)

// Cohort is one run of a course, with the course's headline and the
// derived seat counts and status.
type Cohort struct {
	bun.BaseModel `bun:"table:cohorts,alias:ch"`

	ID            string     `bun:"id,pk" json:"id"`
	CourseID      string     `bun:"course_id" json:"course_id"`
	Label         string     `bun:"label" json:"label"`
	InstructorID  string     `bun:"instructor_id" json:"instructor_id"`
	Capacity      int        `bun:"capacity" json:"capacity"`
	SeatsTaken    int        `bun:"seats_taken" json:"seats_taken"`
	StartsOn      string     `bun:"starts_on" json:"starts_on"`
	EndsOn        string     `bun:"ends_on" json:"ends_on"`
	EnrolOpensAt  time.Time  `bun:"enrol_opens_at" json:"enrol_opens_at"`
	EnrolClosesAt time.Time  `bun:"enrol_closes_at" json:"enrol_closes_at"`
	Mode          string     `bun:"mode" json:"mode"`
	Location      *string    `bun:"location" json:"location"`
	CancelledAt   *time.Time `bun:"cancelled_at" json:"cancelled_at"`
	// The enrolment work's waitlist counter; never written from here.
	WaitlistSeqLast int64     `bun:"waitlist_seq_last" json:"-"`
	WaitlistLeft    int64     `bun:"waitlist_left" json:"-"`
	CreatedAt       time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt       time.Time `bun:"updated_at" json:"updated_at"`

	// Read with the cohort, never written through it.
	CourseCode     string `bun:"course_code,scanonly" json:"course_code"`
	CourseTitle    string `bun:"course_title,scanonly" json:"course_title"`
	CourseStatus   string `bun:"course_status,scanonly" json:"-"`
	Track          string `bun:"track,scanonly" json:"track"`
	Level          int    `bun:"level,scanonly" json:"level"`
	InstructorName string `bun:"instructor_name,scanonly" json:"instructor_name"`
	WaitlistLength int    `bun:"waitlist_length,scanonly" json:"waitlist_length"`

	// Derived when read.
	SeatsLeft int    `bun:"-" json:"seats_left"`
	Status    string `bun:"-" json:"status"`
}

// NewCohort is what the admin gives to make a cohort.
type NewCohort struct {
	Label         string
	InstructorID  string
	Capacity      int
	StartsOn      string
	EndsOn        string
	EnrolOpensAt  time.Time
	EnrolClosesAt time.Time
	Mode          string
	Location      *string
}

// CohortPatch changes a cohort; nil leaves a field as it is.
type CohortPatch struct {
	Label         *string
	InstructorID  *string
	Capacity      *int
	StartsOn      *string
	EndsOn        *string
	EnrolOpensAt  *time.Time
	EnrolClosesAt *time.Time
	Mode          *string
	Location      *string
}

// CohortFilter narrows the cohort list; zero values do not filter.
type CohortFilter struct {
	CourseID     string
	Track        string
	Level        int
	InstructorID string
	Open         *bool
}

// Placement is an admin's placement of a trainee at a level in a track.
type Placement struct {
	bun.BaseModel `bun:"table:placements"`

	ID        string    `bun:"id,pk" json:"id"`
	TraineeID string    `bun:"trainee_id" json:"trainee_id"`
	Track     string    `bun:"track" json:"track"`
	Level     int       `bun:"level" json:"level"`
	Reason    string    `bun:"reason" json:"reason"`
	PlacedBy  string    `bun:"placed_by" json:"placed_by"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
}

// NewPlacement is the admin's placement request.
type NewPlacement struct {
	Track  string
	Level  int
	Reason string
}

// Fit says how well a recommended cohort suits the trainee.
const (
	FitNextLevel = "next_level"
	FitSameLevel = "same_level"
	FitNewTrack  = "new_track"
	FitOther     = "other"
)

// Recommendation is an open cohort the trainee may enrol in now, and why.
type Recommendation struct {
	Cohort  Cohort   `json:"cohort"`
	Fit     string   `json:"fit"`
	Reasons []string `json:"reasons"`
}

// List is a whole, unpaged list in the shape every list answers.
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}
