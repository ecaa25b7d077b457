// Package pool is the graduate pool: trainees who completed a course and
// agreed to be found, searched by approved companies and operators; the
// contact requests companies send them, which only the graduate can accept;
// and the hires that follow an accepted request. A pool answer never holds
// a graduate's email or phone: a company learns them only from its own
// contact request, once the graduate has accepted it.
package pool

import (
	"time"

	"github.com/uptrace/bun"
)

// Graduate is one entry of the pool: a trainee with at least one completed
// course who has opted in. It has no email and no phone, by design.
type Graduate struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Levels           map[string]int    `json:"levels"`
	Skills           []string          `json:"skills"`
	CareerStage      *string           `json:"career_stage"`
	Region           *string           `json:"region"`
	LastCompletedAt  time.Time         `json:"last_completed_at"`
	CompletedCourses []CompletedCourse `json:"completed_courses"`
}

// CompletedCourse is a course a graduate completed, with the code of its
// certificate while that certificate is valid.
type CompletedCourse struct {
	Code            string    `json:"code"`
	Title           string    `json:"title"`
	Track           string    `json:"track"`
	Level           int       `json:"level"`
	CompletedAt     time.Time `json:"completed_at"`
	CertificateCode *string   `json:"certificate_code"`
}

// Filter narrows the pool; zero values do not filter. Several skills match
// a graduate who has any of them.
type Filter struct {
	// Track and MinLevel: a level of at least MinLevel in Track. Track alone
	// means a level of at least 1 in it; MinLevel alone, in any track.
	Track    string
	MinLevel int
	Skills   []string
	// CompletedAfter is a date (YYYY-MM-DD): a completion on or after it.
	CompletedAfter string
	Region         string
	CareerStage    string
	// Q is a case-insensitive substring of the name or of the code or title
	// of a completed course.
	Q string
}

// MaxSkills bounds the skills one search may ask for.
const MaxSkills = 20

// Shape is what the columns of an export of the pool depend on, read when
// the export begins: the catalogue's tracks (a level column each) and the
// most skills and completed courses any trainee has (so many columns of
// each). A graduate who gains skills or courses beyond these while the
// export runs shows the first ones.
type Shape struct {
	Tracks     []string
	MaxSkills  int
	MaxCourses int
}

// Contact request statuses. Only a pending request is open.
const (
	Pending  = "pending"
	Accepted = "accepted"
	Declined = "declined"
)

// ContactRequest is a company's request to contact a graduate, as stored.
type ContactRequest struct {
	bun.BaseModel `bun:"table:contact_requests,alias:cr"`

	ID        string     `bun:"id,pk"`
	CompanyID string     `bun:"company_id"`
	TraineeID string     `bun:"trainee_id"`
	SentBy    string     `bun:"sent_by"`
	Message   string     `bun:"message"`
	Status    string     `bun:"status"`
	CreatedAt time.Time  `bun:"created_at"`
	DecidedAt *time.Time `bun:"decided_at"`
}

// Received is a contact request as the graduate it was sent to sees it.
type Received struct {
	ID          string     `bun:"id" json:"id"`
	CompanyID   string     `bun:"company_id" json:"company_id"`
	CompanyName string     `bun:"company_name" json:"company_name"`
	Message     string     `bun:"message" json:"message"`
	Status      string     `bun:"status" json:"status"`
	CreatedAt   time.Time  `bun:"created_at" json:"created_at"`
	DecidedAt   *time.Time `bun:"decided_at" json:"decided_at"`
}

// Sent is a contact request as the company that sent it sees it: the
// graduate's email and phone appear only once they have accepted.
type Sent struct {
	ID           string     `bun:"id" json:"id"`
	TraineeID    string     `bun:"trainee_id" json:"trainee_id"`
	TraineeName  string     `bun:"trainee_name" json:"trainee_name"`
	TraineeEmail *string    `bun:"trainee_email" json:"trainee_email"`
	TraineePhone *string    `bun:"trainee_phone" json:"trainee_phone"`
	Message      string     `bun:"message" json:"message"`
	Status       string     `bun:"status" json:"status"`
	CreatedAt    time.Time  `bun:"created_at" json:"created_at"`
	DecidedAt    *time.Time `bun:"decided_at" json:"decided_at"`
	HireID       *string    `bun:"hire_id" json:"hire_id"`
}

// Hire is a company's hire of a graduate, recorded after the graduate
// accepted its contact request; at most one per request.
type Hire struct {
	bun.BaseModel `bun:"table:hires,alias:h"`

	ID               string    `bun:"id,pk" json:"id"`
	CompanyID        string    `bun:"company_id" json:"company_id"`
	TraineeID        string    `bun:"trainee_id" json:"trainee_id"`
	ContactRequestID string    `bun:"contact_request_id" json:"contact_request_id"`
	DemandID         *string   `bun:"demand_id" json:"demand_id"`
	Position         string    `bun:"position" json:"position"`
	HiredOn          string    `bun:"hired_on" json:"hired_on"`
	RecordedBy       string    `bun:"recorded_by" json:"-"`
	CreatedAt        time.Time `bun:"created_at" json:"created_at"`
}

// NewHire is what a company gives to record a hire.
type NewHire struct {
	Position string
	HiredOn  string // YYYY-MM-DD
	// DemandID names the company's open demand the hire fills, if any.
	DemandID string
}
