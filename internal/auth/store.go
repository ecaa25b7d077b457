package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
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

// loginFailures counts failed logins for one key in the current window.
type loginFailures struct {
	bun.BaseModel `bun:"table:login_failures"`

	Key         string    `bun:"key,pk"`
	WindowStart time.Time `bun:"window_start"`
	Failures    int       `bun:"failures"`
}

// Store is the SQL of sessions and the login limiter.
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
	res, err := idb.NewUpdate().Model((*refreshToken)(nil)).
		Set("used_at = ?", now).
		Where("id = ?", id).Where("used_at IS NULL").Where("revoked_at IS NULL").
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("spend refresh token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("spend refresh token: %w", err)
	}
	return n == 1, nil
}

// failures returns the live failure count for key (0 when its window has
// passed) and when that window started.
func (Store) failures(ctx context.Context, idb bun.IDB, key string, since time.Time) (int, time.Time, error) {
	var f loginFailures
	err := idb.NewSelect().Model(&f).Where("key = ?", key).Where("window_start > ?", since).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("read login failures: %w", err)
	}
	return f.Failures, f.WindowStart, nil
}

// addFailure counts one failure for key in one statement, starting a new
// window when the stored one began at or before since. It is atomic, so
// concurrent guesses cannot undercount.
func (Store) addFailure(ctx context.Context, idb bun.IDB, key string, now, since time.Time) error {
	_, err := idb.NewRaw(`INSERT INTO login_failures (key, window_start, failures) VALUES (?, ?, 1)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_failures.window_start <= ? THEN 1 ELSE login_failures.failures + 1 END,
  window_start = CASE WHEN login_failures.window_start <= ? THEN excluded.window_start ELSE login_failures.window_start END`,
		key, now, since, since).Exec(ctx)
	if err != nil {
		return fmt.Errorf("count login failure: %w", err)
	}
	return nil
}

// reserveAttempt counts one attempt for key before its password is checked,
// in one statement and only while fewer than max are counted in the live
// window (a new window starts when the stored one began at or before
// since). It reports false when the limit is reached. Counting first is
// what holds the limit under concurrency: parallel guesses cannot all pass
// a check made before any of them is recorded.
func (Store) reserveAttempt(ctx context.Context, idb bun.IDB, key string, now, since time.Time, max int) (bool, error) {
	var counted []int
	err := idb.NewRaw(`INSERT INTO login_failures (key, window_start, failures) VALUES (?, ?, 1)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_failures.window_start <= ? THEN 1 ELSE login_failures.failures + 1 END,
  window_start = CASE WHEN login_failures.window_start <= ? THEN excluded.window_start ELSE login_failures.window_start END
WHERE login_failures.window_start <= ? OR login_failures.failures < ?
RETURNING failures`,
		key, now, since, since, since, max).Scan(ctx, &counted)
	if err != nil {
		return false, fmt.Errorf("count login attempt: %w", err)
	}
	return len(counted) == 1, nil
}

// pruneFailures deletes the failure counts whose window began at or before
// since: they no longer limit anyone.
func (Store) pruneFailures(ctx context.Context, idb bun.IDB, since time.Time) (int64, error) {
	res, err := idb.NewDelete().Model((*loginFailures)(nil)).Where("window_start <= ?", since).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("prune login failures: %w", err)
	}
	return res.RowsAffected()
}

func (Store) clearFailures(ctx context.Context, idb bun.IDB, key string) error {
	if _, err := idb.NewDelete().Model((*loginFailures)(nil)).Where("key = ?", key).Exec(ctx); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}
