package privacy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// EraseMe erases the signed-in user's personal data once their password,
// asked from client address addr, is confirmed (422 password_wrong
// otherwise, counted against the failed-login limits).
func (s *Service) EraseMe(ctx context.Context, actor auth.Actor, password, addr string) error {
	if err := s.passwords.ConfirmPassword(ctx, actor, password, addr); err != nil {
		return err
	}
	return s.erase(ctx, actor.ID, actor.ID, "self")
}

// EraseUser is an operator erasing a user's personal data (on the user's
// request made elsewhere). An admin erases their own account with EraseMe,
// which asks for the password (422 self_erasure here).
func (s *Service) EraseUser(ctx context.Context, actor auth.Actor, userID string) error {
	if !ids.Valid(userID) {
		return apperr.NotFound(msg.NotFoundUser)
	}
	if userID == actor.ID {
		return apperr.Rule("self_erasure", msg.SelfErasureByAdmin)
	}
	return s.erase(ctx, actor.ID, userID, "admin")
}

// erase is an erasure in one transaction: the personal fields go (see
// Store.erase), every session ends, the account leaves the pool at once
// (pool_opt_in false and inactive), the consents are recorded as
// withdrawn, and the audit trail says who erased whom, without any of the
// erased data. An account already erased is not found.
func (s *Service) erase(ctx context.Context, actorID, userID, by string) error {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	// A real hash of a secret nobody keeps: the account stays a row the
	// sign-in code reads like any other, and no password matches it.
	locked, err := s.hasher.Hash(ctx, hex.EncodeToString(secret))
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		u, ok, err := s.store.lockUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !ok || u.ErasedAt != nil {
			return apperr.NotFound(msg.NotFoundUser)
		}
		if err := s.store.erase(ctx, tx, userID, u.Email, locked, now); err != nil {
			return err
		}
		if err := s.sessions.RevokeUser(ctx, tx, userID); err != nil {
			return err
		}
		withdrawn := []Purpose{PurposeTerms}
		if u.Role == string(auth.Trainee) {
			withdrawn = append(withdrawn, PurposePool)
		}
		for _, p := range withdrawn {
			if err := RecordConsent(ctx, tx, userID, p, false, SourceErasure, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actorID, Action: "user.erased", Entity: "user", EntityID: userID,
			After: map[string]any{"erased_at": now.Format(time.RFC3339Nano), "by": by},
		})
	})
}
