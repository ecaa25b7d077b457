package auth

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 10

// MaxPasswordBytes is bcrypt's limit; longer passwords are refused rather
// than silently truncated.
const MaxPasswordBytes = 72

// Hasher hashes and checks passwords with bcrypt at a fixed cost.
type Hasher struct {
	Cost  int
	dummy []byte
}

// NewHasher returns a Hasher at cost (bcrypt.DefaultCost when 0).
func NewHasher(cost int) (*Hasher, error) {
	if cost == 0 {
		cost = 12
	}
	h := &Hasher{Cost: cost}
	d, err := bcrypt.GenerateFromPassword([]byte("skillgrid-timing-equaliser"), cost)
	if err != nil {
		return nil, fmt.Errorf("prepare password hasher: %w", err)
	}
	h.dummy = d
	return h, nil
}

// Hash returns the bcrypt hash of password.
func (h *Hasher) Hash(password string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(password), h.Cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(b), nil
}

// Check reports whether password matches hash.
func (h *Hasher) Check(hash, password string) bool {
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	return err == nil
}

// Waste spends the time of one check, so that an unknown email answers as
// slowly as a wrong password.
func (h *Hasher) Waste(password string) {
	_ = bcrypt.CompareHashAndPassword(h.dummy, []byte(password))
}

// PasswordProblem says what is wrong with a new password, or "" when it is
// acceptable: at least MinPasswordLength characters and at most
// MaxPasswordBytes bytes of UTF-8 (bcrypt's limit, so 24 Hangul syllables).
func PasswordProblem(p string) string {
	switch {
	case utf8.RuneCountInString(p) < MinPasswordLength:
		return fmt.Sprintf("must be at least %d characters", MinPasswordLength)
	case len(p) > MaxPasswordBytes:
		return fmt.Sprintf("must be at most %d bytes in UTF-8, got %d", MaxPasswordBytes, len(p))
	}
	return ""
}
