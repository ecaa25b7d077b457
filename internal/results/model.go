// Package results records outcomes: attendance and scores in bulk, the
// completion or failure they decide, the certificates completions issue,
// and the trainee's transcript.
package results

import (
	"time"

	"github.com/uptrace/bun"
)

// Row is one trainee's result in a batch.
type Row struct {
	EnrolmentID string
	// AttendedHours is given for a cohort without sessions; for one with
	// sessions it must be nil (the register computes it).
	AttendedHours *float64
	Score         float64
}

// Batch is what an instructor or admin submits for a cohort.
type Batch struct {
	Rows []Row
	// CorrectionReason is required when an admin changes results already
	// recorded.
	CorrectionReason string
	// fromRegister: the rows' hours were computed from the register.
	fromRegister bool
}

// Outcome is what a batch did to one enrolment.
type Outcome struct {
	EnrolmentID     string  `json:"enrolment_id"`
	TraineeID       string  `json:"trainee_id"`
	Status          string  `json:"status"`
	AttendedHours   float64 `json:"attended_hours"`
	Score           float64 `json:"score"`
	CertificateCode *string `json:"certificate_code"`
	Corrected       bool    `json:"corrected"`
}

// Summary answers a batch.
type Summary struct {
	CohortID string    `json:"cohort_id"`
	Results  []Outcome `json:"results"`
}

// outcome is what the audit trail records of a result.
type outcome struct {
	Status        string   `json:"status"`
	AttendedHours *float64 `json:"attended_hours"`
	Score         *float64 `json:"score"`
	Reason        string   `json:"correction_reason,omitempty"`
}

// Certificate is a certificate as its holder sees it.
type Certificate struct {
	bun.BaseModel `bun:"table:certificates,alias:cert"`

	ID           string     `bun:"id,pk" json:"-"`
	Code         string     `bun:"code" json:"code"`
	EnrolmentID  string     `bun:"enrolment_id" json:"enrolment_id"`
	TraineeID    string     `bun:"trainee_id" json:"-"`
	CourseID     string     `bun:"course_id" json:"course_id"`
	IssuedAt     time.Time  `bun:"issued_at" json:"issued_at"`
	Status       string     `bun:"status" json:"status"`
	RevokedAt    *time.Time `bun:"revoked_at" json:"revoked_at"`
	RevokeReason *string    `bun:"revoke_reason" json:"revoke_reason"`
	RevokedBy    *string    `bun:"revoked_by" json:"-"`

	TraineeName string  `bun:"trainee_name,scanonly" json:"trainee_name"`
	CourseCode  string  `bun:"course_code,scanonly" json:"course_code"`
	CourseTitle string  `bun:"course_title,scanonly" json:"course_title"`
	Track       string  `bun:"track,scanonly" json:"track"`
	Level       int     `bun:"level,scanonly" json:"level"`
	Hours       float64 `bun:"hours,scanonly" json:"hours"`
}

// Verification is what the public verifier shows: only what a verifier
// needs, nothing that reaches the holder (no email, phone, ids or score).
type Verification struct {
	Code        string  `json:"code"`
	TraineeName string  `json:"trainee_name"`
	CourseCode  string  `json:"course_code"`
	CourseTitle string  `json:"course_title"`
	Track       string  `json:"track"`
	Level       int     `json:"level"`
	Hours       float64 `json:"hours"`
	IssuedOn    string  `json:"issued_on"`
	Status      string  `json:"status"`
	RevokedOn   *string `json:"revoked_on"`
}

// Certificate statuses.
const (
	Valid   = "valid"
	Revoked = "revoked"
)

// TranscriptEntry is one enrolment on a trainee's record.
type TranscriptEntry struct {
	EnrolmentID       string   `bun:"enrolment_id" json:"enrolment_id"`
	CourseCode        string   `bun:"course_code" json:"course_code"`
	CourseTitle       string   `bun:"course_title" json:"course_title"`
	Track             string   `bun:"track" json:"track"`
	Level             int      `bun:"level" json:"level"`
	Hours             float64  `bun:"hours" json:"hours"`
	CohortLabel       string   `bun:"cohort_label" json:"cohort_label"`
	StartsOn          string   `bun:"starts_on" json:"starts_on"`
	EndsOn            string   `bun:"ends_on" json:"ends_on"`
	Status            string   `bun:"status" json:"status"`
	AttendedHours     *float64 `bun:"attended_hours" json:"attended_hours"`
	Score             *float64 `bun:"score" json:"score"`
	CertificateCode   *string  `bun:"certificate_code" json:"certificate_code"`
	CertificateStatus *string  `bun:"certificate_status" json:"certificate_status"`
}

// Transcript is a trainee's whole record.
type Transcript struct {
	TraineeID string            `json:"trainee_id"`
	Name      string            `json:"name"`
	Email     string            `json:"email"`
	Levels    map[string]int    `json:"levels"`
	Entries   []TranscriptEntry `json:"entries"`
}
