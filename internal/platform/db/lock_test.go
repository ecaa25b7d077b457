package db_test

import (
	"database/sql"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Locking locks on PostgreSQL only, and only the tables named when some are.
func TestLockingWritesTheRowLock(t *testing.T) {
	t.Parallel()
	sqldb, err := sql.Open("pgx", "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sqldb.Close() })
	pg, lite := bun.NewDB(sqldb, pgdialect.New()), bun.NewDB(sqldb, sqlitedialect.New())
	query := func(d *bun.DB) *bun.SelectQuery {
		return d.NewSelect().TableExpr("cohorts AS ch").Join("JOIN courses AS co ON co.id = ch.course_id").Column("ch.id")
	}
	for _, tc := range []struct {
		name string
		q    *bun.SelectQuery
		want string
	}{
		{"pg", db.Locking(query(pg)), `SELECT "ch"."id" FROM cohorts AS ch JOIN courses AS co ON co.id = ch.course_id FOR UPDATE`},
		{"pg of", db.Locking(query(pg), "ch"), `SELECT "ch"."id" FROM cohorts AS ch JOIN courses AS co ON co.id = ch.course_id FOR UPDATE OF ch`},
		{"sqlite", db.Locking(query(lite), "ch"), `SELECT "ch"."id" FROM cohorts AS ch JOIN courses AS co ON co.id = ch.course_id`},
	} {
		if got := tc.q.String(); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
