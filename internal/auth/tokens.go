package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// The issuer and audience every access token carries and every check demands.
const (
	Issuer   = "skillgrid"
	Audience = "skillgrid-api"
)

// Claims are an access token's claims. Validate runs after the library's own
// checks of exp, nbf and iat, and demands what the library leaves optional.
type Claims struct {
	Role string `json:"role"`
	// SessionID (sid) is the refresh-token family the token was issued in:
	// every request checks that the session has not ended.
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// Validate insists on every claim SkillGrid relies on.
func (c *Claims) Validate() error {
	if c.Issuer != Issuer {
		return errors.New("wrong issuer")
	}
	aud := false
	for _, a := range c.Audience {
		if a == Audience {
			aud = true
		}
	}
	if !aud {
		return errors.New("wrong audience")
	}
	if c.ExpiresAt == nil || c.IssuedAt == nil {
		return errors.New("exp and iat are required")
	}
	if c.Subject == "" || c.ID == "" || c.SessionID == "" || !Role(c.Role).Valid() {
		return errors.New("sub, jti, sid and role are required")
	}
	return nil
}

// Tokens signs access tokens with HS256.
type Tokens struct {
	Secret []byte
	TTL    time.Duration
	Now    func() time.Time
}

// Issue signs an access token for user id with role in session sid.
func (t Tokens) Issue(userID string, role Role, sid string) (string, error) {
	now := t.Now().UTC()
	c := Claims{
		Role:      string(role),
		SessionID: sid,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   userID,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.TTL)),
			ID:        ids.New(),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, &c).SignedString(t.Secret)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return s, nil
}

// LifetimeOK reports whether c lives no longer than this server's access
// tokens do. A correctly signed token that lives longer (say a century) was
// not made by Issue under this configuration: a leaked key, or a token made
// before the TTL was shortened.
func (t Tokens) LifetimeOK(c *Claims) bool {
	if c.IssuedAt == nil || c.ExpiresAt == nil {
		return false
	}
	// Both claims are whole seconds, so a TTL with a fraction of a second
	// may show up to a second longer.
	limit := t.TTL
	if whole := limit.Truncate(time.Second); whole != limit {
		limit = whole + time.Second
	}
	return c.ExpiresAt.Sub(c.IssuedAt.Time) <= limit
}

// newRefreshToken returns a random opaque token and the hash that is stored.
func newRefreshToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("random refresh token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
