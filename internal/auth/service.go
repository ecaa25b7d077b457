package auth

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
)

// Users is what auth needs to know about accounts.
type Users interface {
	// CredentialsByEmail finds a user by (lower-cased) email; an unknown
	// email is apperr.NotFound.
	CredentialsByEmail(ctx context.Context, email string) (Credentials, error)
	// ActorByID returns the user's role and whether the account is active;
	// an unknown id is apperr.NotFound.
	ActorByID(ctx context.Context, id string) (Actor, bool, error)
	// CredentialsByID is CredentialsByEmail by user id.
	CredentialsByID(ctx context.Context, id string) (Credentials, error)
	// SetPasswordHash stores a new password hash for the user, through idb
	// so that it joins the caller's transaction.
	SetPasswordHash(ctx context.Context, idb bun.IDB, id, hash string, now time.Time) error
}

// Service signs users in and out and keeps their sessions.
type Service struct {
	DB         *bun.DB
	Users      Users
	Hasher     *Hasher
	Tokens     Tokens
	RefreshTTL time.Duration
	Limits     LimiterPolicy
	// ResetRequests and ResetConfirms bound the two password-reset
	// endpoints per client address.
	ResetRequests ratelimit.Limiter
	ResetConfirms ratelimit.Limiter
	Now           func() time.Time
	store         Store
}

var errBadLogin = apperr.Unauthorized(msg.BadLogin)

// Login checks email and password from client address addr and returns a new
// token pair in a new refresh family. Past the failure limit for the account
// or the address it answers apperr.RateLimited, even for the right password.
//
// The account's attempt is counted before the password is checked (and
// forgotten on success), so concurrent guesses at one account cannot pass
// the limit together. The address's failures are counted after, so that
// many good logins at once from one shared network are never throttled;
// a burst of concurrent failures may overshoot the address limit by the
// requests in flight, while each account stays held to its own limit.
func (s *Service) Login(ctx context.Context, email, password, addr string) (TokenPair, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.Now().UTC()
	since := now.Add(-s.Limits.Window)
	account, address := "account:"+email, "address:"+addr
	if err := s.underLimit(ctx, address, s.Limits.MaxPerAddress, now); err != nil {
		return TokenPair{}, err
	}
	reserved, err := s.store.reserveAttempt(ctx, s.DB, account, now, since, s.Limits.MaxPerAccount)
	if err != nil {
		return TokenPair{}, err
	}
	if !reserved {
		if err := s.underLimit(ctx, account, s.Limits.MaxPerAccount, now); err != nil {
			return TokenPair{}, err
		}
		// The window passed between the two statements: one more try.
		return s.Login(ctx, email, password, addr)
	}
	cred, err := s.Users.CredentialsByEmail(ctx, email)
	ok := false
	switch {
	case apperr.IsKind(err, apperr.KindNotFound):
		s.Hasher.Waste(password)
	case err != nil:
		return TokenPair{}, err
	default:
		ok = s.Hasher.Check(cred.PasswordHash, password) && cred.Active
	}
	if !ok {
		if err := s.store.addFailure(ctx, s.DB, address, now, since); err != nil {
			return TokenPair{}, err
		}
		return TokenPair{}, errBadLogin
	}
	if err := s.store.clearFailures(ctx, s.DB, account); err != nil {
		return TokenPair{}, err
	}
	return s.issue(ctx, s.DB, cred.UserID, cred.Role, ids.New(), now)
}

// PruneFailures forgets failed-login counts whose window has passed, so
// that guesses at made-up emails do not leave rows behind for ever.
func (s *Service) PruneFailures(ctx context.Context) (int64, error) {
	return s.store.pruneFailures(ctx, s.DB, s.Now().UTC().Add(-s.Limits.Window))
}

// underLimit answers apperr.RateLimited, with the wait until the window
// passes, when key has max or more failures in its live window.
func (s *Service) underLimit(ctx context.Context, key string, max int, now time.Time) error {
	n, start, err := s.store.failures(ctx, s.DB, key, now.Add(-s.Limits.Window))
	if err != nil {
		return err
	}
	if n >= max {
		return apperr.RateLimited(msg.TooManyLogins, start.Add(s.Limits.Window).Sub(now))
	}
	return nil
}

// Refresh spends a refresh token and returns a new pair in the same family.
// A token that was already spent or revoked is a sign of theft: the whole
// family is revoked and the caller gets 401.
func (s *Service) Refresh(ctx context.Context, token string) (TokenPair, error) {
	now := s.Now().UTC()
	t, found, err := s.store.refreshByHash(ctx, s.DB, hashToken(token))
	if err != nil {
		return TokenPair{}, err
	}
	if !found {
		return TokenPair{}, apperr.Unauthorized(msg.RefreshInvalid)
	}
	if t.UsedAt != nil || t.RevokedAt != nil {
		return TokenPair{}, s.reused(ctx, t.FamilyID, now)
	}
	if !now.Before(t.ExpiresAt) {
		return TokenPair{}, apperr.Unauthorized(msg.RefreshExpired)
	}
	actor, active, err := s.Users.ActorByID(ctx, t.UserID)
	if err != nil {
		return TokenPair{}, err
	}
	if !active {
		return TokenPair{}, apperr.Unauthorized(msg.AccountDeactivated)
	}
	var pair TokenPair
	raced := false
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		spent, err := s.store.markUsed(ctx, tx, t.ID, now)
		if err != nil {
			return err
		}
		if !spent {
			raced = true
			return nil
		}
		live, err := s.store.touchSession(ctx, tx, t.FamilyID, now)
		if err != nil {
			return err
		}
		if !live {
			return errSessionEnded
		}
		pair, err = s.issuePair(ctx, tx, actor.ID, actor.Role, t.FamilyID, now)
		return err
	})
	if err != nil {
		return TokenPair{}, err
	}
	if raced {
		// Another request spent this token between our read and our update:
		// two holders of one token, so the family is treated as stolen.
		return TokenPair{}, s.reused(ctx, t.FamilyID, now)
	}
	return pair, nil
}

