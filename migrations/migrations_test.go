package migrations_test

import (
	"context"
	"testing"

	"github.com/skillgrid/skillgrid/internal/testutil"
	"github.com/skillgrid/skillgrid/migrations"
)

// TestHistoryRunsBothWays applies every step, rolls every step back and
// applies them again, on each database.
func TestHistoryRunsBothWays(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := testutil.NewDB(t, dialect) // migrated up
			ms, err := migrations.Status(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			total := len(ms)
			if total == 0 || len(ms.Unapplied()) != 0 {
				t.Fatalf("after up: %d steps, %d pending", total, len(ms.Unapplied()))
			}
			for i := 0; i < total; i++ {
				g, err := migrations.Down(ctx, d)
				if err != nil {
					t.Fatalf("down %d: %v", i, err)
				}
				if g.IsZero() {
					break
				}
			}
			if n, err := migrations.Pending(ctx, d); err != nil || n != total {
				t.Fatalf("after down: %d pending (%v), want %d", n, err, total)
			}
			if _, err := migrations.Up(ctx, d); err != nil {
				t.Fatalf("up again: %v", err)
			}
			if n, err := migrations.Pending(ctx, d); err != nil || n != 0 {
				t.Fatalf("after up again: %d pending (%v)", n, err)
			}
		})
	}
}
