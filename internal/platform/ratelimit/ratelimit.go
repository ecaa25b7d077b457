// Package ratelimit is the one store of fixed-window counters, kept in the
// database so that several server processes share one count per key. Every
// limit of the programme counts here: public certificate lookups, failed
// logins, registrations.
package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Limiter allows Max hits per key in each Window. Its counters live in
// DB's rate_counters table, each key under the limiter's Name so that two
// limits on the same key (an address, say) count apart.
type Limiter struct {
	DB     bun.IDB
	Name   string
	Max    int
	Window time.Duration
	// Detail is what a refused client is told; empty means a generic text.
	Detail msg.ID
}

// On returns the limiter counting through idb, so that its counts can
// join a transaction.
func (l Limiter) On(idb bun.IDB) Limiter {
	l.DB = idb
	return l
}

func (l Limiter) key(key string) string {
	if l.Name == "" {
		return key
	}
	return l.Name + ":" + key
}

func (l Limiter) refuse(expires, now time.Time) error {
	detail := l.Detail
	if detail == "" {
		detail = msg.RateLimited
	}
	return apperr.RateLimited(detail, expires.Sub(now))
}

type counted struct {
	Hits      int       `bun:"hits"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// upsert counts one hit for key in one atomic statement: a counter whose
// window has passed starts again at 1. With onlyUnder, a live counter
// already at Max is left alone and nothing is returned.
const upsert = `INSERT INTO rate_counters (key, hits, expires_at) VALUES (?, 1, ?)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN rate_counters.expires_at <= ? THEN 1 ELSE rate_counters.hits + 1 END,
  expires_at = CASE WHEN rate_counters.expires_at <= ? THEN excluded.expires_at ELSE rate_counters.expires_at END`

// Hit counts one hit for key at now, in one atomic statement, and answers
// apperr.RateLimited (429 with Retry-After) once the key is past its limit.
// Refused hits count too, so a client that keeps knocking stays refused.
func (l Limiter) Hit(ctx context.Context, key string, now time.Time) error {
	var rows []counted
	err := l.DB.NewRaw(upsert+"\nRETURNING hits, expires_at", l.key(key), now.Add(l.Window), now, now).Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("count hit for %s: %w", key, err)
	}
	if len(rows) == 1 && rows[0].Hits > l.Max {
		return l.refuse(rows[0].ExpiresAt, now)
	}
	return nil
}

// Reserve counts one hit for key only while fewer than Max are counted in
// its live window, in one statement, and answers apperr.RateLimited when
// the limit is reached (counting nothing). Counting before the work is what
// holds a limit under concurrency: parallel requests cannot all pass a
// check made before any of them is recorded. Give the hit back with Release
// when the work turns out not to count.
func (l Limiter) Reserve(ctx context.Context, key string, now time.Time) error {
	var rows []counted
	err := l.DB.NewRaw(upsert+`
WHERE rate_counters.expires_at <= ? OR rate_counters.hits < ?
RETURNING hits, expires_at`, l.key(key), now.Add(l.Window), now, now, now, l.Max).Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("reserve hit for %s: %w", key, err)
	}
	if len(rows) == 1 {
		return nil
	}
	var c counted
	err = l.DB.NewRaw(`SELECT hits, expires_at FROM rate_counters WHERE key = ?`, l.key(key)).Scan(ctx, &c)
	if err != nil {
		return fmt.Errorf("read counter for %s: %w", key, err)
	}
	return l.refuse(c.ExpiresAt, now)
}

// Release gives back one hit that Reserve counted, if its window is still
// live (a new window has nothing to give back).
func (l Limiter) Release(ctx context.Context, key string, now time.Time) error {
	_, err := l.DB.NewRaw(`UPDATE rate_counters SET hits = hits - 1 WHERE key = ? AND hits > 0 AND expires_at > ?`,
		l.key(key), now).Exec(ctx)
	if err != nil {
		return fmt.Errorf("release hit for %s: %w", key, err)
	}
	return nil
}

// Reset forgets key's count.
func (l Limiter) Reset(ctx context.Context, key string) error {
	if _, err := db.Exec(ctx, l.DB, `DELETE FROM rate_counters WHERE key = ?0`, l.key(key)); err != nil {
		return fmt.Errorf("reset counter for %s: %w", key, err)
	}
	return nil
}

// Prune deletes the counters of every limiter whose window had passed by
// now: they count nothing any more, and without pruning every address ever
// seen keeps a row.
func Prune(ctx context.Context, idb bun.IDB, now time.Time) (int64, error) {
	res, err := idb.NewRaw(`DELETE FROM rate_counters WHERE expires_at <= ?`, now).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("prune rate counters: %w", err)
	}
	return res.RowsAffected()
}

// Count is one hit to count: a limiter and the key it counts under.
type Count struct {
	Limiter Limiter
	Key     string
}

// ReserveAll reserves one hit under every count (see Reserve) in one
// statement on idb, for a request that several limits bound at once (a
// login: its account at its address, its account, its address). If any
// limit is full it answers apperr.RateLimited for the first full one, in
// order; the statement has then counted the others, so idb must be a
// transaction that the error rolls back: all are counted or none.
func ReserveAll(ctx context.Context, idb bun.IDB, counts []Count, now time.Time) error {
	if len(counts) == 0 {
		return nil
	}
	// ?0 is now; each count adds its key, its window's end and its max.
	args := []any{now}
	var values, maxes strings.Builder
	for i, c := range counts {
		k, e, m := len(args), len(args)+1, len(args)+2
		args = append(args, c.Limiter.key(c.Key), now.Add(c.Limiter.Window), c.Limiter.Max)
		if i > 0 {
			values.WriteString(", ")
		}
		fmt.Fprintf(&values, "(?%d, 1, ?%d)", k, e)
		fmt.Fprintf(&maxes, " WHEN ?%d THEN CAST(?%d AS INTEGER)", k, m)
	}
	var rows []struct {
		Key string `bun:"key"`
	}
	err := db.Query(ctx, idb, &rows, `INSERT INTO rate_counters (key, hits, expires_at) VALUES `+values.String()+`
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN rate_counters.expires_at <= ?0 THEN 1 ELSE rate_counters.hits + 1 END,
  expires_at = CASE WHEN rate_counters.expires_at <= ?0 THEN excluded.expires_at ELSE rate_counters.expires_at END
WHERE rate_counters.expires_at <= ?0 OR rate_counters.hits < CASE rate_counters.key`+maxes.String()+` END
RETURNING key`, args...)
	if err != nil {
		return fmt.Errorf("reserve hits: %w", err)
	}
	if len(rows) == len(counts) {
		return nil
	}
	got := make(map[string]bool, len(rows))
	for _, r := range rows {
		got[r.Key] = true
	}
	for _, c := range counts {
		if got[c.Limiter.key(c.Key)] {
			continue
		}
		var cs []counted
		if err := db.Query(ctx, idb, &cs, `SELECT hits, expires_at FROM rate_counters WHERE key = ?0`, c.Limiter.key(c.Key)); err != nil {
			return fmt.Errorf("read counter for %s: %w", c.Key, err)
		}
		if len(cs) == 0 {
			return fmt.Errorf("read counter for %s: gone", c.Key)
		}
		return c.Limiter.refuse(cs[0].ExpiresAt, now)
	}
	return nil
}

// ReleaseAll gives back one hit under every count that ReserveAll
// counted, where its window is still live, in one statement.
func ReleaseAll(ctx context.Context, idb bun.IDB, counts []Count, now time.Time) error {
	if len(counts) == 0 {
		return nil
	}
	args := []any{now}
	keys := make([]string, len(counts))
	for i, c := range counts {
		keys[i] = "?" + strconv.Itoa(len(args))
		args = append(args, c.Limiter.key(c.Key))
	}
	_, err := db.Exec(ctx, idb, `UPDATE rate_counters SET hits = hits - 1
 WHERE key IN (`+strings.Join(keys, ", ")+`) AND hits > 0 AND expires_at > ?0`, args...)
	if err != nil {
		return fmt.Errorf("release hits: %w", err)
	}
	return nil
}
