// Package auth holds passwords, access tokens (JWT), refresh-token families
// and the failed-login limiter. It knows users only through the Users
// interface, so account management lives in its own package.
package auth

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
)

// Role is what a user may do.
type Role string

// The four roles.
const (
	Trainee    Role = "trainee"
	Instructor Role = "instructor"
	Company    Role = "company"
	Admin      Role = "admin"
)

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	switch r {
	case Trainee, Instructor, Company, Admin:
		return true
	}
	return false
}

// Actor is the signed-in user a request acts for.
type Actor struct {
	ID   string
	Role Role
	// SessionID is the session the request's access token belongs to.
	SessionID string
}

// Oversees reports whether a may see and manage a cohort taught by
// instructorID (its roster, results and report): an admin, or that
// cohort's instructor. Everyone else is told the cohort does not exist.
func (a Actor) Oversees(instructorID string) bool {
	return a.Role == Admin || a.ID == instructorID
}

// Credentials is what login needs to know about a user.
type Credentials struct {
	UserID       string
	Email        string
	Role         Role
	PasswordHash string
	Active       bool
}

// TokenPair is what login and refresh answer.
type TokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// LoginLimits bound failed logins. Each is counted before the password is
// checked, so concurrent guesses cannot pass one together.
type LoginLimits struct {
	// AccountAddress bounds failures per account and client address: a
	// stranger's wrong passwords never lock the owner out from elsewhere.
	AccountAddress ratelimit.Limiter
	// Account bounds failures per account from all addresses, against
	// guessing spread over many addresses.
	Account ratelimit.Limiter
	// Address bounds failures per client address across all accounts,
	// against one address trying many accounts; high enough that a training
	// centre's shared network is not throttled by a few typos.
	Address ratelimit.Limiter
}

// NewLoginLimits returns the programme's failed-login limits counted in d:
// 5 per account and address per 15 minutes, 30 per account per hour, 100
// per address per 15 minutes.
func NewLoginLimits(d bun.IDB) LoginLimits {
	const detail = msg.TooManyLogins
	return LoginLimits{
		AccountAddress: ratelimit.Limiter{DB: d, Name: "login-account-address", Max: 5, Window: 15 * time.Minute, Detail: detail},
		Account:        ratelimit.Limiter{DB: d, Name: "login-account", Max: 30, Window: time.Hour, Detail: detail},
		Address:        ratelimit.Limiter{DB: d, Name: "login-address", Max: 100, Window: 15 * time.Minute, Detail: detail},
	}
}
