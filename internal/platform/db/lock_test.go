package db_test

import (
	"database/sql"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Row locks are written one way, for the query builder and for SQL text
// alike: PostgreSQL gets the clause, SQLite (whose write transactions
// already hold the database) nothing.
func TestLocksRenderOneWay(t *testing.T) {
	t.Parallel()
	pgConn, err := sql.Open("pgx", "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	liteConn, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	pg, lite := bun.NewDB(pgConn, pgdialect.New()), bun.NewDB(liteConn, sqlitedialect.New())
	t.Cleanup(func() { _ = pg.Close(); _ = lite.Close() })
	cases := []struct {
		name  string
		locks []db.Lock
		want  string
	}{
		{"update by default", nil, " FOR UPDATE"},
		{"one table", []db.Lock{db.ForUpdate("ch")}, " FOR UPDATE OF ch"},
		{"update one, share another", []db.Lock{db.ForUpdate("ch"), db.ForShare("co")}, " FOR UPDATE OF ch FOR SHARE OF co"},
		{"share every table", []db.Lock{db.ForShare("")}, " FOR SHARE"},
	}
	for _, c := range cases {
		if got := db.LockClause(pg, c.locks...); got != c.want {
			t.Errorf("%s: PostgreSQL clause %q, want %q", c.name, got, c.want)
		}
		if got := db.LockClause(lite, c.locks...); got != "" {
			t.Errorf("%s: SQLite clause %q, want none", c.name, got)
		}
		q := pg.NewSelect().Table("cohorts").TableExpr("courses AS co").Column("id")
		if got, want := db.Locking(q, c.locks...).String(), "SELECT \"id\" FROM \"cohorts\", courses AS co"+c.want; got != want {
			t.Errorf("%s: PostgreSQL query %s, want %s", c.name, got, want)
		}
		q = lite.NewSelect().Table("cohorts").Column("id")
		if got, want := db.Locking(q, c.locks...).String(), `SELECT "id" FROM "cohorts"`; got != want {
			t.Errorf("%s: SQLite query %s, want %s", c.name, got, want)
		}
	}
}