var errSessionEnded = apperr.Unauthorized(msg.SessionEnded)

func (s *Service) reused(ctx context.Context, family string, now time.Time) error {
	if err := s.store.endSessions(ctx, s.DB, sessionScope{ID: family}, now); err != nil {
		return err
	}
	return apperr.Unauthorized(msg.RefreshReused)
}

// Logout ends the session (the family) of token, and so every access token
// issued in it. An unknown token is 401, so that a client learns its logout
// did nothing.
func (s *Service) Logout(ctx context.Context, token string) error {
	t, found, err := s.store.refreshByHash(ctx, s.DB, hashToken(token))
	if err != nil {
		return err
	}
	if !found {
		return apperr.Unauthorized(msg.RefreshInvalid)
	}
	return s.store.endSessions(ctx, s.DB, sessionScope{ID: t.FamilyID}, s.Now().UTC())
}

// RevokeUser ends every session of a user, through idb so that it can join
// the caller's transaction.
func (s *Service) RevokeUser(ctx context.Context, idb bun.IDB, userID string) error {
	return s.store.endSessions(ctx, idb, sessionScope{UserID: userID}, s.Now().UTC())
}

// Authenticate turns verified access-token claims into the acting user,
// checking in one query that the token's session has not ended and that
// the account still exists, is active and has the role the token claims.
// So a logout, a password change or reset, a reused refresh token or a
// deactivation stops the access tokens concerned at once, in every server
// process sharing the database.
func (s *Service) Authenticate(ctx context.Context, c *Claims) (Actor, error) {
	// The JWT library leaves iat unchecked. A token issued later than now
	// (beyond the skew between servers' clocks) was not issued by a server
	// of this programme with a sound clock: refuse it.
	if c.IssuedAt == nil || c.IssuedAt.After(s.Now().Add(maxClockSkew)) {
		return Actor{}, apperr.Unauthorized(msg.TokenFromFuture)
	}
	if !s.Tokens.LifetimeOK(c) {
		return Actor{}, apperr.Unauthorized(msg.TokenTooLong)
	}
	u, found, err := s.store.sessionUser(ctx, s.DB, c.SessionID, c.Subject)
	if err != nil {
		return Actor{}, err
	}
	if !found {
		return Actor{}, apperr.Unauthorized(msg.SessionUnknown)
	}
	if !u.Active {
		return Actor{}, apperr.Unauthorized(msg.AccountDeactivated)
	}
	if u.RevokedAt != nil {
		return Actor{}, errSessionEnded
	}
	if string(u.Role) != c.Role {
		return Actor{}, apperr.Unauthorized(msg.TokenRoleStale)
	}
	return Actor{ID: u.ID, Role: u.Role, SessionID: c.SessionID}, nil
}

// maxClockSkew is how far ahead of this server's clock another server's
// may be when it issues a token.
const maxClockSkew = time.Minute

// IssueFor signs a fresh pair for a user, for tools and tests that need a
// session without a password (the rush benchmark, seeded demos).
func (s *Service) IssueFor(ctx context.Context, userID string, role Role) (TokenPair, error) {
	return s.issue(ctx, s.DB, userID, role, ids.New(), s.Now().UTC())
}

// issue starts session family for the user and signs its first pair.
func (s *Service) issue(ctx context.Context, idb bun.IDB, userID string, role Role, family string, now time.Time) (TokenPair, error) {
	if err := s.store.insertSession(ctx, idb, &session{ID: family, UserID: userID, CreatedAt: now}); err != nil {
		return TokenPair{}, err
	}
	return s.issuePair(ctx, idb, userID, role, family, now)
}

// issuePair signs a pair in the existing session family.
func (s *Service) issuePair(ctx context.Context, idb bun.IDB, userID string, role Role, family string, now time.Time) (TokenPair, error) {
	access, err := s.Tokens.Issue(userID, role, family)
	if err != nil {
		return TokenPair{}, err
	}
	raw, hash, err := newRefreshToken()
	if err != nil {
		return TokenPair{}, err
	}
	err = s.store.insertRefresh(ctx, idb, &refreshToken{
		ID: ids.New(), FamilyID: family, UserID: userID, TokenHash: hash,
		ExpiresAt: now.Add(s.RefreshTTL), CreatedAt: now,
	})
	if err != nil {
		return TokenPair{}, fmt.Errorf("issue tokens: %w", err)
	}
	return TokenPair{
		AccessToken:  access,
		RefreshToken: raw,
		TokenType:    "Bearer",
		ExpiresIn:    int(math.Round(s.Tokens.TTL.Seconds())),
	}, nil
}
