package auth

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/fresh"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
	"github.com/skillgrid/skillgrid/internal/platform/seal"
)

// Users is what auth needs to know about accounts.
type Users interface {
	// CredentialsByEmail finds a user by (lower-cased) email, through idb;
	// an unknown email is apperr.NotFound.
	CredentialsByEmail(ctx context.Context, idb bun.IDB, email string) (Credentials, error)
	// ReplacePasswordHash stores newHash as the user's password hash,
	// through idb, if the stored one is still oldHash (a password changed
	// meanwhile wins); it reports whether it did.
	ReplacePasswordHash(ctx context.Context, idb bun.IDB, userID, oldHash, newHash string, now time.Time) (bool, error)
	// ActorByID returns the user's role and whether the account is active,
	// through idb; an unknown id is apperr.NotFound.
	ActorByID(ctx context.Context, idb bun.IDB, id string) (Actor, bool, error)
	// CredentialsByID is CredentialsByEmail by user id.
	CredentialsByID(ctx context.Context, idb bun.IDB, id string) (Credentials, error)
	// SetPasswordHash stores a new password hash for the user, through idb
	// so that it joins the caller's transaction.
	SetPasswordHash(ctx context.Context, idb bun.IDB, id, hash string, now time.Time) error
}

// Service signs users in and out and keeps their sessions.
type Service struct {
	DB *bun.DB
	// Reads serves the session check of every authenticated request; it
	// may be DB, or what db.OpenReads opens beside it.
	Reads      *bun.DB
	Users      Users
	Hasher     *Hasher
	Tokens     Tokens
	RefreshTTL time.Duration
	Limits     LoginLimits
	// ResetRequests and ResetConfirms bound the two password-reset
	// endpoints per client address.
	ResetRequests ratelimit.Limiter
	ResetConfirms ratelimit.Limiter
	// ResetSeal seals a reset token for the e-mail that carries it
	// (ResetSealPurpose of the server's secret).
	ResetSeal seal.Key
	Now       func() time.Time
	store     Store

	sessionsOnce sync.Once
	sessions     *fresh.Batch[string, sessionUser] // the session checks in flight, read together
}

// sessionBatch reads the sessions of the requests in flight on Reads,
// together where that is cheaper (db.ReadTogether), each request getting
// a read that began after it asked: as fresh as reading its own, so an
// ended session is refused at once as before.
func (s *Service) sessionBatch() *fresh.Batch[string, sessionUser] {
	s.sessionsOnce.Do(func() {
		s.sessions = db.ReadTogether(s.Reads, s.store.sessionUsers)
	})
	return s.sessions
}

var errBadLogin = apperr.Unauthorized(msg.BadLogin)

// Login checks email and password from client address addr and returns a new
// token pair in a new refresh family. Past any of the failed-login limits
// (LoginLimits) it answers apperr.RateLimited, even for the right password.
//
// The attempt is counted against all three limits before the password is
// checked, in one transaction, so concurrent guesses cannot pass a limit
// together: once a limit is full, every further attempt is refused. A wrong
// password keeps its counts. A right one forgets the count of its account
// at its address (the owner typed it right there) and gives back its hits
// on the account and on the address: good logins from one shared network
// never add up, and the owner's login does not wipe what guesses from other
// addresses counted on the account. An attempt that ends for another reason
// (the hashing queue is full, the database failed) gives back its hits.
func (s *Service) Login(ctx context.Context, email, password, addr string) (TokenPair, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.Now().UTC()
	counts := s.Limits.counts(email, addr)
	if err := s.reserveAttempt(ctx, counts, now); err != nil {
		return TokenPair{}, err
	}
	cred, ok, err := s.checkPassword(ctx, email, password)
	if err == nil && ok {
		err = s.upgradeHash(ctx, cred, password)
	}
	if err != nil {
		// The client may be gone; the hits must still go back.
		if gerr := s.giveBack(context.WithoutCancel(ctx), counts, now); gerr != nil {
			return TokenPair{}, gerr
		}
		return TokenPair{}, err
	}
	if !ok {
		return TokenPair{}, errBadLogin
	}
	var pair TokenPair
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if err := s.forgiveAttempt(ctx, tx, counts, now); err != nil {
			return err
		}
		var err error
		pair, err = s.issue(ctx, tx, cred.UserID, cred.Role, ids.New(), now)
		return err
	})
	if err != nil {
		return TokenPair{}, err
	}
	return pair, nil
}

