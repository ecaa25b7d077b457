package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// refreshToken is one stored refresh token; only its hash is kept.
type refreshToken struct {
	bun.BaseModel `bun:"table:refresh_tokens"`

	ID        string     `bun:"id,pk"`
	FamilyID  string     `bun:"family_id"`
	UserID    string     `bun:"user_id"`
	TokenHash string     `bun:"token_hash"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
	RevokedAt *time.Time `bun:"revoked_at"`
	CreatedAt time.Time  `bun:"created_at"`
}

// Store is the SQL of sessions.
type Store struct{}

func (Store) insertRefresh(ctx context.Context, idb bun.IDB, t *refreshToken) error {
	if _, err := idb.NewInsert().Model(t).Exec(ctx); err != nil {
		return fmt.Errorf("insert refresh token: %w", err)
	}
	return nil
}

// refreshByHash finds a stored token; ok is false when there is none.
func (Store) refreshByHash(ctx context.Context, idb bun.IDB, hash string) (refreshToken, bool, error) {
	var t refreshToken
	err := idb.NewSelect().Model(&t).Where("token_hash = ?", hash).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("find refresh token: %w", err)
	}
	return t, true, nil
}

// markUsed spends a live token. It reports false when another request spent
// or revoked it first: the conditional update is the race's referee.
func (Store) markUsed(ctx context.Context, idb bun.IDB, id string, now time.Time) (bool, error) {
	ok, err := db.ChangedOne(ctx, idb.NewUpdate().Model((*refreshToken)(nil)).
		Set("used_at = ?", now).
		Where("id = ?", id).Where("used_at IS NULL").Where("revoked_at IS NULL"))
	if err != nil {
		return false, fmt.Errorf("spend refresh token: %w", err)
	}
	return ok, nil
}
