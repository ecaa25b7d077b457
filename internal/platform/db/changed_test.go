package db_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type coToken struct {
	bun.BaseModel `bun:"table:co_tokens"`
	ID            int64 `bun:"id,pk"`
	Used          bool  `bun:"used,notnull"`
}

// ChangedOne tells a conditional write that won (one row) from one that
// found nothing to change, and a skipped conflict from an insert.
func TestChangedOneTellsWhetherTheWriteWon(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := testutil.NewDB(t, dialect)
			if _, err := d.NewCreateTable().Model((*coToken)(nil)).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			insert := func(id int64) db.Execer {
				return d.NewInsert().Model(&coToken{ID: id}).On("CONFLICT (id) DO NOTHING")
			}
			spend := func(id int64) db.Execer {
				return d.NewUpdate().Model((*coToken)(nil)).Set("used = ?", true).Where("id = ?", id).Where("used = ?", false)
			}
			for _, c := range []struct {
				name string
				q    db.Execer
				want bool
			}{
				{"insert", insert(1), true},
				{"insert again, skipped", insert(1), false},
				{"first spend wins", spend(1), true},
				{"second spend loses", spend(1), false},
				{"no such row", spend(2), false},
			} {
				got, err := db.ChangedOne(ctx, c.q)
				if err != nil || got != c.want {
					t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.want)
				}
			}
		})
	}
}
