package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// ResetTokenTTL is how long a password-reset token can be used.
const ResetTokenTTL = 30 * time.Minute

// ResetSealPurpose names the key that seals reset tokens for their e-mail.
const ResetSealPurpose = "password-reset mail"

// ResetsPerHour bounds password-reset requests, and separately reset
// confirmations, per client address.
const ResetsPerHour = 10

// passwordReset is one reset token; only its hash is kept.
type passwordReset struct {
	bun.BaseModel `bun:"table:password_resets"`

	ID        string     `bun:"id,pk"`
	UserID    string     `bun:"user_id"`
	TokenHash string     `bun:"token_hash"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
	CreatedAt time.Time  `bun:"created_at"`
}

var errResetTokenInvalid = apperr.BadRequest("reset_token_invalid", msg.ResetTokenInvalid)

// RequestReset starts a password reset for the account with email, asked
// from client address addr. For an active account it stores a single-use
// token valid for ResetTokenTTL (only its hash) and returns the token, which
// only its owner may see (e-mail delivery hands it on; until then nothing
// does). For an unknown or deactivated account it returns "" and no error:
// callers answer alike, so the answer never reveals whether an account
// exists. Past ResetsPerHour requests from addr it answers apperr.RateLimited.
func (s *Service) RequestReset(ctx context.Context, email, addr string) (string, error) {
	now := s.Now().UTC()
	if err := s.ResetRequests.Hit(ctx, addr, now); err != nil {
		return "", err
	}
	cred, err := s.Users.CredentialsByEmail(ctx, s.DB, strings.ToLower(strings.TrimSpace(email)))
	if apperr.IsKind(err, apperr.KindNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if !cred.Active {
		return "", nil
	}
	raw, hash, err := newRefreshToken() // the same 256-bit opaque form
	if err != nil {
		return "", err
	}
	r := passwordReset{ID: ids.New(), UserID: cred.UserID, TokenHash: hash, ExpiresAt: now.Add(ResetTokenTTL), CreatedAt: now}
	sealed, err := s.ResetSeal.Seal(raw)
	if err != nil {
		return "", err
	}
	eventID := ids.New()
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.insertReset(ctx, tx, &r); err != nil {
			return err
		}
		// The event tells that a reset was asked for; the token, which
		// no event may carry, waits sealed for the e-mail.
		if err := events.Record(ctx, tx, events.Event{
			ID: eventID, Type: events.PasswordResetRequested, Subject: "/v1/me", At: now, Recipients: []string{cred.UserID},
			Data: map[string]any{"user_id": cred.UserID, "expires_at": r.ExpiresAt},
		}); err != nil {
			return err
		}
		if _, err := db.Exec(ctx, tx, `INSERT INTO mail_secrets (event_id, sealed, expires_at) VALUES (?0, ?1, ?2)`, eventID, sealed, r.ExpiresAt); err != nil {
			return fmt.Errorf("keep the reset token for its e-mail: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Change{
			Action: "user.password_reset_requested", Entity: "user", EntityID: cred.UserID,
			After: map[string]any{"expires_at": r.ExpiresAt},
		})
	})
	if err != nil {
		return "", err
	}
	return raw, nil
}

// ConfirmReset sets a new password with a reset token, asked from client
// address addr: the token is spent, every session of the user ends, and
// the user's other reset tokens die too. A used, expired or unknown token,
// or one of an account deactivated since, is 400 reset_token_invalid. next
// has passed PasswordProblem at the edge.
func (s *Service) ConfirmReset(ctx context.Context, token, next, addr string) error {
	now := s.Now().UTC()
	if err := s.ResetConfirms.Hit(ctx, addr, now); err != nil {
		return err
	}
	hash := hashToken(token)
	// Look before hashing the new password, so that bad tokens cost little;
	// the conditional update below decides races.
	r, found, err := s.store.resetByHash(ctx, s.DB, hash)
	if err != nil {
		return err
	}
	if !found || !resetUsable(r, now) {
		return errResetTokenInvalid
	}
	_, active, err := s.Users.ActorByID(ctx, s.DB, r.UserID)
	if err != nil {
		return err
	}
	if !active {
		return errResetTokenInvalid
	}
	newHash, err := s.Hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		spent, err := s.store.spendReset(ctx, tx, r.ID, now)
		if err != nil {
			return err
		}
		if !spent {
			return errResetTokenInvalid
		}
		return s.replacePassword(ctx, tx, r.UserID, newHash, "", now, audit.Change{
			ActorID: r.UserID, Action: "user.password_reset", Entity: "user", EntityID: r.UserID,
			After: map[string]any{"sessions_ended": "all"},
		})
	})
}

// resetUsable is the rule of a reset token: unused and not yet expired.
func resetUsable(r passwordReset, now time.Time) bool {
	return r.UsedAt == nil && now.Before(r.ExpiresAt)
}

func (Store) insertReset(ctx context.Context, idb bun.IDB, r *passwordReset) error {
	if _, err := idb.NewInsert().Model(r).Exec(ctx); err != nil {
		return fmt.Errorf("insert password reset: %w", err)
	}
	return nil
}

// resetByHash finds a stored reset token; ok is false when there is none.
func (Store) resetByHash(ctx context.Context, idb bun.IDB, hash string) (passwordReset, bool, error) {
	var r passwordReset
	err := idb.NewSelect().Model(&r).Where("token_hash = ?", hash).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("find password reset: %w", err)
	}
	return r, true, nil
}

// spendReset marks an unused reset token used; it reports false when
// another request spent it first.
func (Store) spendReset(ctx context.Context, idb bun.IDB, id string, now time.Time) (bool, error) {
	ok, err := db.ChangedOne(ctx, idb.NewUpdate().Model((*passwordReset)(nil)).
		Set("used_at = ?", now).Where("id = ?", id).Where("used_at IS NULL"))
	if err != nil {
		return false, fmt.Errorf("spend password reset: %w", err)
	}
	return ok, nil
}

// spendResets marks every unused reset token of the user used.
func (Store) spendResets(ctx context.Context, idb bun.IDB, userID string, now time.Time) error {
	_, err := idb.NewUpdate().Model((*passwordReset)(nil)).
		Set("used_at = ?", now).Where("user_id = ?", userID).Where("used_at IS NULL").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("spend password resets: %w", err)
	}
	return nil
}
