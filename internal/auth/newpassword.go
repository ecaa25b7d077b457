package auth

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// ChangePassword is a signed-in user, from client address addr, replacing
// their own password. The current password must be right (422
// current_password_wrong otherwise), and a wrong one counts against the
// failed-login limits like a wrong login (429 past them), so that a stolen
// access token cannot be used to guess the password at hashing speed; next
// has passed PasswordProblem at the edge. Every other session of the user
// ends at once; the session that asked stays signed in.
func (s *Service) ChangePassword(ctx context.Context, a Actor, current, next, addr string) error {
	cred, err := s.Users.CredentialsByID(ctx, s.DB, a.ID)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	counts := s.Limits.counts(cred.Email, addr)
	if err := s.reserveAttempt(ctx, counts, now); err != nil {
		return err
	}
	ok, err := s.Hasher.Check(ctx, cred.PasswordHash, current)
	var hash string
	if err == nil && ok {
		hash, err = s.Hasher.Hash(ctx, next)
	}
	if err != nil {
		// The attempt was not judged: its hits go back, even if the
		// client has gone.
		if gerr := s.giveBack(context.WithoutCancel(ctx), counts, now); gerr != nil {
			return gerr
		}
		return err
	}
	if !ok {
		return apperr.Rule("current_password_wrong", msg.CurrentPasswordWrong)
	}
	return db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if err := s.forgiveAttempt(ctx, tx, counts, now); err != nil {
			return err
		}
		return s.replacePassword(ctx, tx, a.ID, hash, a.SessionID, now, audit.Change{
			ActorID: a.ID, Action: "user.password_changed", Entity: "user", EntityID: a.ID,
			After: map[string]any{"sessions_ended": "all but the caller's"},
		})
	})
}

// SetPassword is the operator setting a user's password from the command
// line (a forgotten admin password, with no e-mail yet): it checks the
// password as the API would, sets it and ends every session of the user.
func (s *Service) SetPassword(ctx context.Context, email, password string) error {
	if m, bad := PasswordCheck(password); bad {
		return apperr.Invalid(apperr.FieldError{Field: "password", Message: m})
	}
	cred, err := s.Users.CredentialsByEmail(ctx, s.DB, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	return db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		return s.replacePassword(ctx, tx, cred.UserID, hash, "", now, audit.Change{
			Action: "user.password_set", Entity: "user", EntityID: cred.UserID,
			After: map[string]any{"by": "command line", "sessions_ended": "all"},
		})
	})
}

// replacePassword is what every change of a password does, in the
// caller's transaction: store the hash, end the user's sessions (all but
// keep, when keep is set), kill the user's outstanding reset tokens (a
// link mailed before the change must not undo it) and record the change.
func (s *Service) replacePassword(ctx context.Context, tx bun.Tx, userID, hash, keep string, now time.Time, change audit.Change) error {
	if err := s.Users.SetPasswordHash(ctx, tx, userID, hash, now); err != nil {
		return err
	}
	if err := s.store.endSessions(ctx, tx, sessionScope{UserID: userID, Except: keep}, now); err != nil {
		return err
	}
	if err := s.store.spendResets(ctx, tx, userID, now); err != nil {
		return err
	}
	return audit.Record(ctx, tx, now, change)
}

// ConfirmPassword checks that password is the signed-in user's own, before
// an act that must not rest on an access token alone (erasing the
// account). A wrong one is 422 password_wrong and counts against the
// failed-login limits like a wrong login (429 past them), as in
// ChangePassword; a right one forgets the account's count at addr.
func (s *Service) ConfirmPassword(ctx context.Context, a Actor, password, addr string) error {
	cred, err := s.Users.CredentialsByID(ctx, s.DB, a.ID)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	counts := s.Limits.counts(cred.Email, addr)
	if err := s.reserveAttempt(ctx, counts, now); err != nil {
		return err
	}
	ok, err := s.Hasher.Check(ctx, cred.PasswordHash, password)
	if err != nil {
		if gerr := s.giveBack(context.WithoutCancel(ctx), counts, now); gerr != nil {
			return gerr
		}
		return err
	}
	if !ok {
		return apperr.Rule("password_wrong", msg.ErasurePasswordWrong)
	}
	return db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		return s.forgiveAttempt(ctx, tx, counts, now)
	})
}
