package auth

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/skillgrid/skillgrid/internal/msg"
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

// PasswordCheck says what is wrong with a new password, and false when it
// is acceptable: at least MinPasswordLength characters and at most
// MaxPasswordBytes bytes of UTF-8 (bcrypt's limit, so 24 Hangul syllables).
func PasswordCheck(p string) (msg.Message, bool) {
	switch {
	case utf8.RuneCountInString(p) < MinPasswordLength:
		return msg.New(msg.PasswordTooShort, "min", MinPasswordLength), true
	case len(p) > MaxPasswordBytes:
		return msg.New(msg.PasswordTooLong, "max", MaxPasswordBytes, "got", len(p)), true
	}
	return msg.Message{}, false
}

// PasswordProblem is what PasswordCheck finds, in English, or "": for the
// command line and the configuration, whose messages are English.
func PasswordProblem(p string) string {
	if m, bad := PasswordCheck(p); bad {
		return m.Text(msg.English)
	}
	return ""
}
