// Package auth holds passwords, access tokens (JWT), refresh-token families
// and the failed-login limiter. It knows users only through the Users
// interface, so account management lives in its own package.
package auth

import "time"

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

// Credentials is what login needs to know about a user.
type Credentials struct {
	UserID       string
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

// LimiterPolicy bounds failed logins per account and per client address
// within one window.
type LimiterPolicy struct {
	Window        time.Duration
	MaxPerAccount int
	MaxPerAddress int
}

// DefaultLimiterPolicy allows 5 failures per account and 20 per address in 15
// minutes: enough for typos, far too few for guessing.
var DefaultLimiterPolicy = LimiterPolicy{Window: 15 * time.Minute, MaxPerAccount: 5, MaxPerAddress: 20}
