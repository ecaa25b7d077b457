// Package account manages users and their profiles, company accounts and
// their approval, and the admin's user management.
package account

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// User is a stored account.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID                 string     `bun:"id,pk"`
	Email              string     `bun:"email"`
	PasswordHash       string     `bun:"password_hash"`
	Name               string     `bun:"name"`
	SearchName         string     `bun:"search_name"` // Name as SearchName folds it
	Role               auth.Role  `bun:"role"`
	Active             bool       `bun:"active"`
	Phone              *string    `bun:"phone"`
	CareerStage        *string    `bun:"career_stage"`
	Region             *string    `bun:"region"`
	PoolOptIn          bool       `bun:"pool_opt_in"`
	PoolOptInChangedAt *time.Time `bun:"pool_opt_in_changed_at"`
	Locale             string     `bun:"locale"` // msg.English or msg.Korean
	// EmailNotificationsJSON holds the types the user does not want by
	// e-mail ({"type": false}); "" or {} is all of them.
	EmailNotificationsJSON string `bun:"email_notifications_json"`
	// ErasedAt is when the user's personal data was erased (PIPA); the
	// account then stays only as a pseudonymous record.
	ErasedAt  *time.Time `bun:"erased_at"`
	CreatedAt time.Time  `bun:"created_at"`
	UpdatedAt time.Time  `bun:"updated_at"`
}

// SearchName is the lower-cased form of a name that name searches match:
// folded in Go because SQLite's LOWER folds ASCII letters only.
func SearchName(name string) string { return strings.ToLower(name) }

// Company is an employer's account: it uses the graduate pool once approved.
type Company struct {
	bun.BaseModel `bun:"table:companies,alias:co"`

	ID              string     `bun:"id,pk" json:"id"`
	UserID          string     `bun:"user_id" json:"user_id"`
	Name            string     `bun:"name" json:"name"`
	Status          string     `bun:"status" json:"status"`
	RejectionReason *string    `bun:"rejection_reason" json:"rejection_reason"`
	DecidedAt       *time.Time `bun:"decided_at" json:"decided_at"`
	CreatedAt       time.Time  `bun:"created_at" json:"created_at"`
	Email           string     `bun:"email,scanonly" json:"email"`
}

// Company statuses.
const (
	CompanyPending  = "pending"
	CompanyApproved = "approved"
	CompanyRejected = "rejected"
)

// Career stages a trainee may give.
var CareerStages = []string{"student", "job_seeker", "incumbent"}

// Profile is a user as they (or an admin) see it.
type Profile struct {
	ID     string    `json:"id"`
	Email  string    `json:"email"`
	Name   string    `json:"name"`
	Role   auth.Role `json:"role"`
	Active bool      `json:"active"`
	Phone  *string   `json:"phone"`
	Locale string    `json:"locale"`
	// EmailNotifications says, for every event type, whether it also
	// goes by e-mail.
	EmailNotifications map[string]bool `json:"email_notifications"`
	CreatedAt          time.Time       `json:"created_at"`

	// Trainees only: nil for other roles, so its fields are left out.
	*TraineeProfile

	// Companies only.
	Company *Company `json:"company,omitempty"`
}

// TraineeProfile is the part of a profile only trainees have.
type TraineeProfile struct {
	Levels      map[string]int `json:"levels"`
	Skills      []string       `json:"skills"`
	CareerStage *string        `json:"career_stage"`
	Region      *string        `json:"region"`
	PoolOptIn   bool           `json:"pool_opt_in"`
}

// UserSummary is a user in the admin's list.
type UserSummary struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      auth.Role `json:"role"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// audited is what the audit trail keeps of an account: never its name or
// e-mail, because the trail is append-only and outlives an erasure (PIPA);
// the entity id names the account.
func (u User) audited() map[string]any {
	return map[string]any{"role": u.Role, "active": u.Active}
}

func (u User) summary() UserSummary {
	return UserSummary{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Active: u.Active, CreatedAt: u.CreatedAt}
}

// NewUser is what registration and the admin's user creation take.
type NewUser struct {
	Email       string
	Password    string
	Name        string
	Role        auth.Role
	CompanyName string
	Locale      msg.Lang // English when left out
}

// ProfilePatch changes one's own profile; nil leaves a field as it is.
type ProfilePatch struct {
	Name        *string
	Phone       *string
	Skills      *[]string
	CareerStage *string
	Region      *string
	PoolOptIn   *bool
	Locale      *string
	// EmailNotifications sets, per event type given, whether it goes by
	// e-mail; the types left out stay as they are.
	EmailNotifications map[string]bool
}

// UserPatch is the admin's change to a user.
type UserPatch struct {
	Name   *string
	Active *bool
}

// companyData is the payload of company.approved and company.rejected.
type companyData struct {
	CompanyID string  `json:"company_id"`
	Company   string  `json:"company"`
	Status    string  `json:"status"`
	Reason    *string `json:"reason"`
}

// EmailWanted reads a user's e-mail choices: for every event type, whether
// it goes by e-mail. password.reset_requested always does.
func EmailWanted(stored string) map[string]bool {
	var off map[string]bool
	_ = json.Unmarshal([]byte(stored), &off) // "" and {} are all on
	out := make(map[string]bool, len(events.Types))
	for _, t := range events.Types {
		want, set := off[string(t)]
		out[string(t)] = !set || want || t == events.PasswordResetRequested
	}
	return out
}
