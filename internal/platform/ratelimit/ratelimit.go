// Package ratelimit is a fixed-window request limiter kept in the database,
// so that several server processes share one count per key.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// Limiter allows Max hits per key in each Window. Scope names what it
// limits: every key is stored as "Scope:key", so limiters with different
// windows share the counters table and each prunes only its own rows.
type Limiter struct {
	DB     *bun.DB
	Scope  string
	Max    int
	Window time.Duration
}

// Hit counts one hit for key at now, in one atomic statement, and answers
// apperr.RateLimited (429 with Retry-After) once the key is past its limit.
func (l Limiter) Hit(ctx context.Context, key string, now time.Time) error {
	key = l.prefix() + key
	since := now.Add(-l.Window)
	var rows []struct {
		Hits        int       `bun:"hits"`
		WindowStart time.Time `bun:"window_start"`
	}
	err := l.DB.NewRaw(`INSERT INTO rate_counters (key, window_start, hits) VALUES (?, ?, 1)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN rate_counters.window_start <= ? THEN 1 ELSE rate_counters.hits + 1 END,
  window_start = CASE WHEN rate_counters.window_start <= ? THEN excluded.window_start ELSE rate_counters.window_start END
RETURNING hits, window_start`, key, now, since, since).Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("count hit for %s: %w", key, err)
	}
	if len(rows) == 1 && rows[0].Hits > l.Max {
		return apperr.RateLimited(msg.RateLimited, rows[0].WindowStart.Add(l.Window).Sub(now))
	}
	return nil
}

// Prune deletes this limiter's counters whose window had passed by now:
// they count nothing any more, and without pruning every address ever seen
// keeps a row. Another limiter's rows, with perhaps a longer window, stay.
func (l Limiter) Prune(ctx context.Context, now time.Time) (int64, error) {
	p := l.prefix()
	res, err := l.DB.NewDelete().Table("rate_counters").
		Where("substr(key, 1, ?) = ?", len(p), p).
		Where("window_start <= ?", now.Add(-l.Window)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("prune rate counters: %w", err)
	}
	return res.RowsAffected()
}

func (l Limiter) prefix() string { return l.Scope + ":" }
