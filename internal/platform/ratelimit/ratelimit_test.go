package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// TestReserveAllCountsAllOrNone: one statement reserves a hit under
// several limits, each with its own max and window; when one of them is
// full the attempt is refused with that limit's Retry-After, and, its
// transaction rolled back, counted under none. ReleaseAll gives the hits
// back in one statement.
func TestReserveAllCountsAllOrNone(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			d := testutil.NewDB(t, dialect)
			ctx := context.Background()
			now := time.Date(2027, 3, 1, 3, 0, 0, 0, time.UTC)
			small := ratelimit.Limiter{DB: d, Name: "small", Max: 2, Window: time.Minute}
			large := ratelimit.Limiter{DB: d, Name: "large", Max: 10, Window: time.Hour}
			counts := []ratelimit.Count{{Limiter: large, Key: "k"}, {Limiter: small, Key: "k"}}
			reserve := func() error {
				return db.InTx(ctx, d, func(ctx context.Context, tx bun.Tx) error {
					return ratelimit.ReserveAll(ctx, tx, counts, now)
				})
			}
			hits := func(name string) int {
				var n []int
				if err := db.Query(ctx, d, &n, `SELECT hits FROM rate_counters WHERE key = ?0`, name+":k"); err != nil {
					t.Fatal(err)
				}
				if len(n) == 0 {
					return 0
				}
				return n[0]
			}
			for i := 0; i < 2; i++ {
				if err := reserve(); err != nil {
					t.Fatalf("reserve %d: %v", i+1, err)
				}
			}
			err := reserve()
			ae, ok := apperr.As(err)
			if !ok || ae.Kind != apperr.KindRateLimited || ae.RetryAfter != time.Minute {
				t.Fatalf("third reserve: %v (%+v), want rate limited for a minute", err, ae)
			}
			if hits("large") != 2 || hits("small") != 2 {
				t.Errorf("after a refusal: large %d, small %d; want 2 and 2", hits("large"), hits("small"))
			}
			if err := ratelimit.ReleaseAll(ctx, d, counts, now); err != nil {
				t.Fatal(err)
			}
			if hits("large") != 1 || hits("small") != 1 {
				t.Errorf("after a release: large %d, small %d; want 1 and 1", hits("large"), hits("small"))
			}
			// A window that has passed starts again at one.
			later := now.Add(2 * time.Minute)
			if err := db.InTx(ctx, d, func(ctx context.Context, tx bun.Tx) error {
				return ratelimit.ReserveAll(ctx, tx, counts, later)
			}); err != nil {
				t.Fatal(err)
			}
			if hits("large") != 2 || hits("small") != 1 {
				t.Errorf("in a new window of small: large %d, small %d; want 2 and 1", hits("large"), hits("small"))
			}
		})
	}
}
