package auth

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestLifetimeOK(t *testing.T) {
	iat := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		ttl  time.Duration
		life time.Duration
		want bool
	}{
		{"exactly the TTL", 15 * time.Minute, 15 * time.Minute, true},
		{"shorter", 15 * time.Minute, time.Minute, true},
		{"a second longer", 15 * time.Minute, 15*time.Minute + time.Second, false},
		{"a century", 15 * time.Minute, 100 * 365 * 24 * time.Hour, false},
		{"fractional TTL rounds up to the second", 1500 * time.Millisecond, 2 * time.Second, true},
		{"fractional TTL, beyond", 1500 * time.Millisecond, 3 * time.Second, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			claims := &Claims{RegisteredClaims: jwt.RegisteredClaims{
				IssuedAt: jwt.NewNumericDate(iat), ExpiresAt: jwt.NewNumericDate(iat.Add(c.life)),
			}}
			if got := (Tokens{TTL: c.ttl}).LifetimeOK(claims); got != c.want {
				t.Fatalf("LifetimeOK = %v, want %v", got, c.want)
			}
		})
	}
	if (Tokens{TTL: time.Hour}).LifetimeOK(&Claims{}) {
		t.Fatal("a token without iat and exp passed")
	}
}

func TestResetUsable(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	used := now.Add(-time.Minute)
	cases := map[string]struct {
		r    passwordReset
		want bool
	}{
		"fresh":                {passwordReset{ExpiresAt: now.Add(time.Minute)}, true},
		"expires this instant": {passwordReset{ExpiresAt: now}, false},
		"expired":              {passwordReset{ExpiresAt: now.Add(-time.Minute)}, false},
		"used":                 {passwordReset{ExpiresAt: now.Add(time.Minute), UsedAt: &used}, false},
	}
	for name, c := range cases {
		if got := resetUsable(c.r, now); got != c.want {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}
