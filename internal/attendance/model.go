// Package attendance is how a cohort is taught: its sessions (single or a
// weekly pattern, in Korea time), the register an instructor keeps session
// by session, the trainees' self check-in with rotating codes, the hours the
// register credits and the warning when a trainee can no longer reach the
// course's minimum, and the calendars (RFC 5545) people subscribe to.
package attendance

import (
	"time"

	"github.com/uptrace/bun"
)

// Session statuses.
const (
	Scheduled = "scheduled"
	Cancelled = "cancelled"
)

// Record statuses, as Korean vocational-training registers keep them.
const (
	Present   = "present"
	Late      = "late"
	LeftEarly = "left_early"
	Absent    = "absent"
	Excused   = "excused"
)

// Statuses are the record statuses, in the order the API lists them.
var Statuses = []string{Present, Late, LeftEarly, Absent, Excused}

// Where a record came from.
const (
	FromRegister = "register"
	FromCheckIn  = "check_in"
)

// Session is one meeting of a cohort.
type Session struct {
	bun.BaseModel `bun:"table:cohort_sessions,alias:s"`

	ID        string    `bun:"id,pk" json:"id"`
	CohortID  string    `bun:"cohort_id" json:"cohort_id"`
	StartsAt  time.Time `bun:"starts_at" json:"starts_at"`
	EndsAt    time.Time `bun:"ends_at" json:"ends_at"`
	Hours     float64   `bun:"hours" json:"hours"`
	Topic     string    `bun:"topic" json:"topic"`
	Location  *string   `bun:"location" json:"location"`
	Status    string    `bun:"status" json:"status"`
	Sequence  int       `bun:"sequence" json:"sequence"`
	Secret    string    `bun:"check_in_secret" json:"-"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt time.Time `bun:"updated_at" json:"updated_at"`
}

// utc gives the session's instants in UTC, as the API answers them.
func (s *Session) utc() {
	s.StartsAt, s.EndsAt = s.StartsAt.UTC(), s.EndsAt.UTC()
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
}

// Slot is when a session takes place and how many hours it counts.
type Slot struct {
	StartsAt, EndsAt time.Time
	// Hours is nil for the length of the slot.
	Hours *float64
}

// Weekly is a weekly pattern of sessions in Korea time.
type Weekly struct {
	// Weekdays are ISO weekdays: 1 Monday … 7 Sunday.
	Weekdays  []int
	StartTime string // HH:MM
	EndTime   string // HH:MM
	From, To  string // YYYY-MM-DD, both included
	Skip      []string
}

// NewSessions is what an admin gives to schedule sessions: Single or
// Weekly, with what every session shares.
type NewSessions struct {
	Single   *Slot
	Weekly   *Weekly
	Hours    *float64
	Topic    string
	Location *string
}

// SessionPatch changes a session; nil leaves a field as it is.
type SessionPatch struct {
	StartsAt *time.Time
	EndsAt   *time.Time
	Hours    *float64
	Topic    *string
	Location *string
}

// Record is one trainee's entry in one session's register.
type Record struct {
	bun.BaseModel `bun:"table:attendance_records,alias:r"`

	SessionID   string     `bun:"session_id,pk" json:"session_id"`
	EnrolmentID string     `bun:"enrolment_id,pk" json:"enrolment_id"`
	Status      string     `bun:"status" json:"status"`
	Note        string     `bun:"note" json:"note"`
	Source      string     `bun:"source" json:"source"`
	RecordedBy  string     `bun:"recorded_by" json:"-"`
	CheckedInAt *time.Time `bun:"checked_in_at" json:"checked_in_at"`
	UpdatedAt   time.Time  `bun:"updated_at" json:"updated_at"`

	// Read with the record.
	TraineeID   string `bun:"trainee_id,scanonly" json:"trainee_id"`
	TraineeName string `bun:"trainee_name,scanonly" json:"trainee_name"`
	// Derived when read.
	CreditedHours float64 `bun:"-" json:"credited_hours"`
}

func (r *Record) utc() {
	r.UpdatedAt = r.UpdatedAt.UTC()
	if r.CheckedInAt != nil {
		t := r.CheckedInAt.UTC()
		r.CheckedInAt = &t
	}
}

// Entry is one row of a register as an instructor submits it.
type Entry struct {
	EnrolmentID string
	Status      string
	Note        string
}

// Register is one session's register.
type Register struct {
	SessionID string   `json:"session_id"`
	CohortID  string   `json:"cohort_id"`
	Records   []Record `json:"records"`
}

// CheckInCode is what the instructor shows during a session.
type CheckInCode struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
	URL       string    `json:"url"`
}

// SessionAttendance is one session on a trainee's attendance view.
type SessionAttendance struct {
	SessionID     string    `json:"session_id"`
	StartsAt      time.Time `json:"starts_at"`
	EndsAt        time.Time `json:"ends_at"`
	Hours         float64   `json:"hours"`
	Topic         string    `json:"topic"`
	SessionStatus string    `json:"session_status"`
	// Status is the record's status, nil while none is recorded.
	Status        *string    `json:"status"`
	Note          *string    `json:"note"`
	CheckedInAt   *time.Time `json:"checked_in_at"`
	CreditedHours float64    `json:"credited_hours"`
}

// Attendance is a trainee's attendance in a cohort.
type Attendance struct {
	EnrolmentID    string              `json:"enrolment_id"`
	CohortID       string              `json:"cohort_id"`
	TraineeID      string              `json:"trainee_id"`
	AttendedHours  float64             `json:"attended_hours"`
	RequiredHours  float64             `json:"required_hours"`
	AttendanceRate float64             `json:"attendance_rate"`
	AtRisk         bool                `json:"at_risk"`
	Sessions       []SessionAttendance `json:"sessions"`
}

// List is a whole, unpaged list in the shape every list answers.
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// FeedURL answers the issue of a personal calendar feed.
type FeedURL struct {
	URL string `json:"url"`
}