// counts lists the keys a login attempt counts under, the account and
// address pair first.
func (l LoginLimits) counts(email, addr string) []ratelimit.Count {
	return []ratelimit.Count{
		{Limiter: l.AccountAddress, Key: email + " " + addr},
		{Limiter: l.Account, Key: email},
		{Limiter: l.Address, Key: addr},
	}
}

// reserveAttempt counts an attempt at a password against every failed-login
// limit, in one statement and its own transaction, before the password is
// checked: once a limit is full, the attempt is refused
// (apperr.RateLimited) without a check, and counted nowhere.
func (s *Service) reserveAttempt(ctx context.Context, counts []ratelimit.Count, now time.Time) error {
	return db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		return ratelimit.ReserveAll(ctx, tx, counts, now)
	})
}

// forgiveAttempt is what a right password does to the counts, in the
// caller's transaction: the account's count at this address is forgotten
// (the owner typed it right there) and its hits on the other limits are
// given back (one statement).
func (s *Service) forgiveAttempt(ctx context.Context, tx bun.IDB, counts []ratelimit.Count, now time.Time) error {
	if err := counts[0].Limiter.On(tx).Reset(ctx, counts[0].Key); err != nil {
		return err
	}
	return ratelimit.ReleaseAll(ctx, tx, counts[1:], now)
}

// giveBack returns the hits an attempt reserved, in one statement.
func (s *Service) giveBack(ctx context.Context, counts []ratelimit.Count, now time.Time) error {
	return ratelimit.ReleaseAll(ctx, s.DB, counts, now)
}

// checkPassword reports whether password is the one of the active account
// with email. An unknown email costs as much as a wrong password, so the
// time of the answer does not tell whether an account exists.
func (s *Service) checkPassword(ctx context.Context, email, password string) (Credentials, bool, error) {
	cred, err := s.Users.CredentialsByEmail(ctx, s.DB, email)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return Credentials{}, false, s.Hasher.Waste(ctx, password)
	}
	if err != nil {
		return Credentials{}, false, err
	}
	ok, err := s.Hasher.Check(ctx, cred.PasswordHash, password)
	if err != nil {
		return Credentials{}, false, err
	}
	return cred, ok && cred.Active, nil
}

// upgradeHash rehashes a password whose stored hash is of an older kind or
// weaker parameters, now that the password is known. It is best effort: if
// the hashing queue is full, the upgrade waits for the next login.
func (s *Service) upgradeHash(ctx context.Context, cred Credentials, password string) error {
	if !s.Hasher.NeedsRehash(cred.PasswordHash) {
		return nil
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if apperr.IsKind(err, apperr.KindUnavailable) {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	return db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		done, err := s.Users.ReplacePasswordHash(ctx, tx, cred.UserID, cred.PasswordHash, hash, now)
		if err != nil || !done {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: cred.UserID, Action: "user.password_rehashed", Entity: "user", EntityID: cred.UserID,
			Before: map[string]string{"password_hash": hashKind(cred.PasswordHash)},
			After:  map[string]string{"password_hash": hashKind(hash)},
		})
	})
}

// PruneCounters forgets the rate counters (failed logins and every other
// limit) whose window has passed, so that guesses at made-up emails do not
// leave rows behind for ever.
func (s *Service) PruneCounters(ctx context.Context) (int64, error) {
	return ratelimit.Prune(ctx, s.DB, s.Now().UTC())
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
	actor, active, err := s.Users.ActorByID(ctx, s.DB, t.UserID)
	if err != nil {
		return TokenPair{}, err
	}
	if !active {
		return TokenPair{}, apperr.Unauthorized(msg.AccountDeactivated)
	}
	var pair TokenPair
	raced := false
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		spent, err := s.store.markUsed(ctx, tx, t.ID, now)
		if err != nil {
			return err
		}
		// InTx may run this again: raced is set on every run, so that of
		// the run that committed counts.
		raced = !spent
		if raced {
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
	u, found, err := s.sessionBatch().Get(ctx, c.SessionID)
	if err != nil {
		return Actor{}, err
	}
	if !found || u.ID != c.Subject {
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
